package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

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

// The switchboard's trace says how many tiles it shows, each change of
// its filter when applied and when drawn (with the time, for the
// input-to-frame measure of scripts/e2e-switchboard-load.sh), and that it
// closed.
func TestTraceSwitchboardFilter(t *testing.T) {
	u, _ := newTestUI(t, popOfflineDesk(t))
	var lines []string
	u.opts.Trace = func(l string) { lines = append(lines, l) }
	u.switchboard.show()
	u.Render(sbState())
	u.Render(sbState())
	u.switchboard.typedRune('c')
	u.switchboard.typedRune('a')
	u.switchboard.typedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	u.switchboard.win.hide()
	u.Render(sbState())
	at := testNow.UnixMicro()
	want := []string{"switchboard 7 of 7 shown",
		fmt.Sprintf(`switchboard filter "c" 3 shown at %d`, at), fmt.Sprintf(`switchboard filter "c" drawn at %d`, at),
		fmt.Sprintf(`switchboard filter "ca" 2 shown at %d`, at), fmt.Sprintf(`switchboard filter "ca" drawn at %d`, at),
		fmt.Sprintf(`switchboard filter "c" 3 shown at %d`, at), fmt.Sprintf(`switchboard filter "c" drawn at %d`, at),
		"switchboard closed"}
	if got := slices.DeleteFunc(lines, func(l string) bool { return !strings.HasPrefix(l, "switchboard") }); !slices.Equal(got, want) {
		t.Fatalf("trace %q, want %q", got, want)
	}
}
