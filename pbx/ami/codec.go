package ami

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/deskline/deskline/internal/cut"
)

// Limits on what the decoder accepts. Real Asterisk messages stay far
// below them (the largest in the captures is about 1.6 KB with 40
// fields); a peer that exceeds them is broken or hostile, and its message
// is skipped rather than buffered without end.
const (
	// maxLineLength bounds one "Key: Value" line. Long values are SIP
	// headers and dialplan application data, a few hundred bytes at most.
	maxLineLength = 8 << 10
	// maxFields bounds the fields of one message (Status with every
	// channel variable has about 60).
	maxFields = 512
	// maxBannerLength bounds the greeting line.
	maxBannerLength = 256
	// maxMessageBytes bounds one whole message (its lines together), ten
	// times the largest Asterisk sends; with the queue limits of conn it
	// caps the memory a peer can make the connector hold.
	maxMessageBytes = 16 << 10
)

// BannerPrefix starts the greeting Asterisk sends on connect
// ("Asterisk Call Manager/11.0.0").
const BannerPrefix = "Asterisk Call Manager/"

// ErrBanner reports a peer that does not greet like an Asterisk manager.
var ErrBanner = errors.New("ami: not an Asterisk manager interface (unexpected banner)")

// SyntaxError is a malformed message. The decoder has skipped it (up to
// the next empty line) and can go on: a caller logs it and reads on.
type SyntaxError struct {
	Line int    // the line number in the stream, counting from 1 at the banner
	Msg  string // what was wrong
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("ami: line %d: %s", e.Line, e.Msg) }

// Decoder reads AMI messages from a stream. It is not safe for concurrent use.
type Decoder struct {
	r    *bufio.Reader
	line int
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 16<<10)}
}

// Banner reads the greeting line and returns the protocol version after
// BannerPrefix ("11.0.0"). Call it once, before Decode.
func (d *Decoder) Banner() (string, error) {
	line, tooLong, err := d.readLine()
	if err != nil {
		return "", fmt.Errorf("ami: reading banner: %w", err)
	}
	if tooLong || len(line) > maxBannerLength || !strings.HasPrefix(line, BannerPrefix) {
		return "", fmt.Errorf("%w: %q", ErrBanner, cut.Bytes(line, 60))
	}
	return strings.TrimPrefix(line, BannerPrefix), nil
}

// Decode reads the next message. Empty lines between messages are
// skipped. A malformed message returns a *SyntaxError after it has been
// skipped; any other error (io.EOF, a closed connection) ends the stream.
// A stream that ends inside a message returns io.ErrUnexpectedEOF.
func (d *Decoder) Decode() (Message, error) {
	var m Message
	var bad *SyntaxError
	size := 0
	for {
		line, tooLong, err := d.readLine()
		if err != nil {
			if err == io.EOF && (len(m.Fields) > 0 || bad != nil) {
				err = io.ErrUnexpectedEOF
			}
			return Message{}, err
		}
		if line == "" && !tooLong {
			if bad != nil {
				return Message{}, bad
			}
			if len(m.Fields) == 0 {
				continue // blank lines between messages
			}
			return m, nil
		}
		if bad != nil {
			continue // skipping to the end of a malformed message
		}
		size += len(line)
		switch key, value, ok := strings.Cut(line, ":"); {
		case size > maxMessageBytes:
			bad = d.errorf("message longer than %d bytes", maxMessageBytes)
		case tooLong:
			bad = d.errorf("line longer than %d bytes", maxLineLength)
		case !ok || strings.TrimSpace(key) == "":
			bad = d.errorf("not a \"Key: Value\" line: %q", cut.Bytes(line, 60))
		case len(m.Fields) >= maxFields:
			bad = d.errorf("more than %d fields in one message", maxFields)
		default:
			m.Add(key, strings.TrimPrefix(value, " "))
		}
	}
}

func (d *Decoder) errorf(format string, a ...any) *SyntaxError {
	return &SyntaxError{Line: d.line, Msg: fmt.Sprintf(format, a...)}
}

// readLine reads one line without its CRLF (or bare LF). A line longer
// than maxLineLength is consumed whole and reported as tooLong with only
// its start kept.
func (d *Decoder) readLine() (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := d.r.ReadSlice('\n')
		if room := maxLineLength + 2 - len(buf); len(chunk) <= room {
			buf = append(buf, chunk...)
		} else {
			buf = append(buf, chunk[:max(room, 0)]...)
			tooLong = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", false, err
		}
		d.line++
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		return string(buf), tooLong, nil
	}
}

// Encoder writes AMI messages to a stream. It is not safe for concurrent use.
type Encoder struct {
	w   io.Writer
	buf bytes.Buffer
}

// NewEncoder returns an encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Encode writes m as "Key: Value" lines with CRLF and the closing empty
// line, in one Write. It refuses a key or value with CR or LF (or a key
// with a colon): such a value would end the field early and let its rest
// be read as further fields — a dialled number must never smuggle an
// "Application: System" line into an Originate.
func (e *Encoder) Encode(m Message) error {
	if err := Check(m); err != nil {
		return err
	}
	e.buf.Reset()
	for _, f := range m.Fields {
		e.buf.WriteString(f.Key)
		e.buf.WriteString(": ")
		e.buf.WriteString(f.Value)
		e.buf.WriteString("\r\n")
	}
	e.buf.WriteString("\r\n")
	_, err := e.w.Write(e.buf.Bytes())
	return err
}

// Check reports a message that cannot be written safely.
func Check(m Message) error {
	if len(m.Fields) == 0 {
		return errors.New("ami: empty message")
	}
	for _, f := range m.Fields {
		if f.Key == "" || strings.ContainsAny(f.Key, ":\r\n \t") {
			return fmt.Errorf("ami: field name %q is not allowed", cut.Bytes(f.Key, 40))
		}
		if strings.ContainsAny(f.Value, "\r\n") {
			return fmt.Errorf("ami: field %s: value contains a line break", f.Key)
		}
	}
	return nil
}
