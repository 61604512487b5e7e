package ami_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

func labDialplan(t *testing.T) string {
	t.Helper()
	text, err := amitest.LabDialplan()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// redirects lists the Exten of every Redirect the fake received.
func redirects(ast *amitest.Server) []string {
	var to []string
	for _, a := range ast.Actions() {
		if a.Get("Action") == "Redirect" {
			to = append(to, a.Get("Exten"))
		}
	}
	return to
}

func countActions(ast *amitest.Server, name string) int {
	n := 0
	for _, a := range ast.Actions() {
		if strings.EqualFold(a.Get("Action"), name) {
			n++
		}
	}
	return n
}

// A transfer is checked against the dialplan of the context before the
// caller is redirected: the fake answers ShowDialPlan as Asterisk 22 does,
// from the lab's extensions.conf (context office: _20X, 600, 500, 9999,
// 299, _0X.). 777 is refused with invalid-number and no Redirect is
// sent (capture e6: Asterisk would accept it and hang the caller up);
// 202 (pattern _20X) and 0891234567 (pattern _0X.) go through.
func TestTransferCheckedAgainstDialplan(t *testing.T) {
	for to, ok := range map[string]bool{"777": false, "202": true, "0891234567": true} {
		t.Run(to, func(t *testing.T) {
			o := newOffice(t, amitest.Options{Dialplan: labDialplan(t)}, nil)
			o.available(true)
			o.play("e3-transfer-by-ami-redirect")
			o.until("established 201")
			err := o.x.Transfer(t.Context(), "1795687073.23", "201", to)
			if ok {
				if err != nil {
					t.Fatalf("Transfer to %s: %v", to, err)
				}
				if r := redirects(o.ast); len(r) != 1 || r[0] != to {
					t.Errorf("Redirects %v, want one to %s", r, to)
				}
				return
			}
			if !errors.Is(err, pbx.ErrInvalidNumber) || !strings.Contains(err.Error(), "777") ||
				!strings.Contains(err.Error(), `"office"`) {
				t.Fatalf("Transfer to 777 = %v, want invalid-number naming 777 and context office", err)
			}
			if r := redirects(o.ast); len(r) != 0 {
				t.Errorf("a refused transfer still redirected the caller: %v", r)
			}
		})
	}
}

// Deflect is checked the same way (capture d7: the deflect to 777).
func TestDeflectCheckedAgainstDialplan(t *testing.T) {
	o := newOffice(t, amitest.Options{Dialplan: labDialplan(t)}, nil)
	o.available(true)
	sc, err := amitest.LoadCapture("d7-deflect-to-nonexistent-ext")
	if err != nil {
		t.Fatal(err)
	}
	head, _, found := sc.Cut("DialState", 1) // 201 rings; the rest is what the Redirect caused
	if !found {
		t.Fatal("no DialState in d7")
	}
	o.ast.Play(head)
	o.until("delivered 201")
	err = o.x.Deflect(t.Context(), "1796518491.24", "201", "777")
	if !errors.Is(err, pbx.ErrInvalidNumber) {
		t.Fatalf("Deflect to 777 = %v, want invalid-number", err)
	}
	if r := redirects(o.ast); len(r) != 0 {
		t.Errorf("a refused deflect still redirected the caller: %v", r)
	}
}

// After Asterisk reloads its dialplan (Reload event) the next transfer is
// checked against the new one: 777, added by the reload, goes through.
func TestDialplanReadAgainAfterReload(t *testing.T) {
	o := newOffice(t, amitest.Options{Dialplan: labDialplan(t)}, nil)
	o.available(true)
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	if err := o.x.Transfer(t.Context(), "1795687073.23", "201", "777"); !errors.Is(err, pbx.ErrInvalidNumber) {
		t.Fatalf("before the reload: %v, want invalid-number", err)
	}
	before := countActions(o.ast, "ShowDialPlan")
	o.ast.SetDialplan(labDialplan(t) + "\n[office]\nexten => 777,1,Dial(PJSIP/202)\n")
	o.ast.Send(ev("Event", "Reload", "Privilege", "system,all", "Module", "pbx_config.so", "Status", "2"))
	deadline := time.Now().Add(waitFor)
	for countActions(o.ast, "ShowDialPlan") == before {
		if time.Now().After(deadline) {
			t.Fatal("no ShowDialPlan after the Reload")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := o.x.Transfer(t.Context(), "1795687073.23", "201", "777"); err != nil {
		t.Fatalf("after the reload: %v", err)
	}
}

// A manager account that may not read the dialplan ("Permission denied",
// the fake's default) refuses nothing in advance; the connector says so
// in the log once, not at every (re)connect or transfer.
func TestDialplanUnreadableFallsBack(t *testing.T) {
	var log testlog.Buffer
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.Log = log.Logger() })
	o.available(true)
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	if err := o.x.Transfer(t.Context(), "1795687073.23", "201", "777"); err != nil {
		t.Fatalf("Transfer with an unreadable dialplan: %v", err)
	}
	o.ast.Drop()
	o.available(false)
	o.available(true)
	if n := strings.Count(log.String(), "cannot read the dialplan"); n != 1 {
		t.Errorf("the fallback was logged %d times, want once:\n%s", n, log.String())
	}
}

// A dialplan read that fails for the moment (here the context is missing,
// as halfway through a reload) is not kept: the next transfer reads it
// again and refuses what the context lacks, without waiting for a Reload.
func TestDialplanTransientFailureIsNotKept(t *testing.T) {
	o := newOffice(t, amitest.Options{Dialplan: "[elsewhere]\nexten => 1,1,NoOp()\n"}, nil)
	o.available(true)
	if err := o.x.Reachable(t.Context(), "777"); err != nil {
		t.Fatalf("with the context missing: %v, want nothing refused", err)
	}
	o.ast.SetDialplan(labDialplan(t))
	if err := o.x.Reachable(t.Context(), "777"); !errors.Is(err, pbx.ErrInvalidNumber) {
		t.Fatalf("once the context is there: %v, want invalid-number", err)
	}
}
