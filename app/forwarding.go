package app

import (
	"context"

	"github.com/deskline/deskline/ctiproto"
)

// SetForwarding forwards the calls for every phone of the user to t's
// number (unconditional forwarding, as the exchange does it), or stops
// forwarding when t is nil. The new target arrives as a device-state
// event: State.Devices[i].ForwardTo.
func (c *Client) SetForwarding(ctx context.Context, t *DialTarget) error {
	if err := c.can(ctiproto.TypeSetForwarding); err != nil {
		return err
	}
	to := ""
	if t != nil {
		to = t.Dial
	}
	for _, d := range c.State().Devices {
		if _, err := c.request(ctx, &ctiproto.SetForwarding{Device: d.ID, To: to}); err != nil {
			return err
		}
	}
	return nil
}
