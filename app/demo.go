package app

import (
	"context"
	"errors"
)

// DemoCaller is a caller from the bundled demo address book.
type DemoCaller struct {
	Number string // as the exchange presents it, e.g. "+49 40 32901142"
	Name   string // caller id name the exchange sends
}

// Demo drives the demo server's simulated exchange (its sim API, loopback
// only) so a new user sees a screen pop within a minute of `make run`.
type Demo struct{}

// NewDemo is a stub (being written).
func NewDemo(serverURL string) (*Demo, error) { return &Demo{}, nil }

// Ring is a stub (being written).
func (d *Demo) Ring(ctx context.Context, device string) (DemoCaller, error) {
	return DemoCaller{}, errors.New("app: demo: not written yet")
}
