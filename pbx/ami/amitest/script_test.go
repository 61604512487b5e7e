package amitest

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseEveryCapture parses every capture and checks that each message
// Asterisk sent ends up in the script exactly once, except the banner, the
// login answer with its FullyBooted/SuccessfulAuth, and what follows the
// Logoff or the closed connection.
func TestParseEveryCapture(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir(t), "*.annotated.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, f := range files {
		sc, err := LoadScript(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if want := countPlayable(t, f); sc.Messages() != want {
			t.Errorf("%s: %d messages, want %d", sc.Name, sc.Messages(), want)
		}
		for i, st := range sc.Steps() {
			if (i == 0) != (st.Trigger == "") {
				t.Errorf("%s step %d: trigger %q", sc.Name, i, st.Trigger)
			}
			if len(st.Delays) != len(st.Messages) {
				t.Errorf("%s step %d: %d delays for %d messages", sc.Name, i, len(st.Delays), len(st.Messages))
			}
			for _, m := range st.Messages {
				if m.ActionID() == "login-1" || len(m.Fields) == 0 {
					t.Errorf("%s: login answer or empty message kept: %v", sc.Name, m)
				}
			}
		}
	}
}

// countPlayable counts the "<<<" messages a script should keep, straight
// from the file's annotations.
func countPlayable(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, loggedIn, skip := 0, false, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "# [") {
			if skip == -1 && loggedIn {
				// the line after ">>> sent": the action
				if strings.HasPrefix(line, "Action: Logoff") {
					return n
				}
				if strings.HasPrefix(line, "Action: Login") {
					skip = 1
				} else {
					skip = 0
				}
			}
			continue
		}
		_, rest, _ := strings.Cut(line, "] ")
		switch {
		case rest == ">>> sent":
			skip, loggedIn = -1, true
		case strings.HasPrefix(rest, "<<< TCP connection closed"):
			return n
		case rest == "<<< banner":
		case strings.HasPrefix(rest, "<<< "):
			switch {
			case skip == 1: // the Login's answer
				skip = 2
			case skip == 2 && (rest == "<<< Event: FullyBooted" || rest == "<<< Event: SuccessfulAuth"):
			default:
				skip = 0
				n++
			}
		}
	}
	return n
}

func TestScriptSteps(t *testing.T) {
	for _, tc := range []struct {
		name     string
		triggers []string
		first    int // messages before the first trigger
		close    bool
	}{
		{"c1-click-to-dial-internal", []string{"Originate"}, 0, false},
		{"a-incoming-answered", nil, 86, false},
		{"f2-unknown-and-misc-actions", []string{"FooBarBaz", "Ping", "Originate", "Redirect", "Hangup", "CoreSettings", "Ping"}, 0, false},
		{"k-state-sync-actions-during-call", []string{"CoreShowChannels", "Status", "ExtensionStateList", "DeviceStateList", "PJSIPShowContacts", "QueueStatus", "BridgeList", "ExtensionState", "Getvar"}, 48, false},
		{"f3-asterisk-restart", nil, 1, true},
		{"f1-action-before-login", []string{"Ping"}, 0, false},
	} {
		sc := loadScript(t, tc.name)
		if got := sc.Triggers(); !slices.Equal(got, tc.triggers) {
			t.Errorf("%s: triggers %v, want %v", tc.name, got, tc.triggers)
		}
		steps := sc.Steps()
		if len(steps[0].Messages) != tc.first {
			t.Errorf("%s: %d messages before the first trigger, want %d", tc.name, len(steps[0].Messages), tc.first)
		}
		if got := steps[len(steps)-1].Close; got != tc.close {
			t.Errorf("%s: close %v", tc.name, got)
		}
	}
	// Details that the player relies on.
	c1 := loadScript(t, "c1-click-to-dial-internal").Steps()[1]
	if c1.Action.ActionID() != "c2d-0001" || c1.Messages[0].Get("Message") != "Originate successfully queued" {
		t.Errorf("c1 step 1: %v / %v", c1.Action, c1.Messages[0])
	}
	f3 := loadScript(t, "f3-asterisk-restart").Steps()[0].Messages[0]
	if f3.Event() != "Shutdown" || f3.Get("Restart") != "True" {
		t.Errorf("f3: %v", f3)
	}
	// A value with leading blanks keeps them (RTPAUDIOQOSMES).
	for _, st := range loadScript(t, "d3-originate-failures").Steps() {
		for _, m := range st.Messages {
			if m.Get("Variable") == "RTPAUDIOQOSMES" && !strings.HasPrefix(m.Get("Value"), "   minrxmes") {
				t.Errorf("value trimmed: %q", m.Get("Value"))
			}
		}
	}
}

func TestParseScriptTimingAndClose(t *testing.T) {
	const capture = "# [t +0.000] <<< banner\r\nAsterisk Call Manager/11.0.0\r\n" +
		"# [t +0.001] >>> sent\r\nAction: Login\r\nUsername: cti\r\nSecret: x\r\n\r\n" +
		"# [t +0.002] <<< Response: Success\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n" +
		"# [t +0.002] <<< Event: FullyBooted\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\n\r\n" +
		"# [t +0.500] SCENARIO: something\r\n" +
		"# [t +1.002] <<< Event: Newchannel\r\nEvent: Newchannel\r\nPrivilege: call,all\r\nUniqueid: 1.1\r\nAccountCode: \r\n\r\n" +
		"# [t +1.502] >>> sent\r\nAction: Hangup\r\nActionID: h-1\r\nChannel: PJSIP/201-00000001\r\n\r\n" +
		"# [t +1.512] <<< Response: Success\r\nResponse: Success\r\nActionID: h-1\r\nMessage: Channel Hungup\r\n\r\n" +
		"# [t +1.600] <<< TCP connection closed by peer\r\n" +
		"# [t +1.700] >>> sent\r\nAction: Ping\r\n\r\n"
	sc, err := ParseScript("x", strings.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	st := sc.Steps()
	if len(st) != 2 || st[1].Trigger != "Hangup" || !st[1].Close {
		t.Fatalf("steps: %+v", st)
	}
	if st[0].Delays[0].Milliseconds() != 1000 || st[1].Delays[0].Milliseconds() != 10 {
		t.Errorf("delays %v %v", st[0].Delays, st[1].Delays)
	}
	if v, ok := st[0].Messages[0].Lookup("AccountCode"); !ok || v != "" {
		t.Errorf("empty value lost: %v", st[0].Messages[0])
	}
}

func TestCut(t *testing.T) {
	sc := loadScript(t, "e3-transfer-by-ami-redirect")
	head, tail, ok := sc.Cut("BridgeEnter", 2)
	if !ok {
		t.Fatal("no second BridgeEnter")
	}
	if head.Messages()+tail.Messages() != sc.Messages() {
		t.Errorf("cut loses messages: %d + %d != %d", head.Messages(), tail.Messages(), sc.Messages())
	}
	hs := head.Steps()
	if last := hs[len(hs)-1].Messages; last[len(last)-1].Event() != "BridgeEnter" {
		t.Errorf("head ends with %v", last[len(last)-1])
	}
	if !slices.Equal(tail.Triggers(), sc.Triggers()) || tail.Steps()[0].Trigger != "" {
		t.Errorf("tail triggers %v", tail.Triggers())
	}
	if _, _, ok := sc.Cut("NoSuchEvent", 1); ok {
		t.Error("cut at a missing event")
	}
}
