package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/assets"
)

// trayIcon names the icon for a state: what the user must notice first
// wins (a ringing call over a call in progress over DND over ready).
func trayIcon(s app.State) string {
	switch {
	case s.Status != app.StatusConnected || !s.Exchange.Available:
		return assets.TrayDisconnected
	case len(s.Ringing()) > 0:
		return assets.TrayRinging
	case callsInProgress(s) > 0:
		return assets.TrayCall
	case dndOn(s):
		return assets.TrayDND
	}
	return assets.TrayConnected
}

// dndOn reports whether do-not-disturb is on at every one of the user's
// devices (the tray's checkbox sets all of them).
func dndOn(s app.State) bool {
	if len(s.Devices) == 0 {
		return false
	}
	for _, d := range s.Devices {
		if !d.DND {
			return false
		}
	}
	return true
}

// iconCache holds the tray icons made so far, by state and missed count:
// a handful in a day, each a few KB.
var iconCache sync.Map // "name/missed" → fyne.Resource

// trayResource is the tray icon for name with the missed-call count as a
// red badge in the top right corner (none for 0; "9+" past nine).
func trayResource(name string, missed int) fyne.Resource {
	key := fmt.Sprintf("%s/%d", name, min(missed, 10))
	if r, ok := iconCache.Load(key); ok {
		return r.(fyne.Resource)
	}
	data := assets.Icon(name)
	if missed > 0 {
		if b, err := withBadge(data, missed); err == nil {
			data = b
		}
	}
	r := fyne.NewStaticResource(key+".png", data)
	iconCache.Store(key, r)
	return r
}

// badgeRed is the missed-call badge's colour (Material red 700).
var badgeRed = color.NRGBA{0xd3, 0x2f, 0x2f, 0xff}

// withBadge draws a count badge onto a PNG icon.
func withBadge(icon []byte, n int) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(icon))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	dst := image.NewNRGBA(b)
	draw.Draw(dst, b, src, b.Min, draw.Src)
	text := strconv.Itoa(n)
	if n > 9 {
		text = "9+"
	}
	r := b.Dx() * 11 / 32 // a badge about two thirds of the icon's height across
	cx, cy := b.Max.X-r, b.Min.Y+r
	fillCircle(dst, cx, cy, r, badgeRed)
	// The tray shows the icon at about 22 px: draw the digits with the
	// small bitmap font, then scale them up to fill the badge.
	face := basicfont.Face7x13
	w := font.MeasureString(face, text).Ceil()
	glyphs := image.NewNRGBA(image.Rect(0, 0, w, face.Ascent))
	(&font.Drawer{Dst: glyphs, Src: image.White, Face: face, Dot: fixed.P(0, face.Ascent)}).DrawString(text)
	h := r * 5 / 4 // text height inside the badge
	tw := min(w*h/face.Ascent, 2*r-2)
	xdraw.BiLinear.Scale(dst, image.Rect(cx-tw/2, cy-h/2, cx-tw/2+tw, cy-h/2+h), glyphs, glyphs.Bounds(), draw.Over, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func fillCircle(img *image.NRGBA, cx, cy, r int, c color.NRGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy <= r*r {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}
