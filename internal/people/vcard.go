package people

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// photoEvery is how often a person's card carries an inline photo: every
// seventh, enough to exercise the photo path without fattening a 10,000
// card book much (the photo is some 100 bytes).
const photoEvery = 7

// Version returns the vCard version person i is written in: 3.0 for even
// i, 4.0 for odd, so a generated book holds both.
func Version(i int) string {
	if i%2 == 0 {
		return "3.0"
	}
	return "4.0"
}

// HasPhoto reports whether person i's card carries an inline photo.
func HasPhoto(i int) bool { return i%photoEvery == 0 }

// VCard writes person i as a vCard in its Version (3.0 or 4.0), with CRLF
// line ends, every number with its types, and for HasPhoto(i) a small
// inline PNG (ENCODING=b in 3.0, a data: URI in 4.0, escaped as Radicale keeps it).
func VCard(i int) string { return Get(i).VCard(Version(i), HasPhoto(i)) }

// VCard writes p as a vCard of the given version ("3.0" or "4.0").
func (p Person) VCard(version string, photo bool) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		fold(&b, fmt.Sprintf(format, args...))
	}
	line("BEGIN:VCARD")
	line("VERSION:%s", version)
	line("UID:%s", p.UID)
	line("FN:%s", escape(p.FullName()))
	line("N:%s;%s;;;", escape(p.Family), escape(p.Given))
	line("ORG:%s;%s", escape(p.Organization), escape(p.Department))
	if p.Title != "" {
		line("TITLE:%s", escape(p.Title))
	}
	line("EMAIL;TYPE=work:%s", p.Email)
	for _, ph := range p.Phones {
		if version == "4.0" {
			line("TEL;TYPE=\"%s\":%s", strings.Join(ph.Types, ","), ph.Number)
		} else {
			line("TEL;TYPE=%s:%s", strings.Join(ph.Types, ","), ph.Number)
		}
	}
	if photo {
		if version == "4.0" {
			// A data: URI, its ";" and "," escaped as in a text value:
			// Radicale 3.1 (vobject) cuts an unescaped one at the comma,
			// keeping "data:image/png\;base64" and dropping the image.
			line(`PHOTO:data:image/png\;base64\,%s`, photoBase64)
		} else {
			line("PHOTO;ENCODING=b;TYPE=PNG:%s", photoBase64)
		}
	}
	line("END:VCARD")
	return b.String()
}

// Broken is a card a real CardDAV server stores and serves but a reader
// cannot fully use. Radicale 3.1 checks every card with vobject: a card it
// cannot parse (a line without a colon, bad base64, no FN) is refused on
// PUT (400) and, written into its storage folder, fails every request on
// the whole collection (500). These are the broken cards that pass.
type Broken struct {
	UID  string
	Text string
	Why  string // what a tolerant reader warns about
}

// BrokenCards returns n broken cards (n ≥ 0), cycling through the kinds:
// a card with a blank name and nothing else to show (skipped), a TEL that
// is not a number (the card loads without it), a PHOTO that is not an
// image (the card loads without it).
func BrokenCards(n int) []Broken {
	kinds := []struct{ body, why string }{
		{"FN: \r\nNOTE:nothing to show\r\n", "no name, organisation, number or e-mail"},
		{"FN:Broken Number %d\r\nTEL;TYPE=work:call me maybe\r\n", "not a phone number"},
		{"FN:Broken Photo %d\r\nTEL:+49 30 99%05d\r\nPHOTO;ENCODING=b;TYPE=JPEG:bm90IGFuIGltYWdlIGF0IGFsbA==\r\n", "PHOTO"},
	}
	out := make([]Broken, n)
	for i := range out {
		k := kinds[i%len(kinds)]
		uid := fmt.Sprintf("broken-%04d", i)
		body := k.body
		if strings.Contains(body, "%d") {
			args := []any{i}
			if strings.Count(body, "%") == 2 {
				args = append(args, i)
			}
			body = fmt.Sprintf(body, args...)
		}
		out[i] = Broken{UID: uid, Why: k.why,
			Text: "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\n" + body + "END:VCARD\r\n"}
	}
	return out
}

// HugeCard returns a valid vCard 3.0 of at least size bytes (a long NOTE),
// for the limits on card size.
func HugeCard(uid string, size int) string {
	var b strings.Builder
	fold(&b, "BEGIN:VCARD")
	fold(&b, "VERSION:3.0")
	fold(&b, "UID:"+uid)
	fold(&b, "FN:Huge Card")
	fold(&b, "TEL:+49 30 5550000")
	fold(&b, "NOTE:"+strings.Repeat("x", size))
	fold(&b, "END:VCARD")
	return b.String()
}

// maxLine is where a content line is folded (RFC 6350 3.2: 75 octets).
const maxLine = 75

// fold writes one content line, folded at maxLine octets (not inside a
// UTF-8 sequence), with CRLF.
func fold(b *strings.Builder, s string) {
	for len(s) > maxLine {
		cut := maxLine
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

// escape escapes a text value (RFC 6350 3.4).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ",", `\,`, ";", `\;`, "\n", `\n`).Replace(s)
}

// photoBase64 is a 4×4 PNG, base64: small enough for 10,000 cards.
var photoBase64 = func() string {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.Set(i%4, i/4, color.RGBA{uint8(40 * i % 256), 90, 200, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}()
