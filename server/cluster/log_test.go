package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/pbx"
)

// openTestLog opens a log of its own on the cluster nc.
func openTestLog(t *testing.T, nc *natstest.Cluster) (*Node, *Log) {
	t.Helper()
	n := testNode(t, "n", fmt.Sprintf("g%d", time.Now().UnixNano()%1e9), nc.URLs())
	l, err := OpenLog(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return n, l
}

// replayAll replays l until it has applied want entries (or 10 s pass).
func replayAll(t *testing.T, l *Log, want int) ([]Entry, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []Entry
	err := l.Replay(ctx, 0, func(e Entry) {
		got = append(got, e)
		if len(got) == want {
			cancel()
		}
	})
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return got, err
}

// The log replays in order from the seed; an append of a holder whose
// fence is below one already seen (a holder that woke up after losing
// its lease) is skipped; a retried append with the same id is stored once.
func TestLogReplaySkipsStaleFences(t *testing.T) {
	nc := natstest.Start(t, 1)
	_, l := openTestLog(t, nc)
	ctx := context.Background()
	ev := func(call string) Input {
		return Input{Kind: KindEvents, Events: []pbx.Event{{Kind: pbx.EvDelivered, Call: pbx.CallID(call), Device: "201"}}}
	}
	must := func(_ uint64, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.AppendExchange(ctx, 5, "x-5-1", Input{Kind: KindSeed, Epoch: "e1", Snap: &pbx.Snapshot{}}))
	must(l.AppendExchange(ctx, 5, "x-5-2", ev("a")))
	must(l.AppendExchange(ctx, 5, "x-5-2", ev("a"))) // retried: the same id
	must(l.AppendExchange(ctx, 7, "x-7-1", ev("b")))
	must(l.AppendExchange(ctx, 5, "x-5-3", ev("stale")))
	must(l.AppendDesk(ctx, Input{Kind: KindDesk, Desk: &DeskInput{Node: "n", ID: "1", User: "ann", Op: OpUnwatch}}))
	must(l.AppendExchange(ctx, 7, "x-7-2", ev("c")))
	if last, err := l.Last(ctx); err != nil || last != 6 {
		t.Fatalf("last = %d, %v; want 6 entries stored", last, err)
	}
	got, err := replayAll(t, l, 6)
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, e := range got {
		if e.Stale {
			continue
		}
		switch {
		case len(e.Input.Events) > 0:
			calls = append(calls, string(e.Input.Events[0].Call))
		default:
			calls = append(calls, e.Input.Kind)
		}
	}
	if fmt.Sprint(calls) != "[seed a b desk c]" {
		t.Fatalf("replayed %v", calls)
	}
}

// A log that does not begin with a seed (cut by its limits, or written
// by something else) is refused with an error naming the stream.
func TestLogWithoutSeed(t *testing.T) {
	nc := natstest.Start(t, 1)
	_, l := openTestLog(t, nc)
	if _, err := l.AppendExchange(context.Background(), 1, "x", Input{Kind: KindEvents, Events: []pbx.Event{{}}}); err != nil {
		t.Fatal(err)
	}
	_, err := replayAll(t, l, 1)
	var ce *Error
	if !errors.As(err, &ce) || ce.Target != l.Name() {
		t.Fatalf("replay of a log without a seed: %v", err)
	}
	t.Log(err)
}
