//go:build ignore

// Drawing helpers shared by gen_icons.go and gen_contacts.go; go generate
// compiles this file together with each of them (see assets.go).

package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/vector"
)

// pt is a point in pixels (or in design units before a transform).
type pt struct{ X, Y float64 }

func (p pt) add(q pt) pt         { return pt{p.X + q.X, p.Y + q.Y} }
func (p pt) sub(q pt) pt         { return pt{p.X - q.X, p.Y - q.Y} }
func (p pt) mul(k float64) pt    { return pt{p.X * k, p.Y * k} }
func (p pt) dist(q pt) float64   { return math.Hypot(p.X-q.X, p.Y-q.Y) }
func lerp(p, q pt, t float64) pt { return p.add(q.sub(p).mul(t)) }
func polar(c pt, r, deg float64) pt {
	a := deg * math.Pi / 180
	return pt{c.X + r*math.Cos(a), c.Y + r*math.Sin(a)}
}

// shape is a closed outline, as a dense polygon. Shapes given to one mask
// are united: the rasterizer adds up signed coverage, so every shape is
// turned the same way round first.
type shape []pt

func (s shape) area() float64 {
	a := 0.0
	for i, p := range s {
		q := s[(i+1)%len(s)]
		a += p.X*q.Y - q.X*p.Y
	}
	return a / 2
}

// positive returns s turned so that its signed area is positive.
func (s shape) positive() shape {
	if s.area() >= 0 {
		return s
	}
	r := make(shape, len(s))
	for i, p := range s {
		r[len(s)-1-i] = p
	}
	return r
}

// xf returns s scaled by k about the origin, then moved by d.
func (s shape) xf(k float64, d pt) shape {
	r := make(shape, len(s))
	for i, p := range s {
		r[i] = p.mul(k).add(d)
	}
	return r
}

// bounds returns the smallest and largest corner of s.
func bounds(shapes ...shape) (lo, hi pt) {
	lo, hi = pt{math.Inf(1), math.Inf(1)}, pt{math.Inf(-1), math.Inf(-1)}
	for _, s := range shapes {
		for _, p := range s {
			lo = pt{math.Min(lo.X, p.X), math.Min(lo.Y, p.Y)}
			hi = pt{math.Max(hi.X, p.X), math.Max(hi.Y, p.Y)}
		}
	}
	return lo, hi
}

// segments picks how many straight pieces approximate an arc so that no
// piece strays more than a hundredth of a pixel from it.
func segments(r, degrees float64) int {
	n := int(math.Ceil(math.Abs(degrees) / 180 * math.Pi / math.Sqrt(8*0.01/math.Max(r, 1))))
	return max(n, 4)
}

// arcPoints samples the arc around c from a0 to a1 degrees, ends included.
func arcPoints(c pt, r, a0, a1 float64) []pt {
	n := segments(r, a1-a0)
	ps := make([]pt, n+1)
	for i := range ps {
		ps[i] = polar(c, r, a0+(a1-a0)*float64(i)/float64(n))
	}
	return ps
}

func circle(c pt, r float64) shape {
	ps := arcPoints(c, r, 0, 360)
	return shape(ps[:len(ps)-1])
}

// capsule is a stroke from a to b, w wide, with round ends.
func capsule(a, b pt, w float64) shape {
	d := b.sub(a)
	deg := math.Atan2(d.Y, d.X) * 180 / math.Pi
	s := shape(arcPoints(b, w/2, deg-90, deg+90))
	return append(s, arcPoints(a, w/2, deg+90, deg+270)...)
}

// arcStroke is a stroke along the arc around c of radius r from a0 to a1
// degrees, w wide, with round ends.
func arcStroke(c pt, r, w, a0, a1 float64) shape {
	s := shape(arcPoints(c, r+w/2, a0, a1))
	end, start := polar(c, r, a1), polar(c, r, a0)
	dir := 1.0
	if a1 < a0 {
		dir = -1
	}
	s = append(s, arcPoints(end, w/2, a1, a1+dir*180)...)
	inner := arcPoints(c, r-w/2, a1, a0)
	s = append(s, inner...)
	return append(s, arcPoints(start, w/2, a0+dir*180, a0+dir*360)...)
}

// roundRect is the rectangle lo-hi with corners of radius r.
func roundRect(lo, hi pt, r float64) shape {
	var s shape
	s = append(s, arcPoints(pt{hi.X - r, lo.Y + r}, r, -90, 0)...)
	s = append(s, arcPoints(pt{hi.X - r, hi.Y - r}, r, 0, 90)...)
	s = append(s, arcPoints(pt{lo.X + r, hi.Y - r}, r, 90, 180)...)
	return append(s, arcPoints(pt{lo.X + r, lo.Y + r}, r, 180, 270)...)
}

// mask rasterizes the union of shapes, anti-aliased, into a w×h mask.
func mask(w, h int, shapes ...shape) *image.Alpha {
	z := vector.NewRasterizer(w, h)
	for _, s := range shapes {
		s = s.positive()
		z.MoveTo(float32(s[0].X), float32(s[0].Y))
		for _, p := range s[1:] {
			z.LineTo(float32(p.X), float32(p.Y))
		}
		z.ClosePath()
	}
	m := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	return m
}

// cut removes b from a: a × (1 − b), pixel by pixel.
func cut(a, b *image.Alpha) *image.Alpha {
	r := image.NewAlpha(a.Rect)
	for i, v := range a.Pix {
		r.Pix[i] = uint8((int(v)*(255-int(b.Pix[i])) + 127) / 255)
	}
	return r
}

// paint lays src (a colour or an image) over dst through m.
func paint(dst *image.RGBA, m *image.Alpha, src image.Image) {
	draw.DrawMask(dst, dst.Rect, src, image.Point{}, m, image.Point{}, draw.Over)
}

var white = color.NRGBA{0xff, 0xff, 0xff, 0xff}

func uniform(c color.Color) image.Image { return image.NewUniform(c) }

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

// encodePNG encodes img at the best compression, so that the committed
// files (and the vCards that inline them) stay small.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("assets: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	return nil
}
