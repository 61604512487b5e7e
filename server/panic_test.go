package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// panicky is the simulated exchange with one buggy service: SetDND panics
// (standing in for any bug in a command path or an exchange adapter).
type panicky struct{ *sim.Exchange }

func (panicky) SetDND(context.Context, string, bool) error { panic("test: bug in SetDND") }

// A panic while one connection's frame is handled must cost that
// connection, not the server. Before b7ded7a the frame was handled on the
// HTTP handler's goroutine, where net/http recovers a panic (readLoop's
// deferred cleanup ran, the server lived on); now it runs on a goroutine
// of its own (gateway.go handle) with no recover, so the process dies.
func TestPanicInACommandEndsOnlyThatConnection(t *testing.T) {
	if os.Getenv("DESKLINE_PANIC_CHILD") == "1" {
		panicChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPanicInACommandEndsOnlyThatConnection$", "-test.v")
	cmd.Env = append(os.Environ(), "DESKLINE_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the server process died of one connection's panic: %v\n%s", err, tail(string(out), 1500))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func panicChild(t *testing.T) {
	ex, err := sim.New(testSimConfig())
	if err != nil {
		t.Fatal(err)
	}
	users := make([]auth.User, len(testUsers))
	for i, u := range testUsers {
		u.PasswordHash = testHash
		users[i] = u
	}
	a, err := auth.New(users, auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(context.Background(), Options{
		Exchange: panicky{ex}, Auth: a, Users: users, Limits: config.Default().Limits,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	e := &testEnv{t: t, sim: ex, auth: a, srv: srv, http: hs,
		url: "ws" + strings.TrimPrefix(hs.URL, "http") + ctiproto.Path}
	ann := e.login("ann")
	ann.send(&ctiproto.SetDND{ID: "d", Device: "201", On: true})
	ann.read(3e9) // the connection ends (old code) or the process dies (new)
	bob := e.login("bob")
	if r, _ := bob.do(&ctiproto.Simple{Type: ctiproto.TypePing, ID: "p"}); r == nil {
		t.Fatal("no result")
	}
}
