package amitest

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// testTimeout bounds every wait in the tests.
const testTimeout = 5 * time.Second

// fixtureDir is the shipped captures folder; a missing one fails.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := CaptureDir()
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Fatalf("AMI captures not found: %v", err)
	}
	return dir
}

func loadScript(t *testing.T, name string) *Script {
	t.Helper()
	sc, err := LoadScript(filepath.Join(fixtureDir(t), name+".annotated.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// client is a minimal manager client for the tests.
type client struct {
	t    *testing.T
	conn net.Conn
	dec  *ami.Decoder
	enc  *ami.Encoder
}

func dial(t *testing.T, srv *Server) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", srv.Addr(), testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	return newClient(t, conn)
}

func newClient(t *testing.T, conn net.Conn) *client {
	t.Helper()
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, conn: conn, dec: ami.NewDecoder(conn), enc: ami.NewEncoder(conn)}
	conn.SetReadDeadline(time.Now().Add(testTimeout))
	if v, err := c.dec.Banner(); err != nil || v != "11.0.0" {
		t.Fatalf("banner: %q, %v", v, err)
	}
	return c
}

func dialTLS(t *testing.T, srv *Server, cfg *tls.Config) *client {
	t.Helper()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: testTimeout}, "tcp", srv.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return newClient(t, conn)
}

func (c *client) send(action string, kv ...string) {
	c.t.Helper()
	if err := c.enc.Encode(ami.NewAction(action, kv...)); err != nil {
		c.t.Fatal(err)
	}
}

// next reads one message; it fails the test on EOF or timeout.
func (c *client) next() ami.Message {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("reading: %v", err)
	}
	return m
}

func (c *client) read() (ami.Message, error) {
	c.conn.SetReadDeadline(time.Now().Add(testTimeout))
	return c.dec.Decode()
}

// until reads until match, returning everything read (match last).
func (c *client) until(match func(ami.Message) bool) []ami.Message {
	c.t.Helper()
	var got []ami.Message
	for {
		m := c.next()
		got = append(got, m)
		if match(m) {
			return got
		}
	}
}

// sync sends a Ping and returns everything read before its Pong: all
// that the server queued before it.
func (c *client) sync() []ami.Message {
	c.t.Helper()
	c.send("Ping", "ActionID", "sync")
	got := c.until(func(m ami.Message) bool { return m.Get("Ping") == "Pong" && m.ActionID() == "sync" })
	return got[:len(got)-1]
}

// expectEOF reads until the server closes the connection.
func (c *client) expectEOF() {
	c.t.Helper()
	for {
		m, err := c.read()
		if err == nil {
			c.t.Logf("before EOF: %v", m)
			continue
		}
		var syn *ami.SyntaxError
		if errors.As(err, &syn) {
			continue
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !isReset(err) {
			c.t.Fatalf("want EOF, got %v", err)
		}
		return
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

// login logs in plainly and returns FullyBooted.
func (c *client) login(kv ...string) ami.Message {
	c.t.Helper()
	c.send("Login", append([]string{"ActionID", "login-1", "Username", "cti", "Secret", "ctisecret"}, kv...)...)
	r := c.next()
	if r.Response() != "Success" || r.Get("Message") != "Authentication accepted" || r.ActionID() != "login-1" {
		c.t.Fatalf("login: %v", r)
	}
	fb := c.next()
	if fb.Event() != "FullyBooted" || fb.Get("Status") != "Fully Booted" || fb.Get("Privilege") != "system,all" {
		c.t.Fatalf("want FullyBooted, got %v", fb)
	}
	return fb
}

func waitPlayed(t *testing.T, srv *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := srv.WaitPlayed(ctx); err != nil {
		t.Fatal(err)
	}
}

// events filters messages down to the named events.
func events(msgs []ami.Message, name string) []ami.Message {
	var out []ami.Message
	for _, m := range msgs {
		if m.Event() == name {
			out = append(out, m)
		}
	}
	return out
}
