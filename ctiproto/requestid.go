package ctiproto

// requestIDPtr returns a pointer to the id of a request; nil for messages
// that are not requests.
func requestIDPtr(m Message) *string {
	switch m := m.(type) {
	case *Hello:
		return &m.ID
	case *MakeCall:
		return &m.ID
	case *CallCommand:
		return &m.ID
	case *Redirect:
		return &m.ID
	case *SetDND:
		return &m.ID
	case *SetForwarding:
		return &m.ID
	case *Simple:
		return &m.ID
	case *RevokeToken:
		return &m.ID
	case *Watch:
		return &m.ID
	case *SetNote:
		return &m.ID
	case *Pickup: // the switchboard (switchboard.go)
		return &m.ID
	case *Park:
		return &m.ID
	case *Unpark:
		return &m.ID
	case *Search: // the directory (directory.go)
		return &m.ID
	case *Lookup:
		return &m.ID
	case *GetPhoto:
		return &m.ID
	}
	return nil
}

// RequestID is the id of a client request, "" for other messages.
func RequestID(m Message) string {
	if p := requestIDPtr(m); p != nil {
		return *p
	}
	return ""
}

// SetRequestID gives a client request its id; other messages are left
// alone.
func SetRequestID(m Message, id string) {
	if p := requestIDPtr(m); p != nil {
		*p = id
	}
}
