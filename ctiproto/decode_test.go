package ctiproto

import (
	"errors"
	"strings"
	"testing"
)

// Valid messages the rejection cases below start from.
const (
	okEvent   = `"seq":1,"time":"2026-03-02T09:15:04.123Z"`
	okLimits  = `"limits":{"max_message_bytes":65536,"commands_per_second":20,"ping_seconds":30}`
	okWelcome = `"id":"1","user":"anna","session":"s1","epoch":"e1","seq":0,"resumed":false,` +
		`"exchange":{"available":true},` + okLimits
)

type rejectCase struct {
	name  string
	frame string
	code  string
	field string
	id    string // the id the error must carry
}

var rejectCases = []rejectCase{
	// The frame as a whole.
	{"empty frame", ``, CodeBadFrame, "", ""},
	{"malformed JSON", `{"type":"ping","id":"1"`, CodeBadFrame, "", ""},
	{"bare word", `ping`, CodeBadFrame, "", ""},
	{"trailing data", `{"type":"ping","id":"1"} {}`, CodeBadFrame, "", ""},
	{"array", `[{"type":"ping","id":"1"}]`, CodeBadFrame, "", ""},
	{"string", `"ping"`, CodeBadFrame, "", ""},
	{"null", `null`, CodeBadFrame, "", ""},
	{"number", `42`, CodeBadFrame, "", ""},
	{"invalid UTF-8", "{\"type\":\"ping\",\"id\":\"\xff\"}", CodeBadFrame, "", ""},
	{"byte-order mark", "\ufeff{\"type\":\"ping\",\"id\":\"1\"}", CodeBadFrame, "", ""},

	// The type.
	{"missing type", `{"id":"1"}`, CodeMissingField, "type", "1"},
	{"empty object", `{}`, CodeMissingField, "type", ""},
	{"type not a string", `{"type":1,"id":"1"}`, CodeInvalidField, "type", "1"},
	{"type null", `{"type":null,"id":"1"}`, CodeInvalidField, "type", "1"},
	{"type empty", `{"type":"","id":"1"}`, CodeInvalidField, "type", "1"},
	{"duplicate type", `{"type":"ping","id":"1","type":"ping"}`, CodeInvalidField, "type", "1"},
	{"unknown type", `{"type":"dial","id":"1"}`, CodeUnknownType, "type", "1"},
	{"type in other case", `{"type":"PING","id":"1"}`, CodeUnknownType, "type", "1"},

	// The id.
	{"missing id", `{"type":"ping"}`, CodeMissingField, "id", ""},
	{"empty id", `{"type":"ping","id":""}`, CodeInvalidField, "id", ""},
	{"over-long id", `{"type":"ping","id":"` + strings.Repeat("x", MaxIDLength+1) + `"}`, CodeInvalidField, "id", ""},
	{"id not a string", `{"type":"ping","id":7}`, CodeInvalidField, "id", ""},
	{"control character in id", `{"type":"ping","id":"a\u0007"}`, CodeInvalidField, "id", ""},
	{"duplicate id", `{"type":"ping","id":"1","id":"2"}`, CodeInvalidField, "id", "1"},

	// Members.
	{"missing field", `{"type":"make-call","id":"7","device":"201"}`, CodeMissingField, "to", "7"},
	{"mistyped field", `{"type":"make-call","id":"7","device":201,"to":"1"}`, CodeInvalidField, "device", "7"},
	{"mistyped bool", `{"type":"set-dnd","id":"7","device":"201","on":"yes"}`, CodeInvalidField, "on", "7"},
	{"mistyped optional bool", `{"type":"revoke-token","id":"7","all":1}`, CodeInvalidField, "all", "7"},
	{"null field", `{"type":"make-call","id":"7","device":null,"to":"1"}`, CodeInvalidField, "device", "7"},
	{"unknown field", `{"type":"hold","id":"7","call":"c1","device":"201","line":2}`, CodeInvalidField, "line", "7"},
	{"field in other case", `{"type":"hold","id":"7","call":"c1","Device":"201"}`, CodeInvalidField, "Device", "7"},
	{"duplicate field", `{"type":"hold","id":"7","call":"c1","device":"201","device":"202"}`, CodeInvalidField, "device", "7"},
	{"empty device", `{"type":"hold","id":"7","call":"c1","device":""}`, CodeInvalidField, "device", "7"},
	{"over-long device", `{"type":"hold","id":"7","call":"c1","device":"` + strings.Repeat("2", MaxFieldLength+1) + `"}`, CodeInvalidField, "device", "7"},
	{"control character in call", `{"type":"hold","id":"7","call":"c\n1","device":"201"}`, CodeInvalidField, "call", "7"},
	{"empty number", `{"type":"make-call","id":"7","device":"201","to":""}`, CodeInvalidField, "to", "7"},
	{"type of a shared struct", `{"type":"answer","id":"7","call":"c1","device":"201","to":"1"}`, CodeInvalidField, "to", "7"},

	// Hello.
	{"hello with both", `{"type":"hello","id":"1","token":"t","user":"anna","password":"pw"}`, CodeInvalidField, "token", "1"},
	{"hello with token and user", `{"type":"hello","id":"1","token":"t","user":"anna"}`, CodeInvalidField, "token", "1"},
	{"hello with neither", `{"type":"hello","id":"1","client":"x"}`, CodeMissingField, "token", "1"},
	{"hello without password", `{"type":"hello","id":"1","user":"anna"}`, CodeMissingField, "password", "1"},
	{"hello without user", `{"type":"hello","id":"1","password":"pw"}`, CodeMissingField, "user", "1"},
	{"hello with empty token", `{"type":"hello","id":"1","token":""}`, CodeInvalidField, "token", "1"},
	{"token with a space", `{"type":"hello","id":"1","token":"a b"}`, CodeInvalidField, "token", "1"},
	{"over-long password", `{"type":"hello","id":"1","user":"anna","password":"` + strings.Repeat("p", MaxPasswordLength+1) + `"}`, CodeInvalidField, "password", "1"},
	{"over-long client", `{"type":"hello","id":"1","token":"t","client":"` + strings.Repeat("c", MaxClientLength+1) + `"}`, CodeInvalidField, "client", "1"},
	{"resume without seq", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1"}}`, CodeMissingField, "resume.seq", "1"},
	{"negative seq", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":-1}}`, CodeInvalidField, "resume.seq", "1"},
	{"fractional seq", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":1.5}}`, CodeInvalidField, "resume.seq", "1"},
	{"seq too big", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":18446744073709551616}}`, CodeInvalidField, "resume.seq", "1"},
	{"seq as string", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":"5"}}`, CodeInvalidField, "resume.seq", "1"},
	{"nested unknown field", `{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":1,"x":0}}`, CodeInvalidField, "resume.x", "1"},
	{"resume not an object", `{"type":"hello","id":"1","token":"t","resume":[]}`, CodeInvalidField, "resume", "1"},

	// Server messages.
	{"welcome missing limits", `{"type":"welcome","id":"1","user":"anna","session":"s1","epoch":"e1","seq":0,"resumed":false,"devices":[],"calls":[],"capabilities":[],"exchange":{"available":true}}`, CodeMissingField, "limits", "1"},
	{"welcome null devices", `{"type":"welcome",` + okWelcome + `,"capabilities":[],"devices":null,"calls":[]}`, CodeInvalidField, "devices", "1"},
	{"welcome negative limit", `{"type":"welcome","id":"1","user":"anna","session":"s1","epoch":"e1","seq":0,"resumed":false,"devices":[],"calls":[],"capabilities":[],"exchange":{"available":true},"limits":{"max_message_bytes":65536,"commands_per_second":20,"ping_seconds":-30}}`, CodeInvalidField, "limits.ping_seconds", "1"},
	{"welcome unknown capability", `{"type":"welcome",` + okWelcome + `,"devices":[],"calls":[],"capabilities":["answer","fax"]}`, CodeInvalidField, "capabilities[1]", "1"},
	{"welcome resumed with calls", `{"type":"welcome",` + strings.Replace(okWelcome, `"resumed":false`, `"resumed":true`, 1) + `,"capabilities":[],"devices":[],"calls":[{"call":"c1","device":"201","state":"held","other":{"number":""},"since":"2026-03-02T09:15:04Z","answered":true}]}`, CodeInvalidField, "calls", "1"},
	{"welcome token without expiry", `{"type":"welcome",` + okWelcome + `,"capabilities":[],"devices":[],"calls":[],"token":"abc"}`, CodeMissingField, "token_expires", "1"},
	{"welcome bad call state", `{"type":"welcome",` + okWelcome + `,"capabilities":[],"devices":[],"calls":[{"call":"c1","device":"201","state":"ringing","other":{"number":""},"since":"2026-03-02T09:15:04Z","answered":false}]}`, CodeInvalidField, "calls[0].state", "1"},
	{"welcome mistyped number", `{"type":"welcome",` + okWelcome + `,"capabilities":[],"devices":[],"calls":[{"call":"c1","device":"201","state":"alerting","other":{"number":49},"since":"2026-03-02T09:15:04Z","answered":false}]}`, CodeInvalidField, "calls[0].other.number", "1"},
	{"welcome device missing registered", `{"type":"welcome",` + okWelcome + `,"capabilities":[],"calls":[],"devices":[{"device":"201","dnd":false},{"device":"202"}]}`, CodeMissingField, "devices[0].registered", "1"},
	{"result seq without epoch", `{"type":"result","id":"1","seq":4}`, CodeMissingField, "epoch", "1"},
	{"result token without expiry", `{"type":"result","id":"1","token":"abc"}`, CodeMissingField, "expires", "1"},
	{"error unknown code", `{"type":"error","id":"1","code":"oops","message":"x"}`, CodeInvalidField, "code", "1"},
	{"error without message", `{"type":"error","code":"internal"}`, CodeMissingField, "message", ""},

	// Events.
	{"event seq 0", `{"type":"device-state","seq":0,"time":"2026-03-02T09:15:04Z","device":"201","dnd":true,"forward_to":"","registered":true}`, CodeInvalidField, "seq", ""},
	{"event without time", `{"type":"exchange-state","seq":3,"available":true}`, CodeMissingField, "time", ""},
	{"event zero time", `{"type":"exchange-state","seq":3,"time":"0001-01-01T00:00:00Z","available":true}`, CodeInvalidField, "time", ""},
	{"event bad time", `{"type":"exchange-state","seq":3,"time":"02.03.2026 09:15","available":true}`, CodeInvalidField, "time", ""},
	{"event time as number", `{"type":"exchange-state","seq":3,"time":1772442904,"available":true}`, CodeInvalidField, "time", ""},
	{"cleared without cause", `{"type":"cleared",` + okEvent + `,"call":"c1","device":"201","state":"cleared"}`, CodeMissingField, "cause", ""},
	{"cleared unknown cause", `{"type":"cleared",` + okEvent + `,"call":"c1","device":"201","state":"cleared","cause":"hangup"}`, CodeInvalidField, "cause", ""},
	{"delivered without other", `{"type":"delivered",` + okEvent + `,"call":"c1","device":"201","state":"alerting"}`, CodeMissingField, "other", ""},
	{"delivered bad direction", `{"type":"delivered",` + okEvent + `,"call":"c1","device":"201","state":"alerting","direction":"in","other":{"number":"1"}}`, CodeInvalidField, "direction", ""},
	{"device-state without forward_to", `{"type":"device-state",` + okEvent + `,"device":"201","dnd":true,"registered":true}`, CodeMissingField, "forward_to", ""},
	{"event unknown field", `{"type":"held",` + okEvent + `,"call":"c1","device":"201","state":"held","by":"201","line":1}`, CodeInvalidField, "line", ""},
}

func TestDecodeRejects(t *testing.T) {
	for _, c := range rejectCases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode([]byte(c.frame))
			checkReject(t, m, err, c)
		})
	}
}

func checkReject(t *testing.T, m Message, err error, c rejectCase) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted %T %+v", m, m)
	}
	if m != nil {
		t.Errorf("returned a message with the error: %+v", m)
	}
	de, ok := errors.AsType[*DecodeError](err)
	if !ok {
		t.Fatalf("error is %T, want *DecodeError: %v", err, err)
	}
	if de.Code != c.code || de.Field != c.field || de.ID != c.id {
		t.Errorf("got code %q field %q id %q, want %q %q %q (%v)",
			de.Code, de.Field, de.ID, c.code, c.field, c.id, err)
	}
	if !strings.HasPrefix(err.Error(), "ctiproto: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
}

func TestDecodeTooLarge(t *testing.T) {
	pad := strings.Repeat(" ", DefaultMaxMessageBytes)
	request := `{"type":"ping","id":"1"` + pad + `}`
	t.Run("request", func(t *testing.T) {
		m, err := Decode([]byte(request))
		checkReject(t, m, err, rejectCase{code: CodeTooLarge, id: "1"})
	})
	t.Run("DecodeRequest", func(t *testing.T) {
		m, err := DecodeRequest([]byte(request), 0)
		checkReject(t, m, err, rejectCase{code: CodeTooLarge})
	})
	t.Run("configured limit", func(t *testing.T) {
		m, err := DecodeRequest([]byte(`{"type":"ping","id":"1"}`), 10)
		checkReject(t, m, err, rejectCase{code: CodeTooLarge})
		if _, err := DecodeRequest([]byte(request), 2*DefaultMaxMessageBytes); err != nil {
			t.Errorf("a frame within a configured limit was rejected: %v", err)
		}
	})
	t.Run("server message", func(t *testing.T) {
		result := `{"type":"result","id":"1"` + pad + `}`
		if _, err := Decode([]byte(result)); err != nil {
			t.Errorf("a %d byte result was rejected: %v", len(result), err)
		}
		huge := `{"type":"result","id":"1"` + strings.Repeat(" ", MaxServerMessageBytes) + `}`
		m, err := Decode([]byte(huge))
		checkReject(t, m, err, rejectCase{code: CodeTooLarge})
	})
}

func TestDecodeRequestRejectsServerTypes(t *testing.T) {
	for _, frame := range []string{
		`{"type":"welcome",` + okWelcome + `,"capabilities":[],"devices":[],"calls":[]}`,
		`{"type":"result","id":"1"}`,
		`{"type":"error","id":"1","code":"internal","message":"x"}`,
		`{"type":"exchange-state",` + okEvent + `,"available":true}`,
	} {
		if _, err := Decode([]byte(frame)); err != nil {
			t.Fatalf("Decode(%s): %v", frame, err)
		}
		m, err := DecodeRequest([]byte(frame), 0)
		id := "1"
		if strings.Contains(frame, `"exchange-state"`) {
			id = ""
		}
		checkReject(t, m, err, rejectCase{code: CodeUnknownType, field: "type", id: id})
	}
}

// TestDecodeAccepts covers frames that are odd but valid.
func TestDecodeAccepts(t *testing.T) {
	for _, frame := range []string{
		" \r\n\t{ \"type\" : \"ping\" , \"id\" : \"1\" }\n",
		`{"id":"1","type":"ping"}`,
		`{"type":"p\u0069ng","\u0069d":"1"}`,
		`{"type":"ping","id":"\u00e9\ud83d\ude00"}`,
		`{"type":"set-forwarding","id":"1","device":"201","to":""}`,
		`{"type":"hello","id":"1","user":"anna","password":"pw\u0000\t"}`,
		`{"type":"hello","id":"1","token":"t","resume":{"epoch":"e1","seq":18446744073709551615}}`,
		`{"type":"cleared","seq":1,"time":"2026-03-02T10:15:04.123456789+01:00","call":"c1","device":"201","state":"cleared","cause":"normal"}`,
		`{"type":"error","code":"bad-frame","message":""}`,
	} {
		if _, err := Decode([]byte(frame)); err != nil {
			t.Errorf("Decode(%s): %v", frame, err)
		}
	}
}

func TestDecodeErrorReply(t *testing.T) {
	_, err := Decode([]byte(`{"type":"make-call","id":"7","device":"201"}`))
	de, _ := errors.AsType[*DecodeError](err)
	if got, want := err.Error(), `ctiproto: make-call: missing field "to"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	r := de.Reply()
	want := Error{ID: "7", Code: CodeMissingField, Field: "to", Message: `make-call: missing field "to"`}
	if *r != want {
		t.Errorf("Reply() = %+v, want %+v", *r, want)
	}
	if _, err := Decode(mustEncode(t, r)); err != nil {
		t.Errorf("the reply does not decode: %v", err)
	}
	if got, want := r.Error(), `ctiproto: missing-field ("to"): make-call: missing field "to"`; got != want {
		t.Errorf("(*Error).Error() = %q, want %q", got, want)
	}
}

// TestDecodeFuzzFindings keeps what FuzzDecode found.
func TestDecodeFuzzFindings(t *testing.T) {
	for _, name := range []string{strings.Repeat("0", 1025), strings.Repeat("é", 100)} {
		// An unknown member with a long name: the error used to echo the
		// whole name as its field, making a reply too long to decode.
		_, err := Decode([]byte(`{"type":"established","` + name + `":""}`))
		de, ok := errors.AsType[*DecodeError](err)
		if !ok || de.Code != CodeInvalidField || len(de.Field) > MaxIDLength+len("…") {
			t.Fatalf("got %#v", err)
		}
		if _, err := Decode(mustEncode(t, de.Reply())); err != nil {
			t.Errorf("the reply does not decode: %v", err)
		}
	}
}
