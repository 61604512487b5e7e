package ami

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Golden is the expectation for one capture, from testdata/NAME.events:
// the Deskline events a desktop receives (one line each, as line renders
// them) and, on lines starting "> ", what the connector is asked to do at
// that point:
//
//	> originate DEVICE TO uid=UID action=ACTIONID      (MakeCall; the capture's first leg is UID)
//	> originate-refused DEVICE TO action=ACTIONID      (MakeCall that Asterisk refuses)
//	> transfer DEVICE TO call=CALL action=ACTIONID      (Transfer)
//	> transfer DEVICE TO call=CALL after=EVENT:N        (Transfer, the capture has no Redirect)
//	> deflect DEVICE TO call=CALL after=EVENT:N         (Deflect, the same)
//
// ACTIONID is the capture's own action, whose answer marks the moment;
// where the capture lacks the action (a Deskline on another manager
// session sent it), after=EVENT:N marks it: right after the N-th message
// with that Event (amitest's Script.Cut cuts there too).
// Exported (from a test file) for the over-the-wire tests in ami_test.
type Golden struct {
	Name  string
	Lines []string
}

// GoldenStep is one "> " line, parsed.
type GoldenStep struct {
	Verb, Device, To string
	Args             map[string]string // uid, action, call
}

// Step parses line i as a step; ok is false for an event line.
func (g Golden) Step(i int) (s GoldenStep, ok bool) {
	rest, ok := strings.CutPrefix(g.Lines[i], "> ")
	if !ok {
		return GoldenStep{}, false
	}
	f := strings.Fields(rest)
	s = GoldenStep{Verb: f[0], Device: f[1], To: f[2], Args: map[string]string{}}
	for _, kv := range f[3:] {
		k, v, _ := strings.Cut(kv, "=")
		s.Args[k] = v
	}
	return s, true
}

// Events are the event lines alone.
func (g Golden) Events() []string {
	var out []string
	for i := range g.Lines {
		if _, step := g.Step(i); !step {
			out = append(out, g.Lines[i])
		}
	}
	return out
}

// LoadGoldens reads every testdata/*.events file.
func LoadGoldens(t testing.TB) []Golden {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.events"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/*.events: %v", err)
	}
	var gs []Golden
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		g := Golden{Name: strings.TrimSuffix(filepath.Base(p), ".events")}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
				g.Lines = append(g.Lines, l)
			}
		}
		f.Close()
		gs = append(gs, g)
	}
	return gs
}

// Line renders an event for the goldens (exported for ami_test).
var Line = line
