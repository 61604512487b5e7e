package settings

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/deskline/deskline/internal/cut"
)

// topFields maps each key of settings.json to the field it fills.
func topFields(s *Settings) map[string]settingDecoder {
	return map[string]settingDecoder{
		"server_url":          settingValue(&s.ServerURL, "a string"),
		"server_urls":         settingValue(&s.ServerURLs, "a list of ws:// or wss:// URLs"),
		"user":                settingValue(&s.User, "a string"),
		"ca_file":             settingValue(&s.CAFile, "a string"),
		"home_region":         settingValue(&s.HomeRegion, "a string"),
		"max_internal_digits": settingValue(&s.MaxInternalDigits, "a whole number"),
		"address_books":       settingValue(&s.AddressBooks, "a list of paths"),
		"popup":               settingObject(popupFields(&s.Popup)),
		"crm_url":             settingValue(&s.CRMURL, "a string"),
		"start_at_login":      settingValue(&s.StartAtLogin, "true or false"),
		"dial_links_at_once":  settingValue(&s.DialLinksAtOnce, "true or false"),
		"dial_device":         settingValue(&s.DialDevice, "a string"),
		"switchboard":         settingValue(&s.Switchboard, "a string"),
	}
}

func popupFields(p *Popup) map[string]settingDecoder {
	return map[string]settingDecoder{
		"enabled":            settingValue(&p.Enabled, "true or false"),
		"take_focus":         settingValue(&p.TakeFocus, "true or false"),
		"notify":             settingValue(&p.Notify, "true or false"),
		"close_after_answer": settingValue(&p.CloseAfterAnswer, "true or false"),
	}
}

// value decodes into *dst only if the whole value decodes: a half-filled
// list is worse than the default. null keeps the default too.
func settingValue[T any](dst *T, want string) settingDecoder {
	return func(raw json.RawMessage, key string) []*Warning {
		var v T
		if string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return []*Warning{{Field: key, Reason: fmt.Sprintf("want %s, got %s; using the default", want, settingJSONKind(err, raw))}}
		}
		*dst = v
		return nil
	}
}

func settingObject(fields map[string]settingDecoder) settingDecoder {
	return func(raw json.RawMessage, key string) []*Warning {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &doc); err != nil {
			return []*Warning{{Field: key, Reason: fmt.Sprintf("want an object {…}, got %s; using the defaults", settingJSONKind(err, raw))}}
		}
		return decodeObject(doc, fields, key+".")
	}
}

// settingJSONKind describes what the file held instead ("string", "number 6.5").
func settingJSONKind(err error, raw json.RawMessage) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Value
	}
	return cut.Bytes(string(raw), 40)
}
