package app

import (
	"context"
	"testing"
)

// Ann notes why a caller calls and transfers the call to Bob: Bob's desk
// shows the note with the ringing call, and when the call ends each
// journal keeps it (Bob's with his own change).
func TestNoteTravelsToTheJournals(t *testing.T) {
	o := newOffice(t)
	ann, bob := o.desk("ann"), o.desk("bob")
	ann.login()
	bob.login()
	for _, d := range []*desk{ann, bob} {
		d.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	}
	ctx := context.Background()
	call := string(o.ring("201", "+4930111", "First"))
	ann.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := ann.Answer(ctx, call); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("talking", func(s State) bool { c, _ := callIn(s, call); return c.Answered })
	if err := ann.SetNote(ctx, call, "Wants the March invoice"); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("the note", func(s State) bool { c, _ := callIn(s, call); return c.Note == "Wants the March invoice" })
	if err := ann.Transfer(ctx, call, "203"); err != nil {
		t.Fatal(err)
	}
	s := bob.waitFor("the call with its note", func(s State) bool { return len(s.Ringing()) == 1 })
	if got := s.Ringing()[0].Note; got != "Wants the March invoice" {
		t.Fatalf("bob's ringing call has the note %q", got)
	}
	bobCall := s.Ringing()[0].ID
	if err := bob.Answer(ctx, bobCall); err != nil {
		t.Fatal(err)
	}
	bob.waitFor("talking", func(s State) bool { c, _ := callIn(s, bobCall); return c.Answered })
	if err := bob.SetNote(ctx, bobCall, "Invoice sent"); err != nil {
		t.Fatal(err)
	}
	bob.waitFor("his note", func(s State) bool { c, _ := callIn(s, bobCall); return c.Note == "Invoice sent" })
	if err := bob.HangUp(ctx, bobCall); err != nil {
		t.Fatal(err)
	}
	bob.waitFor("hung up", func(s State) bool { return len(s.Calls) == 0 })
	if e := ann.journal.Entries(); len(e) != 1 || e[0].Note != "Wants the March invoice" {
		t.Errorf("ann's journal %+v", e)
	}
	if e := bob.journal.Entries(); len(e) != 1 || e[0].Note != "Invoice sent" {
		t.Errorf("bob's journal %+v", e)
	}
}
