package ami_test

import (
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/testlog"

	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/ami/amitest"
)

// The log names Asterisk's own version, read with CoreSettings (the fake
// answers it as Asterisk 22.10.1 does, captures f2/k), not the manager
// protocol's 11.0.0 from the banner.
func TestLogsAsteriskVersion(t *testing.T) {
	var log testlog.Buffer
	o := newOffice(t, amitest.Options{Version: "22.10.1"}, func(c *ami.Config) {
		c.Log = log.Logger()
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
