// Package settings is the tray app's settings: what they hold, their
// defaults, the checks each value must pass, and settings.json in the
// configuration folder (Dir), read forgivingly and written atomically.
package settings

import (
	"os"
	"slices"
	"strings"
)

// Popup says how a ringing call shows itself.
type Popup struct {
	Enabled bool `json:"enabled"` // show the screen pop (default true)
	// TakeFocus raises the popup with keyboard focus. Default false: a
	// popup appearing while someone types must not swallow their keys.
	TakeFocus        bool `json:"take_focus"`
	Notify           bool `json:"notify"`             // also a desktop notification (default true)
	CloseAfterAnswer bool `json:"close_after_answer"` // close the calls console 3 s after all it shows is answered calls (default true)
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
	// ServerURLs are further addresses of the same Deskline cluster, each
	// like ServerURL: the desk tries them in turn after ServerURL and
	// moves to the next when its server goes. The device token is kept
	// under ServerURL alone, valid on every node. Empty: one server.
	ServerURLs []string `json:"server_urls"`
	User       string   `json:"user"`    // login name; the password lives in the keyring
	CAFile     string   `json:"ca_file"` // extra PEM CA certificates for wss://, "" = system roots
	// HomeRegion (ISO 3166 code, e.g. "DE") decides how national numbers
	// like 030 1234567 are read, for lookup and for dialling.
	HomeRegion string `json:"home_region"`
	// MaxInternalDigits: numbers up to this long are extensions, dialled
	// as they are (default 6).
	MaxInternalDigits int      `json:"max_internal_digits"`
	AddressBooks      []string `json:"address_books"` // vCard files or folders, absolute paths
	Popup             Popup    `json:"popup"`
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
	// DialDevice is the phone click-to-dial rings first, for a user with
	// several (desk phone and softphone). Default "": the first of the
	// user's phones that is registered. A phone that is not registered
	// then is passed over for a registered one, and the user is told.
	DialDevice string `json:"dial_device"`
	// Switchboard is whether this desk is a switchboard (see
	// switchboard.go): SwitchboardAuto (default), SwitchboardOn or
	// SwitchboardOff.
	Switchboard string `json:"switchboard"`
}

// DefaultServerURL is the demo server started by `make run`.
const DefaultServerURL = "ws://127.0.0.1:8720/v1/ws"

// FallbackHomeRegion is used when the locale names no usable region. The
// first deployments are German offices.
const FallbackHomeRegion = "DE"

// Default returns the settings of a fresh install. HomeRegion
// comes from the locale (see DefaultHomeRegion), else FallbackHomeRegion.
func Default() Settings {
	return Settings{
		ServerURL:         DefaultServerURL,
		HomeRegion:        DefaultHomeRegion().Region,
		MaxInternalDigits: 6,
		Switchboard:       SwitchboardAuto,
		Popup: Popup{
			Enabled:          true,
			TakeFocus:        false,
			Notify:           true,
			CloseAfterAnswer: true,
		},
	}
}

// RegionOrigin says where the default home region comes from, so the
// settings window can tell the user ("GB, from your locale en_GB.UTF-8").
type RegionOrigin struct {
	Region string // the default: the locale's country, else FallbackHomeRegion
	// Locale is the locale it was read from ("en_GB.UTF-8") and Var the
	// variable that set it (LC_ALL, LC_TELEPHONE or LANG); both "" when
	// none is set.
	Locale, Var string
	// Fallback is set when the locale names no country phone numbers
	// know ("C.UTF-8", "en", none at all): Region is FallbackHomeRegion.
	Fallback bool
}

// DefaultHomeRegion reads the home region of a fresh install from this
// process's locale.
func DefaultHomeRegion() RegionOrigin { return regionOrigin(os.Getenv) }

// regionOrigin takes the region of the POSIX locale that governs phone
// numbers — LC_ALL, else LC_TELEPHONE, else LANG, the first one set, as
// setlocale does — if it is a region phone numbers know ("de_AT.UTF-8"
// gives "AT"); else FallbackHomeRegion. Windows and macOS rarely set
// these; they get the fallback until someone asks.
func regionOrigin(getenv func(string) string) RegionOrigin {
	var o RegionOrigin
	for _, name := range []string{"LC_ALL", "LC_TELEPHONE", "LANG"} {
		if o.Locale = getenv(name); o.Locale != "" {
			o.Var = name
			break
		}
	}
	// language[_territory][.codeset][@modifier]
	locale, _, _ := strings.Cut(o.Locale, "@")
	locale, _, _ = strings.Cut(locale, ".")
	_, territory, ok := strings.Cut(locale, "_")
	if !ok || !regionSupported(territory) {
		o.Region, o.Fallback = FallbackHomeRegion, true
		return o
	}
	o.Region = territory
	return o
}

// NeedsNewDesk reports changes a running desk cannot take in place:
// other servers, user or certificate (a new client), region or extension
// length (a new normaliser), other address books. The rest (the popup,
// the CRM link, the phone to dial from) applies from the next call.
func NeedsNewDesk(old, s Settings) bool {
	return old.ServerURL != s.ServerURL || !slices.Equal(old.ServerURLs, s.ServerURLs) || old.User != s.User || old.CAFile != s.CAFile ||
		old.HomeRegion != s.HomeRegion || old.MaxInternalDigits != s.MaxInternalDigits ||
		!slices.Equal(old.AddressBooks, s.AddressBooks)
}
