package main

import (
	"net/http"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// serveWS upgrades and starts the connection's reader and writer.
func (b *bServer) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := b.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &bConn{ws: ws, send: make(chan []byte, bSendBuffer), done: make(chan struct{})}
	b.conns.Add(1)
	go c.writePump()
	go b.readPump(c)
}

// readPump reads the hello, welcomes it, then reads (and ignores) frames
// until the connection ends.
func (b *bServer) readPump(c *bConn) {
	var u *bUser
	defer func() {
		if u != nil {
			u.mu.Lock()
			delete(u.conns, c)
			u.mu.Unlock()
		}
		c.close()
		c.ws.Close()
		b.conns.Add(-1)
	}()
	c.ws.SetReadLimit(bReadLimit)
	c.ws.SetReadDeadline(time.Now().Add(bPongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(bPongWait)) })
	if u = b.hello(c); u == nil {
		return
	}
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if m, err := ctiproto.DecodeRequest(data, bReadLimit); err == nil && m.MessageType() == ctiproto.TypeWatch {
			b.watch(u, c, m.(*ctiproto.Watch).ID)
		}
	}
}

// hello reads the hello and queues the welcome, then subscribes c to the
// user's events: under the user's lock, so the welcome's seq is the one
// before the first event c gets.
func (b *bServer) hello(c *bConn) *bUser {
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		return nil
	}
	m, err := ctiproto.DecodeRequest(data, bReadLimit)
	h, ok := m.(*ctiproto.Hello)
	if err != nil || !ok {
		return nil
	}
	device, ok := deviceOf(h.User)
	if !ok {
		return nil
	}
	u := b.user(device)
	u.mu.Lock()
	defer u.mu.Unlock()
	w := &ctiproto.Welcome{ID: h.ID, User: h.User, Session: "b-session", Epoch: b.epoch, Seq: u.seq,
		Devices:      []ctiproto.Device{{Device: device, Registered: true}},
		Exchange:     ctiproto.ExchangeStatus{Available: true},
		Limits:       ctiproto.Limits{MaxMessageBytes: bReadLimit, CommandsPerSec: ctiproto.DefaultCommandsPerSecond, PingSeconds: int(bPingPeriod / time.Second)},
		Capabilities: []string{}, Calls: []ctiproto.Call{}}
	frame, err := ctiproto.Encode(w)
	if err != nil {
		return nil
	}
	c.send <- frame // the channel is empty: this never blocks
	u.conns[c] = struct{}{}
	return u
}

// writePump writes what is queued, and pings, until the connection ends.
func (c *bConn) writePump() {
	ping := time.NewTicker(bPingPeriod)
	defer func() {
		ping.Stop()
		c.ws.Close()
	}()
	for {
		select {
		case frame := <-c.send:
			c.ws.SetWriteDeadline(time.Now().Add(bWriteWait))
			if c.ws.WriteMessage(websocket.TextMessage, frame) != nil {
				return
			}
		case <-ping.C:
			if c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(bWriteWait)) != nil {
				return
			}
		case <-c.done:
			msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "")
			c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(bWriteWait))
			return
		}
	}
}
