package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
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

func TestFloodIsRateLimitedThenCut(t *testing.T) {
	e := newEnv(t, withLimits(func(l *config.Limits) { l.CommandsPerSecond = 5; l.CommandBurst = 5 }))
	ann := e.login("ann")
	for i := range maxBadFrames + 20 {
		// The server may close before the last ones: write errors are expected.
		b, _ := ctiproto.Encode(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p" + strings.Repeat("i", i%60+1)})
		ann.conn.WriteMessage(websocket.TextMessage, b)
	}
	limited := 0
	for {
		m, err := ann.read(5 * time.Second)
		if err != nil {
			var ce *websocket.CloseError
			if !asCloseError(err, &ce) || ce.Code != ctiproto.CloseRateLimited {
				t.Fatalf("want close 4004, got %v", err)
			}
			break
		}
		if er, ok := m.(*ctiproto.Error); ok && er.Code == ctiproto.CodeRateLimited {
			limited++
			if er.RetryAfterMS <= 0 {
				t.Fatalf("retry_after_ms %d", er.RetryAfterMS)
			}
		}
	}
	if limited == 0 {
		t.Fatal("no rate-limited error before the close")
	}
}

func TestShutdownSaysGoingAway(t *testing.T) {
	e := newEnv(t)
	ann := e.login("ann")
	go e.srv.Shutdown(context.Background())
	ann.expectClose(websocket.CloseGoingAway)
}
