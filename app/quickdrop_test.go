package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/app/tokens"
	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// dropper is a node that welcomes the desk and drops it at once (1011),
// counting the connections in n.
func dropper(t *testing.T, n *atomic.Int64) string {
	up := websocket.Upgrader{Subprotocols: ctiproto.Subprotocols}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		n.Add(1)
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
		b, _ := ctiproto.Encode(&ctiproto.Welcome{ID: "hello", User: "ann", Session: "s1", Epoch: "e1", Seq: 0, Server: "x"})
		c.WriteMessage(websocket.TextMessage, b)
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "boom"),
			time.Now().Add(time.Second))
		c.ReadMessage()
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/ws"
}

// Nodes that let the desk in and drop it at once are backed off from,
// however many there are: a desk moving from one to the next without a
// pause logged in 2,000 times a second to two such nodes (the review's
// test). One quick drop per node makes a whole round.
func TestQuickDropsBackOff(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		var n atomic.Int64
		var urls []string
		for range k {
			urls = append(urls, dropper(t, &n))
		}
		st := tokens.NewMemory()
		st.Set(urls[0], "ann", "tok")
		c, err := New(Options{ServerURL: urls[0], ServerURLs: urls[1:], User: "ann", Tokens: st, Numbers: numbers(t),
			MinBackoff: 200 * time.Millisecond, MaxBackoff: time.Second, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c.Run(ctx)
		cancel()
		// A round of k quick drops, then backoffs of 0.2, 0.4, 0.8 s…:
		// about 4 rounds in 2 s.
		if got := n.Load(); got > int64(6*k) {
			t.Fatalf("%d node(s) that welcome and drop: %d connections in 2 s", k, got)
		} else {
			t.Logf("%d node(s) that welcome and drop: %d connections in 2 s", k, got)
		}
	}
}
