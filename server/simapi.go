package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/simapi"
)

// maxSimRequestBytes bounds a sim API request body; they are a few fields.
const maxSimRequestBytes = 4 << 10

// routeSimAPI serves the simulated exchange's control surface, used by
// the demo, the tests and the load tool to play the outside world
// (callers ringing in, far ends hanging up). The request and answer
// types and the client are in package simapi.
func (s *Server) routeSimAPI() {
	s.mux.HandleFunc(simapi.Ring.Pattern(), s.simHandler(func(ctx context.Context, r simapi.Request) (any, error) {
		if r.Device == "" {
			return nil, errBadSim("device is required")
		}
		if r.From == "" {
			r.From = "+4930123456"
		}
		id, err := s.opts.Sim.Ring(ctx, r.Device, pbx.Party{Number: r.From, Name: r.Name})
		return simapi.CallID{Call: string(id)}, err
	}))
	s.mux.HandleFunc(simapi.Answer.Pattern(), s.simHandler(func(ctx context.Context, r simapi.Request) (any, error) {
		return struct{}{}, s.opts.Sim.Answer(ctx, pbx.CallID(r.Call), r.Device)
	}))
	s.mux.HandleFunc(simapi.Hangup.Pattern(), s.simHandler(func(ctx context.Context, r simapi.Request) (any, error) {
		if r.Device != "" {
			return struct{}{}, s.opts.Sim.Clear(ctx, pbx.CallID(r.Call), r.Device)
		}
		return struct{}{}, s.opts.Sim.HangupRemote(ctx, pbx.CallID(r.Call))
	}))
	s.mux.HandleFunc(simapi.Call.Pattern(), s.simHandler(func(ctx context.Context, r simapi.Request) (any, error) {
		id, err := s.opts.Sim.Call(ctx, r.Device, r.To)
		return simapi.CallID{Call: string(id)}, err
	}))
	s.mux.HandleFunc(simapi.Calls.Pattern(), s.simHandler(func(ctx context.Context, _ simapi.Request) (any, error) {
		calls, err := s.opts.Sim.Calls(ctx)
		out := make([]ctiproto.Call, len(calls))
		for i, c := range calls {
			out[i] = callToWire(c)
		}
		return simapi.CallList{Calls: out}, err
	}))
	s.mux.HandleFunc(simapi.Devices.Pattern(), s.simHandler(func(ctx context.Context, _ simapi.Request) (any, error) {
		devs, err := s.opts.Sim.Devices(ctx)
		out := make([]ctiproto.Device, len(devs))
		for i, d := range devs {
			out[i] = deviceToWire(d)
		}
		return simapi.DeviceList{Devices: out}, err
	}))
}

type errBadSim string

func (e errBadSim) Error() string { return string(e) }

// simHandler wraps one sim API operation: access check, body decoding,
// JSON answer, and errors as HTTP 4xx with {"error": …}.
func (s *Server) simHandler(op func(context.Context, simapi.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.simAllowed(r) {
			writeJSON(w, http.StatusForbidden, simapi.Refusal{Error: "sim API: loopback clients or an admin token only"})
			return
		}
		var req simapi.Request
		if r.Method == http.MethodPost {
			// A web page can POST text/plain to loopback without a
			// preflight; requiring JSON makes the browser ask first.
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				writeJSON(w, http.StatusUnsupportedMediaType, simapi.Refusal{Error: "sim API: Content-Type must be application/json"})
				return
			}
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSimRequestBytes))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				writeJSON(w, http.StatusBadRequest, simapi.Refusal{Error: "sim API: bad request body: " + err.Error()})
				return
			}
		}
		res, err := op(r.Context(), req)
		if err != nil {
			writeJSON(w, simStatus(err), simapi.Refusal{Error: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func simStatus(err error) int {
	var bad errBadSim
	switch {
	case errors.As(err, &bad), errors.Is(err, pbx.ErrInvalidNumber):
		return http.StatusBadRequest
	case errors.Is(err, pbx.ErrNoSuchCall), errors.Is(err, pbx.ErrNoSuchDevice):
		return http.StatusNotFound
	case errors.Is(err, pbx.ErrInvalidState), errors.Is(err, pbx.ErrBusy):
		return http.StatusConflict
	case errors.Is(err, pbx.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// simAllowed lets loopback clients in, and others only with the admin
// token whose SHA-256 the config holds. A loopback client must also have
// addressed a loopback name: a page that rebinds its own DNS name to
// 127.0.0.1 still sends that name as Host.
func (s *Server) simAllowed(r *http.Request) bool {
	if ctiproto.LoopbackHost(remoteHost(r)) && ctiproto.LoopbackHost(r.Host) {
		return true
	}
	want := s.opts.SimAPI.AdminTokenHash
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if want == "" || !ok {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(strings.ToLower(want))) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serveHealth reports liveness, the exchange link and the load.
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	st := s.hub.exchangeStatus()
	status := "ok"
	if !st.Available {
		status = "degraded"
	}
	h := map[string]any{
		"status": status, "exchange": st, "connections": s.connections(),
		"epoch": s.epoch, "version": s.opts.Version,
	}
	s.clusterHealth(h)
	if d := s.directoryHealth(); d != nil {
		h["directory"] = d // a failing book stays in service: the status stays ok
	}
	code := http.StatusOK
	if h["status"] == "isolated" || h["status"] == "failed" {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, h)
}
