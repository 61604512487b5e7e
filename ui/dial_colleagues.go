// The dial window's colleagues: watched colleagues' phones found by the
// typed text (ranked among the other rows by app.Find), with whether
// each is free, kept live as presence changes.

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// liveColleagues puts s's presence into the colleague rows shown: the
// list says whether Clara is free now, not when the user typed. It
// reports whether a row changed.
func (v *dialView) liveColleagues(s app.State) bool {
	changed := false
	for i, r := range v.rows {
		if r.colleague == nil {
			continue
		}
		if c, ok := s.Switchboard.Colleague(r.colleague.Device); ok && c != *r.colleague {
			v.rows[i].colleague = &c
			changed = true
		}
	}
	return changed
}

// presenceLook is a colleague's state as a shape and a colour, so that
// it reads without colour too: a tick when free, a sounding speaker when ringing, a
// dot when talking, pause bars on hold, a cross for do not disturb, an
// arrow when forwarded, a hollow eye when offline.
func presenceLook(c app.Colleague) (fyne.Resource, fyne.ThemeColorName) {
	switch {
	case c.Status == ctiproto.StatusIdle:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon()), theme.ColorNameSuccess
	case c.Status == ctiproto.StatusRinging:
		return theme.NewWarningThemedResource(theme.VolumeUpIcon()), theme.ColorNameWarning
	case c.Status == ctiproto.StatusOnHold:
		return theme.NewWarningThemedResource(theme.MediaPauseIcon()), theme.ColorNameWarning
	case c.Status == ctiproto.StatusDND || c.DND:
		return theme.NewErrorThemedResource(theme.CancelIcon()), theme.ColorNameError
	case c.Status == ctiproto.StatusForwarded:
		return theme.NewPrimaryThemedResource(theme.MailForwardIcon()), theme.ColorNamePrimary
	case c.Status == ctiproto.StatusOffline:
		return theme.NewDisabledResource(theme.VisibilityOffIcon()), theme.ColorNameDisabled
	}
	return theme.NewErrorThemedResource(theme.MediaRecordIcon()), theme.ColorNameError // in a call
}

// colourLine colours the second line of a row's two lines (a colleague's
// state).
func colourLine(segs []widget.RichTextSegment, colour fyne.ThemeColorName) {
	if len(segs) == 2 {
		if t, ok := segs[1].(*widget.TextSegment); ok {
			t.Style.ColorName = colour
		}
	}
}
