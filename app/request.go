package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/deskline/deskline/ctiproto"
)

// request sends a command and waits for its result. An error reply is an
// *ActionError naming the action.
func (c *Client) request(ctx context.Context, m ctiproto.Message) (*ctiproto.Result, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, commandTimeout)
		defer cancel()
	}
	c.mu.Lock()
	l := c.link
	if l == nil || c.state.Status != StatusConnected {
		c.mu.Unlock()
		return nil, ErrNotConnected
	}
	l.next++
	id := fmt.Sprint("r", l.next)
	ctiproto.SetRequestID(m, id)
	ch := make(chan reply, 1)
	l.pending[id] = ch
	c.mu.Unlock()
	frame, err := ctiproto.Encode(m)
	if err == nil {
		select {
		case l.out <- frame:
		case <-l.done:
			err = ErrConnectionLost
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err == nil {
		select {
		case r := <-ch:
			return r.res, named(r.err, m.MessageType())
		case <-l.done:
			err = ErrConnectionLost
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	c.mu.Lock()
	delete(l.pending, id)
	c.mu.Unlock()
	return nil, err
}

// named puts the action's name on a server refusal.
func named(err error, action string) error {
	var ae *ActionError
	if errors.As(err, &ae) && ae.Action == "" {
		ae.Action = action
	}
	return err
}
