package ami

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"
)

// The tests run the conn against a scripted Asterisk on 127.0.0.1 (a
// testPeer) that answers with the bytes of the real captures where they
// matter. amitest is not used here: it imports this package.

// connWait bounds every wait of these tests for something that happens
// in milliseconds when the code works; it only limits how long a broken
// build hangs.
const connWait = 10 * time.Second

const (
	connChallenge   = "840415273"
	connFullyBooted = "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 197\r\nLastReload: 197\r\nStatus: Fully Booted\r\n\r\n"
)

// testPeer accepts manager connections and runs a script on each.
type testPeer struct {
	t       *testing.T
	ln      net.Listener
	actions chan Message // every action received, if there is room

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

// peerConn is one connection to the testPeer.
type peerConn struct {
	t   *testing.T
	p   *testPeer
	nc  net.Conn
	dec *Decoder
}

// startPeer listens on 127.0.0.1 and runs script on each connection after
// the banner; on cleanup it closes everything and waits for the scripts.
func startPeer(t *testing.T, script func(pc *peerConn)) *testPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return servePeer(t, ln, BannerPrefix+"11.0.0\r\n", script)
}

func servePeer(t *testing.T, ln net.Listener, banner string, script func(pc *peerConn)) *testPeer {
	p := &testPeer{t: t, ln: ln, actions: make(chan Message, 1024)}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, nc)
			p.mu.Unlock()
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				defer nc.Close()
				if _, err := nc.Write([]byte(banner)); err != nil {
					return
				}
				script(&peerConn{t: t, p: p, nc: nc, dec: NewDecoder(nc)})
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, nc := range p.conns {
			nc.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *testPeer) addr() string { return p.ln.Addr().String() }

// waitAction returns the next action named name the peer received.
func (p *testPeer) waitAction(name string) Message {
	p.t.Helper()
	timeout := time.After(connWait)
	for {
		select {
		case a := <-p.actions:
			if a.Get(KeyAction) == name {
				return a
			}
		case <-timeout:
			p.t.Fatalf("the peer got no %s action", name)
		}
	}
}

// read returns the next action.
func (pc *peerConn) read() (Message, error) {
	m, err := pc.dec.Decode()
	if err == nil {
		select {
		case pc.p.actions <- m:
		default:
		}
	}
	return m, err
}

func (pc *peerConn) write(s string) error {
	_, err := pc.nc.Write([]byte(s))
	return err
}

// respond answers action a with "Response: status" and kv.
func (pc *peerConn) respond(a Message, status string, kv ...string) error {
	var b strings.Builder
	b.WriteString("Response: " + status + "\r\n")
	if id := a.ActionID(); id != "" {
		b.WriteString("ActionID: " + id + "\r\n")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(kv[i] + ": " + kv[i+1] + "\r\n")
	}
	b.WriteString("\r\n")
	return pc.write(b.String())
}

// login plays Asterisk's side of a login of user "cti" with secret
// (MD5 or plain, as the client chooses) and of the Events action.
func (pc *peerConn) login(secret string) bool {
	t := pc.t
	a, err := pc.read()
	if err != nil {
		return false
	}
	ok := false
	switch a.Get(KeyAction) {
	case "Challenge":
		if a.Get("AuthType") != "MD5" {
			t.Errorf("Challenge with AuthType %q", a.Get("AuthType"))
		}
		pc.respond(a, "Success", "Challenge", connChallenge)
		if a, err = pc.read(); err != nil {
			return false
		}
		if _, has := a.Lookup("Secret"); has {
			t.Errorf("MD5 login sent the secret: %v", a)
		}
		sum := md5.Sum([]byte(connChallenge + secret))
		ok = a.Get("AuthType") == "MD5" && a.Get("Key") == hex.EncodeToString(sum[:])
	case "Login":
		_, hasKey := a.Lookup("Key")
		ok = !hasKey && a.Get("Secret") == secret
	}
	if a.Get(KeyAction) != "Login" {
		t.Errorf("got %v, want a Login", a)
		return false
	}
	if a.Get("Events") != "off" {
		t.Errorf("Login with Events %q, want off", a.Get("Events"))
	}
	if !ok || a.Get("Username") != "cti" {
		pc.respond(a, "Error", "Message", "Authentication failed")
		return false
	}
	pc.respond(a, "Success", "Message", "Authentication accepted")
	pc.write(connFullyBooted) // as Asterisk does, whatever the Events setting
	if a, err = pc.read(); err != nil {
		return false
	}
	if a.Get(KeyAction) != "Events" || a.Get("EventMask") != "call,system,agent" {
		t.Errorf("after login got %v, want Events with EventMask call,system,agent", a)
	}
	pc.respond(a, "Success", "Events", "On")
	return true
}

// serve answers actions until the link goes: hook first (true when it
// handled the action), then Ping, Logoff, and an error for anything else.
func (pc *peerConn) serve(hook func(a Message) bool) {
	for {
		a, err := pc.read()
		if err != nil {
			return
		}
		if hook != nil && hook(a) {
			continue
		}
		switch a.Get(KeyAction) {
		case "Ping":
			pc.respond(a, "Success", "Ping", "Pong", "Timestamp", "1795687138.640848")
		case "Logoff":
			pc.respond(a, "Goodbye", "Message", "Thanks for all the fish.")
			return
		default:
			pc.respond(a, "Error", "Message", "Invalid/unknown command: "+a.Get(KeyAction)+". Use Action: ListCommands to show available commands.")
		}
	}
}

// loginAndServe is the script of most tests.
func loginAndServe(hook func(pc *peerConn, a Message) bool) func(pc *peerConn) {
	return func(pc *peerConn) {
		if !pc.login("ctisecret") {
			return
		}
		var h func(Message) bool
		if hook != nil {
			h = func(a Message) bool { return hook(pc, a) }
		}
		pc.serve(h)
	}
}

func connConfig(addr string, log *testlog.Buffer) *Config {
	cfg := &Config{Addr: addr, Username: "cti", Secret: "ctisecret"}
	if log != nil {
		cfg.Log = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return cfg
}

// dialT dials and closes the conn when the test ends.
func dialT(t *testing.T, cfg *Config) *conn {
	t.Helper()
	c, err := dial(t.Context(), cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.close() })
	return c
}

// events takes the conn's events until it has n of them (or the link is
// gone and the queue empty).
func events(t *testing.T, c *conn, n int) []Message {
	t.Helper()
	var got []Message
	timeout := time.After(connWait)
	for len(got) < n {
		select {
		case <-c.ready:
			got = append(got, c.next()...)
		case <-c.done():
			got = append(got, c.next()...)
			return got
		case <-timeout:
			t.Fatalf("got %d events, want %d", len(got), n)
		}
	}
	return got
}

// eventNames lists the Event of each message.
func eventNames(ms []Message) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Event())
	}
	return s
}

func waitDone(t *testing.T, c *conn) {
	t.Helper()
	select {
	case <-c.done():
	case <-time.After(connWait):
		t.Fatal("the link is still up")
	}
}

// connCapture returns the raw bytes of a capture from the message
// starting with from through the end of the message holding through.
func connCapture(t *testing.T, file, from, through string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(codecFixtureDir(t), file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("%s: no %q", file, from)
	}
	j := strings.Index(s[i:], through)
	if j < 0 {
		t.Fatalf("%s: no %q after %q", file, through, from)
	}
	k := strings.Index(s[i+j:], "\r\n\r\n")
	return s[i : i+j+k+4]
}

func TestConnLoginMD5(t *testing.T) {
	p := startPeer(t, loginAndServe(nil))
	c := dialT(t, connConfig(p.addr(), nil))
	login := p.waitAction("Login")
	if _, has := login.Lookup("Secret"); has || strings.Contains(login.String(), "ctisecret") {
		t.Errorf("MD5 login carries the secret: %v", login)
	}
	if c.version != "11.0.0" {
		t.Errorf("version = %q", c.version)
	}
	// FullyBooted, which Asterisk sends right after the login, is an event.
	if got := eventNames(events(t, c, 1)); len(got) != 1 || got[0] != "FullyBooted" {
		t.Errorf("events = %v, want [FullyBooted]", got)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping: %v", err)
	}
	c.close()
	p.waitAction("Logoff")
	if err := c.err(); !errors.Is(err, ErrClosed) {
		t.Errorf("err() after close = %v, want ErrClosed", err)
	}
}

func TestConnLoginPlain(t *testing.T) {
	p := startPeer(t, loginAndServe(nil))
	cfg := connConfig(p.addr(), nil)
	cfg.Auth = AuthPlain
	c := dialT(t, cfg)
	if login := p.waitAction("Login"); login.Get("Secret") != "ctisecret" || login.Get("AuthType") != "" {
		t.Errorf("plain login = %v", login)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// TestConnLoginWrongSecret answers the login with the bytes Asterisk sent
// for a wrong secret, and closes, as Asterisk does.
func TestConnLoginWrongSecret(t *testing.T) {
	refusal := connCapture(t, "f1-bad-login-wrong-secret.txt", "Response: Error", "Authentication failed")
	for _, auth := range []string{AuthMD5, AuthPlain} {
		t.Run(auth, func(t *testing.T) {
			p := startPeer(t, func(pc *peerConn) {
				for {
					a, err := pc.read()
					if err != nil {
						return
					}
					if a.Get(KeyAction) == "Challenge" {
						pc.respond(a, "Success", "Challenge", connChallenge)
						continue
					}
					pc.write(strings.Replace(refusal, "ActionID: login-bad-1\r\n", "ActionID: "+a.ActionID()+"\r\n", 1))
					return
				}
			})
			cfg := connConfig(p.addr(), nil)
			cfg.Auth, cfg.Secret = auth, "wrong-secret"
			c, err := dial(t.Context(), cfg)
			if c != nil {
				c.close()
			}
			if !errors.Is(err, ErrAuth) {
				t.Fatalf("dial error = %v, want ErrAuth", err)
			}
			if !strings.Contains(err.Error(), "Authentication failed") {
				t.Errorf("error %q does not carry Asterisk's message", err)
			}
		})
	}
}

func TestConnBannerNotAsterisk(t *testing.T) {
	for name, banner := range map[string]string{
		"SSH":  "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n",
		"HTTP": "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 Bad Request",
		"SMTP": "220 mail.example.com ESMTP Postfix\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			servePeer(t, ln, banner, func(pc *peerConn) { pc.read() })
			_, err = dial(t.Context(), connConfig(ln.Addr().String(), nil))
			if !errors.Is(err, ErrBanner) {
				t.Fatalf("dial error = %v, want ErrBanner", err)
			}
		})
	}
	t.Run("silent HTTP server", func(t *testing.T) {
		// An HTTP server waits for a request: no banner within the dial
		// timeout.
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		cfg := connConfig(strings.TrimPrefix(srv.URL, "http://"), nil)
		cfg.DialTimeout = 200 * time.Millisecond
		_, err := dial(t.Context(), cfg)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "banner") {
			t.Fatalf("dial error = %v, want a banner timeout", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		if _, err := dial(t.Context(), connConfig(addr, nil)); err == nil || errors.Is(err, ErrBanner) {
			t.Fatalf("dial error = %v, want a connection error", err)
		}
	})
}

func TestConnTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS() // for its certificate, valid for 127.0.0.1
	defer srv.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: srv.TLS.Certificates})
	if err != nil {
		t.Fatal(err)
	}
	p := servePeer(t, ln, BannerPrefix+"11.0.0\r\n", loginAndServe(nil))
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	cfg := connConfig(p.addr(), nil)
	cfg.TLS = &tls.Config{RootCAs: roots}
	c := dialT(t, cfg)
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping over TLS: %v", err)
	}
}

// TestConnActionCorrelation answers three concurrent actions in reverse
// order, in one segment with events between them; each caller gets its
// own answer and the events arrive in order.
func TestConnActionCorrelation(t *testing.T) {
	var getvars []Message
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		switch a.Get(KeyAction) {
		case "Getvar":
			getvars = append(getvars, a)
			if len(getvars) < 3 {
				return true
			}
			var b strings.Builder
			for i := len(getvars) - 1; i >= 0; i-- {
				fmt.Fprintf(&b, "Event: Newstate\r\nPrivilege: call,all\r\nSeq: %d\r\n\r\n", 2-i)
				fmt.Fprintf(&b, "Response: Success\r\nActionID: %s\r\nVariable: %s\r\nValue: val-%s\r\n\r\n",
					getvars[i].ActionID(), getvars[i].Get("Variable"), getvars[i].Get("Variable"))
			}
			b.WriteString("Response: Success\r\nActionID: nobody-waits-1\r\nMessage: stray\r\n\r\n")
			pc.write(b.String())
		case "Originate":
			// Asterisk answers an async Originate at once and reports its
			// outcome later in an OriginateResponse event with its ActionID.
			pc.respond(a, "Success", "Message", "Originate successfully queued")
			pc.write("Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: " + a.ActionID() +
				"\r\nResponse: Success\r\nChannel: PJSIP/201-00000004\r\nReason: 4\r\nUniqueid: 1795686966.4\r\n\r\n")
		default:
			return false
		}
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	events(t, c, 1) // FullyBooted

	var wg sync.WaitGroup
	for _, v := range []string{"A", "B", "C"} {
		wg.Go(func() {
			r, err := c.action(t.Context(), NewAction("Getvar", "Channel", "PJSIP/201-0000002b", "Variable", v))
			if err != nil {
				t.Errorf("Getvar %s: %v", v, err)
				return
			}
			if r.Get("Value") != "val-"+v {
				t.Errorf("Getvar %s got the answer %v", v, r)
			}
		})
	}
	wg.Wait()
	got := events(t, c, 3)
	for i, m := range got {
		if m.Event() != "Newstate" || m.Get("Seq") != strconv.Itoa(i) {
			t.Errorf("event %d = %v", i, m)
		}
	}

	orig := NewAction("Originate", "Channel", "PJSIP/201", "Async", "true")
	r, err := c.action(t.Context(), orig)
	if err != nil || r.Response() != "Success" {
		t.Fatalf("Originate = %v, %v", r, err)
	}
	if _, has := orig.Lookup(KeyActionID); has {
		t.Error("action changed the caller's message")
	}
	ev := events(t, c, 1)
	if len(ev) != 1 || ev[0].Event() != "OriginateResponse" || ev[0].ActionID() != r.ActionID() {
		t.Errorf("after Originate: events %v, want its OriginateResponse", ev)
	}

	// A value that would smuggle a line is refused, and the link stays.
	if _, err := c.action(t.Context(), NewAction("Originate", "Exten", "202\r\nApplication: System")); err == nil {
		t.Error("action with CRLF in a value was sent")
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping after a refused action: %v", err)
	}
}

// TestConnActionError answers an unknown action with the bytes of f2.
func TestConnActionError(t *testing.T) {
	answer := connCapture(t, "f2-unknown-and-misc-actions.txt", "Response: Error\r\nActionID: x-1\r\n", "Event: RequestBadFormat")
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "FooBarBaz" {
			return false
		}
		pc.write(strings.ReplaceAll(answer, "ActionID: x-1\r\n", "ActionID: "+a.ActionID()+"\r\n"))
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	_, err := c.action(t.Context(), NewAction("FooBarBaz"))
	var ae *ActionError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *ActionError", err)
	}
	const text = "Invalid/unknown command: FooBarBaz. Use Action: ListCommands to show available commands."
	if ae.Action != "FooBarBaz" || ae.Message != text {
		t.Errorf("ActionError = %+v", ae)
	}
	if err.Error() != "ami: FooBarBaz: "+text {
		t.Errorf("Error() = %q", err.Error())
	}
	if got := eventNames(events(t, c, 2)); len(got) != 2 || got[1] != "RequestBadFormat" {
		t.Errorf("events = %v, want FullyBooted, RequestBadFormat", got)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping after an error: %v", err)
	}
}

// TestConnList answers CoreShowChannels with the bytes of the k capture,
// with an unrelated event between the items.
func TestConnList(t *testing.T) {
	answer := connCapture(t, "k-state-sync-actions-during-call.txt", "Response: Success\r\nActionID: s-1\r\nEventList: start", "EventList: Complete")
	parts := strings.SplitAfter(answer, "\r\n\r\n")
	const unrelated = "Event: Newstate\r\nPrivilege: call,all\r\nChannel: PJSIP/202-0000002c\r\nChannelStateDesc: Ringing\r\n\r\n"
	answer = strings.Join(parts[:2], "") + unrelated + strings.Join(parts[2:], "")

	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		switch a.Get(KeyAction) {
		case "CoreShowChannels":
			pc.write(strings.ReplaceAll(answer, "ActionID: s-1\r\n", "ActionID: "+a.ActionID()+"\r\n"))
		case "DBGet":
			pc.respond(a, "Error", "Message", "Database entry not found")
		case "ExtensionState":
			pc.respond(a, "Success", "Message", "Extension Status", "Exten", "201", "Status", "1")
		default:
			return false
		}
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))

	items, err := c.list(t.Context(), NewAction("CoreShowChannels"))
	if err != nil {
		t.Fatal(err)
	}
	var chans []string
	for _, m := range items {
		if m.Event() != "CoreShowChannel" {
			t.Errorf("item %v", m)
		}
		chans = append(chans, m.Get("Channel"))
	}
	if strings.Join(chans, " ") != "PJSIP/carrier-0000002a PJSIP/201-0000002b" {
		t.Errorf("channels = %v", chans)
	}
	if got := eventNames(events(t, c, 2)); strings.Join(got, " ") != "FullyBooted Newstate" {
		t.Errorf("events = %v, want FullyBooted Newstate", got)
	}

	var ae *ActionError
	if _, err := c.list(t.Context(), NewAction("DBGet", "Family", "DND", "Key", "201")); !errors.As(err, &ae) || ae.Message != "Database entry not found" {
		t.Errorf("DBGet error = %v", err)
	}
	if items, err := c.list(t.Context(), NewAction("ExtensionState", "Exten", "201")); err != nil || len(items) != 0 {
		t.Errorf("a response without EventList = %v, %v; want no items", items, err)
	}
}

func TestConnActionTimeout(t *testing.T) {
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		return a.Get(KeyAction) == "Getvar" // never answered
	}))
	cfg := connConfig(p.addr(), nil)
	cfg.ActionTimeout = 100 * time.Millisecond
	c := dialT(t, cfg)

	_, err := c.action(t.Context(), NewAction("Getvar", "Variable", "X"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Getvar: no answer within 100ms") {
		t.Errorf("err = %v, want Getvar: no answer within 100ms", err)
	}

	cfg.ActionTimeout = connWait
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.list(ctx, NewAction("Getvar")); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within") {
		t.Errorf("with a caller's deadline: err = %v", err)
	}
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if _, err := c.action(ctx, NewAction("Getvar")); !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: err = %v", err)
	}

	// An unanswered action does not end the link.
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// TestConnPingDetectsHalfOpen: a peer that stops answering (its host
// gone, the TCP link half open) is noticed by the keep-alive.
func TestConnPingDetectsHalfOpen(t *testing.T) {
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool { return true }))
	cfg := connConfig(p.addr(), nil)
	cfg.PingInterval = 50 * time.Millisecond
	c := dialT(t, cfg)
	p.waitAction("Ping")
	waitDone(t, c)
	if err := c.err(); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "no answer to Ping") {
		t.Errorf("err() = %v", err)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); !errors.Is(err, ErrClosed) {
		t.Errorf("action on a dead link: %v, want ErrClosed", err)
	}
}

// TestConnPingKeepsLiveLink: an idle link whose peer answers stays up.
func TestConnPingKeepsLiveLink(t *testing.T) {
	p := startPeer(t, loginAndServe(nil))
	cfg := connConfig(p.addr(), nil)
	cfg.PingInterval = 20 * time.Millisecond
	c := dialT(t, cfg)
	for range 3 {
		p.waitAction("Ping")
	}
	select {
	case <-c.done():
		t.Fatalf("link closed: %v", c.err())
	default:
	}
}

// connFlood is a Newstate event of realistic size (about 430 bytes);
// %d is a sequence number.
const connFlood = "Event: Newstate\r\nPrivilege: call,all\r\nTimestamp: 1795687187.301199\r\nChannel: PJSIP/201-0000002b\r\n" +
	"ChannelState: 5\r\nChannelStateDesc: Ringing\r\nCallerIDNum: 201\r\nCallerIDName: Alice Meyer\r\n" +
	"ConnectedLineNum: +49301234567\r\nConnectedLineName: Jane Doe\r\nLanguage: en\r\nAccountCode: \r\n" +
	"Context: office\r\nExten: \r\nPriority: 1\r\nUniqueid: 1795687187.45\r\nLinkedid: 1795687187.44\r\nSeq: %d\r\n\r\n"

func connFloodBytes(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, connFlood, i)
	}
	return b.Bytes()
}

// TestConnSlowConsumer: nobody takes the events while Asterisk sends 50k
// of them (about 20 MB, far more than the socket buffers hold): the
// peer's writes still complete, actions are still answered, and the
// events are all there, in order, when the consumer comes.
func TestConnSlowConsumer(t *testing.T) {
	const n = 50_000
	flood := connFloodBytes(n)
	written := make(chan error, 1)
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "Command" {
			return false
		}
		pc.respond(a, "Success", "Message", "flooding")
		written <- pc.write(string(flood))
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	if _, err := c.action(t.Context(), NewAction("Command", "Command", "flood")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-written:
		if err != nil {
			t.Fatalf("peer's write: %v", err)
		}
	case <-time.After(connWait):
		t.Fatal("the peer's writes stalled: the reader waits for the consumer")
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Fatalf("Ping with %d events unread: %v", n, err)
	}
	got := events(t, c, n+1)
	if len(got) != n+1 {
		t.Fatalf("got %d events, want %d", len(got), n+1)
	}
	for i, m := range got[1:] {
		if m.Get("Seq") != strconv.Itoa(i) {
			t.Fatalf("event %d has Seq %q", i, m.Get("Seq"))
		}
	}
}

// TestConnQueueCap: past the cap, the link is closed with an error
// saying the consumer fell behind.
func TestConnQueueCap(t *testing.T) {
	const limit = 1000
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "Command" {
			return false
		}
		pc.respond(a, "Success")
		pc.write(string(connFloodBytes(limit + 10)))
		return true
	}))
	var log testlog.Buffer
	c := dialT(t, connConfig(p.addr(), &log))
	c.mu.Lock()
	c.maxQueue = limit // maxQueuedEvents is 100_000; the logic is the same
	c.mu.Unlock()
	if _, err := c.action(t.Context(), NewAction("Command")); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	if err := c.err(); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "fell behind") {
		t.Errorf("err() = %v", err)
	}
	if q := c.next(); len(q) != 0 {
		t.Errorf("%d events still queued after the overflow", len(q))
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); !errors.Is(err, ErrClosed) {
		t.Errorf("action after the overflow: %v", err)
	}
	if !strings.Contains(log.String(), "fell behind") {
		t.Errorf("log does not say it: %s", log.String())
	}
}

// TestConnGarbageSkipped: malformed messages between good ones are
// logged and skipped; the next message is delivered.
func TestConnGarbageSkipped(t *testing.T) {
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "Command" {
			return false
		}
		pc.respond(a, "Success")
		pc.write("Event: Before\r\n\r\n" +
			"\x00\xff\xfe\x16\x03\x01 binary junk\r\n\r\n" +
			"Event: Hangup\r\nthis line has no colon\r\nCause: 16\r\n\r\n" +
			"\r\n\r\n" +
			"Event: After\r\nCause: 16\r\n\r\n")
		return true
	}))
	var log testlog.Buffer
	c := dialT(t, connConfig(p.addr(), &log))
	if _, err := c.action(t.Context(), NewAction("Command")); err != nil {
		t.Fatal(err)
	}
	if got := eventNames(events(t, c, 3)); strings.Join(got, " ") != "FullyBooted Before After" {
		t.Errorf("events = %v, want FullyBooted Before After", got)
	}
	l := log.String()
	if strings.Count(l, "malformed") != 2 || !strings.Contains(l, "line=") || !strings.Contains(l, "this line has no colon") {
		t.Errorf("log = %s, want two warnings with line and reason", l)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); err != nil {
		t.Errorf("Ping after garbage: %v", err)
	}
}

// TestConnShutdown: Asterisk's Shutdown event (bytes of f3) is delivered,
// then the link is gone.
func TestConnShutdown(t *testing.T) {
	shutdown := connCapture(t, "f3-asterisk-restart.txt", "Event: Shutdown", "Restart: True")
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "Command" {
			return false
		}
		pc.respond(a, "Success")
		pc.write(shutdown)
		pc.nc.Close()
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	if _, err := c.action(t.Context(), NewAction("Command", "Command", "core restart now")); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	got := c.next()
	if len(got) != 2 || got[1].Event() != "Shutdown" || got[1].Get("Restart") != "True" {
		t.Errorf("events = %v, want FullyBooted, Shutdown", got)
	}
	if err := c.err(); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "closed by Asterisk") {
		t.Errorf("err() = %v", err)
	}
}

func TestConnCloseIdempotent(t *testing.T) {
	p := startPeer(t, loginAndServe(nil))
	c := dialT(t, connConfig(p.addr(), nil))
	if err := c.close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := c.close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	p.waitAction("Logoff")
	select {
	case a := <-p.actions:
		t.Errorf("after Logoff the peer got %v", a)
	default:
	}
	waitDone(t, c)
	if err := c.err(); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "closed by Deskline") {
		t.Errorf("err() = %v", err)
	}
	if _, err := c.action(t.Context(), NewAction("Ping")); !errors.Is(err, ErrClosed) {
		t.Errorf("action after close: %v", err)
	}
	if _, err := c.list(t.Context(), NewAction("CoreShowChannels")); !errors.Is(err, ErrClosed) {
		t.Errorf("list after close: %v", err)
	}
}

// TestConnActionLinkLost: an action waiting when the link goes returns
// ErrClosed at once.
func TestConnActionLinkLost(t *testing.T) {
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "Getvar" {
			return false
		}
		pc.nc.Close()
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	if _, err := c.action(t.Context(), NewAction("Getvar")); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "Getvar") {
		t.Errorf("err = %v, want ErrClosed naming Getvar", err)
	}
}

// TestConnListCap: a list that never ends (a broken or hostile peer) is
// bounded like the event queue: past the cap the link is closed and the
// list's caller hears so, instead of the items piling up without end.
func TestConnListCap(t *testing.T) {
	const limit = 100
	p := startPeer(t, loginAndServe(func(pc *peerConn, a Message) bool {
		if a.Get(KeyAction) != "CoreShowChannels" {
			return false
		}
		pc.respond(a, "Success", "EventList", "start")
		var b strings.Builder
		for i := range limit + 10 {
			fmt.Fprintf(&b, "Event: CoreShowChannel\r\nActionID: %s\r\nChannel: PJSIP/201-%08d\r\n\r\n", a.ActionID(), i)
		}
		pc.write(b.String())
		return true
	}))
	c := dialT(t, connConfig(p.addr(), nil))
	c.mu.Lock()
	c.maxQueue = limit // maxQueuedEvents is 100_000; the logic is the same
	c.mu.Unlock()
	items, err := c.list(t.Context(), NewAction("CoreShowChannels"))
	if !errors.Is(err, ErrClosed) || len(items) != 0 {
		t.Fatalf("list = %d items, %v; want the link closed", len(items), err)
	}
	waitDone(t, c)
	if err := c.err(); !strings.Contains(err.Error(), "list CoreShowChannels returned more than 100 items") {
		t.Errorf("err() = %v", err)
	}
}
