package app

import (
	"context"
	"testing"

	"github.com/deskline/deskline/app/journal"
)

// A call refused by do-not-disturb never rang, but it reached ann's phone:
// it is in her journal as missed, with its caller (issue 12 item 19).
func TestDoNotDisturbCallIsInJournal(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	if err := o.Sim.SetDND(context.Background(), "201", true); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("dnd on", func(s State) bool { return len(s.Devices) == 1 && s.Devices[0].DND })
	o.ring("201", "0301234567", "ACME RECEPTION")
	ann.waitFor("missed call", func(s State) bool { return s.MissedUnseen == 1 })
	e := ann.journal.Entries()[0]
	if e.Outcome != journal.OutcomeMissed || e.Cause != "do-not-disturb" || e.Name != "Jane Doe" || e.Direction != "incoming" {
		t.Fatalf("journal entry %+v", e)
	}
}
