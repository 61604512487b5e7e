package ami_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

func (o *office) script(name string) *amitest.Script {
	o.t.Helper()
	sc, err := amitest.LoadCapture(name)
	if err != nil {
		o.t.Fatal(err)
	}
	return sc
}

// answeredCall plays an outside call to 201 up to the moment both legs
// are bridged, and returns the rest of the capture.
func (o *office) answeredCall() *amitest.Script {
	o.t.Helper()
	head, tail, ok := o.script("a-incoming-answered").Cut("BridgeEnter", 2)
	if !ok {
		o.t.Fatal("no BridgeEnter in the capture")
	}
	o.ast.Play(head)
	o.until("established 201")
	if err := o.ast.WaitPlayed(o.t.Context()); err != nil {
		o.t.Fatal(err)
	}
	return tail
}

func (o *office) calls() []pbx.Call {
	o.t.Helper()
	calls, err := o.x.Calls(o.t.Context())
	if err != nil {
		o.t.Fatal(err)
	}
	return calls
}

// The link drops mid-call: desktops hear the exchange is unavailable; on
// reconnect CoreShowChannels gives the call back, and its hang-up, which
// comes later, clears it — nothing stuck.
func TestLinkDropMidCall(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	tail := o.answeredCall()
	o.ast.Drop()
	if r := o.available(false); !strings.Contains(r, "lost the link to Asterisk") {
		t.Errorf("reason = %q", r)
	}
	if _, err := o.x.MakeCall(t.Context(), "201", "202"); err != nil && !strings.Contains(err.Error(), "unavailable") {
		t.Errorf("MakeCall while down: %v, want exchange unavailable", err)
	}
	o.available(true)
	calls := o.calls()
	if len(calls) != 1 || calls[0].Call != "1795686940.0" || calls[0].Device != "201" || calls[0].State != pbx.StateConnected ||
		calls[0].Other.Name != "Jane Doe" || !calls[0].Answered || calls[0].Direction != pbx.Incoming {
		t.Fatalf("calls after reconnect = %+v, want 201 talking to Jane Doe", calls)
	}
	o.ast.Play(tail)
	same(t, o.until("cleared 201"), []string{
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686940.0 cause=normal",
	})
	if c := o.calls(); len(c) != 0 {
		t.Errorf("calls left: %+v", c)
	}
}

// Asterisk restarts mid-call ("core restart now"): Shutdown, the port
// refuses for a while, then a fresh Asterisk without the call. Calls is
// empty, so the server clears the call on every desktop.
func TestAsteriskRestartMidCall(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.answeredCall()
	o.ast.Restart(300 * time.Millisecond)
	if r := o.available(false); r != "Asterisk is restarting" {
		t.Errorf("reason = %q, want Asterisk is restarting", r)
	}
	o.available(true)
	if c := o.calls(); len(c) != 0 {
		t.Errorf("calls after a restart: %+v, want none", c)
	}
}

// A wrong secret is not fatal: the exchange says why it is unavailable
// and keeps trying (the administrator may fix manager.conf and reload).
func TestBadLogin(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.Secret = "wrong-secret" })
	r := o.available(false)
	for !strings.Contains(r, "uthentication failed") {
		r = o.available(false)
	}
	deadline := time.Now().Add(waitFor)
	for logins(o.ast) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := logins(o.ast); n < 3 {
		t.Errorf("%d login attempts, want retries", n)
	}
	if o.ast.Sessions() != 0 {
		t.Errorf("%d sessions logged in with a wrong secret", o.ast.Sessions())
	}
}

func logins(ast *amitest.Server) int {
	n := 0
	for _, a := range ast.Actions() {
		if strings.EqualFold(a.Get("Action"), "Login") {
			n++
		}
	}
	return n
}

// Garbage on the link is skipped, the link stays up, and the next call
// is reported exactly.
func TestGarbageOnTheLink(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.ast.SendRaw([]byte("\x00\x01\xfe\xff\r\nthis line has no colon\r\nEvent: Newstate\r\n\r\n" +
		strings.Repeat("x", 20000) + "\r\n\r\n: empty key\r\n\r\nEvent: Hangup\r\nUniqueid: nobody\r\n\r\n"))
	o.play("b-incoming-missed")
	got := o.until("cleared 201")
	same(t, got, []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795686953.2",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686953.2 cause=normal",
	})
}

// A flood, at full speed, of many calls one after the other, while
// nobody reads the Events channel: Asterisk's writes all go through (the
// connector reads on regardless — Asterisk drops a manager client that
// reads too slowly), and afterwards every event is there, in order.
func TestFloodWhileNobodyReads(t *testing.T) {
	ast, err := amitest.Start(amitest.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer ast.Close()
	x, err := ami.New(labConfig(ast.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for ev := range x.Events() {
		if ev.Kind == pbx.EvExchangeState && ev.Available {
			break
		}
	}
	sc, err := amitest.LoadCapture("b-incoming-missed")
	if err != nil {
		t.Fatal(err)
	}
	const calls = 3000 // 2 Deskline events each; about 54,000 AMI messages of the call class
	for range calls {
		ast.Play(sc)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := ast.WaitPlayed(ctx); err != nil {
		t.Fatalf("Asterisk could not write its events while nobody read Events: %v", err)
	}
	n := 0
	for n < 2*calls {
		select {
		case ev := <-x.Events():
			if !callEvent(ev) {
				continue
			}
			want := pbx.EvDelivered
			if n%2 == 1 {
				want = pbx.EvCleared
			}
			if ev.Kind != want {
				t.Fatalf("event %d: %s, want %s", n, line(ev), want)
			}
			n++
		case <-time.After(waitFor):
			t.Fatalf("%d of %d events", n, 2*calls)
		}
	}
}

// The capture replayed at ten times its real pace gives the same events.
func TestReplayAtTenTimesSpeed(t *testing.T) {
	o := newOffice(t, amitest.Options{Speed: 10}, nil)
	o.available(true)
	o.play("e1-hold-unhold")
	same(t, o.until("cleared 201"), []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795687039.18",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795687039.18 answeredBy=201",
		"held 201 held in other=+49301234567(Jane Doe) call=1795687039.18 by=201",
		"retrieved 201 connected in other=+49301234567(Jane Doe) call=1795687039.18 by=201",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795687039.18 cause=normal",
	})
}
