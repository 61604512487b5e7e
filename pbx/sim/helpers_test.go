package sim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// t0 is when every manual clock starts.
var t0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

const jane = "+49301234567(Jane Doe)" // how Ring's default caller is shown

// testConfig: four people, a marker device used to sync the event stream
// (see quiet), and a ring group. Calls are numbered, so tests name them.
func testConfig() Config {
	return Config{
		SequentialIDs: true,
		Devices: []DeviceConfig{
			{ID: "201", Name: "Alice"}, {ID: "202", Name: "Bob"},
			{ID: "203", Name: "Carol"}, {ID: "204", Name: "Dave"},
			{ID: "299", Name: "Marker"},
		},
		Groups: []Group{{Number: "600", Name: "Sales", Members: []string{"202", "203", "204"}}},
	}
}

// rig is an exchange on a manual clock with helpers that fail the test.
type rig struct {
	t   *testing.T
	x   *Exchange
	clk *ManualClock
	ctx context.Context
}

func newRig(t *testing.T, edit func(*Config)) *rig {
	t.Helper()
	clk := NewManualClock(t0)
	cfg := testConfig()
	cfg.Clock = clk
	if edit != nil {
		edit(&cfg)
	}
	x, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return &rig{t: t, x: x, clk: clk, ctx: context.Background()}
}

// next waits up to 2s for the next event.
func (r *rig) next() pbx.Event {
	r.t.Helper()
	select {
	case ev, ok := <-r.x.Events():
		if !ok {
			r.t.Fatal("events channel closed")
		}
		return ev
	case <-time.After(2 * time.Second):
		r.t.Fatal("no event within 2s")
	}
	return pbx.Event{}
}

// expect reads len(want) events, compares them in their format form and
// checks that call events belong to id, then that nothing else follows.
func (r *rig) expect(id pbx.CallID, want ...string) {
	r.t.Helper()
	for i, w := range want {
		ev := r.next()
		if got := format(ev); got != w {
			r.t.Fatalf("event %d:\n got %s\nwant %s", i+1, got, w)
		}
		if ev.Kind != pbx.EvDeviceState && ev.Call != id {
			r.t.Fatalf("event %d (%s): call %q, want %q", i+1, w, ev.Call, id)
		}
		if ev.Time.IsZero() {
			r.t.Fatalf("event %d (%s): no time", i+1, w)
		}
	}
	r.quiet()
}

// expectMixed is expect for events of several calls: each wanted line
// starts with the call's id ("c-000001 held 201 …").
func (r *rig) expectMixed(want ...string) {
	r.t.Helper()
	for i, w := range want {
		ev := r.next()
		if got := string(ev.Call) + " " + format(ev); got != w {
			r.t.Fatalf("event %d:\n got %s\nwant %s", i+1, got, w)
		}
	}
	r.quiet()
}

// quiet checks that no event is pending, without sleeping: it has the
// exchange emit a marker and requires it to be the next event.
func (r *rig) quiet() {
	r.t.Helper()
	r.ok(r.x.SetRegistered(r.ctx, "299", true))
	if ev := r.next(); ev.Kind != pbx.EvDeviceState || ev.Device != "299" {
		r.t.Fatalf("unexpected event %s", format(ev))
	}
}

func (r *rig) ok(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

// fails checks that err wraps want and is prefixed "sim: ".
func (r *rig) fails(err, want error) {
	r.t.Helper()
	if !errors.Is(err, want) {
		r.t.Fatalf("error %v, want %v", err, want)
	}
	if !strings.HasPrefix(err.Error(), "sim: ") {
		r.t.Fatalf("error %q does not start with \"sim: \"", err)
	}
}

// ring has Jane Doe call to from outside.
func (r *rig) ring(to string) pbx.CallID {
	r.t.Helper()
	id, err := r.x.Ring(r.ctx, to, pbx.Party{Number: "+49 30 1234567", Name: "Jane Doe"})
	r.ok(err)
	return id
}

func (r *rig) call(from, to string) pbx.CallID {
	r.t.Helper()
	id, err := r.x.Call(r.ctx, from, to)
	r.ok(err)
	return id
}

func (r *rig) makeCall(device, to string) pbx.CallID {
	r.t.Helper()
	id, err := r.x.MakeCall(r.ctx, device, to)
	r.ok(err)
	return id
}

// calls returns Calls() in format form.
func (r *rig) calls() []string {
	r.t.Helper()
	cs, err := r.x.Calls(r.ctx)
	r.ok(err)
	out := []string{}
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s %s other=%s since=%s answered=%t",
			c.Call, c.Device, c.State, dir(c.Direction), party(c.Other), c.Since.Sub(t0), c.Answered))
	}
	return out
}

func (r *rig) expectCalls(want ...string) {
	r.t.Helper()
	got := r.calls()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		r.t.Fatalf("Calls():\n got %q\nwant %q", got, want)
	}
}

// format renders an event compactly, omitting empty fields:
// "kind device state dir other=number(name) cause=… answeredBy=… by=… to=…".
func format(ev pbx.Event) string {
	s := fmt.Sprintf("%s %s", ev.Kind, ev.Device)
	add := func(cond bool, f string, args ...any) {
		if cond {
			s += " " + fmt.Sprintf(f, args...)
		}
	}
	add(ev.State != "", "%s", ev.State)
	add(ev.Direction != "", "%s", dir(ev.Direction))
	add(ev.Other != pbx.Party{}, "other=%s", party(ev.Other))
	add(ev.Cause != "", "cause=%s", ev.Cause)
	add(ev.AnsweredBy != "", "answeredBy=%s", ev.AnsweredBy)
	add(ev.By != "", "by=%s", ev.By)
	add(ev.To != "", "to=%s", ev.To)
	add(ev.Kind == pbx.EvTransferred && ev.NewCall != ev.Call, "new=%q", ev.NewCall)
	if p := ev.Park; p != nil {
		s += fmt.Sprintf(" slot=%s caller=%s parkedBy=%s since=%s", p.Slot, party(p.Caller), p.ParkedBy, p.Since.Sub(t0))
	}
	if d := ev.DeviceState; d != nil {
		s += fmt.Sprintf(" dnd=%t fwd=%q reg=%t", d.DND, d.ForwardTo, d.Registered)
	}
	return s
}

func dir(d pbx.Direction) string {
	if d == pbx.Incoming {
		return "in"
	}
	return "out"
}

func party(p pbx.Party) string {
	if p.Name == "" {
		return p.Number
	}
	return p.Number + "(" + p.Name + ")"
}
