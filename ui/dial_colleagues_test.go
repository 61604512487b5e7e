package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
	"github.com/deskline/deskline/pbx"
)

// bobIs reports whether ann sees Bob's phone in status.
func bobIs(status string) func(app.State) bool {
	return func(s app.State) bool {
		c, ok := s.Switchboard.Colleague("203")
		return ok && c.Status == status
	}
}

// The dial window finds a colleague without an address-book card: ann
// (who may watch Bob's phone) types "bob" and sees Bob's extension and
// that he is free, live — ringing while a call rings him — and Enter
// dials 203.
func TestDialFindsAColleague(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "ann sees Bob free", bobIs(ctiproto.StatusIdle))
	u.dial.show("")
	v := u.dial
	test.Type(v.entry, "bob")
	if got := dialShown(v); len(got) == 0 || got[0] != "Bob | Free | 203 | colleague" {
		t.Fatalf("rows for bob: %q", got)
	}
	snapshot(t, "dial_colleague.xml", v.win.window().Canvas())
	if c := dialRowColour(v, 0); c != theme.ColorNameSuccess {
		t.Errorf("a free colleague's state in %q, want success", c)
	}

	call := o.Ring("203", "+4930999", "Jane Doe")
	waitRender(t, u, "Bob ringing", bobIs(ctiproto.StatusRinging))
	if got := dialShown(v); got[0] != "Bob | Ringing | 203 | colleague" || dialRowColour(v, 0) != theme.ColorNameWarning {
		t.Fatalf("while Bob's phone rings: %q", got)
	}
	if err := o.Sim.HangupRemote(context.Background(), pbx.CallID(call)); err != nil {
		t.Fatal(err)
	}
	waitRender(t, u, "Bob free again", bobIs(ctiproto.StatusIdle))

	want := "Your phone 201 rings first — pick up to call Bob (203)"
	if v.sel != 0 || v.preview.Text != want {
		t.Fatalf("sel %d, preview %q; want %q", v.sel, v.preview.Text, want)
	}
	dialPress(v, fyne.KeyReturn)
	waitRender(t, u, "a call to 203", dialCallTo(d, "203"))
}

// A colleague ranks among the cards by how well the text matches, and a
// card with a colleague's extension gives way to the colleague's row;
// typing the extension lists no "number you typed" row besides hers.
func TestDialColleaguesAmongCards(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "rita", dialBook) // rita watches every phone
	u, _ := newTestUI(t, d)
	waitRender(t, u, "rita watching", func(s app.State) bool { return len(s.Switchboard.Colleagues) >= 4 })
	u.dial.show("")
	v := u.dial
	for text, want := range map[string][]string{
		// A number as typed comes first, as always; Carl Colleague's card
		// (204) becomes Carl's phone, with the card's name.
		"20": {"20 | Number you typed | 20 | typed", "Ann | Free | 201 | colleague", "Bob | Free | 203 | colleague",
			"Carl Colleague | Free | 204 | colleague", "Carl's softphone | Free | 205 | colleague"},
		"203":  {"Bob | Free | 203 | colleague"},
		"carl": {"Carl Colleague | Free | 204 | colleague", "Carl's softphone | Free | 205 | colleague"},
		// Found by the card's name alone, Carl's phone still says he is free.
		"colleague": {"Carl Colleague | Free | 204 | colleague"},
	} {
		v.entry.SetText(text)
		got := dialShown(v)
		if !slices.Equal(got, want) {
			t.Errorf("%q: rows\n%s\nwant\n%s", text, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// dialRowColour is the colour of row i's second line.
func dialRowColour(v *dialView, i int) fyne.ThemeColorName {
	var colour fyne.ThemeColorName
	dialWalk(v.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*dialRowWidget); ok && r.Visible() && r.id == i {
			colour = r.who.Segments[1].(*widget.TextSegment).Style.ColorName
		}
	})
	return colour
}
