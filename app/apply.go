package app

import (
	"path/filepath"

	"github.com/deskline/deskline/app/settings"
)

// Applied says how saved settings took effect.
type Applied int

const (
	// AppliedNow: the desk uses them from the next call (the popup, the
	// CRM link, the phone to dial from), or at once (watching colleagues).
	AppliedNow Applied = iota
	// NeedsNewDesk: saved, but another server, user, certificate, region
	// or set of address books needs a new desk (OpenDesk); until then the
	// desk runs on its old settings.
	NeedsNewDesk
)

// ApplySettings saves s in the desk's config folder and puts in force
// what a running desk can take in place (settings.NeedsNewDesk says
// what it cannot). A nil desk (none could be opened yet) saves in
// settings.Dir() and reports NeedsNewDesk. s should have passed
// s.Validate. Main goroutine only, like every reader of d.Settings.
func (d *Desk) ApplySettings(s settings.Settings) (Applied, error) {
	path, err := d.settingsPath()
	if err != nil {
		return 0, err
	}
	if err := settings.Save(path, s); err != nil {
		return 0, err
	}
	if d == nil || settings.NeedsNewDesk(d.Settings, s) {
		return NeedsNewDesk, nil
	}
	old := d.Settings
	d.Settings = s
	if d.Client != nil {
		d.Client.SetDialDevice(s.DialDevice)
	}
	if WatchColleagues(old.SwitchboardMode()) != WatchColleagues(s.SwitchboardMode()) {
		d.followSwitchboard(s.SwitchboardMode())
	}
	return AppliedNow, nil
}

// settingsPath is where the desk's settings.json lives.
func (d *Desk) settingsPath() (string, error) {
	if d == nil {
		return settings.Path()
	}
	return filepath.Join(d.Dir, settings.FileName), nil
}
