package carddav

import (
	"context"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/radicale"
	"github.com/deskline/deskline/server/directory"
)

// The source as the directory drives it: the directory names every
// contact's Book after the book once served, and hands the copy back as
// last, from memory or, after a restart, from the state directory. An
// incremental sync must keep every card it did not see change.
func TestServedByTheDirectory(t *testing.T) {
	srv := radicale.Start(t, smallBook(20))
	state := t.TempDir()
	served := func() *directory.Directory {
		d := directory.New(normalizer(t), state, nil)
		if err := d.Add(directory.BookConfig{Name: "Customers", Source: newSource(t, srv, srv.BookURL(bookName), nil)}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	refresh := func(d *directory.Directory, contacts, transferred int) {
		t.Helper()
		if err := d.Refresh(context.Background(), "Customers"); err != nil {
			t.Fatal(err)
		}
		if st := d.Status()[0]; st.Contacts != contacts || st.Transferred != transferred || st.Err != "" {
			t.Fatalf("after a refresh: %+v; want %d contacts, %d transferred", st, contacts, transferred)
		}
	}
	d := served()
	refresh(d, 20, 20)
	refresh(d, 20, 0) // nothing changed
	p := people.Get(3)
	p.Given = "Changed"
	srv.Put(bookName, radicale.Card{Name: cardName(3), Text: p.VCard("3.0", false)})
	refresh(d, 20, 1)
	if ms := d.Lookup([]string{"Customers"}, people.WorkKey(3)); len(ms) != 1 || !strings.HasPrefix(ms[0].Contact.DisplayName(), "Changed") {
		t.Errorf("the changed card: %+v", ms)
	}
	if ms := d.Lookup([]string{"Customers"}, people.WorkKey(7)); len(ms) != 1 || ms[0].Contact.Book != "Customers" {
		t.Errorf("an unchanged card after the sync: %+v", ms)
	}

	// A restart: the saved copy and its sync token go on from where the
	// last server left off.
	d = served()
	d.Start(t.Context())
	srv.Delete(bookName, cardName(5))
	refresh(d, 19, 0)
	if ms := d.Lookup([]string{"Customers"}, people.WorkKey(7)); len(ms) != 1 {
		t.Errorf("an unchanged card after a restart and a sync: %+v", ms)
	}
}
