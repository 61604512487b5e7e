// The per-call controller: what the user does to one call, from its card
// in the calls console (buttons, the console's Enter, the target picker).
// Every action runs through callCard.run: the card's buttons wait for the
// answer, its error stays on the card, and the card is synced again.

package ui

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/deskline/deskline/app"
)

func (c *callCard) onAnswer() {
	id := c.call.ID
	c.run("answer", func(ctx context.Context, cl *app.Client) error { return cl.Answer(ctx, id) }, nil)
}

// onDecline refuses a ringing call at every phone where it rings (the
// exchange records a rejection).
func (c *callCard) onDecline() {
	id := c.call.ID
	c.run("decline", func(ctx context.Context, cl *app.Client) error { return cl.Decline(ctx, id) }, nil)
}

// onHangUp ends a call in progress or being dialled.
func (c *callCard) onHangUp() {
	id := c.call.ID
	c.run("hang up", func(ctx context.Context, cl *app.Client) error { return cl.HangUp(ctx, id) }, nil)
}

// onHold holds a live call; on a held one it goes back to it, holding
// the call the user talks on now, if any (Swap).
func (c *callCard) onHold() {
	id := c.call.ID
	if c.kind == cardHeld {
		c.run("swap", func(ctx context.Context, cl *app.Client) error { return cl.Swap(ctx, id) }, nil)
		return
	}
	c.run("hold", func(ctx context.Context, cl *app.Client) error { return cl.Hold(ctx, id) }, nil)
}

// onRetry dials a failed call's number again; the failure goes.
func (c *callCard) onRetry() {
	f := c.failure
	c.run("call back", func(ctx context.Context, cl *app.Client) error {
		if _, _, err := cl.CallBack(ctx, f); err != nil {
			return err
		}
		cl.DismissFailed(f.ID)
		return nil
	}, nil)
}

func (c *callCard) onDismiss() {
	if cl := c.v.u.client(); cl != nil {
		cl.DismissFailed(c.failure.ID)
	}
	c.v.drop(c.key)
}

// run sends an action; the card's buttons wait for its answer, and its
// error shows on the card. ok runs after a success.
func (c *callCard) run(what string, f func(context.Context, *app.Client) error, ok func()) {
	c.busy, c.err = true, ""
	c.refresh()
	c.v.u.act(what, f, func(err error) {
		c.busy, c.err = false, userText(err)
		if err == nil && ok != nil {
			ok()
		}
		c.refresh()
	})
}

// refresh syncs the card with the console's last state and lays it out.
func (c *callCard) refresh() {
	c.sync(c.v.state)
	c.inner.Refresh()
	c.v.win.relayout()
}

func (c *callCard) onCRM() {
	raw := c.crmURL()
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err == nil {
		err = c.v.u.fy.OpenURL(u)
	}
	c.err = userText(err)
	c.refresh()
}

func (c *callCard) onCopy() {
	if c.call.Number == "" {
		return
	}
	c.v.u.fy.Clipboard().SetContent(c.number)
	c.copyNumber.SetText(copyLabel(true))
	c.copyNumber.SetIcon(theme.ConfirmIcon())
}

// crmURL is the CRM page for the call (app.Desk.CRMLink); none for a
// call that never connected.
func (c *callCard) crmURL() string {
	if c.kind == cardFailed {
		return ""
	}
	return c.v.u.Desk().CRMLink(c.call)
}

// openPicker opens the target entry under the buttons, for a transfer
// (live or held call) or a forward (ringing call), with the keyboard in
// it: the user asked for it.
func (c *callCard) openPicker(placeholder string) {
	c.v.asked = true // the user works in the console: it stays until closed
	if c.picker == nil {
		c.picker = newTargetPicker(c.v.u, placeholder, c.sendTo, c.refresh)
	}
	c.picker.entry.SetPlaceHolder(placeholder)
	c.pickerBox.Objects = []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, c.send, c.picker.entry), c.picker.box}
	c.pickerBox.Refresh()
	c.refresh()
	c.v.win.takeKeyboard(c.picker.entry)
}

// closePicker removes the target entry (the call went, or changed kind).
func (c *callCard) closePicker() {
	if len(c.pickerBox.Objects) == 0 {
		return
	}
	c.pickerBox.Objects = nil
	c.pickerBox.Refresh()
	if c.picker != nil {
		c.picker.clear()
	}
}

// syncPicker enables Send while there is somewhere to send the call.
func (c *callCard) syncPicker(live bool) {
	if c.picker == nil {
		setEnabled(c.send, false)
		return
	}
	setEnabled(c.send, live && c.picker.target() != "")
}

func (c *callCard) onSend() {
	if c.picker != nil && !c.send.Disabled() {
		c.sendTo(c.picker.target())
	}
}

// sendTo transfers a call in progress, or forwards (deflects) a ringing
// one, to the number in to.
func (c *callCard) sendTo(to string) {
	id := c.call.ID
	if c.kind == cardRinging {
		c.run("forward", func(ctx context.Context, cl *app.Client) error { return cl.Deflect(ctx, id, to) }, c.closePicker)
		return
	}
	c.run("transfer", func(ctx context.Context, cl *app.Client) error { return cl.Transfer(ctx, id, to) }, c.closePicker)
}
