//go:build ignore

// gen_icons draws Deskline's icons into icons/: the app icon and one tray
// icon per state. Run it through go generate (see assets.go); the output is
// the same on every run.
package main

import (
	"image"
	"image/color"
	"log"
	"math"
	"path/filepath"
)

func main() {
	icons := map[string]image.Image{
		"app":               appIcon(512),
		"tray-disconnected": trayDisconnected(64),
		"tray-connected":    trayPlain(64, rgb(0x1E9E57)),
		"tray-ringing":      trayRinging(64),
		"tray-call":         trayCall(64),
		"tray-dnd":          trayDND(64),
	}
	for name, img := range icons {
		data, err := encodePNG(img)
		if err != nil {
			log.Fatal(err)
		}
		if err := writeFile(filepath.Join("icons", name+".png"), data); err != nil {
			log.Fatal(err)
		}
	}
}

var (
	amber = rgb(0xE8900C)
	red   = rgb(0xD93030)
	grey  = rgb(0x8A9099)
	blue  = rgb(0x2767E6)
)

// The handset is designed on a 24-unit grid around a centre at the top
// right: its back is one arc, its ends are cut along radii so that they
// meet the back squarely, and the handle between the ear and mouth pieces
// is a thinner band around the same centre. Drawn as one outline rather
// than a circle and two blobs, it stays a handset at 22 pixels.
var (
	hsCentre = pt{20.5, 3.5}
	hsBack   = 16.5 // radius of the back (outer edge)
	hsHandle = 4.3  // thickness of the handle
	hsPad    = 6.8  // thickness of the ear and mouth pieces
	hsHalf   = 44.0 // degrees from the axis of symmetry (135°) to each end
	hsPadLen = 24.0 // degrees each piece covers along the back
	hsLean   = 0.4  // how much thinner a piece is at its inner end: the faces lean in, as on a real handset
)

// handset returns the handset outline in grid units.
func handset() shape {
	c, ro := hsCentre, hsBack
	rp, rh := ro-hsPad, ro-hsHandle
	top, bottom := 135+hsHalf, 135-hsHalf
	radial := func(deg, r0, r1 float64) edge { return line(polar(c, r0, deg), polar(c, r1, deg)) }
	around := func(r, a0, a1 float64) edge { return arc(c, r, a0, a1) }
	edges := []edge{
		radial(top, rp, ro),     // ear piece end
		around(ro, top, bottom), // back
		radial(bottom, ro, rp),  // mouth piece end
		line(polar(c, rp, bottom), polar(c, rp+hsLean, bottom+hsPadLen)), // mouth piece face
		radial(bottom+hsPadLen, rp+hsLean, rh),                           // step to the handle
		around(rh, bottom+hsPadLen, top-hsPadLen),                        // inside of the handle
		radial(top-hsPadLen, rh, rp+hsLean),                              // step to the ear piece
		line(polar(c, rp+hsLean, top-hsPadLen), polar(c, rp, top)),       // ear piece face
	}
	// Corner radii, each for the corner where its edge starts.
	radii := []float64{1.3, 2.2, 2.2, 1.3, 1.0, 1.6, 1.6, 1.0}
	return rounded(edges, radii)
}

// edge is one piece of an outline, from t=0 to t=1.
type edge func(t float64) pt

func line(a, b pt) edge { return func(t float64) pt { return lerp(a, b, t) } }

func arc(c pt, r, a0, a1 float64) edge {
	return func(t float64) pt { return polar(c, r, a0+(a1-a0)*t) }
}

// rounded joins edges, each starting where the one before ends, into a
// closed outline whose corners are rounded: the corner at the start of
// edges[i] by about radii[i]. A corner becomes a quadratic curve with the
// sharp corner as its control point, which for the right angles here is
// close to a circular arc.
func rounded(edges []edge, radii []float64) shape {
	const n = 200
	type sampled struct {
		ps  []pt
		len []float64 // length along the edge up to each sample
	}
	es := make([]sampled, len(edges))
	for i, e := range edges {
		s := sampled{ps: make([]pt, n+1), len: make([]float64, n+1)}
		for j := range s.ps {
			s.ps[j] = e(float64(j) / n)
			if j > 0 {
				s.len[j] = s.len[j-1] + s.ps[j].dist(s.ps[j-1])
			}
		}
		es[i] = s
	}
	// at returns the point at length l along edge i.
	at := func(i int, l float64) pt {
		s := es[i]
		for j := 1; j <= n; j++ {
			if s.len[j] >= l {
				return lerp(s.ps[j-1], s.ps[j], (l-s.len[j-1])/(s.len[j]-s.len[j-1]))
			}
		}
		return s.ps[n]
	}
	var out shape
	for i := range es {
		prev := (i + len(es) - 1) % len(es)
		corner := es[i].ps[0]
		from := at(prev, es[prev].len[n]-radii[i])
		to := at(i, radii[i])
		for j := 0; j <= 12; j++ {
			t := float64(j) / 12
			out = append(out, lerp(lerp(from, corner, t), lerp(corner, to, t), t))
		}
		end := es[i].len[n] - radii[(i+1)%len(es)]
		for j := 1; j < n; j++ {
			if l := es[i].len[j]; l > radii[i] && l < end {
				out = append(out, es[i].ps[j])
			}
		}
	}
	return out
}

// placeHandset scales the handset so that its longer side is size pixels
// and centres its box on centre.
func placeHandset(size float64, centre pt) shape {
	h := handset()
	lo, hi := bounds(h)
	k := size / math.Max(hi.X-lo.X, hi.Y-lo.Y)
	mid := lerp(lo, hi, 0.5).mul(k)
	return h.xf(k, centre.sub(mid))
}

// trayPlain is a disc of the state colour with a white handset.
func trayPlain(px int, fill color.Color) image.Image {
	s := float64(px) / 64
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	paint(img, mask(px, px, circle(pt{32 * s, 32 * s}, 30.5*s)), uniform(fill))
	paint(img, mask(px, px, placeHandset(38*s, pt{31 * s, 33 * s})), uniform(white))
	return img
}

// trayRinging adds sound waves in the bend of the handset, so that a
// ringing call does not rely on colour alone.
func trayRinging(px int) image.Image {
	s := float64(px) / 64
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	paint(img, mask(px, px, circle(pt{32 * s, 32 * s}, 30.5*s)), uniform(amber))
	hs := placeHandset(32*s, pt{28 * s, 36 * s})
	lo, hi := bounds(hs)
	c := pt{hi.X, lo.Y} // the corner the handset bends around
	waves := []shape{
		arcStroke(c, 7.5*s, 4.4*s, 102, 168),
		arcStroke(c, 15.5*s, 4.4*s, 102, 168),
	}
	paint(img, mask(px, px, append(waves, hs)...), uniform(white))
	return img
}

// trayCall adds three level bars in the bend of the handset, a voice
// talking: in a call differs from ready in shape, not only in colour, and
// the bars do not read as the ringing call's waves.
func trayCall(px int) image.Image {
	s := float64(px) / 64
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	paint(img, mask(px, px, circle(pt{32 * s, 32 * s}, 30.5*s)), uniform(blue))
	hs := placeHandset(32*s, pt{28 * s, 36 * s})
	shapes := []shape{hs}
	const w = 3.8 // bar width; the gaps are as wide
	bottom := 26.0
	for i, h := range []float64{6, 11, 16} {
		x := 34 + float64(i)*2*w + w/2
		shapes = append(shapes, capsule(pt{x * s, (bottom - h + w/2) * s}, pt{x * s, (bottom - w/2) * s}, w*s))
	}
	paint(img, mask(px, px, shapes...), uniform(white))
	return img
}

// trayDND is the red disc with a "no entry" badge cut free in the bend of
// the handset: a bar that reads without colour.
func trayDND(px int) image.Image {
	s := float64(px) / 64
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	bc, br := pt{46 * s, 18 * s}, 13*s
	gap := mask(px, px, circle(bc, br+3*s))
	paint(img, cut(mask(px, px, circle(pt{32 * s, 32 * s}, 30.5*s)), gap), uniform(red))
	paint(img, cut(mask(px, px, placeHandset(36*s, pt{29 * s, 35 * s})), gap), uniform(white))
	paint(img, mask(px, px, circle(bc, br)), uniform(red))
	bar := roundRect(pt{bc.X - 8*s, bc.Y - 2.6*s}, pt{bc.X + 8*s, bc.Y + 2.6*s}, 1.3*s)
	paint(img, mask(px, px, bar), uniform(white))
	return img
}

// trayDisconnected is hollow and grey, crossed out: a ring, the handset,
// and a slash across the handle, cut free of it so that the two read apart
// at tray size.
func trayDisconnected(px int) image.Image {
	s := float64(px) / 64
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	ring := mask(px, px, circle(pt{32 * s, 32 * s}, 30.5*s))
	paint(img, cut(ring, mask(px, px, circle(pt{32 * s, 32 * s}, 25.5*s))), uniform(grey))
	a, b := pt{14 * s, 50 * s}, pt{50 * s, 14 * s}
	gap := mask(px, px, capsule(a, b, 10*s))
	paint(img, cut(mask(px, px, placeHandset(36*s, pt{31 * s, 33 * s})), gap), uniform(grey))
	paint(img, mask(px, px, capsule(a, b, 4.5*s)), uniform(grey))
	return img
}

// appIcon is a rounded square in a blue gradient with the handset and
// two waves, the way launchers and docks show applications.
func appIcon(px int) image.Image {
	s := float64(px) / 512
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	grad := image.NewRGBA(img.Rect)
	top, bottom := rgb(0x3B8BF7), rgb(0x1746C0)
	for y := 0; y < px; y++ {
		t := float64(y) / float64(px-1)
		c := color.NRGBA{
			uint8(math.Round(float64(top.R) + t*(float64(bottom.R)-float64(top.R)))),
			uint8(math.Round(float64(top.G) + t*(float64(bottom.G)-float64(top.G)))),
			uint8(math.Round(float64(top.B) + t*(float64(bottom.B)-float64(top.B)))),
			0xff,
		}
		for x := 0; x < px; x++ {
			grad.Set(x, y, c)
		}
	}
	paint(img, mask(px, px, roundRect(pt{24 * s, 24 * s}, pt{488 * s, 488 * s}, 104*s)), grad)
	hs := placeHandset(270*s, pt{238 * s, 274 * s})
	lo, hi := bounds(hs)
	c := pt{hi.X - 6*s, lo.Y + 6*s}
	waves := []shape{
		arcStroke(c, 52*s, 26*s, 98, 172),
		arcStroke(c, 104*s, 26*s, 98, 172),
	}
	// A soft shadow under the white shapes lifts them off the gradient.
	shadow := append([]shape{}, waves...)
	shadow = append(shadow, hs)
	for i := range shadow {
		shadow[i] = shadow[i].xf(1, pt{0, 8 * s})
	}
	paint(img, mask(px, px, shadow...), uniform(color.NRGBA{0x0b, 0x25, 0x70, 0x55}))
	paint(img, mask(px, px, append(waves, hs)...), uniform(white))
	return img
}
