package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// directoryReady waits until the desk can dial and knows its directory's
// books (testoffice.WithDirectory: Staff, Customers).
func directoryReady(s app.State) bool {
	return s.Status == app.StatusConnected && s.Can(ctiproto.TypeMakeCall) && len(s.Devices) > 0 && len(s.Directory) == 2
}

// The dial window lists the directory's contacts with the user's own
// cards, each row with its source; Enter dials the first.
func TestDialSearchesTheDirectory(t *testing.T) {
	o := testoffice.Start(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "the directory", directoryReady)
	u.dial.show("")
	v := u.dial
	test.Type(v.entry, "clara")
	want := []string{
		"Clara Jensen | Jensen Logistik · from Customers | +49 40 555019 | work",
		"Clara Schmidt | Sales · from Staff | 209 | work",
		"Clara Schmidt | Sales · from Staff | +49 170 5550123 | cell",
	}
	if got := dialShown(v); !slices.Equal(got, want) {
		t.Fatalf("rows for clara:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	test.AssertRendersToMarkup(t, "dial_directory.xml", v.win.window().Canvas())
	snapshot(t, "dial_directory.xml", v.win.window().Canvas())

	v.entry.SetText("")
	test.Type(v.entry, "lena")
	if got := dialShown(v); len(got) == 0 || !strings.HasSuffix(strings.Split(got[0], " | ")[1], "· My contacts") {
		t.Fatalf("the user's own card does not say so: %q", got)
	}

	v.entry.SetText("")
	test.Type(v.entry, "jensen")
	dialPress(v, fyne.KeyReturn)
	waitRender(t, u, "a call to Clara Jensen", dialCallTo(d, "+4940555019"))
}

// The transfer field suggests the directory's contacts; Enter on a name
// picks the first.
func TestTransferSearchesTheDirectory(t *testing.T) {
	_, p, w, sent := transferWithDirectory(t)
	w.Resize(fyne.NewSize(420, 260))
	test.Type(p.entry, "clara")
	var got []string
	for _, o := range p.suggestions.Objects {
		got = append(got, o.(*widget.Button).Text)
	}
	want := []string{"Clara Jensen · +49 40 555019 · work · from Customers", "Clara Schmidt · 209 · work · from Staff",
		"Clara Schmidt · +49 170 5550123 · cell · from Staff"}
	if !slices.Equal(got, want) {
		t.Fatalf("suggestions %q, want %q", got, want)
	}
	test.AssertRendersToMarkup(t, "transfer_directory.xml", w.Canvas())
	snapshot(t, "transfer_directory.xml", w.Canvas())
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // picks the first
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // sends it
	if *sent != "+49 40 555019" || p.pickedLabel.Text != "To Clara Jensen · +49 40 555019 · work" {
		t.Fatalf("sent %q, picked %q", *sent, p.pickedLabel.Text)
	}
}

// The switchboard: a name that matches no tile lists the directory's
// contacts under the grid; Enter with the caller in hand transfers to
// the first row.
func TestSwitchboardSearchesTheDirectory(t *testing.T) {
	u, v, id := receptionWithDirectory(t)
	test.Type(v.filter, "clara")
	if len(v.order) != 0 {
		t.Fatalf("tiles for clara: %v", v.order)
	}
	var got []string
	for _, r := range v.found.rows {
		got = append(got, foundRowText(r))
	}
	want := []string{"Clara Jensen · Jensen Logistik · +49 40 555019 · from Customers", "Clara Schmidt · 209 · from Staff",
		"Clara Schmidt · +49 170 5550123 · from Staff"}
	if !slices.Equal(got, want) || !v.found.box.Visible() {
		t.Fatalf("list %q (shown %v), want %q", got, v.found.box.Visible(), want)
	}
	test.AssertObjectRendersToMarkup(t, "switchboard_directory.xml", v.found.box)

	// Bob has a tile and a card in Staff: the tile, not a second row.
	v.filter.SetText("")
	test.Type(v.filter, "bob")
	if strings.Join(v.order, ",") != "203" || len(v.found.rows) != 0 {
		t.Fatalf("bob: tiles %v, list %d rows", v.order, len(v.found.rows))
	}

	v.filter.SetText("")
	test.Type(v.filter, "jensen")
	v.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitRender(t, u, "the call went to Clara Jensen", gone(id))
	if info(u) != "Transferred to Clara Jensen (+49 40 555019)." || v.filter.Text != "" || v.found.box.Visible() {
		t.Fatalf("after Enter: info %q, filter %q, list shown %v", info(u), v.filter.Text, v.found.box.Visible())
	}
}

// A caller no card of the user's has pops the directory's contact, with
// its book, and its photo once the desk has fetched it.
func TestPopShowsTheDirectorysContact(t *testing.T) {
	o := testoffice.Start(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "the directory", directoryReady)
	id := o.Ring("201", "+4940555019", "")
	waitRender(t, u, "the pop with its photo", func(s app.State) bool {
		c, ok := s.CallByID(id)
		return ok && c.Contact != nil && c.Contact.Photo != nil
	})
	c := card(t, u, id)
	if c.name.Text != "Clara Jensen" || c.company.Text != "Jensen Logistik" || c.source.Text != "Directory: Customers" {
		t.Fatalf("pop %q, %q, %q", c.name.Text, c.company.Text, c.source.Text)
	}
	if res, ok := c.photo.Resource.(*fyne.StaticResource); !ok || !strings.HasPrefix(res.StaticName, "photo-") {
		t.Fatalf("pop's picture %v, want the directory's photo", c.photo.Resource)
	}
}

// Offline, a user with a directory is told in one dim line that the
// lists hold her own contacts only; online the line goes.
func TestListsSayTheDirectoryIsUnreachable(t *testing.T) {
	o := testoffice.Start(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, fy := newTestUI(t, d)
	waitRender(t, u, "the directory", directoryReady)
	u.dial.show("")
	v := u.dial
	p := newTargetPicker(u, "Transfer to…", func(string) {}, func() {})
	w := fy.NewWindow("transfer")
	w.SetContent(container.NewVBox(p.entry, p.box))
	test.Type(v.entry, "lena")
	test.Type(p.entry, "lena")
	if v.finder.note.Visible() || p.finder.note.Visible() {
		t.Fatalf("online: %q %q", v.finder.note.Text, p.finder.note.Text)
	}
	o.Stop()
	waitRender(t, u, "offline", func(s app.State) bool { return s.Status != app.StatusConnected })
	v.entry.SetText("")
	test.Type(v.entry, "lena")
	p.entry.SetText("")
	test.Type(p.entry, "lena")
	for _, l := range []*widget.Label{v.finder.note, p.finder.note} {
		if !l.Visible() || l.Text != "Company directory not reachable — your contacts only" {
			t.Fatalf("offline: shown %v %q", l.Visible(), l.Text)
		}
	}
	if got := dialShown(v); len(got) == 0 || !strings.Contains(got[0], "Lena") {
		t.Fatalf("offline rows %q", got)
	}
	v.entry.SetText("")
	if v.finder.note.Visible() {
		t.Fatal("the note stays on an empty field")
	}
}

// receptionWithDirectory opens rita's switchboard (she watches every
// phone and may search the directory's two books) with a caller she has
// answered: the UI, the switchboard and the call's id.
func receptionWithDirectory(t *testing.T) (*UI, *switchboardView, string) {
	t.Helper()
	o := testoffice.StartReception(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "rita")
	if err := d.Client.ShowPresence(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, d)
	waitRender(t, u, "colleagues and the directory", func(s app.State) bool {
		return len(s.Switchboard.Colleagues) == 5 && len(s.Directory) == 2
	})
	u.switchboard.show()
	return u, u.switchboard, ringAndAnswer(t, o, u)
}

// transferWithDirectory opens ann's transfer field (her own book and the
// directory's two) in a window: the UI, the field, its window and where
// the number it sends is written.
func transferWithDirectory(t *testing.T) (*UI, *targetPicker, fyne.Window, *string) {
	t.Helper()
	o := testoffice.Start(t, nil, testoffice.WithDirectory)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, fy := newTestUI(t, d)
	waitRender(t, u, "the directory", directoryReady)
	sent := new(string)
	p := newTargetPicker(u, "Transfer to…", func(n string) { *sent = n }, func() {})
	w := fy.NewWindow("transfer")
	w.SetContent(container.NewVBox(p.entry, p.box))
	return u, p, w, sent
}
