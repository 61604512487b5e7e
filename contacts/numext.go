package contacts

import "strings"

// extMarkers are the words and signs written between a number and its
// extension, lower case, longest first where one ends another:
// RFC 3966's ";ext=", English "ext."/"x", and the German "Durchwahl",
// "DW" and "App." (Apparat) seen in signatures.
var extMarkers = []string{
	";ext=", "extension", "extn.", "extn", "ext.", "ext", "x", "#",
	"durchwahl", "dw.", "dw", "apparat", "app.", "app",
}

const maxExtDigits = 10

// splitExtension splits "030 1234567 ext. 89" into "030 1234567" and "89".
// It looks only at the end of s: a marker, then 1-10 digits. ok is false
// when s has no such ending; phonenumbers' own splitter then has a go.
func splitExtension(s string) (main, ext string, ok bool) {
	end := len(s)
	i := end
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == end || end-i > maxExtDigits {
		return s, "", false
	}
	ext = s[i:]
	head := strings.TrimRight(s[:i], " \t")
	for _, m := range extMarkers {
		if len(head) >= len(m) && strings.EqualFold(head[len(head)-len(m):], m) {
			main = strings.TrimRight(head[:len(head)-len(m)], " \t,;")
			if main == "" || isMarkerInsideWord(head, len(head)-len(m), m) {
				return s, "", false
			}
			return main, ext, true
		}
	}
	return s, "", false
}

// isMarkerInsideWord reports a word marker glued to a letter before it
// ("FAX 12": the "x" belongs to "FAX"), which is not an extension.
func isMarkerInsideWord(head string, at int, marker string) bool {
	if at == 0 || marker[0] == ';' || marker[0] == '#' {
		return false
	}
	c := head[at-1] | 0x20
	return c >= 'a' && c <= 'z'
}
