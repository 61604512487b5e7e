package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
)

func TestSettingsStatus(t *testing.T) {
	up := app.State{Status: app.StatusConnected, Exchange: app.ExchangeStatus{Available: true}}
	named := up
	named.User, named.DisplayName = "ann", "Ann Weber"
	node := named
	node.Server = "cti.example:8720 (10.0.0.2)"
	noPBX := named
	noPBX.Exchange = app.ExchangeStatus{Reason: "link down"}
	for _, tc := range []struct {
		setUp bool
		s     app.State
		want  string
		imp   widget.Importance
	}{
		{false, up, "Not set up: enter the server and your user, Save, then log in.", widget.WarningImportance},
		{true, up, "Connected", widget.SuccessImportance},
		{true, named, "Connected as Ann Weber (ann)", widget.SuccessImportance},
		{true, node, "Connected as Ann Weber (ann) to cti.example:8720 (10.0.0.2)", widget.SuccessImportance},
		{true, noPBX, "Connected as Ann Weber (ann). Telephone system unavailable: link down", widget.WarningImportance},
		{true, app.State{Status: app.StatusConnecting}, "Connecting to the server…", widget.MediumImportance},
		{true, app.State{Status: app.StatusLoginRequired, Reason: "logged out"}, "Log in needed: logged out", widget.WarningImportance},
	} {
		got, imp := settingsStatus(tc.setUp, tc.s)
		if got != tc.want || imp != tc.imp {
			t.Errorf("settingsStatus(%v, %+v) = %q, %v; want %q, %v", tc.setUp, tc.s, got, imp, tc.want, tc.imp)
		}
	}
}

func TestRegionHint(t *testing.T) {
	for _, tc := range []struct {
		o    settings.RegionOrigin
		want string
	}{
		{settings.RegionOrigin{Region: "GB", Locale: "en_GB.UTF-8"}, "Default: GB, from your locale en_GB.UTF-8 — how 030 1234567 is read"},
		{settings.RegionOrigin{Region: "DE", Locale: "C.UTF-8", Fallback: true}, "Default: DE, as your locale C.UTF-8 names no country"},
		{settings.RegionOrigin{Region: "DE", Fallback: true}, "Default: DE, as no locale is set (LANG)"},
	} {
		if got := regionHint(tc.o); got != tc.want {
			t.Errorf("regionHint(%+v) = %q, want %q", tc.o, got, tc.want)
		}
	}
}

func TestSettingsSentences(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{autostartFailedText(&app.AutostartError{Reason: "no home folder", Err: errors.New("$HOME is not defined")}),
			"Start at login could not be set: no home folder: $HOME is not defined"},
		{autostartFailedText(app.ErrAutostartUnsupported), "Start at login could not be set: start at login is not supported on this system yet"},
		{notWholeNumber("six"), `"six" is not a whole number`},
		{notLocalFile("https://x/a.vcf"), "https://x/a.vcf is not a local file"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q\nwant %q", tc.got, tc.want)
		}
	}
}
