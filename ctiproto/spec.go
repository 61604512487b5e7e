package ctiproto

import "reflect"

// kind says who sends a message type.
type kind int

const (
	request kind = iota // client → server
	reply               // server → client: welcome, result, error
	event               // server → client: an Event
)

// spec is what the codec knows about one message type. The table below is
// the whole per-type knowledge of the decoder; everything else is generic.
type spec struct {
	typ   string
	kind  kind
	new   func() Message
	extra []string // required members beyond the struct's own
	// optional, if set, lists the only members beyond the required ones
	// that this type may carry: the Event struct serves every event type,
	// and each type defines only some of its members (schema.json).
	optional []string
	text     map[string]textRule // rules for top-level members that differ from textRules
	check    func(Message) *DecodeError

	// Derived from the struct at init.
	goType   reflect.Type
	info     *structInfo
	required uint64 // bit i: info.fields[i] is required for this type
	allowed  uint64 // bit i: info.fields[i] may appear in this type
}

// A field is required when its tag lacks omitempty: Encode always writes
// it, so Decode insists on it. extra adds what a type needs beyond that.
var specList = []*spec{
	{typ: TypeHello, kind: request, new: func() Message { return new(Hello) }, check: checkHello},
	{typ: TypeMakeCall, kind: request, new: func() Message { return new(MakeCall) }},
	{typ: TypeAnswer, kind: request, new: newCallCommand},
	{typ: TypeClear, kind: request, new: newCallCommand},
	{typ: TypeHold, kind: request, new: newCallCommand},
	{typ: TypeRetrieve, kind: request, new: newCallCommand},
	{typ: TypeTransfer, kind: request, new: newRedirect},
	{typ: TypeDeflect, kind: request, new: newRedirect},
	{typ: TypeSetDND, kind: request, new: func() Message { return new(SetDND) }},
	{typ: TypeSetForwarding, kind: request, new: func() Message { return new(SetForwarding) },
		text: map[string]textRule{"to": numberOrEmpty}}, // "" turns forwarding off
	{typ: TypeSnapshot, kind: request, new: newSimple},
	{typ: TypePing, kind: request, new: newSimple},
	{typ: TypeRefreshToken, kind: request, new: newSimple},
	{typ: TypeRevokeToken, kind: request, new: func() Message { return new(RevokeToken) }},
	// A device id in the list follows the rule of "device".
	{typ: TypeWatch, kind: request, new: func() Message { return new(Watch) },
		text: map[string]textRule{"devices": fieldRule}, check: checkWatch},
	{typ: TypeUnwatch, kind: request, new: newSimple},
	{typ: TypeSetNote, kind: request, new: func() Message { return new(SetNote) },
		text: map[string]textRule{"note": noteRule}},

	{typ: TypeWelcome, kind: reply, new: func() Message { return new(Welcome) }, check: checkWelcome},
	{typ: TypeResult, kind: reply, new: func() Message { return new(Result) }, check: checkResult},
	{typ: TypeError, kind: reply, new: func() Message { return new(Error) }},
	{typ: TypePresenceList, kind: reply, new: func() Message { return new(PresenceList) }, check: checkPresenceList},

	callEvent(EventInitiated, []string{"other"}),
	callEvent(EventDelivered, []string{"other"}),
	callEvent(EventOriginated, []string{"other"}),
	callEvent(EventEstablished, []string{"answered_by"}),
	callEvent(EventHeld, []string{"by"}),
	callEvent(EventRetrieved, []string{"by"}),
	// No cause: the type says why the connection changed.
	callEvent(EventTransferred, []string{"new_call", "to"}, "by"),
	// No to when the call went nowhere: do-not-disturb refused it.
	callEvent(EventDiverted, []string{"cause"}, "to"),
	callEvent(EventCleared, []string{"cause"}),
	callEvent(EventFailed, []string{"cause"}),
	{typ: EventDeviceState, kind: event, new: newEvent, check: checkEvent,
		extra: []string{"device", "dnd", "forward_to", "registered"}, optional: []string{"capabilities"}},
	{typ: EventExchangeState, kind: event, new: newEvent, check: checkEvent,
		extra: []string{"available"}, optional: []string{"reason"}},
	{typ: EventPresence, kind: event, new: newEvent, check: checkEvent,
		extra: []string{"presence"}, optional: []string{}},
	// An empty note removes it: the member is then absent.
	{typ: EventNote, kind: event, new: newEvent, check: checkEvent,
		extra: []string{"call", "device"}, optional: []string{"note"}},
}

// callEvent is the spec of an event about a connection: it names the call,
// the device and the device's state, and what else the event needs;
// direction, other and queue where known, and optional others.
func callEvent(typ string, required []string, optional ...string) *spec {
	return &spec{typ: typ, kind: event, new: newEvent, check: checkEvent,
		extra:    append([]string{"call", "device", "state"}, required...),
		optional: append([]string{"direction", "other", "queue", "note"}, optional...)}
}

func newCallCommand() Message { return new(CallCommand) }
func newRedirect() Message    { return new(Redirect) }
func newSimple() Message      { return new(Simple) }
func newEvent() Message       { return new(Event) }

// specs maps a message type to its spec.
var specs = map[string]*spec{}

func init() {
	// The switchboard (issue 15): switchboard.go.
	specList = append(specList, switchboardSpecs()...)
	// Queues for watchers (issue 15 item 6): queues.go.
	specList = append(specList, queueSpecs()...)
	// The company directory (issue 17): directory.go.
	specList = append(specList, directorySpecs()...)
	buildSpecs()
}

func buildSpecs() {
	for _, s := range specList {
		s.goType = reflect.TypeOf(s.new())
		s.info = infoOf(s.goType.Elem())
		s.required = s.info.required | s.bits(s.extra)
		s.allowed = 1<<len(s.info.fields) - 1
		if s.optional != nil {
			s.allowed = s.required | s.bits(s.optional)
		}
		specs[s.typ] = s
	}
}

// bits returns the mask of the named members of s's struct.
func (s *spec) bits(names []string) uint64 {
	var m uint64
	for _, name := range names {
		i, ok := s.info.index[name]
		if !ok {
			panic("ctiproto: spec of " + s.typ + " names unknown field " + name)
		}
		m |= 1 << i
	}
	return m
}

// IsRequest reports whether typ is a client → server message type.
func IsRequest(typ string) bool { return kindOf(typ) == request }

// IsEvent reports whether typ is an event type.
func IsEvent(typ string) bool { return kindOf(typ) == event }

// RequestTypes lists the client → server message types.
func RequestTypes() []string { return typesOf(request) }

// EventTypes lists the event types.
func EventTypes() []string { return typesOf(event) }

func kindOf(typ string) kind {
	if s := specs[typ]; s != nil {
		return s.kind
	}
	return -1
}

func typesOf(k kind) []string {
	var ts []string
	for _, s := range specList {
		if s.kind == k {
			ts = append(ts, s.typ)
		}
	}
	return ts
}
