package cluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/nats-io/nats.go"
)

// Holder limits.
const (
	// maxCommands bounds the commands the holder runs at once; more wait
	// in NATS's buffer for this subscription.
	maxCommands = 64
	// snapshotRetry is the pause between attempts to read the exchange's
	// state after taking the lease (an exchange still connecting).
	snapshotRetry = 500 * time.Millisecond
	// snapshotTimeout bounds one such attempt.
	snapshotTimeout = 10 * time.Second
	// beginWait bounds how long a new holder waits for its exchange to
	// answer before it gives the lease up: another node may reach the
	// PBX where this one cannot (a wrong secret in its config).
	beginWait = 30 * time.Second
	// maxBatch bounds the events of one append: some 100 KB, well
	// within NATS's 1 MB message limit.
	maxBatch = 256
	// flushWait bounds a stopping holder's last append.
	flushWait = 2 * time.Second
	// answerMargin is kept back from the asker's wait, so the holder's
	// answer reaches it before it gives up: a command the exchange
	// carried out is not reported as failed (and done twice on a retry).
	answerMargin = 200 * time.Millisecond
	// rollCheck is how often the holder looks at the log's size: a
	// stream-info request a second is nothing to NATS.
	rollCheck = time.Second
)

// Holder is the work of the node that holds the lease: it opens the
// exchange link, appends the exchange's events to the log and answers
// the other nodes' commands, for as long as its lease is valid.
type Holder struct {
	Node  *Node
	Lease *Lease
	Log   *Log
	// Open connects the exchange each time this node takes the lease; the
	// exchange is closed when the lease is lost.
	Open func(ctx context.Context) (pbx.Exchange, error)
	// RollBytes is the log's size at which the holder begins a new epoch
	// (config.Cluster.LogRollBytes; 0: RollBytes).
	RollBytes uint64
}

// Run campaigns for the lease and does the holder's work while this
// node holds it, until ctx ends.
func (h *Holder) Run(ctx context.Context) { h.Lease.Run(ctx, h.hold) }

func (h *Holder) hold(ctx context.Context, fence uint64) {
	log := h.Node.log.With("fence", fence)
	ex, err := h.Open(ctx)
	if err != nil {
		log.Error("cluster: the exchange link would not open; giving the lease up", "err", err)
		return
	}
	defer ex.Close()
	cmds, err := h.serve(ctx, ex)
	if err != nil {
		log.Error("cluster: cannot answer commands; giving the lease up", "err", err)
		return
	}
	defer cmds.stop()
	a := appender{h: h, fence: fence}
	if err := h.begin(ctx, ex, &a); err != nil {
		if ctx.Err() == nil {
			log.Error("cluster: giving the lease up", "err", err)
		}
		return
	}
	defer h.flush(ex, &a, cmds, log)
	check := time.NewTicker(rollCheck)
	defer check.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-check.C:
			if err := h.rollIfFull(ctx, ex, &a); err != nil {
				log.Error("cluster: the log was not rolled over", "err", err)
			}
		case ev, ok := <-ex.Events():
			if !ok {
				log.Error("cluster: the exchange closed its events; giving the lease up")
				return
			}
			if err := h.pump(ctx, ex, &a, ev, log); err != nil {
				return
			}
		}
	}
}

// pump appends ev and every event queued behind it, up to maxBatch, as
// one entry: one acknowledgement from the stream's replicas for the lot,
// so the log keeps up with a busy exchange (one append per event waited
// ~0.4 ms for its acknowledgement and capped a cluster at some 700
// events a second). An exchange-state saying the link is back ends the
// batch and goes as a reconcile of its own.
func (h *Holder) pump(ctx context.Context, ex pbx.Exchange, a *appender, ev pbx.Event, log *slog.Logger) error {
	batch := make([]pbx.Event, 0, 16)
	for {
		if ev.Kind == pbx.EvExchangeState && ev.Available {
			if err := a.events(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			if err := h.restored(ctx, ex, a, ev, log); err != nil {
				return err
			}
		} else {
			batch = append(batch, ev)
		}
		if len(batch) == maxBatch {
			break
		}
		var ok bool
		select {
		case ev, ok = <-ex.Events():
			if ok {
				continue
			}
		default:
		}
		break
	}
	return a.events(ctx, batch)
}

// restored appends the exchange's return with its state then, which
// every node reconciles with. One try: an exchange that drops again at
// once says so in its next event, which must not wait behind retries.
func (h *Holder) restored(ctx context.Context, ex pbx.Exchange, a *appender, ev pbx.Event, log *slog.Logger) error {
	sctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	snap, err := pbx.TakeSnapshot(sctx, ex)
	cancel()
	if err != nil {
		log.Warn("cluster: the exchange is back but did not say what is true; told without a reconcile", "err", err)
		return a.events(ctx, []pbx.Event{ev})
	}
	_, err = a.append(ctx, Input{Kind: KindReconcile, Event: &ev, Snap: &snap})
	return err
}

// flush appends what the exchange has queued when the holder stops on
// purpose (a SIGTERM, a rolling restart) while its lease is still valid:
// the events of the last commands it carried out reach the log before
// another node takes over. A lost lease flushes nothing (a.append
// refuses).
func (h *Holder) flush(ex pbx.Exchange, a *appender, cmds *commands, log *slog.Logger) {
	if !h.Lease.Valid() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushWait)
	defer cancel()
	cmds.stop() // no new command; those running finish first
	if !cmds.wait(ctx) {
		log.Warn("cluster: commands still running as the holder stops")
	}
	var batch []pbx.Event
queued:
	for {
		select {
		case ev, ok := <-ex.Events():
			if !ok {
				break queued
			}
			if ev.Kind != pbx.EvExchangeState { // the link going down as the holder stops: not news
				batch = append(batch, ev)
			}
		default:
			break queued
		}
	}
	if err := a.events(ctx, batch); err != nil {
		log.Warn("cluster: the exchange's last events were not appended", "events", len(batch), "err", err)
	}
}

// begin appends the seed of a new epoch when the log has none, or else
// the exchange's state as this new holder finds it, which every node
// reconciles with; then the events the exchange queued meanwhile. An
// exchange that does not answer within beginWait makes it give up.
func (h *Holder) begin(ctx context.Context, ex pbx.Exchange, a *appender) error {
	bctx, cancel := context.WithTimeout(ctx, beginWait)
	snap, err := snapshot(bctx, ex)
	cancel()
	if err != nil {
		return fmt.Errorf("cluster: the exchange did not answer within %v: %w", beginWait, err)
	}
	queued := drainQueued(ex)
	seed, err := h.Log.LastSeed(ctx)
	if err != nil {
		return err
	}
	if seed == 0 {
		h.Node.log.Info("cluster: the log is empty: this node begins an epoch")
		_, err = a.append(ctx, Input{Kind: KindSeed, Epoch: newEpoch(), Snap: &snap})
	} else {
		ev := pbx.Event{Kind: pbx.EvExchangeState, Time: snap.Time, Available: true}
		_, err = a.append(ctx, Input{Kind: KindReconcile, Event: &ev, Snap: &snap})
	}
	if err != nil {
		return err
	}
	return a.events(ctx, queued)
}

// drainQueued takes the events an exchange just opened has queued. The
// state events among them are the link coming up ("connecting", then
// "available"), which the snapshot just taken supersedes: only a last
// one saying the link is down again is kept.
func drainQueued(ex pbx.Exchange) []pbx.Event {
	var out []pbx.Event
	var state *pbx.Event
	for {
		select {
		case ev, ok := <-ex.Events():
			if !ok {
				return out
			}
			if ev.Kind == pbx.EvExchangeState {
				state = &ev
				continue
			}
			out = append(out, ev)
		default:
			if state != nil && !state.Available {
				out = append(out, *state)
			}
			return out
		}
	}
}

// rollIfFull begins a new epoch when the log has grown past RollBytes:
// it appends a seed with the exchange's state now and purges what came
// before. Every node then starts over from the new seed. When an
// earlier roll's purge failed it only purges again: a new seed each time
// would send every desk to a new epoch every second.
func (h *Holder) rollIfFull(ctx context.Context, ex pbx.Exchange, a *appender) error {
	st, err := h.Log.State(ctx)
	if err != nil {
		return err
	}
	last, err := h.Log.LastSeed(ctx)
	if err != nil {
		return err
	}
	if last > st.FirstSeq {
		return h.purge(last)
	}
	if st.Bytes < cmp.Or(h.RollBytes, RollBytes) {
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	snap, err := pbx.TakeSnapshot(sctx, ex)
	cancel()
	if err != nil {
		return err // not while the exchange is away: tried again in a second
	}
	epoch := newEpoch()
	seq, err := a.append(ctx, Input{Kind: KindSeed, Epoch: epoch, Snap: &snap})
	if err != nil {
		return err
	}
	h.Node.log.Info("cluster: the log rolled over to a new epoch", "epoch", epoch, "entries", st.Msgs, "bytes", st.Bytes, "seed", seq)
	return h.purge(seq)
}

// purge drops the entries before seed, while the lease is valid.
func (h *Holder) purge(seed uint64) error {
	if !h.Lease.Valid() {
		return &Error{Op: "purge", Target: h.Log.Name(), Err: errors.New("the lease is no longer valid")}
	}
	return h.Log.PurgeBefore(context.Background(), seed)
}

// appender appends one holder's inputs, each with an id made of the
// fence and a count, and only while the lease is valid.
type appender struct {
	h     *Holder
	fence uint64
	n     uint64
}

// events appends a batch of exchange events as one entry (none: nothing).
func (a *appender) events(ctx context.Context, batch []pbx.Event) error {
	if len(batch) == 0 {
		return nil
	}
	_, err := a.append(ctx, Input{Kind: KindEvents, Events: batch})
	return err
}

func (a *appender) append(ctx context.Context, in Input) (uint64, error) {
	if !a.h.Lease.Valid() {
		return 0, &Error{Op: "append " + in.Kind, Target: a.h.Log.Name(), Err: fmt.Errorf("the lease (fence %d) is no longer valid", a.fence)}
	}
	a.n++
	return a.h.Log.AppendExchange(ctx, a.fence, fmt.Sprintf("x-%d-%d", a.fence, a.n), in)
}

// snapshot reads the exchange's state, trying again until it answers or
// ctx ends.
func snapshot(ctx context.Context, ex pbx.Exchange) (pbx.Snapshot, error) {
	for {
		sctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
		snap, err := pbx.TakeSnapshot(sctx, ex)
		cancel()
		if err == nil {
			return snap, nil
		}
		select {
		case <-ctx.Done():
			return snap, ctx.Err()
		case <-time.After(snapshotRetry):
		}
	}
}

// commands is the holder's subscription to the other nodes' commands.
type commands struct {
	sub   *nats.Subscription
	slots chan struct{} // one per command running
}

// stop takes no more commands.
func (c *commands) stop() { _ = c.sub.Unsubscribe() }

// wait waits until no command runs, or ctx ends (false).
func (c *commands) wait(ctx context.Context) bool {
	for range cap(c.slots) {
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// serve answers the commands of every node while the lease is valid. A
// command that arrives when it is not is left unanswered: a holder that
// lost its lease must not act, and the asking node hears from the new
// holder (or times out).
func (h *Holder) serve(ctx context.Context, ex pbx.Exchange) (*commands, error) {
	c := &commands{slots: make(chan struct{}, maxCommands)}
	sub, err := h.Node.NC.Subscribe(h.Node.Subject("exchange.cmd"), func(m *nats.Msg) {
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		go func() {
			defer func() { <-c.slots }()
			var cmd command
			if err := json.Unmarshal(m.Data, &cmd); err != nil {
				reply(m, failed(fmt.Errorf("cluster: a command that is not JSON: %v", err)))
				return
			}
			if !h.Lease.Valid() {
				return
			}
			cctx, cancel := context.WithTimeout(ctx, max(cmd.Wait-answerMargin, cmd.Wait/2))
			defer cancel()
			reply(m, run(cctx, ex, cmd))
		}()
	})
	if err != nil {
		return nil, err
	}
	c.sub = sub
	return c, nil
}

func reply(m *nats.Msg, a answer) {
	data, err := json.Marshal(a)
	if err != nil {
		slog.Error("cluster: answer not encoded", "err", err)
		return
	}
	_ = m.Respond(data)
}

// run carries c out on ex.
func run(ctx context.Context, ex pbx.Exchange, c command) answer {
	var a answer
	var err error
	switch c.Op {
	case opDevices:
		a.Devices, err = ex.Devices(ctx)
	case opCalls:
		a.Calls, err = ex.Calls(ctx)
	case opParked:
		a.Parked, err = ex.Parked(ctx)
	case string(pbx.SvcMakeCall):
		a.Call, err = ex.MakeCall(ctx, c.Device, c.To)
	case string(pbx.SvcAnswer):
		err = ex.Answer(ctx, c.Call, c.Device)
	case string(pbx.SvcClear):
		err = ex.Clear(ctx, c.Call, c.Device)
	case string(pbx.SvcHold):
		err = ex.Hold(ctx, c.Call, c.Device)
	case string(pbx.SvcRetrieve):
		err = ex.Retrieve(ctx, c.Call, c.Device)
	case string(pbx.SvcTransfer):
		err = ex.Transfer(ctx, c.Call, c.Device, c.To)
	case string(pbx.SvcDeflect):
		err = ex.Deflect(ctx, c.Call, c.Device, c.To)
	case string(pbx.SvcDoNotDisturb):
		err = ex.SetDND(ctx, c.Device, c.On)
	case string(pbx.SvcForwarding):
		err = ex.SetForwarding(ctx, c.Device, c.To)
	case string(pbx.SvcPickup):
		a.Call, err = ex.Pickup(ctx, c.Call, c.Device, c.From)
	case string(pbx.SvcConsult):
		a.Call, err = ex.Consult(ctx, c.Call, c.Device, c.To, c.NoAnswer)
	case opComplete:
		err = ex.CompleteConsult(ctx, c.Call, c.Device)
	case opCancel:
		err = ex.CancelConsult(ctx, c.Call, c.Device)
	case opSwap:
		err = ex.SwapConsult(ctx, c.Call, c.Device)
	case string(pbx.SvcPark):
		a.Slot, err = ex.Park(ctx, c.Call, c.Device, c.Slot)
	case string(pbx.SvcUnpark):
		a.Call, err = ex.Unpark(ctx, c.Slot, c.Device, c.Call)
	case opSimRing, opSimCall, opSimHangup:
		a, err = runSim(ctx, ex, c)
	default:
		err = fmt.Errorf("cluster: unknown command %q: %w", c.Op, pbx.ErrNotSupported)
	}
	if err != nil {
		return failed(err)
	}
	return a
}

// runSim carries out a sim API command on the holder's simulated exchange.
func runSim(ctx context.Context, ex pbx.Exchange, c command) (answer, error) {
	sx, ok := ex.(*sim.Exchange)
	if !ok {
		return answer{}, fmt.Errorf("cluster: %s: the exchange is not the simulated one: %w", c.Op, pbx.ErrNotSupported)
	}
	var a answer
	var err error
	switch c.Op {
	case opSimRing:
		a.Call, err = sx.Ring(ctx, c.Device, pbx.Party{Number: c.From, Name: c.Name})
	case opSimCall:
		a.Call, err = sx.Call(ctx, c.Device, c.To)
	case opSimHangup:
		err = sx.HangupRemote(ctx, c.Call)
	}
	return a, err
}

// newEpoch names a new epoch: when it began, and random.
func newEpoch() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + base32.StdEncoding.EncodeToString(b[:])
}
