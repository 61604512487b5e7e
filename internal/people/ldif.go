package people

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// The LDIF writers give the LDAP tests the same people the CardDAV tests
// get as vCards: inetOrgPerson entries as OpenLDAP keeps them, and entries
// shaped like Active Directory's user objects (company, department,
// objectGUID, userAccountControl), both loadable with slapadd.

// UUID is person i's entryUUID: deterministic, so a test can name the ID
// it expects (slapadd keeps an entryUUID given in the LDIF).
func UUID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// GUID is person i's objectGUID as Active Directory stores it: 16 bytes,
// the first three fields little-endian. Its string form (GUIDString) is
// "%08x-0000-4000-8000-00000000cafe" with i in the first field.
func GUID(i int) []byte {
	g := []byte{0, 0, 0, 0, 0, 0, 0, 0x40, 0x80, 0, 0, 0, 0, 0, 0xca, 0xfe}
	g[0], g[1], g[2], g[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
	return g
}

// GUIDString is person i's objectGUID written the way Windows shows it.
func GUIDString(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-00000000cafe", uint32(i)) }

// Entry returns person p as an inetOrgPerson entry under parent
// ("ou=people,dc=…"): telephoneNumber for the first (work) number, mobile
// for a cell number, facsimileTelephoneNumber for a fax.
func Entry(parent string, p Person) string {
	var b strings.Builder
	attr(&b, "dn", "uid="+p.UID+","+parent)
	attr(&b, "objectClass", "inetOrgPerson")
	attr(&b, "uid", p.UID)
	attr(&b, "entryUUID", UUID(p.Index))
	names(&b, p)
	attr(&b, "o", p.Organization)
	attr(&b, "ou", p.Department)
	phones(&b, p)
	b.WriteString("\n")
	return b.String()
}

// ADEntry returns person p as an Active-Directory-like user entry under
// parent, with userAccountControl uac (512 a normal account, 514 a
// disabled one).
func ADEntry(parent string, p Person, uac int) string {
	var b strings.Builder
	attr(&b, "dn", "cn="+p.UID+","+parent)
	attr(&b, "objectClass", "user")
	attr(&b, "objectCategory", "person")
	attr(&b, "userAccountControl", fmt.Sprint(uac))
	attr(&b, "objectGUID", string(GUID(p.Index)))
	names(&b, p)
	attr(&b, "company", p.Organization)
	attr(&b, "department", p.Department)
	phones(&b, p)
	b.WriteString("\n")
	return b.String()
}

// WriteEntries writes people from to to-1 with entry (Entry, or ADEntry
// bound to a uac).
func WriteEntries(w io.Writer, from, to int, entry func(Person) string) error {
	for i := from; i < to; i++ {
		if _, err := io.WriteString(w, entry(Get(i))); err != nil {
			return err
		}
	}
	return nil
}

// PhotoEntry is Entry with a jpegPhoto of size bytes (a JPEG header and
// zeros: the size is what the limit checks).
func PhotoEntry(parent string, p Person, size int) string {
	photo := make([]byte, size)
	copy(photo, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	e := strings.TrimSuffix(Entry(parent, p), "\n")
	var b strings.Builder
	attr(&b, "jpegPhoto", string(photo))
	return e + b.String() + "\n"
}

// BrokenNumberEntry is Entry with a homePhone that is no phone number.
func BrokenNumberEntry(parent string, p Person) string {
	e := strings.TrimSuffix(Entry(parent, p), "\n")
	return e + "homePhone: call the front desk\n\n"
}

// Referral is a referral object named ou=name under parent pointing to
// ref (an LDAP URL): a subtree search over parent answers it with a
// continuation reference.
func Referral(parent, name, ref string) string {
	var b strings.Builder
	attr(&b, "dn", "ou="+name+","+parent)
	attr(&b, "objectClass", "referral")
	attr(&b, "objectClass", "extensibleObject")
	attr(&b, "ou", name)
	attr(&b, "ref", ref)
	b.WriteString("\n")
	return b.String()
}

func names(b *strings.Builder, p Person) {
	attr(b, "cn", p.FullName())
	attr(b, "displayName", p.FullName())
	attr(b, "givenName", p.Given)
	attr(b, "sn", p.Family)
	if p.Title != "" {
		attr(b, "title", p.Title)
	}
	attr(b, "mail", p.Email)
}

func phones(b *strings.Builder, p Person) {
	for _, ph := range p.Phones {
		switch {
		case hasType(ph, "fax"):
			attr(b, "facsimileTelephoneNumber", ph.Number)
		case hasType(ph, "cell"):
			attr(b, "mobile", ph.Number)
		default:
			attr(b, "telephoneNumber", ph.Number)
		}
	}
}

func hasType(ph Phone, t string) bool {
	for _, have := range ph.Types {
		if have == t {
			return true
		}
	}
	return false
}

// attr writes one LDIF line, base64 when the value is not a safe string
// (RFC 2849: ASCII without NUL, CR, LF, not starting with space, ':' or
// '<', not ending with space).
func attr(b *strings.Builder, name, value string) {
	if safe(value) {
		fmt.Fprintf(b, "%s: %s\n", name, value)
		return
	}
	fmt.Fprintf(b, "%s:: %s\n", name, base64.StdEncoding.EncodeToString([]byte(value)))
}

func safe(v string) bool {
	if v == "" {
		return true
	}
	if v[0] == ' ' || v[0] == ':' || v[0] == '<' || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == 0 || c == '\r' || c == '\n' || c >= 0x80 {
			return false
		}
	}
	return true
}
