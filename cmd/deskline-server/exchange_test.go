package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/internal/testlog"

	"github.com/deskline/deskline/pbx/ami/amitest"
	"github.com/deskline/deskline/server/config"
	"github.com/deskline/deskline/server/simapi"
)

// amiConfig is an office on Asterisk at addr, with the secret in a file
// beside the config (so the banner cannot have read it from the config).
func amiConfig(t *testing.T, addr string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ami.secret"), []byte("ctisecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := `listen = "127.0.0.1:0"
[exchange]
type = "ami"
[exchange.ami]
host = "` + host + `"
port = ` + port + `
username = "cti"
secret_file = "ami.secret"
reconnect_max = "1s"
[[exchange.ami.devices]]
id = "201"
endpoint = "PJSIP/201"
[[exchange.ami.devices]]
id = "202"
endpoint = "PJSIP/202"
[[users]]
name = "ann"
password_hash = "$2a$10$VixZU7gQWG4KjuJ0lf1scuGIu2wAKrXy51358l6ECRK02hDC0u5Jq"
devices = ["201"]
`
	path := filepath.Join(dir, "office.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startServerLog runs serve on cfg, its log written to logw, and returns
// its host:port and the banner up to the exchange line; the server stops
// when the test ends.
func startServerLog(t *testing.T, cfg *config.Config, logw io.Writer) (addr, banner string) {
	t.Helper()
	if cfg.Admin.Listen != "" {
		cfg.Admin.Listen = "127.0.0.1:0" // never the default port: it may be taken
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, false, slog.New(slog.NewTextHandler(logw, nil)), pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var b strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if a, ok := strings.CutPrefix(sc.Text(), "Deskline CTI server on ws://"); ok {
			addr = strings.TrimSuffix(a, "/v1/ws")
		}
		if strings.HasPrefix(sc.Text(), "Linked to ") || strings.HasPrefix(sc.Text(), "Connecting to ") {
			go io.Copy(io.Discard, pr)
			return addr, b.String()
		}
	}
	t.Fatalf("server printed no exchange line:\n%s", b.String())
	return "", ""
}

// health returns /healthz's status and whether the exchange is available.
func health(t *testing.T, addr string) (string, bool) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status   string
		Exchange struct{ Available bool }
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Status, h.Exchange.Available
}

// waitHealth waits for /healthz to say want ("ok" with the exchange
// available, or "degraded" without): the first exchange state event may
// still be on its way when the server starts listening.
func waitHealth(t *testing.T, addr, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, up := health(t, addr)
		if status == want && up == (want == "ok") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz = %s (exchange available %v) after 10s; want %s", status, up, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// On Asterisk: the banner names it, the link comes up, and the sim
// commands say plainly that there is no simulated exchange to drive.
func TestServeAMI(t *testing.T) {
	fake, err := amitest.Start(amitest.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	cfg, err := config.Load(amiConfig(t, fake.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	var log testlog.Buffer
	addr, banner := startServerLog(t, cfg, &log)
	// The banner is printed before the link is up: it must not claim it.
	if want := "Connecting to Asterisk at " + fake.Addr() + " (2 devices)\n"; !strings.HasSuffix(banner, want) {
		t.Errorf("banner:\n%s\nwant it to end %q", banner, want)
	}
	if strings.Contains(banner, "Linked to") {
		t.Errorf("the banner says linked before the link is up:\n%s", banner)
	}
	if strings.Contains(banner, "ctisecret") {
		t.Fatal("the banner shows the secret")
	}
	waitHealth(t, addr, "ok")
	// Once linked, the log says so, with Asterisk's own version.
	if l := log.String(); !strings.Contains(l, "ami: linked to Asterisk") || !strings.Contains(l, "asterisk=22.10.1") {
		t.Errorf("log has no link line with Asterisk's version:\n%s", l)
	}
	var errb bytes.Buffer
	code := run([]string{"sim", "-server", "http://" + addr, "ring", "201"}, nil, io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "this server is not running the simulated exchange") {
		t.Fatalf("sim ring on an ami server: exit %d %q", code, errb.String())
	}
}

// Asterisk down is no reason not to start: the server runs, degraded,
// and the connector keeps trying.
func TestServeAMIWhileAsteriskIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg, err := config.Load(amiConfig(t, down))
	if err != nil {
		t.Fatal(err)
	}
	var log testlog.Buffer
	addr, banner := startServerLog(t, cfg, &log)
	if !strings.Contains(banner, "Connecting to Asterisk at "+down) || strings.Contains(banner, "Linked to") {
		t.Errorf("banner while Asterisk is down:\n%s", banner)
	}
	waitHealth(t, addr, "degraded")
	if strings.Contains(log.String(), "linked to Asterisk") {
		t.Errorf("the log says linked while Asterisk is down:\n%s", log.String())
	}
}

func TestCheckConfigAMI(t *testing.T) {
	path := amiConfig(t, "192.0.2.10:5038")
	var out, errb bytes.Buffer
	if code := run([]string{"check-config", path}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), ": ok") {
		t.Fatalf("good ami config: exit %d %s %s", code, out.String(), errb.String())
	}
	bad := filepath.Join(filepath.Dir(path), "bad.toml")
	os.WriteFile(bad, []byte("[exchange]\ntype = \"ami\"\n[exchange.ami]\nhost = \"pbx\"\nusername = \"x\"\nsecret = \"y\"\nauth = \"plain\"\n"), 0o600)
	errb.Reset()
	code := run([]string{"check-config", bad}, nil, io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "bad.toml:3: exchange.ami: no [[exchange.ami.devices]]") ||
		!strings.Contains(errb.String(), "bad.toml:7: exchange.ami.auth = \"plain\" without tls") ||
		strings.Contains(errb.String(), `"y"`) {
		t.Fatalf("bad ami config: exit %d\n%s", code, errb.String())
	}
}

func TestExchangeLabel(t *testing.T) {
	if got := exchangeLabel(config.Demo()); got != "the simulated exchange (5 devices)" {
		t.Errorf("demo: %q", got)
	}
	c := config.Default()
	c.Exchange.Type = config.ExchangeAMI
	c.Exchange.AMI = config.AMI{Host: "pbx.example.com", TLS: true, Secret: "s3cret",
		Devices: []config.AMIDevice{{ID: "201", Endpoint: "PJSIP/201"}}}
	if got := exchangeLabel(&c); got != "Asterisk at pbx.example.com:5039 over TLS (1 device)" {
		t.Errorf("ami: %q", got)
	}
}

// Only a server without the sim API at all gets the "not simulated" text;
// the sim API's own 404s (no such call) keep their message.
func TestSimCallNotFound(t *testing.T) {
	_, err := simCall("http://"+startDemo(t), simapi.Answer, &simapi.Request{Call: "c-404", Device: "201"})
	if err == nil || strings.Contains(err.Error(), "simulated") {
		t.Fatalf("no such call: %v", err)
	}
}
