package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/deskline/deskline/server/auth"
)

func TestDefault(t *testing.T) {
	c := Default()
	if c.Listen != "127.0.0.1:8720" || c.StateDir != "" || c.TLS.Enabled() {
		t.Errorf("listen/state/tls = %q %q %+v", c.Listen, c.StateDir, c.TLS)
	}
	if c.Exchange.Type != "sim" || c.Exchange.Sim.NoAnswerTimeout != 30*time.Second ||
		c.Exchange.Sim.ExternalAnswerAfter != 2*time.Second || len(c.Exchange.Sim.Devices) != 0 {
		t.Errorf("exchange = %+v", c.Exchange)
	}
	if len(c.WatchGroups) != 0 {
		t.Errorf("watch groups by default: %+v; nobody may watch until the config says so", c.WatchGroups)
	}
	if len(c.Users) != 0 || c.Tokens.Lifetime != 720*time.Hour ||
		c.Login != (Login{MaxFailures: 5, FailureWindow: time.Minute}) {
		t.Errorf("users/tokens/login = %v %+v %+v", c.Users, c.Tokens, c.Login)
	}
	want := Limits{MaxMessageBytes: 65536, SendQueue: 256, CommandsPerSecond: 20, CommandBurst: 40,
		EventLog: 1024, PingInterval: 30 * time.Second, PongWait: 60 * time.Second,
		WriteWait: 10 * time.Second, HelloTimeout: 10 * time.Second, MaxConnections: 20000,
		MaxSessionsPerToken: 8, MaxSessionsPerUser: 32, PreLoginShare: 25, MaxPreLoginPerAddress: 256}
	if c.Limits != want {
		t.Errorf("limits = %+v", c.Limits)
	}
	if c.SimAPI != (SimAPI{Enabled: true}) || c.Log != (Log{Level: "info", Format: "text"}) {
		t.Errorf("sim_api/log = %+v %+v", c.SimAPI, c.Log)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate(): %v", err)
	}
}

// The example documents the defaults: apart from its sample entries it must
// say exactly what Default says.
func TestExampleShowsTheDefaults(t *testing.T) {
	c, err := Parse(ExampleFile(), "example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Users) != 1 || len(c.Exchange.Sim.Devices) != 1 || len(c.Exchange.Sim.Groups) != 1 || len(c.Exchange.Sim.Externals) != 1 {
		t.Fatalf("example entries: %+v %+v", c.Users, c.Exchange.Sim)
	}
	d := c.Exchange.Sim.Devices[0]
	if d != (SimDevice{ID: "201", Name: "Reception", Registered: true}) {
		t.Errorf("example device = %+v", d)
	}
	if e := c.Exchange.Sim.Externals[0]; e.AnswerAfter != 2*time.Second {
		t.Errorf("example external = %+v", e)
	}
	wantGroups := []WatchGroup{{Name: "reception", Users: []string{"anna"}, Devices: []string{AllDevices}}}
	if !reflect.DeepEqual(c.WatchGroups, wantGroups) {
		t.Errorf("example watch groups = %+v", c.WatchGroups)
	}
	c.Users, c.Exchange.Sim.Devices, c.Exchange.Sim.Groups, c.Exchange.Sim.Externals, c.src = nil, nil, nil, nil, nil
	c.WatchGroups = nil
	if def := Default(); !reflect.DeepEqual(*c, def) {
		t.Errorf("example settings differ from Default:\n got %+v\nwant %+v", *c, def)
	}
}

func TestDemo(t *testing.T) {
	c := Demo()
	if c.Listen != "127.0.0.1:8720" || c.Exchange.Type != "sim" {
		t.Fatalf("demo listen/exchange = %q %q", c.Listen, c.Exchange.Type)
	}
	s := c.Exchange.Sim
	wantDevices := []SimDevice{
		{ID: "201", Name: "Reception", PickupAfter: time.Second, Registered: true},
		{ID: "202", Name: "Sales – Ben Kramer", PickupAfter: time.Second, Registered: true},
		{ID: "203", Name: "Sales – Clara Wolf", AnswerAfter: 3 * time.Second, PickupAfter: time.Second, Registered: true},
		{ID: "204", Name: "Support – David Brandt", Busy: true, PickupAfter: time.Second, Registered: true},
		{ID: "205", Name: "Accounts – Eva Lindqvist", NeverAnswer: true, PickupAfter: time.Second, Registered: true},
	}
	if !reflect.DeepEqual(s.Devices, wantDevices) {
		t.Errorf("demo devices = %+v", s.Devices)
	}
	if !reflect.DeepEqual(s.Groups, []SimGroup{{Number: "600", Name: "Sales", Members: []string{"202", "203"}}}) {
		t.Errorf("demo groups = %+v", s.Groups)
	}
	wantExt := []SimExternal{{Number: "+4930901820", AnswerAfter: 2 * time.Second},
		{Number: "+4989123456", AnswerAfter: 2 * time.Second, Busy: true}}
	if !reflect.DeepEqual(s.Externals, wantExt) {
		t.Errorf("demo externals = %+v", s.Externals)
	}
	wantGroups := []WatchGroup{{Name: "reception", Users: []string{"demo"}, Devices: []string{AllDevices}, ShowParties: true}}
	if !reflect.DeepEqual(c.WatchGroups, wantGroups) {
		t.Errorf("demo watch groups = %+v", c.WatchGroups)
	}
	wantUsers := map[string][2]string{"demo": {"Demo User", "201"}, "ben": {"Ben Kramer", "202"},
		"clara": {"Clara Wolf", "203"}, "david": {"David Brandt", "204"}, "eva": {"Eva Lindqvist", "205"}}
	if len(c.Users) != len(wantUsers) {
		t.Fatalf("%d demo users", len(c.Users))
	}
	for _, u := range c.Users {
		t.Run(u.Name, func(t *testing.T) {
			t.Parallel()
			w := wantUsers[u.Name]
			if u.DisplayName != w[0] || len(u.Devices) != 1 || u.Devices[0] != w[1] {
				t.Errorf("user %+v, want %v", u, w)
			}
			if cost, _ := bcrypt.Cost([]byte(u.PasswordHash)); cost != 10 {
				t.Errorf("cost %d, want 10", cost)
			}
			if err := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(u.Name)); err != nil {
				t.Errorf("password is not the user name: %v", err)
			}
		})
	}
}

func TestDurationsAndDefaultsFromFile(t *testing.T) {
	c, err := Parse([]byte(`
[exchange.sim]
no_answer_timeout = "1m30s"
external_answer_after = "500ms"

[[exchange.sim.devices]]
id = "201"
answer_after = ""
pickup_after = "1.5s"
registered = false

[[exchange.sim.externals]]
number = "+4930555000"
[[exchange.sim.externals]]
number = "+4930555001"
answer_after = "0s"

[login]
failure_window = "2m"
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Exchange.Sim
	if s.NoAnswerTimeout != 90*time.Second || s.ExternalAnswerAfter != 500*time.Millisecond {
		t.Errorf("sim timers %v %v", s.NoAnswerTimeout, s.ExternalAnswerAfter)
	}
	if d := s.Devices[0]; d.AnswerAfter != 0 || d.PickupAfter != 1500*time.Millisecond || d.Registered {
		t.Errorf("device %+v", d)
	}
	if s.Externals[0].AnswerAfter != 500*time.Millisecond || s.Externals[1].AnswerAfter != 0 {
		t.Errorf("externals %+v", s.Externals)
	}
	if c.Login.FailureWindow != 2*time.Minute || c.Login.MaxFailures != 5 || c.Tokens.Lifetime != 720*time.Hour {
		t.Errorf("login/tokens %+v %+v", c.Login, c.Tokens)
	}
}

func TestParseErrorValue(t *testing.T) {
	_, err := Parse([]byte("listen = \"x\"\n[log]\nlevel = \"loud\"\n"), "office.toml")
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("err = %v", err)
	}
	if es[0].Line != 1 || es[0].Key != "listen" || es[1].Line != 3 || es[1].Key != "log.level" {
		t.Errorf("errors %+v %+v", es[0], es[1])
	}
	wantText := "config: office.toml:1: listen \"x\" is not host:port (e.g. \"127.0.0.1:8720\", or \":8720\" for every interface)\n" +
		"office.toml:3: log.level \"loud\" is not one of debug, info, warn, error"
	if err.Error() != wantText {
		t.Errorf("err.Error() =\n%s\nwant\n%s", err, wantText)
	}
	var one *Error
	if !errors.As(err, &one) || one != es[0] {
		t.Errorf("errors.As(*Error) = %v", one)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	c := Default()
	c.Limits.SendQueue = 1
	err := c.Validate()
	if err == nil || err.Error() != "config: limits.send_queue = 1 is out of range (16 to 65536)" {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestLoadResolvesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeCert(t, dir, "server")
	path := filepath.Join(dir, "office.toml")
	text := "state_dir = \"state\"\n[tls]\ncert = \"server.pem\"\nkey = \"server.key\"\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // somewhere else
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS.Cert != filepath.Join(dir, "server.pem") || c.StateDir != filepath.Join(dir, "state") {
		t.Errorf("paths not resolved: %+v %q", c.TLS, c.StateDir)
	}
	if _, err := Load(filepath.Join(dir, "missing.toml")); err == nil || !strings.HasPrefix(err.Error(), "config: ") {
		t.Errorf("Load(missing) = %v", err)
	}
	if errs := CheckFile(filepath.Join(dir, "missing.toml")); len(errs) != 1 {
		t.Errorf("CheckFile(missing) = %v", errs)
	}
}

func TestAuthGlue(t *testing.T) {
	c := Demo()
	c.StateDir = t.TempDir()
	users := c.AuthUsers()
	if len(users) != 5 || users[1].Name != "ben" || users[1].DisplayName != "Ben Kramer" ||
		users[1].PasswordHash != c.Users[1].PasswordHash || users[1].Devices[0] != "202" {
		t.Fatalf("AuthUsers = %+v", users)
	}
	users[1].Devices[0] = "999" // a copy
	if c.Users[1].Devices[0] != "202" {
		t.Fatal("AuthUsers shares the device slices")
	}
	o := c.AuthOptions()
	if o.TokenLifetime != 720*time.Hour || o.MaxFailures != 5 || o.FailureWindow != time.Minute ||
		o.StorePath != filepath.Join(c.StateDir, "tokens.json") {
		t.Fatalf("AuthOptions = %+v", o)
	}
	a, err := auth.New(c.AuthUsers(), o)
	if err != nil {
		t.Fatal(err)
	}
	g, err := a.Login("clara", "clara", "127.0.0.1:5000")
	if err != nil || g.User.Devices[0] != "203" {
		t.Fatalf("demo login: %+v, %v", g, err)
	}
	if d := Default(); d.AuthOptions().StorePath != "" {
		t.Error("no state_dir must mean no store")
	}
}

func TestSlogLevel(t *testing.T) {
	for lvl, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR", "x": "INFO"} {
		if got := (Log{Level: lvl}).SlogLevel().String(); got != want {
			t.Errorf("SlogLevel(%s) = %s", lvl, got)
		}
	}
}
