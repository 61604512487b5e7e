package ami

import (
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// Asterisk channel states (the numeric ChannelState field) the mapper
// tells apart; 0 is a channel created, not yet ringing.
const (
	chanRing    = 4 // a phone went off-hook and is dialling out
	chanRinging = 5 // the phone rings
	chanUp      = 6 // answered
)

// legKind says how a device's channel came to be; it decides the
// direction and which events its state changes mean.
type legKind int

const (
	legUnknown   legKind = iota // a device channel Asterisk created, not yet ringing
	legIn                       // Asterisk rings the device: a call to it
	legOut                      // the device dialled on its own keypad
	legOriginate                // click-to-dial: Asterisk rings the device to start a call
)

// intentKind is what the connector asked Asterisk to do to a channel; the
// Hangup that follows is reported as that, not as a plain hang-up.
type intentKind int

const (
	intentNone     intentKind = iota
	intentClear               // Hangup action (reject while ringing)
	intentTransfer            // the far party was redirected elsewhere
	intentDeflect             // the caller was redirected while this phone rang
	intentPickup              // the caller was redirected to another device, which picks the call up
)

type intent struct {
	kind intentKind
	to   string // transfer/deflect destination
	by   string // the device that asked
	// handed is the party an attended transfer handed over (the one the
	// transferer held), when known: by then the transferer's own channel
	// is connected to the consulted party, not to whom it transferred.
	handed pbx.Party
	// moved names the channel a transfer or deflect redirects (see
	// redirect.go); "" when Asterisk moved it on its own.
	moved string
}

// channel is one Asterisk channel (one leg) as far as Deskline follows it.
// Channels of parties that are not Deskline devices are kept too (without
// events): transfer and deflect act on them, and their hang-up cause
// explains a failed call.
type channel struct {
	uid, linked, name string
	device            string // Deskline device id; "" for everyone else

	kind      legKind
	conn      pbx.ConnState // what Deskline was last told; "" before the first event
	heard     pbx.Party     // the other party Deskline was last told
	since     time.Time
	cid       pbx.Party // the channel's own caller id
	connected pbx.Party // the party at the other end, as Asterisk presents it
	to        pbx.Party // legOut/legOriginate: the number dialled
	answered  bool      // in: picked up; out/originate: the far end answered
	dialing   bool      // this channel ran Dial (DialBegin with it as Channel)
	dialer    string    // uid of the channel whose Dial rings this one
	dialee    string    // uid of the channel this one's Dial rang last
	bridge    string    // BridgeUniqueid while bridged
	held      bool      // this channel put its call on hold (Hold without Unhold)
	moved     bool      // answered, then sent on to a new party (transfer): dialling again
	failCause pbx.Cause // out/originate: why the far end was not reached, when known
	intent    intent
	queue     *pbx.Queue // legIn: the queue or ring group it was rung through (queue.go)
}

// call is the Deskline id of the channel's call: its Linkedid, shared by
// every leg of one Asterisk call (including Originate's second leg and
// the targets of a Redirect).
func (c *channel) call() pbx.CallID { return pbx.CallID(c.linked) }

func (c *channel) direction() pbx.Direction {
	if c.kind == legIn {
		return pbx.Incoming
	}
	return pbx.Outgoing
}

// other is the far party as the device's user should see it.
func (c *channel) other(dialer *channel) pbx.Party {
	switch {
	case (c.kind == legIn || c.kind == legUnknown) && !c.moved:
		if c.connected.Number == "" && dialer != nil {
			return dialer.cid
		}
		return c.connected
	default:
		// Before Dial runs, an originated leg's connected line is the phone
		// itself; once it dials, the connected line is the callee with a name.
		if c.dialing && c.connected.Number != "" && (c.to.Number == "" || c.connected.Number == c.to.Number || c.answered) {
			p := c.connected
			if p.Name == c.cid.Name {
				// Asterisk updated only the number of a connected line
				// that began as the phone itself: the name is stale.
				p.Name = ""
			}
			return p
		}
		return c.to
	}
}

// update copies the fields every channel event carries.
func (c *channel) update(m Message) {
	if v, ok := m.Lookup("ConnectedLineNum"); ok {
		c.connected = party(v, m.Get("ConnectedLineName"))
	}
	if v, ok := m.Lookup("CallerIDNum"); ok {
		c.cid = party(v, m.Get("CallerIDName"))
	}
}

// party builds a Party from caller-id fields; Asterisk writes "<unknown>"
// for a number or name it does not have.
func party(num, name string) pbx.Party {
	clean := func(s string) string {
		s = strings.TrimSpace(s)
		if s == "<unknown>" {
			return ""
		}
		return s
	}
	return pbx.Party{Number: clean(num), Name: clean(name)}
}

// endpointOf strips the per-call suffix of a channel name:
// "PJSIP/201-0000001a" → "PJSIP/201". Local channels
// ("Local/201@from-queue-00000001;1") never match a device endpoint.
func endpointOf(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		return name[:i]
	}
	return name
}
