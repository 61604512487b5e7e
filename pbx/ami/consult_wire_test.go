package ami_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

func lastAction(ast *amitest.Server, name string) ami.Message {
	var last ami.Message
	for _, a := range ast.Actions() {
		if a.Get("Action") == name {
			last = a
		}
	}
	return last
}

// e5 up to 202 answering the consultation: Consult sends the capture's
// Atxfer (Channel, Context, Exten), and the rest is what it caused.
func consultE5(t *testing.T, noAnswer time.Duration) (*office, *amitest.Script) {
	t.Helper()
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	sc, err := amitest.LoadCapture("e5-attended-transfer-by-ami-atxfer")
	if err != nil {
		t.Fatal(err)
	}
	head, tail, found := sc.Cut("BridgeEnter", 6) // 202 and its Local half joined: the consultation talks
	if !found {
		t.Fatal("no 6th BridgeEnter in e5")
	}
	o.ast.Play(head)
	o.until("established 201")
	call, err := o.x.Consult(t.Context(), "1796517899.39", "201", "202", noAnswer)
	if err != nil || call != "1796517899.39" {
		t.Fatalf("Consult = %q, %v", call, err)
	}
	a := lastAction(o.ast, "Atxfer")
	if a.Get("Channel") != "PJSIP/201-00000028" || a.Get("Exten") != "202" || a.Get("Context") != "office" {
		t.Errorf("Atxfer = %v, want 201's channel to 202 in office", a)
	}
	o.until("established 202")
	return o, tail
}

// Consult, then complete: the device's channel hangs up (as 201 did in
// e5), and the desks hear the attended transfer of e5's golden.
func TestConsultCompleteByAtxfer(t *testing.T) {
	o, tail := consultE5(t, 0)
	ctx := t.Context()
	if _, err := o.x.Consult(ctx, "1796517899.39", "201", "203", 0); !errors.Is(err, pbx.ErrInvalidState) {
		t.Errorf("a second consultation = %v, want invalid-state", err)
	}
	if err := o.x.SwapConsult(ctx, "1796517899.39", "201"); !errors.Is(err, pbx.ErrNotSupported) {
		t.Errorf("swap = %v, want not-supported", err)
	}
	if err := o.x.CompleteConsult(ctx, "1796517899.39", "201"); err != nil {
		t.Fatal(err)
	}
	if h := lastAction(o.ast, "Hangup"); h.Get("Channel") != "PJSIP/201-00000028" {
		t.Errorf("Hangup = %v, want 201's channel", h)
	}
	o.ast.Play(tail)
	got := o.until("cleared 202")
	want := []string{
		"transferred 202 connected in other=+49301234567(Jane Doe) call=1796517899.39 by=201 to=+49301234567",
		"transferred 201 cleared in other=+49301234567(Jane Doe) call=1796517899.39 cause=transferred by=201 to=202",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1796517899.39 cause=transferred",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in:\n  %s", w, strings.Join(got, "\n  "))
		}
	}
	if err := o.x.CompleteConsult(ctx, "1796517899.39", "201"); err == nil {
		t.Error("completed twice")
	}
}

// Completing before the colleague answered is refused (e5 up to 202
// ringing) and sends nothing.
func TestConsultCompleteBeforeAnswer(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	sc, err := amitest.LoadCapture("e5-attended-transfer-by-ami-atxfer")
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := sc.Cut("DialState", 2)
	o.ast.Play(head)
	o.until("established 201")
	if _, err := o.x.Consult(t.Context(), "1796517899.39", "201", "202", 0); err != nil {
		t.Fatal(err)
	}
	o.until("delivered 202")
	if err := o.x.CompleteConsult(t.Context(), "1796517899.39", "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Fatalf("complete while 202 rings = %v, want invalid-state", err)
	}
	if a := lastAction(o.ast, "Hangup"); a.Get("Action") != "" {
		t.Errorf("sent %v", a)
	}
}

// Cancel sends CancelAtxfer for the device's channel (Asterisk 22's
// AMI_Actions/CancelAtxfer; no capture has one, the fake answers Success).
func TestConsultCancelByCancelAtxfer(t *testing.T) {
	o, _ := consultE5(t, 0)
	if err := o.x.CancelConsult(t.Context(), "1796517899.39", "201"); err != nil {
		t.Fatal(err)
	}
	if a := lastAction(o.ast, "CancelAtxfer"); a.Get("Channel") != "PJSIP/201-00000028" {
		t.Errorf("CancelAtxfer = %v, want 201's channel", a)
	}
	if err := o.x.CancelConsult(t.Context(), "1796517899.39", "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Errorf("cancel without a consultation = %v, want invalid-state", err)
	}
}

// Consulting from a call that is not connected, or completing a call that
// was never consulted from, is refused and sends nothing.
func TestConsultRefusedByAsterisk(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	ctx := t.Context()
	if err := o.x.CompleteConsult(ctx, "1795687073.23", "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Errorf("complete without consult = %v, want invalid-state", err)
	}
	if _, err := o.x.Consult(ctx, "nope", "201", "202", 0); !errors.Is(err, pbx.ErrNoSuchCall) {
		t.Errorf("consult of no call = %v, want no-such-call", err)
	}
	if a := lastAction(o.ast, "Hangup"); a.Get("Action") != "" {
		t.Errorf("sent %v", a)
	}
}

// The consulted colleague does not answer within the server's time: the
// connector cancels the consultation (CancelAtxfer), so the caller is
// retrieved. e5 up to 202 ringing.
func TestConsultNoAnswerCancels(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	sc, err := amitest.LoadCapture("e5-attended-transfer-by-ami-atxfer")
	if err != nil {
		t.Fatal(err)
	}
	head, _, found := sc.Cut("DialState", 2) // 202 rings for the consultation
	if !found {
		t.Fatal("no 2nd DialState in e5")
	}
	o.ast.Play(head)
	o.until("established 201")
	if _, err := o.x.Consult(t.Context(), "1796517899.39", "201", "202", 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	o.until("delivered 202")
	deadline := time.Now().Add(waitFor)
	for lastAction(o.ast, "CancelAtxfer").Get("Channel") != "PJSIP/201-00000028" {
		if time.Now().After(deadline) {
			t.Fatal("the unanswered consultation was not cancelled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
