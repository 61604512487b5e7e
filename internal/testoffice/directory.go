package testoffice

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/server/directory"
)

// WithDirectory is a setup for Start: a company directory of two books,
// read from vCard files the office writes, that ann, bob and rita (in
// StartReception) may search.
//
//	Staff:     Clara Schmidt (work 209, cell +49 170 5550123, a photo),
//	           Bob Baker (work 203, Bob's phone)
//	Customers: Clara Jensen, Jensen Logistik (work +49 40 555019, a photo)
func WithDirectory(o *Office) {
	t := o.t
	t.Helper()
	photo := DirectoryPhoto()
	tmp := t.TempDir()
	books := []struct{ name, cards string }{
		{"Staff", withPhoto(card("clara", "Clara Schmidt", "", "Sales", "TYPE=WORK:209", "TYPE=CELL:+49 170 5550123"), photo) +
			card("bob", "Bob Baker", "", "", "TYPE=WORK:203")},
		{"Customers", withPhoto(card("jensen", "Clara Jensen", "Jensen Logistik", "", "TYPE=WORK:+49 40 555019"), photo)},
	}
	norm, err := contacts.NewNormalizer("DE", 0)
	if err != nil {
		t.Fatal(err)
	}
	d := directory.New(norm, "", nil)
	for _, b := range books {
		path := filepath.Join(tmp, b.name+".vcf")
		if err := os.WriteFile(path, []byte(b.cards), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := d.Add(directory.BookConfig{Name: b.name, Source: directory.Files(norm, path), Refresh: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d.Start(ctx)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := d.Wait(wctx); err != nil {
		t.Fatal(err)
	}
	o.dir = d
	o.dirBooks = map[string][]string{"ann": {"Staff", "Customers"}, "bob": {"Staff", "Customers"}, "rita": {"Staff", "Customers"}}
}

// DirectoryPhoto is the directory's photos: a tiny PNG.
func DirectoryPhoto() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func card(uid, fn, org, title string, tels ...string) string {
	s := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + fn + "\r\n"
	if org != "" {
		s += "ORG:" + org + "\r\n"
	}
	if title != "" {
		s += "TITLE:" + title + "\r\n"
	}
	for _, t := range tels {
		s += "TEL;" + t + "\r\n"
	}
	return s + "END:VCARD\r\n"
}

func withPhoto(c string, photo []byte) string {
	return string(bytes.Replace([]byte(c), []byte("END:VCARD"),
		[]byte("PHOTO;ENCODING=b;TYPE=PNG:"+base64.StdEncoding.EncodeToString(photo)+"\r\nEND:VCARD"), 1))
}
