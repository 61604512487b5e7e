// Package simapi is the simulated exchange's HTTP control API, shared by
// the server that serves it (server/simapi.go) and its clients: the
// tray app's demo, the load tool and `deskline-server sim`. It plays the
// outside world: callers ringing in, far ends hanging up.
//
// It imports nothing of ours but ctiproto, so the tray app may import it
// without pulling in the server.
package simapi

import (
	"net/http"

	"github.com/deskline/deskline/ctiproto"
)

// Endpoint is one operation of the API.
type Endpoint struct {
	Method string // http.MethodPost or http.MethodGet
	Path   string // e.g. "/v1/sim/ring"
}

// Pattern is the endpoint as a net/http ServeMux pattern ("POST /v1/sim/ring").
func (e Endpoint) Pattern() string { return e.Method + " " + e.Path }

// Path is where the server serves the API.
const Path = "/v1/sim"

// The endpoints. A POST carries a Request; which fields each reads is
// said at each.
var (
	// Ring: an outside caller (From, Name) rings Device; answers CallID.
	Ring = Endpoint{http.MethodPost, Path + "/ring"}
	// Answer: Device picks up Call; answers {}.
	Answer = Endpoint{http.MethodPost, Path + "/answer"}
	// Hangup: the far end of Call hangs up, or Device when given; answers {}.
	Hangup = Endpoint{http.MethodPost, Path + "/hangup"}
	// Call: Device dials To from its handset; answers CallID.
	Call = Endpoint{http.MethodPost, Path + "/call"}
	// Calls: the calls in progress; answers CallList.
	Calls = Endpoint{http.MethodGet, Path + "/calls"}
	// Devices: the exchange's devices; answers DeviceList.
	Devices = Endpoint{http.MethodGet, Path + "/devices"}
)

// Request is the body of every POST; each endpoint reads some fields.
// The server refuses unknown fields.
type Request struct {
	Device string `json:"device,omitempty"`
	From   string `json:"from,omitempty"`
	Name   string `json:"name,omitempty"`
	Call   string `json:"call,omitempty"`
	To     string `json:"to,omitempty"`
}

// CallID answers Ring and Call.
type CallID struct {
	Call string `json:"call"`
}

// CallList answers Calls.
type CallList struct {
	Calls []ctiproto.Call `json:"calls"`
}

// DeviceList answers Devices.
type DeviceList struct {
	Devices []ctiproto.Device `json:"devices"`
}

// Refusal is the body of every answer other than 200 OK.
type Refusal struct {
	Error string `json:"error"`
}
