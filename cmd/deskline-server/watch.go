package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// watchTimeout bounds the login; after it, watch waits for events for ever.
const watchTimeout = 10 * time.Second

// runWatch logs in as a user and prints every message the server sends:
// the smallest possible desktop client, for the demo and for checking a
// server by hand. With -presence it also watches every device the user
// may (PROTOCOL.md section 15), as a switchboard does.
func runWatch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := serverFlag(fs)
	oldURL := fs.String("url", "", "deprecated: the same as -server")
	user := fs.String("user", "demo", "user name")
	password := fs.String("password", "demo", "password")
	count := fs.Int("n", 0, "exit after this many events (0: never)")
	presence := fs.Bool("presence", false, "also watch colleagues' devices (presence), where the server allows it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *oldURL != "" {
		*server = *oldURL
	}
	conn, code := dialHello(*server, &ctiproto.Hello{ID: "watch", User: *user, Password: *password,
		Client: "deskline-server watch", Presence: *presence}, "watch", stderr)
	if conn == nil {
		return code
	}
	defer conn.Close()
	events := 0
	for *count == 0 || events < *count {
		_, data, err := conn.ReadMessage()
		if err != nil {
			fmt.Fprintf(stderr, "deskline-server watch: connection ended: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, string(data))
		m, err := ctiproto.Decode(data)
		if err != nil {
			fmt.Fprintf(stderr, "deskline-server watch: bad frame from server: %v\n", err)
			continue
		}
		switch m := m.(type) {
		case *ctiproto.Welcome:
			if *presence && !watchPresence(conn, m, stderr) {
				return 1
			}
		case *ctiproto.Error:
			if m.ID == "watch" {
				return 1
			}
		case *ctiproto.Event:
			events++
		}
	}
	return 0
}

// watchPresence asks to watch every device the user may, when the welcome
// says the user may watch; it reports whether the connection is usable.
func watchPresence(conn *websocket.Conn, w *ctiproto.Welcome, stderr io.Writer) bool {
	if !slices.Contains(w.Capabilities, ctiproto.TypeWatch) {
		fmt.Fprintf(stderr, "deskline-server watch: %s may not watch other devices (no watch_groups for the user)\n", w.User)
		return true
	}
	req, _ := ctiproto.Encode(&ctiproto.Watch{ID: "presence"})
	if err := conn.WriteMessage(websocket.TextMessage, req); err != nil {
		fmt.Fprintf(stderr, "deskline-server watch: %v\n", err)
		return false
	}
	return true
}

// dialHello connects to server and sends hello, for the tools that log in
// as a user (watch, search). It returns nil and the exit code after
// saying why on stderr when it cannot.
func dialHello(server string, hello *ctiproto.Hello, tool string, stderr io.Writer) (*websocket.Conn, int) {
	wsURL, _, err := serverURLs(server)
	if err == nil {
		err = ctiproto.CheckPasswordURL(wsURL)
	}
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server %s: %v\n", tool, err)
		return nil, 2
	}
	d := websocket.Dialer{Subprotocols: []string{ctiproto.Subprotocol}, HandshakeTimeout: watchTimeout}
	conn, _, err := d.Dial(wsURL, nil)
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server %s: connect %s: %v\n", tool, wsURL, err)
		return nil, 1
	}
	data, _ := ctiproto.Encode(hello)
	if err := conn.WriteMessage(websocket.TextMessage, data); err != nil {
		conn.Close()
		fmt.Fprintf(stderr, "deskline-server %s: %v\n", tool, err)
		return nil, 1
	}
	return conn, 0
}
