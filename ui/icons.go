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
// small badge in the bottom right corner (none for 0; "9+" past nine).
func trayResource(name string, missed int) fyne.Resource {
	key := fmt.Sprintf("%s/%d", name, min(missed, 10))
	if r, ok := iconCache.Load(key); ok {
		return r.(fyne.Resource)
	}
	data := assets.Icon(name)
	if missed > 0 {
		fill, digits := badgeColours(name)
		if b, err := withBadge(data, missed, fill, digits); err == nil {
			data = b
		}
	}
	r := fyne.NewStaticResource(key+".png", data)
	iconCache.Store(key, r)
	return r
}

// The missed-call badge sits in the bottom right corner, where the
// handset's mouth piece ends: small enough that the handset and the
// state's mark (waves, bars, no-entry, slash; all at the top or across)
// stay readable at tray size, large enough for a digit. A transparent
// ring cuts it free of what lies under it, so it reads as a badge on any
// icon, not as part of the glyph.
const (
	badgeRadius = 11.0 / 64 // of the icon's side
	badgeGap    = 2.5 / 64  // the transparent ring around it
	// badgeSamples is the anti-aliasing: samples per pixel, per axis.
	badgeSamples = 4
)

// badgeRed is the missed-call badge's colour (Material red 700), with
// white digits.
var badgeRed = color.NRGBA{0xd3, 0x2f, 0x2f, 0xff}

// badgeRing is the width of the red ring around a white badge, of the
// icon's side: on a light panel the white badge still has an edge.
const badgeRing = 2.0 / 64

// badgeColours is the badge's fill and digit colour on the icon name: red
// with white digits, but white with red digits (in a red ring) on the red
// DND icon, where a red badge would make one red blob; white on red also
// differs in lightness, for colour-blind users.
func badgeColours(name string) (fill, digits color.NRGBA) {
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	if name == assets.TrayDND {
		return white, badgeRed
	}
	return badgeRed, white
}

// withBadge draws a count badge onto a PNG icon.
func withBadge(icon []byte, n int, fill, digits color.NRGBA) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(icon))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	dst := image.NewNRGBA(b)
	draw.Draw(dst, b, src, b.Min, draw.Src)
	size := float64(b.Dx())
	r, gap := badgeRadius*size, badgeGap*size
	cx, cy := float64(b.Max.X)-r-1, float64(b.Max.Y)-r-1
	clearDisc(dst, cx, cy, r+gap)
	if fill != badgeRed {
		fillDisc(dst, cx, cy, r, badgeRed)
		r -= badgeRing * size
	}
	fillDisc(dst, cx, cy, r, fill)
	text := strconv.Itoa(n)
	if n > 9 {
		text = "9+"
	}
	// The tray shows the icon at about 22 px: draw the digits with the
	// small bitmap font, then scale them up to fill the badge.
	face := basicfont.Face7x13
	w := font.MeasureString(face, text).Ceil()
	glyphs := image.NewNRGBA(image.Rect(0, 0, w, face.Ascent))
	(&font.Drawer{Dst: glyphs, Src: image.NewUniform(digits), Face: face, Dot: fixed.P(0, face.Ascent)}).DrawString(text)
	h := int(r * 5 / 4) // text height inside the badge
	tw := min(w*h/face.Ascent, int(2*r)-2)
	x0, y0 := int(cx+0.5)-tw/2, int(cy+0.5)-h/2
	xdraw.BiLinear.Scale(dst, image.Rect(x0, y0, x0+tw, y0+h), glyphs, glyphs.Bounds(), draw.Over, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// coverage is how much of the pixel at x, y the disc around cx, cy of
// radius r covers, from 0 to 1.
func coverage(x, y int, cx, cy, r float64) float64 {
	in := 0
	for i := range badgeSamples {
		for j := range badgeSamples {
			dx := float64(x) + (float64(i)+0.5)/badgeSamples - cx
			dy := float64(y) + (float64(j)+0.5)/badgeSamples - cy
			if dx*dx+dy*dy <= r*r {
				in++
			}
		}
	}
	return float64(in) / (badgeSamples * badgeSamples)
}

// discPixels calls f for every pixel of img the disc touches.
func discPixels(img *image.NRGBA, cx, cy, r float64, f func(x, y int, cov float64)) {
	b := img.Bounds()
	for y := max(b.Min.Y, int(cy-r)-1); y <= min(b.Max.Y-1, int(cy+r)+1); y++ {
		for x := max(b.Min.X, int(cx-r)-1); x <= min(b.Max.X-1, int(cx+r)+1); x++ {
			if cov := coverage(x, y, cx, cy, r); cov > 0 {
				f(x, y, cov)
			}
		}
	}
}

// clearDisc makes the disc transparent (its edge partly).
func clearDisc(img *image.NRGBA, cx, cy, r float64) {
	discPixels(img, cx, cy, r, func(x, y int, cov float64) {
		c := img.NRGBAAt(x, y)
		c.A = uint8(float64(c.A)*(1-cov) + 0.5)
		img.SetNRGBA(x, y, c)
	})
}

// fillDisc lays an anti-aliased disc of colour c over img.
func fillDisc(img *image.NRGBA, cx, cy, r float64, c color.NRGBA) {
	discPixels(img, cx, cy, r, func(x, y int, cov float64) {
		a := c
		a.A = uint8(float64(c.A)*cov + 0.5)
		draw.Draw(img, image.Rect(x, y, x+1, y+1), image.NewUniform(a), image.Point{}, draw.Over)
	})
}
