package ctiproto

import "testing"

func TestCheckPasswordURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"wss://cti.example/v1/ws", true},
		{"ws://127.0.0.1:8720/v1/ws", true},
		{"ws://localhost:8720/v1/ws", true},
		{"ws://[::1]:8720/v1/ws", true},
		{"ws://192.0.2.1:8720/v1/ws", false},
		{"ws://cti.example/v1/ws", false},
		{"http://127.0.0.1/v1/ws", false},
		{"ws://%zz", false},
	} {
		if err := CheckPasswordURL(tc.url); (err == nil) != tc.ok {
			t.Errorf("CheckPasswordURL(%q) = %v", tc.url, err)
		}
	}
}
