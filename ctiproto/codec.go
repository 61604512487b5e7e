package ctiproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unicode/utf8"
)

// Decode decodes one frame of either direction into its message: a
// *Hello, *MakeCall, *CallCommand (answer, clear, hold, retrieve),
// *Redirect (transfer, deflect), *SetDND, *SetForwarding, *Simple
// (snapshot, ping, refresh-token, unwatch), *RevokeToken, *Watch,
// *Welcome, *Result, *Error or *Event.
//
// Decode is strict, as v1 is frozen: unknown, duplicate, missing, mistyped
// and over-long fields are errors. Every error is a *DecodeError. Requests
// may be DefaultMaxMessageBytes long, server messages MaxServerMessageBytes.
func Decode(data []byte) (Message, error) {
	m, err := decode(data, DefaultMaxMessageBytes, false)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeRequest decodes a frame from a client: like Decode, but it rejects
// frames over maxBytes (DefaultMaxMessageBytes if maxBytes ≤ 0) and server
// message types, with too-large and unknown-type.
func DecodeRequest(data []byte, maxBytes int) (Message, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxMessageBytes
	}
	m, err := decode(data, maxBytes, true)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// decode checks the frame as a whole, reads its type and id, then decodes
// it as that type.
func decode(data []byte, requestLimit int, requestsOnly bool) (Message, *DecodeError) {
	limit := MaxServerMessageBytes
	if requestsOnly {
		limit = requestLimit
	}
	if len(data) > limit {
		return nil, tooLarge(len(data), limit)
	}
	if err := checkFrame(data); err != nil {
		return nil, err
	}
	typ, id, err := readHead(data)
	if err == nil {
		var m Message
		if m, err = decodeAs(data, typ, requestLimit, requestsOnly); err == nil {
			return m, nil
		}
	}
	err.ID = id
	return nil, err
}

// decodeAs decodes the members of the frame into the struct of typ and
// runs the type's checks.
func decodeAs(data []byte, typ string, requestLimit int, requestsOnly bool) (Message, *DecodeError) {
	s, err := specOf(typ, requestsOnly)
	if err != nil {
		return nil, err
	}
	var m Message
	if s.kind == request && len(data) > requestLimit {
		err = tooLarge(len(data), requestLimit)
	} else {
		m = s.new()
		d := decoder{spec: s}
		if err = d.object(data, reflect.ValueOf(m).Elem()); err == nil && s.check != nil {
			err = s.check(m)
		}
	}
	if err != nil {
		err.Type = typ
		return nil, err
	}
	return m, nil
}

// checkFrame insists on one JSON object in UTF-8.
func checkFrame(data []byte) *DecodeError {
	if !utf8.Valid(data) {
		return &DecodeError{Code: CodeBadFrame, Msg: "frame is not valid UTF-8"}
	}
	if !json.Valid(data) {
		// Unmarshal again only to learn where the syntax error is.
		err := json.Unmarshal(data, new(struct{}))
		msg := "frame is not valid JSON"
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			msg = fmt.Sprintf("%s: %v at byte %d", msg, se, se.Offset)
		}
		return &DecodeError{Code: CodeBadFrame, Msg: msg}
	}
	if _, ok := openObject(data); !ok {
		return &DecodeError{Code: CodeBadFrame, Msg: "frame is not a JSON object"}
	}
	return nil
}

// readHead finds the message type and the request id. The id is returned
// whenever it is a valid id, even with an error, so that the error can
// name the request it answers.
func readHead(data []byte) (typ, id string, err *DecodeError) {
	it, _ := openObject(data)
	var rawType, rawID []byte
	for {
		qname, val, ok := it.next()
		if !ok {
			break
		}
		switch string(memberName(qname)) {
		case "type":
			if rawType != nil {
				err = invalidField("type", "duplicate field")
			}
			rawType = val
		case "id":
			if rawID == nil {
				rawID = val
			}
		}
	}
	if s, ok := unquote(rawID); ok && idRule.problem(s) == "" {
		id = s
	}
	switch {
	case err != nil:
	case rawType == nil:
		err = missingField("type", "")
	default:
		typ, err = readType(rawType)
	}
	return typ, id, err
}

// readType reads the type member. Known types, written plainly, are taken
// from the spec table rather than copied out of the frame.
func readType(raw []byte) (string, *DecodeError) {
	if len(raw) > 2 && raw[0] == '"' {
		if s := specs[string(raw[1:len(raw)-1])]; s != nil {
			return s.typ, nil
		}
	}
	typ, ok := unquote(raw)
	if !ok {
		return "", invalidField("type", "must be a string")
	}
	if problem := idRule.problem(typ); problem != "" {
		return "", invalidField("type", problem)
	}
	return typ, nil
}

// specOf finds the spec of a message type the receiver accepts.
func specOf(typ string, requestsOnly bool) (*spec, *DecodeError) {
	s := specs[typ]
	switch {
	case s == nil:
		return nil, &DecodeError{Code: CodeUnknownType, Field: "type",
			Msg: "unknown message type " + quoteShort(typ)}
	case requestsOnly && s.kind != request:
		return nil, &DecodeError{Code: CodeUnknownType, Field: "type",
			Msg: fmt.Sprintf("%q is a server message, not a request", typ)}
	}
	return s, nil
}

func tooLarge(n, limit int) *DecodeError {
	return &DecodeError{Code: CodeTooLarge,
		Msg: fmt.Sprintf("frame of %d bytes exceeds the limit of %d", n, limit)}
}

// Encode encodes m as one compact JSON frame whose first member is "type".
// It does not validate m; Decode(Encode(m)) does. Times are written to
// TimePrecision (times.go).
//
// Encode runs once per event however many clients receive it, so it avoids
// work: for messages whose struct has no Type field it writes the type
// member, then the struct's JSON with its opening brace replaced by a comma.
func Encode(m Message) ([]byte, error) {
	s, err := specFor(m)
	if err != nil {
		return nil, err
	}
	m = withWireTimes(m)
	if w, ok := m.(*Welcome); ok {
		m = w.withLists()
	}
	e := encoders.Get().(*encoder)
	defer e.release()
	start := 0
	if !s.info.hasType {
		e.buf.WriteString(`{"type":"`)
		e.buf.WriteString(s.typ) // types are plain ASCII: no escaping needed
		e.buf.WriteByte('"')
		start = e.buf.Len()
	}
	if err := e.enc.Encode(m); err != nil {
		return nil, fmt.Errorf("ctiproto: encode %s: %w", s.typ, err)
	}
	b := e.buf.Bytes()
	b = b[:len(b)-1] // json.Encoder ends every value with a newline
	if start > 0 {
		if b[start+1] == '}' { // the struct had no members to write
			b = append(b[:start], '}')
		} else {
			b[start] = ','
		}
	}
	return bytes.Clone(b), nil
}

// specFor finds the spec of m and makes sure m's Go type can carry its type.
func specFor(m Message) (*spec, error) {
	if m == nil {
		return nil, errors.New("ctiproto: encode: nil message")
	}
	if v := reflect.ValueOf(m); v.Kind() != reflect.Pointer || v.IsNil() {
		return nil, fmt.Errorf("ctiproto: encode: %T is not a non-nil pointer", m)
	}
	typ := m.MessageType()
	s := specs[typ]
	if s == nil {
		return nil, fmt.Errorf("ctiproto: encode: unknown message type %q", typ)
	}
	if reflect.TypeOf(m) != s.goType {
		return nil, fmt.Errorf("ctiproto: encode: %T cannot carry type %q", m, typ)
	}
	return s, nil
}

// withLists returns w with empty lists instead of nil ones: the lists are
// required members, and null is never a valid value.
func (w *Welcome) withLists() *Welcome {
	if w.Devices != nil && w.Calls != nil && w.Capabilities != nil {
		return w
	}
	c := *w
	if c.Devices == nil {
		c.Devices = []Device{}
	}
	if c.Calls == nil {
		c.Calls = []Call{}
	}
	if c.Capabilities == nil {
		c.Capabilities = []string{}
	}
	return &c
}

// encoder is a buffer and a JSON encoder writing into it, reused through
// a pool so that Encode allocates little more than its result.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false) // < > & need no escaping outside HTML
	return e
}}

// release returns e to the pool, unless a huge message grew its buffer.
func (e *encoder) release() {
	if e.buf.Cap() > DefaultMaxMessageBytes {
		return
	}
	e.buf.Reset()
	encoders.Put(e)
}
