package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"unicode/utf8"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// Click-to-dial from a mail signature: the user sees the normalised
// number and who it is; the own phone rings first, then the call goes out.
func TestDialFromText(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	target, err := ann.PrepareDial("Best regards, Jane — phone +49 (30) 123 45 67, fax 030 7654321")
	if err != nil {
		t.Fatal(err)
	}
	if target.Dial != "+49301234567" || target.Display != "+49 30 1234567" || target.Contact == nil ||
		target.Contact.DisplayName() != "Jane Doe" || target.Device != "201" {
		t.Fatalf("target %+v", target)
	}
	if p := target.Prompt(); p != "Your phone 201 rings first — pick up to call Jane Doe (+49 30 1234567)" {
		t.Fatalf("prompt %q", p)
	}
	ctx := context.Background()
	call, err := ann.Dial(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	s := ann.waitFor("own phone rings", func(s State) bool { c, ok := callIn(s, call); return ok && c.State == "initiated" })
	if c, _ := callIn(s, call); c.Contact == nil || c.Direction != "outgoing" || len(s.Ringing()) != 0 {
		t.Fatalf("initiated call %+v (no screen pop for my own dialling)", c)
	}
	if err := ann.Answer(ctx, call); err != nil { // picking up the handset
		t.Fatal(err)
	}
	ann.waitFor("talking", func(s State) bool { c, ok := callIn(s, call); return ok && c.Answered })
	if err := ann.Hold(ctx, call); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("held", func(s State) bool { c, _ := callIn(s, call); return c.State == "held" })
	if err := ann.Retrieve(ctx, call); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("retrieved", func(s State) bool { c, _ := callIn(s, call); return c.State == "connected" })
	if err := ann.Transfer(ctx, call, "203"); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("transferred away", func(s State) bool { return len(s.Calls) == 0 })
	if e := ann.journal.Entries(); len(e) != 1 || e[0].Outcome != journal.OutcomeOutgoing || e[0].Name != "Jane Doe" || e[0].To != "203" {
		t.Fatalf("journal %+v (want transferred to 203)", e)
	}
}

func TestDeflectAndDND(t *testing.T) {
	o := newOffice(t)
	ann, bob := o.desk("ann"), o.desk("bob")
	ann.login()
	bob.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	call := string(o.ring("201", "+4989123456", ""))
	ann.waitFor("ringing", func(s State) bool { return len(s.Ringing()) == 1 })
	if err := ann.Deflect(context.Background(), call, "203"); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("gone", func(s State) bool { return len(s.Calls) == 0 })
	bob.waitFor("at bob", func(s State) bool { return len(s.Ringing()) == 1 })
	if e := ann.journal.Entries(); len(e) != 1 || e[0].Outcome != journal.OutcomeRejected || e[0].To != "203" {
		t.Fatalf("journal %+v (want forwarded to 203)", e)
	}
	if err := ann.SetDND(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	ann.waitFor("dnd on", func(s State) bool { return s.Devices[0].DND })
}

func TestActionErrors(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ctx := context.Background()
	if _, err := ann.Dial(ctx, DialTarget{Dial: "203", Device: "201"}); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("dial before login: %v", err)
	}
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	if _, err := ann.PrepareDial("see you tomorrow at ten"); !errors.Is(err, ErrNoNumber) {
		t.Fatalf("no number: %v", err)
	}
	// A long text without a number is quoted cut short, at a character
	// boundary ("ä" is two bytes; a cut inside one would show as \xc3).
	if _, err := ann.PrepareDial("x" + strings.Repeat("ä", 100)); !errors.Is(err, ErrNoNumber) ||
		strings.Contains(err.Error(), `\x`) || len(err.Error()) > 120 {
		t.Fatalf("long text without a number: %v", err)
	}
	var ae *ActionError
	if _, err := ann.Dial(ctx, DialTarget{Dial: "201", Device: "203"}); !errors.As(err, &ae) || ae.Code != ctiproto.CodeForbidden {
		t.Fatalf("dial from bob's phone: %v", err)
	}
	if err := ann.Answer(ctx, "c-999999"); !errors.Is(err, ErrNoSuchCall) {
		t.Fatalf("answer unknown call: %v", err)
	}
	// An exchange without hold: the app refuses before asking.
	ann.mu.Lock()
	ann.state.Capabilities[ctiproto.TypeHold] = false
	ann.mu.Unlock()
	if err := ann.Hold(ctx, "c-1"); !errors.As(err, &ae) || ae.Code != ctiproto.CodeNotSupported {
		t.Fatalf("hold without capability: %v", err)
	}
	if ae.Error() != "app: hold: your telephone system cannot do this" {
		t.Fatalf("message %q", ae.Error())
	}
}

func TestPrepareDialForms(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	for _, tc := range []struct{ text, dial string }{
		{"tel:+49-30-1234567", "+49301234567"},
		{"sip:+4930123456@pbx.example;user=phone", "+4930123456"},
		{"callto://+4989123456", "+4989123456"},
		{"030 1234567", "+49301234567"},
		{"203", "203"},
		{"Call me at +49 (30) 123-45 67 ext. 89 tomorrow", "+49301234567"},
	} {
		got, err := ann.PrepareDial(tc.text)
		if err != nil || got.Dial != tc.dial {
			t.Errorf("PrepareDial(%q) = %q, %v; want %q", tc.text, got.Dial, err, tc.dial)
		}
	}
}

// A huge paste (a whole log, a megabyte of digits) is looked at only for
// its first MaxDialText bytes: the number at its start is found at once,
// one far beyond is not looked for, and a cut never splits a character.
func TestPrepareDialHugeText(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	filler := strings.Repeat("1 2 3 ", 200_000) // 1.2 MB, digit-heavy: the slow kind
	got, err := ann.PrepareDial("Call 030 1234567 about this:\n" + filler)
	if err != nil || got.Dial != "+49301234567" {
		t.Errorf("number at the start: %q, %v", got.Dial, err)
	}
	if _, err := ann.PrepareDial(strings.Repeat("x", MaxDialText) + " 030 1234567"); !errors.Is(err, ErrNoNumber) {
		t.Errorf("number beyond MaxDialText: err = %v, want ErrNoNumber", err)
	}
	if s := DialText(strings.Repeat("ä", MaxDialText)); len(s) > MaxDialText || !utf8.ValidString(s) {
		t.Errorf("DialText cut %d bytes, valid %v", len(s), utf8.ValidString(s))
	}
}
