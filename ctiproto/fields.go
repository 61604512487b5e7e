package ctiproto

import (
	"reflect"
	"strings"
	"time"
)

// field is one JSON member of a message struct.
type field struct {
	name     string // the member name from the json tag
	index    int    // the Go field's index in its struct
	required bool   // the tag lacks omitempty
}

// structInfo lists the members of a struct type used on the wire.
type structInfo struct {
	fields   []field
	index    map[string]int // member name → position in fields
	required uint64         // bit i: fields[i] is required
	hasType  bool           // the struct has a "type" member of its own
}

var (
	// infos is filled during init, from the spec table, and only read
	// afterwards, so the decoder needs no lock.
	infos    = map[reflect.Type]*structInfo{}
	timeType = reflect.TypeFor[time.Time]()
)

// infoOf returns the members of struct type t, building them (and those of
// the structs inside t) on first use. It panics on a field kind the
// decoder cannot handle, so a change to messages.go fails at init, loudly.
func infoOf(t reflect.Type) *structInfo {
	if si := infos[t]; si != nil {
		return si
	}
	si := &structInfo{index: map[string]int{}}
	infos[t] = si
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" || len(si.fields) == 64 {
			panic("ctiproto: field " + t.String() + "." + sf.Name + " cannot be decoded")
		}
		required := !strings.Contains(","+opts+",", ",omitempty,")
		if required {
			si.required |= 1 << len(si.fields)
		}
		si.index[name] = len(si.fields)
		si.fields = append(si.fields, field{name: name, index: i, required: required})
		si.hasType = si.hasType || name == "type"
		checkKind(t, sf)
	}
	return si
}

// checkKind makes sure the decoder handles the field's type, and builds the
// info of the structs it holds.
func checkKind(t reflect.Type, sf reflect.StructField) {
	ft := sf.Type
	for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
		ft = ft.Elem()
	}
	switch {
	case ft == timeType:
	case ft.Kind() == reflect.Struct:
		infoOf(ft)
	case ft.Kind() == reflect.String, ft.Kind() == reflect.Bool,
		ft.Kind() == reflect.Uint64, ft.Kind() == reflect.Int:
	default:
		panic("ctiproto: field " + t.String() + "." + sf.Name + " has a type the decoder does not handle")
	}
}
