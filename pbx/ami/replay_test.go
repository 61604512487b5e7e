package ami

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// fixtures is the folder of real Asterisk captures shipped with amitest
// (which this package's own tests cannot import).
func fixtures(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("amitest", "captures")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("AMI captures not found: %v", err)
	}
	return dir
}

// labDevices are the phones of the lab the captures come from.
var labDevices = []Device{
	{ID: "201", Name: "Alice Meyer", Endpoint: "PJSIP/201"},
	{ID: "202", Name: "Bob Schulz", Endpoint: "PJSIP/202"},
	{ID: "203", Name: "Carol Weber", Endpoint: "PJSIP/203"},
}

// readCapture decodes every message of a raw capture after its banner.
func readCapture(t testing.TB, name string) []Message {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewDecoder(f)
	if _, err := d.Banner(); err != nil {
		t.Fatal(err)
	}
	var msgs []Message
	for {
		m, err := d.Decode()
		if errors.Is(err, io.EOF) {
			return msgs
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		msgs = append(msgs, m)
	}
}

// line renders an event the way pbx/sim/EVENTS.md writes them.
func line(e pbx.Event) string {
	if e.Kind == pbx.EvDeviceState {
		d := e.DeviceState
		return fmt.Sprintf("device-state %s registered=%v dnd=%v forward=%q", e.Device, d.Registered, d.DND, d.ForwardTo)
	}
	dir := map[pbx.Direction]string{pbx.Incoming: "in", pbx.Outgoing: "out"}[e.Direction]
	s := fmt.Sprintf("%s %s %s %s other=%s(%s) call=%s", e.Kind, e.Device, e.State, dir, e.Other.Number, e.Other.Name, e.Call)
	for _, kv := range [][2]string{{"cause", string(e.Cause)}, {"answeredBy", e.AnsweredBy}, {"by", e.By}, {"to", e.To}} {
		if kv[1] != "" {
			s += " " + kv[0] + "=" + kv[1]
		}
	}
	return s
}

func replay(m *mapper, msgs []Message) []string {
	var got []string
	for _, msg := range msgs {
		for _, e := range m.handle(msg) {
			got = append(got, line(e))
		}
	}
	return got
}

func fixedClock() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
