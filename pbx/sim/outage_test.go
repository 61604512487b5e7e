package sim

import (
	"context"
	"errors"
	"testing"

	"github.com/deskline/deskline/pbx"
)

func TestOutageAndRestore(t *testing.T) {
	ctx := context.Background()
	x, err := New(Config{Devices: []DeviceConfig{{ID: "201"}, {ID: "202"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	kept, err := x.Ring(ctx, "201", pbx.Party{Number: "+4930111"})
	if err != nil {
		t.Fatal(err)
	}
	<-x.Events() // delivered

	x.Outage("link lost", false)
	ev := <-x.Events()
	if ev.Kind != pbx.EvExchangeState || ev.Available || ev.Reason != "link lost" {
		t.Fatalf("outage event %+v", ev)
	}
	if _, err := x.MakeCall(ctx, "201", "202"); !errors.Is(err, pbx.ErrUnavailable) {
		t.Fatalf("MakeCall during outage: %v", err)
	}
	if _, err := x.Calls(ctx); !errors.Is(err, pbx.ErrUnavailable) {
		t.Fatalf("Calls during outage: %v", err)
	}
	x.Restore()
	if ev := <-x.Events(); ev.Kind != pbx.EvExchangeState || !ev.Available {
		t.Fatalf("restore event %+v", ev)
	}
	calls, _ := x.Calls(ctx)
	if len(calls) != 1 || calls[0].Call != kept {
		t.Fatalf("call not kept over an outage without loss: %+v", calls)
	}

	// A restart loses every call, silently.
	x.Outage("restart", true)
	<-x.Events()
	x.Restore()
	<-x.Events()
	if calls, _ := x.Calls(ctx); len(calls) != 0 {
		t.Fatalf("calls after a lossy restart: %+v", calls)
	}
	if err := x.Answer(ctx, kept, "201"); !errors.Is(err, pbx.ErrNoSuchCall) {
		t.Fatalf("answer of a lost call: %v", err)
	}
}
