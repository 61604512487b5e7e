package config

import (
	"bytes"
	"crypto/tls"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// amiBase is a small valid config on Asterisk the cases add to.
const amiBase = `listen = "127.0.0.1:0"

[exchange]
type = "ami"

[exchange.ami]
host = "pbx.example.com"
username = "deskline"
secret = "s3cret"

[[exchange.ami.devices]]
id = "201"
name = "Reception"
endpoint = "PJSIP/201"

[[exchange.ami.devices]]
id = "202"
endpoint = "PJSIP/202"

[[users]]
name = "ann"
password_hash = "` + hash + `"
devices = ["201"]
`

// amiWith replaces the line starting with old in amiBase (old "" appends).
func amiWith(old, repl string) string {
	if old == "" {
		return amiBase + repl
	}
	i := strings.Index(amiBase, old)
	if i < 0 {
		panic("no " + old)
	}
	end := i + strings.IndexByte(amiBase[i:], '\n')
	return amiBase[:i] + repl + amiBase[end:]
}

func TestCheckAMIValid(t *testing.T) {
	check(t, amiBase)
	// plain is fine to loopback and over TLS
	check(t, strings.Replace(amiWith(`secret = "s3cret"`, "secret = \"s3cret\"\nauth = \"plain\""),
		"pbx.example.com", "127.0.0.1", 1))
	check(t, strings.Replace(amiWith(`secret = "s3cret"`, "secret = \"s3cret\"\nauth = \"plain\""),
		"pbx.example.com", "::1", 1))
	check(t, strings.Replace(amiWith(`secret = "s3cret"`, "secret = \"s3cret\"\nauth = \"plain\""),
		"pbx.example.com", "LocalHost", 1)) // host names are case-insensitive
	check(t, amiWith(`secret = "s3cret"`, "secret = \"s3cret\"\nauth = \"plain\"\ntls = true"))
}

// A config switched to ami but with nothing filled in says everything it
// lacks at once, and the users' devices are checked against ami's.
func TestCheckAMIEmptySection(t *testing.T) {
	text := base + `
[exchange]
type = "ami"       # type
`
	check(t, text,
		want{`devices = ["201"]`, `users[0] (ann): device "201" is not configured in exchange.ami.devices`},
		want{"# type", "exchange.ami.host is missing: the name or address of the Asterisk server"},
		want{"# type", "exchange.ami.username is missing: the [section] name of Deskline's account in manager.conf"},
		want{"# type", "exchange.ami: secret or secret_file is missing: the account's secret from manager.conf"},
		want{"# type", "exchange.ami: no [[exchange.ami.devices]]: Deskline follows only the phones listed there"},
	)
}

func TestCheckAMIHostAndTLS(t *testing.T) {
	check(t, amiWith(`host =`, `host = "pbx.example.com:5038"  # port in host`),
		want{"# port in host", `exchange.ami.host "pbx.example.com:5038": write the port as exchange.ami.port, not in the host`})
	check(t, amiWith(`host =`, `host = "pbx example"  # space`),
		want{"# space", `exchange.ami.host "pbx example" is not a host name or address`})
	check(t, amiWith(`host =`, "host = \"pbx\"\nport = 70000  # port\ntls_ca = \"ca.pem\"  # ca\ntls_server_name = \"pbx\"  # name"),
		want{"# port", `exchange.ami.port = 70000 is out of range (0 to 65535)`},
		want{"# ca", `exchange.ami.tls_ca is set but tls is false: set tls = true, or remove tls_ca`},
		want{"# name", `exchange.ami.tls_server_name is set but tls is false: set tls = true, or remove tls_server_name`})

	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check(t, amiWith(`host =`, "host = \"pbx\"\ntls = true\ntls_ca = \"missing.pem\"  # missing"),
		want{"# missing", `exchange.ami.tls_ca "` + filepath.Join("DIR", "missing.pem") + `": no such file or directory`})
	check(t, amiWith(`host =`, "host = \"pbx\"\ntls = true\ntls_ca = \""+notPEM+"\"  # not pem"),
		want{"# not pem", `exchange.ami.tls_ca "` + notPEM + `": no PEM certificate in it`})
	ca, _ := writeCert(t, dir, "ca")
	check(t, amiWith(`host =`, "host = \"pbx\"\ntls = true\ntls_ca = \""+ca+"\""))
}

func TestCheckAMILogin(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	twoLines := filepath.Join(dir, "two")
	os.WriteFile(empty, []byte("\n"), 0o600)
	os.WriteFile(twoLines, []byte("Sup3r\nSecret\n"), 0o600)

	check(t, amiWith(`secret =`, "secret = \"x\"\nsecret_file = \"s\"  # both"),
		want{`secret = "x"`, "exchange.ami: set secret or secret_file, not both"})
	check(t, amiWith(`secret =`, `secret = "Sup3r\nSecret"  # newline`),
		want{"# newline", "exchange.ami.secret has a line break or control character in it"})
	check(t, amiWith(`secret =`, `secret_file = "missing"  # missing`),
		want{"# missing", `exchange.ami.secret_file "` + filepath.Join("DIR", "missing") + `": no such file or directory`})
	check(t, amiWith(`secret =`, `secret_file = "`+empty+`"  # empty`),
		want{"# empty", `exchange.ami.secret_file "` + empty + `": the file is empty`})
	check(t, amiWith(`secret =`, `secret_file = "`+twoLines+`"  # two lines`),
		want{"# two lines", `exchange.ami.secret_file "` + twoLines + `": the secret has a line break or control character in it (one line only)`})
	check(t, amiWith(`username =`, `username = "desk line"  # user`),
		want{"# user", `exchange.ami.username "desk line" must not contain spaces, brackets or control characters`})
	check(t, amiWith(`username =`, "username = \"deskline\"\nauth = \"sha1\"  # auth"),
		want{"# auth", `exchange.ami.auth "sha1" is not one of md5, plain`})
	check(t, amiWith(`username =`, "username = \"deskline\"\nauth = \"plain\"  # plain"),
		want{"# plain", `exchange.ami.auth = "plain" without tls to pbx.example.com would send the secret across the network in clear: use "md5", or tls = true`})
}

// Neither a secret nor a secret file's content appears in any message.
func TestCheckAMISecretNeverQuoted(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	os.WriteFile(file, []byte("Sup3r\nSecret!\n"), 0o600)
	for _, text := range []string{
		amiWith(`secret =`, `secret = "Sup3r\nSecret!"`),
		amiWith(`secret =`, "secret = \"Sup3r\\nSecret!\"\nsecret_file = \"x\""),
		amiWith(`secret =`, `secret_file = "`+file+`"`),
	} {
		path := filepath.Join(dir, "office.toml")
		os.WriteFile(path, []byte(text), 0o600)
		errs := CheckFile(path)
		if len(errs) == 0 {
			t.Fatalf("no problem found in\n%s", text)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), "Sup3r") || strings.Contains(err.Error(), "Secret!") {
				t.Fatalf("error quotes the secret: %v", err)
			}
		}
	}
}

func TestCheckAMIUnknownKeys(t *testing.T) {
	check(t, amiWith(`secret =`, `password = "s3cret"  # password`),
		want{"[exchange.ami]", "exchange.ami: secret or secret_file is missing: the account's secret from manager.conf"},
		want{"# password", "unknown key exchange.ami.password: the manager account's password is its secret: set secret (or secret_file)"})
}

func TestCheckAMITimersAndFeatures(t *testing.T) {
	text := amiWith(`secret =`, `secret = "s3cret"
context = "from internal"   # context
ring_timeout = "1s"         # short ring
action_timeout = "soon"     # words
ping_interval = "1h"        # long ping
reconnect_min = "45s"       # min above max
reconnect_max = "10s"
features = "3cx"            # features
features_poll = "1s"        # fast poll`)
	check(t, text,
		want{"# context", `exchange.ami.context "from internal" is not a dialplan context name (letters, digits, _ and -)`},
		want{"# short ring", `exchange.ami.ring_timeout = "1s" is out of range (5s to 5m)`},
		want{"# words", `exchange.ami.action_timeout: "soon" is not a duration (write e.g. "30s", "15m" or "720h")`},
		want{"# long ping", `exchange.ami.ping_interval = "1h" is out of range (1s to 10m)`},
		want{"# min above max", `exchange.ami.reconnect_min (45s) must not exceed reconnect_max (10s)`},
		want{"# features", `exchange.ami.features "3cx" is unknown (want "freepbx", or "" for none)`},
		want{"# fast poll", `exchange.ami.features_poll = "1s" is out of range (5s to 1h)`},
	)
}

func TestCheckAMIDevices(t *testing.T) {
	text := amiBase + `
[[exchange.ami.devices]]
id = "202"                  # duplicate id
endpoint = "pjsip/201"      # same endpoint
[[exchange.ami.devices]]    # nothing
name = "Nobody"
[[exchange.ami.devices]]
id = "20x"                  # letters
endpoint = "PJSIP 203"      # space
[[exchange.ami.devices]]
id = "204"
endpoint = "204"            # no technology
[[exchange.ami.devices]]
id = "205"
name = "Bad\nName"          # control
endpoint = "PJSIP/205-1"    # dash
exten = "_2XX"              # pattern
`
	check(t, text,
		want{"# duplicate id", `exchange.ami.devices[2] (202): id "202" is already used by exchange.ami.devices[1]`},
		want{"# same endpoint", `exchange.ami.devices[2] (202): endpoint "pjsip/201" is already used by exchange.ami.devices[0]`},
		want{"# nothing", `exchange.ami.devices[3]: id is empty`},
		want{"# nothing", `exchange.ami.devices[3]: endpoint is missing: the phone's technology/resource, e.g. "PJSIP/"`},
		want{"# letters", `exchange.ami.devices[4] (20x): id "20x" is not an extension number (1 to 8 digits)`},
		want{"# space", `exchange.ami.devices[4] (20x): endpoint "PJSIP 203" is not technology/resource like "PJSIP/201" (no spaces, "-" or ",")`},
		want{"# no technology", `exchange.ami.devices[5] (204): endpoint "204" is not technology/resource like "PJSIP/201" (no spaces, "-" or ",")`},
		want{"# control", `exchange.ami.devices[6] (205): name has a line break or control character in it`},
		want{"# dash", `exchange.ami.devices[6] (205): endpoint "PJSIP/205-1" is not technology/resource like "PJSIP/201" (no spaces, "-" or ",")`},
		want{"# pattern", `exchange.ami.devices[6] (205): exten "_2XX" is not an extension (letters, digits, * # +; no dialplan patterns)`},
	)
}

func TestCheckAMIUserDevices(t *testing.T) {
	check(t, amiWith(`devices = ["201"]`, `devices = ["201", "203"]  # unknown`),
		want{"# unknown", `users[0] (ann): device "203" is not configured in exchange.ami.devices`})
}

// The sim's section is ignored with ami and the other way round, so a
// config switches with one line.
func TestCheckAMIOtherSectionIgnored(t *testing.T) {
	check(t, amiBase+"\n[exchange.sim]\nno_answer_timeout = \"1ms\"\n")
	check(t, base+"\n[exchange.ami]\nhost = \"\"\nport = 99999\n")
}

// A good file becomes the ami.Config the connector needs: paths relative to
// the file, the secret read from its file, TLS set up, defaults filled in.
func TestAMIConfig(t *testing.T) {
	dir := t.TempDir()
	writeCert(t, dir, "ca")
	os.WriteFile(filepath.Join(dir, "ami.secret"), []byte("  s3cret \n"), 0o600)
	text := `[exchange]
type = "ami"
[exchange.ami]
host = "10.0.0.5"
tls = true
tls_ca = "ca.pem"
tls_server_name = "pbx.example.com"
username = "deskline"
secret_file = "ami.secret"
context = "internal"
ring_timeout = "20s"
reconnect_max = "1m"
features = "freepbx"
[[exchange.ami.devices]]
id = "201"
name = "Reception"
endpoint = "PJSIP/201"
[[exchange.ami.devices]]
id = "7"
endpoint = "SIP/alice"
exten = "2007"
`
	path := filepath.Join(dir, "office.toml")
	os.WriteFile(path, []byte(text), 0o600)
	t.Chdir(t.TempDir()) // paths must not depend on the working directory
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	got, err := c.AMIConfig(log)
	if err != nil {
		t.Fatal(err)
	}
	if got.TLS == nil || got.TLS.ServerName != "pbx.example.com" || got.TLS.MinVersion != tls.VersionTLS12 || got.TLS.RootCAs == nil {
		t.Fatalf("TLS = %+v", got.TLS)
	}
	if got.Log != log {
		t.Error("the logger is not passed on")
	}
	got.TLS, got.Log = nil, nil
	want := ami.Config{
		Addr: "10.0.0.5:5039", Username: "deskline", Secret: "s3cret", Auth: "md5",
		Devices: []ami.Device{
			{ID: "201", Name: "Reception", Endpoint: "PJSIP/201"},
			{ID: "7", Endpoint: "SIP/alice", Exten: "2007"},
		},
		Context: "internal", RingTimeout: 20 * time.Second, ActionTimeout: 10 * time.Second,
		PingInterval: 20 * time.Second, ReconnectMin: 500 * time.Millisecond, ReconnectMax: time.Minute,
		Features: "freepbx", FeaturesPoll: 30 * time.Second,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AMIConfig =\n %+v\nwant\n %+v", got, want)
	}
}

func TestAMIConfigWithoutTLS(t *testing.T) {
	c, err := Parse([]byte(amiWith(`host =`, "host = \"::1\"\nport = 15038")), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.AMIConfig(nil)
	if err != nil || got.Addr != "[::1]:15038" || got.TLS != nil || got.Secret != "s3cret" {
		t.Fatalf("AMIConfig = %+v, %v", got, err)
	}
	for _, tc := range []struct {
		a    AMI
		want string
	}{
		{AMI{Host: "pbx"}, "pbx:5038"},
		{AMI{Host: "pbx", TLS: true}, "pbx:5039"},
		{AMI{Host: "pbx", TLS: true, Port: 443}, "pbx:443"},
	} {
		if got := tc.a.Addr(); got != tc.want {
			t.Errorf("%+v.Addr() = %s, want %s", tc.a, got, tc.want)
		}
	}
	c.Exchange.AMI.TLS, c.Exchange.AMI.Host = true, "pbx.example.com"
	got, err = c.AMIConfig(nil)
	if err != nil || got.TLS.ServerName != "pbx.example.com" || got.TLS.RootCAs != nil {
		t.Fatalf("TLS without tls_ca: %+v, %v", got.TLS, err) // nil RootCAs: the system roots
	}
}

// The commented-out [exchange.ami] of example.toml, once uncommented, is
// valid and shows exactly the defaults.
func TestExampleAMIShowsTheDefaults(t *testing.T) {
	var out []string
	in := false
	for _, l := range strings.Split(string(ExampleFile()), "\n") {
		in = (in || l == "# [exchange.ami]") && strings.HasPrefix(l, "#")
		if in {
			l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		}
		out = append(out, l)
	}
	text := strings.Join(out, "\n")
	for old, repl := range map[string]string{
		`type = "sim"`:               `type = "ami"`,
		`secret = ""`:                `secret = "x"`,
		`secret_file = "ami.secret"`: `secret_file = ""`,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("example has no %s", old)
		}
		text = strings.Replace(text, old, repl, 1)
	}
	c, err := Parse([]byte(text), "example.toml")
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := defaultAMI()
	want.Host, want.Username, want.Secret = "pbx.example.com", "deskline", "x"
	want.Devices = []AMIDevice{{ID: "201", Name: "Reception", Endpoint: "PJSIP/201", Phone: "none"}}
	if !reflect.DeepEqual(c.Exchange.AMI, want) {
		t.Errorf("example ami =\n %+v\nwant\n %+v", c.Exchange.AMI, want)
	}
	if !bytes.Contains(ExampleFile(), []byte("\n# [exchange.ami]\n")) {
		t.Error("the ami example must stay commented out: the default is sim")
	}
}

// Queue and ring group names (issue 13 item 8): a queue name Asterisk
// cannot have, a ring group that is a dialplan pattern, and a name with a
// line break are each named; good ones reach the connector.
func TestCheckAMIQueueNames(t *testing.T) {
	text := amiBase + `
[exchange.ami.queue_names]
"600" = "Sales"
"Support" = "Support team"  # queue names are case-sensitive: not a setting
"sales line" = "Sales"      # space
"700" = "Sup\nport"         # control
[exchange.ami.ring_groups]
"800" = "Front desk"
"_8XX" = "All"              # pattern
`
	check(t, text,
		want{"# space", `exchange.ami.queue_names["sales line"]: "sales line" is not a queue name of queues.conf (no spaces, "," or "|")`},
		want{"# control", `exchange.ami.queue_names["700"]: the name has a line break or control character in it`},
		want{"# pattern", `exchange.ami.ring_groups["_8XX"]: "_8XX" is not an extension (letters, digits, * # +; no dialplan patterns)`},
	)
	c, err := Parse([]byte(amiBase+"\n[exchange.ami.queue_names]\n\"600\" = \"Sales\"\n[exchange.ami.ring_groups]\n\"800\" = \"\"\n"), "office.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := c.AMIConfig(nil)
	if err != nil || cfg.QueueNames["600"] != "Sales" || len(cfg.RingGroups) != 1 {
		t.Fatalf("AMIConfig: queues %v, ring groups %v, %v", cfg.QueueNames, cfg.RingGroups, err)
	}
}
