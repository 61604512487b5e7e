package contacts

import (
	"strings"
	"unicode/utf8"

	"github.com/deskline/deskline/internal/cut"
)

// The first pass over a card's lines. go-vcard parses clean vCard 3.0/4.0
// well but drops bad lines silently, has no quoted-printable or charset
// support, and misreads vCard 2.1's bare parameters ("TEL;WORK;VOICE:").
// cleanLine turns each line into one go-vcard reads right, or says why the
// line is dropped.

// lineFault describes a dropped line.
type lineFault struct {
	line int
	why  string
	text string
}

// cleaned is one line after the first pass.
type cleaned struct {
	text    string // the property line to hand to go-vcard
	prop    string // property name, upper case, without group
	value   string // the value, UTF-8
	guessed bool   // the value was converted from a guessed charset
}

// eachLogicalLine calls fn with every logical line of a card's text:
// folded lines joined, and the continuations vCard 2.1 writes without
// folding (quoted-printable soft breaks, base64 blocks) too.
func eachLogicalLine(text string, firstLine int, fn func(line string, lineNo int)) {
	var (
		cur     string // the logical line so far
		acc     []byte // its bytes, once a continuation was joined
		joined  bool
		curNo   int
		have    bool
		qp, b64 bool
	)
	current := func() string {
		if joined {
			return string(acc)
		}
		return cur
	}
	join := func(more string) {
		if !joined {
			acc = append(acc[:0], cur...)
			joined = true
		}
		acc = append(acc, more...)
	}
	lineNo := firstLine
	for pos := 0; pos < len(text); lineNo++ {
		line, next := nextLine(text, pos)
		pos = next
		switch {
		case have && qp && (joined && len(acc) > 0 && acc[len(acc)-1] == '=' || !joined && strings.HasSuffix(cur, "=")):
			if !joined {
				join("")
			}
			acc = acc[:len(acc)-1]
			join(line) // a soft break: the next line continues the value as it is
		case have && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			join(line[1:])
		case have && b64 && isBase64Line(line):
			join(line)
		default:
			if have {
				fn(current(), curNo)
			}
			cur, curNo, have, joined = line, lineNo, true, false
			head := line[:max(0, headEnd(line))]
			qp = containsUpper(head, "QUOTED-PRINTABLE")
			b64 = containsUpper(head, "BASE64") || containsUpper(head, "ENCODING=B")
		}
	}
	if have {
		fn(current(), curNo)
	}
}

// containsUpper is strings.Contains(strings.ToUpper(s), upper) for an
// ASCII upper-case needle, without the upper-case copy of every line's
// head. A head with other than ASCII takes the copy: some letters ("ı",
// "ſ") upper-case to ASCII ones.
func containsUpper(s, upper string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToUpper(s), upper)
		}
	}
	for i := 0; i+len(upper) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(upper)], upper) {
			return true
		}
	}
	return false
}

// isBase64Line reports a line of a vCard 2.1 base64 block.
func isBase64Line(line string) bool {
	if line == "" {
		return false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// headEnd returns the index of the ':' that ends a property's name and
// parameters (the first outside double quotes), or -1.
func headEnd(line string) int {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// cleanLine checks and rewrites one logical line. why is non-empty when the
// line cannot be used.
func cleanLine(line string) (c cleaned, why string) {
	colon := headEnd(line)
	if colon < 0 {
		return c, "not a property (no ':')"
	}
	head, value := line[:colon], line[colon+1:]
	nameEnd := strings.IndexByte(head, ';')
	if nameEnd < 0 {
		nameEnd = len(head)
	}
	name := head[:nameEnd]
	prop, ok := propertyName(name)
	if !ok {
		return c, "not a property (bad name)"
	}
	if prop == "BEGIN" || prop == "END" {
		return c, "BEGIN or END inside a card"
	}
	params, qp, charset := rewriteParams(head[nameEnd:])
	if qp {
		value = decodeQuotedPrintable(value)
	}
	if isBinaryProperty(prop) {
		value = strings.ToValidUTF8(value, "")
	} else {
		value, c.guessed = toUTF8(value, charset)
		value = cleanControls(value, qp)
	}
	c.prop, c.value = prop, value
	c.text = name + params + ":" + value
	return c, ""
}

// propertyName checks "NAME" or "group.NAME" and returns NAME upper case.
func propertyName(s string) (string, bool) {
	if dot := strings.IndexByte(s, '.'); dot >= 0 {
		if !isToken(s[:dot]) {
			return "", false
		}
		s = s[dot+1:]
	}
	if !isToken(s) {
		return "", false
	}
	return strings.ToUpper(s), true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isBinaryProperty(prop string) bool {
	return prop == "PHOTO" || prop == "LOGO" || prop == "SOUND" || prop == "KEY"
}

// rewriteParams rewrites ";WORK;VOICE;ENCODING=QUOTED-PRINTABLE;CHARSET=x"
// as ";TYPE=WORK;TYPE=VOICE" and reports the encoding and charset, which
// cleanLine undoes. Parameters that are neither name=value nor a bare
// token are dropped.
func rewriteParams(s string) (out string, qp bool, charset string) {
	if s == "" {
		return "", false, ""
	}
	var b strings.Builder
	for _, p := range splitParams(s) {
		k, v, hasValue := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		up := strings.ToUpper(k)
		switch {
		case !isToken(k):
		case !hasValue && up == "QUOTED-PRINTABLE":
			qp = true
		case !hasValue && (up == "BASE64" || up == "B"):
			b.WriteString(";ENCODING=" + up)
		case !hasValue && (up == "8BIT" || up == "7BIT"):
		case !hasValue:
			b.WriteString(";TYPE=" + k)
		case up == "ENCODING" && strings.EqualFold(v, "QUOTED-PRINTABLE"):
			qp = true
		case up == "ENCODING" && (strings.EqualFold(v, "8BIT") || strings.EqualFold(v, "7BIT")):
		case up == "CHARSET":
			charset = strings.Trim(v, `"`)
		default:
			b.WriteString(";" + up + "=" + v)
		}
	}
	return b.String(), qp, charset
}

// splitParams splits ";a=1;b="x;y"" at the semicolons outside quotes.
func splitParams(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] == '"' {
			quoted = !quoted
		}
		if i == len(s) || (s[i] == ';' && !quoted) {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// decodeQuotedPrintable decodes =XX escapes, leniently: a '=' that starts
// no escape stays as it is.
func decodeQuotedPrintable(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		if s[i] == '=' && i == len(s)-1 {
			break // a soft break that ended the value
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// cleanControls removes control characters. Line breaks decoded from
// quoted-printable become vCard's "\n" escape, so that they survive as
// line breaks in a note.
func cleanControls(s string, qp bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case qp && c == '\r' && i+1 < len(s) && s[i+1] == '\n':
		case qp && (c == '\n' || c == '\r'):
			b.WriteString(`\n`)
		case (c < 0x20 && c != '\t') || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// excerpt quotes at most 40 bytes of bad input for a warning or an
// error, with invalid UTF-8 shown as "?" (a warning names a card by it).
func excerpt(s string) string {
	return strings.ToValidUTF8(cut.Bytes(s, 40), "?")
}
