package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
)

// DialTarget is a number ready to dial, as the user should see it first.
type DialTarget struct {
	Number  contacts.Number   // normalised
	Dial    string            // what the exchange is sent
	Display string            // what the user sees: "+49 30 1234567"
	Contact *contacts.Contact // who it is, when the books know
	Device  string            // the user's phone that will ring first
	// Instead is the phone the user chose to ring first when it is not
	// registered and Device rings in its place; "" when it is the chosen
	// one (or the user chose none).
	Instead string
	// AutoAnswer: Device answers by itself (the user need not pick up).
	AutoAnswer bool
}

// Prompt is what the UI tells the user before and while dialling.
func (t DialTarget) Prompt() string {
	p := "Your phone " + t.Device + " rings first — pick up to call " + t.Who()
	if t.AutoAnswer {
		p = "Your phone " + t.Device + " answers by itself, then calls " + t.Who()
	}
	if t.Instead != "" {
		p = "Your phone " + t.Instead + " is not registered. " + p
	}
	return p
}

// Who names the target: "Clara Weiss (+49 30 1234567)", or the number.
func (t DialTarget) Who() string {
	if t.Contact != nil {
		return t.Contact.DisplayName() + " (" + t.Display + ")"
	}
	return t.Display
}

// ErrNoNumber says a text holds no phone number (see NoNumberError).
var ErrNoNumber = errors.New("app: no phone number found")

// MaxDialText bounds the text looked at for a number to dial (a pasted
// clipboard, a link). Finding numbers in text costs tens of milliseconds
// per kilobyte of digit-heavy text, and the dial window looks again at
// every keystroke, on the UI thread: a megabyte pasted by mistake froze
// it for seconds. The number a person means is near the start.
const MaxDialText = 4 << 10

// DialText is the part of text looked at for a number to dial: its first
// MaxDialText bytes, never cut inside a character.
func DialText(text string) string { return cut.Prefix(text, MaxDialText) }

// PrepareDial finds the number to call in text (typed, pasted, a tel:
// link, a mail signature), normalises it and says who it is, without
// dialling: the user sees what will be dialled first.
func (c *Client) PrepareDial(text string) (DialTarget, error) {
	n := c.opts.Numbers
	text = strings.TrimSpace(DialText(text))
	num, err := n.NormalizeAny(text) // a number, or a tel:/sip:/callto: link
	if err != nil {
		found := n.Extract(text)
		if len(found) == 0 {
			return DialTarget{}, &NoNumberError{Text: cut.Bytes(text, 60)}
		}
		num = found[0].Number
	}
	t := DialTarget{Number: num, Dial: n.Dialable(num), Display: num.Display}
	t.Device, t.Instead = c.dialDevice()
	t.AutoAnswer = c.State().AutoAnswers(t.Device)
	if m := c.lookup(num.Key); m != nil {
		t.Contact = m.Contact
	}
	return t, nil
}

// Dial is click-to-dial: the user's phone rings, and when picked up the
// exchange calls the target. It returns the new call's id.
func (c *Client) Dial(ctx context.Context, t DialTarget) (string, error) {
	if t.Device == "" {
		t.Device, t.Instead = c.dialDevice()
	}
	if err := c.can(ctiproto.TypeMakeCall); err != nil {
		return "", err
	}
	res, err := c.request(ctx, &ctiproto.MakeCall{Device: t.Device, To: t.Dial})
	if err != nil {
		return "", err
	}
	return res.Call, nil
}

// Answer picks up a call ringing at one of the user's phones. A call the
// user is talking on goes on hold first, where the exchange can hold: one
// person takes one caller at a time, and the first must not hear the
// second conversation. If that hold fails, the ringing call is not
// answered; if the answer fails (the caller gave up meanwhile), the held
// call is taken back, so nobody is left on hold by a click that did not
// work. The error says why.
func (c *Client) Answer(ctx context.Context, call string) error {
	return c.switchTo(ctx, call, func() error {
		return c.callCommand(ctx, ctiproto.TypeAnswer, call, ctiproto.StateAlerting, ctiproto.StateInitiated)
	})
}

// Swap goes back to a held call: the call the user talks on now goes on
// hold, then call is retrieved (with nobody else on the line, that is a
// plain retrieve). If the retrieve fails, the other call is taken back.
func (c *Client) Swap(ctx context.Context, call string) error {
	return c.switchTo(ctx, call, func() error { return c.Retrieve(ctx, call) })
}

// switchTo holds every answered call the user talks on other than call,
// then runs take; if take fails, the calls it held are retrieved again.
// Where the exchange cannot hold, take runs alone (the phone then deals
// with call waiting itself).
func (c *Client) switchTo(ctx context.Context, call string, take func() error) error {
	var held []string
	if c.can(ctiproto.TypeHold) == nil {
		for _, id := range c.talking(call) {
			if err := c.Hold(ctx, id); notSupported(err) {
				continue // that phone cannot hold from the desk: as where no phone can
			} else if err != nil {
				c.retrieveAll(ctx, held)
				return err
			}
			held = append(held, id)
		}
	}
	if err := take(); err != nil {
		c.retrieveAll(ctx, held)
		return err
	}
	return nil
}

// retrieveAll takes calls back off hold after a switch that did not
// happen; a failure here is logged, the switch's own error is the news.
func (c *Client) retrieveAll(ctx context.Context, calls []string) {
	for _, id := range calls {
		if err := c.Retrieve(ctx, id); err != nil {
			c.log.Warn("taking a call back off hold failed", "call", id, "err", err)
		}
	}
}

// talking lists the calls, other than except, in which one of the user's
// phones is connected to an answering party.
func (c *Client) talking(except string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, conn := range c.cs.Conns() {
		if conn.Call != except && conn.State == ctiproto.StateConnected && conn.Answered && !slices.Contains(out, conn.Call) {
			out = append(out, conn.Call)
		}
	}
	return out
}

// HangUp ends the user's part in a call in progress (or one being
// dialled).
func (c *Client) HangUp(ctx context.Context, call string) error {
	return c.callCommand(ctx, ctiproto.TypeClear, call, slices.Concat(inCallStates, []string{ctiproto.StateInitiated})...)
}

// Decline refuses a call ringing at the user's phones: at every one of
// them where it rings (the exchange records a rejection), not only one.
func (c *Client) Decline(ctx context.Context, call string) error {
	if err := c.can(ctiproto.TypeClear); err != nil {
		return err
	}
	devs := c.devicesIn(call, ringingStates...)
	if len(devs) == 0 {
		return fmt.Errorf("%w: %s", ErrNoSuchCall, call)
	}
	for _, dev := range devs {
		if _, err := c.request(ctx, &ctiproto.CallCommand{Type: ctiproto.TypeClear, Call: call, Device: dev}); err != nil {
			return err
		}
	}
	return nil
}

// Hold puts a call on hold.
func (c *Client) Hold(ctx context.Context, call string) error {
	return c.callCommand(ctx, ctiproto.TypeHold, call, ctiproto.StateConnected)
}

// Retrieve takes a call off hold.
func (c *Client) Retrieve(ctx context.Context, call string) error {
	return c.callCommand(ctx, ctiproto.TypeRetrieve, call, ctiproto.StateHeld)
}

// Transfer hands the other party of a call to the number in text.
func (c *Client) Transfer(ctx context.Context, call, text string) error {
	return c.redirect(ctx, ctiproto.TypeTransfer, call, text, inCallStates...)
}

// Deflect sends a ringing call on to the number in text.
func (c *Client) Deflect(ctx context.Context, call, text string) error {
	return c.redirect(ctx, ctiproto.TypeDeflect, call, text, ctiproto.StateAlerting)
}

// SetNote attaches note to call ("" removes it). The desks of every
// party see it, and it travels with the call to whoever it is
// transferred to (PROTOCOL.md section 16).
func (c *Client) SetNote(ctx context.Context, call, note string) error {
	if err := c.can(ctiproto.TypeSetNote); err != nil {
		return err
	}
	dev, err := c.deviceIn(call, ctiproto.TypeSetNote, nil)
	if err != nil {
		return err
	}
	_, err = c.request(ctx, &ctiproto.SetNote{Call: call, Device: dev, Note: note})
	return err
}

// SetDND turns do-not-disturb on or off on every phone of the user.
func (c *Client) SetDND(ctx context.Context, on bool) error {
	if err := c.can(ctiproto.TypeSetDND); err != nil {
		return err
	}
	for _, d := range c.State().Devices {
		if _, err := c.request(ctx, &ctiproto.SetDND{Device: d.ID, On: on}); err != nil {
			return err
		}
	}
	return nil
}

// MarkMissedSeen marks every missed call in the journal as seen.
func (c *Client) MarkMissedSeen() error {
	if c.opts.Journal == nil {
		return nil
	}
	if err := c.opts.Journal.MarkSeen(); err != nil {
		return err
	}
	c.mu.Lock()
	c.publishLocked()
	c.mu.Unlock()
	return nil
}

// callCommand sends answer/clear/hold/retrieve for the user's connection
// in call, preferring one in the given states.
func (c *Client) callCommand(ctx context.Context, typ, call string, prefer ...string) error {
	if err := c.can(typ); err != nil {
		return err
	}
	dev, err := c.deviceIn(call, typ, prefer)
	if err != nil {
		return err
	}
	if err := c.canOn(dev, typ); err != nil {
		return err
	}
	_, err = c.request(ctx, &ctiproto.CallCommand{Type: typ, Call: call, Device: dev})
	return err
}

func (c *Client) redirect(ctx context.Context, typ, call, text string, prefer ...string) error {
	if err := c.can(typ); err != nil {
		return err
	}
	t, err := c.PrepareDial(text)
	if err != nil {
		return err
	}
	dev, err := c.deviceIn(call, typ, prefer)
	if err != nil {
		return err
	}
	_, err = c.request(ctx, &ctiproto.Redirect{Type: typ, Call: call, Device: dev, To: t.Dial})
	return err
}

// can checks the exchange offers a service before asking for it.
func (c *Client) can(service string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Status != StatusConnected {
		return ErrNotConnected
	}
	if !c.state.Capabilities[service] {
		return &ActionError{Action: service, Code: ctiproto.CodeNotSupported}
	}
	return nil
}

// devicesIn lists the user's phones whose connection to call is in one
// of the states.
func (c *Client) devicesIn(call string, states ...string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, conn := range c.cs.Conns() {
		if conn.Call == call && slices.Contains(states, conn.State) {
			out = append(out, conn.Device)
		}
	}
	return out
}

// deviceIn finds which of the user's phones in call a command of type
// service acts on. A call can reach several of them (desk phone and
// softphone): the one in a prefer state comes first (ringing, to answer),
// then one that can do service from the desk (a softphone may not answer
// remotely), then the one the user chose to dial from, then the first.
func (c *Client) deviceIn(call, service string, prefer []string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	best, rank := "", -1
	for _, conn := range c.cs.Conns() {
		if conn.Call != call || conn.State == ctiproto.StateCleared {
			continue
		}
		r := 0
		if len(prefer) == 0 || slices.Contains(prefer, conn.State) {
			r += 4
		}
		if c.state.CanOn(conn.Device, service) {
			r += 2
		}
		if conn.Device == c.dialPref {
			r++
		}
		if r > rank {
			best, rank = conn.Device, r
		}
	}
	if best == "" {
		return "", fmt.Errorf("%w: %s", ErrNoSuchCall, call)
	}
	return best, nil
}

// CallBack dials the number of a journal entry.
func (c *Client) CallBack(ctx context.Context, e journal.Entry) (DialTarget, string, error) {
	if !e.CanCallBack() {
		return DialTarget{}, "", &NoNumberError{Withheld: true}
	}
	t, err := c.PrepareDial(e.Number)
	if err != nil {
		return DialTarget{}, "", err
	}
	call, err := c.Dial(ctx, t)
	return t, call, err
}
