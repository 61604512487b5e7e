package ami_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// notifies lists the PJSIPNotify actions the fake received, as
// "Endpoint Variable".
func (o *office) notifies() []string {
	var out []string
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "PJSIPNotify" {
			out = append(out, a.Get("Endpoint")+" "+a.Get("Variable"))
		}
	}
	return out
}

// cut splits sc after the n-th event named event, or fails the test.
func (o *office) cut(sc *amitest.Script, event string, n int) (head, tail *amitest.Script) {
	o.t.Helper()
	head, tail, ok := sc.Cut(event, n)
	if !ok {
		o.t.Fatalf("%s has no %d. %s", sc.Name, n, event)
	}
	return head, tail
}

// A Yealink answers, holds and retrieves from the desk: each service sends
// PJSIPNotify to the phone's endpoint with the BroadSoft event (talk,
// hold, talk), and the phone's own channel events then tell the result.
// No capture holds a PJSIPNotify (the lab phones ignore it): the fake
// answers it as Asterisk 22 documents it (AMI action PJSIPNotify,
// https://docs.asterisk.org/Certified-Asterisk_22.8_Documentation/API_Documentation/AMI_Actions/PJSIPNotify:
// "One (and only one) of 'Endpoint', 'URI', or 'Channel'", headers as
// "Variable: name=value"; res/res_pjsip_notify.c answers "NOTIFY sent").
// The capture e1 (ring, answer, hold, unhold) is played in pieces, as if
// each piece were the phone obeying the NOTIFY before it.
func TestAnswerHoldRetrieveByNotify(t *testing.T) {
	o := newOffice(t, amitest.Options{Endpoints: []string{"201", "202", "203"}},
		func(c *ami.Config) { c.Devices[0].Phone = ami.PhoneYealink })
	o.available(true)
	ctx, id := t.Context(), pbx.CallID("1795687039.18")
	ringing, rest := o.cut(o.script("e1-hold-unhold"), "DialState", 1)
	answered, rest := o.cut(rest, "BridgeEnter", 2)
	held, rest := o.cut(rest, "Hold", 1)

	o.ast.Play(ringing)
	o.until("delivered 201")
	if err := o.x.Hold(ctx, id, "201"); !errors.Is(err, pbx.ErrInvalidState) {
		t.Errorf("hold while ringing: err = %v, want invalid state", err)
	}
	if err := o.x.Answer(ctx, id, "201"); err != nil {
		t.Fatal(err)
	}
	o.ast.Play(answered)
	o.until("established 201")
	if err := o.x.Hold(ctx, id, "201"); err != nil {
		t.Fatal(err)
	}
	o.ast.Play(held)
	o.until("held 201")
	if err := o.x.Retrieve(ctx, id, "201"); err != nil {
		t.Fatal(err)
	}
	o.ast.Play(rest)
	o.until("cleared 201")
	same(t, o.notifies(), []string{"201 Event=talk", "201 Event=hold", "201 Event=talk"})
}

// A device without a phone family is refused answer, hold and retrieve
// with the reason, and nothing is sent; its DeviceInfo lists what it can
// do, while the Yealink next to it can do all the exchange can (nil); the
// exchange's capabilities are the union. With every phone alike, no
// device has services of its own.
func TestPhoneFamilyCapabilities(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.Devices[0].Phone = ami.PhoneYealink })
	o.available(true)
	ctx := t.Context()
	o.play("a-incoming-answered")
	o.until("cleared 201")
	for _, err := range []error{o.x.Answer(ctx, "1795687001.0", "202"), o.x.Hold(ctx, "x", "202"), o.x.Retrieve(ctx, "x", "203")} {
		if !errors.Is(err, pbx.ErrNotSupported) || !strings.Contains(err.Error(), "phone family") {
			t.Errorf("err = %v, want not supported naming the phone family", err)
		}
	}
	if n := o.notifies(); len(n) != 0 {
		t.Errorf("PJSIPNotify sent for a phone without family: %v", n)
	}
	devs, err := o.x.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect, pbx.SvcPickup, pbx.SvcConsult}
	yealink := append(slices.Clone(base), pbx.SvcAnswer, pbx.SvcHold, pbx.SvcRetrieve)
	if devs[0].Services != nil || !slices.Equal(devs[1].Services, base) {
		t.Errorf("services: 201 %v, 202 %v; want nil (all the exchange's: %v), %v", devs[0].Services, devs[1].Services, yealink, base)
	}
	caps := o.x.Capabilities()
	if !caps[pbx.SvcAnswer] || !caps[pbx.SvcHold] || !caps[pbx.SvcRetrieve] || caps[pbx.SvcDoNotDisturb] {
		t.Errorf("capabilities = %v, want the union with answer, hold, retrieve", caps)
	}

	alike := newOffice(t, amitest.Options{}, nil)
	devs, err = alike.x.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if d.Services != nil || d.AutoAnswer {
			t.Errorf("%s: services %v, auto-answer %v with no phone family anywhere", d.ID, d.Services, d.AutoAnswer)
		}
	}
}

// Asterisk refuses a NOTIFY to an endpoint it does not have; the desk
// hears the service failed, not that it worked.
func TestNotifyRefused(t *testing.T) {
	o := newOffice(t, amitest.Options{Endpoints: []string{"202"}},
		func(c *ami.Config) { c.Devices[0].Phone = ami.PhoneSnom })
	o.available(true)
	ringing, _ := o.cut(o.script("e1-hold-unhold"), "DialState", 1)
	o.ast.Play(ringing)
	o.until("delivered 201")
	err := o.x.Answer(t.Context(), "1795687039.18", "201")
	if err == nil || !strings.Contains(err.Error(), "Unable to retrieve endpoint 201") {
		t.Errorf("err = %v, want Asterisk's refusal", err)
	}
}

// Click-to-dial from an auto_answer device carries the header its phone
// family understands, as PJSIP_HEADER(add,…) on the originated channel;
// from another device it carries none. Asterisk sets Originate's
// Variables on the channel it creates before calling it, and
// PJSIP_HEADER "add" on an outbound channel puts the header into its
// INVITE (Asterisk 22 PJSIP_HEADER:
// https://docs.asterisk.org/Certified-Asterisk_22.8_Documentation/API_Documentation/Dialplan_Functions/PJSIP_HEADER).
// The fake answers Originate as in capture c1.
func TestAutoAnswerOriginate(t *testing.T) {
	for _, c := range []struct {
		phone string
		auto  bool
		want  string
	}{
		{ami.PhoneYealink, true, "PJSIP_HEADER(add,Alert-Info)=info=alert-autoanswer"},
		{ami.PhoneSnom, true, "PJSIP_HEADER(add,Alert-Info)=<http://www.notused.com>;info=alert-autoanswer;delay=0"},
		{ami.PhoneGrandstream, true, "PJSIP_HEADER(add,Call-Info)=<sip:127.0.0.1>;answer-after=0"},
		{ami.PhoneFanvil, true, "PJSIP_HEADER(add,Call-Info)=<sip:127.0.0.1>;answer-after=0"},
		{ami.PhoneYealink, false, ""},
	} {
		t.Run(c.phone+map[bool]string{true: "-auto", false: ""}[c.auto], func(t *testing.T) {
			o := newOffice(t, amitest.Options{}, func(cfg *ami.Config) {
				cfg.Devices[0].Phone, cfg.Devices[0].AutoAnswer = c.phone, c.auto
			})
			o.available(true)
			devs, err := o.x.Devices(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if devs[0].AutoAnswer != c.auto || devs[1].AutoAnswer {
				t.Errorf("AutoAnswer = %v, %v; want %v, false", devs[0].AutoAnswer, devs[1].AutoAnswer, c.auto)
			}
			o.play("c1-click-to-dial-internal")
			if _, err := o.x.MakeCall(t.Context(), "201", "202"); err != nil {
				t.Fatal(err)
			}
			o.until("cleared 202")
			var vars []string
			for _, a := range o.ast.Actions() {
				if a.Get("Action") != "Originate" {
					continue
				}
				for _, f := range a.Fields {
					if f.Key == "Variable" && f.Value != "DESKLINE_DEVICE=201" {
						vars = append(vars, f.Value)
					}
				}
			}
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			if !slices.Equal(vars, want) {
				t.Errorf("Originate variables %q, want %q", vars, want)
			}
		})
	}
}

// check-config names the device and the field.
func TestPhoneConfigChecked(t *testing.T) {
	cfg := labConfig("127.0.0.1:5038")
	cfg.Devices[0].Phone = "polycom"
	cfg.Devices[1].Phone, cfg.Devices[1].Endpoint = ami.PhoneSnom, "IAX2/202"
	cfg.Devices[2].AutoAnswer = true
	err := cfg.Check()
	for _, want := range []string{
		`devices[0] (201): phone "polycom" is unknown (want one of none, yealink, snom, grandstream, fanvil)`,
		`devices[1] (202): phone "snom" needs a PJSIP endpoint`,
		`devices[2] (203): auto_answer needs phone set to the phone's family`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check() = %v, want %q", err, want)
		}
	}
	cfg = labConfig("127.0.0.1:5038")
	cfg.Devices[0].Phone, cfg.Devices[0].AutoAnswer = ami.PhoneFanvil, true
	cfg.Devices[1].Phone = ami.PhoneNone
	if err := cfg.Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}
}
