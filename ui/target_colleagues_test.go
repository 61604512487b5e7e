package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// The calls console's transfer field finds a colleague with no card the
// way the dial window does: ann, with no address book, types "bob", sees
// that Bob is free, Enter picks his 203 and Send puts the call through.
func TestTransferFieldFindsAColleague(t *testing.T) {
	o := testoffice.StartReception(t, nil)
	d := testdesk.Open(t, o, "ann")
	bob := testdesk.Open(t, o, "bob")
	u, _ := newTestUI(t, d)
	waitRender(t, u, "ann sees Bob free", bobIs(ctiproto.StatusIdle))
	id := o.Ring("201", "+4930999", "Jane Doe")
	waitRender(t, u, "ringing", func(s app.State) bool { return ringing(id)(s) && bobIs(ctiproto.StatusIdle)(s) })
	c := onlyCard(t, u)
	test.Tap(c.forward)
	test.Type(c.picker.entry, "bob")
	objs := c.picker.suggestions.Objects
	if len(objs) == 0 || objs[0].(*widget.Button).Text != "Bob · 203 · Free" {
		t.Fatalf("suggestions: %d, first %q", len(objs), objs[0].(*widget.Button).Text)
	}
	c.picker.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if c.picker.picked != "203" || c.picker.pickedLabel.Text != "To Bob · 203 · Free" {
		t.Fatalf("picked %q, label %q", c.picker.picked, c.picker.pickedLabel.Text)
	}
	test.Tap(c.send)
	waitRender(t, u, "forwarded away", gone(id))
	testdesk.WaitState(t, bob.Client, "ringing at bob", ringing(id))
}
