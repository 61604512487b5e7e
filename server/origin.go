package server

import (
	"log/slog"
	"net/http"
	"strings"
)

// originChecker returns the upgrader's CheckOrigin: an upgrade without an
// Origin header (every desktop app; browsers always send one) is allowed,
// one whose Origin is not in allowed is refused (HTTP 403 by the
// upgrader). A web page in an employee's browser could otherwise open the
// LAN server's WebSocket and log in as whoever types a password into it.
// An empty allow-list refuses every browser.
func originChecker(allowed []string, log *slog.Logger) func(*http.Request) bool {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[normalOrigin(o)] = true
	}
	return func(r *http.Request) bool {
		for _, o := range r.Header.Values("Origin") {
			if !set[normalOrigin(o)] {
				log.Warn("WebSocket upgrade refused: origin not allowed (see allowed_origins)",
					"origin", o, "addr", remoteHost(r))
				return false
			}
		}
		return true
	}
}

// normalOrigin compares origins as browsers send them: scheme and host are
// case-insensitive, and there is no trailing slash.
func normalOrigin(o string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(o), "/"))
}
