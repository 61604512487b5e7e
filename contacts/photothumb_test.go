package contacts

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bombPNG is a valid w×h PNG of one-bit palette pixels, all zero: a few
// KB of file that decodes to w×h bytes. Written chunk by chunk, so the
// test itself never holds the pixels.
func bombPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	chunk("IHDR", append(ihdr, 1, 3, 0, 0, 0)) // bit depth 1, palette
	chunk("PLTE", []byte{0, 0, 0, 255, 255, 255})
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+(w+7)/8) // filter byte, then the pixels
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// widePNG is a real 600×300 picture.
func widePNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 300))
	for y := range 300 {
		for x := range 600 {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// photoCard is a vCard 3.0 card with an inline photo, folded.
// testdata/photobomb.vcf is photoCard("Bomb Photo", "030 3000001",
// bombPNG(12000, 12000)) then photoCard("Wide Photo", "030 3000003",
// widePNG()).
func photoCard(fn, tel string, photo []byte) string {
	b64 := base64.StdEncoding.EncodeToString(photo)
	var folded strings.Builder
	for len(b64) > 60 {
		folded.WriteString(b64[:60] + "\r\n ")
		b64 = b64[60:]
	}
	folded.WriteString(b64)
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + fn + "\r\nTEL:" + tel +
		"\r\nPHOTO;ENCODING=b;TYPE=PNG:" + folded.String() + "\r\nEND:VCARD\r\n"
}

// A photo whose header claims more than MaxPhotoPixels is refused before
// a pixel is decoded; a large photo within it is kept as a thumbnail of
// at most PhotoThumbSide pixels, not as the original.
func TestPhotoBombRefusedAndPhotosThumbnailed(t *testing.T) {
	bomb := bombPNG(t, 12000, 12000)
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes; it should be tiny", len(bomb))
	}
	dir := t.TempDir()
	v4 := filepath.Join(dir, "v4bomb.vcf")
	writeFile(t, v4, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Data Bomb\r\nTEL:030 3000002\r\nPHOTO:data:image/png;base64,"+
		base64.StdEncoding.EncodeToString(bomb)+"\r\nEND:VCARD\r\n")
	d := newTestDirectory(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	warns := d.Load("testdata/photobomb.vcf", v4)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("loading allocated %d MB: the bomb was decoded", grew>>20)
	}
	for _, name := range []string{"Bomb Photo", "Data Bomb"} {
		if c := byName(t, d, name); c.Photo != nil {
			t.Errorf("%s kept a photo of %d bytes", name, len(c.Photo.Data))
		}
	}
	if len(warns) != 2 || !strings.Contains(warns[0].String(), "PHOTO of 12000×12000 pixels, more than 16777216 (the MaxPhotoPixels limit); ignored") ||
		!strings.Contains(warns[1].String(), "12000×12000") {
		t.Errorf("warnings %v", warns)
	}
	w := byName(t, d, "Wide Photo")
	if w.Photo == nil || w.Photo.MediaType != "image/png" {
		t.Fatalf("wide photo %+v", w.Photo)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(w.Photo.Data))
	if err != nil || format != "png" || cfg.Width != PhotoThumbSide || cfg.Height != PhotoThumbSide/2 {
		t.Errorf("kept %s %d×%d (%v), want a %d×%d png", format, cfg.Width, cfg.Height, err, PhotoThumbSide, PhotoThumbSide/2)
	}
}

// testdata/photobomb.vcf is what photoCard says it is: the fixture can be
// made again, and the bomb in it is the one these tests describe.
func TestPhotoBombFixtureIsWhatItSays(t *testing.T) {
	want := photoCard("Bomb Photo", "030 3000001", bombPNG(t, 12000, 12000)) +
		photoCard("Wide Photo", "030 3000003", widePNG(t))
	have, err := os.ReadFile("testdata/photobomb.vcf")
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != want {
		t.Fatalf("testdata/photobomb.vcf (%d bytes) is not photoCard's output (%d bytes)", len(have), len(want))
	}
}

// PhotoFromData is what a card's PHOTO goes through, for photos from
// elsewhere (LDAP): zero limits are the defaults, a large picture becomes
// a thumbnail, a bomb and a non-image are refused.
func TestPhotoFromData(t *testing.T) {
	p, err := PhotoFromData(widePNG(t), Limits{})
	if err != nil || p.MediaType != "image/png" {
		t.Fatalf("wide photo: %+v, %v", p, err)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(p.Data)); err != nil || cfg.Width != PhotoThumbSide {
		t.Errorf("kept %d×%d (%v), want %d wide", cfg.Width, cfg.Height, err, PhotoThumbSide)
	}
	for _, c := range []struct {
		data []byte
		want string
	}{
		{bombPNG(t, 12000, 12000), "of 12000×12000 pixels, more than 16777216 (the MaxPhotoPixels limit)"},
		{[]byte("not an image"), "is not a JPEG, PNG, GIF, BMP or WebP image"},
		{nil, "is empty"},
		{make([]byte, DefaultMaxPhotoSize+1), "larger than 524288 bytes (the MaxPhotoSize limit)"},
	} {
		if p, err := PhotoFromData(c.data, Limits{}); p != nil || err == nil || err.Error() != c.want {
			t.Errorf("got %v, %v; want %q", p, err, c.want)
		}
	}
}
