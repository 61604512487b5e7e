// External test package: testoffice imports the server, which imports simapi.
package simapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/testoffice"
	"github.com/deskline/deskline/server/simapi"
)

func client(t *testing.T) (*simapi.Client, *testoffice.Office) {
	o := testoffice.Start(t, nil)
	return simapi.NewClient("http://"+o.Addr+"/", nil, ""), o
}

// callAt finds call id at device in calls.
func callAt(calls []ctiproto.Call, id, device string) (ctiproto.Call, bool) {
	i := slices.IndexFunc(calls, func(c ctiproto.Call) bool { return c.Call == id && c.Device == device })
	if i < 0 {
		return ctiproto.Call{}, false
	}
	return calls[i], true
}

// Every operation against a real server on the simulated exchange.
func TestClientOperations(t *testing.T) {
	c, _ := client(t)
	ctx := context.Background()
	devs, err := c.Devices(ctx)
	if err != nil || !slices.ContainsFunc(devs, func(d ctiproto.Device) bool { return d.Device == "201" }) {
		t.Fatalf("Devices = %+v, %v; want 201 among them", devs, err)
	}

	id, err := c.Ring(ctx, "201", "+4940123", "Miriam")
	if err != nil || id == "" {
		t.Fatalf("Ring = %q, %v", id, err)
	}
	calls, err := c.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if call, ok := callAt(calls, id, "201"); !ok || call.State != ctiproto.StateAlerting || call.Other.Name != "Miriam" {
		t.Fatalf("ringing call %s not in %+v", id, calls)
	}
	if err := c.Answer(ctx, id, "201"); err != nil {
		t.Fatal(err)
	}
	calls, _ = c.Calls(ctx)
	if call, ok := callAt(calls, id, "201"); !ok || call.State != ctiproto.StateConnected {
		t.Fatalf("answered call %s not connected in %+v", id, calls)
	}
	if err := c.Hangup(ctx, id, ""); err != nil { // the far end
		t.Fatal(err)
	}

	out, err := c.Call(ctx, "203", "201")
	if err != nil || out == "" {
		t.Fatalf("Call = %q, %v", out, err)
	}
	if err := c.Hangup(ctx, out, "203"); err != nil { // the caller's own handset
		t.Fatal(err)
	}
	if calls, err := c.Calls(ctx); err != nil || len(calls) != 0 {
		t.Fatalf("after hang-ups: %+v, %v", calls, err)
	}
}

// The server's refusals come through with their status and own words.
func TestClientRefusals(t *testing.T) {
	c, _ := client(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"unknown device", first(c.Ring(ctx, "999", "", "")), 404, "sim: ring 999: not an extension"},
		{"no device", first(c.Ring(ctx, "", "", "")), 400, "device is required"},
		{"unknown call", c.Hangup(ctx, "nope", ""), 404, ""},
	} {
		var se *simapi.StatusError
		if !errors.As(tc.err, &se) || se.Code != tc.code || !strings.Contains(se.Message, tc.msg) || se.NoSimAPI() {
			t.Errorf("%s: %#v, want status %d with %q", tc.name, tc.err, tc.code, tc.msg)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	var ue *simapi.UnreachableError
	if _, err := c.Ring(ctx, "201", "", ""); !errors.Is(err, context.Canceled) || !errors.As(err, &ue) {
		t.Errorf("cancelled: %v, want an UnreachableError wrapping context.Canceled", err)
	}
}

func first(_ string, err error) error { return err }

func TestClientNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = simapi.NewClient("http://"+addr, nil, "").Calls(context.Background())
	var ue *simapi.UnreachableError
	if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "dial tcp") {
		t.Fatalf("error %v, want an UnreachableError naming the dial", err)
	}
}

// Answers that are not the API's, from a server that is not Deskline's.
func TestClientBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		ctype, body string
		want        string
		noSimAPI    bool
	}{
		{"no route", 404, "text/plain", "404 page not found", "the server answered 404 Not Found", true},
		{"html", 200, "text/html", "<html>hello</html>", `the server answered "text/html", not JSON`, false},
		{"no call id", 200, "application/json", `{"ok":true}`, "the answer holds no call id", false},
		{"not an object", 200, "application/json", `["x"]`, "the answer is not the sim API's", false},
		{"huge", 200, "application/json", `{"call":"` + strings.Repeat("x", 100<<10) + `"}`, "the answer is longer than 65536 bytes", false},
		{"redirect", 302, "text/plain", "", "the server answered 302 Found", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/v1/sim/ring" || r.Header.Get("Content-Type") != "application/json" ||
					r.Header.Get("Authorization") != "Bearer tok" {
					t.Errorf("request %s %s %s %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Authorization"))
				}
				w.Header().Set("Content-Type", tc.ctype)
				w.Header().Set("Location", "http://example.com/")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			t.Cleanup(hs.Close)
			_, err := simapi.NewClient(hs.URL, hs.Client(), "tok").Ring(context.Background(), "201", "", "")
			var se *simapi.StatusError
			if err == nil || !strings.Contains(err.Error(), tc.want) || (errors.As(err, &se) && se.NoSimAPI()) != tc.noSimAPI {
				t.Fatalf("error %v, want %q (no sim API: %v)", err, tc.want, tc.noSimAPI)
			}
		})
	}
}
