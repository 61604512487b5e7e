package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/natstest"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// clusterHealth is the cluster part of a node's /healthz.
type clusterHealth struct {
	Status  string
	Role    string
	Epoch   string
	Cluster struct {
		Node, Holder string
		Fence        uint64
		NATS         bool
		Applied      uint64
	}
}

func nodeHealth(addr string) (clusterHealth, error) {
	var h clusterHealth
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	return h, json.NewDecoder(resp.Body).Decode(&h)
}

// clusterConfig is the demo office as node name of a cluster on nats
// (each test starts NATS servers of its own: the default stream and
// bucket names serve).
func clusterConfig(t *testing.T, name string, nats []string) *config.Config {
	cfg := config.Demo()
	cfg.Cluster.NATS = nats
	cfg.Cluster.Node = name
	cfg.Cluster.LeaseTTL = 2 * time.Second
	cfg.StateDir = t.TempDir()
	return cfg
}

// waitHolder waits until one of addrs says it holds the exchange and
// returns its index.
func waitHolder(t *testing.T, addrs []string, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for i, a := range addrs {
			if a == "" {
				continue
			}
			if h, err := nodeHealth(a); err == nil && h.Role == "holder" {
				return i
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no node holds the exchange after %v", d)
	return -1
}

// Three nodes on a three-server NATS cluster: a desk on a member gets the
// calls rung through another member's sim API; when the holder stops,
// another node holds the exchange within seconds, and a desk that moves
// to a third node resumes there with exactly the events it missed.
func TestClusterOfThree(t *testing.T) {
	nc := natstest.Start(t, 3)
	var addrs []string
	var stops []func()
	for i := range 3 {
		cfg := clusterConfig(t, fmt.Sprintf("node%d", i+1), nc.URLs())
		addr, stop := startNode(t, cfg)
		addrs, stops = append(addrs, addr), append(stops, stop)
	}
	h := waitHolder(t, addrs, 10*time.Second)
	m1, m2 := (h+1)%3, (h+2)%3
	hs := make([]clusterHealth, 3)
	for i, a := range addrs {
		var err error
		if hs[i], err = nodeHealth(a); err != nil {
			t.Fatal(err)
		}
	}
	if hs[0].Epoch == "" || hs[0].Epoch != hs[1].Epoch || hs[1].Epoch != hs[2].Epoch {
		t.Fatalf("the nodes' epochs differ: %q %q %q", hs[0].Epoch, hs[1].Epoch, hs[2].Epoch)
	}

	d := clusterDesk(t, addrs[m1], nil)
	call := simRing(t, addrs[m2], "201", "+4930111")
	ev := d.until(t, ctiproto.EventDelivered)
	if ev.Call != call {
		t.Fatalf("delivered %s, rang %s", ev.Call, call)
	}
	simHangup(t, addrs[m2], call)
	cleared := d.until(t, ctiproto.EventCleared)
	seq := cleared.Seq
	d.conn.Close()

	// The holder goes; another takes the exchange.
	t0 := time.Now()
	stops[h]()
	addrs[h] = ""
	h2 := waitHolder(t, addrs, 10*time.Second)
	t.Logf("node%d held the exchange %v after node%d stopped", h2+1, time.Since(t0).Round(time.Millisecond), h+1)

	// Missed while away: a ring and its hangup, through the new holder.
	call2 := simRing(t, addrs[h2], "201", "+4930222")
	simHangup(t, addrs[h2], call2)
	other := m1
	if other == h2 {
		other = m2
	}
	// With the token the first node issued: tokens live in the cluster.
	d2 := clusterDeskWith(t, addrs[other], &ctiproto.Hello{ID: "2", Token: d.welcome.Token, Client: "cluster test",
		Resume: &ctiproto.Resume{Epoch: d.welcome.Epoch, Seq: seq}})
	if !d2.welcome.Resumed {
		t.Fatalf("resume on another node refused: %s", d2.welcome.Resync)
	}
	got := d2.until(t, ctiproto.EventDelivered)
	if got.Call != call2 || got.Seq <= seq {
		t.Fatalf("first event after the resume: %s seq %d (want delivered of %s after seq %d)", got.Call, got.Seq, call2, seq)
	}
}

// clusterDesk logs in as demo, resuming when r is set.
func clusterDesk(t *testing.T, addr string, r *ctiproto.Resume) *resumingDesk {
	t.Helper()
	return clusterDeskWith(t, addr, &ctiproto.Hello{ID: "1", User: "demo", Password: "demo", Client: "cluster test", Resume: r})
}

// clusterDeskWith says hello and waits for the welcome.
func clusterDeskWith(t *testing.T, addr string, h *ctiproto.Hello) *resumingDesk {
	t.Helper()
	dl := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}}
	conn, _, err := dl.Dial("ws://"+addr+ctiproto.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	hello, _ := ctiproto.Encode(h)
	if err := conn.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	k := &resumingDesk{testDesk: testDesk{user: "demo", conn: conn}}
	w, ok := k.next(t).(*ctiproto.Welcome)
	if !ok {
		t.Fatal("no welcome")
	}
	k.welcome = w
	return k
}

type resumingDesk struct {
	testDesk
	welcome *ctiproto.Welcome
}

// sentAway reads until the node closes the connection with going away
// (1001: reconnect to another node), within 10 s.
func (k *resumingDesk) sentAway(t *testing.T) {
	t.Helper()
	k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := k.conn.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
				t.Fatalf("%s: %v, want going away", k.user, err)
			}
			return
		}
	}
}

// startNode runs serve on cfg on free loopback ports; stop stops it (and
// the test's end does, if it has not).
func startNode(t *testing.T, cfg *config.Config) (addr string, stop func()) {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	cfg.Admin.Listen = ""
	addr, _, stop = startServeStoppable(t, cfg)
	return addr, stop
}

// The holder cut off from NATS (every link to it through a proxy that
// the test cuts): it stops acting as the holder before another node
// starts, never two at once; its desks are sent to the others, and once
// healed it is a member that takes desks again.
func TestClusterHolderCutOff(t *testing.T) {
	nc := natstest.Start(t, 3)
	proxies, viaProxy := nc.Proxies(t)
	cfg := clusterConfig(t, "node1", viaProxy)
	a, _ := startNode(t, cfg)
	addrs := []string{a}
	if waitHolder(t, addrs, 10*time.Second) != 0 {
		t.Fatal("node1 does not hold the exchange")
	}
	for i := 2; i <= 3; i++ {
		cfg := clusterConfig(t, fmt.Sprintf("node%d", i), nc.URLs())
		addr, _ := startNode(t, cfg)
		addrs = append(addrs, addr)
	}
	d := clusterDesk(t, a, nil)

	for _, p := range proxies {
		p.Cut()
	}
	t0 := time.Now()
	var stopped, taken time.Duration
	for time.Since(t0) < 15*time.Second && taken == 0 {
		var holders []int
		for i, addr := range addrs {
			if h, err := nodeHealth(addr); err == nil && h.Role == "holder" {
				holders = append(holders, i+1)
			}
		}
		if len(holders) > 1 {
			t.Fatalf("two nodes hold the exchange at once: %v", holders)
		}
		if stopped == 0 && (len(holders) == 0 || holders[0] != 1) {
			stopped = time.Since(t0)
		}
		if len(holders) == 1 && holders[0] != 1 {
			taken = time.Since(t0)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if taken == 0 {
		t.Fatal("no other node took the exchange")
	}
	t.Logf("node1 stopped holding %v after the cut, another held it %v after", stopped.Round(time.Millisecond), taken.Round(time.Millisecond))

	d.sentAway(t) // within about a TTL
	if h, _ := nodeHealth(a); h.Role != "member" {
		t.Fatalf("node1 cut off says it is %q", h.Role)
	}
	for _, p := range proxies {
		p.Heal()
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		h, err := nodeHealth(a)
		if err == nil && h.Cluster.NATS && h.Role == "member" && h.Status != "isolated" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node1 after the heal: %+v %v", h, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	clusterDesk(t, a, nil) // takes desks again
}

// An entry of the log that does not decode (written by something else
// on the subjects) stops the node from serving, with 503 on /healthz and
// its desks sent away, rather than serving a state it can no longer keep.
func TestClusterLogEntryThatDoesNotDecode(t *testing.T) {
	nc := natstest.Start(t, 1)
	cfg := clusterConfig(t, "node1", nc.URLs())
	addr, _ := startNode(t, cfg)
	d := clusterDesk(t, addr, nil)
	conn, err := nats.Connect(nc.URLs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	js, _ := jetstream.New(conn)
	if _, err := js.Publish(context.Background(), cfg.Cluster.Name+".log.desk", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	d.sentAway(t)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz %d, want 503", resp.StatusCode)
	}
}

// When the log grows past log_roll_bytes the holder begins a new epoch:
// every node serves it (a node started after the roll too, from the new
// seed), a desk is sent to it and, resuming with the old epoch, gets a
// snapshot of the new one.
func TestClusterLogRollsOver(t *testing.T) {
	nc := natstest.Start(t, 1)
	cfg := clusterConfig(t, "node1", nc.URLs())
	cfg.Cluster.LogRollBytes = 64 << 10
	a, _ := startNode(t, cfg)
	d := clusterDesk(t, a, nil)
	first := d.welcome.Epoch
	closed := make(chan error, 1)
	go func() { // reads all along, as a desk does
		for {
			if _, _, err := d.conn.ReadMessage(); err != nil {
				closed <- err
				return
			}
		}
	}()
	var epoch string
	for i := 0; epoch == "" || epoch == first; i++ {
		if i > 2000 {
			t.Fatal("no new epoch after 2000 calls")
		}
		simHangup(t, a, simRing(t, a, "201", "+4930111"))
		if h, err := nodeHealth(a); err == nil {
			epoch = h.Epoch
		}
	}
	select {
	case err := <-closed:
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Fatalf("desk at the roll: %v, want going away", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the desk was not sent to the new epoch")
	}
	d2 := clusterDesk(t, a, &ctiproto.Resume{Epoch: first, Seq: 1})
	if d2.welcome.Resumed || d2.welcome.Resync != ctiproto.ResyncEpochChanged || d2.welcome.Epoch != epoch {
		t.Fatalf("resume across the roll: resumed %v resync %q epoch %q (new %q)", d2.welcome.Resumed, d2.welcome.Resync, d2.welcome.Epoch, epoch)
	}
	cfg2 := clusterConfig(t, "node2", nc.URLs())
	b, _ := startNode(t, cfg2)
	if h, err := nodeHealth(b); err != nil || h.Epoch != epoch {
		t.Fatalf("a node started after the roll: %+v %v, want epoch %q", h, err, epoch)
	}
}

// Nodes whose users or watch groups differ (a rolling change of the
// config) show different epochs: a desk moving between them takes a
// snapshot instead of resuming with events numbered otherwise.
func TestClusterNodesWithOtherConfigsDifferInEpoch(t *testing.T) {
	nc := natstest.Start(t, 1)
	cfg1 := clusterConfig(t, "node1", nc.URLs())
	a, _ := startNode(t, cfg1)
	cfg2 := clusterConfig(t, "node2", nc.URLs())
	cfg2.WatchGroups = nil // nobody may watch anybody here
	b, _ := startNode(t, cfg2)
	cfg3 := clusterConfig(t, "node3", nc.URLs())
	c, _ := startNode(t, cfg3)
	ha, _ := nodeHealth(a)
	hb, _ := nodeHealth(b)
	hc, _ := nodeHealth(c)
	if ha.Epoch == hb.Epoch || ha.Epoch != hc.Epoch {
		t.Fatalf("epochs: same config %q and %q, other config %q", ha.Epoch, hc.Epoch, hb.Epoch)
	}
	d := clusterDesk(t, a, nil)
	d2 := clusterDesk(t, b, &ctiproto.Resume{Epoch: d.welcome.Epoch, Seq: d.welcome.Seq})
	if d2.welcome.Resumed || d2.welcome.Resync != ctiproto.ResyncEpochChanged {
		t.Fatalf("resume across configs: resumed %v, resync %q", d2.welcome.Resumed, d2.welcome.Resync)
	}
}
