package sim

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultNoAnswerTimeout is how long a connection may ring before the
	// exchange gives up with cause no-answer: 30s is what most PBXs use
	// before voicemail or a busy tone takes over.
	DefaultNoAnswerTimeout = 30 * time.Second
	// DefaultParkTime is how long a call waits in a park slot before it
	// rings back the device that parked it: 45s, Asterisk's parkingtime
	// default (res_parking.conf), long enough to walk to another phone,
	// short enough that a forgotten caller is not left in silence.
	DefaultParkTime = 45 * time.Second
	// DefaultExternalAnswerAfter is how soon an external number answers when
	// Config.External is left zero: long enough to see it ring in a demo,
	// short enough that click-to-dial to the outside "just works".
	DefaultExternalAnswerAfter = 2 * time.Second
)

// maxForwardHops bounds a chain of forwarding (201→202→203…). Real
// exchanges cap it too; past it, or on a loop, the call fails with cause
// failed instead of ringing in circles.
const maxForwardHops = 8

// Behaviour says how the person (or far end) behind a device or an external
// number reacts to calls. The zero value is a person who answers only when
// told to (Answer) and otherwise lets it ring until the no-answer timeout.
// When several fields are set, Busy wins over Reject, Reject over
// NeverAnswer, NeverAnswer over AnswerAfter.
type Behaviour struct {
	// AnswerAfter > 0: an incoming call ringing here is answered
	// automatically after this long (a human who picks up). 0: only via
	// Answer.
	AnswerAfter time.Duration
	// PickUpAfter > 0: when click-to-dial rings this device first (state
	// initiated) it is picked up after this long, which starts the call.
	// 0: only via Answer. Devices only; it ignores NeverAnswer.
	PickUpAfter time.Duration
	// Busy: every call to it fails at once with cause busy.
	Busy bool
	// NeverAnswer: incoming calls ring until the no-answer timeout
	// (AnswerAfter is ignored; Answer still works).
	NeverAnswer bool
	// Reject: every incoming call is refused at once with cause rejected;
	// the device itself never rings.
	Reject bool
}

// answerAfter is the auto-answer delay in effect, 0 for none.
func (b Behaviour) answerAfter() time.Duration {
	if b.Busy || b.Reject || b.NeverAnswer {
		return 0
	}
	return b.AnswerAfter
}

// refusal is the cause with which b refuses a call at once, none if it rings.
func (b Behaviour) refusal() pbx.Cause {
	switch {
	case b.Busy:
		return pbx.CauseBusy
	case b.Reject:
		return pbx.CauseRejected
	}
	return pbx.CauseNone
}

func (b Behaviour) check(what string) error {
	if b.AnswerAfter < 0 || b.PickUpAfter < 0 {
		return fmt.Errorf("sim: %s: negative AnswerAfter or PickUpAfter", what)
	}
	return nil
}

// DeviceConfig is one extension of the exchange.
type DeviceConfig struct {
	// ID is the extension number, e.g. "201": required, digits only,
	// unique among devices and groups. It is what others dial.
	ID string
	// Name is the display name (caller-id name) others see, e.g.
	// "Reception". Default: none.
	Name string
	// Behaviour is how the person at the device reacts. Default: the zero
	// Behaviour (answers only via Answer). Change it live with
	// Exchange.SetBehaviour.
	Behaviour Behaviour
	// Services, if set, are the only services the device's phone can do
	// (pbx.DeviceInfo.Services: a phone that cannot be answered from the
	// desk, as on Asterisk); the exchange refuses the others with
	// pbx.ErrNotSupported. Default: nil, every service.
	Services []pbx.Service
}

// Group is a ring group: a call to Number alerts every member that can
// ring at once; the first to answer wins.
type Group struct {
	// Number is what callers dial: required, digits only, unique among
	// devices and groups.
	Number string
	// Name is the group's display name, e.g. "Sales". Default: none.
	Name string
	// Members are device IDs; at least one, each configured, no repeats.
	Members []string
}

// Config describes a simulated exchange. Every device starts registered
// with do-not-disturb and forwarding off.
type Config struct {
	// Devices are the extensions. Default: none.
	Devices []DeviceConfig
	// Groups are the ring groups. Default: none.
	Groups []Group
	// External is how external numbers (anything that is not an extension
	// or group) behave. Default, when left zero: AnswerAfter
	// DefaultExternalAnswerAfter, so click-to-dial to the outside connects
	// by itself. Set NeverAnswer for external numbers that only answer via
	// Answer(call, number).
	External Behaviour
	// Externals overrides External per number. The key is the number in
	// its dialled form with digits and a leading + only (no spaces), e.g.
	// "+49301234567" or "0301234567". A zero value is taken as is.
	// Default: none.
	Externals map[string]Behaviour
	// NoAnswerTimeout is how long a connection rings (including the
	// click-to-dial ring of the own device) before every connection of the
	// call is cleared with cause no-answer. Default DefaultNoAnswerTimeout.
	NoAnswerTimeout time.Duration
	// Clock drives every timer. Default: the real clock. Tests pass a
	// ManualClock so that timeouts and auto-answers happen exactly when
	// they Advance it.
	Clock Clock
	// SequentialIDs numbers calls c-000001, c-000002, … for tests that
	// name calls. Default false: each call id is random (callIDRandom),
	// so an id tells nobody how many calls the exchange carried nor which
	// ids other desks have.
	SequentialIDs bool
	// ParkSlots are the numbers of the park slots (e.g. "701", "702"):
	// digits, unique among themselves, devices and groups. Default: none,
	// and then the exchange cannot park (Capabilities leaves park and
	// unpark out).
	ParkSlots []string
	// ParkTime is how long a call stays parked before it rings back the
	// device that parked it (recall). Default DefaultParkTime.
	ParkTime time.Duration
}

// withDefaults returns cfg with its zero fields filled in.
func (cfg Config) withDefaults() Config {
	if cfg.External == (Behaviour{}) {
		cfg.External = Behaviour{AnswerAfter: DefaultExternalAnswerAfter}
	}
	if cfg.NoAnswerTimeout == 0 {
		cfg.NoAnswerTimeout = DefaultNoAnswerTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.ParkTime == 0 {
		cfg.ParkTime = DefaultParkTime
	}
	return cfg
}

// validate reports every problem of cfg (after defaults), joined.
func (cfg Config) validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("sim: "+format, args...))
	}
	if cfg.NoAnswerTimeout < 0 {
		add("NoAnswerTimeout %v is negative", cfg.NoAnswerTimeout)
	}
	numbers := make(map[string]string) // number → what owns it
	devices := make(map[string]bool)
	for i, d := range cfg.Devices {
		what := fmt.Sprintf("device %d (%q)", i+1, d.ID)
		if err := checkID(d.ID); err != nil {
			add("%s: %v", what, err)
		} else if owner, dup := numbers[d.ID]; dup {
			add("%s: duplicate id, already used by %s", what, owner)
		} else {
			numbers[d.ID] = what
			devices[d.ID] = true
		}
		if err := d.Behaviour.check(what); err != nil {
			errs = append(errs, err)
		}
		if d.Services != nil && len(d.Services) == 0 {
			// The protocol cannot say "nothing": an absent list means
			// "what the exchange can do", so an empty one would differ
			// between the desk and the server.
			add("%s: Services is empty; leave it nil for all the exchange's services", what)
		}
	}
	for i, g := range cfg.Groups {
		errs = append(errs, checkGroup(i, g, numbers, devices)...)
	}
	if cfg.ParkTime < 0 {
		add("ParkTime %v is negative", cfg.ParkTime)
	}
	for i, slot := range cfg.ParkSlots {
		what := fmt.Sprintf("park slot %d (%q)", i+1, slot)
		if err := checkID(slot); err != nil {
			add("%s: %v", what, err)
		} else if owner, dup := numbers[slot]; dup {
			add("%s: duplicate number, already used by %s", what, owner)
		} else {
			numbers[slot] = what
		}
	}
	if err := cfg.External.check("External"); err != nil {
		errs = append(errs, err)
	}
	internal := 0 // the internal number range, as Exchange.external
	for num := range numbers {
		internal = max(internal, len(num))
	}
	for _, num := range slices.Sorted(maps.Keys(cfg.Externals)) {
		b := cfg.Externals[num]
		what := fmt.Sprintf("Externals[%q]", num)
		if n, err := normalize(num); err != nil || n != num || numbers[num] != "" {
			add("%s: key must be an external number of digits with an optional leading +", what)
		} else if num[0] != '+' && num[0] != '0' && len(num) <= internal {
			add("%s: in the internal range (up to %d digits, no leading 0 or +) but no extension", what, internal)
		}
		if err := b.check(what); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkGroup validates group i and records its number in numbers.
func checkGroup(i int, g Group, numbers map[string]string, devices map[string]bool) []error {
	var errs []error
	what := fmt.Sprintf("group %d (%q)", i+1, g.Number)
	if err := checkID(g.Number); err != nil {
		errs = append(errs, fmt.Errorf("sim: %s: %v", what, err))
	} else if owner, dup := numbers[g.Number]; dup {
		errs = append(errs, fmt.Errorf("sim: %s: duplicate number, already used by %s", what, owner))
	}
	if len(g.Members) == 0 {
		errs = append(errs, fmt.Errorf("sim: %s: no members", what))
	}
	seen := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		switch {
		case !devices[m]:
			errs = append(errs, fmt.Errorf("sim: %s: member %q is not a configured device", what, m))
		case seen[m]:
			errs = append(errs, fmt.Errorf("sim: %s: member %q listed twice", what, m))
		}
		seen[m] = true
	}
	if len(errs) == 0 {
		numbers[g.Number] = what
	}
	return errs
}

// checkID accepts an extension or group number: digits only, not too long.
func checkID(id string) error {
	if id == "" {
		return errors.New("empty id")
	}
	if len(id) > maxDigits {
		return fmt.Errorf("longer than %d digits", maxDigits)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return errors.New("id must be digits only")
		}
	}
	return nil
}
