package ui

import (
	"fmt"
	"strings"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/ctiproto"
)

// The recent calls window's sentences.

// recentSummary says above the list what needs doing (unseen missed
// calls), or why call back cannot be done (blocked, when calls are
// listed); "" when there is nothing to say.
func recentSummary(unseen int, blocked string, listed bool) string {
	switch {
	case unseen == 1:
		return "1 missed call you have not seen"
	case unseen > 1:
		return fmt.Sprintf("%d missed calls you have not seen", unseen)
	case blocked != "" && listed:
		return "Call back is off — " + blocked
	}
	return ""
}

// outcomeText says how a call ended: with the cause when a placed call
// failed ("Not reached (busy)"), and where it went (to, as worded for a
// person) when it left the user's phone ("Answered · transferred to
// Clara Weiss", "Forwarded to 204").
func outcomeText(outcome journal.Outcome, cause, to string) string {
	words := outcomeWords[outcome]
	if words == "" {
		words = string(outcome)
	}
	if outcome == journal.OutcomeOutgoingFailed && cause != "" && cause != ctiproto.CauseNormal {
		words += " (" + strings.ReplaceAll(cause, "-", " ") + ")"
	}
	if to != "" {
		if cause == ctiproto.CauseDeflected {
			words = "forwarded to " + to // the user sent it on while it rang
		} else {
			words += " · transferred to " + to
		}
	}
	return capitalize(words)
}
