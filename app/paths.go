package app

import (
	"fmt"
	"os"
	"path/filepath"
)

// ConfigDirEnv overrides the configuration folder. Tests use it, and so
// can a user who keeps several profiles (one per exchange, say).
const ConfigDirEnv = "DESKLINE_CONFIG_DIR"

// File names inside ConfigDir.
const (
	SettingsFileName = "settings.json"
	JournalFileName  = "journal.json"
)

// ConfigDir returns the folder holding the settings and the journal:
// $DESKLINE_CONFIG_DIR if set, else os.UserConfigDir()/deskline
// (~/.config/deskline on Linux, ~/Library/Application Support/deskline on
// macOS, %AppData%\deskline on Windows). It creates the folder with mode
// 0700 when missing: the journal says who called whom, which is nobody
// else's business on a shared machine.
func ConfigDir() (string, error) {
	dir := os.Getenv(ConfigDirEnv)
	if dir != "" {
		// A tray app started at login has no meaningful working
		// directory, so a relative path would land somewhere surprising.
		if !filepath.IsAbs(dir) {
			return "", fmt.Errorf("app: %s must be an absolute path, got %q", ConfigDirEnv, dir)
		}
	} else {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("app: no configuration folder (set %s): %w", ConfigDirEnv, err)
		}
		dir = filepath.Join(base, "deskline")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("app: create configuration folder: %w", err)
	}
	return dir, nil
}

// SettingsPath is ConfigDir()/settings.json.
func SettingsPath() (string, error) { return configFile(SettingsFileName) }

// JournalPath is ConfigDir()/journal.json.
func JournalPath() (string, error) { return configFile(JournalFileName) }

func configFile(name string) (string, error) {
	dir, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}
