package amitest

import (
	"fmt"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// snapshotKeys are the channel snapshot fields Asterisk puts in every
// channel event (optionally prefixed, "DestChannel"…), in CoreShowChannel
// order.
var snapshotKeys = []string{
	"Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
	"ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode",
	"Context", "Exten", "Priority", "Uniqueid", "Linkedid",
}

// channel is what the fake believes about one live channel.
type channel struct {
	fields  map[string]string // snapshotKeys
	app     string            // Application, ApplicationData of the last Newexten
	appData string
	bridge  string // BridgeUniqueid while in a bridge
	created time.Time
}

// channels are the live channels by Uniqueid (names are reused after a
// restart; Uniqueid is Asterisk's key too), in creation order.
type channels struct {
	byID  map[string]*channel
	order []string
}

func (c *channels) init() {
	c.byID = make(map[string]*channel)
	c.order = nil
}

// devices are the device states seen in DeviceStateChange events, for
// DeviceStateList.
type devices struct {
	state map[string]string
	order []string
}

// track updates channels and devices from one event the server sends.
// Caller holds s.mu.
func (s *Server) track(m ami.Message) {
	switch m.Event() {
	case "Newchannel":
		id := m.Get("Uniqueid")
		if id == "" {
			return
		}
		if _, ok := s.channels.byID[id]; !ok {
			s.channels.byID[id] = &channel{fields: make(map[string]string), created: time.Now()}
			s.channels.order = append(s.channels.order, id)
		}
	case "Hangup":
		s.channels.remove(m.Get("Uniqueid"))
		return
	case "DeviceStateChange":
		s.devices.set(m.Get("Device"), m.Get("State"))
		return
	case "ParkedCall", "UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp":
		s.trackPark(m) // queues.go
	}
	// Every event that carries a channel snapshot has its current state;
	// DialBegin and friends carry a second one prefixed with "Dest".
	for _, prefix := range []string{"", "Dest"} {
		ch := s.channels.byID[m.Get(prefix+"Uniqueid")]
		if ch == nil {
			continue
		}
		for _, k := range snapshotKeys {
			if v, ok := m.Lookup(prefix + k); ok {
				ch.fields[k] = v
			}
		}
		if prefix != "" {
			continue
		}
		switch m.Event() {
		case "Newexten":
			ch.app, ch.appData = m.Get("Application"), m.Get("AppData")
		case "BridgeEnter":
			ch.bridge = m.Get("BridgeUniqueid")
		case "BridgeLeave":
			ch.bridge = ""
		}
	}
}

func (c *channels) remove(id string) {
	if _, ok := c.byID[id]; !ok {
		return
	}
	delete(c.byID, id)
	for i, o := range c.order {
		if o == id {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
}

// byName finds a live channel by its name ("PJSIP/201-00000004").
func (c *channels) byName(name string) *channel {
	for _, id := range c.order {
		if ch := c.byID[id]; strings.EqualFold(ch.fields["Channel"], name) {
			return ch
		}
	}
	return nil
}

// list renders the live channels as CoreShowChannel events, exactly as
// k-state-sync-actions-during-call shows them; actionID is left out when
// empty.
func (c *channels) list(actionID string) []ami.Message {
	var list []ami.Message
	for _, id := range c.order {
		ch := c.byID[id]
		m := ami.Message{Fields: []ami.Field{{Key: "Event", Value: "CoreShowChannel"}}}
		if actionID != "" {
			m.Add(ami.KeyActionID, actionID)
		}
		for _, k := range snapshotKeys {
			m.Add(k, ch.fields[k])
		}
		m.Add("Application", ch.app)
		m.Add("ApplicationData", ch.appData)
		m.Add("Duration", hms(time.Since(ch.created)))
		m.Add("BridgeId", ch.bridge)
		list = append(list, m)
	}
	return list
}

// hms is CoreShowChannel's "00:00:02".
func hms(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// Channels returns the live channels the server believes exist, as
// CoreShowChannel events (without ActionID).
func (s *Server) Channels() []ami.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.channels.list("")
}

func (d *devices) set(device, state string) {
	if device == "" {
		return
	}
	if d.state == nil {
		d.state = make(map[string]string)
	}
	if _, ok := d.state[device]; !ok {
		d.order = append(d.order, device)
	}
	d.state[device] = state
}

// list renders DeviceStateList's items.
func (d *devices) list(actionID string) []ami.Message {
	var list []ami.Message
	for _, dev := range d.order {
		m := ami.Message{Fields: []ami.Field{{Key: "Event", Value: "DeviceStateChange"}}}
		if actionID != "" {
			m.Add(ami.KeyActionID, actionID)
		}
		m.Add("Device", dev)
		m.Add("State", d.state[dev])
		list = append(list, m)
	}
	return list
}
