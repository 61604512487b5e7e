package app

import (
	"context"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// The switchboard's commands (PROTOCOL.md section 17): pickup, announced
// transfer, park. Each is checked against the welcome's capabilities
// first, so a desk never asks what the exchange cannot do.

// recallGrace is how long a recall is remembered before its call shows
// up at the user's phone: the unparked event comes first, the call's
// delivered right after it.
const recallGrace = 5 * time.Second

// consultSettle bounds the wait for the consulted call's first event
// after the consult's result.
const consultSettle = 5 * time.Second

// recall is a parked call ringing back: from Slot, noted At.
type recall struct {
	slot string
	at   time.Time
}

// Pickup takes the call ringing at a colleague's device from to the
// user's phone (the one click-to-dial rings first): call, or the call
// ringing there longest when call is "". It returns the call taken.
func (c *Client) Pickup(ctx context.Context, from, call string) (string, error) {
	if err := c.can(ctiproto.TypePickup); err != nil {
		return "", err
	}
	dev, _ := c.dialDevice()
	res, err := c.request(ctx, &ctiproto.Pickup{Device: dev, From: from, Call: call})
	if err != nil {
		return "", err
	}
	return res.Call, nil
}

// Consult announces the caller of call: it goes on hold and the user's
// phone calls the number in to (a colleague's extension: "203"). Then
// ConsultComplete, ConsultCancel or ConsultSwap. One at a time.
func (c *Client) Consult(ctx context.Context, call, to string) error {
	if err := c.can(ctiproto.TypeConsult); err != nil {
		return err
	}
	t, err := c.PrepareDial(to)
	if err != nil {
		return err
	}
	dev, err := c.deviceIn(call, ctiproto.TypeConsult, inCallStates)
	if err != nil {
		return err
	}
	res, err := c.request(ctx, &ctiproto.Redirect{Type: ctiproto.TypeConsult, Call: call, Device: dev, To: t.Dial})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.consult = &Consultation{Device: dev, Held: call, Consulted: res.Call, To: t.Display, started: time.Now()}
	c.publishLocked()
	c.mu.Unlock()
	// A consultation whose call ended before its first event came is
	// forgotten once consultSettle has passed: publish then, so the UI
	// drops it even if nothing else happens.
	time.AfterFunc(consultSettle+time.Millisecond, func() {
		c.mu.Lock()
		c.publishLocked()
		c.mu.Unlock()
	})
	return nil
}

// ConsultComplete hands the held caller to the consulted colleague.
func (c *Client) ConsultComplete(ctx context.Context) error {
	return c.consultStep(ctx, ctiproto.TypeConsultComplete)
}

// ConsultCancel ends the consultation and takes the caller back.
func (c *Client) ConsultCancel(ctx context.Context) error {
	return c.consultStep(ctx, ctiproto.TypeConsultCancel)
}

// ConsultSwap goes back and forth between the caller and the colleague.
func (c *Client) ConsultSwap(ctx context.Context) error {
	return c.consultStep(ctx, ctiproto.TypeConsultSwap)
}

// consultStep sends one of the consultation's steps.
func (c *Client) consultStep(ctx context.Context, typ string) error {
	if err := c.can(ctiproto.TypeConsult); err != nil {
		return err
	}
	c.mu.Lock()
	k := c.consultLocked()
	c.mu.Unlock()
	if k == nil {
		return ErrNoConsultation
	}
	_, err := c.request(ctx, &ctiproto.CallCommand{Type: typ, Call: k.Consulted, Device: k.Device})
	return err
}

// consultLocked is the consultation while both its calls are the
// user's; it forgets one that ended. The result comes before the event
// of the consulted call: until that call has been seen, only the held
// call's end (or consultSettle passing) ends it.
func (c *Client) consultLocked() *Consultation {
	k := c.consult
	if k == nil {
		return nil
	}
	_, held := c.cs.Call(k.Held, k.Device)
	_, consulted := c.cs.Call(k.Consulted, k.Device)
	k.seen = k.seen || consulted
	if !held || (!consulted && (k.seen || time.Since(k.started) > consultSettle)) {
		c.consult = nil
		return nil
	}
	cc := *k
	return &cc
}

// Park parks call in slot ("" for the next free one) and returns the
// slot it waits in.
func (c *Client) Park(ctx context.Context, call, slot string) (string, error) {
	if err := c.can(ctiproto.TypePark); err != nil {
		return "", err
	}
	dev, err := c.deviceIn(call, ctiproto.TypePark, inCallStates)
	if err != nil {
		return "", err
	}
	res, err := c.request(ctx, &ctiproto.Park{Call: call, Device: dev, Slot: slot})
	if err != nil {
		return "", err
	}
	return res.Slot, nil
}

// Unpark takes the call parked in slot to the user's phone and returns
// its id (on Asterisk, the id of the call that dials the slot).
func (c *Client) Unpark(ctx context.Context, slot string) (string, error) {
	if err := c.can(ctiproto.TypeUnpark); err != nil {
		return "", err
	}
	dev, _ := c.dialDevice()
	res, err := c.request(ctx, &ctiproto.Unpark{Slot: slot, Device: dev})
	if err != nil {
		return "", err
	}
	return res.Call, nil
}

// noteRecallLocked remembers a parked call that rings back at one of the
// user's phones (unparked, cause no-answer).
func (c *Client) noteRecallLocked(ev *ctiproto.Event) {
	if ev.Type != ctiproto.EventUnparked || ev.Cause != ctiproto.CauseNoAnswer {
		return
	}
	if _, mine := c.cs.Device(ev.Device); !mine {
		return
	}
	if c.recalls == nil {
		c.recalls = make(map[string]recall)
	}
	c.recalls[ev.Call] = recall{slot: ev.Slot, at: time.Now()}
}

// recallsLocked lists the recalls still ringing or talked to, by call;
// it forgets those whose call has ended.
func (c *Client) recallsLocked() map[string]string {
	if len(c.recalls) == 0 {
		return nil
	}
	live := make(map[string]bool)
	for _, conn := range c.cs.Conns() {
		live[conn.Call] = true
	}
	out := make(map[string]string, len(c.recalls))
	for call, r := range c.recalls {
		if !live[call] && time.Since(r.at) > recallGrace {
			delete(c.recalls, call)
			continue
		}
		out[call] = r.slot
	}
	return out
}
