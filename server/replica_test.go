package server

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// Replicas fed the same inputs hold the same event at every seq: in a
// cluster a desk resumes on any node (node.go). A ring group answered on
// one phone retracts the others, and a reception watching every phone
// and a user with two ringing phones are told in one order everywhere
// (Go's map order once decided it: 17 of 50 replicas differed).
func TestReplicasNumberAlike(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	build := func() (*hub, *userLog, *userLog) {
		h := newHub(quietLog, nil)
		var devs []pbx.DeviceInfo
		for i := 1; i <= 5; i++ {
			devs = append(devs, pbx.DeviceInfo{ID: fmt.Sprint(200 + i), Registered: true})
		}
		// u1 owns 201 and 202 (desk phone + softphone), others one each.
		u1 := newUserLog("u1", "e", 100, []ctiproto.Device{{Device: "201", Registered: true}, {Device: "202", Registered: true}})
		h.addUser(u1, []string{"201", "202"})
		for i := 3; i <= 5; i++ {
			id := fmt.Sprint(200 + i)
			u := newUserLog("u"+id, "e", 100, []ctiproto.Device{{Device: id, Registered: true}})
			h.addUser(u, []string{id})
		}
		rec := newUserLog("rec", "e", 100, nil)
		h.addUser(rec, nil)
		p, err := newPresence(quietLog, []config.WatchGroup{{Name: "all", Users: []string{"rec"}, Devices: []string{"*"}}}, h.users, devs, nil, t0)
		if err != nil {
			t.Fatal(err)
		}
		h.presence = p
		if _, _, _, err := p.watch(rec, nil); err != nil {
			t.Fatal(err)
		}
		return h, u1, rec
	}
	feed := func(h *hub) {
		for i := 1; i <= 5; i++ {
			h.route(pbx.Event{Kind: pbx.EvDelivered, Time: t0.Add(time.Second), Call: "c1", Device: fmt.Sprint(200 + i),
				State: pbx.StateAlerting, Direction: pbx.Incoming, Other: pbx.Party{Number: "555"}})
		}
		h.route(pbx.Event{Kind: pbx.EvEstablished, Time: t0.Add(2 * time.Second), Call: "c1", Device: "205",
			State: pbx.StateConnected, AnsweredBy: "205", Direction: pbx.Incoming, Other: pbx.Party{Number: "555"}})
	}
	dump := func(u *userLog) string {
		u.mu.Lock()
		defer u.mu.Unlock()
		var b strings.Builder
		for _, e := range u.ring {
			b.WriteString(string(e.frame) + "\n")
		}
		return b.String()
	}
	var firstRec, firstU1 string
	diffRec, diffU1 := 0, 0
	for i := range 50 {
		h, u1, rec := build()
		feed(h)
		r, o := dump(rec), dump(u1)
		if i == 0 {
			firstRec, firstU1 = r, o
			continue
		}
		if r != firstRec {
			diffRec++
		}
		if o != firstU1 {
			diffU1++
		}
	}
	if diffRec+diffU1 > 0 {
		t.Logf("of 49 replicas: %d differ from the first in the watcher's log, %d in u1's log", diffRec, diffU1)
		t.Errorf("replicas disagree; first watcher log:\n%s", firstRec)
	}
}
