package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Further server addresses pass the checks server_url passes, each bad
// one named by its index and text.
func TestSettingsServerURLs(t *testing.T) {
	s := validSettingsForTest(t)
	s.ServerURLs = []string{"wss://cti2.example.com:8443/v1/ws", "ws://10.0.0.6:8720/v1/ws", "wss://[2001:db8::7]/v1/ws"}
	if err := s.Validate(); err != nil {
		t.Fatalf("valid further addresses: %v", err)
	}
	for _, c := range []struct {
		urls   []string
		field  string
		reason string
	}{
		{[]string{"wss://b.example/v1/ws", "https://c.example/v1/ws"}, "server_urls[1]", `"https://c.example/v1/ws" must start with ws:// or wss://`},
		{[]string{"cti3.example.com:8720"}, "server_urls[0]", "must start with ws:// or wss://"},
		{[]string{""}, "server_urls[0]", "empty address"},
		{[]string{"ws:///v1/ws"}, "server_urls[0]", "no host"},
		{[]string{"wss://anna:secret@b.example/v1/ws"}, "server_urls[0]", "must not contain a user or password"},
		{[]string{"wss://b.example/v1/ws#x"}, "server_urls[0]", "#fragment"},
		{[]string{"ws://b.example:0/v1/ws"}, "server_urls[0]", "port 0 is not 1–65535"},
		{[]string{s.ServerURL}, "server_urls[0]", "is server_url already"},
		{[]string{"wss://b.example/v1/ws", "wss://b.example/v1/ws"}, "server_urls[1]", "listed twice"},
	} {
		s.ServerURLs = c.urls
		err := s.Validate()
		var se *Error
		if !errors.As(err, &se) || se.Field != c.field || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("%q: error %v, want %s: …%s…", c.urls, err, c.field, c.reason)
			continue
		}
		var want int
		fmt.Sscanf(c.field, "server_urls[%d]", &want)
		if se.Server != want+1 || se.Book != 0 {
			t.Errorf("%s: Server %d Book %d, want Server %d", c.field, se.Server, se.Book, want+1)
		}
		if !strings.HasPrefix(err.Error(), "settings: "+c.field+": ") {
			t.Errorf("error %q does not start with settings: %s:", err, c.field)
		}
	}
	s.ServerURLs = make([]string, MaxServerURLs+1)
	for i := range s.ServerURLs {
		s.ServerURLs[i] = fmt.Sprintf("ws://10.0.0.%d:8720/v1/ws", i+10)
	}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("server_urls[%d]: more than %d", MaxServerURLs, MaxServerURLs)) {
		t.Errorf("%d further addresses: %v", len(s.ServerURLs), err)
	}
}

// A file with a bad further address keeps the good ones and says which
// was left out; a file from before server_urls loads as one server, and
// saving writes the list.
func TestSettingsLoadServerURLs(t *testing.T) {
	settingsNoLocale(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	os.WriteFile(path, []byte(`{"version": 1, "server_url": "wss://a.example/v1/ws", "user": "anna",
  "server_urls": ["wss://b.example/v1/ws", "http://c.example/v1/ws", "wss://d.example/v1/ws"]}`), 0o600)
	s, warnings, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"wss://b.example/v1/ws", "wss://d.example/v1/ws"}; !reflect.DeepEqual(s.ServerURLs, want) {
		t.Fatalf("server_urls %q, want %q", s.ServerURLs, want)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), `server_urls[1]: "http://c.example/v1/ws" must start with ws:// or wss://; left out of the list`) {
		t.Fatalf("warnings %q", warnings)
	}

	os.WriteFile(path, []byte(`{"version": 1, "server_url": "wss://a.example/v1/ws", "server_urls": "wss://b.example/v1/ws"}`), 0o600)
	if s, warnings, _ = Load(path); len(s.ServerURLs) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "server_urls: want a list of ws:// or wss:// URLs, got string") {
		t.Fatalf("a string for the list: %q %q", s.ServerURLs, warnings)
	}

	os.WriteFile(path, []byte(`{"version": 1, "server_url": "wss://a.example/v1/ws", "user": "anna"}`), 0o600)
	if s, warnings, _ = Load(path); s.ServerURLs != nil || len(warnings) != 0 {
		t.Fatalf("an older file: %q %q", s.ServerURLs, warnings)
	}
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"server_urls": []`) {
		t.Fatalf("saved file lacks server_urls:\n%s", data)
	}
	n := s
	n.ServerURLs = []string{"wss://b.example/v1/ws"}
	if !NeedsNewDesk(s, n) {
		t.Fatal("another further address does not need a new desk")
	}
}
