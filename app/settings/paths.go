package settings

import "github.com/deskline/deskline/app/internal/configfile"

// DirEnv overrides the configuration folder. Tests use it, and so can a
// user who keeps several profiles (one per exchange, say).
const DirEnv = configfile.DirEnv

// FileName is the settings file inside Dir.
const FileName = "settings.json"

// Dir returns the folder holding the settings, the journal and (without
// $XDG_RUNTIME_DIR) the instance socket: $DESKLINE_CONFIG_DIR if set, else
// os.UserConfigDir()/deskline. It creates the folder with mode 0700.
func Dir() (string, error) { return configfile.Dir() }

// Path is Dir()/settings.json.
func Path() (string, error) { return configfile.Path(FileName) }

// DirError says why there is no configuration folder (Dir and Path
// return it): Reason in words, Dir the folder where one is known, Err
// the system's cause.
type DirError = configfile.DirError
