package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// dialBook is the dial tests' address book: Lena Hoffmann (work, cell,
// home, photo), Lennart Krüger, Carl Colleague (extension 204).
const dialBook = "testdata/dial.vcf"

// dialOffice starts an office and a UI over ann's desk with dialBook,
// rendered once it can dial.
func dialOffice(t *testing.T) (*testoffice.Office, *app.Desk, *UI) {
	t.Helper()
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", dialBook)
	u, _ := newTestUI(t, d)
	waitRender(t, u, "ready to dial", func(s app.State) bool {
		return s.Status == app.StatusConnected && s.Can(ctiproto.TypeMakeCall) && len(s.Devices) > 0
	})
	return o, d, u
}

// dialCallTo reports whether the user's phones are in an outgoing call
// to the number with key (E.164) e164.
func dialCallTo(d *app.Desk, e164 string) func(app.State) bool {
	return func(s app.State) bool {
		for _, c := range s.Calls {
			if n, err := d.Numbers.NormalizeAny(c.Number); err == nil && n.Key == e164 && c.Direction == "outgoing" {
				return true
			}
		}
		return false
	}
}

// dialWalk visits o and everything drawn inside it, through the widgets'
// live renderers (test.LaidOutObjects would build new ones).
func dialWalk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			dialWalk(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			dialWalk(child, visit)
		}
	}
}

// dialShown lists the rows the list draws: "name | company | number | type".
func dialShown(v *dialView) []string {
	var rows []*dialRowWidget
	dialWalk(v.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*dialRowWidget); ok && r.Visible() && r.id < len(v.rows) {
			rows = append(rows, r)
		}
	})
	slices.SortFunc(rows, func(a, b *dialRowWidget) int { return a.id - b.id })
	var out []string
	for _, r := range rows {
		var texts []string
		for _, rt := range []*widget.RichText{r.who, r.num} {
			for _, seg := range rt.Segments {
				texts = append(texts, seg.(*widget.TextSegment).Text)
			}
		}
		out = append(out, strings.Join(texts, " | "))
	}
	return out
}

func dialPress(v *dialView, key fyne.KeyName) {
	v.entry.TypedKey(&fyne.KeyEvent{Name: key})
}

func TestDialTypeArrowsEnterDialsSelectedRow(t *testing.T) {
	_, d, u := dialOffice(t)
	u.dial.show("")
	v := u.dial
	if v.win.window().Title() != "Deskline: dial" || v.win.window().Canvas().Focused() != v.entry {
		t.Fatalf("window %q, focus %v: want the entry focused", v.win.window().Title(), v.win.window().Canvas().Focused())
	}
	test.Type(v.entry, "len")
	want := []string{
		"Lena Hoffmann | Hoffmann Logistik GmbH, Dispatch · Head of Dispatch | +49 30 901820 | work",
		"Lena Hoffmann | Hoffmann Logistik GmbH, Dispatch · Head of Dispatch | +49 171 5550123 | cell",
		"Lena Hoffmann | Hoffmann Logistik GmbH, Dispatch · Head of Dispatch | +49 30 7654321 | home",
		"Lennart Krüger | Krüger & Partner · Partner | +49 40 3344556 | work",
	}
	if got := dialShown(v); !slices.Equal(got, want) {
		t.Fatalf("rows after typing %q:\n%s\nwant\n%s", "len", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v.sel != 0 || !strings.Contains(v.preview.Text, "Lena Hoffmann (+49 30 901820)") {
		t.Fatalf("first row should be selected and previewed; sel %d, preview %q", v.sel, v.preview.Text)
	}

	dialPress(v, fyne.KeyDown)
	wantPreview := "Your phone 201 rings first — pick up to call Lena Hoffmann (+49 171 5550123)"
	if v.sel != 1 || v.preview.Text != wantPreview {
		t.Fatalf("after Down: sel %d, preview %q; want 1, %q", v.sel, v.preview.Text, wantPreview)
	}
	if v.dialBtn.Disabled() {
		t.Fatalf("Dial is disabled: %q", v.problem.Text)
	}
	dialPress(v, fyne.KeyReturn)
	s := waitRender(t, u, "a call to Lena's mobile", dialCallTo(d, "+491715550123"))
	if dialCallTo(d, "+4930901820")(s) {
		t.Error("the first row was dialled as well")
	}
	if v.win.shown() || v.entry.Text != "" {
		t.Errorf("after dialling: visible %v, text %q; want the window hidden and cleared", v.win.shown(), v.entry.Text)
	}
}

func TestDialArrowsWrapAndEscapeHides(t *testing.T) {
	_, _, u := dialOffice(t)
	u.dial.show("")
	v := u.dial
	test.Type(v.entry, "len")
	dialPress(v, fyne.KeyUp) // from the first row up to the last
	if v.sel != len(v.rows)-1 || !strings.Contains(v.preview.Text, "Lennart Krüger") {
		t.Fatalf("Up from the top: sel %d of %d, preview %q", v.sel, len(v.rows), v.preview.Text)
	}
	dialPress(v, fyne.KeyDown) // and down again to the first
	if v.sel != 0 {
		t.Fatalf("Down from the bottom: sel %d, want 0", v.sel)
	}
	dialPress(v, fyne.KeyEscape)
	if v.win.shown() {
		t.Fatal("Escape did not hide the window")
	}
}

func TestDialFreeNumberPreviewsThenDials(t *testing.T) {
	_, d, u := dialOffice(t)
	u.dial.show("")
	v := u.dial
	test.Type(v.entry, "030 1234567")
	want := "Your phone 201 rings first — pick up to call +49 30 1234567"
	if v.preview.Text != want {
		t.Fatalf("preview %q, want %q", v.preview.Text, want)
	}
	if got := dialShown(v); len(got) == 0 || got[0] != "+49 30 1234567 | Number you typed | +49 30 1234567 | typed" {
		t.Fatalf("rows %q: want the typed number first", got)
	}
	if calls := u.client().State().Calls; len(calls) != 0 {
		t.Fatalf("calls before Enter: %+v", calls)
	}
	dialPress(v, fyne.KeyEnter)
	waitRender(t, u, "a call to +49 30 1234567", dialCallTo(d, "+49301234567"))
}

func TestDialShowPrefillsWithoutDialling(t *testing.T) {
	_, _, u := dialOffice(t)
	v := u.dial
	v.show("call me at 030 1234567 tomorrow")
	if v.entry.Text != "call me at 030 1234567 tomorrow" || !v.win.shown() {
		t.Fatalf("entry %q, visible %v", v.entry.Text, v.win.shown())
	}
	if want := "Your phone 201 rings first — pick up to call +49 30 1234567"; v.preview.Text != want {
		t.Fatalf("preview %q, want %q", v.preview.Text, want)
	}
	time.Sleep(300 * time.Millisecond) // anything dialled would show by now
	if calls := u.client().State().Calls; len(calls) != 0 {
		t.Fatalf("show dialled by itself: %+v", calls)
	}

	v.show("tel:+49-30-901820")
	if want := "Your phone 201 rings first — pick up to call Lena Hoffmann (+49 30 901820)"; v.preview.Text != want {
		t.Fatalf("tel: link preview %q, want %q", v.preview.Text, want)
	}
	v.show("")
	if v.entry.Text != "" || len(v.rows) != 0 || !v.dialBtn.Disabled() {
		t.Fatalf("show(\"\"): text %q, %d rows, Dial enabled %v", v.entry.Text, len(v.rows), !v.dialBtn.Disabled())
	}
	v.show("no number here")
	if !strings.HasPrefix(v.preview.Text, "No phone number found") || !v.dialBtn.Disabled() {
		t.Fatalf("text without a number: preview %q, Dial enabled %v", v.preview.Text, !v.dialBtn.Disabled())
	}
}

func TestDialDisabledWithoutCapabilityOrConnection(t *testing.T) {
	_, _, u := dialOffice(t)
	v := u.dial
	v.show("030 1234567")
	if v.dialBtn.Disabled() {
		t.Fatalf("Dial disabled on a connected desk: %q", v.problem.Text)
	}
	up := app.State{Status: app.StatusConnected, User: "ann", Exchange: app.ExchangeStatus{Available: true},
		Capabilities: map[string]bool{ctiproto.TypeAnswer: true}}
	u.Render(up)
	if !v.dialBtn.Disabled() || !strings.Contains(v.problem.Text, "does not let Deskline place calls") {
		t.Errorf("without make-call: disabled %v, problem %q", v.dialBtn.Disabled(), v.problem.Text)
	}
	u.Render(app.State{Status: app.StatusDisconnected, Reason: "server unreachable: connection refused",
		Problem: &app.LinkError{Problem: app.LinkRefused, Host: "cti.example:8720"}, RetryAt: time.Now().Add(7500 * time.Millisecond)})
	if !v.dialBtn.Disabled() || v.problem.Text != "Cannot reach the Deskline server at cti.example:8720: it refuses connections (not running, or the wrong port) — retrying in 8 s" {
		t.Errorf("disconnected: disabled %v, problem %q", v.dialBtn.Disabled(), v.problem.Text)
	}
	dialPress(v, fyne.KeyReturn) // refused: nothing may be dialled
	time.Sleep(300 * time.Millisecond)
	if calls := u.client().State().Calls; len(calls) != 0 {
		t.Fatalf("Enter dialled while Dial was disabled: %+v", calls)
	}
	if !v.win.shown() || v.entry.Text != "030 1234567" {
		t.Errorf("visible %v, text %q: the window should stay as it was", v.win.shown(), v.entry.Text)
	}
}

func TestDialErrorKeepsTheText(t *testing.T) {
	o, _, u := dialOffice(t)
	v := u.dial
	v.show("030 1234567")
	state := u.state
	o.Sim.Outage("maintenance", false)
	u.Render(state) // the window still believes it can dial
	test.Tap(v.dialBtn)
	if !v.win.shown() || v.entry.Text != "030 1234567" {
		t.Fatalf("after a failed dial: visible %v, text %q", v.win.shown(), v.entry.Text)
	}
	if v.problem.Text == "" || v.problem.Importance != widget.DangerImportance {
		t.Fatalf("the error is not shown: %q", v.problem.Text)
	}
	t.Logf("shown: %s", v.problem.Text)
}

// TestDialMaster pins the look: query typed, second row selected.
func TestDialMaster(t *testing.T) {
	_, _, u := dialOffice(t)
	u.Render(app.State{Status: app.StatusConnected, User: "ann", DisplayName: "Ann Archer",
		Exchange: app.ExchangeStatus{Available: true}, Capabilities: map[string]bool{ctiproto.TypeMakeCall: true}})
	v := u.dial
	v.show("")
	test.Type(v.entry, "len")
	dialPress(v, fyne.KeyDown)
	test.AssertRendersToMarkup(t, "dial_results.xml", v.win.window().Canvas())
	snapshot(t, "dial_results.xml", v.win.window().Canvas())
}

func TestDialMouseTapSelectsDoubleTapDials(t *testing.T) {
	_, d, u := dialOffice(t)
	v := u.dial
	v.show("")
	test.Type(v.entry, "len")
	rows := map[int]*dialRowWidget{}
	dialWalk(v.list, func(o fyne.CanvasObject) {
		if r, ok := o.(*dialRowWidget); ok && r.Visible() {
			rows[r.id] = r
		}
	})
	test.Tap(rows[2])
	if v.sel != 2 || !strings.Contains(v.preview.Text, "+49 30 7654321") || v.win.window().Canvas().Focused() != v.entry {
		t.Fatalf("tap on row 2: sel %d, preview %q, focus %v", v.sel, v.preview.Text, v.win.window().Canvas().Focused())
	}
	test.DoubleTap(rows[3])
	waitRender(t, u, "a call to Lennart", dialCallTo(d, "+49403344556"))
	if v.win.shown() {
		t.Error("the window stayed open after dialling")
	}
}

// The preview wraps: when it needs another number of lines, the window
// lays itself out again, so the preview is as tall as its text and the
// buttons stay below it, without a gap when it shrinks back.
func TestDialPreviewWrapKeepsTheButtonsClear(t *testing.T) {
	_, _, u := dialOffice(t)
	v := u.dial
	v.show("")
	var buttons *fyne.Container
	dialWalk(v.win.window().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok && slices.Contains(c.Objects, fyne.CanvasObject(v.dialBtn)) {
			buttons = c
		}
	})
	if buttons == nil {
		t.Fatal("no button row")
	}
	check := func(what string, lines int) {
		t.Helper()
		p := v.preview
		if p.Size().Height != p.MinSize().Height {
			t.Errorf("%s: preview %v high, its text needs %v", what, p.Size().Height, p.MinSize().Height)
		}
		if bottom := p.Position().Y + p.Size().Height; bottom > buttons.Position().Y {
			t.Errorf("%s: the preview ends at %v, the buttons start at %v", what, bottom, buttons.Position().Y)
		}
		oneLine := widget.NewLabel("x").MinSize().Height
		if got := p.MinSize().Height; (lines == 1) != (got == oneLine) {
			t.Errorf("%s: preview %v high for %d line(s) (one line: %v): %q", what, got, lines, oneLine, p.Text)
		}
	}
	test.Type(v.entry, "030 1234567")
	check("a typed number", 1)
	v.entry.SetText("len")
	dialPress(v, fyne.KeyDown) // Lena's mobile: two lines
	check("Lena's mobile", 2)
	v.entry.SetText("030 1234567")
	check("back to the typed number", 1)
}
