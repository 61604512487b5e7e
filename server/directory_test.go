package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/directory"
	"github.com/deskline/deskline/server/simapi"
	"github.com/gorilla/websocket"
)

// dirEnv is a server with a directory of three books, read from vCard
// files the test writes: Staff (colleagues, with their extensions) and
// Customers for ann and bob, Board (with a photo) for ann only; carl has
// no books.
type dirEnv struct {
	*testEnv
	dir   *directory.Directory
	files map[string]string // book → its file
}

// onePixelPNG is a tiny photo, as a vCard carries it inline.
func onePixelPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func card(uid, fn, org string, tels ...string) string {
	s := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + fn + "\r\n"
	if org != "" {
		s += "ORG:" + org + "\r\nTITLE:Buyer\r\n"
	}
	for _, t := range tels {
		s += "TEL;" + t + "\r\n"
	}
	return s + "END:VCARD\r\n"
}

func withPhoto(c string, photo []byte) string {
	return strings.Replace(c, "END:VCARD", "PHOTO;ENCODING=b;TYPE=PNG:"+base64.StdEncoding.EncodeToString(photo)+"\r\nEND:VCARD", 1)
}

func newDirEnv(t *testing.T, opts ...envOption) *dirEnv {
	t.Helper()
	tmp := t.TempDir()
	photo := onePixelPNG(t)
	books := map[string]string{
		"Staff": card("clara", "Clara Schmidt", "", "TYPE=WORK:205", "TYPE=CELL:+49 170 5550123") +
			card("ann", "Ann Archer", "", "TYPE=WORK:202"),
		"Customers": card("jensen", "Clara Jensen", "Jensen Logistik", "TYPE=WORK:040 555019") +
			withPhoto(card("jane", "Jane Doe", "Example GmbH", "TYPE=WORK:030 1234567", "TYPE=CELL:0171 5550100"), photo),
		"Board": withPhoto(card("max", "Max Mustermann", "Board", "TYPE=WORK:089 111222"), photo),
	}
	norm, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		t.Fatal(err)
	}
	d := directory.New(norm, "", nil)
	files := map[string]string{}
	for _, name := range []string{"Staff", "Customers", "Board"} {
		files[name] = filepath.Join(tmp, name+".vcf")
		if err := os.WriteFile(files[name], []byte(books[name]), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := d.Add(directory.BookConfig{Name: name, Source: directory.Files(norm, files[name]), Refresh: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d.Start(ctx)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := d.Wait(wctx); err != nil {
		t.Fatal(err)
	}
	access := map[string][]string{"ann": {"Staff", "Customers", "Board"}, "bob": {"Staff", "Customers"}}
	e := newEnv(t, append(opts, withDirectory(d, access))...)
	return &dirEnv{testEnv: e, dir: d, files: files}
}

func names(cs []ctiproto.Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Book+": "+c.Name)
	}
	return out
}

// Search finds contacts across the user's books, ranked, each once with
// all its numbers, the matched one first; the welcome lists the books.
func TestDirectorySearch(t *testing.T) {
	e := newDirEnv(t)
	ann := e.login("ann")
	if got := ann.welcome.Directory; !slices.Equal(got, []string{"Staff", "Customers", "Board"}) {
		t.Errorf("ann's welcome: directory %v", got)
	}
	if got := e.login("carl").welcome.Directory; got != nil {
		t.Errorf("carl has no books, yet his welcome lists %v", got)
	}
	r, _ := ann.do(&ctiproto.Search{ID: "s1", Query: "clara"})
	if got := names(r.Contacts); !slices.Equal(got, []string{"Customers: Clara Jensen", "Staff: Clara Schmidt"}) &&
		!slices.Equal(got, []string{"Staff: Clara Schmidt", "Customers: Clara Jensen"}) {
		t.Fatalf("search clara: %v", got)
	}
	for i, c := range r.Contacts {
		if c.Score <= 0 || i > 0 && c.Score > r.Contacts[i-1].Score {
			t.Errorf("contact %d (%s) scores %d, after %+v", i, c.Name, c.Score, r.Contacts[:i])
		}
		if c.Name == "Clara Schmidt" {
			if len(c.Numbers) != 2 || c.ID != "Staff/"+c.ID[len("Staff/"):] {
				t.Errorf("Clara Schmidt: %+v", c)
			}
		}
	}
	// A number matches by its digits; the matched number comes first.
	r, _ = ann.do(&ctiproto.Search{ID: "s2", Query: "0171 555"})
	if len(r.Contacts) != 1 || r.Contacts[0].Name != "Jane Doe" || len(r.Contacts[0].Numbers) != 2 ||
		r.Contacts[0].Numbers[0].Number != "+491715550100" || r.Contacts[0].Numbers[0].Types[0] != "cell" {
		t.Fatalf("search 0171 555: %s", dump(r))
	}
	// An empty query is an empty list, not an error; so is no match.
	for _, q := range []string{"", "  ", "zzzz"} {
		if r, _ := ann.do(&ctiproto.Search{ID: "s3", Query: q}); r.Contacts != nil {
			t.Errorf("search %q: %s", q, dump(r))
		}
	}
	r, _ = ann.do(&ctiproto.Search{ID: "s4", Query: "a", Limit: 1})
	if len(r.Contacts) != 1 {
		t.Errorf("limit 1: %v", names(r.Contacts))
	}
}

// Lookup finds who has a number written in any form.
func TestDirectoryLookup(t *testing.T) {
	e := newDirEnv(t)
	ann := e.login("ann")
	r, _ := ann.do(&ctiproto.Lookup{ID: "l1", Number: "+49 30 1234567"})
	if len(r.Contacts) != 1 || r.Contacts[0].Name != "Jane Doe" || r.Contacts[0].Company != "Example GmbH" ||
		r.Contacts[0].Numbers[0].Number != "+49301234567" || r.Contacts[0].Photo == "" {
		t.Fatalf("lookup: %s", dump(r))
	}
	if r, _ := ann.do(&ctiproto.Lookup{ID: "l2", Number: "+1 555 0000"}); r.Contacts != nil {
		t.Errorf("lookup of nobody: %s", dump(r))
	}
}

// A photo comes within its limit; a photo of a book the user may not see
// is not found, as one that does not exist.
func TestDirectoryPhoto(t *testing.T) {
	e := newDirEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	r, _ := ann.do(&ctiproto.Search{ID: "s", Query: "max"})
	if len(r.Contacts) != 1 || r.Contacts[0].Photo == "" {
		t.Fatalf("ann's search for max: %s", dump(r))
	}
	ref := r.Contacts[0].Photo
	p, _ := ann.do(&ctiproto.GetPhoto{ID: "p", Photo: ref})
	data, err := base64.StdEncoding.DecodeString(p.Image.Data)
	if err != nil || p.Image.MediaType != "image/png" {
		t.Fatalf("photo: %v %s", err, dump(p))
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("photo is not a PNG: %v", err)
	}
	bob.send(&ctiproto.GetPhoto{ID: "p", Photo: ref})
	if e := bob.expectError(ctiproto.CodeNotFound); e.Field != "photo" || e.ID != "p" {
		t.Errorf("bob's get-photo of a Board photo: %+v", e)
	}
	bob.send(&ctiproto.GetPhoto{ID: "q", Photo: "Nowhere/x"})
	bob.expectError(ctiproto.CodeNotFound)
}

// A user outside a book's groups neither finds nor pops with its contacts.
func TestDirectoryVisibility(t *testing.T) {
	e := newDirEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	// A one-letter answer is shared for a moment, but only between users
	// with the same books.
	if r, _ := ann.do(&ctiproto.Search{ID: "m", Query: "m"}); !slices.Contains(names(r.Contacts), "Board: Max Mustermann") {
		t.Errorf("ann's search m: %v", names(r.Contacts))
	}
	if r, _ := bob.do(&ctiproto.Search{ID: "m", Query: "M"}); slices.Contains(names(r.Contacts), "Board: Max Mustermann") {
		t.Errorf("bob's search M finds a Board contact: %v", names(r.Contacts))
	}
	if r, _ := bob.do(&ctiproto.Search{ID: "s", Query: "max"}); r.Contacts != nil {
		t.Errorf("bob finds Board contacts: %s", dump(r))
	}
	if r, _ := bob.do(&ctiproto.Lookup{ID: "l", Number: "089 111222"}); r.Contacts != nil {
		t.Errorf("bob looks up Board contacts: %s", dump(r))
	}
	e.ring("203", "+4989111222", "MUSTERMANN")
	if ev := bob.expectEvent(ctiproto.EventDelivered, "203"); ev.Other.Contact != nil {
		t.Errorf("bob's pop shows a Board contact: %s", dump(ev))
	}
	e.ring("201", "+4989111222", "MUSTERMANN")
	ev := ann.expectEvent(ctiproto.EventDelivered, "201")
	if c := ev.Other.Contact; c == nil || c.Name != "Max Mustermann" || c.Book != "Board" || c.Numbers != nil {
		t.Errorf("ann's pop: %s", dump(ev))
	}
}

// A ringing call carries the directory's contact, in the event and in a
// snapshot; a colleague's extension is looked up, the user's own not.
func TestDirectoryEnrichesParties(t *testing.T) {
	e := newDirEnv(t)
	ann, bob := e.login("ann"), e.login("bob")
	e.ring("201", "030 1234567", "JANE DOE")
	ev := ann.expectEvent(ctiproto.EventDelivered, "201")
	c := ev.Other.Contact
	if c == nil || c.Name != "Jane Doe" || c.Company != "Example GmbH" || c.Title != "Buyer" || c.Photo == "" || c.Book != "Customers" {
		t.Fatalf("delivered: %s", dump(ev))
	}
	r, _ := ann.do(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "snap"})
	if len(r.Calls) != 1 || r.Calls[0].Other.Contact == nil || r.Calls[0].Other.Contact.Name != "Jane Doe" {
		t.Errorf("snapshot: %s", dump(r))
	}
	// 202 is ann's own softphone: not looked up for her; for bob it is a
	// colleague, whom the Staff book knows.
	e.simAPI(simapi.Call.Path, map[string]string{"device": "202", "to": "203"}, nil)
	if ev := bob.expectEvent(ctiproto.EventDelivered, "203"); ev.Other.Contact == nil || ev.Other.Contact.Name != "Ann Archer" {
		t.Errorf("bob's pop from 202: %s", dump(ev))
	}
	for {
		ev := ann.expectEventAny()
		if ev.Device == "202" && ev.Other != nil && ev.Other.Number == "203" {
			break // her own call from 202, not looked up: 203 is in no book
		}
	}
	e.simAPI(simapi.Call.Path, map[string]string{"device": "201", "to": "202"}, nil)
	for {
		ev := ann.expectEventAny()
		if ev.Other != nil && (ev.Other.Number == "202" || ev.Other.Number == "201") {
			if ev.Other.Contact != nil {
				t.Errorf("ann's own device was looked up: %s", dump(ev))
			}
			if ev.Type == ctiproto.EventDelivered {
				break
			}
		}
	}
	// A new session's welcome has the calls with their contacts.
	if w := e.login("ann").welcome; len(w.Calls) < 1 || w.Calls[0].Other.Contact == nil {
		t.Errorf("welcome calls: %+v", w.Calls)
	}
}

// A v1 desk gets no directory member and may not search.
func TestDirectoryV1(t *testing.T) {
	e := newDirEnv(t)
	old := e.dialVersion(ctiproto.SubprotocolV1)
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	if w.Directory != nil {
		t.Errorf("v1 welcome lists books: %v", w.Directory)
	}
	send := func(m ctiproto.Message) {
		b, _ := ctiproto.Encode(m)
		if err := old.conn.WriteMessage(websocket.TextMessage, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []ctiproto.Message{&ctiproto.Search{ID: "s", Query: "clara"}, &ctiproto.Lookup{ID: "l", Number: "205"},
		&ctiproto.GetPhoto{ID: "g", Photo: "Board/x"}} {
		send(m)
		if er, ok := old.next().(*ctiproto.Error); !ok || er.Code != ctiproto.CodeUnknownType {
			t.Errorf("v1 %s: %v", m.MessageType(), er)
		}
	}
	e.ring("201", "030 1234567", "JANE DOE")
	old.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := old.conn.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(`"contact"`)) {
		t.Errorf("v1 event carries a contact: %s", data)
	}
	if _, err := ctiproto.Decode(data); err != nil {
		t.Errorf("v1 event: %v", err)
	}
}

// A query longer than the limit is a clear error naming the field.
func TestDirectoryOversizedQuery(t *testing.T) {
	e := newDirEnv(t)
	ann := e.login("ann")
	ann.send(&ctiproto.Search{ID: "s", Query: strings.Repeat("x", ctiproto.MaxQueryLength+1)})
	er := ann.expectError(ctiproto.CodeInvalidField)
	if er.Field != "query" || er.ID != "s" || !strings.Contains(er.Message, "too long") {
		t.Errorf("oversized query: %+v", er)
	}
	ann.send(&ctiproto.Search{ID: "t", Query: "a", Limit: ctiproto.MaxSearchLimit + 1})
	if er := ann.expectError(ctiproto.CodeInvalidField); er.Field != "limit" {
		t.Errorf("limit: %+v", er)
	}
}

// Searches have a budget of their own: commands used up do not stop them.
func TestDirectoryRateBudget(t *testing.T) {
	e := newDirEnv(t, withLimits(func(l *config.Limits) { l.CommandsPerSecond, l.CommandBurst = 1, 1 }))
	ann := e.login("ann")
	ann.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p1"})
	ann.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p2"})
	ann.expectError(ctiproto.CodeRateLimited)
	for i := range 10 { // a burst of typing
		if r, _ := ann.do(&ctiproto.Search{ID: "s", Query: "clara"[:1+i%5]}); r == nil {
			t.Fatal("no result")
		}
	}
	for range ctiproto.DefaultSearchBurst {
		ann.send(&ctiproto.Search{ID: "x", Query: "c"})
	}
	for {
		m := ann.next()
		if er, ok := m.(*ctiproto.Error); ok {
			if er.Code != ctiproto.CodeRateLimited || !strings.Contains(er.Message, "directory") {
				t.Errorf("beyond the search budget: %+v", er)
			}
			break
		}
	}
}

// /healthz lists every book; a vCard book whose file went away keeps its
// copy in service and says why it failed.
func TestDirectoryHealth(t *testing.T) {
	e := newDirEnv(t)
	if err := os.Remove(e.files["Staff"]); err != nil {
		t.Fatal(err)
	}
	if err := e.dir.Refresh(context.Background(), "Staff"); err == nil {
		t.Fatal("refresh of a removed file succeeded")
	}
	resp, err := http.Get(e.http.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status    string
		Directory []directory.Status
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if len(h.Directory) != 3 {
		t.Fatalf("healthz directory: %+v", h.Directory)
	}
	staff := h.Directory[0]
	if staff.Book != "Staff" || staff.Contacts != 2 || staff.Err == "" || staff.Fetched.IsZero() ||
		!strings.Contains(staff.Err, "Staff.vcf") {
		t.Errorf("failing book: %+v", staff)
	}
	if c := h.Directory[1]; c.Err != "" || c.Contacts != 2 {
		t.Errorf("good book: %+v", c)
	}
	if h.Status != "ok" {
		t.Errorf("status %q: a failing book still serves", h.Status)
	}
	ann := e.login("ann")
	if r, _ := ann.do(&ctiproto.Search{ID: "s", Query: "schmidt"}); len(r.Contacts) != 1 {
		t.Errorf("the failing book's copy is not served: %s", dump(r))
	}
}

// One lookup per number and set of books: users with the same books get
// the very same contact; other books, their own.
func TestEnricherShares(t *testing.T) {
	e := newDirEnv(t)
	en := newEnricher(e.dir)
	all, some := []string{"Staff", "Customers", "Board"}, []string{"Staff", "Customers"}
	a := en.contact(all, booksKey(all), "+49301234567")
	b := en.contact(all, booksKey(all), "+49301234567")
	c := en.contact(some, booksKey(some), "+49301234567")
	if a == nil || a != b || c == a || c == nil || c.Name != "Jane Doe" {
		t.Errorf("contacts %p %p %p", a, b, c)
	}
	if en.contact(some, booksKey(some), "+4989111222") != nil {
		t.Error("a Board contact for a user without Board")
	}
}
