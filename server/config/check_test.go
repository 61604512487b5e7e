package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// hash is a well-formed bcrypt hash (of "demo"); validation never compares it.
const hash = "$2a$10$VixZU7gQWG4KjuJ0lf1scuGIu2wAKrXy51358l6ECRK02hDC0u5Jq"

// base is a small valid config the cases add to.
const base = `listen = "127.0.0.1:0"

[[exchange.sim.devices]]
id = "201"
name = "Reception"

[[exchange.sim.devices]]
id = "202"

[[users]]
name = "ann"
password_hash = "` + hash + `"
devices = ["201"]
`

// want is an expected problem: on the line containing at, with message msg
// (a trailing "*" matches any rest).
type want struct{ at, msg string }

// check writes text to office.toml in a temporary directory, runs CheckFile
// and compares every problem, in order, with wants. The directory's path
// is written DIR in messages.
func check(t *testing.T, text string, wants ...want) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "office.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	errs := CheckFile(path)
	got := make([]string, len(errs))
	for i, err := range errs {
		got[i] = strings.TrimPrefix(strings.ReplaceAll(err.Error(), dir, "DIR"), "DIR"+string(filepath.Separator))
	}
	if len(got) != len(wants) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(wants), strings.Join(got, "\n"))
	}
	for i, w := range wants {
		exp := "office.toml:" + strconv.Itoa(lineOf(t, text, w.at)) + ": " + w.msg
		if m, ok := strings.CutSuffix(exp, "*"); ok && strings.HasPrefix(got[i], m) || got[i] == exp {
			continue
		}
		t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], exp)
	}
}

// lineOf returns the number of the only line containing s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	n := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			if n != 0 {
				t.Fatalf("marker %q is on lines %d and %d", s, n, i+1)
			}
			n = i + 1
		}
	}
	if n == 0 {
		t.Fatalf("marker %q not found", s)
	}
	return n
}

func TestCheckFileValid(t *testing.T) {
	check(t, base)
}

func TestCheckSyntaxError(t *testing.T) {
	check(t, base+"\n[limits]\nsend_queue = = 5 # here\n",
		want{"# here", "TOML syntax: *"})
}

func TestCheckTypeError(t *testing.T) {
	check(t, base+"\n[limits]\nsend_queue = \"many\"\n",
		want{`"many"`, `limits.send_queue: is a string, want integer`})
}

func TestCheckUnknownKeys(t *testing.T) {
	text := base + `lisen = "typo"    # in users[0]

[[users]]          # second user
name = "bea"
password_hash = "` + hash + `"
passwd = "x"       # unknown in users[1]
password = "bea"   # plaintext

[extra]            # unknown table
a = 1
b = 2

[limits]
max_msg_bytes = 1  # unknown in limits
Send_Queue = 300   # upper case
`
	check(t, text,
		want{"in users[0]", "unknown key users[0].lisen"},
		want{"unknown in users[1]", "unknown key users[1].passwd"},
		want{"# plaintext", "unknown key users[1].password: passwords must be hashed: run deskline-server hash-password and set password_hash"},
		want{"unknown table", "unknown key extra"},
		want{"unknown in limits", "unknown key limits.max_msg_bytes"},
		want{"# upper case", "key limits.Send_Queue must be written in lower case: send_queue"},
	)
}

func TestCheckDurations(t *testing.T) {
	text := base + `
[exchange.sim]
no_answer_timeout = "3 days"   # words
external_answer_after = ""     # empty is 0: allowed here

[[exchange.sim.externals]]
number = "+4930555000"
answer_after = "-2s"           # negative

[tokens]
lifetime = 30                  # no unit

[limits]
ping_interval = "90m"          # too long
`
	check(t, text,
		want{"# words", `exchange.sim.no_answer_timeout: "3 days" is not a duration (write e.g. "30s", "15m" or "720h")`},
		want{"# negative", `exchange.sim.externals[0].answer_after: "-2s" is negative`},
		want{"# no unit", `tokens.lifetime: "30" is not a duration (write e.g. "30s", "15m" or "720h")`},
		want{"# too long", `limits.ping_interval = "1h30m" is out of range (1s to 10m)`},
	)
}

// The admin listener's address: "" turns it off; anything else must be
// host:port, and not the desks' own address.
func TestCheckAdminListen(t *testing.T) {
	check(t, base+"\n[admin]\nlisten = \"\"\n")
	check(t, base+"\n[admin]\nlisten = \"0.0.0.0:9100\"\n")
	check(t, base+"\n[admin]\nlisten = \"127.0.0.1:0\"\n") // both on a free port of their own
	check(t, base+"\n[admin]\nlisten = \"8721\" # bare port\n",
		want{"# bare port", `admin.listen "8721" is not host:port (e.g. "127.0.0.1:8721", or ":8721" for every interface)`})
	check(t, base+"\n[admin]\nlisten = \"localhost:70000\" # too high\n",
		want{"# too high", `admin.listen "localhost:70000": port "70000" is not a number from 0 to 65535`})
	check(t, strings.Replace(base, `listen = "127.0.0.1:0"`, `listen = "127.0.0.1:8721"`, 1)+"\n[admin]\nlisten = \"127.0.0.1:8721\" # same\n",
		want{"# same", `admin.listen "127.0.0.1:8721" is the same address as listen: give the admin listener its own port, or "" to turn it off`})
}

func TestCheckListen(t *testing.T) {
	check(t, strings.Replace(base, `listen = "127.0.0.1:0"`, `listen = "8720"`, 1),
		want{`listen = "8720"`, `listen "8720" is not host:port (e.g. "127.0.0.1:8720", or ":8720" for every interface)`})
	check(t, strings.Replace(base, `listen = "127.0.0.1:0"`, `listen = "localhost:99999"`, 1),
		want{`listen =`, `listen "localhost:99999": port "99999" is not a number from 0 to 65535`})
}

func TestCheckExchangeType(t *testing.T) {
	check(t, base+"[exchange]\ntype = \"asterisk\"\n",
		want{`type = "asterisk"`, `exchange.type "asterisk" is unknown (want "sim" or "ami")`})
}

func TestCheckDevices(t *testing.T) {
	text := base + `
[[exchange.sim.devices]]
id = "202"          # duplicate
[[exchange.sim.devices]]   # no id
name = "Nobody"
[[exchange.sim.devices]]
id = "20a"          # letters
[[exchange.sim.devices]]
id = "123456789"    # too long
[[exchange.sim.devices]]   # contradicting
id = "206"
busy = true
reject = true
answer_after = "2s" # contradicts
`
	check(t, text,
		want{"# duplicate", `exchange.sim.devices[2] (202): id "202" is already used by exchange.sim.devices[1]`},
		want{"# no id", `exchange.sim.devices[3]: id is empty`},
		want{"# letters", `exchange.sim.devices[4] (20a): id "20a" is not an extension number (1 to 8 digits)`},
		want{"# too long", `exchange.sim.devices[5] (123456789): id "123456789" is not an extension number (1 to 8 digits)`},
		want{"# contradicting", `exchange.sim.devices[6] (206): busy, never_answer and reject exclude each other`},
		want{"# contradicts", `exchange.sim.devices[6] (206): answer_after contradicts busy, never_answer or reject`},
	)
}

func TestCheckGroupsAndExternals(t *testing.T) {
	text := base + `
[[exchange.sim.groups]]
number = "600"
members = ["201", "209", "201"]   # members
[[exchange.sim.groups]]
number = "201"      # taken
members = []        # empty

[[exchange.sim.externals]]
number = "+49 30 555"   # spaces
[[exchange.sim.externals]]   # second external
number = "600"          # a group's
never_answer = true
busy = true             # both
`
	check(t, text,
		want{"# members", `exchange.sim.groups[0] (600): member "209" is not configured in exchange.sim.devices`},
		want{"# members", `exchange.sim.groups[0] (600): member "201" is listed twice`},
		want{"# taken", `exchange.sim.groups[1] (201): number "201" is already used by exchange.sim.devices[0]`},
		want{"# empty", `exchange.sim.groups[1] (201): has no members`},
		want{"# spaces", `exchange.sim.externals[0] (+49 30 555): number "+49 30 555" must be digits with an optional leading +, as dialled, without spaces`},
		want{"# second external", `exchange.sim.externals[1] (600): busy, never_answer and reject exclude each other`},
		want{"# a group's", `exchange.sim.externals[1] (600): number "600" is already used by exchange.sim.groups[0]`},
	)
}

func TestCheckUsers(t *testing.T) {
	text := base + `
[[users]]
name = "ben"
password_hash = "` + hash + `"
devices = ["209"]          # unknown device

[[users]]                  # no hash
name = "carl"
devices = ["201", "202", "202"]   # owned and twice

[[users]]
name = "ben"               # duplicate name
password_hash = "hunter2"  # plaintext

[[users]]
name = "d e"               # space
password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"   # argon

[[users]]
name = ""                  # empty name
password_hash = "` + hash + `"
`
	check(t, text,
		want{"# unknown device", `users[1] (ben): device "209" is not configured in exchange.sim.devices`},
		want{"# no hash", `users[2] (carl): password_hash is missing: passwords must be hashed: run deskline-server hash-password`},
		want{"# owned and twice", `users[2] (carl): device "201" already belongs to users[0] (ann) (one owner per device)`},
		want{"# owned and twice", `users[2] (carl): device "202" is listed twice`},
		want{"# duplicate name", `users[3] (ben): name "ben" is already used by users[1]`},
		want{"# plaintext", `users[3] (ben): password_hash: not a bcrypt hash ($2a$, $2b$ or $2y$): passwords must be hashed: run deskline-server hash-password`},
		want{"# space", `users[4] (d e): name "d e" must not contain spaces or control characters`},
		want{"# argon", `users[4] (d e): password_hash: argon2id hashes are not supported by this build yet: run deskline-server hash-password for a bcrypt hash`},
		want{"# empty name", `users[5]: name is empty`},
	)
}

func TestCheckWatchGroups(t *testing.T) {
	text := base + `
[[watch_groups]]
name = "reception"
users = ["ann"]
devices = ["*"]
show_parties = true

[[watch_groups]]
name = "sales"
users = ["ann", "zoe", "ann"]    # unknown user and twice
devices = ["201", "209", "201"]  # unknown device and twice

[[watch_groups]]
name = "reception"               # duplicate name
users = []                       # no users
devices = ["*", "201"]           # star not alone

[[watch_groups]]                 # no name
users = ["ann"]
devices = []                     # no devices

[[watch_groups]]
name = "typo"
users = ["ann"]
devices = ["201"]
show_party = true                # unknown key
`
	check(t, text,
		want{"# unknown user and twice", `watch_groups[1] (sales): user "zoe" is not in [[users]]`},
		want{"# unknown user and twice", `watch_groups[1] (sales): user "ann" is listed twice`},
		want{"# unknown device and twice", `watch_groups[1] (sales): device "209" is not configured in exchange.sim.devices`},
		want{"# unknown device and twice", `watch_groups[1] (sales): device "201" is listed twice`},
		want{"# duplicate name", `watch_groups[2] (reception): name "reception" is already used by watch_groups[0]`},
		want{"# no users", `watch_groups[2] (reception): has no users`},
		want{"# star not alone", `watch_groups[2] (reception): "*" means every device: it stands alone`},
		want{"# no name", `watch_groups[3]: name is empty`},
		want{"# no devices", `watch_groups[3]: has no devices (list them, or "*" for every device)`},
		want{"# unknown key", `unknown key watch_groups[4].show_party*`},
	)
}

func TestCheckPlaintextNeverQuoted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "office.toml")
	text := strings.Replace(base, hash, "Sup3rSecret!", 1)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, err := range CheckFile(path) {
		if strings.Contains(err.Error(), "Sup3rSecret!") {
			t.Fatalf("error quotes the plaintext password: %v", err)
		}
	}
}

func TestCheckLimitsAndOthers(t *testing.T) {
	text := base + `
[tokens]
lifetime = "10s"            # short lifetime

[login]
max_failures = 0            # no failures

[limits]
max_message_bytes = 100     # tiny frames
send_queue = 8              # short queue
commands_per_second = 50
command_burst = 10          # small burst
ping_interval = "60s"
pong_wait = "30s"           # short pong
max_connections = 0         # no connections

[sim_api]
admin_token_hash = "secret" # not a hash

[log]
level = "verbose"           # level
format = "xml"              # format
`
	check(t, text,
		want{"# short lifetime", `tokens.lifetime = "10s" is out of range (1m to 8760h)`},
		want{"# no failures", `login.max_failures = 0 is out of range (1 to 100)`},
		want{"# tiny frames", `limits.max_message_bytes = 100 is out of range (1024 to 1048576)`},
		want{"# short queue", `limits.send_queue = 8 is out of range (16 to 65536)`},
		want{"# small burst", `limits.command_burst (10) must be at least commands_per_second (50)`},
		want{"# short pong", `limits.pong_wait (30s) must be longer than ping_interval (1m)`},
		want{"# no connections", `limits.max_connections = 0 is out of range (1 to 1000000)`},
		want{"# not a hash", `sim_api.admin_token_hash must be 64 hex digits: the SHA-256 of the admin token, not the token itself`},
		want{"# level", `log.level "verbose" is not one of debug, info, warn, error`},
		want{"# format", `log.format "xml" is not one of text, json`},
	)
}

// The options issue 12 added: origins as browsers send them, and the
// session and pre-login limits in their ranges.
func TestCheckOriginsAndSessionLimits(t *testing.T) {
	text := `allowed_origins = ["https://crm.example.com", "crm.example.com", "https://crm.example.com/app"]   # origins
` + base + `
[limits]
max_sessions_per_token = 0     # per token
max_sessions_per_user = 200000 # per user
prelogin_share = 101           # share
max_prelogin_per_address = 0   # per address
`
	check(t, text,
		want{"# origins", `allowed_origins[1] "crm.example.com" is not an origin: write scheme://host[:port], e.g. "https://crm.example.com"`},
		want{"# origins", `allowed_origins[2] "https://crm.example.com/app" is not an origin: write scheme://host[:port], e.g. "https://crm.example.com"`},
		want{"# per token", `limits.max_sessions_per_token = 0 is out of range (1 to 10000)`},
		want{"# per user", `limits.max_sessions_per_user = 200000 is out of range (1 to 100000)`},
		want{"# share", `limits.prelogin_share = 101 is out of range (1 to 100)`},
		want{"# per address", `limits.max_prelogin_per_address = 0 is out of range (1 to 1000000)`},
	)
}

func TestCheckTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "a")
	cert2, _ := writeCert(t, dir, "b")
	check(t, base+"[tls]\ncert = \""+cert+"\"  # cert only\n",
		want{"# cert only", `tls: cert is set but key is not (set both for wss://, or neither)`})
	check(t, base+"[tls]\nkey = \""+key+"\"  # key only\n",
		want{"# key only", `tls: key is set but cert is not (set both for wss://, or neither)`})
	check(t, base+"[tls]\ncert = \"missing.pem\"  # no cert\nkey = \"missing.key\"  # no key\n",
		want{"# no cert", `tls.cert "` + filepath.Join("DIR", "missing.pem") + `": no such file or directory`},
		want{"# no key", `tls.key "` + filepath.Join("DIR", "missing.key") + `": no such file or directory`})
	check(t, base+"[tls]\ncert = \""+cert2+"\"  # mismatch\nkey = \""+key+"\"\n",
		want{"# mismatch", `tls: cert and key do not load as a pair: *`})
	check(t, base+"[tls]\ncert = \""+cert+"\"\nkey = \""+key+"\"\n")
}

func TestCheckStateDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	check(t, "state_dir = \""+file+"\"  # file\n"+base,
		want{"# file", `state_dir "` + file + `" is not a directory`})
}

func TestCheckReportsEverythingInFileOrder(t *testing.T) {
	text := `listen = "nowhere"            # one
bogus = true                    # two

[[exchange.sim.devices]]
id = "x1"                       # three

[[users]]
name = "ann"
password_hash = "plain"         # four
devices = ["201"]               # five

[limits]
send_queue = 1                  # six
`
	check(t, text,
		want{"# one", `listen "nowhere" is not host:port (e.g. "127.0.0.1:8720", or ":8720" for every interface)`},
		want{"# two", `unknown key bogus`},
		want{"# three", `exchange.sim.devices[0] (x1): id "x1" is not an extension number (1 to 8 digits)`},
		want{"# four", `users[0] (ann): password_hash: not a bcrypt hash*`},
		want{"# five", `users[0] (ann): device "201" is not configured in exchange.sim.devices`},
		want{"# six", `limits.send_queue = 1 is out of range (16 to 65536)`},
	)
}
