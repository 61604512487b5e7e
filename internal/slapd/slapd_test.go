package slapd

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/people"
)

func TestStartServesEntries(t *testing.T) {
	var ldif []string
	for i := 0; i < 3; i++ {
		ldif = append(ldif, people.Entry(People, people.Get(i)), people.ADEntry(AD, people.Get(i), 512))
	}
	s := StartWith(t, Options{TLS: true}, ldif...)
	out, err := exec.Command("ldapsearch", "-x", "-LLL", "-H", s.URL, "-D", s.BindDN, "-y", s.PasswordFile,
		"-b", s.BaseDN, "(|(objectClass=inetOrgPerson)(objectCategory=person))", "dn").CombinedOutput()
	if err != nil {
		t.Fatalf("ldapsearch: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "dn: "); n != 6 {
		t.Errorf("ldapsearch found %d entries, want 6:\n%s", n, out)
	}
}
