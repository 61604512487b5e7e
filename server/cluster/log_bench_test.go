package cluster

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/pbx"
)

// BenchmarkAppend: the holder's append of one exchange event to a log
// replicated on three NATS servers, one at a time as the holder appends
// (each waits for the stream's acknowledgement).
func BenchmarkAppend(b *testing.B) {
	l := benchLog(b, 3)
	ev := Input{Kind: KindEvents, Events: []pbx.Event{{Kind: pbx.EvDelivered, Time: time.Now(), Call: "c-1234567890", Device: "201",
		State: pbx.StateAlerting, Direction: pbx.Incoming, Other: pbx.Party{Number: "+4930123456", Name: "Jane Doe"}}}}
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := l.AppendExchange(ctx, 1, fmt.Sprint(i), ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkReplay: a node reading the log back, as a starting node does.
func BenchmarkReplay(b *testing.B) {
	l := benchLog(b, 1)
	ctx := context.Background()
	if _, err := l.AppendExchange(ctx, 1, "seed", Input{Kind: KindSeed, Epoch: "e", Snap: &pbx.Snapshot{}}); err != nil {
		b.Fatal(err)
	}
	ev := Input{Kind: KindEvents, Events: []pbx.Event{{Kind: pbx.EvDelivered, Time: time.Now(), Call: "c-1234567890", Device: "201"}}}
	for i := range b.N {
		if _, err := l.AppendExchange(ctx, 1, fmt.Sprint(i), ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	rctx, cancel := context.WithCancel(ctx)
	got := 0
	_ = l.Replay(rctx, 0, func(Entry) {
		got++
		if got == b.N+1 {
			cancel()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// benchLog opens a log of its own on a NATS cluster of servers.
func benchLog(b *testing.B, servers int) *Log {
	b.Helper()
	nc := natstest.Start(b, servers)
	n, err := Connect(context.Background(), testClusterConfig(fmt.Sprintf("b%d", time.Now().UnixNano()%1e9), nc.URLs()), quiet)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(n.Close)
	l, err := OpenLog(context.Background(), n)
	if err != nil {
		b.Fatal(err)
	}
	return l
}
