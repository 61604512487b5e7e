package people

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestEntryWritesPeopleAsLDIF(t *testing.T) {
	e := Entry("ou=people,dc=x", Get(3))
	for _, want := range []string{
		"dn: uid=person-000003,ou=people,dc=x\n",
		"objectClass: inetOrgPerson\n",
		"entryUUID: " + UUID(3) + "\n",
		"telephoneNumber: " + Get(3).Phones[0].Number + "\n",
		"mobile: +49 151 00000003\n",
	} {
		if !strings.Contains(e, want) {
			t.Errorf("entry lacks %q:\n%s", want, e)
		}
	}
	if !strings.HasSuffix(e, "\n\n") {
		t.Errorf("entry does not end with a blank line: %q", e)
	}
}

func TestEntryBase64EncodesUnsafeValues(t *testing.T) {
	p := Get(22) // Zoë
	e := Entry("ou=people,dc=x", p)
	want := "givenName:: " + base64.StdEncoding.EncodeToString([]byte("Zoë")) + "\n"
	if !strings.Contains(e, want) {
		t.Errorf("entry lacks %q:\n%s", want, e)
	}
}

func TestADEntryHasGUIDAndAccountControl(t *testing.T) {
	e := ADEntry("ou=ad,dc=x", Get(4), 514)
	for _, want := range []string{
		"objectClass: user\n", "objectCategory: person\n", "userAccountControl: 514\n",
		"objectGUID:: " + base64.StdEncoding.EncodeToString(GUID(4)) + "\n",
		"facsimileTelephoneNumber: +1 212 200 0004\n", "company: " + Get(4).Organization + "\n",
	} {
		if !strings.Contains(e, want) {
			t.Errorf("entry lacks %q:\n%s", want, e)
		}
	}
}

func TestPhotoAndBrokenEntriesStayEntries(t *testing.T) {
	e := PhotoEntry("ou=p,dc=x", Get(1), 1000)
	if !strings.Contains(e, "jpegPhoto:: /9j/") || !strings.HasSuffix(e, "\n\n") || strings.Count(e, "\n\n") != 1 {
		t.Errorf("photo entry malformed:\n%.300s", e)
	}
	e = BrokenNumberEntry("ou=p,dc=x", Get(1))
	if !strings.Contains(e, "homePhone: call the front desk\n\n") || strings.Count(e, "\n\n") != 1 {
		t.Errorf("broken entry malformed:\n%s", e)
	}
}
