package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/deskline/deskline/assets"
)

var trayStates = []string{assets.TrayConnected, assets.TrayRinging, assets.TrayCall, assets.TrayDND, assets.TrayDisconnected}

func decodeIcon(t *testing.T, data []byte) *image.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewNRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// maxBadgeShare is the most of the icon the missed-calls badge may change
// (with its transparent ring): a corner, not the icon.
const maxBadgeShare = 0.15

// TestBadgeIsACorner: the badge changes only pixels of the bottom right
// quarter, and few of them, so the handset and the state's mark stay
// readable; a transparent ring cuts it free of the glyph on every icon.
func TestBadgeIsACorner(t *testing.T) {
	for _, name := range trayStates {
		for _, n := range []int{1, 12} {
			plain := decodeIcon(t, trayResource(name, 0).Content())
			badged := decodeIcon(t, trayResource(name, n).Content())
			b := plain.Bounds()
			changed := 0
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if plain.NRGBAAt(x, y) == badged.NRGBAAt(x, y) {
						continue
					}
					changed++
					if x < b.Dx()/2 || y < b.Dy()/2 {
						t.Errorf("%s with %d missed: the badge changes pixel %d,%d, outside the bottom right quarter", name, n, x, y)
						return
					}
				}
			}
			if share := float64(changed) / float64(b.Dx()*b.Dy()); share > maxBadgeShare {
				t.Errorf("%s with %d missed: the badge changes %.0f%% of the icon, want at most %.0f%%", name, n, share*100, maxBadgeShare*100)
			}
			// The ring: on the line from the badge's centre towards the
			// icon's centre, a fully transparent pixel just outside the badge.
			size := float64(b.Dx())
			r := badgeRadius * size
			c := size - r - 1
			d := (r + badgeGap*size/2) / 1.4142
			if a := badged.NRGBAAt(int(c-d), int(c-d)).A; a != 0 {
				t.Errorf("%s with %d missed: no transparent ring around the badge (alpha %d at %d,%d)", name, n, a, int(c-d), int(c-d))
			}
		}
	}
}

// TestBadgeOnDND: on the red DND icon the badge is not red: the two would
// read as one red blob. Its fill must stand apart from the disc in
// lightness (3:1, the contrast asked of graphics), not only in hue.
func TestBadgeOnDND(t *testing.T) {
	img := decodeIcon(t, trayResource(assets.TrayDND, 3).Content())
	size := float64(img.Bounds().Dx())
	r := badgeRadius * size
	c := size - r - 1
	// Left inside the badge, clear of its ring and of the digit.
	fill := img.NRGBAAt(int(c-r/2), int(c))
	disc := img.NRGBAAt(4, int(size/2))
	if ratio := iconContrast(fill, disc); ratio < 3 {
		t.Errorf("DND badge fill %v on the DND disc %v: contrast %.2f:1, want at least 3:1", fill, disc, ratio)
	}
}

// shapeOf is what an icon shows without its hues: per pixel, whether it
// is covered (alpha) and whether it is light (a white glyph on a disc).
// Two icons with the same shapeOf differ in colour only.
func shapeOf(img *image.NRGBA) []uint8 {
	m := make([]uint8, 0, len(img.Pix)/4)
	for i := 0; i < len(img.Pix); i += 4 {
		var v uint8
		if img.Pix[i+3] >= 128 {
			v = 1
			if relLuminance(img.Pix[i], img.Pix[i+1], img.Pix[i+2]) >= 0.5 {
				v = 2
			}
		}
		m = append(m, v)
	}
	return m
}

// TestTrayStatesDifferInShape: each state's icon differs from every other
// in shape (what is covered, what is light), not only in colour, for
// users who cannot tell the colours apart.
func TestTrayStatesDifferInShape(t *testing.T) {
	const minDiff = 40 // pixels of 64x64: a mark, not anti-aliasing noise
	shapes := map[string][]uint8{}
	for _, name := range trayStates {
		shapes[name] = shapeOf(decodeIcon(t, assets.Icon(name)))
	}
	for i, a := range trayStates {
		for _, b := range trayStates[i+1:] {
			diff := 0
			for k := range shapes[a] {
				if shapes[a][k] != shapes[b][k] {
					diff++
				}
			}
			if diff < minDiff {
				t.Errorf("%s and %s differ in %d pixels of shape, want at least %d: only colour tells them apart", a, b, diff, minDiff)
			}
		}
	}
}

// relLuminance is WCAG 2's relative luminance of an sRGB colour.
func relLuminance(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// iconContrast is WCAG 2's contrast ratio of two opaque colours.
func iconContrast(a, b color.NRGBA) float64 {
	la, lb := relLuminance(a.R, a.G, a.B), relLuminance(b.R, b.G, b.B)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}
