package server

import (
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/testlog"

	"github.com/deskline/deskline/ctiproto"
)

// A refused login logs a short hash of the typed user name, not the name:
// it is often a password typed into the wrong field.
func TestRefusedLoginLogsNoTypedName(t *testing.T) {
	e := newEnv(t)
	var logged testlog.Buffer
	e.srv.log = logged.Logger() // before any connection
	const typed = "Sommer2026!pw"
	for range 2 {
		c := e.dial()
		c.send(&ctiproto.Hello{ID: "h", User: typed, Password: "secret"})
		c.expectError(ctiproto.CodeAuthFailed)
		c.expectClose(ctiproto.CloseAuthFailed)
	}
	out := logged.String()
	if strings.Contains(out, typed) {
		t.Fatalf("the typed user name is in the log:\n%s", out)
	}
	want := "user_hash=" + typedNameHash(typed)
	if strings.Count(out, want) != 2 {
		t.Fatalf("want both refusals logged with %s (the same name, the same hash):\n%s", want, out)
	}
}
