package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Kinds of log input.
const (
	// KindSeed begins an epoch: the exchange's state when the first
	// holder took the link, or when the holder rolled the log over
	// (rollBytes). A node builds its users from the last seed.
	KindSeed = "seed"
	// KindEvents is exchange events in order, appended as one (a busy
	// exchange's queue: Holder.pump).
	KindEvents = "events"
	// KindReconcile is the exchange's state after the link came (back)
	// up, on a new holder or after an outage: every node's hub tells its
	// users the difference.
	KindReconcile = "reconcile"
	// KindDesk is something a desk did that changes user logs (watch,
	// unwatch, set-note); it goes through the log so every node applies
	// it at the same point.
	KindDesk = "desk"
)

// Desk operations (DeskInput.Op).
const (
	OpWatch   = "watch"
	OpUnwatch = "unwatch"
	OpNote    = "note"
)

// HeaderFence carries the appending holder's fencing number.
const HeaderFence = "Deskline-Fence"

// Log limits.
const (
	// logMaxBytes bounds the stream on the NATS servers. A node replays
	// the log from its last seed, so that part is kept whole: a full
	// stream refuses new appends (DiscardNew) rather than drop the seed
	// a starting node needs. The holder rolls the log over (a new seed,
	// the older entries purged) long before: RollBytes.
	logMaxBytes = 1 << 30
	// RollBytes is the log's size at which the holder begins a new epoch
	// by default (config.DefaultLogRollBytes says why).
	RollBytes = config.DefaultLogRollBytes
	// dupWindow is how long the stream remembers message ids, so an
	// append retried after a lost acknowledgement is stored once.
	dupWindow = 2 * time.Minute
	// appendRetry is the pause between attempts of one append while the
	// stream elects a leader or the link reconnects.
	appendRetry = 100 * time.Millisecond
	// readExpiry is how long one pull for the log's next entries waits.
	// The reader's heartbeat is half of it, and a reader that misses two
	// starts over where it was: a node connected to a NATS server that
	// died hears the log again within about this long (nats.go's default,
	// 30 s with 5 s heartbeats, left a node deaf for 10 s and more).
	readExpiry = 2 * time.Second
)

// Input is one entry of the cluster's log.
type Input struct {
	Kind   string        `json:"kind"`
	Epoch  string        `json:"epoch,omitempty"`  // KindSeed
	Snap   *pbx.Snapshot `json:"snap,omitempty"`   // KindSeed, KindReconcile
	Event  *pbx.Event    `json:"event,omitempty"`  // KindReconcile: the exchange-state that came with it
	Events []pbx.Event   `json:"events,omitempty"` // KindEvents
	Desk   *DeskInput    `json:"desk,omitempty"`   // KindDesk
}

// DeskInput is a desk's watch, unwatch or set-note. Node and ID name the
// request whose session waits for the outcome on that node.
type DeskInput struct {
	Node string `json:"node"`
	ID   string `json:"id"`
	User string `json:"user"`
	Op   string `json:"op"`
	// OpWatch: the devices; nil watches every device the user may.
	Devices []string `json:"devices"`
	// OpNote:
	Call   string    `json:"call,omitempty"`
	Device string    `json:"device,omitempty"`
	Note   string    `json:"note,omitempty"`
	Time   time.Time `json:"time,omitzero"`
}

// Entry is one input read from the log.
type Entry struct {
	Seq   uint64 // the stream's sequence number
	Input Input
	// Stale: a holder's append whose fence is below the highest seen (a
	// holder that woke up after losing its lease): not to be applied,
	// only counted as read.
	Stale bool
}

// Log is the cluster's input log: the stream <NAME>_LOG.
type Log struct {
	n      *Node
	name   string
	exSubj string // <name>.log.exchange: the holder's appends
	sdSubj string // <name>.log.seed: the holder's seeds
	dkSubj string // <name>.log.desk: desks' inputs, from any node
}

// OpenLog creates the log's stream, or opens it as it is.
func OpenLog(ctx context.Context, n *Node) (*Log, error) {
	l := &Log{n: n, name: n.StreamName("LOG"), exSubj: n.Subject("log.exchange"), sdSubj: n.Subject("log.seed"),
		dkSubj: n.Subject("log.desk")}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err := n.JS.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        l.name,
		Description: "Deskline: the cluster's input log (the seed, exchange events, desks' inputs)",
		Subjects:    []string{n.Subject("log.>")},
		Storage:     jetstream.FileStorage,
		Replicas:    n.Replicas(),
		Retention:   jetstream.LimitsPolicy,
		MaxBytes:    logMaxBytes,
		Discard:     jetstream.DiscardNew,
		Duplicates:  dupWindow,
	})
	if err != nil {
		return nil, &Error{Op: "open stream", Target: l.name, Err: err}
	}
	return l, nil
}

// Name is the stream's name.
func (l *Log) Name() string { return l.name }

// AppendExchange appends the holder's in with its fence. id makes a
// retried append idempotent (the stream drops a repeated id within
// dupWindow). It retries until ctx ends: the holder's ctx ends when its
// lease does.
func (l *Log) AppendExchange(ctx context.Context, fence uint64, id string, in Input) (uint64, error) {
	subj := l.exSubj
	if in.Kind == KindSeed {
		subj = l.sdSubj
	}
	m := nats.NewMsg(subj)
	m.Header.Set(HeaderFence, strconv.FormatUint(fence, 10))
	return l.append(ctx, m, id, in)
}

// AppendDesk appends a desk's input, once (the desk's node answers the
// desk when it reads it back).
func (l *Log) AppendDesk(ctx context.Context, in Input) (uint64, error) {
	return l.append(ctx, nats.NewMsg(l.dkSubj), in.Desk.Node+"-"+in.Desk.ID, in)
}

func (l *Log) append(ctx context.Context, m *nats.Msg, id string, in Input) (uint64, error) {
	data, err := json.Marshal(in)
	if err != nil {
		return 0, &Error{Op: "encode " + in.Kind, Target: l.name, Err: err}
	}
	m.Data = data
	for {
		ack, err := l.n.JS.PublishMsg(ctx, m, jetstream.WithMsgID(id))
		if err == nil {
			return ack.Sequence, nil
		}
		if ctx.Err() != nil {
			return 0, &Error{Op: "append " + in.Kind, Target: l.name, Err: err}
		}
		select {
		case <-ctx.Done():
			return 0, &Error{Op: "append " + in.Kind, Target: l.name, Err: err}
		case <-time.After(appendRetry):
		}
	}
}

// Last is the sequence number of the log's last entry now (0: empty).
func (l *Log) Last(ctx context.Context) (uint64, error) {
	st, err := l.State(ctx)
	return st.LastSeq, err
}

// State is the stream's state now: its entries and bytes.
func (l *Log) State(ctx context.Context) (jetstream.StreamState, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	s, err := l.n.JS.Stream(ctx, l.name)
	if err != nil {
		return jetstream.StreamState{}, &Error{Op: "read stream", Target: l.name, Err: err}
	}
	info, err := s.Info(ctx)
	if err != nil {
		return jetstream.StreamState{}, &Error{Op: "read stream", Target: l.name, Err: err}
	}
	return info.State, nil
}

// LastSeed is the sequence number of the log's last seed (0: none yet).
func (l *Log) LastSeed(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	s, err := l.n.JS.Stream(ctx, l.name)
	if err != nil {
		return 0, &Error{Op: "read stream", Target: l.name, Err: err}
	}
	m, err := s.GetLastMsgForSubject(ctx, l.sdSubj)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, &Error{Op: "find the last seed in", Target: l.name, Err: err}
	}
	return m.Sequence, nil
}

// PurgeBefore drops the entries before seq (the seed of a new epoch).
func (l *Log) PurgeBefore(ctx context.Context, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	s, err := l.n.JS.Stream(ctx, l.name)
	if err == nil {
		err = s.Purge(ctx, jetstream.WithPurgeSequence(seq))
	}
	if err != nil {
		return &Error{Op: fmt.Sprintf("purge the entries before %d of", seq), Target: l.name, Err: err}
	}
	return nil
}

// Replay reads the log from the entry from (0: the last seed, or the
// first entry), in order, and calls apply for each until ctx ends; it
// returns ctx's error, or an error when the log cannot be read (the
// first entry is not a seed: the stream was cut, or an entry does not
// decode).
// An exchange append whose fence is below the highest seen (a holder that
// woke up after losing its lease) comes marked Stale. apply runs on
// Replay's goroutine, one entry at a time.
func (l *Log) Replay(ctx context.Context, from uint64, apply func(Entry)) error {
	if from == 0 {
		seed, err := l.LastSeed(ctx)
		if err != nil {
			return err
		}
		from = max(seed, 1)
	}
	cons, err := l.n.JS.OrderedConsumer(ctx, l.name, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   from,
	})
	if err != nil {
		return &Error{Op: "read", Target: l.name, Err: err}
	}
	it, err := cons.Messages(jetstream.PullExpiry(readExpiry))
	if err != nil {
		return &Error{Op: "read", Target: l.name, Err: err}
	}
	go func() { <-ctx.Done(); it.Stop() }()
	var fence uint64
	first := true
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return &Error{Op: "read", Target: l.name, Err: err}
			}
			continue // the ordered consumer re-creates itself
		}
		meta, err := m.Metadata()
		if err != nil {
			continue
		}
		var in Input
		if err := json.Unmarshal(m.Data(), &in); err != nil {
			return &Error{Op: fmt.Sprintf("decode entry %d of", meta.Sequence.Stream), Target: l.name, Err: err}
		}
		if first && in.Kind != KindSeed {
			return &Error{Op: "read", Target: l.name, Err: fmt.Errorf("entry %d is %q, not the seed of an epoch: the log was cut", meta.Sequence.Stream, in.Kind)}
		}
		first = false
		e := Entry{Seq: meta.Sequence.Stream, Input: in}
		if m.Subject() == l.exSubj || m.Subject() == l.sdSubj {
			f, _ := strconv.ParseUint(m.Headers().Get(HeaderFence), 10, 64)
			e.Stale = f < fence
			fence = max(fence, f)
		}
		apply(e)
	}
}
