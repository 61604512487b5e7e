package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/internal/testoffice/testdesk"
)

// hostileName is what anyone who calls can choose as their name.
const hostileName = "Max $(Start-Process calc.exe) \"Mustermann\""

// psStringEnd reads a PowerShell double-quoted string that starts at
// line[0] and returns where it ends, and whether it runs anything
// ($variables, $(…), `escapes) on the way.
func psStringEnd(line string) (end int, runs bool) {
	rs := []rune(line)
	for i := 1; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '`':
			runs = true
			i++ // escapes the next character
		case r == '$' && i+1 < len(rs) && rs[i+1] != '"' && rs[i+1] != ' ':
			runs = true
		case strings.ContainsRune(notifyQuotes, r):
			if i+1 < len(rs) && strings.ContainsRune(notifyQuotes, rs[i+1]) {
				i++ // a doubled quote is a quote character
				continue
			}
			return len(string(rs[:i+1])), runs
		}
	}
	return -1, runs
}

// The lines Fyne 2.8.1 writes into its PowerShell script on Windows
// (app_windows.go: `$title = %q`) hold each text as one plain string,
// whatever a caller or a link put into it.
func TestNotifyTextIsPlainInFynesWindowsScript(t *testing.T) {
	for _, s := range []string{
		hostileName,
		"`$env:USERNAME`",
		"a\u201d; Start-Process calc; \u201c",
		"\u201e$(calc)\u201c",
		"x\\\"; calc; \\\"",
		"line\r\n$(calc)\x00\u202e",
		"${function:calc}",
		"\xff$(calc)",
	} {
		for _, tmpl := range []string{"$title = %q", "$content = %q"} {
			line := fmt.Sprintf(tmpl, notifyText(s))
			at := strings.IndexByte(line, '"')
			end, runs := psStringEnd(line[at:])
			if end != len(line)-at || runs {
				t.Errorf("%q gives the script line %s: string ends at %d of %d, runs code %v",
					s, line, end, len(line)-at, runs)
			}
		}
	}
	if got, want := notifyText(hostileName), "Max (Start-Process calc.exe) 'Mustermann'"; got != want {
		t.Errorf("notifyText(%q) = %q, want %q", hostileName, got, want)
	}
	for _, s := range []string{"Call from Jane Doe", "+49 30 1234567 · Acme GmbH, Purchasing", "Zoë O'Brien (Müller & Co.)"} {
		if got := notifyText(s); got != s {
			t.Errorf("notifyText changed the harmless %q to %q", s, got)
		}
	}
}

// A caller's chosen name reaches the screen pop's notification only
// through notifyText.
func TestCallNotificationNeutralisesCallerName(t *testing.T) {
	o := testoffice.Start(t, nil)
	d := testdesk.Open(t, o, "ann", popBook)
	u, _ := newTestUI(t, d)
	const number = "+4989765432"
	want := fyne.NewNotification("Call from Max (Start-Process calc.exe) 'Mustermann'",
		numberText(u.numbers(), number)+" · on 201 (Ann)")
	test.AssertNotificationSent(t, want, func() {
		id := o.Ring("201", number, hostileName)
		waitRender(t, u, "ringing", ringing(id))
	})
}

// A link handed over while offline, and an error that quotes one, are
// neutralised the same way.
func TestLinkAndErrorNotificationsNeutralised(t *testing.T) {
	_, u, _ := linkOffice(t)
	atOnce(u)
	u.Render(linkConnecting)
	test.AssertNotificationSent(t, fyne.NewNotification("Deskline is connecting",
		"It dials tel:(calc)'' once connected."), func() { u.HandleLink("tel:$(calc)`\"") })
	test.AssertNotificationSent(t, fyne.NewNotification("Do not disturb", "No such number: '(calc)'"), func() {
		u.notifyError("Do not disturb")(errors.New("no such number: \"$(calc)\""))
	})
}

// u.notify stays the only caller of SendNotification in the package (and
// nothing else imports Fyne to send one), so no notification skips
// notifyText.
func TestOnlyNotifySendsNotifications(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var callers []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n := strings.Count(string(b), ".SendNotification("); n > 0; n-- {
			callers = append(callers, f)
		}
	}
	if len(callers) != 1 || callers[0] != "tray.go" {
		t.Errorf("SendNotification called in %v, want only tray.go (u.notify)", callers)
	}
}
