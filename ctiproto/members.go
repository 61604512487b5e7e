package ctiproto

import "reflect"

// Trim clears the members ev's type does not define (schema.json), so that
// a sender that copies every member it has, whatever the type, still sends
// an event a strict client accepts. An unknown type is left alone.
func (ev *Event) Trim() {
	s := specs[ev.Type]
	if s == nil || s.kind != event {
		return
	}
	v := reflect.ValueOf(ev).Elem()
	for i, f := range s.info.fields {
		if s.allowed&(1<<i) == 0 {
			v.Field(f.index).SetZero()
		}
	}
}
