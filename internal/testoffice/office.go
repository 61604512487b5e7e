// Package testoffice runs a real CTI server with the simulated exchange on
// loopback for tests of the tray app's views: real WebSocket sessions, real
// tokens, real call events. Only test code imports it.
package testoffice

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
	"golang.org/x/crypto/bcrypt"
)

// Password is every test user's password.
const Password = "secret"

// Office is a running server. Users: "ann" (device 201) and "bob" (203);
// group 600 rings 201 and 203. Outside numbers answer after 1 ms.
type Office struct {
	Addr string
	Sim  *sim.Exchange
	t    testing.TB
	srv  *server.Server
	hs   *http.Server
}

// SimConfig is the office's exchange: 201 Ann, 203 Bob, 204 Carl.
func SimConfig() sim.Config {
	return sim.Config{
		Devices:         []sim.DeviceConfig{{ID: "201", Name: "Ann"}, {ID: "203", Name: "Bob"}, {ID: "204", Name: "Carl"}},
		Groups:          []sim.Group{{Number: "600", Name: "Front desk", Members: []string{"201", "203"}}},
		External:        sim.Behaviour{AnswerAfter: time.Millisecond},
		NoAnswerTimeout: time.Minute,
	}
}

// Start runs an office until the test ends. cfg may change SimConfig().
func Start(t testing.TB, cfg func(*sim.Config)) *Office {
	t.Helper()
	sc := SimConfig()
	if cfg != nil {
		cfg(&sc)
	}
	ex, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	users := []auth.User{
		{Name: "ann", DisplayName: "Ann Archer", PasswordHash: string(hash), Devices: []string{"201"}},
		{Name: "bob", DisplayName: "Bob Baker", PasswordHash: string(hash), Devices: []string{"203"}},
	}
	au, err := auth.New(users, auth.Options{StorePath: filepath.Join(t.TempDir(), "tokens.json")})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), server.Options{
		Exchange: ex, Sim: ex, Auth: au, Users: users,
		Limits: config.Default().Limits, SimAPI: config.SimAPI{Enabled: true},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := &Office{Addr: ln.Addr().String(), Sim: ex, t: t, srv: srv, hs: &http.Server{Handler: srv.Handler()}}
	go o.hs.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		o.hs.Shutdown(ctx)
		srv.Shutdown(ctx)
		ex.Close()
	})
	return o
}

// URL is the WebSocket endpoint a client connects to.
func (o *Office) URL() string { return "ws://" + o.Addr + ctiproto.Path }

// Ring makes an outside caller ring device.
func (o *Office) Ring(device, from, name string) string {
	o.t.Helper()
	id, err := o.Sim.Ring(context.Background(), device, pbx.Party{Number: from, Name: name})
	if err != nil {
		o.t.Fatal(err)
	}
	return string(id)
}
