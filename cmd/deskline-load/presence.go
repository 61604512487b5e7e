package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// Presence (-watchers N, PROTOCOL.md section 15): clients 0…N-1 are a
// reception's switchboards. Their users may watch every device, parties
// shown; once every client is connected (and the server's memory sampled)
// each sends watch and takes the whole list (result and presence-list
// parts), the memory is sampled again, and the load runs: call k rings
// and hangs up device k mod -clients, so that no two calls overlap at a
// device and each ring and each hang-up is exactly one presence change
// (idle → ringing → idle), which every watcher must get once, in order.
// Latency is now − the event's time, which the exchange stamps when the
// change happens (same clock: one machine).

// watchID is the id of the watchers' watch request.
const watchID = "watch"

// watchWait bounds the wait for every watcher's list.
const watchWait = 60 * time.Second

// presenceState is what one watcher saw; its reader owns every field but
// the atomics.
type presenceState struct {
	devices      int // presence entries received in the list
	parts        int // presence_parts of the watch result
	partsSeen    int
	listFrames   int
	listBytes    int64
	listSeq      uint64
	listDone     atomic.Bool
	delivered    atomic.Int64 // presence events with a new seq
	outOfOrder   int64        // a device's event older than the one before it
	repeated     int64        // a device told the same status twice running
	badDevice    int64        // a presence event of a device that is no client's
	lastTime     []int64      // by device index: the last event's time (unix ns)
	lastStatus   []string     // by device index
	lat          []time.Duration
	firstInvalid string
}

func newPresenceState(devices int) *presenceState {
	return &presenceState{lastTime: make([]int64, devices), lastStatus: make([]string, devices)}
}

// deviceIndex is the client index of device id 2001…, or -1.
func deviceIndex(id string, n int) int {
	v, err := strconv.Atoi(id)
	if err != nil || v < 2001 || v-2001 >= n {
		return -1
	}
	return v - 2001
}

// list takes the watch result or a presence-list part; true when m was one.
func (p *presenceState) list(m ctiproto.Message, size int) bool {
	switch m := m.(type) {
	case *ctiproto.Result:
		if m.ID != watchID {
			return false
		}
		p.devices, p.parts, p.listFrames, p.listBytes = len(m.Presence), m.PresenceParts, 1, int64(size)
		if m.Seq != nil {
			p.listSeq = *m.Seq
		}
	case *ctiproto.PresenceList:
		p.partsSeen++
		p.devices += len(m.Presence)
		p.listFrames++
		p.listBytes += int64(size)
		if m.Seq != p.listSeq || m.Part != p.partsSeen {
			p.firstInvalid = fmt.Sprintf("presence-list part %d seq %d after part %d of seq %d", m.Part, m.Seq, p.partsSeen-1, p.listSeq)
		}
	default:
		return false
	}
	if p.partsSeen == p.parts {
		p.listDone.Store(true)
	}
	return true
}

// event takes a presence event with a new seq, received at now.
func (p *presenceState) event(ev *ctiproto.Event, now time.Time) {
	p.delivered.Add(1)
	p.lat = append(p.lat, now.Sub(ev.Time))
	i := deviceIndex(ev.Presence.Device, len(p.lastTime))
	if i < 0 {
		p.badDevice++
		return
	}
	t := ev.Time.UnixNano()
	if t < p.lastTime[i] {
		p.outOfOrder++
	}
	if ev.Presence.Status == p.lastStatus[i] {
		p.repeated++
	}
	p.lastTime[i] = max(p.lastTime[i], t)
	p.lastStatus[i] = ev.Presence.Status
}

// fullDecodeEvery is how often a watcher decodes a presence event with
// the strict decoder rather than fastPresence: a watcher of 10,000
// devices reads a thousand frames a second, and decoding each the strict
// way cost the tool more CPU than the server spent sending them (it
// shares the two cores with the server).
const fullDecodeEvery = 64

// presencePrefix starts every presence event as ctiproto encodes it.
var presencePrefix = []byte(`{"type":"presence","seq":`)

// fastPresence takes a presence event by picking out its seq, time,
// device and status, without decoding the rest; false when data is not
// one (or is the one in fullDecodeEvery decoded in full), to be handled
// the ordinary way.
func (c *client) fastPresence(data []byte, now time.Time) bool {
	if !bytes.HasPrefix(data, presencePrefix) || c.pres.delivered.Load()%fullDecodeEvery == 0 {
		return false
	}
	rest := data[len(presencePrefix):]
	end := bytes.IndexByte(rest, ',')
	seq, err := strconv.ParseUint(string(rest[:max(end, 0)]), 10, 64)
	ts, okT := stringMember(rest, `"time":"`)
	dev, okD := stringMember(rest, `"device":"`)
	st, okS := stringMember(rest, `"status":"`)
	t, errT := time.Parse(time.RFC3339Nano, ts)
	if err != nil || !okT || !okD || !okS || errT != nil {
		return false // the strict decoder says what is wrong
	}
	ev := &ctiproto.Event{Type: ctiproto.EventPresence, Seq: seq, Time: t,
		Presence: &ctiproto.Presence{Device: dev, Status: st}}
	switch {
	case seq <= c.lastSeq:
		c.dup++
		return true
	case seq > c.lastSeq+1:
		c.lost += int64(seq - c.lastSeq - 1)
	}
	c.frame(ev.Type, len(data))
	c.lastSeq, c.lastRecv = seq, now
	c.pres.event(ev, now)
	return true
}

// stringMember is the value of the first string member that starts with
// key (`"name":"`) in data; ids, statuses and times need no unescaping.
func stringMember(data []byte, key string) (string, bool) {
	i := bytes.Index(data, []byte(key))
	if i < 0 {
		return "", false
	}
	v := data[i+len(key):]
	j := bytes.IndexByte(v, '"')
	if j < 0 || bytes.IndexByte(v[:j], '\\') >= 0 {
		return "", false
	}
	return string(v[:j]), true
}

// PresenceFigures are the presence run's: the watchers' lists, what the
// load's changes cost them, and their memory.
type PresenceFigures struct {
	Watchers    int     `json:"watchers"`
	Devices     int     `json:"devices"`      // each watches every one
	ListSeconds float64 `json:"list_seconds"` // from sending every watch to the last list complete
	ListsDone   int     `json:"lists_done"`   // watchers with a whole list
	ListDevices int64   `json:"list_devices"` // presence entries in them, summed
	ListFrames  float64 `json:"list_frames"`  // frames per list (result and parts), mean
	ListBytes   float64 `json:"list_bytes"`   // bytes per list, mean
	// Changes is the presence changes the load made (one per ring, one
	// per hang-up): each watcher must get each once.
	Changes    int64   `json:"changes"`
	PerSecond  float64 `json:"changes_per_s"`
	Expected   int64   `json:"expected"` // Changes × Watchers
	Delivered  int64   `json:"delivered"`
	Missing    int64   `json:"missing"`
	Unexpected int64   `json:"unexpected"`
	OutOfOrder int64   `json:"out_of_order"` // a device's event older than the one before it
	Repeated   int64   `json:"repeated"`     // the same status twice running: a duplicate or a lost change
	BadDevice  int64   `json:"bad_device"`
	Latency    Latency `json:"latency_ms"` // exchange event → watcher receipt
	RSSIdleKB  int64   `json:"rss_without_watch_kb"`
	RSSWatchKB int64   `json:"rss_watching_kb"`
	PerWatcher float64 `json:"rss_per_watcher_kb"`
	Invalid    string  `json:"invalid,omitempty"`
}

// watchPhase makes every watcher send watch and waits for every list;
// then it samples the server's memory.
func watchPhase(ctx context.Context, srv *serverProc, f *fleet, o options, rep *Report, progress io.Writer) error {
	fig := &PresenceFigures{Watchers: o.Watchers, Devices: o.Clients, RSSIdleKB: rep.Server.RSSIdleKB}
	rep.Presence = fig
	fmt.Fprintf(progress, "presence: %d watchers send watch (every one of %d devices)…\n", o.Watchers, o.Clients)
	frame, err := ctiproto.Encode(&ctiproto.Watch{ID: watchID})
	if err != nil {
		return err
	}
	start := time.Now()
	for _, c := range f.clients[:o.Watchers] {
		conn := c.current()
		conn.SetWriteDeadline(time.Now().Add(welcomeTimeout))
		if err := conn.WriteMessage(websocket.TextMessage, frame); err != nil {
			return fmt.Errorf("presence: watch from %s: %w", userName(c.idx), err)
		}
	}
	deadline := time.Now().Add(watchWait)
	for f.listsDone() < o.Watchers && time.Now().Before(deadline) && ctx.Err() == nil {
		sleep(ctx, 10*time.Millisecond)
	}
	fig.ListSeconds = time.Since(start).Seconds()
	if n := f.listsDone(); n < o.Watchers {
		return fmt.Errorf("presence: %d of %d watchers got their whole list within %s", n, o.Watchers, watchWait)
	}
	fmt.Fprintf(progress, "presence: every list in %.2fs\n", fig.ListSeconds)
	fig.RSSWatchKB = srv.settledRSS(ctx, o.Settle)
	fig.PerWatcher = float64(fig.RSSWatchKB-fig.RSSIdleKB) / float64(o.Watchers)
	return nil
}

// listsDone counts the watchers whose list is complete.
func (f *fleet) listsDone() int {
	n := 0
	for _, c := range f.clients {
		if c.pres != nil && c.pres.listDone.Load() {
			n++
		}
	}
	return n
}

// presenceReceived says whether every watcher has want presence events.
func (f *fleet) presenceReceived(want int64) bool {
	for _, c := range f.clients {
		if c.pres != nil && c.pres.delivered.Load() < want {
			return false
		}
	}
	return true
}

// finishPresence sums the watchers up once their readers have ended.
func (r *Report) finishPresence(f *fleet, changes int64) {
	p := r.Presence
	if p == nil {
		return
	}
	p.Changes = changes
	if r.Calls.LoadSeconds > 0 {
		p.PerSecond = float64(changes) / r.Calls.LoadSeconds
	}
	var lat []time.Duration
	frames, bytes := 0, int64(0)
	for _, c := range f.clients {
		s := c.pres
		if s == nil {
			continue
		}
		if s.listDone.Load() {
			p.ListsDone++
		}
		p.ListDevices += int64(s.devices)
		frames += s.listFrames
		bytes += s.listBytes
		got := s.delivered.Load()
		p.Expected += changes
		p.Delivered += got
		p.Missing += max(changes-got, 0)
		p.Unexpected += max(got-changes, 0)
		p.OutOfOrder += s.outOfOrder
		p.Repeated += s.repeated
		p.BadDevice += s.badDevice
		if p.Invalid == "" {
			p.Invalid = s.firstInvalid
		}
		lat = append(lat, s.lat...)
	}
	p.ListFrames = float64(frames) / float64(p.Watchers)
	p.ListBytes = float64(bytes) / float64(p.Watchers)
	slices.Sort(lat)
	p.Latency = latencyOf(lat)
	var why []string
	if p.ListsDone != p.Watchers || p.ListDevices != int64(p.Watchers*p.Devices) {
		why = append(why, fmt.Sprintf("%d of %d lists whole, %d entries (want %d)", p.ListsDone, p.Watchers, p.ListDevices, p.Watchers*p.Devices))
	}
	if p.Missing+p.Unexpected+p.OutOfOrder+p.Repeated+p.BadDevice > 0 {
		why = append(why, fmt.Sprintf("%d missing, %d unexpected, %d out of order, %d repeated, %d of unknown devices",
			p.Missing, p.Unexpected, p.OutOfOrder, p.Repeated, p.BadDevice))
	}
	if p.Invalid != "" {
		why = append(why, p.Invalid)
	}
	// The baseline's queues overflow before Deskline's at 200,000 frames
	// a second on two cores: that is a figure of the floor (its
	// report shows it), not a failure of the run.
	if len(why) > 0 && !r.baseline {
		r.problem("presence: %s", strings.Join(why, "; "))
	}
}

// writePresence prints the presence figures.
func (r *Report) writePresence(b *strings.Builder) {
	p := r.Presence
	if p == nil {
		return
	}
	fmt.Fprintf(b, "presence:           %d watchers of all %d devices; lists in %.2fs, %.1f frames and %.0f bytes each (%d whole)\n",
		p.Watchers, p.Devices, p.ListSeconds, p.ListFrames, p.ListBytes, p.ListsDone)
	fmt.Fprintf(b, "                    %d changes (%.0f/s): expected %d, delivered %d, missing %d, unexpected %d, out of order %d, repeated %d\n",
		p.Changes, p.PerSecond, p.Expected, p.Delivered, p.Missing, p.Unexpected, p.OutOfOrder, p.Repeated)
	l := p.Latency
	fmt.Fprintf(b, "presence lat. (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d samples)\n",
		l.P50, l.P90, l.P99, l.P999, l.Max, l.Samples)
	fmt.Fprintf(b, "presence memory:    RSS %d KB without watchers, %d KB watching: %.1f KB per watcher\n",
		p.RSSIdleKB, p.RSSWatchKB, p.PerWatcher)
}
