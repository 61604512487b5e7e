package ami

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// codecFixtureDir is the directory of the real Asterisk captures.
func codecFixtureDir(tb testing.TB) string { return fixtures(tb) }

// captures returns the raw capture files (NAME.txt, not the annotated ones).
func codecCaptures(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(codecFixtureDir(tb), "*.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f, ".annotated.txt") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	if len(out) == 0 {
		tb.Skip("no AMI captures found")
	}
	return out
}

// msg builds a message from alternating keys and values.
func codecMsg(kv ...string) Message {
	var m Message
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// decodeAll decodes r until an error other than *SyntaxError; it returns
// what came in order (Message or error) and that final error.
func codecDecodeAll(r io.Reader) (out []any, end error) {
	d := NewDecoder(r)
	for {
		m, err := d.Decode()
		var se *SyntaxError
		switch {
		case errors.As(err, &se):
			out = append(out, err)
		case err != nil:
			return out, err
		default:
			out = append(out, m)
		}
	}
}

func TestCodecDecode(t *testing.T) {
	long := strings.Repeat("x", maxLineLength+1)
	var many strings.Builder
	for range maxFields + 1 {
		many.WriteString("K: v\r\n")
	}
	syntax := errors.New("syntax") // stands for any *SyntaxError
	tests := []struct {
		name string
		in   string
		want []any // Message or syntax
		end  error
	}{
		{"CRLF", "Event: Hangup\r\nCause: 16\r\n\r\n",
			[]any{codecMsg("Event", "Hangup", "Cause", "16")}, io.EOF},
		{"LF", "Event: Hangup\nCause: 16\n\n",
			[]any{codecMsg("Event", "Hangup", "Cause", "16")}, io.EOF},
		{"mixed line ends", "Event: A\r\nX: 1\n\r\nEvent: B\n\n",
			[]any{codecMsg("Event", "A", "X", "1"), codecMsg("Event", "B")}, io.EOF},
		{"empty values", "Response: Success\r\nSystemName: \r\nCoreRunUser:\r\n\r\n",
			[]any{codecMsg("Response", "Success", "SystemName", "", "CoreRunUser", "")}, io.EOF},
		{"colon in value", "Event: X\r\nEventTV: 2026-11-26T09:58:53.373+0000\r\nRequestType: Action: FooBarBaz\r\n\r\n",
			[]any{codecMsg("Event", "X", "EventTV", "2026-11-26T09:58:53.373+0000", "RequestType", "Action: FooBarBaz")}, io.EOF},
		{"only the first space is the separator", "Event: X\r\nV:  two\r\n\r\n",
			[]any{codecMsg("Event", "X", "V", " two")}, io.EOF},
		{"repeated keys kept in order", "Action: Originate\r\nVariable: a=1\r\nVariable: b=2\r\n\r\n",
			[]any{codecMsg("Action", "Originate", "Variable", "a=1", "Variable", "b=2")}, io.EOF},
		{"blank lines between messages", "\r\n\r\nEvent: A\r\n\r\n\r\n\nEvent: B\r\n\r\n\r\n",
			[]any{codecMsg("Event", "A"), codecMsg("Event", "B")}, io.EOF},
		{"line without colon skipped, next read", "Event: A\r\nthis is no header\r\nX: 1\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"garbage alone", "\x00\xff\xfe garbage\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"empty key", ": value\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"too long line", "Event: A\r\nX: " + long + "\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"too long line does not split its message", "Event: A\r\nX: " + long + "\r\nY: 1\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"too long line beyond the read buffer", "Event: A\r\nX: " + strings.Repeat(long, 3) + "\r\nY: 1\r\n\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"longest line accepted", "Event: A\r\nX: " + long[:maxLineLength-3] + "\r\n\r\n",
			[]any{codecMsg("Event", "A", "X", long[:maxLineLength-3])}, io.EOF},
		{"too many fields", many.String() + "\r\nEvent: B\r\n\r\n",
			[]any{syntax, codecMsg("Event", "B")}, io.EOF},
		{"EOF inside a message", "Event: A\r\n\r\nEvent: B\r\nX: 1\r\n",
			[]any{codecMsg("Event", "A")}, io.ErrUnexpectedEOF},
		{"EOF inside a line", "Event: A\r\n\r\nEvent: B\r\nX: 1",
			[]any{codecMsg("Event", "A")}, io.ErrUnexpectedEOF},
		{"EOF inside a skipped message", "bad\r\nX: 1\r\n",
			nil, io.ErrUnexpectedEOF},
		{"empty stream", "", nil, io.EOF},
		{"only blank lines", "\r\n\n\r\n", nil, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, end := codecDecodeAll(strings.NewReader(tt.in))
			if end != tt.end {
				t.Errorf("stream ended with %v, want %v", end, tt.end)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results %v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if w == syntax {
					if _, ok := got[i].(*SyntaxError); !ok {
						t.Errorf("result %d = %v, want a *SyntaxError", i, got[i])
					}
					continue
				}
				if !reflect.DeepEqual(got[i], w) {
					t.Errorf("result %d = %#v, want %#v", i, got[i], w)
				}
			}
		})
	}
}

func TestCodecSyntaxErrorSaysWhereAndWhy(t *testing.T) {
	d := NewDecoder(strings.NewReader("Asterisk Call Manager/11.0.0\r\nEvent: A\r\nno colon here\r\n\r\n"))
	if _, err := d.Banner(); err != nil {
		t.Fatal(err)
	}
	_, err := d.Decode()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SyntaxError", err)
	}
	if se.Line != 3 || !strings.Contains(se.Msg, "no colon here") {
		t.Errorf("SyntaxError = %+v, want line 3 naming the line", se)
	}
	if !strings.Contains(se.Error(), "line 3") {
		t.Errorf("Error() = %q", se.Error())
	}
}

func TestCodecBanner(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"Asterisk 22", "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n", "11.0.0", nil},
		{"LF", "Asterisk Call Manager/2.10.6\n", "2.10.6", nil},
		{"SSH server", "SSH-2.0-OpenSSH_9.6\r\n", "", ErrBanner},
		{"HTTP server", "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "", ErrBanner},
		{"SMTP server", "220 mail.example.com ESMTP\r\n", "", ErrBanner},
		{"too long", "Asterisk Call Manager/" + strings.Repeat("9", maxBannerLength) + "\r\n", "", ErrBanner},
		{"longer than a line", "Asterisk Call Manager/" + strings.Repeat("9", maxLineLength+10) + "\r\n", "", ErrBanner},
		{"empty line", "\r\n", "", ErrBanner},
		{"nothing", "", "", io.EOF},
		{"cut off", "Asterisk Call Man", "", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewDecoder(strings.NewReader(tt.in)).Banner()
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Banner() error = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("Banner() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCodecEncode(t *testing.T) {
	var b bytes.Buffer
	m := NewAction("Originate", "ActionID", "dl-1", "Channel", "PJSIP/201", "Variable", "A=1", "Variable", "B=", "CallerID", `"Alice: Meyer" <201>`)
	if err := NewEncoder(&b).Encode(m); err != nil {
		t.Fatal(err)
	}
	want := "Action: Originate\r\nActionID: dl-1\r\nChannel: PJSIP/201\r\nVariable: A=1\r\nVariable: B=\r\nCallerID: \"Alice: Meyer\" <201>\r\n\r\n"
	if b.String() != want {
		t.Errorf("Encode wrote %q, want %q", b.String(), want)
	}
	got, end := codecDecodeAll(&b)
	if end != io.EOF || len(got) != 1 || !reflect.DeepEqual(got[0], m) {
		t.Errorf("decoding it back = %v, %v; want %v", got, end, m)
	}
}

func TestCodecEncodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"CRLF in a value", NewAction("Originate", "Exten", "202\r\nApplication: System")},
		{"LF in a value", NewAction("Originate", "Exten", "202\nData: rm -rf /")},
		{"CR in a value", NewAction("Originate", "Exten", "202\rx")},
		{"colon in a key", NewAction("Originate", "Application: System", "x")},
		{"CRLF in a key", NewAction("Originate", "A\r\nB", "x")},
		{"space in a key", NewAction("Originate", "Call erID", "x")},
		{"empty key", NewAction("Originate", "", "x")},
		{"empty message", Message{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := NewEncoder(&b).Encode(tt.m); err == nil {
				t.Errorf("Encode(%v) succeeded", tt.m)
			}
			if b.Len() != 0 {
				t.Errorf("Encode wrote %q despite refusing", b.String())
			}
			if Check(tt.m) == nil {
				t.Errorf("Check(%v) = nil", tt.m)
			}
		})
	}
}

// TestCodecDecodeCapturesSplit reads each real capture whole and in
// pieces (one byte at a time, and for the small ones split in two at every
// byte): the messages must be the same.
func TestCodecDecodeCapturesSplit(t *testing.T) {
	for name, data := range codecCaptures(t) {
		t.Run(name, func(t *testing.T) {
			whole := codecReadCapture(t, bytes.NewReader(data))
			if len(whole) == 0 {
				t.Fatal("no messages")
			}
			for _, r := range []struct {
				name string
				r    io.Reader
			}{
				{"one byte", iotest.OneByteReader(bytes.NewReader(data))},
				{"half", iotest.HalfReader(bytes.NewReader(data))},
				{"data with EOF", iotest.DataErrReader(bytes.NewReader(data))},
			} {
				if got := codecReadCapture(t, r.r); !reflect.DeepEqual(got, whole) {
					t.Errorf("%s reads: %d messages differ from the %d read whole", r.name, len(got), len(whole))
				}
			}
			if len(data) > 4<<10 {
				return
			}
			for i := 1; i < len(data); i++ {
				r := io.MultiReader(bytes.NewReader(data[:i]), bytes.NewReader(data[i:]))
				if got := codecReadCapture(t, r); !reflect.DeepEqual(got, whole) {
					t.Fatalf("split at byte %d: messages differ", i)
				}
			}
		})
	}
}

// codecReadCapture decodes a capture: banner, then messages up to a clean EOF,
// with no malformed message.
func codecReadCapture(t *testing.T, r io.Reader) []Message {
	t.Helper()
	d := NewDecoder(r)
	if v, err := d.Banner(); err != nil || v != "11.0.0" {
		t.Fatalf("Banner() = %q, %v", v, err)
	}
	var out []Message
	for {
		m, err := d.Decode()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d messages: %v", len(out), err)
		}
		if m.Event() == "" && m.Response() == "" {
			t.Fatalf("message %d is neither event nor response: %v", len(out), m)
		}
		out = append(out, m)
	}
}

// A message longer than maxMessageBytes (made of lines each under the
// line limit) is skipped as a whole; the next one is read.
func TestCodecMessageTooLong(t *testing.T) {
	var b strings.Builder
	b.WriteString("Event: Big\r\n")
	for i := 0; b.Len() <= maxMessageBytes; i++ {
		fmt.Fprintf(&b, "Key%d: %s\r\n", i, strings.Repeat("v", 1000))
	}
	b.WriteString("\r\nEvent: Next\r\n\r\n")
	d := NewDecoder(strings.NewReader(b.String()))
	_, err := d.Decode()
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "message longer than") {
		t.Fatalf("err = %v, want a SyntaxError about the message length", err)
	}
	m, err := d.Decode()
	if err != nil || m.Event() != "Next" {
		t.Fatalf("next = %v, %v", m, err)
	}
}
