package sim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

func TestSlowConsumerNeverBlocks(t *testing.T) {
	// Far more events than the channel holds, nobody reading: the
	// exchange keeps going and the events come out complete, in order.
	r := newRig(t, nil)
	const n = 3 * pbx.EventBuffer
	for i := 0; i < n; i++ {
		id := r.ring("201")
		r.ok(r.x.Clear(r.ctx, id, "201"))
	}
	for i := 1; i <= n; i++ {
		want := callID(uint64(i))
		for _, kind := range []pbx.EventKind{pbx.EvDelivered, pbx.EvCleared} {
			if ev := r.next(); ev.Call != want || ev.Kind != kind {
				t.Fatalf("got %s %s, want %s %s", ev.Call, ev.Kind, want, kind)
			}
		}
	}
	r.quiet()
}

func TestClose(t *testing.T) {
	r := newRig(t, nil)
	id := r.ring("201")
	r.makeCall("202", "203")
	if r.clk.Pending() == 0 {
		t.Fatal("no timers armed")
	}
	r.ok(r.x.Close())
	if n := r.clk.Pending(); n != 0 {
		t.Fatalf("%d timers left after Close", n)
	}
	// The events queued before Close are still delivered, then the
	// channel closes.
	var kinds []pbx.EventKind
	for ev := range r.x.Events() {
		kinds = append(kinds, ev.Kind)
	}
	if len(kinds) != 2 {
		t.Fatalf("events after Close: %v", kinds)
	}
	ctx := context.Background()
	r.fails(r.x.Answer(ctx, id, "201"), pbx.ErrUnavailable)
	_, err := r.x.Ring(ctx, "201", pbx.Party{})
	r.fails(err, pbx.ErrUnavailable)
	_, err = r.x.Calls(ctx)
	r.fails(err, pbx.ErrUnavailable)
	_, err = r.x.Devices(ctx)
	r.fails(err, pbx.ErrUnavailable)
	r.fails(r.x.SetBehaviour("201", Behaviour{}), pbx.ErrUnavailable)
	r.ok(r.x.Close()) // again: harmless
}

func TestCloseWithStuckConsumer(t *testing.T) {
	r := newRig(t, nil)
	for i := 0; i < 2*pbx.EventBuffer; i++ {
		r.ring("201")
	}
	done := make(chan struct{})
	go func() { r.x.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close blocked on a consumer that does not read")
	}
	n := 0
	for range r.x.Events() {
		n++
	}
	if n != pbx.EventBuffer {
		t.Fatalf("%d events left in the channel, want a full buffer (%d)", n, pbx.EventBuffer)
	}
}

func TestCanceledContext(t *testing.T) {
	r := newRig(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.x.Ring(ctx, "201", pbx.Party{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	r.quiet()
}

func TestCapabilities(t *testing.T) {
	r := newRig(t, func(c *Config) { c.ParkSlots = []string{"701"} })
	caps := r.x.Capabilities()
	for _, s := range pbx.AllServices {
		if !caps[s] {
			t.Errorf("missing %s", s)
		}
	}
	// Without park slots there is nowhere to park: the desk greys it out.
	caps = newRig(t, nil).x.Capabilities()
	if caps[pbx.SvcPark] || caps[pbx.SvcUnpark] || !caps[pbx.SvcPickup] || !caps[pbx.SvcConsult] {
		t.Errorf("capabilities without park slots: %v", caps)
	}
}

// TestConcurrentUse runs many callers at once on the real clock, with a
// consumer reading; run it with -race.
func TestConcurrentUse(t *testing.T) {
	const workers, rounds = 8, 200
	cfg := Config{}
	for i := 0; i < workers; i++ {
		cfg.Devices = append(cfg.Devices, DeviceConfig{ID: fmt.Sprint(300 + i)})
	}
	x, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const want = workers * rounds * 4 // delivered, established, held, cleared
	all := make(chan struct{})
	go func() {
		n := 0
		for range x.Events() {
			if n++; n == want {
				close(all)
			}
		}
	}()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(dev string) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				id, err := x.Ring(ctx, dev, pbx.Party{Number: "+4930555"})
				if err == nil {
					err = x.Answer(ctx, id, dev)
				}
				if err == nil {
					err = x.Hold(ctx, id, dev)
				}
				if err == nil {
					err = x.HangupRemote(ctx, id)
				}
				if err != nil {
					t.Error(err)
					return
				}
				x.Calls(ctx)
			}
		}(cfg.Devices[w].ID)
	}
	wg.Wait()
	select {
	case <-all:
	case <-time.After(5 * time.Second):
		t.Fatal("not every event arrived")
	}
	x.Close()
}
