package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/internal/slapd"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
)

// The served directory on the real peers: customers in Radicale (CardDAV),
// staff in OpenLDAP. A desk's search finds people of both books, a caller
// from LDAP pops with the contact, and when Radicale goes the customers'
// book keeps its copy and /healthz says why.
func TestServeDirectoryOnRadicaleAndSlapd(t *testing.T) {
	var cards []radicale.Card
	for i := 0; i < 60; i++ {
		cards = append(cards, radicale.Card{Name: people.Get(i).UID + ".vcf", Text: people.VCard(i)})
	}
	dav := radicale.Start(t, radicale.Book{Name: "customers", Cards: cards})
	var ldif strings.Builder
	if err := people.WriteEntries(&ldif, 60, 120, func(p people.Person) string { return people.Entry(slapd.People, p) }); err != nil {
		t.Fatal(err)
	}
	ldap := slapd.Start(t, ldif.String())

	cfg := config.Demo()
	cfg.Directory = config.Directory{HomeRegion: "DE", Books: []config.DirectoryBook{
		{Name: "Customers", Type: config.BookCardDAV, Refresh: time.Second, CardDAV: config.CardDAVBook{
			URL: dav.BookURL("customers"), Username: dav.User, PasswordFile: dav.PasswordFile}},
		{Name: "Staff", Type: config.BookLDAP, LDAP: config.LDAPBook{
			URL: ldap.URL, BindDN: ldap.BindDN, PasswordFile: ldap.PasswordFile, BaseDN: slapd.People}},
	}}
	addr := startServe(t, cfg)
	waitBooks(t, addr, func(b []directory.Status) bool { return len(b) == 2 && b[0].Contacts == 60 && b[1].Contacts == 60 })

	// Clara is person 2, 26 and 50 (customers), 74 and 98 (staff).
	out := search(t, addr, "clara")
	for _, want := range []string{"Customers: " + people.Get(26).FullName(), "Staff: " + people.Get(74).FullName()} {
		if !strings.Contains(out, want) {
			t.Errorf("search clara: no %q in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 5 {
		t.Errorf("search clara: %d contacts, want 5:\n%s", n, out)
	}

	// A call from a colleague in LDAP pops with the contact.
	w := startWatch(t, addr, "-n", "1")
	simRing(t, addr, "201", people.WorkKey(74))
	lines := w.wait(t)
	event := lines[len(lines)-1]
	if !strings.Contains(event, `"contact":{`) || !strings.Contains(event, `"book":"Staff"`) ||
		!strings.Contains(event, `"name":"`+people.Get(74).FullName()+`"`) {
		t.Errorf("the ring event has no Staff contact:\n%s", event)
	}

	// Radicale goes: the customers stay, /healthz says why.
	dav.Stop()
	waitBooks(t, addr, func(b []directory.Status) bool { return b[0].Err != "" })
	st := books(t, addr)
	if st[0].Contacts != 60 || !strings.Contains(st[0].Err, "carddav: ") || st[1].Err != "" {
		t.Errorf("healthz with Radicale down: %+v", st)
	}
	if out := search(t, addr, "clara"); !strings.Contains(out, "Customers: "+people.Get(26).FullName()) {
		t.Errorf("the customers' copy is not served with Radicale down:\n%s", out)
	}
}

// search runs deskline-server search as the demo user.
func search(t *testing.T, addr, query string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"search", "-server", "ws://" + addr + "/v1/ws", query}, nil, &out, &errb); code != 0 {
		t.Fatalf("search %q: exit %d: %s", query, code, errb.String())
	}
	return out.String()
}

// books reads the directory's books from /healthz.
func books(t *testing.T, addr string) []directory.Status {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Directory []directory.Status }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Directory
}

// waitBooks polls /healthz until ok holds, for up to 60 s (Radicale
// parses every card on its first listing).
func waitBooks(t *testing.T, addr string, ok func([]directory.Status) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b := books(t, addr); ok(b) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("books never as wanted: %s", fmt.Sprint(books(t, addr)))
}

// The demo serves its built-in company book: "clara" finds the colleague
// and the partner, each with every number.
func TestServeDemoDirectory(t *testing.T) {
	addr := startServe(t, config.Demo())
	waitBooks(t, addr, func(b []directory.Status) bool { return len(b) == 1 && b[0].Contacts > 0 })
	if st := books(t, addr)[0]; st.Book != "Company" || st.Warnings != 0 || st.Err != "" {
		t.Errorf("demo book: %+v", st)
	}
	out := search(t, addr, "clara")
	if want := "Company: Clara Wolf (Demo GmbH) — 203 work,voice; +49 1511 2220203 cell\n"; out != want {
		t.Errorf("search clara on the demo:\n%s\nwant\n%s", out, want)
	}
	out = search(t, addr, "cla")
	for _, name := range []string{"Claas Petersen", "Clara Wolf", "Clarissa Hoffmann"} {
		if !strings.Contains(out, "Company: "+name) {
			t.Errorf("search cla on the demo: no %s in\n%s", name, out)
		}
	}
}
