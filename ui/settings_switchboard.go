package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/app/settings"
)

// The settings window's switchboard choice: automatic, on or off
// (settings.Switchboard), one option per mode in SwitchboardModes' order.

// switchboardItem makes the choice's form row.
func (v *settingsView) switchboardItem() *widget.FormItem {
	v.switchboard = widget.NewSelect(switchboardOptions, nil)
	return v.item("switchboard", v.switchboard, switchboardHint)
}

// fillSwitchboard selects mode.
func (v *settingsView) fillSwitchboard(mode string) {
	v.switchboard.SetSelectedIndex(max(slices.Index(settings.SwitchboardModes, mode), 0))
}

// switchboardMode is the mode selected (automatic when none is).
func (v *settingsView) switchboardMode() string {
	return settings.SwitchboardModes[max(v.switchboard.SelectedIndex(), 0)]
}

// renderSwitchboard puts the hint for s under the choice, unless a
// problem stands there.
func (v *settingsView) renderSwitchboard(s app.State) {
	hint := switchboardHintFor(s)
	if v.hints["switchboard"] == hint {
		return
	}
	v.hints["switchboard"] = hint
	if it := v.items["switchboard"]; !strings.HasPrefix(it.HintText, "⚠") {
		it.HintText = hint
		for _, f := range v.forms {
			f.Refresh()
		}
	}
}
