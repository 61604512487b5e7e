package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
)

// dirServer is a scripted server whose welcome names the directory's
// books (none: no directory) and whose requests go to answer, which
// returns the reply to send (nil: none). Events can be pushed with send.
type dirServer struct {
	url    string
	mu     sync.Mutex
	conn   *websocket.Conn
	frames []ctiproto.Message // requests received
}

func newDirServer(t *testing.T, books []string, answer func(m ctiproto.Message) ctiproto.Message) *dirServer {
	t.Helper()
	ds := &dirServer{}
	up := websocket.Upgrader{Subprotocols: []string{ctiproto.Subprotocol}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if _, _, err := conn.ReadMessage(); err != nil { // the hello
			return
		}
		exp := time.Now().Add(time.Hour)
		ds.mu.Lock()
		ds.conn = conn
		ds.mu.Unlock()
		ds.send(&ctiproto.Welcome{ID: "hello", User: "ann", Session: "s1", Epoch: "e1",
			Token: strings.Repeat("t", 43), TokenExpires: &exp, Directory: books,
			Devices: []ctiproto.Device{{Device: "201", Registered: true}}, Capabilities: []string{"answer"},
			Exchange: ctiproto.ExchangeStatus{Available: true}, Limits: ctiproto.Limits{PingSeconds: 30}})
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			m, err := ctiproto.Decode(data)
			if err != nil {
				continue
			}
			ds.mu.Lock()
			ds.frames = append(ds.frames, m)
			ds.mu.Unlock()
			go func() { // answers may come out of order, as a busy server's do
				if r := answer(m); r != nil {
					ds.send(r)
				}
			}()
		}
	}))
	t.Cleanup(ts.Close)
	ds.url = "ws" + strings.TrimPrefix(ts.URL, "http") + ctiproto.Path
	return ds
}

func (ds *dirServer) send(m ctiproto.Message) {
	frame, _ := ctiproto.Encode(m)
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.conn.WriteMessage(websocket.TextMessage, frame)
}

// requests lists the requests of one type received so far.
func (ds *dirServer) requests(typ string) []ctiproto.Message {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	var out []ctiproto.Message
	for _, m := range ds.frames {
		if m.MessageType() == typ {
			out = append(out, m)
		}
	}
	return out
}

// searchAnswer answers a search with one contact named after the query.
func searchAnswer(m ctiproto.Message) ctiproto.Message {
	if s, ok := m.(*ctiproto.Search); ok {
		return &ctiproto.Result{ID: s.ID, Contacts: []ctiproto.Contact{dirContact("x", "Clara "+s.Query, "Acme", "+4930777")}}
	}
	return nil
}

func dirDesk(t *testing.T, url string) *desk {
	t.Helper()
	d := newOffice(t).desk("ann", func(op *Options) { op.ServerURL = url })
	d.login()
	d.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	return d
}

// Without books in the welcome nothing is asked: no request, no error.
func TestSearchDirectoryNotAskedWithoutBooks(t *testing.T) {
	ds := newDirServer(t, nil, searchAnswer)
	d := dirDesk(t, ds.url)
	got, err := d.SearchDirectory(context.Background(), "clara", 5)
	if got != nil || err != nil {
		t.Fatalf("search without a directory: %v, %v", got, err)
	}
	if got, err := d.LookupDirectory(context.Background(), "+4930777"); got != nil || err != nil {
		t.Fatalf("lookup without a directory: %v, %v", got, err)
	}
	if n := len(ds.requests(ctiproto.TypeSearch)) + len(ds.requests(ctiproto.TypeLookup)); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// With books, a search round trip brings the contacts, cleaned.
func TestSearchDirectoryRoundTrip(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, func(m ctiproto.Message) ctiproto.Message {
		if s, ok := m.(*ctiproto.Lookup); ok {
			return &ctiproto.Result{ID: s.ID, Contacts: []ctiproto.Contact{dirContact("1", "Bob\u202e Evil", "", "+4930777")}}
		}
		return searchAnswer(m)
	})
	d := dirDesk(t, ds.url)
	if s := d.State(); strings.Join(s.Directory, ",") != "Staff" {
		t.Fatalf("books %v", s.Directory)
	}
	got, err := d.SearchDirectory(context.Background(), "cla", 5)
	if err != nil || len(got) != 1 || got[0].Name != "Clara cla" {
		t.Fatalf("search: %+v, %v", got, err)
	}
	if s := ds.requests(ctiproto.TypeSearch)[0].(*ctiproto.Search); s.Query != "cla" || s.Limit != 5 {
		t.Fatalf("sent %+v", s)
	}
	got, err = d.LookupDirectory(context.Background(), "030 777")
	if err != nil || len(got) != 1 || got[0].Name != "Bob Evil" {
		t.Fatalf("lookup: %+v, %v", got, err)
	}
}

// Typing fast sends one search, for the text typed last; the local rows
// come at once.
func TestFinderDebounces(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, searchAnswer)
	d := dirDesk(t, ds.url)
	answers := make(chan Answer, 10)
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers}, d.Client, func(a Answer) { answers <- a })
	f.Debounce = 300 * time.Millisecond // a slow CI machine types slower than this
	var local []Found
	for _, text := range []string{"j", "ja", "jan", "jane"} {
		local = f.Type(d.State(), text)
	}
	if got := rowsText(local); got != "Jane Doe +49 30 1234567|Jane Doe +49 171 5551234" {
		t.Fatalf("local rows %s", got)
	}
	a := recv(t, answers)
	if a.Text != "jane" || !f.Current(a) || !strings.Contains(rowsText(a.Rows), "Clara jane") || !strings.HasPrefix(rowsText(a.Rows), "Jane Doe") {
		t.Fatalf("answer %q current %v: %s", a.Text, f.Current(a), rowsText(a.Rows))
	}
	if n := len(ds.requests(ctiproto.TypeSearch)); n != 1 {
		t.Fatalf("%d searches sent for 4 keys", n)
	}
}

// An answer for older text never replaces a newer one: the server
// answers "cla" after "clar" — its search not cancelled, as when the
// answer was already on its way — and only clar's answer is handed on.
func TestFinderDropsStaleAnswers(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, searchAnswer)
	d := dirDesk(t, ds.url)
	answers := make(chan Answer, 10)
	f := NewFinder(Find{Numbers: d.opts.Numbers}, d.Client, func(a Answer) { answers <- a })
	f.Debounce = time.Hour // asked by Flush and by hand below, never by the timer
	f.Type(d.State(), "cla")
	f.mu.Lock()
	stale := &pendingSearch{gen: f.pending.gen, s: f.pending.s, text: "cla", ctx: context.Background(), done: make(chan struct{})}
	f.mu.Unlock()
	f.Type(d.State(), "clar")
	f.Flush(func(Answer) {})
	if a := recv(t, answers); a.Text != "clar" {
		t.Fatalf("first answer for %q", a.Text)
	}
	f.ask(stale) // cla's answer comes last
	none(t, answers, 300*time.Millisecond, "cla after clar")
	if n := len(ds.requests(ctiproto.TypeSearch)); n != 2 {
		t.Fatalf("%d searches, want 2", n)
	}
}

func waitRequests(t *testing.T, ds *dirServer, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(ds.requests(ctiproto.TypeSearch)) < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d searches, want %d", len(ds.requests(ctiproto.TypeSearch)), n)
		}
	}
}

// Offline, the finder is the user's books: no answer, no request.
func TestFinderOffline(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, searchAnswer)
	d := dirDesk(t, ds.url)
	d.stop()
	answers := make(chan Answer, 1)
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers}, d.Client, func(a Answer) { answers <- a })
	f.Debounce = time.Millisecond
	if got := rowsText(f.Type(d.State(), "max")); got != "Max Mustermann +49 89 123456" {
		t.Fatalf("offline rows %s", got)
	}
	select {
	case a := <-answers:
		t.Fatalf("answer offline: %+v", a)
	case <-time.After(100 * time.Millisecond):
	}
	if n := len(ds.requests(ctiproto.TypeSearch)); n != 0 {
		t.Fatalf("%d searches offline", n)
	}
}

// A call from a number no card of the user's has pops the server's
// directory match with its book; its photo is fetched once and shows
// when it arrives. A number the user's card has pops the card.
func TestPopShowsDirectoryContactAndPhoto(t *testing.T) {
	img := smallPNG(t, 8, 8)
	ds := newDirServer(t, []string{"Staff"}, func(m ctiproto.Message) ctiproto.Message {
		if g, ok := m.(*ctiproto.GetPhoto); ok {
			return &ctiproto.Result{ID: g.ID, Image: &ctiproto.Image{MediaType: "image/png", Data: base64.StdEncoding.EncodeToString(img)}}
		}
		return nil
	})
	d := dirDesk(t, ds.url)
	dc := &ctiproto.Contact{ID: "7", Book: "Staff", Name: "Clara Weiss", Company: "Acme", Department: "Sales", Title: "Manager", Photo: "p7"}
	for i, other := range []*ctiproto.Party{
		{Number: "+4930777", Contact: dc},
		{Number: "+49301234567", Contact: dc}, // Jane Doe's card
	} {
		ds.send(&ctiproto.Event{Type: ctiproto.EventDelivered, Seq: uint64(i + 1), Time: time.Now(), Call: "c-" + string(rune('1'+i)),
			Device: "201", State: "alerting", Direction: "incoming", Other: other})
	}
	s := d.waitFor("the photo", func(s State) bool {
		c, ok := callIn(s, "c-1")
		return ok && c.Contact != nil && c.Contact.Photo != nil
	})
	c, _ := callIn(s, "c-1")
	if c.Display != "Clara Weiss" || c.Source != "Staff" || c.Contact.Organization != "Acme" || c.Contact.Title != "Manager" ||
		c.Contact.Department != "Sales" || string(c.Contact.Photo.Data) != string(img) {
		t.Fatalf("pop %+v contact %+v", c, c.Contact)
	}
	if c2, _ := callIn(s, "c-2"); c2.Display != "Jane Doe" || c2.Source != "" {
		t.Fatalf("the user's card lost: %+v", c2)
	}
	// Another call from the same contact: the photo is the cached one.
	ds.send(&ctiproto.Event{Type: ctiproto.EventDelivered, Seq: 3, Time: time.Now(), Call: "c-3", Device: "201",
		State: "alerting", Direction: "incoming", Other: &ctiproto.Party{Number: "+4930777", Contact: dc}})
	d.waitFor("the second pop's photo", func(s State) bool {
		c, ok := callIn(s, "c-3")
		return ok && c.Contact != nil && c.Contact.Photo != nil
	})
	if n := len(ds.requests(ctiproto.TypeGetPhoto)); n != 1 {
		t.Fatalf("%d get-photo requests, want 1", n)
	}
}

// On a real server with a directory (testoffice.WithDirectory): a search
// round trip, merged with the user's books; a call from a customer no
// card of the user's has pops the directory's contact with its book and
// its photo.
func TestDirectoryOnRealServer(t *testing.T) {
	o := &office{Office: testoffice.Start(t, nil, testoffice.WithDirectory), t: t}
	d := o.desk("ann")
	d.login()
	d.waitFor("the directory's books", func(s State) bool { return len(s.Directory) == 2 })
	f := NewFinder(Find{Books: d.opts.Directory, Numbers: d.opts.Numbers, Colleagues: true}, d.Client, nil)
	f.Wait = true
	got := rowsText(f.Type(d.State(), "clara"))
	if want := "Clara Jensen +49 40 555019 Customers|Clara Schmidt 209 Staff|Clara Schmidt +49 170 5550123 Staff"; got != want {
		t.Errorf("clara:\n got %s\nwant %s", got, want)
	}
	if got := rowsText(f.Type(d.State(), "jane")); got != "Jane Doe +49 30 1234567|Jane Doe +49 171 5551234" {
		t.Errorf("jane (the user's card only): %s", got)
	}
	cs, err := d.LookupDirectory(context.Background(), "040 555019")
	if err != nil || len(cs) != 1 || cs[0].Name != "Clara Jensen" {
		t.Fatalf("lookup: %+v, %v", cs, err)
	}
	o.ring("201", "+4940555019", "")
	s := d.waitFor("the pop with the photo", func(s State) bool {
		r := s.Ringing()
		return len(r) == 1 && r[0].Contact != nil && r[0].Contact.Photo != nil
	})
	c := s.Ringing()[0]
	if c.Display != "Clara Jensen" || c.Source != "Customers" || c.Contact.Organization != "Jensen Logistik" ||
		!bytes.Equal(c.Contact.Photo.Data, testoffice.DirectoryPhoto()) {
		t.Fatalf("pop %+v, card %+v", c, c.Contact)
	}
}

// A parked call and the call journal name the caller by the server's
// directory contact when the user's own books do not know the number,
// and the journal keeps it when a later event of the call carries none.
func TestParkedAndJournalNameDirectoryContact(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, func(m ctiproto.Message) ctiproto.Message { return nil })
	d := dirDesk(t, ds.url)
	dc := &ctiproto.Contact{ID: "7", Book: "Staff", Name: "Clara Weiss", Company: "Acme"}
	ds.send(&ctiproto.Event{Type: ctiproto.EventParked, Seq: 1, Time: time.Now(), Call: "c-9", Device: "201",
		Slot: "701", Other: &ctiproto.Party{Number: "+4930777", Contact: dc}})
	d.waitFor("the parked call", func(s State) bool {
		return len(s.Switchboard.Parked) == 1 && s.Switchboard.Parked[0].Who == "Clara Weiss"
	})
	ds.send(&ctiproto.Event{Type: ctiproto.EventDelivered, Seq: 2, Time: time.Now(), Call: "c-1",
		Device: "201", State: "alerting", Direction: "incoming", Other: &ctiproto.Party{Number: "+4930777", Contact: dc}})
	d.waitFor("the ringing call", func(s State) bool { return len(s.Ringing()) == 1 })
	ds.send(&ctiproto.Event{Type: ctiproto.EventCleared, Seq: 3, Time: time.Now(), Call: "c-1", Device: "201",
		State: "cleared", Direction: "incoming", Cause: "normal", Other: &ctiproto.Party{Number: "+4930777"}})
	d.waitFor("the missed call", func(s State) bool { return s.MissedUnseen == 1 })
	if e := d.journal.Recent(1); len(e) != 1 || e[0].Name != "Clara Weiss" {
		t.Fatalf("journal %+v", e)
	}
}

// A pasted paragraph searches its start, within the protocol's limit,
// instead of being refused; a number's types come cleaned.
func TestSearchDirectoryCapsTheQueryAndCleansTypes(t *testing.T) {
	ds := newDirServer(t, []string{"Staff"}, func(m ctiproto.Message) ctiproto.Message {
		s, ok := m.(*ctiproto.Search)
		if !ok {
			return nil
		}
		c := dirContact("x", "Clara", "Acme", "+4930777")
		c.Numbers[0].Types = []string{"work\u202e", " ", "cell"}
		return &ctiproto.Result{ID: s.ID, Contacts: []ctiproto.Contact{c}}
	})
	d := dirDesk(t, ds.url)
	got, err := d.SearchDirectory(context.Background(), strings.Repeat("é", ctiproto.MaxQueryLength), 5)
	if err != nil {
		t.Fatal(err)
	}
	q := ds.requests(ctiproto.TypeSearch)[0].(*ctiproto.Search).Query
	if len(q) > ctiproto.MaxQueryLength || !utf8.ValidString(q) || q == "" {
		t.Fatalf("query of %d bytes sent", len(q))
	}
	if types := got[0].Numbers[0].Types; !slices.Equal(types, []string{"work", "cell"}) {
		t.Fatalf("types %q", types)
	}
}
