package ctiproto_test

import (
	"errors"
	"fmt"

	"github.com/deskline/deskline/ctiproto"
)

// A client asks the server to ring its own phone and then dial a number
// (click-to-dial): the message goes out as one JSON text frame.
func ExampleEncode() {
	frame, err := ctiproto.Encode(&ctiproto.MakeCall{ID: "r1", Device: "201", To: "+49 30 1234567"})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(frame))
	// Output:
	// {"type":"make-call","id":"r1","device":"201","to":"+49 30 1234567"}
}

// Decode reads a frame into its typed message.
func ExampleDecode() {
	m, err := ctiproto.Decode([]byte(`{"type":"make-call","id":"r1","device":"201","to":"+49 30 1234567"}`))
	if err != nil {
		panic(err)
	}
	switch m := m.(type) {
	case *ctiproto.MakeCall:
		fmt.Printf("%s: ring %s, then dial %s\n", m.ID, m.Device, m.To)
	}
	// Output:
	// r1: ring 201, then dial +49 30 1234567
}

// Decode is strict: what is wrong comes back as a *DecodeError naming
// the request, the field and the error code to answer with.
func ExampleDecode_error() {
	_, err := ctiproto.Decode([]byte(`{"type":"make-call","id":"r2","device":"201"}`))
	var de *ctiproto.DecodeError
	if errors.As(err, &de) {
		fmt.Printf("id=%s type=%s field=%s code=%s\n", de.ID, de.Type, de.Field, de.Code)
	}
	// Output:
	// id=r2 type=make-call field=to code=missing-field
}
