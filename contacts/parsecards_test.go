package contacts

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const parseCardsBook = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a1\r\nFN:Anna Weiss\r\nTEL;TYPE=work:030 1234567\r\nEND:VCARD\r\n" +
	"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No Uid\r\nTEL;VALUE=uri;TYPE=cell:tel:+49-151-1234\r\nEND:VCARD\r\n" +
	"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing else\r\nEND:VCARD\r\n"

func TestParseCardsIsLoad(t *testing.T) {
	n, err := NewNormalizer("DE", 4)
	if err != nil {
		t.Fatal(err)
	}
	got, warns := n.ParseCards("/books/x.vcf", []byte(parseCardsBook), Limits{})
	if len(got) != 2 || got[0].ID != "/books/x.vcf#a1" || got[1].ID != "/books/x.vcf#2" || got[0].Book != "/books/x.vcf" {
		t.Fatalf("contacts %v", got)
	}
	if len(warns) != 1 || warns[0].File != "/books/x.vcf" || warns[0].Card != 3 || !strings.Contains(warns[0].Err.Error(), "skipped") {
		t.Fatalf("warnings %v", warns)
	}
	if got[0].Phones[0].Number.Key != "+49301234567" {
		t.Fatalf("phone %+v", got[0].Phones[0])
	}

	// The same bytes as a file give the same contacts and warnings.
	path := filepath.Join(t.TempDir(), "x.vcf")
	if err := os.WriteFile(path, []byte(parseCardsBook), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, lwarns := loadBooks([]string{path}, n, DefaultLimits())
	again, awarns := n.NewCardParser(Limits{}).Parse(path, []byte(parseCardsBook))
	if !reflect.DeepEqual(loaded, again) || !reflect.DeepEqual(lwarns, awarns) {
		t.Fatalf("Load and Parse differ:\n%v %v\n%v %v", loaded, lwarns, again, awarns)
	}
}

func TestParseCardsLimits(t *testing.T) {
	n, _ := NewNormalizer("DE", 4)
	cp := n.NewCardParser(Limits{MaxCardSize: 100, MaxFileSize: 1000})
	big := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:" + strings.Repeat("x", 200) + "\r\nEND:VCARD\r\n"
	got, warns := cp.Parse("big.vcf", []byte(big))
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Error(), "MaxCardSize") {
		t.Fatalf("big card: %v %v", got, warns)
	}
	got, warns = cp.Parse("huge.vcf", []byte(strings.Repeat(big, 10)))
	if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].Error(), "MaxFileSize") {
		t.Fatalf("huge data: %v %v", got, warns)
	}
	got, warns = cp.Parse("empty.vcf", nil)
	if len(got) != 0 || len(warns) != 1 {
		t.Fatalf("empty: %v %v", got, warns)
	}
}
