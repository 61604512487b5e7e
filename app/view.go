package app

import (
	"cmp"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// rebuildLocked derives the UI's view of devices and calls from the
// protocol state, matching each caller to the address books. Names and
// numbers lose control and direction characters here, the one way into
// State: a server of another make may pass them on.
func (c *Client) rebuildLocked() {
	devices, calls := c.cs.Snapshot()
	c.state.Devices = c.state.Devices[:0:0]
	for _, d := range devices {
		c.state.Devices = append(c.state.Devices, Device{ID: d.Device, Name: ctiproto.CleanText(d.Name), DND: d.DND,
			ForwardTo: d.ForwardTo, Registered: d.Registered, Capabilities: d.Capabilities, AutoAnswer: d.AutoAnswer})
	}
	c.state.Calls = c.state.Calls[:0:0]
	for _, wc := range calls {
		call := Call{ID: wc.Call, Device: wc.Device, State: wc.State, Direction: wc.Direction,
			Number: ctiproto.CleanText(wc.Other.Number), Name: ctiproto.CleanText(wc.Other.Name), Since: wc.Since, Answered: wc.Answered,
			Note: ctiproto.CleanText(wc.Note)}
		if m := c.lookup(wc.Other.Number); m != nil {
			phone := m.Phone
			call.Contact, call.Phone = m.Contact, &phone
		} else if dc := wc.Other.Contact; dc != nil {
			// No card of the user's own: the server's directory match,
			// shown the same way, its photo once it has come.
			call.Contact, call.Source = c.directoryCardLocked(*dc), ctiproto.CleanText(dc.Book)
		}
		if q := wc.Queue; q != nil {
			call.Queue = cmp.Or(ctiproto.CleanText(q.Name), ctiproto.CleanText(q.Number))
			call.QueueJoined = q.Joined
		}
		call.Display = display(call)
		c.state.Calls = append(c.state.Calls, call)
	}
	c.state.Failed = c.failed
	c.rebuildSwitchboardLocked()
	if c.opts.Journal != nil {
		c.state.MissedUnseen = c.opts.Journal.UnseenMissed()
	}
}

// display names the other party: the address book first, then the
// exchange's name, then the number.
func display(c Call) string { return partyName(c.Contact, c.Name, c.Number) }

// partyName is what a pop calls a party: the contact's name, else the
// exchange's name, else the number, else "Unknown caller".
func partyName(contact *contacts.Contact, name, number string) string {
	switch {
	case contact != nil:
		return contact.DisplayName()
	case name != "":
		return name
	case number != "":
		return number
	}
	return "Unknown caller"
}

// lookup finds the best contact for a number, nil if none. The directory
// is an index: this is a map lookup, cheap enough for every state change.
func (c *Client) lookup(number string) *contacts.Match {
	if c.opts.Directory == nil || number == "" {
		return nil
	}
	ms := c.opts.Directory.Lookup(number)
	if len(ms) == 0 {
		return nil
	}
	return &ms[0]
}

// directoryCardLocked is a directory contact as a card, as a pop shows
// one: name, company, department, title, and the photo once fetched.
// Called with c.mu held.
func (c *Client) directoryCardLocked(dc ctiproto.Contact) *contacts.Contact {
	card := DirectoryCard(cleanContact(dc), nil)
	card.Photo = c.popPhotoLocked(dc.Photo)
	return card
}
