package ctiproto

import "fmt"

// Checks across the fields of one message, run after it decoded. Checks of
// single fields are in rules.go and walk.go.

// checkHello insists on exactly one way to log in.
func checkHello(m Message) *DecodeError {
	h := m.(*Hello)
	password := h.User != "" || h.Password != ""
	switch {
	case h.Token != "" && password:
		return invalidField("token", "a hello carries a token or a user and password, not both")
	case h.Token != "":
		return nil
	case !password:
		return missingField("token", "a hello needs a token, or a user and a password")
	case h.User == "":
		return missingField("user", "")
	case h.Password == "":
		return missingField("password", "")
	}
	return nil
}

func checkWelcome(m Message) *DecodeError {
	w := m.(*Welcome)
	switch {
	case w.Resumed && w.Resync != "":
		return invalidField("resync", "must be absent when resumed")
	case w.Resumed && len(w.Devices) > 0:
		return invalidField("devices", "must be empty when resumed")
	case w.Resumed && len(w.Calls) > 0:
		return invalidField("calls", "must be empty when resumed")
	case w.Resumed && len(w.Presence) > 0:
		return invalidField("presence", "must be absent when resumed")
	case w.PresenceParts < 0:
		return invalidField("presence_parts", "must not be negative")
	}
	return pair("token", w.Token != "", "token_expires", w.TokenExpires != nil)
}

func checkResult(m Message) *DecodeError {
	r := m.(*Result)
	if err := pair("token", r.Token != "", "expires", r.Expires != nil); err != nil {
		return err
	}
	switch {
	case r.PresenceParts < 0:
		return invalidField("presence_parts", "must not be negative")
	}
	if err := checkContacts(r.Contacts); err != nil {
		return err
	}
	return pair("epoch", r.Epoch != "", "seq", r.Seq != nil)
}

// checkWatch insists that a list, when given, names something: an empty
// list is a client's mistake, not a request to watch everything.
func checkWatch(m Message) *DecodeError {
	w := m.(*Watch)
	if w.Devices != nil && len(w.Devices) == 0 {
		return invalidField("devices", "must not be empty: leave it out to watch every device you may")
	}
	if len(w.Devices) > MaxWatchDevices {
		return invalidField("devices", fmt.Sprintf("too many: %d devices, max %d", len(w.Devices), MaxWatchDevices))
	}
	return nil
}

// checkPresenceList insists on a part number and a list that says something.
func checkPresenceList(m Message) *DecodeError {
	l := m.(*PresenceList)
	switch {
	case l.Part < 1:
		return invalidField("part", "must be at least 1")
	case len(l.Presence) == 0:
		return invalidField("presence", "must not be empty")
	}
	return nil
}

func checkEvent(m Message) *DecodeError {
	if m.(*Event).Seq == 0 {
		return invalidField("seq", "must be at least 1")
	}
	return nil
}

// pair insists that fields a and b come together or not at all.
func pair(a string, hasA bool, b string, hasB bool) *DecodeError {
	switch {
	case hasA && !hasB:
		return missingField(b, fmt.Sprintf("%q comes with %q", b, a))
	case hasB && !hasA:
		return missingField(a, fmt.Sprintf("%q comes with %q", a, b))
	}
	return nil
}

// missingField reports an absent field; why may add a reason.
func missingField(name, why string) *DecodeError {
	msg := fmt.Sprintf("missing field %q", name)
	if why != "" {
		msg += ": " + why
	}
	return &DecodeError{Code: CodeMissingField, Field: name, Msg: msg}
}

// invalidField reports a field whose value is wrong.
func invalidField(name, problem string) *DecodeError {
	return &DecodeError{Code: CodeInvalidField, Field: name,
		Msg: fmt.Sprintf("field %q: %s", name, problem)}
}
