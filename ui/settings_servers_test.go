package ui

import (
	"errors"
	"reflect"
	"testing"

	"github.com/deskline/deskline/app/settings"
)

// The Server field holds server_url and server_urls: addresses separated
// by commas or spaces, shown back joined by ", ".
func TestServerFieldSplits(t *testing.T) {
	for text, want := range map[string][]string{
		"ws://a:1/v1/ws": {"ws://a:1/v1/ws"},
		"  wss://a/v1/ws, wss://b/v1/ws ,wss://c/v1/ws": {"wss://a/v1/ws", "wss://b/v1/ws", "wss://c/v1/ws"},
		"wss://a/v1/ws wss://b/v1/ws\twss://c/v1/ws":    {"wss://a/v1/ws", "wss://b/v1/ws", "wss://c/v1/ws"},
		" , ": {""},
	} {
		first, more := splitServers(text)
		if got := append([]string{first}, more...); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
	s := settings.Settings{ServerURL: "wss://a/v1/ws", ServerURLs: []string{"wss://b/v1/ws"}}
	if got := serversText(s); got != "wss://a/v1/ws, wss://b/v1/ws" {
		t.Errorf("shown as %q", got)
	}
	if got := serversText(settings.Settings{ServerURL: "ws://a:1/v1/ws"}); got != "ws://a:1/v1/ws" {
		t.Errorf("one server shown as %q", got)
	}
}

// A bad further address is marked at the Server field and named by its
// place in it.
func TestServerFieldProblem(t *testing.T) {
	s := settings.Default()
	s.User = "ann"
	s.ServerURLs = []string{"wss://b.example/v1/ws", "http://c.example/v1/ws"}
	var se *settings.Error
	if err := s.Validate(); !errors.As(err, &se) {
		t.Fatalf("validate: %v", err)
	}
	label, reason := settingsProblem(se)
	if label != "Server, address 3" || fieldKey(se) != "server_url" || reason != `"http://c.example/v1/ws" must start with ws:// or wss://` {
		t.Fatalf("label %q, key %q, reason %q", label, fieldKey(se), reason)
	}
}
