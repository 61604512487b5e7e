package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskline/deskline/server/config"
)

// startDemo runs serve on the demo configuration on a free loopback port
// and returns its host:port; the server stops when the test ends.
func startDemo(t *testing.T) string {
	t.Helper()
	return startServe(t, config.Demo())
}

// startServe runs serve on cfg on a free loopback port and returns its
// host:port; the server stops when the test ends.
func startServe(t *testing.T, cfg *config.Config) string {
	t.Helper()
	addr, _ := startServeAdmin(t, cfg)
	return addr
}

// startServeAdmin is startServe that also returns the admin listener's
// host:port ("" when cfg turns it off), on a free loopback port of its own.
func startServeAdmin(t *testing.T, cfg *config.Config) (addr, admin string) {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	if cfg.Admin.Listen != "" {
		cfg.Admin.Listen = "127.0.0.1:0"
	}
	addr, admin, _ = startServeStoppable(t, cfg)
	return addr, admin
}

// startServeStoppable runs serve on cfg as it is and returns its
// addresses and a stop that ends it (the test's end does if it has not).
func startServeStoppable(t *testing.T, cfg *config.Config) (addr, admin string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, true, slog.New(slog.NewTextHandler(io.Discard, nil)), pw)
		pw.Close()
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := strings.Replace(sc.Text(), "wss://", "ws://", 1)
		if a, ok := strings.CutPrefix(line, "Deskline CTI server on ws://"); ok {
			addr = strings.TrimSuffix(a, "/v1/ws")
			if cfg.Admin.Listen == "" {
				go io.Copy(io.Discard, pr)
				return addr, "", stop
			}
			continue
		}
		if a, ok := strings.CutPrefix(line, "Metrics on http://"); ok && addr != "" {
			admin, _, _ = strings.Cut(a, "/metrics")
			go io.Copy(io.Discard, pr)
			return addr, admin, stop
		}
	}
	t.Fatal("server printed no address")
	return "", "", stop
}

// The README's promise: the demo server rings 201 from the CLI and a
// client logged in as demo sees delivered, then cleared.
func TestDemoRingReachesWatcher(t *testing.T) {
	addr := startDemo(t)
	w := startWatch(t, addr, "-n", "2")
	simHangup(t, addr, simRing(t, addr, "201", "+49 30 1234567", "--name", "Jane Doe"))
	lines := w.wait(t)
	if len(lines) != 3 || !strings.Contains(lines[0], `"type":"welcome"`) ||
		!strings.Contains(lines[1], `"type":"delivered"`) || !strings.Contains(lines[1], `"name":"Jane Doe"`) ||
		!strings.Contains(lines[2], `"type":"cleared"`) {
		t.Fatalf("watch printed:\n%s", w.out.String())
	}
}

// The demo's reception (demo, 201) watches every phone with who calls:
// watch -presence shows a call ringing at Ben's phone (202).
func TestDemoPresenceReachesReception(t *testing.T) {
	addr := startDemo(t)
	w := startWatch(t, addr, "-presence", "-n", "1")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(w.out.String(), `"presence":[`) { // the watch's result
		if time.Now().After(deadline) {
			t.Fatalf("watch -presence got no snapshot: %s %s", w.out.String(), w.errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	simRing(t, addr, "202", "+49 30 1234567", "--name", "Jane Doe")
	lines := w.wait(t)
	last := lines[len(lines)-1]
	if !strings.Contains(last, `"type":"presence"`) || !strings.Contains(last, `"device":"202"`) ||
		!strings.Contains(last, `"status":"ringing"`) || !strings.Contains(last, `"name":"Jane Doe"`) {
		t.Fatalf("watch -presence printed:\n%s", w.out.String())
	}
}

// lineWriter collects output and signals its first write.
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.once.Do(func() { close(w.first) })
	return w.buf.Write(p)
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestSimCommandErrors(t *testing.T) {
	addr := startDemo(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ring"}, 2, "ring needs DEVICE"},
		{[]string{"ring", "999"}, 1, "not an extension or group"},
		{[]string{"answer", "c-404", "201"}, 1, "no such call"},
		{[]string{"explode"}, 2, `unknown command "explode"`},
	} {
		var errb bytes.Buffer
		code := run(append([]string{"sim", "-server", "http://" + addr}, tc.args...), nil, io.Discard, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("sim %v: exit %d, stderr %q; want %d with %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
	var errb bytes.Buffer
	if code := run([]string{"sim", "-server", "http://127.0.0.1:1", "calls"}, nil, io.Discard, &errb); code != 1 ||
		!strings.Contains(errb.String(), "server not reachable") {
		t.Errorf("unreachable server: exit %d %q", code, errb.String())
	}
}

func TestCheckConfigCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, config.DemoFile(), 0o600)
	var out, errb bytes.Buffer
	if code := run([]string{"check-config", good}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "ok") {
		t.Fatalf("demo config: exit %d %s %s", code, out.String(), errb.String())
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("listen = \"nowhere\"\n\n[limits]\nsend_queue = 1\n"), 0o600)
	errb.Reset()
	code := run([]string{"check-config", bad}, nil, io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "bad.toml:1:") || !strings.Contains(errb.String(), "bad.toml:4:") {
		t.Fatalf("bad config: exit %d\n%s", code, errb.String())
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[exchange]\ntype = \"pbx9000\"\n"), 0o600)
	var errb bytes.Buffer
	if code := run([]string{"serve", "-config", bad}, nil, io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "bad.toml:2:") {
		t.Fatalf("serve with bad config: exit %d %q", code, errb.String())
	}
}

func TestHashPasswordCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"hash-password"}, strings.NewReader("correct horse\n"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), `password_hash = "$2a$12$`) || strings.Contains(out.String()+errb.String(), "correct horse") {
		t.Fatalf("output %q / %q", out.String(), errb.String())
	}
	if code := run([]string{"hash-password"}, strings.NewReader("\n"), io.Discard, io.Discard); code != 1 {
		t.Fatalf("empty password accepted")
	}
}

func TestUnknownCommand(t *testing.T) {
	var errb bytes.Buffer
	if code := run([]string{"frobnicate"}, nil, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("exit %d %q", code, errb.String())
	}
}

func TestWatchRefusesPlainTextToRemote(t *testing.T) {
	for _, flag := range []string{"-server", "-url"} { // -url: the deprecated name
		var errb bytes.Buffer
		code := run([]string{"watch", flag, "ws://192.0.2.1:8720/v1/ws"}, nil, io.Discard, &errb)
		if code != 2 || !strings.Contains(errb.String(), "use wss://") {
			t.Fatalf("%s: exit %d %q", flag, code, errb.String())
		}
	}
}

// sim and watch take the server in the tray app's form; sim's older
// http:// base still works.
func TestServerURLs(t *testing.T) {
	for _, c := range []struct{ in, ws, base, err string }{
		{"ws://127.0.0.1:8720/v1/ws", "ws://127.0.0.1:8720/v1/ws", "http://127.0.0.1:8720", ""},
		{"wss://cti.example.com/v1/ws/", "wss://cti.example.com/v1/ws", "https://cti.example.com", ""},
		{"wss://example.com/deskline/v1/ws", "wss://example.com/deskline/v1/ws", "https://example.com/deskline", ""},
		{"http://127.0.0.1:8720", "ws://127.0.0.1:8720/v1/ws", "http://127.0.0.1:8720", ""},
		{"https://example.com/deskline/", "wss://example.com/deskline/v1/ws", "https://example.com/deskline", ""},
		{"127.0.0.1:8720", "", "", "want ws://HOST:PORT/v1/ws"},
		{"ftp://example.com", "", "", "want ws://HOST:PORT/v1/ws"},
		{"ws:///v1/ws", "", "", "has no host"},
	} {
		ws, base, err := serverURLs(c.in)
		if ws != c.ws || base != c.base || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("serverURLs(%q) = %q, %q, %v; want %q, %q, %q", c.in, ws, base, err, c.ws, c.base, c.err)
		}
	}
}

func TestServeSaysWhenThePortIsTaken(t *testing.T) {
	addr := startDemo(t)
	cfg := config.Demo()
	cfg.Listen = addr
	err := serve(context.Background(), cfg, true, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "address in use") {
		t.Fatalf("serve on a taken port: %v", err)
	}
}

// watching is a running `deskline-server watch`: what it prints and,
// once it exits, its exit code.
type watching struct {
	out  *lineWriter
	errb *lineWriter
	done chan int
}

// startWatch runs watch against addr as the demo user (args add flags:
// "-n", "2", "-presence"…) and returns once it printed its first line:
// it is logged in.
func startWatch(t *testing.T, addr string, args ...string) *watching {
	t.Helper()
	w := &watching{out: &lineWriter{first: make(chan struct{})}, errb: &lineWriter{first: make(chan struct{})}, done: make(chan int, 1)}
	go func() {
		w.done <- run(append([]string{"watch", "-server", "ws://" + addr + "/v1/ws", "-user", "demo", "-password", "demo"}, args...),
			nil, w.out, w.errb)
	}()
	select {
	case <-w.out.first:
	case <-time.After(10 * time.Second):
		t.Fatalf("watch did not log in: %s", w.errb.String())
	}
	return w
}

// wait waits for the watch to exit 0 and returns the lines it printed.
func (w *watching) wait(t *testing.T) []string {
	t.Helper()
	select {
	case code := <-w.done:
		if code != 0 {
			t.Fatalf("watch exited %d: %s", code, w.errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("watch saw too few events:\n%s", w.out.String())
	}
	return strings.Split(strings.TrimSpace(w.out.String()), "\n")
}

// simRing rings device from number through the sim API (args add flags
// such as "--name", "Jane Doe") and returns the call's id.
func simRing(t *testing.T, addr, device, number string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"sim", "-server", "ws://" + addr + "/v1/ws", "ring", device, "--from", number}, args...), nil, &out, &errb); code != 0 {
		t.Fatalf("sim ring: %d %s", code, errb.String())
	}
	var rung struct{ Call string }
	if err := json.Unmarshal(out.Bytes(), &rung); err != nil || rung.Call == "" {
		t.Fatalf("sim ring printed %q", out.String())
	}
	return rung.Call
}

// simHangup has the caller of call hang up.
func simHangup(t *testing.T, addr, call string) {
	t.Helper()
	var errb bytes.Buffer
	if code := run([]string{"sim", "-server", "http://" + addr, "hangup", call}, nil, io.Discard, &errb); code != 0 {
		t.Fatalf("sim hangup: %s", errb.String())
	}
}
