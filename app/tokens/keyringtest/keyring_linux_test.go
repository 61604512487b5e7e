package keyringtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deskline/deskline/app/tokens"
)

// TestRealKeyring stores, reads and deletes tokens in a real gnome-keyring.
// The parent starts a private D-Bus session with dbus-run-session; inside
// it, a shell starts gnome-keyring-daemon with a fresh HOME, unlocks it
// with a password on stdin (a new login keyring is created), and runs this
// test binary again with -test.run=^TestRealKeyring$ and envChild=real.
// The child does the checks. Afterwards the shell stops the daemon, the bus
// ends, and the parent checks that no process of the run is left.
func TestRealKeyring(t *testing.T) {
	if os.Getenv(envChild) == "real" {
		realKeyringChild(t)
		return
	}
	requireTools(t)
	start := time.Now()
	out := runChild(t, session{
		test:        "TestRealKeyring",
		scenario:    "real",
		dbusSession: true,
		keyring:     "unlocked",
	})
	requireChildPass(t, out, "TestRealKeyring")
	t.Logf("real keyring session, daemon start to cleanup: %v", time.Since(start).Round(time.Millisecond))
}

func realKeyringChild(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("child of TestRealKeyring runs without a D-Bus session")
	}
	if err := tokens.ProbeKeyring(); err != nil {
		t.Fatalf("ProbeKeyring on an unlocked gnome-keyring: %v", err)
	}
	s := tokens.NewKeyring()
	if _, err := s.Get(testServer, "alice"); !errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("Get on a new keyring: err = %v, want ErrNotFound", err)
	}
	if err := s.Set(testServer, "alice", testToken); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := s.Set(testServer, "bob", testToken+"-bob"); err != nil {
		t.Fatalf("Set bob: %v", err)
	}
	// Another store (as after a restart) reads what the first one stored.
	s2 := tokens.NewKeyring()
	if got, err := s2.Get(testServer, "alice"); err != nil || got != testToken {
		t.Fatalf("Get = %q, %v; want the token", got, err)
	}
	if got, err := s2.Get(testServer, "bob"); err != nil || got != testToken+"-bob" {
		t.Fatalf("Get bob = %q, %v; want bob's token", got, err)
	}
	if err := s.Set(testServer, "alice", testToken+"-2"); err != nil {
		t.Fatalf("Set replacing: %v", err)
	}
	if got, err := s.Get(testServer, "alice"); err != nil || got != testToken+"-2" {
		t.Fatalf("Get after replace = %q, %v", got, err)
	}
	if err := s.Delete(testServer, "alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(testServer, "alice"); !errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if got, err := s.Get(testServer, "bob"); err != nil || got != testToken+"-bob" {
		t.Fatalf("Delete of alice touched bob: %q, %v", got, err)
	}
	if err := s.Delete(testServer, "alice"); err != nil {
		t.Fatalf("Delete of a missing token = %v, want nil", err)
	}
	if err := s.Delete(testServer, "bob"); err != nil {
		t.Fatalf("Delete bob: %v", err)
	}
	// The tokens went to gnome-keyring, which keeps its keyrings encrypted
	// under XDG_DATA_HOME: no file of the session holds a token in plain
	// text.
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_DATA_HOME"), "keyrings", "login.keyring")); err != nil {
		t.Fatalf("gnome-keyring wrote no login keyring: %v", err)
	}
	requireNoPlaintext(t, testToken)
}

// TestNoKeyring checks, for real, each way a Linux session can lack a
// usable keyring: every Keyring call and ProbeKeyring give a
// *NoKeyringError that says why and that the password will be asked for at
// every start, and the explicit fallback, a Memory store, works.
func TestNoKeyring(t *testing.T) {
	if scenario := os.Getenv(envChild); scenario != "" {
		noKeyringChild(t, scenario, os.Getenv(envWant))
		return
	}
	requireTools(t)
	cases := []struct {
		name string
		s    session
		want string // in the NoKeyringError's message
	}{
		// No DBUS_SESSION_BUS_ADDRESS, nothing at $XDG_RUNTIME_DIR/bus,
		// and no dbus-launch on PATH to autolaunch a bus with.
		{"no session bus", session{emptyPATH: true}, "no D-Bus session bus"},
		// An address whose socket does not exist.
		{"bus address pointing nowhere", session{emptyPATH: true, busNowhere: true}, "no D-Bus session bus"},
		// A bus that cannot start the Secret Service (no service files).
		{"no secret service", session{dbusSession: true, bareBus: true}, "no Secret Service"},
		// gnome-keyring running, but its keyring is not unlocked (no
		// password at login, no prompt without a display).
		{"locked keyring", session{dbusSession: true, keyring: "locked"}, "the keyring is locked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.test = "TestNoKeyring"
			c.s.scenario = c.name
			c.s.want = c.want
			out := runChild(t, c.s)
			requireChildPass(t, out, "TestNoKeyring")
		})
	}
}

func noKeyringChild(t *testing.T, scenario, want string) {
	t.Logf("scenario %q", scenario)
	check := func(op string, err error) {
		t.Helper()
		var nk *tokens.NoKeyringError
		if !errors.As(err, &nk) {
			t.Fatalf("%s: err = %v (%T), want *tokens.NoKeyringError", op, err, err)
		}
		if nk.Err == nil || errors.Unwrap(nk) == nil {
			t.Fatalf("%s: %v has no cause", op, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "tokens: no keyring available (") ||
			!strings.HasSuffix(msg, "): Deskline will ask for the password at every start") {
			t.Fatalf("%s: message %q has not the documented form", op, msg)
		}
		if !strings.Contains(msg, want) {
			t.Fatalf("%s: message %q does not say %q", op, msg, want)
		}
		if strings.Contains(msg, testToken) {
			t.Fatalf("%s: message quotes the token", op)
		}
		t.Logf("%s: %v", op, err)
	}
	probe := tokens.ProbeKeyring()
	check("ProbeKeyring", probe)

	s := tokens.NewKeyring()
	check("Set", s.Set(testServer, "alice", testToken))
	_, err := s.Get(testServer, "alice")
	if errors.Is(err, tokens.ErrNotFound) {
		t.Fatalf("Get: a missing keyring must not look like an empty one: %v", err)
	}
	check("Get", err)
	check("Delete", s.Delete(testServer, "alice"))

	// The explicit fallback: this run only, nothing written anywhere.
	var store tokens.Store = tokens.NewMemory()
	if err := store.Set(testServer, "alice", testToken); err != nil {
		t.Fatalf("Memory.Set: %v", err)
	}
	if got, err := store.Get(testServer, "alice"); err != nil || got != testToken {
		t.Fatalf("Memory.Get = %q, %v", got, err)
	}
	requireNoPlaintext(t, testToken)
}

// session describes the child process of one test case.
type session struct {
	test, scenario, want string

	dbusSession bool   // run under dbus-run-session
	bareBus     bool   // … with a bus configuration that has no service files
	keyring     string // "unlocked", "locked" or "" (no gnome-keyring-daemon)
	emptyPATH   bool   // the child gets an empty PATH (no dbus-launch)
	busNowhere  bool   // DBUS_SESSION_BUS_ADDRESS names a missing socket
}

// keyringScript runs inside dbus-run-session: it starts gnome-keyring-daemon
// in the foreground (as a child of this shell, so the shell can stop it),
// unlocked with a password on stdin or not, waits for its control socket,
// registers its Secret Service on the bus (--start), then runs "$0" "$@"
// (the test binary) and stops the daemon, keeping the test's exit code.
const keyringScript = `
log="$HOME/gnome-keyring-daemon.log"
if [ "$` + envUnlock + `" = yes ]; then
	printf %s deskline-test | gnome-keyring-daemon --foreground --unlock --components=secrets >>"$log" 2>&1 &
else
	gnome-keyring-daemon --foreground --start --components=secrets </dev/null >>"$log" 2>&1 &
fi
kpid=$!
stop() { kill "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null; }
i=0
while [ ! -S "$XDG_RUNTIME_DIR/keyring/control" ]; do
	i=$((i+1))
	if [ "$i" -gt 200 ] || ! kill -0 "$kpid" 2>/dev/null; then
		echo "keyringtest: gnome-keyring-daemon did not start:"; cat "$log"; stop; exit 97
	fi
	sleep 0.05
done
if ! gnome-keyring-daemon --start --components=secrets </dev/null >>"$log" 2>&1; then
	echo "keyringtest: gnome-keyring-daemon --start failed:"; cat "$log"; stop; exit 97
fi
rc=0
"$0" "$@" || rc=$?
stop
exit "$rc"
`

// bareBusConfig is a session bus without service directories: nothing can
// be activated, so org.freedesktop.secrets is never there.
const bareBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// runChild runs the test binary again for s.test, in the environment s
// describes, and returns its output. It bounds the run with sessionTimeout
// and makes sure no process of the run (a keyring daemon, a bus) outlives
// it: every process of the run inherits envRun=<unique value>, and those
// still alive afterwards are reported as strays and killed.
func runChild(t *testing.T, s session) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	// XDG_RUNTIME_DIR holds sockets, whose paths must stay under 108
	// bytes: a short name, created 0700 as XDG_RUNTIME_DIR must be.
	runtimeDir, err := os.MkdirTemp("", "dkr-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(runtimeDir) })
	runID := fmt.Sprintf("%d-%s", os.Getpid(), home)
	t.Cleanup(func() { killStrays(t, runID) })

	env := cleanEnv()
	env = append(env,
		// The race detector sleeps 1 s at exit by default; not needed here.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"),
		envChild+"="+s.scenario,
		envWant+"="+s.want,
		envRun+"="+runID,
		"HOME="+home,
		"XDG_RUNTIME_DIR="+runtimeDir,
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
	)
	if s.emptyPATH {
		env = append(env, "PATH="+t.TempDir())
	} else {
		env = append(env, "PATH="+os.Getenv("PATH"))
	}
	if s.busNowhere {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(runtimeDir, "no-such-bus"))
	}
	if s.keyring == "unlocked" {
		env = append(env, envUnlock+"=yes")
	}

	childArgs := []string{"-test.run=^" + s.test + "$", "-test.v", "-test.count=1", "-test.timeout=45s"}
	var name string
	var args []string
	switch {
	case !s.dbusSession:
		name, args = self, childArgs
	default:
		name = "dbus-run-session"
		if s.bareBus {
			conf := filepath.Join(home, "bus.conf")
			if err := os.WriteFile(conf, fmt.Appendf(nil, bareBusConfig, runtimeDir), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--config-file="+conf)
		}
		args = append(args, "--")
		if s.keyring != "" {
			args = append(args, "sh", "-c", keyringScript, self)
		} else {
			args = append(args, self)
		}
		args = append(args, childArgs...)
	}

	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = home
	// A file, not a pipe: a daemon that inherited it cannot make Wait hang.
	outFile, err := os.Create(filepath.Join(t.TempDir(), "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()
	cmd.Stdout, cmd.Stderr = outFile, outFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)
	outBytes, err := os.ReadFile(outFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	out := string(outBytes)
	if ctx.Err() != nil {
		t.Fatalf("%s: the child session did not end within %v; its output:\n%s", s.scenario, sessionTimeout, out)
	}
	if runErr != nil {
		t.Fatalf("%s: child session failed (%v) after %v; its output:\n%s", s.scenario, runErr, elapsed.Round(time.Millisecond), out)
	}
	if testing.Verbose() {
		t.Logf("%s: child session took %v; its output:\n%s", s.scenario, elapsed.Round(time.Millisecond), out)
	}
	// When the bus ends, what ran on it ends too, within moments.
	deadline := time.Now().Add(5 * time.Second)
	for len(findRun(runID)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := findRun(runID); len(left) > 0 {
		t.Errorf("%s: processes of the session still run 5 s after it ended (killed now): %s", s.scenario, describe(left))
		killStrays(t, runID)
	}
	return out
}

// requireChildPass makes sure the child ran the test and passed: a child
// that skipped, or ran nothing, must not count as a pass.
func requireChildPass(t *testing.T, out, test string) {
	t.Helper()
	if !strings.Contains(out, "--- PASS: "+test+" ") || strings.Contains(out, "--- SKIP") {
		t.Fatalf("the child did not run and pass %s; its output:\n%s", test, out)
	}
}

// requireTools fails (never skips) when the tools for a real keyring are
// missing.
func requireTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "dbus-daemon", "gnome-keyring-daemon", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found (%v): run scripts/install-deps.sh, which installs gnome-keyring and dbus, then run the tests again", tool, err)
		}
	}
}

// cleanEnv is this process's environment without whatever could lead a
// child to the keyring, bus, display or files of the person running the
// tests.
func cleanEnv() []string {
	drop := map[string]bool{
		"HOME": true, "PATH": true, "DBUS_SESSION_BUS_ADDRESS": true, "DBUS_STARTER_ADDRESS": true,
		"DBUS_STARTER_BUS_TYPE": true, "XDG_RUNTIME_DIR": true, "XDG_DATA_HOME": true,
		"XDG_CONFIG_HOME": true, "XDG_CACHE_HOME": true, "DISPLAY": true, "WAYLAND_DISPLAY": true,
		"GNOME_KEYRING_CONTROL": true, "SSH_AUTH_SOCK": true, "GORACE": true,
		envChild: true, envWant: true, envRun: true, envUnlock: true,
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return env
}

// findRun returns the live processes (other than this one) whose
// environment holds envRun=runID. Zombies have no environment left and are
// not counted.
func findRun(runID string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	marker := []byte(envRun + "=" + runID)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(environ, []byte{0}) {
			if bytes.Equal(kv, marker) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// describe names processes by pid and command line.
func describe(pids []int) string {
	var b strings.Builder
	for _, pid := range pids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		fmt.Fprintf(&b, "\n  pid %d: %s", pid, strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))))
	}
	return b.String()
}

// killStrays kills, by pid, the processes of one run that are still alive.
func killStrays(t *testing.T, runID string) {
	for _, pid := range findRun(runID) {
		if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
			t.Logf("killed stray process %d", pid)
		}
	}
}

// requireNoPlaintext fails if a file under the child's HOME or
// XDG_RUNTIME_DIR holds token: a token never falls back to a plain file.
func requireNoPlaintext(t *testing.T, token string) {
	t.Helper()
	for _, dir := range []string{os.Getenv("HOME"), os.Getenv("XDG_RUNTIME_DIR")} {
		if dir == "" {
			t.Fatal("HOME or XDG_RUNTIME_DIR unset in the child")
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			data, err := os.ReadFile(path)
			if err == nil && bytes.Contains(data, []byte(token)) {
				t.Errorf("%s holds the token in plain text", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
