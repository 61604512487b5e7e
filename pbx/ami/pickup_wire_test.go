package ami_test

import (
	"errors"
	"testing"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// Pickup redirects the ringing call's caller out of its Dial to the
// picker's extension: Action: Redirect with Channel, Context, Exten and
// Priority, as Asterisk 22's manager documentation (ManagerAction_Redirect)
// gives it and as Deskline's transfer and deflect send it (captures e3,
// d7). Capture d7 up to 201 ringing; no capture has a pickup, so the fake
// answers the Redirect as that documentation says ("Response: Success").
func TestPickupByRedirect(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	if !o.x.Capabilities()[pbx.SvcPickup] {
		t.Fatal("pickup is not in the capabilities")
	}
	sc, err := amitest.LoadCapture("d7-deflect-to-nonexistent-ext")
	if err != nil {
		t.Fatal(err)
	}
	head, _, found := sc.Cut("DialState", 1)
	if !found {
		t.Fatal("no DialState in d7")
	}
	o.ast.Play(head)
	o.until("delivered 201")
	ctx := t.Context()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"nothing rings there", pickupErr(t, o.x, "", "201", "202"), pbx.ErrNoSuchCall},
		{"own call", pickupErr(t, o.x, "", "201", "201"), pbx.ErrInvalidState},
		{"unknown picker", pickupErr(t, o.x, "", "299", "201"), pbx.ErrNoSuchDevice},
		{"unknown call", pickupErr(t, o.x, "nope", "202", "201"), pbx.ErrNoSuchCall},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, c.err, c.want)
		}
	}
	if r := redirects(o.ast); len(r) != 0 {
		t.Fatalf("a refused pickup redirected: %v", r)
	}
	call, err := o.x.Pickup(ctx, "", "202", "201")
	if err != nil || call != "1796518491.24" {
		t.Fatalf("Pickup = %q, %v", call, err)
	}
	var redirect ami.Message
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "Redirect" {
			redirect = a
		}
	}
	if redirect.Get("Channel") != "PJSIP/carrier-00000016" || redirect.Get("Exten") != "202" ||
		redirect.Get("Context") != "office" || redirect.Get("Priority") != "1" {
		t.Errorf("Redirect = %v, want the caller's channel to 202 in office", redirect)
	}
}

// A call answered meanwhile cannot be picked up (capture e3: 201 answered).
func TestPickupOfAnsweredCall(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	if _, err := o.x.Pickup(t.Context(), "1795687073.23", "202", "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Fatalf("Pickup of an answered call = %v, want invalid-state", err)
	}
}

func pickupErr(t *testing.T, x *ami.Exchange, call pbx.CallID, device, from string) error {
	_, err := x.Pickup(t.Context(), call, device, from)
	return err
}
