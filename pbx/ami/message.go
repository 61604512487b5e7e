// Package ami connects Deskline to Asterisk (and the PBXs built on it:
// FreePBX, Issabel, VitalPBX…) through the Asterisk Manager Interface. It
// implements pbx.Exchange: it logs in, follows Asterisk's channel events
// and maps them onto Deskline's call model, and drives calls through AMI
// actions (Originate, Hangup, Redirect…).
//
// The wire format lives in this file and codec.go: a Message is an ordered
// list of "Key: Value" fields; NewDecoder(r).Decode() reads one,
// NewEncoder(w).Encode(m) writes one.
package ami

import "strings"

// Wire names of the fields Deskline reads and writes.
const (
	KeyAction    = "Action"
	KeyActionID  = "ActionID"
	KeyEvent     = "Event"
	KeyResponse  = "Response"
	KeyMessage   = "Message"
	KeyEventList = "EventList"
)

// Field is one "Key: Value" line.
type Field struct {
	Key, Value string
}

// Message is one AMI packet: an action, a response or an event. Keys may
// repeat (Originate's Variable); Get returns the first.
type Message struct {
	Fields []Field
}

// NewAction starts an action message; kv are alternating keys and values.
func NewAction(action string, kv ...string) Message {
	m := Message{Fields: make([]Field, 0, 2+len(kv)/2)}
	m.Add(KeyAction, action)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Add(kv[i], kv[i+1])
	}
	return m
}

// Add appends a field.
func (m *Message) Add(key, value string) {
	m.Fields = append(m.Fields, Field{key, value})
}

// Set replaces the first field named key, or appends it.
func (m *Message) Set(key, value string) {
	for i, f := range m.Fields {
		if strings.EqualFold(f.Key, key) {
			m.Fields[i].Value = value
			return
		}
	}
	m.Add(key, value)
}

// Get returns the value of the first field named key (case-insensitive,
// as Asterisk treats keys); "" when absent.
func (m Message) Get(key string) string {
	v, _ := m.Lookup(key)
	return v
}

// Lookup is Get that also says whether the field is present.
func (m Message) Lookup(key string) (string, bool) {
	for _, f := range m.Fields {
		if len(f.Key) == len(key) && strings.EqualFold(f.Key, key) {
			return f.Value, true
		}
	}
	return "", false
}

// Event is the event name, "" for actions and responses.
func (m Message) Event() string { return m.Get(KeyEvent) }

// Response is the response status ("Success", "Error", "Goodbye"…), "" for events.
func (m Message) Response() string { return m.Get(KeyResponse) }

// ActionID is the id a response or list event answers.
func (m Message) ActionID() string { return m.Get(KeyActionID) }

// size is the message's length on the wire, near enough.
func (m Message) size() int {
	n := 2
	for _, f := range m.Fields {
		n += len(f.Key) + len(f.Value) + 4
	}
	return n
}

// String renders the message on one line for logs: "Event=Hangup Channel=…".
// Secrets are masked.
func (m Message) String() string {
	var b strings.Builder
	for i, f := range m.Fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Key)
		b.WriteByte('=')
		if strings.EqualFold(f.Key, "Secret") || strings.EqualFold(f.Key, "Key") {
			b.WriteString("***")
			continue
		}
		b.WriteString(f.Value)
	}
	return b.String()
}
