package ctiproto

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode: Decode never panics, fails only with a *DecodeError of a
// known code, and whatever it accepts re-encodes to a frame that decodes to
// the same message (the encoding is a fixed point). The seed corpus is in
// testdata/fuzz/FuzzDecode; the examples of PROTOCOL.md are added to it.
func FuzzDecode(f *testing.F) {
	for _, ex := range protocolExamples(f) {
		f.Add([]byte(ex.text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			de, ok := errors.AsType[*DecodeError](err)
			if !ok || !IsErrorCode(de.Code) || m != nil {
				t.Fatalf("Decode(%q) = %v, %#v", data, m, err)
			}
			if _, err := Decode(mustEncode(t, de.Reply())); err != nil {
				t.Fatalf("the reply to %q does not decode: %v", data, err)
			}
			return
		}
		b, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", data, err)
		}
		m2, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v\n encoded: %s", data, err, b)
		}
		if b2 := mustEncode(t, m2); !bytes.Equal(b, b2) {
			t.Fatalf("round trip of %q changed the message:\n%s\n%s", data, b, b2)
		}
		_, err = DecodeRequest(data, MaxServerMessageBytes)
		if (err == nil) != IsRequest(m.MessageType()) {
			t.Fatalf("DecodeRequest(%q) = %v for a %s", data, err, m.MessageType())
		}
	})
}
