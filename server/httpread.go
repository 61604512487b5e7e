package server

import (
	"net/http"
	"time"
)

// boundReads gives every request the hello timeout to deliver its body
// (the sim API, /healthz): a client trickling a body a byte at a time must
// not hold a connection, outside the connection cap, for minutes. The
// headers are bounded by the HTTP server (ReadHeaderTimeout); a WebSocket
// upgrade is not affected, because the upgrader clears the deadline when
// it takes the connection over and the session sets its own.
func (s *Server) boundReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An error means the connection cannot take deadlines (e.g. a test
		// recorder); there is nothing to bound then.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.limits.HelloTimeout))
		next.ServeHTTP(w, r)
	})
}
