package ami

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/deskline/deskline/pbx"
)

// Phone families (Device.Phone): what a desk phone understands from the
// exchange. docs/asterisk.md has the table, the phones' own settings that
// allow it, and what was and was not verified.
const (
	PhoneNone        = "none"
	PhoneYealink     = "yealink"
	PhoneSnom        = "snom"
	PhoneGrandstream = "grandstream"
	PhoneFanvil      = "fanvil"
)

// PhoneFamilies lists every known family, PhoneNone first.
var PhoneFamilies = []string{PhoneNone, PhoneYealink, PhoneSnom, PhoneGrandstream, PhoneFanvil}

// family is what the phones of one family do when the exchange asks.
//
// Answer, hold and retrieve are the BroadSoft remote-control NOTIFY
// events these phones implement: "talk" answers a ringing call (and takes
// a held one back), "hold" holds the call in progress. Asterisk sends
// them with the manager action PJSIPNotify (Asterisk 22:
// https://docs.asterisk.org/Certified-Asterisk_22.8_Documentation/API_Documentation/AMI_Actions/PJSIPNotify,
// res/res_pjsip_notify.c), one Variable per header.
//
// The auto-answer header goes into the INVITE that rings the phone for
// click-to-dial: a phone that sees it answers at once on its speaker or
// headset. Yealink documents Alert-Info with info=alert-autoanswer
// (support.yealink.com FAQ "Intercom Auto Answer"); for Snom the
// Alert-Info with a dummy URL and delay=0, for Grandstream and Fanvil
// Call-Info with answer-after=0 (the intercom forms PBXs send these
// phones; other vendors' manuals list the same forms). None was tried on
// a phone here: docs/asterisk.md says so.
type family struct {
	answer, hold, retrieve string    // the NOTIFY's Event; "" = the phone cannot
	autoAnswer             [2]string // header name and value
}

var families = map[string]family{
	PhoneYealink: {answer: "talk", hold: "hold", retrieve: "talk",
		autoAnswer: [2]string{"Alert-Info", "info=alert-autoanswer"}},
	PhoneSnom: {answer: "talk", hold: "hold", retrieve: "talk",
		autoAnswer: [2]string{"Alert-Info", "<http://www.notused.com>;info=alert-autoanswer;delay=0"}},
	PhoneGrandstream: {answer: "talk", hold: "hold", retrieve: "talk",
		autoAnswer: [2]string{"Call-Info", "<sip:127.0.0.1>;answer-after=0"}},
	PhoneFanvil: {answer: "talk", hold: "hold", retrieve: "talk",
		autoAnswer: [2]string{"Call-Info", "<sip:127.0.0.1>;answer-after=0"}},
}

// event is the NOTIFY event that performs svc on the family's phones.
func (f family) event(svc pbx.Service) string {
	switch svc {
	case pbx.SvcAnswer:
		return f.answer
	case pbx.SvcHold:
		return f.hold
	case pbx.SvcRetrieve:
		return f.retrieve
	}
	return ""
}

// PhoneProblem is one thing wrong with a device's phone settings: the
// setting at fault, as the configuration file names it ("phone",
// "auto_answer"), and why, in words.
type PhoneProblem struct {
	Field, Reason string
}

// PhoneProblems lists what is wrong with the device's phone settings.
// Config.Check reports them, and so does the server's check-config, under
// its own names for the device.
func (d Device) PhoneProblems() []PhoneProblem {
	var out []PhoneProblem
	_, known := families[d.Phone]
	switch {
	case d.Phone != "" && d.Phone != PhoneNone && !known:
		out = append(out, PhoneProblem{"phone", fmt.Sprintf("phone %q is unknown (want one of %s)", d.Phone, strings.Join(PhoneFamilies, ", "))})
	case known && !strings.EqualFold(tech(d.Endpoint), "PJSIP"):
		out = append(out, PhoneProblem{"phone", fmt.Sprintf("phone %q needs a PJSIP endpoint (Asterisk sends the NOTIFY and the auto-answer header only there), not %q", d.Phone, d.Endpoint)})
	}
	if d.AutoAnswer && !known {
		out = append(out, PhoneProblem{"auto_answer", "auto_answer needs phone set to the phone's family: the header that makes it answer depends on it"})
	}
	return out
}

func tech(endpoint string) string {
	t, _, _ := strings.Cut(endpoint, "/")
	return t
}

// baseServices are what Asterisk does for any SIP phone through AMI.
// DND and forwarding only where their storage is known.
func (x *Exchange) baseServices() []pbx.Service {
	svcs := []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect, pbx.SvcPickup, pbx.SvcConsult}
	if x.cfg.Features == FeaturesFreePBX {
		svcs = append(svcs, pbx.SvcDoNotDisturb, pbx.SvcForwarding)
	}
	if len(x.cfg.ParkSlots) > 0 {
		svcs = append(svcs, pbx.SvcPark, pbx.SvcUnpark)
	}
	return svcs
}

// deviceServices are what Asterisk can do for the device: the base, and
// answer, hold and retrieve where its phone family takes them by NOTIFY.
func (x *Exchange) deviceServices(d Device) []pbx.Service {
	svcs := x.baseServices()
	f := families[d.Phone]
	for _, s := range []pbx.Service{pbx.SvcAnswer, pbx.SvcHold, pbx.SvcRetrieve} {
		if f.event(s) != "" {
			svcs = append(svcs, s)
		}
	}
	return svcs
}

// Capabilities: the union over the devices, so every device's own
// services (pbx.DeviceInfo.Services) are a subset. Answer, hold and
// retrieve need the phone itself to act (Asterisk cannot take a SIP
// phone off-hook or put it on hold), so only phones of a family that
// takes them by NOTIFY offer them.
func (x *Exchange) Capabilities() pbx.Capabilities {
	caps := pbx.Capabilities{}
	for _, s := range x.baseServices() {
		caps[s] = true
	}
	for _, d := range x.cfg.Devices {
		for _, s := range x.deviceServices(d) {
			caps[s] = true
		}
	}
	return caps
}

// Answer tells the device's phone to answer the call ringing there.
func (x *Exchange) Answer(ctx context.Context, call pbx.CallID, device string) error {
	return x.remote(ctx, call, device, pbx.SvcAnswer, pbx.StateAlerting, pbx.StateInitiated)
}

// Hold tells the device's phone to hold the call it is in.
func (x *Exchange) Hold(ctx context.Context, call pbx.CallID, device string) error {
	return x.remote(ctx, call, device, pbx.SvcHold, pbx.StateConnected)
}

// Retrieve tells the device's phone to take the held call back.
func (x *Exchange) Retrieve(ctx context.Context, call pbx.CallID, device string) error {
	return x.remote(ctx, call, device, pbx.SvcRetrieve, pbx.StateHeld)
}

// remote asks the device's phone, by a NOTIFY to its endpoint, to perform
// svc on its connection in call, which must be in one of the states. The
// phone acts on its own call; its channel events then tell the result
// (answered, held) as if the user had pressed the key. Asterisk's
// "NOTIFY sent" means queued for every contact of the endpoint, not
// obeyed (res_pjsip_notify.c pushes the sending to a task).
func (x *Exchange) remote(ctx context.Context, call pbx.CallID, device string, svc pbx.Service, states ...pbx.ConnState) error {
	d, err := x.device(device)
	if err != nil {
		return err
	}
	ev := families[d.Phone].event(svc)
	if ev == "" {
		return fmt.Errorf("%w: %s on the phone: Asterisk cannot tell device %s's phone to (no phone family set in its AMI device config)",
			pbx.ErrNotSupported, svc, device)
	}
	leg, err := x.m.legIn(call, device, states[0])
	if err != nil {
		return err
	}
	if !slices.Contains(states, leg.conn) {
		return fmt.Errorf("ami: %s %s at %s: connection is %s, needs %s: %w", svc, call, device, leg.conn, states[0], pbx.ErrInvalidState)
	}
	if other, ok := x.m.rival(device, leg.uid, rivals[svc]); ok {
		return fmt.Errorf("ami: %s %s at %s: the phone has another call %s and would choose itself which to act on; do it on the phone: %w",
			svc, call, device, other, pbx.ErrInvalidState)
	}
	c, done, err := x.session()
	if err != nil {
		return err
	}
	defer done()
	_, res, _ := strings.Cut(d.Endpoint, "/")
	if _, err := c.action(ctx, NewAction("PJSIPNotify", "Endpoint", res, "Variable", "Event="+ev)); err != nil {
		return actionError(string(svc)+" on "+device+"'s phone", err)
	}
	return nil
}

// rivals are, per service, the states of the device's other calls that
// make a NOTIFY ambiguous: it names no call, and the phone applies it to
// the call it deems current (another ringing call for talk, another live
// one for hold, another held one for retrieve). A live call does not make
// a retrieve ambiguous: the desk's swap holds it just before, and the
// phone takes the NOTIFYs in order, before its hold shows here.
var rivals = map[pbx.Service][]pbx.ConnState{
	pbx.SvcAnswer:   {pbx.StateAlerting},
	pbx.SvcHold:     {pbx.StateConnected},
	pbx.SvcRetrieve: {pbx.StateHeld},
}

// autoAnswerVariable is the Originate Variable that makes the device's
// phone answer click-to-dial's first leg by itself, "" when it should
// not. Asterisk 22's manager splits a Variable header at commas outside
// parentheses and at its first "=" (main/manager.c,
// man_do_variable_value), so PJSIP_HEADER(add,Call-Info) stays one name;
// a variable named like a function is written through that function, and
// PJSIP_HEADER "add" on an outgoing PJSIP channel puts the header into
// its INVITE (Asterisk 22 PJSIP_HEADER documentation, which names a
// pre-dial handler as the way to reach a Dial's callee channel; the
// originated channel is itself the outgoing one). That Originate sets its
// variables on that channel before it is called (main/pbx_outgoing.c) is
// from the source's structure, not re-read here, and not tried on a live
// exchange: docs/asterisk.md says how to check with "pjsip set logger on".
func autoAnswerVariable(d Device) string {
	f, ok := families[d.Phone]
	if !d.AutoAnswer || !ok {
		return ""
	}
	return "PJSIP_HEADER(add," + f.autoAnswer[0] + ")=" + f.autoAnswer[1]
}

// describePhones tells each device's services and auto-answer in its
// pbx.DeviceInfo (Devices and device-state events copy it): the desk
// greys out what this phone cannot do, and does not ask the user to pick
// up a phone that answers by itself. A device that can do all the
// exchange can keeps nil services: the protocol then sends nothing new,
// so an office whose phones are all alike looks to a desk exactly as
// before phone families existed. Called before the mapper runs.
func (x *Exchange) describePhones() {
	caps := x.Capabilities()
	for _, d := range x.cfg.Devices {
		info := x.m.devices[d.ID]
		if svcs := x.deviceServices(d); len(svcs) < len(caps) {
			info.Services = svcs
		}
		info.AutoAnswer = autoAnswerVariable(d) != ""
	}
}
