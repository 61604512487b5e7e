package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
	"github.com/gorilla/websocket"
)

// Every class of bad frame gets its documented error code, and the
// connection (and the server) carries on.
func TestBadFramesGetErrorsAndConnectionSurvives(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	for _, tc := range []struct {
		name, frame, code, field, id string
	}{
		{"not json", `{"type":`, ctiproto.CodeBadFrame, "", ""},
		{"not an object", `[1,2]`, ctiproto.CodeBadFrame, "", ""},
		{"unknown type", `{"type":"explode","id":"u1"}`, ctiproto.CodeUnknownType, "type", "u1"},
		{"missing type", `{"id":"u2"}`, ctiproto.CodeMissingField, "type", "u2"},
		{"missing field", `{"type":"make-call","id":"u3","device":"201"}`, ctiproto.CodeMissingField, "to", "u3"},
		{"mistyped field", `{"type":"set-dnd","id":"u4","device":"201","on":"yes"}`, ctiproto.CodeInvalidField, "on", "u4"},
		{"unknown field", `{"type":"ping","id":"u5","hack":1}`, ctiproto.CodeInvalidField, "hack", "u5"},
		{"server type from client", `{"type":"welcome","id":"u6"}`, ctiproto.CodeUnknownType, "type", "u6"},
		{"unknown call", `{"type":"hold","id":"u8","call":"c-999999","device":"201"}`, ctiproto.CodeNotFound, "call", "u8"},
		{"bad number", `{"type":"make-call","id":"u9","device":"201","to":"call me"}`, ctiproto.CodeInvalidNumber, "to", "u9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ann.sendRaw([]byte(tc.frame))
			got := ann.expectError(tc.code)
			if got.Field != tc.field || got.ID != tc.id || got.Message == "" {
				t.Errorf("error = %+v, want field %q id %q", got, tc.field, tc.id)
			}
		})
	}
	if err := ann.conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	ann.expectError(ctiproto.CodeBadFrame)
	ann.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "alive"})
}

func TestSecondHelloClosesWith4000(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	ann.send(&ctiproto.Hello{ID: "again", User: "ann", Password: "secret"})
	if got := ann.expectError(ctiproto.CodeProtocolError); got.ID != "again" {
		t.Fatalf("error id %q", got.ID)
	}
	ann.expectClose(ctiproto.CloseProtocolError)
}

func TestCommandBeforeHello(t *testing.T) {
	e := newEnv(t)
	c := e.dial()
	c.send(&ctiproto.MakeCall{ID: "m", Device: "201", To: "203"})
	if got := c.expectError(ctiproto.CodeNotAuthenticated); got.ID != "m" {
		t.Fatalf("error id %q", got.ID)
	}
	c.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	c.expectWelcome()
}

func TestOversizedFrameClosesWith1009(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.MaxMessageBytes = 2048 }))
	ann := e.login("ann")
	big := `{"type":"ping","id":"` + strings.Repeat("x", 4096) + `"}`
	ann.conn.WriteMessage(websocket.TextMessage, []byte(big)) // the server may hang up mid-frame
	ann.expectClose(websocket.CloseMessageTooBig)
	// The server is fine: a new login works.
	e.login("ann")
}

func TestNoHelloInTime(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.HelloTimeout = 200 * time.Millisecond }))
	c := e.dial()
	c.expectClose(ctiproto.CloseProtocolError)
}

func TestSubprotocolRequired(t *testing.T) {
	e := newEnv(t)
	_, resp, err := websocket.DefaultDialer.Dial(e.url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("dial without subprotocol: err %v resp %v", err, resp)
	}
}

// A flood of valid commands is answered, each exactly once, with a result
// or rate-limited and retry_after_ms; rate-limited requests are not bad
// frames and do not close the connection (issue 12 item 14).
func TestFloodIsRateLimitedEachAnsweredOnce(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.CommandsPerSecond = 5; l.CommandBurst = 5 }))
	ann := e.login("ann")
	const n = maxBadFrames + 20
	for i := range n {
		ann.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: fmt.Sprint("p", i)})
	}
	answered, limited := map[string]int{}, 0
	for len(answered) < n {
		switch m := ann.next().(type) {
		case *ctiproto.Result:
			answered[m.ID]++
		case *ctiproto.Error:
			if m.Code != ctiproto.CodeRateLimited || m.RetryAfterMS <= 0 {
				t.Fatalf("want rate-limited with retry_after_ms, got %s", dump(m))
			}
			answered[m.ID]++
			limited++
		default:
			t.Fatalf("got %s", dump(m))
		}
	}
	for id, k := range answered {
		if k != 1 {
			t.Errorf("request %s answered %d times", id, k)
		}
	}
	if limited == 0 {
		t.Fatal("no rate-limited error")
	}
	time.Sleep(time.Second) // the bucket refills: 5 per second
	ann.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "after"})
}

// The exact rule of PROTOCOL.md section 9: the 101st frame that does not
// decode within a minute is answered, then the connection closes with
// 4004; requests before the welcome do not count.
func TestBadFramesRule(t *testing.T) {
	e := newEnv(t)
	c := e.dial()
	for i := range maxBadFrames + 10 {
		c.send(&ctiproto.Simple{Type: ctiproto.TypePing, ID: fmt.Sprint("early", i)})
		c.expectError(ctiproto.CodeNotAuthenticated)
	}
	c.send(&ctiproto.Hello{ID: "h", User: "ann", Password: "secret"})
	c.expectWelcome()
	for range maxBadFrames {
		c.sendRaw([]byte(`{"type":"ping"`))
		c.expectError(ctiproto.CodeBadFrame)
	}
	c.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "still-open"})
	c.sendRaw([]byte(`{"type":"hold","id":"x"}`))
	c.expectError(ctiproto.CodeMissingField)
	c.expectClose(ctiproto.CloseRateLimited)
}

func TestShutdownSaysGoingAway(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	go e.srv.Shutdown(context.Background())
	ann.expectClose(websocket.CloseGoingAway)
}

// A withheld number and an absurd caller name still make a valid screen
// pop, and the user can still log in while that call rings.
func TestOddCallerStillPops(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	huge := strings.Repeat("Ä", 3000) // 6000 bytes of UTF-8
	if _, err := e.sim.Ring(context.Background(), "201", pbx.Party{Name: huge}); err != nil {
		t.Fatal(err)
	}
	ev := ann.expectEvent(ctiproto.EventDelivered, "201")
	if ev.Other == nil || ev.Other.Number != "" || len(ev.Other.Name) > ctiproto.MaxTextLength || !utf8.ValidString(ev.Other.Name) {
		t.Fatalf("other = %d bytes, number %q", len(ev.Other.Name), ev.Other.Number)
	}
	again := e.login("ann") // the welcome carries the call and decodes
	if len(again.welcome.Calls) != 1 {
		t.Fatalf("welcome calls %+v", again.welcome.Calls)
	}
}

// A client that floods frames before its hello and never reads must not
// pin a reader goroutine or a connection slot once it goes away.
func TestPreHelloFloodDoesNotLeak(t *testing.T) {
	e := newEnv(t)
	c := e.dial()
	frame, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"})
	for range 500 {
		if c.conn.WriteMessage(websocket.TextMessage, frame) != nil {
			break
		}
	}
	c.conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.connections() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections left after the client went away", e.srv.connections())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Pongs before the hello do not extend the hello deadline.
func TestPongsDoNotExtendHelloDeadline(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.HelloTimeout = 300 * time.Millisecond }))
	c := e.dial()
	stop := time.After(3 * time.Second)
	closed := make(chan error, 1)
	go func() {
		_, err := c.read(5 * time.Second)
		closed <- err
	}()
	for {
		select {
		case err := <-closed:
			var ce *websocket.CloseError
			if !asCloseError(err, &ce) || ce.Code != ctiproto.CloseProtocolError {
				t.Fatalf("want close 4000, got %v", err)
			}
			return
		case <-stop:
			t.Fatal("pongs kept an unauthenticated connection open")
		case <-time.After(50 * time.Millisecond):
			c.conn.WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
		}
	}
}

func TestSimAPIRefusesBrowsersAndRebinding(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Post(e.http.URL+"/v1/sim/ring", "text/plain", strings.NewReader(`{"device":"201"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain POST: %s", resp.Status)
	}
	req, _ := http.NewRequest("GET", e.http.URL+"/v1/sim/calls", nil)
	req.Host = "evil.example:8720"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("rebound Host: %s", resp.Status)
	}
}

// The sim API answers malformed, unknown and oversized bodies with 400.
func TestSimAPIBadBodies(t *testing.T) {
	e := newEnv(t)
	for _, body := range []string{`{"device":`, `{"device":"201","colour":"red"}`, `["201"]`,
		`{"device":"` + strings.Repeat("2", 8<<10) + `"}`} {
		resp, err := http.Post(e.http.URL+"/v1/sim/ring", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %.40q: %s", body, resp.Status)
		}
	}
}

// writeRawFrame writes one client frame by hand (masked with a zero key,
// so the payload goes as is): tests use it to fragment a message and put
// a control frame between its fragments, which gorilla's writer never does.
func writeRawFrame(t *testing.T, c *client, fin bool, opcode byte, payload []byte) {
	t.Helper()
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	hdr := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n <= 0xffff:
		hdr = append(hdr, 0x80|126, byte(n>>8), byte(n))
	default:
		t.Fatalf("frame of %d bytes: too large for this helper", n)
	}
	hdr = append(hdr, 0, 0, 0, 0) // the mask key
	if _, err := c.conn.NetConn().Write(append(hdr, payload...)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// A request many times the reader's small buffer, in fragments with a
// ping between them, is read whole and answered; the ping is answered
// as it comes. The message limit counts the fragments together.
func TestFragmentedFrames(t *testing.T) {
	const (
		opContinuation = 0
		opText         = 1
		opPing         = 9
	)
	e := newEnv(t, withLimits(func(l *config.Limits) { l.MaxMessageBytes = 4096 }))

	t.Run("within the limit", func(t *testing.T) {
		ann := e.login("ann")
		pong := make(chan string, 1)
		ann.conn.SetPongHandler(func(data string) error { pong <- data; return nil })
		msg := []byte(`{"type":"ping","id":"big"` + strings.Repeat(" ", 3000) + `}`)
		writeRawFrame(t, ann, false, opText, msg[:1000])
		writeRawFrame(t, ann, true, opPing, []byte("between"))
		writeRawFrame(t, ann, false, opContinuation, msg[1000:2000])
		writeRawFrame(t, ann, true, opContinuation, msg[2000:])
		ann.expectResult("big")
		select {
		case got := <-pong:
			if got != "between" {
				t.Fatalf("pong %q", got)
			}
		default:
			t.Fatal("no pong to the ping between the fragments")
		}
		ann.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "after"})
	})

	t.Run("over the limit", func(t *testing.T) {
		ann := e.login("ann")
		part := []byte(`{"type":"ping","id":"big"` + strings.Repeat(" ", 2000))
		writeRawFrame(t, ann, false, opText, part)
		writeRawFrame(t, ann, false, opContinuation, []byte(strings.Repeat(" ", 2000)))
		ann.conn.NetConn().Write([]byte{0x80, 0x80 | 126, 0x07, 0xd0, 0, 0, 0, 0}) // the server may hang up mid-frame
		ann.conn.NetConn().Write([]byte(strings.Repeat(" ", 1999) + "}"))
		ann.expectClose(websocket.CloseMessageTooBig)
		e.login("ann")
	})
}
