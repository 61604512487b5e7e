package ami_test

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// waitFor bounds every wait in these tests; the fake Asterisk answers in
// milliseconds.
const waitFor = 10 * time.Second

// office is a connector linked to a fake Asterisk on loopback.
type office struct {
	t   *testing.T
	ast *amitest.Server
	x   *ami.Exchange
	evs chan pbx.Event
}

func labConfig(addr string) ami.Config {
	return ami.Config{
		Addr: addr, Username: "cti", Secret: "ctisecret", Context: "office",
		Devices: []ami.Device{
			{ID: "201", Name: "Alice Meyer", Endpoint: "PJSIP/201"},
			{ID: "202", Name: "Bob Schulz", Endpoint: "PJSIP/202"},
			{ID: "203", Name: "Carol Weber", Endpoint: "PJSIP/203"},
		},
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
	}
}

func newOffice(t *testing.T, opts amitest.Options, mod func(*ami.Config)) *office {
	t.Helper()
	return startOffice(t, opts, nil, mod)
}

// startOffice is newOffice with set, when not nil, preparing the fake
// Asterisk (its queues, its parked calls) before the connector links.
func startOffice(t *testing.T, opts amitest.Options, set func(*amitest.Server), mod func(*ami.Config)) *office {
	t.Helper()
	opts.Logf = t.Logf
	ast, err := amitest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ast.Close() })
	if set != nil {
		set(ast)
	}
	cfg := labConfig(ast.Addr())
	if mod != nil {
		mod(&cfg)
	}
	x, err := ami.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := &office{t: t, ast: ast, x: x, evs: make(chan pbx.Event, 100000)}
	go func() {
		for ev := range x.Events() {
			o.evs <- ev
		}
		close(o.evs)
	}()
	t.Cleanup(func() { x.Close() })
	return o
}

// next returns the next event or fails the test.
func (o *office) next() pbx.Event {
	o.t.Helper()
	select {
	case ev, ok := <-o.evs:
		if !ok {
			o.t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(waitFor):
		o.t.Fatal("no event within", waitFor)
	}
	return pbx.Event{}
}

// available waits for the exchange to report up (true) or down (false)
// and returns the reason.
func (o *office) available(up bool) string {
	o.t.Helper()
	for {
		ev := o.next()
		if ev.Kind == pbx.EvExchangeState && ev.Available == up {
			return ev.Reason
		}
	}
}

// until collects call events (as lines) until one contains stop.
func (o *office) until(stop string) []string {
	o.t.Helper()
	var got []string
	for {
		ev := o.next()
		if !callEvent(ev) {
			continue
		}
		l := line(ev)
		got = append(got, l)
		if strings.Contains(l, stop) {
			return got
		}
	}
}

// callEvent reports whether ev is about a call: not a device's state,
// the link's, or a queue's members (the captures' QueueMemberStatus
// reveal queue sales, which the fake's QueueStatus does not list).
func callEvent(ev pbx.Event) bool {
	return ev.Kind != pbx.EvDeviceState && ev.Kind != pbx.EvExchangeState && ev.Kind != pbx.EvQueueMembers
}

func (o *office) play(name string) {
	o.t.Helper()
	sc, err := amitest.LoadCapture(name)
	if err != nil {
		o.t.Fatal(err)
	}
	o.ast.Play(sc)
}

// line renders an event like the mapper tests do.
func line(e pbx.Event) string {
	dir := map[pbx.Direction]string{pbx.Incoming: "in", pbx.Outgoing: "out"}[e.Direction]
	s := string(e.Kind) + " " + e.Device + " " + string(e.State) + " " + dir + " other=" + e.Other.Number + "(" + e.Other.Name + ") call=" + string(e.Call)
	for _, kv := range [][2]string{{"cause", string(e.Cause)}, {"answeredBy", e.AnsweredBy}, {"by", e.By}, {"to", e.To}} {
		if kv[1] != "" {
			s += " " + kv[0] + "=" + kv[1]
		}
	}
	return s
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// A screen pop end to end: Asterisk rings 201 from outside, the phone
// answers, the caller hangs up — over a real TCP link, MD5 login.
func TestIncomingCallOverTheWire(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("a-incoming-answered")
	same(t, o.until("cleared 201"), []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795686940.0",
		"established 201 connected in other=+49301234567(Jane Doe) call=1795686940.0 answeredBy=201",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686940.0 cause=normal",
	})
	for _, a := range o.ast.Actions() {
		if _, ok := a.Lookup("Secret"); ok {
			t.Errorf("the secret crossed the wire with MD5 login: %v", a.Get("Action"))
		}
	}
}

// Frames split at every byte change nothing.
func TestByteByByteFrames(t *testing.T) {
	o := newOffice(t, amitest.Options{ByteWrites: true}, func(c *ami.Config) { c.Auth = ami.AuthPlain })
	o.available(true)
	o.play("b-incoming-missed")
	same(t, o.until("cleared 201"), []string{
		"delivered 201 alerting in other=+49301234567(Jane Doe) call=1795686953.2",
		"cleared 201 cleared in other=+49301234567(Jane Doe) call=1795686953.2 cause=normal",
	})
}

var ourID = regexp.MustCompile(`deskline-[0-9a-f]+-[0-9]+`)

// Click-to-dial: MakeCall sends Originate (the user's phone first, then
// the destination, with the user's caller id); the call's events carry
// the id MakeCall returned.
func TestClickToDial(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("c1-click-to-dial-internal")
	id, err := o.x.MakeCall(t.Context(), "201", "202")
	if err != nil {
		t.Fatal(err)
	}
	if !ourID.MatchString(string(id)) {
		t.Fatalf("call id %q", id)
	}
	got := o.until("cleared 202")
	for i := range got {
		got[i] = strings.ReplaceAll(got[i], string(id), "ID")
	}
	same(t, got, []string{
		"initiated 201 initiated out other=202() call=ID",
		"originated 201 connected out other=202() call=ID",
		"delivered 202 alerting in other=201(Alice Meyer) call=ID",
		"established 202 connected in other=201(Alice Meyer) call=ID answeredBy=202",
		"established 201 connected out other=202(Bob Schulz) call=ID answeredBy=202",
		"cleared 201 cleared out other=202(Bob Schulz) call=ID cause=normal",
		"cleared 202 cleared in other=201(Alice Meyer) call=ID cause=normal",
	})
	var orig []string
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "Originate" {
			orig = append(orig, a.String())
			for k, v := range map[string]string{"Channel": "PJSIP/201", "Exten": "202", "Context": "office",
				"Priority": "1", "CallerID": `"Alice Meyer" <201>`, "Async": "true", "ChannelId": string(id), "Timeout": "30000"} {
				if a.Get(k) != v {
					t.Errorf("Originate %s = %q, want %q", k, a.Get(k), v)
				}
			}
			for _, k := range []string{"Application", "Data"} {
				if _, ok := a.Lookup(k); ok {
					t.Errorf("Originate carries %s", k)
				}
			}
		}
	}
	if len(orig) != 1 {
		t.Errorf("Originate actions: %v", orig)
	}
}

// Every capture whose actions the connector itself sends (Originate,
// Redirect), played by the fake Asterisk over TCP: the connector is
// driven as a desktop would drive it, and the events are exactly the
// golden ones — the same files the mapper's replay is held to.
func TestEveryCaptureOverTheWire(t *testing.T) {
	for _, g := range ami.LoadGoldens(t) {
		sc, err := amitest.LoadCapture(g.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !driven(sc) {
			continue // its actions are state queries or errors: see the tests of those
		}
		t.Run(g.Name, func(t *testing.T) {
			o := newOffice(t, amitest.Options{}, nil)
			o.available(true)
			tail := o.playUntilStep(sc, g)
			ids := map[pbx.CallID]string{} // our call id → the capture's
			for i := range g.Lines {
				if s, ok := g.Step(i); ok {
					o.drive(s, ids)
					if tail != nil {
						o.ast.Play(tail)
					}
					continue
				}
				ev := o.nextCall()
				l := ami.Line(ev)
				if u, ok := ids[ev.Call]; ok {
					l = strings.ReplaceAll(l, string(ev.Call), u)
				}
				if l != g.Lines[i] {
					t.Fatalf("line %d: got\n  %s\nwant\n  %s", i+1, l, g.Lines[i])
				}
			}
			if err := o.ast.WaitPlayed(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// playUntilStep plays the capture, or, when a step of the golden marks its
// moment with after=EVENT:N (the capture lacks the connector's action),
// only the part up to that message, and returns the rest to play once the
// step is done.
func (o *office) playUntilStep(sc *amitest.Script, g ami.Golden) *amitest.Script {
	o.t.Helper()
	for i := range g.Lines {
		s, ok := g.Step(i)
		ev, n, cut := strings.Cut(s.Args["after"], ":")
		if !ok || !cut {
			continue
		}
		nth, _ := strconv.Atoi(n)
		head, tail, found := sc.Cut(ev, nth)
		if !found {
			o.t.Fatalf("%s: no %s #%d in the capture", g.Name, ev, nth)
		}
		o.ast.Play(head)
		return tail
	}
	o.ast.Play(sc)
	return nil
}

// driven reports whether every action of the capture is one the
// connector sends for a desktop.
func driven(sc *amitest.Script) bool {
	for _, tr := range sc.Triggers() {
		if tr != "Originate" && tr != "Redirect" {
			return false
		}
	}
	return true
}

// drive performs one "> " step of a golden file.
func (o *office) drive(s ami.GoldenStep, ids map[pbx.CallID]string) {
	o.t.Helper()
	ctx := o.t.Context()
	switch s.Verb {
	case "originate":
		id, err := o.x.MakeCall(ctx, s.Device, s.To)
		if err != nil {
			o.t.Fatalf("MakeCall(%s, %s): %v", s.Device, s.To, err)
		}
		ids[id] = s.Args["uid"]
	case "originate-refused":
		if _, err := o.x.MakeCall(ctx, s.Device, s.To); err == nil || !strings.Contains(err.Error(), "Originate failed") {
			o.t.Errorf("MakeCall(%s, %s) = %v, want Asterisk's \"Originate failed\"", s.Device, s.To, err)
		}
	case "transfer":
		if err := o.x.Transfer(ctx, pbx.CallID(s.Args["call"]), s.Device, s.To); err != nil {
			o.t.Fatalf("Transfer: %v", err)
		}
	case "deflect":
		if err := o.x.Deflect(ctx, pbx.CallID(s.Args["call"]), s.Device, s.To); err != nil {
			o.t.Fatalf("Deflect: %v", err)
		}
	default:
		o.t.Fatalf("unknown step %q", s.Verb)
	}
}

// nextCall returns the next call event (device and exchange states are
// not in the goldens).
func (o *office) nextCall() pbx.Event {
	o.t.Helper()
	for {
		if ev := o.next(); callEvent(ev) {
			return ev
		}
	}
}

// Transfer redirects the far party (the outside caller's channel) into
// the office context.
func TestTransferByRedirect(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	o.play("e3-transfer-by-ami-redirect")
	o.until("established 201")
	if err := o.x.Transfer(t.Context(), "1795687073.23", "201", "202"); err != nil {
		t.Fatal(err)
	}
	o.until("cleared 202")
	var redirect ami.Message
	for _, a := range o.ast.Actions() {
		if a.Get("Action") == "Redirect" {
			redirect = a
		}
	}
	if redirect.Get("Channel") != "PJSIP/carrier-00000017" || redirect.Get("Exten") != "202" ||
		redirect.Get("Context") != "office" || redirect.Get("Priority") != "1" {
		t.Errorf("Redirect = %v, want the caller's channel to 202 in office", redirect)
	}
}

// Services name what is wrong in words a desktop can show.
func TestServiceErrors(t *testing.T) {
	o := newOffice(t, amitest.Options{}, nil)
	o.available(true)
	ctx := t.Context()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"unknown device", func() error { _, err := o.x.MakeCall(ctx, "299", "202"); return err }(), pbx.ErrNoSuchDevice},
		{"line break in number", func() error { _, err := o.x.MakeCall(ctx, "201", "202\r\nApplication: System"); return err }(), pbx.ErrInvalidNumber},
		{"letters", func() error { _, err := o.x.MakeCall(ctx, "201", "call me"); return err }(), pbx.ErrInvalidNumber},
		{"empty", func() error { _, err := o.x.MakeCall(ctx, "201", " "); return err }(), pbx.ErrInvalidNumber},
		{"no such call", o.x.Clear(ctx, "nope", "201"), pbx.ErrNoSuchCall},
		{"transfer no call", o.x.Transfer(ctx, "nope", "201", "202"), pbx.ErrNoSuchCall},
		{"answer", o.x.Answer(ctx, "nope", "201"), pbx.ErrNotSupported},
		{"hold", o.x.Hold(ctx, "nope", "201"), pbx.ErrNotSupported},
		{"dnd without features", o.x.SetDND(ctx, "201", true), pbx.ErrNotSupported},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, c.err, c.want)
		}
	}
	caps := o.x.Capabilities()
	if !caps[pbx.SvcMakeCall] || !caps[pbx.SvcClear] || caps[pbx.SvcAnswer] || caps[pbx.SvcHold] || caps[pbx.SvcDoNotDisturb] {
		t.Errorf("capabilities = %v", caps)
	}
}

// With features = "freepbx", DND and forwarding live in FreePBX's AstDB
// keys: read at login, written by the desktop's switches, announced.
func TestFreePBXFeatures(t *testing.T) {
	o := newOffice(t, amitest.Options{}, func(c *ami.Config) { c.Features = ami.FeaturesFreePBX })
	o.available(true)
	o.ast.SetDB("DND", "202", "YES") // as *76 on the phone would
	o.ast.SetDB("CF", "203", "0891234567")
	o.ast.Drop() // AstDB has no events: they are read at the next login
	o.available(false)
	o.available(true)
	devs, _ := o.x.Devices(t.Context())
	if !devs[1].DND || devs[2].ForwardTo != "0891234567" || devs[0].DND || devs[0].ForwardTo != "" {
		t.Fatalf("devices after login = %+v", devs)
	}
	ctx := t.Context()
	if err := o.x.SetDND(ctx, "201", true); err != nil {
		t.Fatal(err)
	}
	if ev := o.nextDevice(); ev.Device != "201" || !ev.DeviceState.DND {
		t.Errorf("after SetDND: %+v", ev.DeviceState)
	}
	if err := o.x.SetForwarding(ctx, "201", "+49 89 123456"); err != nil {
		t.Fatal(err)
	}
	if ev := o.nextDevice(); ev.DeviceState.ForwardTo != "+4989123456" {
		t.Errorf("after SetForwarding: %+v", ev.DeviceState)
	}
	if db := o.ast.DB(); db["DND/201"] != "YES" || db["CF/201"] != "+4989123456" {
		t.Errorf("AstDB = %v", db)
	}
	for _, err := range []error{o.x.SetDND(ctx, "201", false), o.x.SetForwarding(ctx, "201", ""), o.x.SetForwarding(ctx, "201", "")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if db := o.ast.DB(); db["DND/201"] != "" || db["CF/201"] != "" {
		t.Errorf("AstDB after turning both off = %v", db)
	}
	if caps := o.x.Capabilities(); !caps[pbx.SvcDoNotDisturb] || !caps[pbx.SvcForwarding] {
		t.Errorf("capabilities = %v", caps)
	}
}

func (o *office) nextDevice() pbx.Event {
	o.t.Helper()
	for {
		if ev := o.next(); ev.Kind == pbx.EvDeviceState {
			return ev
		}
	}
}
