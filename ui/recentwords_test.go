package ui

import (
	"testing"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

func TestRecentSummary(t *testing.T) {
	for _, tc := range []struct {
		unseen  int
		blocked string
		listed  bool
		want    string
	}{
		{0, "", true, ""},
		{1, "", true, "1 missed call you have not seen"},
		{3, "Not connected", true, "3 missed calls you have not seen"},
		{0, "Not connected", true, "Call back is off — Not connected"},
		{0, "Not connected", false, ""},
	} {
		if got := recentSummary(tc.unseen, tc.blocked, tc.listed); got != tc.want {
			t.Errorf("recentSummary(%d, %q, %v) = %q, want %q", tc.unseen, tc.blocked, tc.listed, got, tc.want)
		}
	}
}

func TestOutcomeText(t *testing.T) {
	for _, tc := range []struct {
		outcome   journal.Outcome
		cause, to string
		want      string
	}{
		{journal.OutcomeMissed, "", "", "Missed"},
		{journal.OutcomeOutgoingFailed, "no-answer", "", "Not reached (no answer)"},
		{journal.OutcomeOutgoingFailed, ctiproto.CauseNormal, "", "Not reached"},
		{journal.OutcomeAnswered, ctiproto.CauseTransferred, "Clara Weiss", "Answered · transferred to Clara Weiss"},
		{journal.OutcomeAnswered, ctiproto.CauseDeflected, "204", "Forwarded to 204"},
		{"überhört", "", "", "Überhört"},
	} {
		if got := outcomeText(tc.outcome, tc.cause, tc.to); got != tc.want {
			t.Errorf("outcomeText(%q, %q, %q) = %q, want %q", tc.outcome, tc.cause, tc.to, got, tc.want)
		}
	}
}
