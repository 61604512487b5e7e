package sim

import (
	"testing"
	"time"
)

func TestManualClock(t *testing.T) {
	c := NewManualClock(t0)
	var got []string
	at := func(name string) func() {
		return func() { got = append(got, name+"@"+c.Now().Sub(t0).String()) }
	}
	c.AfterFunc(2*time.Second, at("b"))
	c.AfterFunc(time.Second, at("a"))
	c.AfterFunc(2*time.Second, at("c")) // same time as b: creation order
	stopped := c.AfterFunc(time.Second, at("never"))
	c.AfterFunc(time.Second, func() {
		c.AfterFunc(500*time.Millisecond, at("nested")) // due inside the window
	})
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should report true once, then false")
	}
	if c.Pending() != 4 {
		t.Fatalf("Pending %d, want 4", c.Pending())
	}
	c.Advance(1999 * time.Millisecond)
	c.Advance(time.Millisecond)
	want := []string{"a@1s", "nested@1.5s", "b@2s", "c@2s"}
	if len(got) != len(want) {
		t.Fatalf("fired %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %q, want %q", got, want)
		}
	}
	if !c.Now().Equal(t0.Add(2*time.Second)) || c.Pending() != 0 {
		t.Fatalf("now %v, pending %d", c.Now(), c.Pending())
	}
	fired := c.AfterFunc(0, func() {})
	c.Advance(0)
	if fired.Stop() {
		t.Fatal("Stop of a fired timer reported true")
	}
}

func TestSystemClock(t *testing.T) {
	done := make(chan struct{})
	systemClock{}.AfterFunc(time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("system clock timer did not fire")
	}
}
