package contacts

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// decodeFile returns a file's text as a string. vCard 3.0 and 4.0 are
// UTF-8, but Outlook writes UTF-16 and older tools Latin-1: a UTF-16 file
// (with or without byte order mark) is converted whole; stray non-UTF-8
// bytes are left for the card reader, which converts them line by line and
// says so.
func decodeFile(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), looksUTF16(data, 1):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), data)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), looksUTF16(data, 0):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), data)
	}
	return string(data)
}

// looksUTF16 reports ASCII text stored as UTF-16 without a byte order
// mark: every other byte zero, at odd offsets for little endian (zero=1).
func looksUTF16(data []byte, zero int) bool {
	if len(data) < 8 {
		return false
	}
	for i := 0; i < 8; i += 2 {
		if data[i+zero] != 0 || data[i+1-zero] == 0 {
			return false
		}
	}
	return true
}

func decodeWith(e encoding.Encoding, data []byte) string {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return string(data)
	}
	return string(out)
}

// toUTF8 converts a value that is not valid UTF-8 from the card's CHARSET,
// or, naming none, from Windows-1252: the superset of Latin-1 that Windows
// and old Macs wrote. Valid UTF-8 stays as it is whatever CHARSET says —
// tools that write CHARSET=ISO-8859-1 over UTF-8 exist, and Latin-1 text
// is almost never valid UTF-8 by accident. guessed reports a conversion
// the card did not ask for, which the user should hear about.
func toUTF8(value, charset string) (out string, guessed bool) {
	if utf8.ValidString(value) {
		return value, false
	}
	if charset != "" {
		if enc, err := htmlindex.Get(charset); err == nil {
			if s, err := enc.NewDecoder().String(value); err == nil && utf8.ValidString(s) {
				return s, false
			}
		}
	}
	s, err := charmap.Windows1252.NewDecoder().String(value)
	if err != nil || !utf8.ValidString(s) {
		return strings.ToValidUTF8(value, "\uFFFD"), true
	}
	return s, true
}
