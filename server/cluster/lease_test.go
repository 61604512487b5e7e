package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/server/config"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func testClusterConfig(cluster string, urls []string) config.Cluster {
	return config.Cluster{NATS: urls, Node: "n", Name: cluster}
}

func testNode(t *testing.T, name, cluster string, urls []string) *Node {
	t.Helper()
	c := testClusterConfig(cluster, urls)
	c.Node = name
	n, err := Connect(context.Background(), c, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// A holder whose NATS link is cut stops holding within TTL·3/4; another
// node holds the lease after the entry expired, with a higher fence; the
// two never hold it at once.
func TestLeaseTakeoverWhenTheHolderIsCutOff(t *testing.T) {
	nc := natstest.Start(t, 3)
	proxies, viaProxy := nc.Proxies(t)
	name := fmt.Sprintf("l%d", time.Now().UnixNano()%1e6)
	ttl := 2 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	a := testNode(t, "a", name, viaProxy)
	la, err := OpenLease(ctx, a, ttl)
	if err != nil {
		t.Fatal(err)
	}
	var holding atomic.Int32
	var fences [2]atomic.Uint64
	run := func(l *Lease, i int) {
		l.Run(ctx, func(hctx context.Context, fence uint64) {
			if holding.Add(1) > 1 {
				t.Errorf("two holders at once")
			}
			fences[i].Store(fence)
			<-hctx.Done()
			holding.Add(-1)
		})
	}
	go run(la, 0)
	waitFor(t, 10*time.Second, "a holds the lease", la.Valid)

	b := testNode(t, "b", name, nc.URLs())
	lb, err := OpenLease(ctx, b, ttl)
	if err != nil {
		t.Fatal(err)
	}
	go run(lb, 1)
	time.Sleep(ttl)
	if lb.Valid() {
		t.Fatal("b holds the lease while a does")
	}
	t0 := time.Now()
	for _, p := range proxies {
		p.Cut()
	}
	waitFor(t, ttl, "a stops holding", func() bool { return !la.Valid() })
	stopped := time.Since(t0)
	waitFor(t, 3*ttl, "b holds the lease", func() bool { return lb.Valid() && fences[1].Load() != 0 })
	t.Logf("a stopped %v after the cut; b held %v after", stopped.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	if fences[1].Load() <= fences[0].Load() {
		t.Fatalf("b's fence %d is not above a's %d", fences[1].Load(), fences[0].Load())
	}
	if h := lb.Holder(); h.Node != "b" {
		t.Fatalf("b says the holder is %+v", h)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
