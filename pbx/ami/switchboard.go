package ami

import (
	"context"
	"fmt"
	"time"

	"github.com/deskline/deskline/pbx"
)

// The switchboard's services (issue 15) that this connector does not do
// yet (pickup is in pickup.go, park in park.go): they are left out of Capabilities, so a
// desk greys them out, and refused here with pbx.ErrNotSupported should a
// caller try anyway.

func notYet(svc pbx.Service) error {
	return fmt.Errorf("ami: %s: %w", svc, pbx.ErrNotSupported)
}

// Consult is not supported yet (Atxfer; see docs/asterisk.md).
func (x *Exchange) Consult(context.Context, pbx.CallID, string, string, time.Duration) (pbx.CallID, error) {
	return "", notYet(pbx.SvcConsult)
}

// CompleteConsult is not supported yet.
func (x *Exchange) CompleteConsult(context.Context, pbx.CallID, string) error {
	return notYet(pbx.SvcConsult)
}

// CancelConsult is not supported yet.
func (x *Exchange) CancelConsult(context.Context, pbx.CallID, string) error {
	return notYet(pbx.SvcConsult)
}

// SwapConsult is not supported yet.
func (x *Exchange) SwapConsult(context.Context, pbx.CallID, string) error {
	return notYet(pbx.SvcConsult)
}
