package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/gorilla/websocket"
)

// rawClient speaks one protocol version and keeps frames as sent.
type rawClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialVersion dials offering only the given subprotocols.
func (e *testEnv) dialVersion(protos ...string) *rawClient {
	e.t.Helper()
	d := websocket.Dialer{Subprotocols: protos, HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.Dial(e.url, nil)
	if err != nil {
		e.t.Fatalf("dial: %v (%v)", err, resp)
	}
	e.t.Cleanup(func() { conn.Close() })
	return &rawClient{t: e.t, conn: conn}
}

func (c *rawClient) hello(h *ctiproto.Hello) *ctiproto.Welcome {
	c.t.Helper()
	b, _ := ctiproto.Encode(h)
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatal(err)
	}
	w, ok := c.next().(*ctiproto.Welcome)
	if !ok {
		c.t.Fatal("no welcome")
	}
	return w
}

// next reads a frame; for a v1 connection it must carry no v2 member.
func (c *rawClient) next() ctiproto.Message {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatal(err)
	}
	if c.conn.Subprotocol() == ctiproto.SubprotocolV1 {
		if where := v2MemberIn(data); where != "" {
			c.t.Errorf("a v1 connection got the v2 member %s: %s", where, data)
		}
	}
	m, err := ctiproto.Decode(data)
	if err != nil {
		c.t.Fatalf("%s: %v", data, err)
	}
	return m
}

// v2MemberIn names the first member of ctiproto.V2Members in a frame,
// where v1 lacks it ("" if none): top level of an event (queue; a
// device-state's capabilities), and in device and call objects. The
// welcome's own capabilities are v1's.
func v2MemberIn(frame []byte) string {
	var m struct {
		Type    string
		Queue   json.RawMessage
		Caps    json.RawMessage `json:"capabilities"`
		Devices []map[string]json.RawMessage
		Calls   []map[string]json.RawMessage
	}
	if json.Unmarshal(frame, &m) != nil {
		return ""
	}
	switch {
	case m.Queue != nil:
		return "queue"
	case m.Type == ctiproto.EventDeviceState && m.Caps != nil:
		return "capabilities of a device-state"
	}
	for _, d := range m.Devices {
		for _, name := range []string{"capabilities", "auto_answer"} {
			if _, ok := d[name]; ok {
				return "devices[]." + name
			}
		}
	}
	for _, c := range m.Calls {
		if _, ok := c["queue"]; ok {
			return "calls[].queue"
		}
	}
	return ""
}

// A desk that speaks only deskline.v1 (a tray app of an earlier release)
// keeps working against this server: it gets every event, welcome,
// snapshot and replay without the members v2 added (its decoder is strict:
// one unknown member and it would drop the frame), while a v2 desk gets
// them. The server prefers v2 when offered both.
func TestV1DeskGetsNoV2Members(t *testing.T) {
	// ann's 202 does less than the exchange: its device object and
	// device-states carry capabilities, a v2 member.
	e := newEnv(t, withSim(func(c *sim.Config) { c.Devices[1].Services = softphone }))
	if both := e.dialVersion(ctiproto.SubprotocolV1, ctiproto.SubprotocolV2); both.conn.Subprotocol() != ctiproto.SubprotocolV2 {
		t.Errorf("offered v1 and v2, the server chose %q", both.conn.Subprotocol())
	}
	cur := e.login("ann")
	if cur.welcome.Devices[1].Capabilities == nil {
		t.Fatal("the v2 welcome lacks 202's capabilities: the test proves nothing")
	}
	old := e.dialVersion(ctiproto.SubprotocolV1)
	if old.conn.Subprotocol() != ctiproto.SubprotocolV1 {
		t.Fatalf("offered v1 only, the server chose %q", old.conn.Subprotocol())
	}
	w := old.hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})

	e.ring("600", "+4940111", "Max") // a ring group: its calls carry a queue
	if ev := cur.expectEvent(ctiproto.EventDelivered, "201"); ev.Queue == nil {
		t.Fatalf("the v2 desk got %s without its queue", dump(ev))
	}
	if ev, ok := old.next().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDelivered || ev.Device != "201" {
		t.Fatalf("the v1 desk got %s, want the delivered", dump(ev))
	}
	// A snapshot, a welcome with the ringing call, and a replay, all as v1.
	b, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypeSnapshot, ID: "s"})
	old.conn.WriteMessage(websocket.TextMessage, b)
	if r, ok := old.next().(*ctiproto.Result); !ok || len(r.Calls) != 1 {
		t.Fatalf("v1 snapshot: %s", dump(r))
	}
	if w2 := e.dialVersion(ctiproto.SubprotocolV1).hello(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"}); len(w2.Calls) != 1 {
		t.Fatalf("v1 welcome: %d calls, want the ringing one", len(w2.Calls))
	}
	back := e.dialVersion(ctiproto.SubprotocolV1)
	if rw := back.hello(&ctiproto.Hello{ID: "h", Token: w.Token, Resume: &ctiproto.Resume{Epoch: w.Epoch, Seq: w.Seq}}); !rw.Resumed {
		t.Fatalf("v1 resume refused: %s", dump(rw))
	}
	if ev, ok := back.next().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDelivered {
		t.Fatalf("v1 replay: %s", dump(ev))
	}
	cur.do(&ctiproto.SetDND{ID: "d", Device: "202", On: true})
	if ev := cur.expectEvent(ctiproto.EventDeviceState, "202"); ev.Capabilities == nil {
		t.Fatalf("the v2 desk's device-state %s lacks 202's capabilities", dump(ev))
	}
	if ev, ok := back.next().(*ctiproto.Event); !ok || ev.Type != ctiproto.EventDeviceState || !*ev.DND {
		t.Fatalf("v1 device-state: %s", dump(ev))
	}
}
