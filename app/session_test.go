package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
)

// A call from a number stored in another form rings: the state shows it
// with its contact; when the caller gives up it is a missed call.
func TestRingingCallShowsContactThenMissed(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	s := ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	if s.DisplayName != "Ann Archer" || len(s.Devices) != 1 || !s.Can("answer") || s.Keyring != "" {
		t.Fatalf("state after login: %+v", s)
	}
	call := string(o.ring("201", "0301234567", "ACME RECEPTION"))
	s = ann.waitFor("the ringing call", func(s State) bool { return len(s.Ringing()) == 1 })
	c := s.Ringing()[0]
	if c.ID != call || c.Contact == nil || c.Contact.DisplayName() != "Jane Doe" || c.Display != "Jane Doe" ||
		c.Phone == nil || c.Contact.Organization != "Acme GmbH" {
		t.Fatalf("ringing call %+v", c)
	}
	if err := o.Sim.HangupRemote(context.Background(), c2id(call)); err != nil {
		t.Fatal(err)
	}
	s = ann.waitFor("missed call", func(s State) bool { return len(s.Calls) == 0 && s.MissedUnseen == 1 })
	e := ann.journal.Entries()[0]
	if e.Outcome != journal.OutcomeMissed || e.Name != "Jane Doe" || e.Direction != "incoming" {
		t.Fatalf("journal entry %+v", e)
	}
	if err := ann.MarkMissedSeen(); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("missed seen", func(s State) bool { return s.MissedUnseen == 0 })
}

// Answered on a colleague's phone: the popup goes away at once and the
// journal says so, not "missed".
func TestAnsweredElsewhereClears(t *testing.T) {
	o := newOffice(t)
	ann, bob := o.desk("ann"), o.desk("bob")
	ann.login()
	bob.login()
	call := string(o.ring("600", "+4989123456", ""))
	ann.waitFor("ringing at ann", func(s State) bool { return len(s.Ringing()) == 1 })
	bob.waitFor("ringing at bob", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := bob.Answer(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("cleared at ann", func(s State) bool { return len(s.Calls) == 0 })
	if s := bob.waitFor("bob talking", func(s State) bool { return len(s.Calls) == 1 && s.Calls[0].Answered }); s.Calls[0].Contact == nil {
		t.Fatalf("bob's call has no contact: %+v", s.Calls[0])
	}
	if e := ann.journal.Entries(); len(e) != 1 || e[0].Outcome != journal.OutcomeAnsweredElsewhere || ann.State().MissedUnseen != 0 {
		t.Fatalf("ann's journal %+v", e)
	}
}

// The server is killed and restarted mid-call. With the exchange keeping
// the call, the desk shows it still ringing and then its end; with an
// exchange that lost it, the desk drops it: no ghost call either way.
func TestServerRestartMidCall(t *testing.T) {
	for _, lose := range []bool{false, true} {
		t.Run(map[bool]string{false: "call survives", true: "call lost"}[lose], func(t *testing.T) {
			o := newOffice(t)
			ann := o.desk("ann")
			ann.login()
			call := string(o.ring("201", "+49301234567", ""))
			ann.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
			connects := ann.entered(StatusConnected)
			o.restart(lose)
			ann.waitEntered(StatusConnected, connects)
			s := ann.waitFor("reconnected", func(s State) bool { return s.Status == StatusConnected })
			if lose {
				ann.waitFor("ghost gone", func(s State) bool { return len(s.Calls) == 0 })
				if e := ann.journal.Entries(); len(e) != 1 || e[0].Outcome != journal.OutcomeMissed {
					t.Fatalf("journal %+v", e)
				}
				return
			}
			if c, ok := callIn(s, call); !ok || c.State != "alerting" {
				t.Fatalf("after restart: %+v", s.Calls)
			}
			if err := o.Sim.HangupRemote(context.Background(), c2id(call)); err != nil {
				t.Fatal(err)
			}
			ann.waitFor("hang-up seen", func(s State) bool { return len(s.Calls) == 0 })
			if e := ann.journal.Entries(); len(e) != 1 || e[0].Outcome != journal.OutcomeMissed || e[0].Cause != "normal" {
				t.Fatalf("journal %+v", e)
			}
		})
	}
}

// A dropped connection resumes: every event is applied once, in order,
// including those that happened while the desk was away.
func TestDroppedConnectionResumes(t *testing.T) {
	o := newOffice(t)
	var seqs []uint64
	ann := o.desk("ann")
	ann.Client.onEvent = func(ev *ctiproto.Event) { seqs = append(seqs, ev.Seq) }
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	for round := range 3 {
		call := o.ring("201", "+49301234567", "")
		ann.waitFor("ringing", func(s State) bool { return len(s.Calls) == 1 })
		ann.dropLink()
		o.Sim.HangupRemote(context.Background(), call) // while away
		o.ring("201", "+4989123456", "")               // and another rings
		s := ann.waitFor("resumed", func(s State) bool {
			return s.Status == StatusConnected && len(s.Calls) == 1 && s.Calls[0].Number == "+4989123456"
		})
		o.Sim.HangupRemote(context.Background(), c2id(s.Calls[0].ID))
		ann.waitFor("idle", func(s State) bool { return len(s.Calls) == 0 })
		if got := len(ann.journal.Entries()); got != 2*(round+1) {
			t.Fatalf("round %d: %d journal entries", round, got)
		}
	}
	ann.mu.Lock()
	defer ann.mu.Unlock()
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("applied seqs %v: not 1..n exactly once", seqs)
		}
	}
	if len(seqs) != 12 {
		t.Fatalf("applied %d events, want 12: %v", len(seqs), seqs)
	}
}

func TestLoginErrors(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := ann.Login(ctx, "wrong")
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Code != ctiproto.CodeAuthFailed {
		t.Fatalf("wrong password: %v", err)
	}
	ann.waitFor("login required", func(s State) bool {
		return s.Status == StatusLoginRequired && s.Reason == "wrong user or password"
	})
	// Remote plain-text servers never get the password.
	remote, _ := New(Options{ServerURL: "ws://192.0.2.1:8720/v1/ws", User: "ann", Numbers: numbers(t), Tokens: tokens.NewMemory()})
	if err := remote.Login(ctx, "secret"); err == nil {
		t.Fatal("password sent unencrypted to a remote host")
	}
	// A revoked token sends the desk back to the login, saying why.
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	o.Auth.RevokeAll("ann")
	ann.dropLink()
	ann.waitFor("login again", func(s State) bool {
		return s.Status == StatusLoginRequired && s.Reason != "" && s.Reason != "wrong user or password"
	})
}

// A second Run while one is active is refused at once and leaves the
// first one connected.
func TestRunTwiceRefused(t *testing.T) {
	o := newOffice(t)
	d := o.desk("ann")
	d.login()
	if err := d.Client.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Run = %v, want ErrAlreadyRunning", err)
	}
	if err := d.SetDND(context.Background(), true); err != nil {
		t.Fatalf("the first Run no longer works after a refused second: %v", err)
	}
}
