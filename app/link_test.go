package app

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
)

// freezer is a loopback TCP proxy that can stop forwarding without
// closing anything: a half-open link, as when a laptop's Wi-Fi dies.
type freezer struct {
	ln     net.Listener
	frozen atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newFreezer(t *testing.T, target string) *freezer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln}
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
	})
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, in, out)
			f.mu.Unlock()
			go f.pipe(in, out)
			go f.pipe(out, in)
		}
	}()
	return f
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		for f.frozen.Load() {
			time.Sleep(10 * time.Millisecond) // hold the bytes: nothing arrives
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

// A link that goes silent is declared dead within two ping intervals and
// replaced; the desk says why in between.
func TestDeadLinkDetected(t *testing.T) {
	o := newOffice(t)
	f := newFreezer(t, o.Addr)
	ann := o.desk("ann", func(op *Options) {
		op.ServerURL = "ws://" + f.ln.Addr().String() + ctiproto.Path
		op.PingInterval = 200 * time.Millisecond
	})
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	before := ann.entered(StatusDisconnected)
	f.frozen.Store(true)
	start := time.Now()
	ann.waitEntered(StatusDisconnected, before)
	t.Logf("dead link noticed after %v (ping interval 200ms)", time.Since(start))
	f.frozen.Store(false)
	ann.waitFor("back", func(s State) bool { return s.Status == StatusConnected })
}

// With no server, the desk retries with growing waits and connects as
// soon as the server is there.
func TestReconnectsWithBackoff(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	o.stop()
	var waits []time.Duration
	for len(waits) < 4 {
		s := ann.waitFor("a retry", func(s State) bool { return s.Status == StatusDisconnected && !s.RetryAt.IsZero() })
		if !strings.Contains(s.Reason, "unreachable") && !strings.Contains(s.Reason, "closed") {
			t.Fatalf("reason %q", s.Reason)
		}
		waits = append(waits, time.Until(s.RetryAt))
		ann.waitFor("next attempt", func(s State) bool { return s.Status == StatusConnecting })
	}
	if waits[3] <= waits[0] {
		t.Fatalf("backoff does not grow: %v", waits)
	}
	o.restart(false)
	ann.waitFor("reconnected", func(s State) bool { return s.Status == StatusConnected })
}

// wss:// with the company CA in a file: verified and accepted; without
// the CA the certificate is refused.
func TestTLSWithCAFile(t *testing.T) {
	o := newOffice(t)
	ts := httptest.NewUnstartedServer(o.Handler())
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	ts.StartTLS()
	defer ts.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	cert := ts.Certificate()
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	url := "wss://" + strings.TrimPrefix(ts.URL, "https://") + ctiproto.Path

	good := o.desk("ann", func(op *Options) { op.ServerURL, op.CAFile = url, ca })
	good.login()
	good.waitFor("connected over TLS", func(s State) bool { return s.Status == StatusConnected })

	bad := o.desk("bob", func(op *Options) { op.ServerURL = url })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bad.Login(ctx, "secret"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("login without the CA: %v", err)
	}
	bad.waitFor("the certificate problem shown", func(s State) bool {
		return s.Status == StatusLoginRequired && strings.Contains(s.Reason, "certificate")
	})
	if _, err := New(Options{ServerURL: url, User: "x", Numbers: numbers(t), CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Fatal("missing CA file accepted")
	}
}
