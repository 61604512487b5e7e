package server

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// recorder is a subscriber without a socket: the hub and log logic are
// tested through it.
type recorder struct {
	frames [][]byte
	proto  string // "" speaks the newest version
}

func (r *recorder) deliver(f []byte, _ int64) { r.frames = append(r.frames, f) }

func (r *recorder) protocol() string { return r.proto }

func seqOf(t *testing.T, frame []byte) uint64 {
	t.Helper()
	m, err := ctiproto.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*ctiproto.Event).Seq
}

func ringEvent(call string) ctiproto.Event {
	return ctiproto.Event{Type: ctiproto.EventDelivered, Time: time.Now(), Call: call, Device: "201",
		State: "alerting", Direction: "incoming", Other: &ctiproto.Party{Number: "+4930"}}
}

// The ring buffer keeps exactly the newest events, in order, across many
// wraparounds, and resume decides by it.
func TestUserLogRingAndResume(t *testing.T) {
	for _, capacity := range []int{1, 2, 3, 7, 16} {
		u := newUserLog("ann", "E", capacity, []ctiproto.Device{{Device: "201"}})
		for n := 1; n <= 40; n++ {
			u.publish(ringEvent(fmt.Sprint("c", n)), 0)
			oldest := uint64(max(1, n-capacity+1))
			if got := u.oldest(); got != oldest {
				t.Fatalf("cap %d after %d: oldest %d, want %d", capacity, n, got, oldest)
			}
			for from := oldest - 1; from <= uint64(n); from++ {
				a := u.attach(&recorder{}, &ctiproto.Resume{Epoch: "E", Seq: from})
				if !a.resumed || len(a.replay) != n-int(from) {
					t.Fatalf("cap %d after %d: resume from %d: resumed %v, %d frames", capacity, n, from, a.resumed, len(a.replay))
				}
				for i, f := range a.replay {
					if got := seqOf(t, f); got != from+uint64(i)+1 {
						t.Fatalf("cap %d: replay[%d] seq %d, want %d", capacity, i, got, from+uint64(i)+1)
					}
				}
			}
			if oldest > 1 {
				if a := u.attach(&recorder{}, &ctiproto.Resume{Epoch: "E", Seq: oldest - 2}); a.resumed || a.resync != ctiproto.ResyncGapTooOld {
					t.Fatalf("cap %d: gap accepted", capacity)
				}
			}
		}
	}
}

// Live delivery goes to every attached subscriber, none after detach.
func TestUserLogFanOut(t *testing.T) {
	u := newUserLog("ann", "E", 8, nil)
	a, b := &recorder{}, &recorder{}
	u.attach(a, nil)
	u.attach(b, nil)
	u.publish(ringEvent("c1"), 0)
	u.detach(b)
	u.publish(ringEvent("c2"), 0)
	if len(a.frames) != 2 || len(b.frames) != 1 {
		t.Fatalf("a got %d, b got %d", len(a.frames), len(b.frames))
	}
}

func benchHub(users int) (*hub, []*recorder) {
	h := newHub(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	recs := make([]*recorder, users)
	for i := range users {
		dev := fmt.Sprint(2000 + i)
		u := newUserLog(fmt.Sprint("u", i), "E", 4096, []ctiproto.Device{{Device: dev}})
		h.addUser(u, []string{dev})
		recs[i] = &recorder{}
		u.attach(recs[i], nil)
	}
	p, err := newPresence(h.log, nil, h.users, nil, nil, time.Now())
	if err != nil {
		panic(err)
	}
	h.presence = p // route applies every event to presence too
	return h, recs
}

// BenchmarkRoute is the server's per-event hot path: an exchange event is
// translated, numbered, encoded, logged, folded into the user's state and
// handed to the user's session. One op = one call ringing and clearing.
func BenchmarkRoute(b *testing.B) {
	h, recs := benchHub(1000)
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		dev := fmt.Sprint(2000 + i%1000)
		call := pbx.CallID(fmt.Sprint("c-", i))
		h.route(pbx.Event{Kind: pbx.EvDelivered, Time: now, Call: call, Device: dev, State: pbx.StateAlerting,
			Direction: pbx.Incoming, Other: pbx.Party{Number: "+49301234567", Name: "Jane Doe"}})
		h.route(pbx.Event{Kind: pbx.EvCleared, Time: now, Call: call, Device: dev, State: pbx.StateCleared,
			Direction: pbx.Incoming, Cause: pbx.CauseNormal, Other: pbx.Party{Number: "+49301234567", Name: "Jane Doe"}})
		if i%1000 == 999 {
			for _, r := range recs {
				r.frames = r.frames[:0]
			}
		}
	}
}

// BenchmarkEncodeEntry is the cost of logging one event for both protocol
// versions: an event without v2 members is encoded once, one with a queue
// twice (its v1 frame leaves the queue out).
func BenchmarkEncodeEntry(b *testing.B) {
	plain := ringEvent("c-1")
	queued := ringEvent("c-2")
	queued.Queue = &ctiproto.Queue{Name: "Sales", Number: "600", Joined: queued.Time}
	for _, bc := range []struct {
		name string
		ev   ctiproto.Event
	}{{"plain", plain}, {"queue", queued}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeEntry(&bc.ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
