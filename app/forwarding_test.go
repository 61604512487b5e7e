package app

import (
	"context"
	"errors"
	"testing"
)

// Forwarding on the real server: the exchange forwards ann's phone to
// the number she chose, normalised, until she stops it; offline it is
// refused at once.
func TestSetForwarding(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ctx := context.Background()
	to, err := ann.PrepareDial("0170 5550100")
	if err != nil {
		t.Fatal(err)
	}
	if err := ann.SetForwarding(ctx, &to); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("forwarding on", func(s State) bool { return len(s.Devices) == 1 && s.Devices[0].ForwardTo == "+491705550100" })
	if err := ann.SetForwarding(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("forwarding off", func(s State) bool { return s.Devices[0].ForwardTo == "" })
	o.stop()
	ann.waitFor("disconnected", func(s State) bool { return s.Status != StatusConnected })
	if err := ann.SetForwarding(ctx, &to); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("forwarding while offline: %v", err)
	}
}
