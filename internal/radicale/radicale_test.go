package radicale

import (
	"net/http"
	"strings"
	"testing"
)

func TestStartPutDelete(t *testing.T) {
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A\r\nEND:VCARD\r\n"
	s := Start(t, Book{Name: "book", Cards: []Card{{Name: "a.vcf", Text: card}}})
	get := func(name string) int {
		req, _ := http.NewRequest(http.MethodGet, s.BookURL("book")+name, nil)
		req.SetBasicAuth(s.User, s.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get("a.vcf") != 200 {
		t.Fatal("seeded card not served")
	}
	s.Put("book", Card{Name: "b.vcf", Text: strings.ReplaceAll(card, "UID:a", "UID:b")})
	s.Delete("book", "a.vcf")
	if get("a.vcf") != 404 || get("b.vcf") != 200 {
		t.Fatal("put/delete not seen")
	}
	s.Stop()
	s.Stop()
}
