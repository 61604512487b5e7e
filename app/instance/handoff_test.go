package instance

import (
	"errors"
	"strings"
	"testing"
)

// The first process claims; a second hands its links over and learns to
// exit (nil Instance, nil error); after the first quits, a third claims.
func TestClaimOrHandOff(t *testing.T) {
	path := instancePath(t)
	got := make(chan []string, 4)
	first, err := ClaimOrHandOff(path, []string{"ignored"}, func(args []string) { got <- args })
	if err != nil || first == nil {
		t.Fatalf("first: %v, %v; want a claimed instance", first, err)
	}
	second, err := ClaimOrHandOff(path, []string{"tel:201"}, func([]string) { t.Error("second process got a hand-off") })
	if err != nil || second != nil {
		t.Fatalf("second: %v, %v; want nil, nil (handed over)", second, err)
	}
	receive(t, got, []string{"tel:201"})
	first.Close()
	third, err := ClaimOrHandOff(path, nil, func([]string) {})
	if err != nil || third == nil {
		t.Fatalf("after the first quit: %v, %v; want a claimed instance", third, err)
	}
	third.Close()
}

// An error that is not "already running" is no reason to hand off: it is
// returned, saying what could not be made sure.
func TestClaimOrHandOffBadPath(t *testing.T) {
	path := "/" + strings.Repeat("d", maxSocketPathLen)
	inst, err := ClaimOrHandOff(path, nil, func([]string) {})
	if inst != nil || err == nil || errors.Is(err, ErrRunning) ||
		!strings.HasPrefix(err.Error(), "cannot make sure Deskline runs only once: ") {
		t.Fatalf("too long a path: %v, %v", inst, err)
	}
}
