package contacts

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // registers the decoder: vCard photos come as GIF too
	_ "image/jpeg"
	"image/png"

	_ "golang.org/x/image/bmp"
	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// PhotoThumbSide is the longest side, in pixels, of the photo a Contact
// keeps. The console shows photos at 72 px; twice that is sharp on a
// 200 % display, and a 144×144 PNG is a few dozen KB where the card's
// original may decode to hundreds of MB on every desk that shows it.
const PhotoThumbSide = 144

// PhotoFromData checks a photo's bytes (a vCard's PHOTO, an LDAP
// jpegPhoto or thumbnailPhoto) against lim's MaxPhotoSize and
// MaxPhotoPixels (zero fields: the defaults) and returns the photo a
// Contact keeps: the image as it is when it fits in PhotoThumbSide, else
// a PNG thumbnail of at most PhotoThumbSide pixels a side. The media type
// is what the image's own header says, whatever its source claimed. An
// error's text follows the photo's name ("PHOTO", "jpegPhoto"): "larger
// than …", "of 2000×2000 pixels, more than …", "is not a … image".
func PhotoFromData(data []byte, lim Limits) (*Photo, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxPhotoSize {
		return nil, tooBig(lim.MaxPhotoSize)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("is empty")
	}
	data, mt, err := thumbnail(data, lim.MaxPhotoPixels)
	if err != nil {
		return nil, err
	}
	return &Photo{Data: data, MediaType: mt}, nil
}

func tooBig(maxSize int) error {
	return fmt.Errorf("larger than %d bytes (the MaxPhotoSize limit)", maxSize)
}

// thumbnail reads the image's size from its header, before any pixel is
// decoded, and refuses more than maxPixels: a 165 KB PNG can say
// 12000×12000 and decode to 137 MB. An image that fits in PhotoThumbSide
// is kept as it is; a larger one is decoded once, here, and kept as a
// PNG of at most PhotoThumbSide pixels a side. It returns the data and
// its media type.
func thumbnail(data []byte, maxPixels int) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("is not a JPEG, PNG, GIF, BMP or WebP image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, "", fmt.Errorf("of %d×%d pixels, more than %d (the MaxPhotoPixels limit)",
			cfg.Width, cfg.Height, maxPixels)
	}
	if cfg.Width <= PhotoThumbSide && cfg.Height <= PhotoThumbSide {
		return data, "image/" + format, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("cannot be decoded (%v)", err)
	}
	w, h := thumbSize(cfg.Width, cfg.Height)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil, "", fmt.Errorf("thumbnail: %v", err)
	}
	return buf.Bytes(), "image/png", nil
}

// thumbSize scales w×h to fit PhotoThumbSide, keeping the aspect ratio
// and at least one pixel a side.
func thumbSize(w, h int) (int, int) {
	if w >= h {
		return PhotoThumbSide, max(1, h*PhotoThumbSide/w)
	}
	return max(1, w*PhotoThumbSide/h), PhotoThumbSide
}
