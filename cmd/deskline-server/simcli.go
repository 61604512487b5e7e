package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const simUsage = `usage: deskline-server sim [-server URL] COMMAND [ARGS]

Plays the outside world on a server running the simulated exchange.

  ring DEVICE [--from NUMBER] [--name NAME]   an outside caller rings DEVICE (an extension or group)
  answer CALL DEVICE                           DEVICE picks up CALL
  hangup CALL [DEVICE]                         the far end (or DEVICE) hangs up
  call DEVICE TO                               DEVICE dials TO from its handset
  calls                                        list calls in progress
  devices                                      list devices

The server defaults to http://127.0.0.1:8720 ($DESKLINE_SERVER overrides).
A remote server needs its admin token in $DESKLINE_ADMIN_TOKEN.
`

// runSim is the sim subcommand: a thin client of the server's sim API.
func runSim(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, simUsage) }
	server := fs.String("server", envOr("DESKLINE_SERVER", "http://127.0.0.1:8720"), "server base URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	method, path, body, err := simRequestFor(fs.Arg(0), fs.Args()[1:])
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server sim: %v\n\n%s", err, simUsage)
		return 2
	}
	out, err := simCall(*server, method, path, body)
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server sim %s: %v\n", fs.Arg(0), err)
		return 1
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(out)))
	return 0
}

// simRequestFor maps a sim command line to its API request.
func simRequestFor(cmd string, args []string) (method, path string, body map[string]string, err error) {
	need := func(n int, names string) error {
		if len(args) < n {
			return fmt.Errorf("%s needs %s", cmd, names)
		}
		return nil
	}
	switch cmd {
	case "ring":
		fs := flag.NewFlagSet("ring", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		from := fs.String("from", "+49 30 1234567", "caller number")
		name := fs.String("name", "", "caller name")
		// Accept DEVICE before or after the flags.
		var device string
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			device, args = args[0], args[1:]
		}
		if err := fs.Parse(args); err != nil {
			return "", "", nil, err
		}
		if device == "" && fs.NArg() > 0 {
			device = fs.Arg(0)
		}
		if device == "" {
			return "", "", nil, fmt.Errorf("ring needs DEVICE")
		}
		return "POST", "/v1/sim/ring", map[string]string{"device": device, "from": *from, "name": *name}, nil
	case "answer":
		if err := need(2, "CALL DEVICE"); err != nil {
			return "", "", nil, err
		}
		return "POST", "/v1/sim/answer", map[string]string{"call": args[0], "device": args[1]}, nil
	case "hangup":
		if err := need(1, "CALL"); err != nil {
			return "", "", nil, err
		}
		b := map[string]string{"call": args[0]}
		if len(args) > 1 {
			b["device"] = args[1]
		}
		return "POST", "/v1/sim/hangup", b, nil
	case "call":
		if err := need(2, "DEVICE TO"); err != nil {
			return "", "", nil, err
		}
		return "POST", "/v1/sim/call", map[string]string{"device": args[0], "to": args[1]}, nil
	case "calls", "devices":
		return "GET", "/v1/sim/" + cmd, nil, nil
	}
	return "", "", nil, fmt.Errorf("unknown command %q", cmd)
}

// errNoSimAPI is a server without /v1/sim/: linked to a real PBX, where
// calls come from real phones, or with the sim API switched off.
var errNoSimAPI = errors.New("this server is not running the simulated exchange (or its [sim_api] is disabled): ring its phones for real")

func simCall(base, method, path string, body map[string]string) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(base, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if tok := os.Getenv("DESKLINE_ADMIN_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("server not reachable (is it running? start it with make run): %w", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(out, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("%s", e.Error)
		}
		if resp.StatusCode == http.StatusNotFound { // the sim API answers in JSON; no route at all is plain text
			return nil, errNoSimAPI
		}
		return nil, fmt.Errorf("HTTP %s: %s", resp.Status, out)
	}
	return out, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
