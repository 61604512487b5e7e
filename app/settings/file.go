package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/deskline/deskline/app/internal/configfile"
)

// fileVersion is the file format version, written as "version".
const fileVersion = 1

// Load reads the settings at path. The app must start whatever
// the file holds, so problems become warnings, not errors:
//   - a missing file gives Default;
//   - unknown keys are ignored, each with a warning (a typo, or a newer
//     app's setting);
//   - a value of the wrong type or failing Validate is replaced by its
//     default (a bad address book is left out of the list), with a
//     warning naming the field and the reason;
//   - a file that is not a JSON object or has another version is moved
//     aside to path.corrupt-<timestamp>, and the defaults are used.
//
// Only a file that cannot be read (permissions, a folder in its place) is
// an error; the defaults are returned with it, so the caller can still
// start and show the error.
//
// The warnings are values (which setting, what is wrong) for a UI to word.
func Load(path string) (Settings, []*Warning, error) {
	def := Default()
	data, found, err := configfile.Read(path)
	if err != nil {
		return def, nil, fmt.Errorf("settings: %w", err)
	}
	if !found {
		return def, nil, nil
	}
	s, warnings, err := decode(data, def)
	if err != nil {
		aside, merr := configfile.MoveAside(path)
		if merr != nil {
			return def, nil, fmt.Errorf("settings: %s is corrupt (%v) and cannot be moved aside: %w", path, err, merr)
		}
		return def, []*Warning{{Path: path, Reason: err.Error(), MovedTo: aside}}, nil
	}
	warnings = append(warnings, resetInvalid(&s, def)...)
	for _, w := range warnings {
		w.Path = path
	}
	return s, warnings, nil
}

// Save validates s and writes it to path atomically (mode 0600).
// Invalid settings are refused with every reason (see Validate); nothing
// is written then.
func Save(path string, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.AddressBooks == nil {
		s.AddressBooks = []string{} // [] reads better than null in the file
	}
	if s.ServerURLs == nil {
		s.ServerURLs = []string{} // and shows an administrator where further nodes go
	}
	doc := struct {
		Version int `json:"version"`
		Settings
	}{fileVersion, s}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode: %w", err)
	}
	if err := configfile.Write(path, append(data, '\n')); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}

// decode overlays the file on def key by key, so one bad value
// costs that value only. An error means the file as a whole is unusable.
func decode(data []byte, def Settings) (Settings, []*Warning, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return def, nil, fmt.Errorf("not a settings file: %w", err)
	}
	if doc == nil {
		return def, nil, errors.New("not a settings file: null")
	}
	var warnings []*Warning
	if raw, ok := doc["version"]; !ok {
		warnings = append(warnings, &Warning{Reason: fmt.Sprintf("no version; read as version %d", fileVersion)})
	} else {
		var v int
		if err := json.Unmarshal(raw, &v); err != nil || v != fileVersion {
			return def, nil, fmt.Errorf("version %s, this app reads version %d", raw, fileVersion)
		}
	}
	delete(doc, "version")
	s := def
	warnings = append(warnings, decodeObject(doc, topFields(&s), "")...)
	if len(s.ServerURLs) == 0 {
		s.ServerURLs = nil // [] as Save writes it: one server, as in a file from before the list
	}
	return s, warnings, nil
}

// resetInvalid replaces each invalid field by its default.
func resetInvalid(s *Settings, def Settings) []*Warning {
	var warnings []*Warning
	for _, c := range checks {
		errs := c.check(*s)
		if len(errs) == 0 {
			continue
		}
		for _, err := range errs {
			var se *Error
			if errors.As(err, &se) {
				warnings = append(warnings, &Warning{Field: se.Field, Book: se.Book, Reason: se.Reason + "; " + c.resetNote()})
			}
		}
		c.reset(s, def, errs)
	}
	return warnings
}

func (c settingCheck) resetNote() string {
	if c.note != "" {
		return c.note
	}
	return "using the default"
}

// settingDecoder decodes one key's value; it returns warnings.
type settingDecoder func(raw json.RawMessage, key string) []*Warning

// decodeObject runs the decoder of each key in sorted order (stable
// warnings) and warns about keys nobody knows.
func decodeObject(doc map[string]json.RawMessage, fields map[string]settingDecoder, prefix string) []*Warning {
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var warnings []*Warning
	for _, k := range keys {
		dec, ok := fields[k]
		if !ok {
			warnings = append(warnings, &Warning{Field: prefix + k, Unknown: true})
			continue
		}
		warnings = append(warnings, dec(doc[k], prefix+k)...)
	}
	return warnings
}

// Update loads the settings at path as Load does, lets change edit them
// and saves the result (see Save): one setting changed from outside the
// settings window, such as the demo's server. Load's warnings are
// dropped: the values they name were reset and are saved as reset.
func Update(path string, change func(*Settings)) error {
	s, _, err := Load(path)
	if err != nil {
		return err
	}
	change(&s)
	return Save(path, s)
}

// Warning is a problem in the settings file that did not stop the app:
// what was not used and why, and what was used instead.
type Warning struct {
	Path string // the settings file
	// Field is the setting's JSON key ("popup.take_focus",
	// "address_books[1]"), "" for the file as a whole.
	Field string
	Book  int // 1 + the index of the address book at fault, as in Error
	// Reason says what is wrong and what was done ("want true or false,
	// got string; using the default"); with MovedTo, why the file could
	// not be read.
	Reason  string
	Unknown bool   // Field is a setting this app does not know, ignored
	MovedTo string // the unreadable file was moved here; the defaults apply
}

// Error is the warning for a log: "settings /…/settings.json: field: reason".
func (w *Warning) Error() string {
	switch {
	case w.MovedTo != "":
		return fmt.Sprintf("settings %s were corrupt (%s); moved them to %s and started from the defaults", w.Path, w.Reason, w.MovedTo)
	case w.Unknown:
		return fmt.Sprintf("settings %s: unknown setting %q ignored", w.Path, w.Field)
	case w.Field != "":
		return fmt.Sprintf("settings %s: %s: %s", w.Path, w.Field, w.Reason)
	}
	return fmt.Sprintf("settings %s: %s", w.Path, w.Reason)
}
