package ldap

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/server/directory"

	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/slapd"
)

const tenThousand = 10_000

func TestFetchLoadsTenThousandPeople(t *testing.T) {
	srv := slapd.Start(t, entries(0, tenThousand, inetOrgPerson))
	b := fetch(t, config(srv))
	if len(b.Contacts) != tenThousand || b.Transferred != tenThousand || len(b.Warnings) != 0 {
		t.Fatalf("got %d contacts, %d transferred, warnings %q; want %d, %d, none",
			len(b.Contacts), b.Transferred, b.Warnings, tenThousand, tenThousand)
	}
	m := byWorkKey(b)
	for i := 0; i < tenThousand; i++ {
		checkPerson(t, m, i, people.UUID(i))
	}
	c := m[people.WorkKey(12)]
	types := map[string]string{}
	for _, p := range c.Phones {
		types[p.Number.Key] = p.Types[0]
	}
	if types["+4915100000012"] != "cell" || types["+12122000012"] != "fax" || types[people.WorkKey(12)] != "work" {
		t.Errorf("person 12's phone types: %v", types)
	}
}

// The AD preset reads AD-like user objects (company, department,
// objectGUID) and its filter skips disabled accounts.
func TestFetchADPresetLoadsSamePeople(t *testing.T) {
	const n = tenThousand
	disabled := people.ADEntry(slapd.AD, people.Get(n), 514)
	srv := slapd.Start(t, entries(0, n, adUser), disabled, entries(0, 10, inetOrgPerson))
	cfg := config(srv)
	cfg.BaseDN, cfg.Schema = slapd.AD, "ad"
	b := fetch(t, cfg)
	if len(b.Contacts) != n || len(b.Warnings) != 0 {
		t.Fatalf("got %d contacts, warnings %q; want %d, none (the disabled account left out)", len(b.Contacts), b.Warnings, n)
	}
	m := byWorkKey(b)
	for i := 0; i < n; i++ {
		checkPerson(t, m, i, people.GUIDString(i))
	}
}

// Attributes overrides the preset field by field.
func TestFetchAttributeOverrides(t *testing.T) {
	srv := slapd.Start(t, entries(0, 10, inetOrgPerson))
	cfg := config(srv)
	cfg.Attributes = map[string]string{FieldOrganization: "ou", FieldDepartment: "", FieldCell: "", FieldID: "uid"}
	b := fetch(t, cfg)
	c := byWorkKey(b)[people.WorkKey(3)]
	p := people.Get(3)
	if c.ID != p.UID || c.Organization != p.Department || c.Department != "" || len(c.Phones) != 1 {
		t.Errorf("overrides not applied: %+v", c)
	}
}

// A server size limit lower than the directory does not cut a paged
// search short when the paged total is unlimited (AD's MaxPageSize case).
func TestFetchPagesPastTheServerSizeLimit(t *testing.T) {
	const n = 3000
	srv := slapd.StartWith(t, slapd.Options{SizeLimit: "size.soft=1000 size.hard=1000 size.prtotal=unlimited"},
		entries(0, n, inetOrgPerson))
	b := fetch(t, config(srv))
	if len(b.Contacts) != n || len(b.Warnings) != 0 {
		t.Fatalf("got %d contacts, warnings %q; want %d, none", len(b.Contacts), b.Warnings, n)
	}
}

// A server that caps paged searches too: what came is kept, with a
// warning that names the limit.
func TestFetchWarnsAtTheServerSizeLimit(t *testing.T) {
	const n, limit = 3000, 2000
	srv := slapd.StartWith(t, slapd.Options{SizeLimit: fmt.Sprintf("size.soft=1000 size.hard=1000 size.prtotal=%d", limit)},
		entries(0, n, inetOrgPerson))
	b := fetch(t, config(srv))
	if len(b.Contacts) != limit || !hasWarning(b, "size limit", fmt.Sprint(limit), slapd.BindDN) {
		t.Fatalf("got %d contacts, warnings %q; want %d and a size limit warning", len(b.Contacts), b.Warnings, limit)
	}
}

// With a last copy, a search the server cut short fails the fetch: the
// last copy stays in service, and the error says which limit and what to
// raise.
func TestServerSizeLimitKeepsLastCopy(t *testing.T) {
	const n, limit = 3000, 2000
	srv := slapd.StartWith(t, slapd.Options{SizeLimit: fmt.Sprintf("size.soft=1000 size.hard=1000 size.prtotal=%d", limit)},
		entries(0, n, inetOrgPerson))
	last := &directory.Book{Contacts: make([]*contacts.Contact, n)}
	b, err := newSource(t, config(srv)).Fetch(context.Background(), last)
	if err == nil {
		t.Fatalf("Fetch served %d contacts, warnings %q; want an error", len(b.Contacts), b.Warnings)
	}
	want := fmt.Sprintf("ldap: %s: the server's size limit stopped the search after %d entries; raise the limit for %s (OpenLDAP: olcSizeLimit size.prtotal)",
		srv.URL, limit, slapd.BindDN)
	if err.Error() != want {
		t.Errorf("error %q\nwant  %q", err, want)
	}
}

// An administrative limit (slapd's size.unchecked: more candidates than
// it will look at) stops the search before any entry: an error, with
// or without a last copy, naming the limit.
func TestServerAdminLimitFails(t *testing.T) {
	srv := slapd.StartWith(t, slapd.Options{SizeLimit: "size.unchecked=100 size.prtotal=unlimited"}, entries(0, 300, inetOrgPerson))
	for _, last := range []*directory.Book{nil, {}} {
		b, err := newSource(t, config(srv)).Fetch(context.Background(), last)
		if err == nil {
			t.Fatalf("Fetch served %d contacts, warnings %q; want an error", len(b.Contacts), b.Warnings)
		}
		if !strings.Contains(err.Error(), "administrative limit stopped the search after 0 entries") ||
			!strings.Contains(err.Error(), "size.unchecked") || !strings.Contains(err.Error(), slapd.BindDN) {
			t.Errorf("error %q does not name the limit", err)
		}
	}
}

// A stock slapd (olcSizeLimit 500, no size.prtotal) caps paged searches at
// 500 entries for anyone but the rootDN: the warning says what to raise.
func TestFetchWarnsAtStockSlapdLimit(t *testing.T) {
	srv := slapd.StartWith(t, slapd.Options{SizeLimit: "500"}, entries(0, 1000, inetOrgPerson))
	b := fetch(t, config(srv))
	if len(b.Contacts) != 500 || !hasWarning(b, "size limit", "after 500 entries", "size.prtotal") {
		t.Fatalf("got %d contacts, warnings %q; want 500 and a size limit warning", len(b.Contacts), b.Warnings)
	}
}

// The source's own size limit stops the read with a warning.
func TestFetchStopsAtOwnSizeLimit(t *testing.T) {
	srv := slapd.Start(t, entries(0, 1200, inetOrgPerson))
	cfg := config(srv)
	cfg.SizeLimit, cfg.PageSize = 1000, 300
	b := fetch(t, cfg)
	if len(b.Contacts) != 1000 || !hasWarning(b, "size limit of 1000") {
		t.Fatalf("got %d contacts, warnings %q; want 1000 and a warning", len(b.Contacts), b.Warnings)
	}
}

func TestFetchWarnsOfReferrals(t *testing.T) {
	ref := "ldap://other.example/ou=people,dc=other"
	srv := slapd.Start(t, entries(0, 10, inetOrgPerson), people.Referral(slapd.People, "elsewhere", ref))
	b := fetch(t, config(srv))
	if len(b.Contacts) != 10 || !hasWarning(b, "referral", "other.example/ou=people,dc=other") {
		t.Fatalf("got %d contacts, warnings %q; want 10 and a referral warning", len(b.Contacts), b.Warnings)
	}
}

// A broken number, a huge photo and one that is no image are left out
// with a warning naming the entry; the rest of the entry loads.
func TestFetchBrokenEntriesLoadInPart(t *testing.T) {
	huge := people.PhotoEntry(slapd.People, people.Get(1), 600<<10)
	notImage := people.PhotoEntry(slapd.People, people.Get(2), 10<<10) // a JPEG header and zeros
	broken := people.BrokenNumberEntry(slapd.People, people.Get(3))
	srv := slapd.Start(t, entries(4, 10, inetOrgPerson), huge, notImage, broken)
	b := fetch(t, config(srv))
	if len(b.Contacts) != 9 {
		t.Fatalf("got %d contacts, want 9", len(b.Contacts))
	}
	m := byWorkKey(b)
	if c := m[people.WorkKey(1)]; c.Photo != nil || !hasWarning(b, "uid=person-000001,", "jpegPhoto larger than 524288 bytes") {
		t.Errorf("huge photo kept or no warning: %q", b.Warnings)
	}
	if c := m[people.WorkKey(2)]; c.Photo != nil || !hasWarning(b, "uid=person-000002,", "jpegPhoto is not a JPEG") {
		t.Errorf("broken photo kept or no warning: %+v, %q", c.Photo, b.Warnings)
	}
	if c := m[people.WorkKey(3)]; len(c.Phones) != 2 || !hasWarning(b, "uid=person-000003,", "homePhone", "call the front desk") {
		t.Errorf("broken number: phones %+v, warnings %q", c.Phones, b.Warnings)
	}
}

// Photos are kept as a vCard's are: a 2000×2000 jpegPhoto becomes a
// thumbnail of contacts.PhotoThumbSide, a small one stays as it is, and
// an AD thumbnailPhoto claiming more pixels than the limit is left out
// with a warning while its entry loads.
func TestFetchPhotosAreThumbnailed(t *testing.T) {
	small := jpegOf(t, 96, 96)
	srv := slapd.Start(t,
		withPhoto(inetOrgPerson(people.Get(0)), "jpegPhoto", jpegOf(t, 2000, 2000)),
		withPhoto(inetOrgPerson(people.Get(1)), "jpegPhoto", small),
		withPhoto(adUser(people.Get(2)), "thumbnailPhoto", jpegClaiming(t, 20000, 20000)),
		withPhoto(adUser(people.Get(3)), "thumbnailPhoto", small))
	m := byWorkKey(fetch(t, config(srv)))
	big := m[people.WorkKey(0)].Photo
	if big == nil || big.MediaType != "image/png" {
		t.Fatalf("2000×2000 photo: %+v", big)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(big.Data)); err != nil || cfg.Width != contacts.PhotoThumbSide || cfg.Height != contacts.PhotoThumbSide {
		t.Errorf("2000×2000 photo kept as %d×%d (%v), want %d a side", cfg.Width, cfg.Height, err, contacts.PhotoThumbSide)
	}
	if p := m[people.WorkKey(1)].Photo; p == nil || p.MediaType != "image/jpeg" || !bytes.Equal(p.Data, small) {
		t.Errorf("small photo not kept as it is: %+v", p)
	}

	cfg := config(srv)
	cfg.BaseDN, cfg.Schema = slapd.AD, "ad"
	b := fetch(t, cfg)
	m = byWorkKey(b)
	if c := m[people.WorkKey(2)]; c == nil || c.Photo != nil || !hasWarning(b, "thumbnailPhoto of 20000×20000 pixels", "MaxPhotoPixels") {
		t.Errorf("photo over the pixel limit: %+v, warnings %q", c, b.Warnings)
	}
	if p := m[people.WorkKey(3)].Photo; p == nil || !bytes.Equal(p.Data, small) {
		t.Errorf("AD thumbnailPhoto not kept: %+v", p)
	}
}
