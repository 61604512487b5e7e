package app

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// smallPNG is a real w×h PNG.
func smallPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNG is a valid 1×1 PNG whose IHDR claims w×h pixels: a few dozen
// bytes that an unbounded image.Decode would allocate w*h*4 bytes for.
func hugePNG(t *testing.T, w, h uint32) []byte {
	b := smallPNG(t, 1, 1)
	// IHDR data starts at 8 (signature) + 8 (length, type).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func photoImage(data []byte) *ctiproto.Image {
	return &ctiproto.Image{MediaType: "image/png", Data: base64.StdEncoding.EncodeToString(data)}
}

// A server's photo is taken only if it is an image within the bounds
// the desk's own vCard photos go through (contacts.PhotoFromData).
func TestPhotoBounded(t *testing.T) {
	big := hugePNG(t, 40000, 40000)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(big)); err != nil || cfg.Width != 40000 {
		t.Fatalf("test image: %+v %v", cfg, err)
	}
	for name, data := range map[string][]byte{
		"40000x40000 PNG (6.4 GB decoded)": big,
		"not an image":                     []byte("\x89PNG fake"),
		"over MaxPhotoBytes":               bytes.Repeat([]byte{1}, ctiproto.MaxPhotoBytes+1),
	} {
		if p, err := decodePhoto("p", photoImage(data)); err == nil {
			t.Errorf("%s: taken (%d bytes) — the pop's canvas.Image decodes it on the main goroutine", name, len(p.Data))
		}
	}
}

// A large photo is kept as a thumbnail; the media type comes from the
// data, not the server's word.
func TestPhotoThumbnail(t *testing.T) {
	img := photoImage(smallPNG(t, 600, 400))
	img.MediaType = "image/jpeg"
	p, err := decodePhoto("p", img)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(p.Data))
	if err != nil || cfg.Width > contacts.PhotoThumbSide || cfg.Height > contacts.PhotoThumbSide {
		t.Fatalf("thumbnail %+v %v", cfg, err)
	}
	if p.MediaType != "image/png" {
		t.Fatalf("media type %q", p.MediaType)
	}
}

// The failures remembered are bounded, and forgotten on a new link.
func TestPhotoFailuresBounded(t *testing.T) {
	var pc photoCache
	pc.failed = make(map[string]time.Time)
	pc.mu.Lock()
	for i := range 3 * maxFailedPhotos {
		pc.failedLocked(fmt.Sprint("p", i))
	}
	n := len(pc.failed)
	pc.mu.Unlock()
	if n == 0 || n > maxFailedPhotos {
		t.Fatalf("%d failures remembered, max %d", n, maxFailedPhotos)
	}
	pc.forgetFailures()
	if len(pc.failed) != 0 {
		t.Fatalf("%d failures after a new link", len(pc.failed))
	}
}
