package ctiproto

import (
	"bytes"
	"strings"
	"testing"
)

// The directory's limits are enforced by the decoder, with the field named.
func TestDirectoryLimits(t *testing.T) {
	long := strings.Repeat("a", MaxQueryLength+1)
	manyNumbers := aContact
	manyNumbers.Numbers = make([]ContactNumber, MaxContactNumbers+1)
	for i := range manyNumbers.Numbers {
		manyNumbers.Numbers[i] = ContactNumber{Number: "201", Display: "201"}
	}
	tooMany := make([]Contact, MaxSearchLimit+1)
	for i := range tooMany {
		tooMany[i] = Contact{ID: "B/1", Book: "B", Name: "N"}
	}
	for _, c := range []struct {
		frame, field string
	}{
		{`{"type":"search","id":"1","query":"` + long + `"}`, "query"},
		{`{"type":"search","id":"1","query":"a","limit":51}`, "limit"},
		{`{"type":"search","id":"1","query":"a\u0007"}`, "query"},
		{`{"type":"get-photo","id":"1","photo":""}`, "photo"},
		{`{"type":"get-photo","id":"1","photo":"` + strings.Repeat("p", MaxRefLength+1) + `"}`, "photo"},
		{`{"type":"lookup","id":"1"}`, "number"},
		{string(mustEncode(t, &Result{ID: "1", Contacts: tooMany})), "contacts"},
		{string(mustEncode(t, &Result{ID: "1", Contacts: []Contact{manyNumbers}})), "contacts[0].numbers"},
		{`{"type":"result","id":"1","image":{"media_type":"image/png","data":"` + strings.Repeat("A", maxPhotoData+4) + `"}}`, "image.data"},
	} {
		_, err := Decode([]byte(c.frame))
		de, ok := err.(*DecodeError)
		if !ok || de.Field != c.field {
			t.Errorf("%.80s: got %v, want an error on %q", c.frame, err, c.field)
		}
	}
	// A contact's id is a reference, longer than a request id may be.
	id := strings.Repeat("x", MaxIDLength+10)
	m, err := Decode(mustEncode(t, &Result{ID: "1", Contacts: []Contact{{ID: id, Book: "B", Name: "N"}}}))
	if err != nil || m.(*Result).Contacts[0].ID != id {
		t.Errorf("long contact id: %v", err)
	}
	if _, err := Decode([]byte(`{"type":"search","id":"` + id + `","query":"a"}`)); err == nil {
		t.Error("a long request id passes as a contact id would")
	}
}

// A v1 connection gets no directory member: not the welcome's books, not
// a party's contact, at any depth; the requests have no v1 form.
func TestV1FormLeavesOutDirectory(t *testing.T) {
	contact := &Contact{ID: "Customers/jane", Book: "Customers", Name: "Jane Doe"}
	other := &Party{Number: "+49 30 1234567", Contact: contact}
	call := aCall
	call.Other = *other
	for _, m := range []Message{
		&Welcome{ID: "1", User: "anna", Session: "s", Epoch: "e", Seq: 1, Calls: []Call{call}, Directory: []string{"Staff"}},
		&Result{ID: "2", Epoch: "e", Seq: ptr(uint64(1)), Calls: []Call{call}},
		&Result{ID: "3", Contacts: []Contact{aContact}, Image: &Image{MediaType: "image/png", Data: "AA=="}},
		&Event{Type: EventDelivered, Seq: 2, Time: t0, Call: "c-1", Device: "201", State: StateAlerting, Other: other},
	} {
		b, err := EncodeFor(SubprotocolV1, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, member := range []string{`"contact`, `"directory"`, `"image"`} {
			if bytes.Contains(b, []byte(member)) {
				t.Errorf("v1 %s has %s: %s", m.MessageType(), member, b)
			}
		}
		if !HasV2Members(m) {
			t.Errorf("%s: HasV2Members false", m.MessageType())
		}
	}
	if other.Contact != contact || call.Other.Contact == nil {
		t.Error("EncodeFor changed the message")
	}
	for _, m := range []Message{&Search{ID: "1"}, &Lookup{ID: "1"}, &GetPhoto{ID: "1", Photo: "p"}} {
		if b, err := EncodeFor(SubprotocolV1, m); err == nil {
			t.Errorf("v1 %s: %s", m.MessageType(), b)
		}
	}
}
