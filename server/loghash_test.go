package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// lockedBuffer is a log destination the test reads while sessions write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A refused login logs a short hash of the typed user name, not the name:
// it is often a password typed into the wrong field.
func TestRefusedLoginLogsNoTypedName(t *testing.T) {
	e := newEnv(t)
	var logged lockedBuffer
	e.srv.log = slog.New(slog.NewTextHandler(&logged, nil)) // before any connection
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
