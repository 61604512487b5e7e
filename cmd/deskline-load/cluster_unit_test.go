package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeNodes are HTTP servers answering /healthz with a role each can
// change, and the sim API's calls list, as a cluster's nodes would.
func fakeNodes(t *testing.T, n int) (*nodeSet, []*atomic.Value) {
	t.Helper()
	ns := &nodeSet{http: &http.Client{Timeout: healthPollTimeout}, sim: &failoverState{}}
	var roles []*atomic.Value
	for i := range n {
		role := &atomic.Value{}
		role.Store(roleMember)
		roles = append(roles, role)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/healthz":
				fmt.Fprintf(w, `{"status":"ok","role":%q,"cluster":{"node":%q,"nats":true}}`, role.Load(), nodeName(i))
			case "/v1/sim/calls":
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"calls":[]}`)
			default:
				http.NotFound(w, r)
			}
		}))
		t.Cleanup(srv.Close)
		ns.nodes = append(ns.nodes, &serverProc{addr: strings.TrimPrefix(srv.URL, "http://")})
	}
	return ns, roles
}

// TestFailoverMovesOn: the sim API goes to the next node when one
// refuses connections, and stays there.
func TestFailoverMovesOn(t *testing.T) {
	ns, _ := fakeNodes(t, 2)
	dead, _ := freeAddr() // nothing listens here
	ns.nodes[0].addr = dead
	api := ns.simClient(2)
	defer api.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 3 {
		if _, err := api.Calls(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := ns.sim.cur.Load(); got != 1 {
		t.Errorf("sim API on node %d, want 1 (the live one)", got)
	}
}

// TestWatchSeesTwoHolders: the watch records who says holder, its
// changes, and a round where two say it at once.
func TestWatchSeesTwoHolders(t *testing.T) {
	ns, roles := fakeNodes(t, 3)
	roles[0].Store(roleHolder)
	w := watchHolders(ns)
	defer w.stop()
	waitFor(t, func() bool { return w.holder() == "n1" })
	t0 := time.Now()
	roles[0].Store(roleMember)
	waitFor(t, func() bool { return w.holder() == "" })
	roles[1].Store(roleHolder)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, at, ok := w.waitHolder(ctx, "n1", 5*time.Second)
	if !ok || h != "n2" || at.Before(t0) {
		t.Fatalf("new holder %q at %v (%v)", h, at, ok)
	}
	if stopped, ok := w.firstAfter(t0, notHolder("n1")); !ok || stopped.After(at) {
		t.Errorf("n1 stopped at %v, n2 started at %v: want stopped first", stopped, at)
	}
	roles[2].Store(roleHolder)
	waitFor(t, func() bool { return w.holder() == "" })
	w.stop()
	var fig ClusterFigures
	w.record(&fig)
	if fig.MaxHolders != 2 || fig.TwoHolders == 0 || !strings.Contains(fig.TwoHoldersFirst, "n2 and n3") {
		t.Errorf("two holders not seen: %+v", fig)
	}
	var seq []string
	for _, c := range fig.HolderChanges {
		seq = append(seq, c.Holders)
	}
	if got := strings.Join(seq, ","); got != "n1,,n2,n2+n3" {
		t.Errorf("holder changes %q", got)
	}
}

// TestClientsSpreadAndMove: client i starts on node i mod N and moves on
// to the next node at each attempt after that.
func TestClientsSpreadAndMove(t *testing.T) {
	f := &fleet{nodes: []string{"a", "b", "c"}}
	for i := range 4 {
		f.clients = append(f.clients, newClient(i, false))
	}
	var first []string
	for _, c := range f.clients {
		first = append(first, f.firstURL(c))
	}
	if got := strings.Join(first, ""); got != "abca" {
		t.Errorf("first nodes %q, want abca", got)
	}
	if got := f.onNode(0); len(got) != 2 || got[0] != 0 || got[1] != 3 {
		t.Errorf("on node a: %v", got)
	}
	c := f.clients[2]
	if a, b := f.nextURL(c), f.nextURL(c); a+b != "ab" {
		t.Errorf("client 2 moved to %s then %s, want a then b", a, b)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(watchPoll)
	}
}

// TestJudgeFault pins each cluster mode's requirement.
func TestJudgeFault(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
		ft         FaultFigures
		bad        bool
	}{
		{"takeover in time", modeKillHolder, FaultFigures{TakeoverSeconds: 3.2, Desks: 10, Back: BackTimes{Back: 10}}, false},
		{"takeover late", modeKillHolder, FaultFigures{TakeoverSeconds: 5.5, Desks: 10, Back: BackTimes{Back: 10}}, true},
		{"no takeover", modeKillHolder, FaultFigures{TakeoverSeconds: -1, Desks: 10, Back: BackTimes{Back: 10}}, true},
		{"desks not back", modeKillHolder, FaultFigures{TakeoverSeconds: 3, Desks: 10, Back: BackTimes{Back: 9}}, true},
		{"99% within 5 s", modeKillNode, FaultFigures{BackWithin: 0.99}, false},
		{"98% within 5 s", modeKillNode, FaultFigures{BackWithin: 0.98}, true},
		{"holder kept", modeKillNATS, FaultFigures{HolderAfter: "n1"}, false},
		{"no holder", modeKillNATS, FaultFigures{}, true},
		{"stopped first", modePartition, FaultFigures{TakeoverSeconds: 3, OldStoppedSeconds: 2}, false},
		{"started first", modePartition, FaultFigures{TakeoverSeconds: 2, OldStoppedSeconds: 3}, true},
		{"never stopped", modePartition, FaultFigures{TakeoverSeconds: 2, OldStoppedSeconds: -1}, true},
		{"all restarted", modeRolling, FaultFigures{Restarts: make([]NodeRestart, 3), Desks: 5, Back: BackTimes{Back: 5}}, false},
		{"one not restarted", modeRolling, FaultFigures{Restarts: make([]NodeRestart, 2), Desks: 5, Back: BackTimes{Back: 5}}, true},
	} {
		r := &Report{Mode: tc.mode, Cluster: &ClusterFigures{Nodes: make([]NodeFigures, 3)}}
		r.judgeFault(&tc.ft)
		if bad := len(r.Problems) > 0; bad != tc.bad {
			t.Errorf("%s %s: problems %q, want a problem: %v", tc.mode, tc.name, r.Problems, tc.bad)
		}
	}
}
