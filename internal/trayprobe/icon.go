package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"

	"github.com/godbus/dbus/v5"
)

// pixmap is one IconPixmap entry: ARGB32 in network byte order.
type pixmap struct {
	W, H int32
	Pix  []byte
}

// shapeAlpha is the coverage above which a pixel counts as part of the
// icon's shape, lightGlyph the brightness (0-255) above which it counts
// as light: anti-aliased edges do not decide whether two shapes differ.
const (
	shapeAlpha = 128
	lightGlyph = 186
)

// printIcon prints "status=… name=… size=WxH pixels=HASH shape=HASH":
// pixels changes with any change, shape only when the outline does (what
// a colour-blind user sees).
func printIcon(ctx context.Context, conn *dbus.Conn, it item, pngPath string) error {
	obj := it.object(conn)
	status, err := stringProp(ctx, obj, "Status")
	if err != nil {
		return err
	}
	name, err := stringProp(ctx, obj, "IconName")
	if err != nil {
		return err
	}
	var pms []pixmap
	if err := property(ctx, obj, itemIface, "IconPixmap", &pms); err != nil {
		return fmt.Errorf("IconPixmap: %w", err)
	}
	img, err := largest(pms)
	if err != nil {
		return err
	}
	if pngPath != "" {
		if err := writePNG(pngPath, img); err != nil {
			return err
		}
	}
	b := img.Bounds()
	fmt.Printf("status=%s name=%q size=%dx%d pixels=%s shape=%s\n", status, name, b.Dx(), b.Dy(),
		digest(img.Pix), digest(shapeOf(img)))
	return nil
}

func stringProp(ctx context.Context, obj dbus.BusObject, name string) (string, error) {
	var s string
	if err := property(ctx, obj, itemIface, name, &s); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// largest converts the biggest pixmap to an image.
func largest(pms []pixmap) (*image.NRGBA, error) {
	best := -1
	for i, p := range pms {
		if int(p.W)*int(p.H)*4 == len(p.Pix) && p.W > 0 && (best < 0 || p.W > pms[best].W) {
			best = i
		}
	}
	if best < 0 {
		return nil, errors.New("IconPixmap holds no usable pixmap")
	}
	p := pms[best]
	img := image.NewNRGBA(image.Rect(0, 0, int(p.W), int(p.H)))
	for i := 0; i < len(p.Pix); i += 4 {
		img.SetNRGBA(i/4%int(p.W), i/4/int(p.W), color.NRGBA{p.Pix[i+1], p.Pix[i+2], p.Pix[i+3], p.Pix[i]})
	}
	return img, nil
}

// shapeOf is the icon without its hues: per pixel, whether it is covered
// and whether it is light (a white glyph on a coloured disc). Icons with
// the same shape differ in colour only.
func shapeOf(img *image.NRGBA) []byte {
	m := make([]byte, 0, len(img.Pix)/4)
	for i := 0; i < len(img.Pix); i += 4 {
		var v byte
		if img.Pix[i+3] >= shapeAlpha {
			v = 1
			// Rec. 709 weights on the sRGB bytes: light enough to be a glyph.
			if 0.2126*float64(img.Pix[i])+0.7152*float64(img.Pix[i+1])+0.0722*float64(img.Pix[i+2]) >= lightGlyph {
				v = 2
			}
		}
		m = append(m, v)
	}
	return m
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:6])
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// property reads iface.name of obj into out.
func property(ctx context.Context, obj dbus.BusObject, iface, name string, out any) error {
	return obj.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, name).Store(out)
}
