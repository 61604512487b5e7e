package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

func TestUserText(t *testing.T) {
	refused := func(action, code string) error { return &app.ActionError{Action: action, Code: code} }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New(""), ""},
		{context.DeadlineExceeded, "No answer within 15 s; check the call list"},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), "No answer within 15 s; check the call list"},
		{refused(ctiproto.TypeMakeCall, ctiproto.CodeBusy), "Dial: the line is busy"},
		{refused(ctiproto.TypeSetDND, ctiproto.CodeNotSupported), "Do not disturb: your telephone system cannot do this"},
		{refused(ctiproto.TypeAnswer, ctiproto.CodeNotFound), "Answer: that call has ended"},
		{refused(ctiproto.TypeClear, ctiproto.CodeInvalidState), "Hang up: the call is not in a state that allows this"},
		{refused(ctiproto.TypeHold, ctiproto.CodeNotSupported), "Hold: your telephone system cannot do this"},
		{refused(ctiproto.TypeRetrieve, ctiproto.CodeNotFound), "Retrieve: that call has ended"},
		{refused(ctiproto.TypeTransfer, ctiproto.CodeInvalidNumber), "Transfer: the telephone system cannot dial this number"},
		{refused(ctiproto.TypeDeflect, ctiproto.CodeForbidden), "Deflect: that phone is not yours"},
		{refused("login", ctiproto.CodeAuthFailed), "Log in: wrong user or password"},
		{fmt.Errorf("call back: %w", refused(ctiproto.TypeMakeCall, ctiproto.CodeBusy)), "Dial: the line is busy"}, // the view names what it did
		{errors.New("app: set-dnd: the line is busy"), "App: set-dnd: the line is busy"},                           // log text is never cut apart
		{errors.New("hold music: off"), "Hold music: off"},
		{app.ErrNotConnected, "Not connected to the server"},
		{errors.New("ärger"), "Ärger"},
		{errors.New("\xffbad"), "\xffbad"},
	} {
		if got := userText(tc.err); got != tc.want {
			t.Errorf("userText(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if actionTimeout != 15*time.Second {
		t.Errorf("the table above words a %v timeout", actionTimeout)
	}
}

// TestRefusalText: a refused action is worded from its fields, the
// action as the buttons name it, never by editing its log text.
func TestRefusalText(t *testing.T) {
	for _, tc := range []struct {
		e    app.ActionError
		want string
	}{
		{app.ActionError{Action: ctiproto.TypeMakeCall, Code: ctiproto.CodeBusy}, "Dial: the line is busy"},
		{app.ActionError{Action: "login", Code: ctiproto.CodeThrottled}, "Log in: too many failed logins: wait a little and try again"},
		{app.ActionError{Action: ctiproto.TypeHold, Code: ctiproto.CodeExchangeUnavailable, Message: "link down"},
			"Hold: the telephone system is unreachable right now (link down)"},
		{app.ActionError{Action: "park", Code: "odd-code", Message: "no slot free"}, "Park: no slot free"}, // the server's words
		{app.ActionError{Code: ctiproto.CodeNotFound}, "Request: that call has ended"},
		{app.ActionError{Action: "über", Code: ctiproto.CodeBusy}, "Über: the line is busy"},
	} {
		if got := refusalText(&tc.e); got != tc.want {
			t.Errorf("refusalText(%+v) = %q, want %q", tc.e, got, tc.want)
		}
		if got := userText(&tc.e); got != tc.want {
			t.Errorf("userText(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestCapitalize(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "A", "über": "Über", "élan vital": "Élan vital", "9 lives": "9 lives", "Ok": "Ok"} {
		if got := capitalize(in); got != want {
			t.Errorf("capitalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := recentOutcome(journal.Entry{Outcome: "überhört"}, nil); got != "Überhört" {
		t.Errorf("an unknown outcome reads %q", got)
	}
}

func TestPhoneKind(t *testing.T) {
	for _, tc := range []struct {
		p    *contacts.Phone
		want string
	}{
		{nil, ""},
		{&contacts.Phone{}, "phone"},
		{&contacts.Phone{Types: []string{"voice", "pref"}}, "phone"},
		{&contacts.Phone{Types: []string{"work", "voice"}}, "work"},
		{&contacts.Phone{Types: []string{"cell", "internet"}}, "cell"},
		{&contacts.Phone{Types: []string{"home", "fax"}}, "home, fax"},
	} {
		if got := phoneKind(tc.p); got != tc.want {
			t.Errorf("phoneKind(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestNumberText(t *testing.T) {
	n, err := contacts.NewNormalizer("DE", 6)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    *contacts.Normalizer
		raw  string
		want string
	}{
		{n, "", numberWithheld},
		{n, "  ", numberWithheld},
		{nil, "", numberWithheld},
		{n, "030 1234567", "+49 30 1234567"},
		{n, "+49301234567", "+49 30 1234567"},
		{n, "tel:+49-30-901820", "+49 30 901820"},
		{n, "not a number", "not a number"},
		{nil, "030 1234567", "030 1234567"},
	} {
		if got := numberText(tc.n, tc.raw); got != tc.want {
			t.Errorf("numberText(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
	e := journal.Entry{Start: testNow, Number: "030 1234567", Outcome: journal.OutcomeMissed}
	if got := journalLine(e, n, testNow); got != "+49 30 1234567 · "+when(testNow, testNow)+" · missed" {
		t.Errorf("journal line by number: %q", got)
	}
	e.Number = ""
	if got := journalLine(e, n, testNow); got != numberWithheld+" · "+when(testNow, testNow)+" · missed" {
		t.Errorf("journal line withheld: %q", got)
	}
}

func TestCompanyText(t *testing.T) {
	full := &contacts.Contact{Organization: "Acme GmbH", Department: "Purchasing", Title: "Head of Purchasing"}
	for _, tc := range []struct {
		c     *contacts.Contact
		title bool
		want  string
	}{
		{nil, true, ""},
		{full, false, "Acme GmbH, Purchasing"},
		{full, true, "Acme GmbH, Purchasing · Head of Purchasing"},
		{&contacts.Contact{Department: "Purchasing"}, false, "Purchasing"},
		{&contacts.Contact{Title: "Partner"}, true, "Partner"},
		{&contacts.Contact{Title: "Partner"}, false, ""},
	} {
		if got := companyText(tc.c, tc.title); got != tc.want {
			t.Errorf("companyText(%+v, %v) = %q, want %q", tc.c, tc.title, got, tc.want)
		}
	}
}

func TestLinkWords(t *testing.T) {
	up := app.State{Status: app.StatusConnected, Exchange: app.ExchangeStatus{Available: true}}
	pbxDown := app.State{Status: app.StatusConnected, Exchange: app.ExchangeStatus{Reason: "PBX restarting"}}
	pbxDownNoReason := app.State{Status: app.StatusConnected}
	lost := app.State{Status: app.StatusDisconnected, Reason: "server unreachable", Exchange: app.ExchangeStatus{Available: true}}
	login := app.State{Status: app.StatusLoginRequired}
	for _, tc := range []struct {
		name          string
		s             app.State
		act           bool
		link, problem string
		atRisk        string
	}{
		{"up", up, true, "", "", ""},
		{"exchange down", pbxDown, false, "Telephone system unavailable: PBX restarting", "Telephone system unavailable: PBX restarting",
			"Telephone system unavailable — this call may have ended"},
		{"exchange down, no reason", pbxDownNoReason, false, "Telephone system unavailable", "Telephone system unavailable",
			"Telephone system unavailable — this call may have ended"},
		{"link lost", lost, false, "Not connected to the server: server unreachable — retrying now",
			"Not connected to the server: server unreachable — retrying now", "Connection lost — this call may have ended"},
		{"login", login, false, "Log in needed", "Log in needed — choose Log in…", "Connection lost — this call may have ended"},
		{"connecting", app.State{Status: app.StatusConnecting}, false, "Connecting to the server…", "Connecting to the server…",
			"Connection lost — this call may have ended"},
		{"stopped", app.State{Status: app.StatusStopped}, false, "Stopped", "Stopped", "Connection lost — this call may have ended"},
	} {
		if got := canAct(tc.s); got != tc.act {
			t.Errorf("%s: canAct %v", tc.name, got)
		}
		if got := linkText(tc.s); got != tc.link {
			t.Errorf("%s: linkText %q, want %q", tc.name, got, tc.link)
		}
		if got := linkProblem(true, tc.s); got != tc.problem {
			t.Errorf("%s: linkProblem %q, want %q", tc.name, got, tc.problem)
		}
		if got := callAtRiskText(tc.s); got != tc.atRisk {
			t.Errorf("%s: callAtRiskText %q, want %q", tc.name, got, tc.atRisk)
		}
		if got := linkProblem(false, tc.s); got != userText(errNoClient) {
			t.Errorf("%s: not set up: %q", tc.name, got)
		}
	}
}

func TestCallsInProgress(t *testing.T) {
	ringingIn := app.Call{ID: "in", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionIncoming}
	queued := app.Call{ID: "q", Device: "201", State: ctiproto.StateQueued, Direction: ctiproto.DirectionIncoming}
	dialling := app.Call{ID: "out", Device: "201", State: ctiproto.StateAlerting, Direction: ctiproto.DirectionOutgoing}
	// An internal call between two of the user's phones: one call, two connections.
	internalA := app.Call{ID: "int", Device: "201", State: ctiproto.StateConnected, Direction: ctiproto.DirectionOutgoing}
	internalB := app.Call{ID: "int", Device: "202", State: ctiproto.StateConnected, Direction: ctiproto.DirectionIncoming}
	held := app.Call{ID: "held", Device: "201", State: ctiproto.StateHeld, Direction: ctiproto.DirectionIncoming}
	cleared := app.Call{ID: "gone", Device: "201", State: ctiproto.StateCleared, Direction: ctiproto.DirectionIncoming}
	for _, tc := range []struct {
		name  string
		calls []app.Call
		want  int
	}{
		{"none", nil, 0},
		{"only ringing", []app.Call{ringingIn, queued}, 0},
		{"cleared", []app.Call{cleared}, 0},
		{"click-to-dial", []app.Call{dialling}, 1},
		{"internal at two phones", []app.Call{internalA, internalB}, 1},
		{"all", []app.Call{ringingIn, queued, dialling, internalA, internalB, held, cleared}, 3},
	} {
		if got := callsInProgress(app.State{Calls: tc.calls}); got != tc.want {
			t.Errorf("%s: %d calls in progress, want %d", tc.name, got, tc.want)
		}
	}
}

// Why a path cannot be an address book, worded from the error's fields.
func TestBookProblemText(t *testing.T) {
	sep := string(filepath.Separator)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&settings.BookError{Path: "team.vcf", Problem: settings.BookNotAbsolute},
			"team.vcf is not a full path: start it with " + sep + " (or ~" + sep + ")"},
		{&settings.BookError{Path: "/srv/gone.vcf", Problem: settings.BookUnreadable, Err: syscall.ENOENT},
			"Cannot open /srv/gone.vcf: no such file or directory"},
		{&settings.BookError{Path: "/srv/notes.txt", Problem: settings.BookNotVCard},
			"/srv/notes.txt is not a vCard file (.vcf)"},
	} {
		if got := bookProblemText(tc.err); got != tc.want {
			t.Errorf("bookProblemText(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
