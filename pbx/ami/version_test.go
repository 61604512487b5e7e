package ami_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// syncBuffer is a log sink the connector's goroutines may write while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The log names Asterisk's own version, read with CoreSettings (the fake
// answers it as Asterisk 22.10.1 does, captures f2/k), not the manager
// protocol's 11.0.0 from the banner.
func TestLogsAsteriskVersion(t *testing.T) {
	var log syncBuffer
	o := newOffice(t, amitest.Options{Version: "22.10.1"}, func(c *ami.Config) {
		c.Log = slogTo(&log)
	})
	o.available(true)
	if v := o.x.Version(); v != "22.10.1" {
		t.Errorf("Version() = %q, want 22.10.1", v)
	}
	var linked string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "linked to Asterisk") {
			linked = l
		}
	}
	if !strings.Contains(linked, "asterisk=22.10.1") || !strings.Contains(linked, "ami_protocol=11.0.0") {
		t.Errorf("link log line %q, want asterisk=22.10.1 and ami_protocol=11.0.0\nlog:\n%s", linked, log.String())
	}
	if strings.Contains(log.String(), "version=11.0.0") {
		t.Errorf("the log still calls the manager protocol's version Asterisk's:\n%s", log.String())
	}
}

func slogTo(w *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
