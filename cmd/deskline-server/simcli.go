package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/deskline/deskline/server/simapi"
)

const simUsage = `usage: deskline-server sim [-server URL] COMMAND [ARGS]

Plays the outside world on a server running the simulated exchange.

  ring DEVICE [--from NUMBER] [--name NAME]   an outside caller rings DEVICE (an extension or group)
  answer CALL DEVICE                           DEVICE picks up CALL
  hangup CALL [DEVICE]                         the far end (or DEVICE) hangs up
  call DEVICE TO                               DEVICE dials TO from its handset
  calls                                        list calls in progress
  devices                                      list devices

The server defaults to ws://127.0.0.1:8720/v1/ws ($DESKLINE_SERVER overrides),
written as the tray app takes it; an http://HOST:PORT base still works.
A remote server needs its admin token in $DESKLINE_ADMIN_TOKEN.
`

// simTimeout bounds one sim command, connecting included.
const simTimeout = 10 * time.Second

// runSim is the sim subcommand: a thin client of the server's sim API.
func runSim(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, simUsage) }
	server := serverFlag(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	_, base, err := serverURLs(*server)
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server sim: %v\n", err)
		return 2
	}
	e, req, err := simRequestFor(fs.Arg(0), fs.Args()[1:])
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server sim: %v\n\n%s", err, simUsage)
		return 2
	}
	out, err := simCall(base, e, req)
	if err != nil {
		fmt.Fprintf(stderr, "deskline-server sim %s: %v\n", fs.Arg(0), err)
		return 1
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(out)))
	return 0
}

// simRequestFor maps a sim command line to its API request (nil for a GET).
func simRequestFor(cmd string, args []string) (simapi.Endpoint, *simapi.Request, error) {
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
			return simapi.Endpoint{}, nil, err
		}
		if device == "" && fs.NArg() > 0 {
			device = fs.Arg(0)
		}
		if device == "" {
			return simapi.Endpoint{}, nil, fmt.Errorf("ring needs DEVICE")
		}
		return simapi.Ring, &simapi.Request{Device: device, From: *from, Name: *name}, nil
	case "answer":
		if err := need(2, "CALL DEVICE"); err != nil {
			return simapi.Endpoint{}, nil, err
		}
		return simapi.Answer, &simapi.Request{Call: args[0], Device: args[1]}, nil
	case "hangup":
		if err := need(1, "CALL"); err != nil {
			return simapi.Endpoint{}, nil, err
		}
		req := &simapi.Request{Call: args[0]}
		if len(args) > 1 {
			req.Device = args[1]
		}
		return simapi.Hangup, req, nil
	case "call":
		if err := need(2, "DEVICE TO"); err != nil {
			return simapi.Endpoint{}, nil, err
		}
		return simapi.Call, &simapi.Request{Device: args[0], To: args[1]}, nil
	case "calls":
		return simapi.Calls, nil, nil
	case "devices":
		return simapi.Devices, nil, nil
	}
	return simapi.Endpoint{}, nil, fmt.Errorf("unknown command %q", cmd)
}

// errNoSimAPI is a server without /v1/sim/: linked to a real PBX, where
// calls come from real phones, or with the sim API switched off.
var errNoSimAPI = errors.New("this server is not running the simulated exchange (or its [sim_api] is disabled): ring its phones for real")

// simCall sends one request and returns the API's answer as it came,
// with errors worded for the command line.
func simCall(base string, e simapi.Endpoint, req *simapi.Request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), simTimeout)
	defer cancel()
	c := simapi.NewClient(base, &http.Client{Timeout: simTimeout}, os.Getenv("DESKLINE_ADMIN_TOKEN"))
	out, err := c.Do(ctx, e, req)
	var se *simapi.StatusError
	var ue *simapi.UnreachableError
	switch {
	case errors.As(err, &se) && se.NoSimAPI():
		return nil, errNoSimAPI
	case errors.As(err, &se) && se.Message != "":
		return nil, errors.New(se.Message) // the API's own words say it all
	case errors.As(err, &ue):
		return nil, fmt.Errorf("server not reachable (is it running? start it with make run): %w", err)
	}
	return out, err
}
