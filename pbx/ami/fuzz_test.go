package ami

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode feeds the decoder arbitrary bytes: it never panics, and every
// message it returns encodes and decodes back to itself.
//
// The decoder is more lenient than the encoder in two ways, which the
// target allows: it accepts keys with spaces or tabs ("Bad Key: v") and
// keys or values with a bare CR ("K: v\rw"), which Encode refuses
// (Asterisk sends neither). Any other refusal fails.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures(f), "*.txt"))
	for _, file := range files {
		if strings.HasSuffix(file, ".annotated.txt") {
			continue
		}
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: dl-1\r\nMessage: Authentication accepted\r\n\r\n",
		"Asterisk Call Manager/11.0.0\nEvent: A\nX:\n\nno colon\n\nEvent: B\n\n",
		"Asterisk Call Manager/11.0.0\r\nEvent: A\r\nX: 1",
		"\r\n\r\n: v\r\n\r\nK: a:b: c\r\n\r\n",
		"Asterisk Call Manager/11.0.0\r\nBad Key: v\r\nK: a\rb\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		d.Banner() // whatever it says, go on decoding
		for {
			m, err := d.Decode()
			var se *SyntaxError
			if errors.As(err, &se) {
				continue
			}
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("Decode: unexpected error %v", err)
				}
				return
			}
			if len(m.Fields) == 0 || len(m.Fields) > maxFields {
				t.Fatalf("decoded %d fields", len(m.Fields))
			}
			if err := Check(m); err != nil {
				if !fuzzLenientOnly(m) {
					t.Fatalf("decoded %q, which Encode refuses: %v", m.Fields, err)
				}
				continue
			}
			var b bytes.Buffer
			if err := NewEncoder(&b).Encode(m); err != nil {
				t.Fatalf("Encode(%q): %v", m.Fields, err)
			}
			d2 := NewDecoder(&b)
			m2, err := d2.Decode()
			if err != nil {
				t.Fatalf("decoding %q back: %v", b.String(), err)
			}
			if !slices.Equal(m.Fields, m2.Fields) {
				t.Fatalf("round trip changed %q into %q", m.Fields, m2.Fields)
			}
			if _, err := d2.Decode(); err != io.EOF {
				t.Fatalf("after the round-tripped message: %v, want EOF", err)
			}
		}
	})
}

// fuzzLenientOnly reports whether Check refuses m only for what the decoder
// accepts and the encoder does not: blanks in keys, bare CRs.
func fuzzLenientOnly(m Message) bool {
	for _, f := range m.Fields {
		if f.Key == "" || strings.ContainsAny(f.Key, ":\n") || strings.Contains(f.Value, "\n") {
			return false
		}
	}
	for _, f := range m.Fields {
		if strings.ContainsAny(f.Key, " \t\r") || strings.Contains(f.Value, "\r") {
			return true
		}
	}
	return false
}
