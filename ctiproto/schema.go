package ctiproto

import (
	"encoding/json"
	"reflect"
	"slices"
)

// The member table of every message type, as schema.json publishes it for
// implementers in other languages. It is built from the spec table and the
// Go types, the same knowledge Decode uses, so it cannot drift from the
// decoder; TestSchemaFile keeps the published file equal to it.

// schemaDoc is the whole of schema.json.
type schemaDoc struct {
	Protocol string                   `json:"protocol"`
	About    string                   `json:"about"`
	Messages map[string]schemaMessage `json:"messages"`
	Objects  map[string]schemaObject  `json:"objects"`
}

// schemaMessage is one message type: who sends it and its members.
type schemaMessage struct {
	Direction string                  `json:"direction"`
	Members   map[string]schemaMember `json:"members"`
	Since     string                  `json:"since,omitempty"` // the version that added the type; absent: v1
}

// schemaObject is a JSON object nested in messages (a device, a call, …).
type schemaObject struct {
	Members map[string]schemaMember `json:"members"`
	Since   string                  `json:"since,omitempty"` // the version that added the object; absent: v1
}

// schemaMember is one member: its JSON type, whether it must be present,
// and the closed set of its values where there is one.
type schemaMember struct {
	Type     string   `json:"type"`            // string, boolean, integer, time, array, or an object's name
	Items    string   `json:"items,omitempty"` // the element type of an array
	Required bool     `json:"required"`
	Values   []string `json:"values,omitempty"`
	Since    string   `json:"since,omitempty"` // the version that added it; absent: v1
}

// objectNames names the nested struct types in schema.json.
var objectNames = map[reflect.Type]string{
	reflect.TypeFor[Resume]():         "resume",
	reflect.TypeFor[Party]():          "party",
	reflect.TypeFor[Device]():         "device",
	reflect.TypeFor[Call]():           "call",
	reflect.TypeFor[ExchangeStatus](): "exchange",
	reflect.TypeFor[Limits]():         "limits",
	reflect.TypeFor[Presence]():       "presence",
	reflect.TypeFor[Parked]():         "parked",
	reflect.TypeFor[QueueState]():     "queue_state",
	reflect.TypeFor[QueueMember]():    "queue_member",
	reflect.TypeFor[QueueCaller]():    "queue_caller",
	reflect.TypeFor[Contact]():        "contact",
	reflect.TypeFor[ContactNumber]():  "contact_number",
	reflect.TypeFor[Image]():          "image",
}

// v2Objects are the nested objects deskline.v2 added, whole.
var v2Objects = []string{"presence", "parked", "queue_state", "queue_member", "queue_caller",
	"contact", "contact_number", "image"}

// since marks a member deskline.v2 added.
func since(m schemaMember, name string) schemaMember {
	if slices.Contains(V2Members, name) {
		m.Since = SubprotocolV2
	}
	return m
}

var directionNames = map[kind]string{request: "client → server", reply: "server → client", event: "server → client"}

// Schema returns schema.json: the members of every message type.
func Schema() ([]byte, error) {
	doc := schemaDoc{
		Protocol: Subprotocol,
		About: "Members of every deskline.v2 message type, generated from the Go types " +
			"(ctiproto.Schema). A member not listed for a type is an error (PROTOCOL.md section 13). " +
			"Members, types and objects with since deskline.v2 are not sent on a deskline.v1 connection. " +
			"Lengths and the other rules are in PROTOCOL.md.",
		Messages: map[string]schemaMessage{},
		Objects:  map[string]schemaObject{},
	}
	for _, s := range specList {
		members := map[string]schemaMember{"type": {Type: "string", Required: true, Values: []string{s.typ}}}
		for i, f := range s.info.fields {
			if s.allowed&(1<<i) != 0 && f.name != "type" {
				members[f.name] = since(memberOf(s.goType.Elem().Field(f.index).Type, f.name, s.required&(1<<i) != 0, s.text), f.name)
			}
		}
		msg := schemaMessage{Direction: directionNames[s.kind], Members: members}
		if IsV2Type(s.typ) {
			msg.Since = SubprotocolV2
		}
		doc.Messages[s.typ] = msg
	}
	for t, name := range objectNames {
		members := map[string]schemaMember{}
		for _, f := range infos[t].fields {
			members[f.name] = since(memberOf(t.Field(f.index).Type, f.name, f.required, nil), f.name)
		}
		o := schemaObject{Members: members}
		if slices.Contains(v2Objects, name) {
			o.Since = SubprotocolV2
		}
		doc.Objects[name] = o
	}
	return json.MarshalIndent(doc, "", "  ")
}

// memberOf describes one member of Go type t.
func memberOf(t reflect.Type, name string, required bool, text map[string]textRule) schemaMember {
	m := schemaMember{Type: jsonType(t), Required: required}
	if m.Type == "array" {
		m.Items = jsonType(t.Elem())
	}
	rule, ok := text[name]
	if !ok {
		rule = textRules[name]
	}
	for v := range rule.values {
		m.Values = append(m.Values, v)
	}
	slices.Sort(m.Values)
	return m
}

// jsonType names the JSON type of Go type t.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "time"
	case t.Kind() == reflect.Slice:
		return "array"
	case t.Kind() == reflect.Struct:
		return objectNames[t]
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() == reflect.Int, t.Kind() == reflect.Uint64:
		return "integer"
	}
	return "string"
}
