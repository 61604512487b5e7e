package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

func TestSourcesFor(t *testing.T) {
	per := localPorts() / sourceShare
	for _, c := range []struct{ conns, want int }{
		{1, 1}, {per, 1}, {per + 1, 2}, {100_000, (100_000 + per - 1) / per}, {1 << 30, maxSources},
	} {
		if got := sourcesFor(c.conns); got != c.want {
			t.Errorf("sourcesFor(%d) = %d, want %d (%d ports a source)", c.conns, got, c.want, per)
		}
	}
	if a := sourceAddr(5, 1); a != nil {
		t.Errorf("one source: %v, want the kernel's choice (nil)", a)
	}
	if a := sourceAddr(9, 8); a.IP.String() != "127.0.0.2" {
		t.Errorf("client 9 of 8 sources: %v, want 127.0.0.2", a)
	}
	if wsDialer(nil, 0) != &dialer {
		t.Error("no source, no buffer: want the shared dialer")
	}
}

// A client given a source address connects from it.
func TestDialFromSource(t *testing.T) {
	from := make(chan string, 1)
	up := websocket.Upgrader{Subprotocols: []string{ctiproto.Subprotocol}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from <- r.RemoteAddr
		if c, err := up.Upgrade(w, r, nil); err == nil {
			c.Close()
		}
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	conn, resp, err := wsDialer(sourceAddr(2, 4), 0).DialContext(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	conn.Close()
	host, _, _ := net.SplitHostPort(<-from)
	if host != "127.0.0.3" {
		t.Fatalf("connected from %s, want 127.0.0.3", host)
	}
}
