package ui

import (
	"slices"
	"testing"

	"github.com/deskline/deskline/app"
)

// The trace says each visible change once: the status, who the pop
// shows, and that it closed.
func TestTraceReportsChangesOnce(t *testing.T) {
	u, _ := newTestUI(t, nil)
	var lines []string
	u.opts.Trace = func(l string) { lines = append(lines, l) }
	ringing := connected()
	ringing.Calls = []app.Call{{ID: "c1", Device: "201", State: "alerting", Direction: "incoming",
		Number: "+4940329011", Display: "Miriam Okafor", Since: testNow}}
	u.Render(connected())
	u.Render(ringing)
	u.Render(ringing)
	u.Render(connected())
	u.Render(connected())
	want := []string{"status connected", "popup Miriam Okafor", "popup closed"}
	if !slices.Equal(lines, want) {
		t.Fatalf("trace %q, want %q", lines, want)
	}
}
