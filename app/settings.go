package app

import (
	"os"
	"strings"
)

// PopupSettings say how a ringing call shows itself.
type PopupSettings struct {
	Enabled bool `json:"enabled"` // show the screen pop (default true)
	// TakeFocus raises the popup with keyboard focus. Default false: a
	// popup appearing while someone types must not swallow their keys.
	TakeFocus        bool `json:"take_focus"`
	Notify           bool `json:"notify"`             // also a desktop notification (default true)
	CloseAfterAnswer bool `json:"close_after_answer"` // retract once answered here (default true)
}

// Settings are the user's choices, stored in settings.json. Errors and
// warnings name a field by its JSON key (server_url, home_region, …),
// which is also what a user editing the file sees.
type Settings struct {
	// ServerURL is the CTI server's WebSocket endpoint, ws:// or wss://.
	// ws:// is accepted anywhere, but over it the password travels in
	// clear; the session refuses a password login over ws:// to a host
	// that is not loopback.
	ServerURL string `json:"server_url"`
	User      string `json:"user"`    // login name; the password lives in the keyring
	CAFile    string `json:"ca_file"` // extra PEM CA certificates for wss://, "" = system roots
	// HomeRegion (ISO 3166 code, e.g. "DE") decides how national numbers
	// like 030 1234567 are read, for lookup and for dialling.
	HomeRegion string `json:"home_region"`
	// MaxInternalDigits: numbers up to this long are extensions, dialled
	// as they are (default 6).
	MaxInternalDigits int           `json:"max_internal_digits"`
	AddressBooks      []string      `json:"address_books"` // vCard files or folders, absolute paths
	Popup             PopupSettings `json:"popup"`
	// CRMURL is a template opened for a call, e.g.
	// "https://crm.example/search?phone={number}" (see CRMURL); "" = off.
	CRMURL string `json:"crm_url"`
	// StartAtLogin is the user's wish; whoever saves the settings applies
	// it with SetAutostart, since only the app knows its executable.
	StartAtLogin bool `json:"start_at_login"`
	// DialLinksAtOnce dials a tel:, callto: or sip: link from another
	// program without showing the dial window first. Default false: the
	// user sees the number and presses Enter.
	DialLinksAtOnce bool `json:"dial_links_at_once"`
}

// DefaultServerURL is the demo server started by `make run`.
const DefaultServerURL = "ws://127.0.0.1:8720/v1/ws"

// FallbackHomeRegion is used when the locale names no usable region. The
// first deployments are German offices.
const FallbackHomeRegion = "DE"

// DefaultSettings returns the settings of a fresh install. HomeRegion
// comes from the locale (see localeRegion), else FallbackHomeRegion.
func DefaultSettings() Settings {
	region := localeRegion(os.Getenv)
	if region == "" {
		region = FallbackHomeRegion
	}
	return Settings{
		ServerURL:         DefaultServerURL,
		HomeRegion:        region,
		MaxInternalDigits: 6,
		Popup: PopupSettings{
			Enabled:          true,
			TakeFocus:        false,
			Notify:           true,
			CloseAfterAnswer: true,
		},
	}
}

// localeRegion returns the region of the POSIX locale that governs phone
// numbers — LC_ALL, else LC_TELEPHONE, else LANG, the first one set, as
// setlocale does — if it is a region phone numbers know ("de_AT.UTF-8"
// gives "AT"). "" when unset, "C"/"POSIX", or not a known region. Windows
// and macOS rarely set these; they get the fallback until someone asks.
func localeRegion(getenv func(string) string) string {
	var locale string
	for _, name := range []string{"LC_ALL", "LC_TELEPHONE", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	// language[_territory][.codeset][@modifier]
	locale, _, _ = strings.Cut(locale, "@")
	locale, _, _ = strings.Cut(locale, ".")
	_, territory, ok := strings.Cut(locale, "_")
	if !ok || !regionSupported(territory) {
		return ""
	}
	return territory
}
