// The switchboard's colleagues grid: one tile per watched phone, made
// once and updated only when what it shows changed, so 500 tiles and
// dozens of changes a second cost only the tiles that changed.

package ui

import (
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// tileSize is a tile in the grid: a name readable from a metre away and
// two lines under it.
var tileSize = fyne.NewSize(230, 96)

// statusLooks is each status's colour and icon: colour AND shape, for
// colour-blind eyes and from across the room.
var statusLooks = map[string]struct {
	colour fyne.ThemeColorName
	icon   fyne.Resource
}{
	ctiproto.StatusIdle:      {theme.ColorNameSuccess, theme.ConfirmIcon()},
	ctiproto.StatusRinging:   {theme.ColorNameWarning, theme.VolumeUpIcon()},
	ctiproto.StatusInCall:    {theme.ColorNameError, theme.MediaRecordIcon()},
	ctiproto.StatusOnHold:    {theme.ColorNamePrimary, theme.MediaPauseIcon()},
	ctiproto.StatusDND:       {theme.ColorNameError, theme.CancelIcon()},
	ctiproto.StatusForwarded: {theme.ColorNameHyperlink, theme.MailForwardIcon()},
	ctiproto.StatusOffline:   {theme.ColorNameDisabled, theme.VisibilityOffIcon()},
}

// tile is one colleague in the grid.
type tile struct {
	col      app.Colleague
	fav      bool // pinned: shown first, with a star
	selected bool
	face     [3]string // name, state, detail as shown

	box    *fyne.Container
	frame  *canvas.Rectangle // the selection
	stripe *canvas.Rectangle
	icon   *widget.Icon
	name   *canvas.Text
	state  *canvas.Text
	detail *canvas.Text
	pickup *keyButton
}

func newTile(v *switchboardView, c app.Colleague, fav bool) *tile {
	t := &tile{fav: fav}
	t.frame = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	t.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
	t.frame.CornerRadius = 4
	t.stripe = canvas.NewRectangle(color.Transparent)
	t.stripe.SetMinSize(fyne.NewSize(8, 0))
	t.icon = widget.NewIcon(nil)
	t.name = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.name.TextStyle.Bold = true
	t.name.TextSize = theme.TextSize() * 1.25
	t.state = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.detail = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	dev := c.Device
	t.pickup = newKeyButton("Pick up", func() { v.toColleague(dev, toPickup) }, v)
	t.pickup.Importance = widget.WarningImportance
	t.pickup.Hide()
	text := container.NewVBox(container.NewHBox(t.icon, t.name), t.state, container.NewHBox(t.detail, layout.NewSpacer(), t.pickup))
	tap := newTapArea(func() { v.tileTapped(dev) }, func() { v.tileAnnounce(dev) })
	t.box = container.NewStack(t.frame, tap, container.NewBorder(nil, nil, t.stripe, nil, container.NewPadded(text)))
	t.set(c, v.u.now())
	return t
}

// set shows c; widgets are refreshed only where their text or look
// changed.
func (t *tile) set(c app.Colleague, now time.Time) {
	if c.Status != t.col.Status || t.face[0] == "" {
		t.setLook(c.Status)
	}
	t.col = c
	t.setFace([3]string{tileName(c, t.fav), tileState(c, now), tileDetail(c)})
}

// setLook gives the tile its status's colour and icon, and Pick up while
// a call rings there.
func (t *tile) setLook(status string) {
	look, ok := statusLooks[status]
	if !ok {
		look = statusLooks[ctiproto.StatusOffline]
	}
	t.stripe.FillColor = theme.Color(look.colour)
	t.stripe.Refresh()
	t.state.Color = theme.Color(look.colour)
	t.state.Refresh()
	t.icon.SetResource(look.icon)
	if status == ctiproto.StatusRinging {
		t.pickup.Show()
	} else {
		t.pickup.Hide()
	}
	t.face[2] = "\x00" // the detail's room changed with the button: fit it again
}

// setFace sets the three texts, each cut to the tile's width, refreshing
// only those that changed.
func (t *tile) setFace(f [3]string) {
	if f == t.face {
		return
	}
	inner := tileSize.Width - t.stripe.MinSize().Width - 2*theme.Padding()
	widths := [3]float32{inner - theme.IconInlineSize() - theme.Padding(), inner, inner}
	if t.pickup.Visible() {
		widths[2] -= t.pickup.MinSize().Width + theme.Padding()
	}
	for i, txt := range []*canvas.Text{t.name, t.state, t.detail} {
		if f[i] != t.face[i] {
			txt.Text = fitText(f[i], txt, widths[i])
			txt.Refresh()
		}
	}
	t.face = f
}

// fitText cuts s with "…" until it fits width in txt's size and style
// (a canvas text does not cut itself, and a label per line would cost
// more than the whole tile).
func fitText(s string, txt *canvas.Text, width float32) string {
	fits := func(s string) bool { return fyne.MeasureText(s, txt.TextSize, txt.TextStyle).Width <= width }
	if fits(s) {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && !fits(string(r)+"…") {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// tick advances the tile's clock (a call's duration); only tiles of
// colleagues in a call have one.
func (t *tile) tick(now time.Time) {
	if timedStatus(t.col.Status) {
		t.setFace([3]string{t.face[0], tileState(t.col, now), t.face[2]})
	}
}

// setSelected frames the tile while it is the selection.
func (t *tile) setSelected(on bool) {
	if t.selected == on {
		return
	}
	t.selected = on
	t.frame.StrokeWidth = 0
	if on {
		t.frame.StrokeWidth = 3
	}
	t.frame.Refresh()
}

// syncTiles makes the grid match the colleagues: new tiles for new
// phones, changed tiles updated, the order (by name, filtered) laid out
// again only when the roster changed. An unchanged list costs one
// comparison, a changed state one comparison per tile and the changed
// tiles' redraw.
func (v *switchboardView) syncTiles(cols []app.Colleague) {
	if slices.Equal(cols, v.colleagues) {
		return
	}
	if !sameRoster(cols, v.colleagues) {
		v.newRoster(cols)
		return
	}
	now := v.u.now()
	for i, c := range cols {
		if c != v.colleagues[i] {
			v.tiles[c.Device].set(c, now)
			v.colleagues[i] = c
		}
	}
}

// sameRoster reports whether a and b list the same phones by the same
// names (in the app's order, by device).
func sameRoster(a, b []app.Colleague) bool {
	return slices.EqualFunc(a, b, func(x, y app.Colleague) bool { return x.Device == y.Device && x.Name == y.Name })
}

// newRoster makes tiles for new phones, drops those of phones gone, and
// lays the grid out again.
func (v *switchboardView) newRoster(cols []app.Colleague) {
	now := v.u.now()
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		seen[c.Device] = true
		if t := v.tiles[c.Device]; t == nil {
			v.tiles[c.Device] = newTile(v, c, v.favs.Has(c.Device))
		} else if t.col != c {
			t.set(c, now)
		}
	}
	for dev := range v.tiles {
		if !seen[dev] {
			delete(v.tiles, dev)
		}
	}
	v.colleagues = append(v.colleagues[:0], cols...)
	v.layoutGrid()
}

// layoutGrid puts the tiles that match the filter into the grid, by
// name, and keeps a selection on one of them.
func (v *switchboardView) layoutGrid() {
	shown := app.FilterColleagues(v.colleagues, v.filter.Text, v.favs.Has)
	order := make([]string, len(shown))
	for i, c := range shown {
		order[i] = c.Device
	}
	setLine(v.header, switchboardHeader(v.state, len(order), len(v.colleagues)))
	if !slices.Equal(order, v.order) {
		v.order = order
		objs := make([]fyne.CanvasObject, len(order))
		for i, dev := range order {
			objs[i] = v.tiles[dev].box
		}
		v.grid.Objects = objs
		v.grid.Refresh()
	}
	if !slices.Contains(order, v.sel) {
		v.selectTile("", order)
	}
}

// filterChanged: the user typed into the filter (or it was cleared): the
// first match is selected, so Enter goes to the colleague the typing
// found, never to one selected before who still matches further down.
func (v *switchboardView) filterChanged() {
	v.found.search(v.filter.Text)
	v.layoutGrid()
	if len(v.order) > 0 {
		v.selectTile(v.order[0], v.order)
	}
}

// selectTile selects dev, or the first tile of order when dev is "".
func (v *switchboardView) selectTile(dev string, order []string) {
	if dev == "" && len(order) > 0 {
		dev = order[0]
	}
	if dev == v.sel {
		return
	}
	if t := v.tiles[v.sel]; t != nil {
		t.setSelected(false)
	}
	v.sel, v.pending = dev, pendingAction{}
	if t := v.tiles[dev]; t != nil {
		t.setSelected(true)
		v.scrollTo(dev)
	}
}

// moveSelection moves the selection by delta tiles (a row is columns
// tiles), staying inside the grid.
func (v *switchboardView) moveSelection(delta int) {
	if len(v.order) == 0 {
		return
	}
	i := max(0, slices.Index(v.order, v.sel))
	i = min(max(i+delta, 0), len(v.order)-1)
	v.selectTile(v.order[i], v.order)
}

// columns is how many tiles a grid row holds now.
func (v *switchboardView) columns() int {
	w := v.scroll.Size().Width
	pad := theme.Padding()
	return max(1, int((w+pad)/(tileSize.Width+pad)))
}

// scrollTo scrolls the grid so the selected tile is in view.
func (v *switchboardView) scrollTo(dev string) {
	i := slices.Index(v.order, dev)
	if i < 0 || v.scroll.Size().Height == 0 {
		return
	}
	row := float32(i / v.columns())
	top := row * (tileSize.Height + theme.Padding())
	off := v.scroll.Offset
	switch {
	case top < off.Y:
		off.Y = top
	case top+tileSize.Height > off.Y+v.scroll.Size().Height:
		off.Y = top + tileSize.Height - v.scroll.Size().Height
	default:
		return
	}
	v.scroll.ScrollToOffset(off)
}

// tickTiles advances the clocks of the tiles of colleagues in a call.
func (v *switchboardView) tickTiles(now time.Time) {
	for _, t := range v.tiles {
		t.tick(now)
	}
}

// toggleFavourite pins the selected colleague to the top of the grid, or
// unpins them; the grid is sorted again.
func (v *switchboardView) toggleFavourite() {
	t := v.tiles[v.sel]
	if t == nil {
		v.say(widget.WarningImportance, noneSelected)
		return
	}
	if v.favs == nil {
		v.favs, _ = app.LoadFavourites("")
	}
	if err := v.favs.Toggle(t.col.Device); err != nil {
		v.say(widget.DangerImportance, favSaveFailed+causeText(err))
	}
	t.fav = v.favs.Has(t.col.Device)
	t.setFace([3]string{tileName(t.col, t.fav), t.face[1], t.face[2]})
	v.layoutGrid()
	v.scrollTo(v.sel)
}

// loadFavourites reads the desk's favourites when the window is built.
func (v *switchboardView) loadFavourites() {
	dir := ""
	if d := v.u.Desk(); d != nil {
		dir = d.Dir
	}
	favs, err := app.LoadFavourites(dir)
	v.favs = favs
	if err != nil {
		v.say(widget.WarningImportance, favLoadFailed+causeText(err))
	}
}
