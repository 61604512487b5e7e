package ctiproto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// example is one ```json block of PROTOCOL.md.
type example struct {
	line      int    // line of the opening fence
	direction string // "client → server", "server → client" or ""
	text      string
}

// protocolExamples extracts every ```json block of PROTOCOL.md, with the
// direction stated on the last text line before it.
func protocolExamples(t testing.TB) []example {
	t.Helper()
	f, err := os.Open("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		exs     []example
		cur     *example
		lastTxt string
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case cur == nil && line == "```json":
			cur = &example{line: n, direction: directionOf(lastTxt)}
		case cur == nil && strings.HasPrefix(line, "```") && strings.Contains(strings.ToLower(line), "json"):
			t.Fatalf("PROTOCOL.md:%d: JSON block not fenced as ```json: %q", n, line)
		case cur != nil && line == "```":
			exs = append(exs, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		case line != "":
			lastTxt = line
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("PROTOCOL.md:%d: unterminated ```json block", cur.line)
	}
	return exs
}

func directionOf(line string) string {
	for _, d := range []string{"client → server", "server → client"} {
		if strings.HasPrefix(line, d) {
			return d
		}
	}
	return ""
}

func TestProtocolExamples(t *testing.T) {
	exs := protocolExamples(t)
	if len(exs) < 30 {
		t.Errorf("PROTOCOL.md has %d JSON examples, want at least 30", len(exs))
	}
	seen := map[string]bool{}
	for _, ex := range exs {
		where := "PROTOCOL.md:" + strconv.Itoa(ex.line)
		m, err := Decode([]byte(ex.text))
		if err != nil {
			t.Errorf("%s: %v\n%s", where, err, ex.text)
			continue
		}
		seen[m.MessageType()] = true
		checkDirection(t, where, ex, m)
		b, err := Encode(m)
		if err != nil {
			t.Errorf("%s: Encode: %v", where, err)
			continue
		}
		if !bytes.HasPrefix(b, []byte(`{"type":`)) {
			t.Errorf("%s: Encode does not start with the type: %s", where, b)
		}
		if !sameJSON(t, []byte(ex.text), b) {
			t.Errorf("%s: Encode(Decode(x)) differs from x\n x: %s got: %s", where, ex.text, b)
		}
	}
	for _, s := range specList {
		if !seen[s.typ] {
			t.Errorf("PROTOCOL.md has no example of %q", s.typ)
		}
	}
}

// checkDirection makes sure a block said to go to the server is a request
// that DecodeRequest accepts, and one said to come from it is not.
func checkDirection(t *testing.T, where string, ex example, m Message) {
	t.Helper()
	_, err := DecodeRequest([]byte(ex.text), 0)
	switch ex.direction {
	case "":
		t.Errorf("%s: no direction line before the example", where)
	case "client → server":
		if !IsRequest(m.MessageType()) || err != nil {
			t.Errorf("%s: %s is marked client → server: IsRequest %v, DecodeRequest %v",
				where, m.MessageType(), IsRequest(m.MessageType()), err)
		}
	case "server → client":
		if IsRequest(m.MessageType()) || err == nil {
			t.Errorf("%s: %s is marked server → client but is a request", where, m.MessageType())
		}
	}
}

// sameJSON reports whether a and b are the same JSON value, member order
// and spacing aside.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

// TestProtocolNamesEveryCode keeps the error and close code tables of
// PROTOCOL.md complete.
func TestProtocolNamesEveryCode(t *testing.T) {
	doc, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for code := range codes {
		if !bytes.Contains(doc, []byte("| `"+code+"` |")) {
			t.Errorf("PROTOCOL.md: error code %q has no row in the error table", code)
		}
	}
	for _, c := range []int{CloseNormal, CloseGoingAway, CloseMessageTooBig, CloseProtocolError,
		CloseAuthFailed, CloseTokenRevoked, CloseSlowConsumer, CloseRateLimited, CloseKeepAliveTimeout,
		CloseTooManySessions} {
		if !bytes.Contains(doc, []byte("| "+strconv.Itoa(c)+" |")) {
			t.Errorf("PROTOCOL.md: close code %d has no row in the close code table", c)
		}
	}
	for _, typ := range EventTypes() {
		if !bytes.Contains(doc, []byte("| `"+typ+"` |")) {
			t.Errorf("PROTOCOL.md: event %q has no row in the event table", typ)
		}
	}
}
