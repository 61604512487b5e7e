package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The switchboard setting: each mode saves and loads back; anything else
// is refused on Save and falls back to automatic on Load, with a warning
// naming the field.
func TestSwitchboardSetting(t *testing.T) {
	settingsNoLocale(t)
	path := filepath.Join(t.TempDir(), "settings.json")
	for _, mode := range SwitchboardModes {
		s := Default()
		s.Switchboard = mode
		if err := Save(path, s); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		got, warnings, err := Load(path)
		if err != nil || len(warnings) > 0 || got.Switchboard != mode {
			t.Fatalf("%s: loaded %q, %v, %v", mode, got.Switchboard, warnings, err)
		}
	}
	s := Default()
	s.Switchboard = "sometimes"
	if err := Save(path, s); err == nil || !strings.Contains(err.Error(), `switchboard: "sometimes" is not one of automatic, on, off`) {
		t.Fatalf("Save of a bad mode: %v", err)
	}
	for raw, why := range map[string]string{`"ON"`: `"ON" is not one of`, `true`: "want a string, got bool"} {
		os.WriteFile(path, []byte(`{"version": 1, "switchboard": `+raw+`}`), 0o600)
		got, warnings, err := Load(path)
		if err != nil || got.Switchboard != SwitchboardAuto {
			t.Fatalf("%s: loaded %q, %v", raw, got.Switchboard, err)
		}
		if len(warnings) != 1 || warnings[0].Field != "switchboard" || !strings.Contains(warnings[0].Reason, why) {
			t.Errorf("%s: warnings %+v", raw, warnings)
		}
	}
	os.WriteFile(path, []byte(`{"version": 1}`), 0o600) // a file from before the setting
	if got, _, _ := Load(path); got.Switchboard != SwitchboardAuto {
		t.Errorf("an older file: %q, want automatic", got.Switchboard)
	}
	if mode := (Settings{}).SwitchboardMode(); mode != SwitchboardAuto {
		t.Errorf("settings made in code: %q, want automatic", mode)
	}
}
