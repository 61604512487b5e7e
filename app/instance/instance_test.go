package instance

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/app/internal/configfile"
)

// instancePath is a socket path in a fresh folder, short enough for
// every system's limit.
func instancePath(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "instance.sock")
}

// claimForTest claims path and returns the channel handle feeds.
func claimForTest(t *testing.T, path string) (*Instance, chan []string) {
	t.Helper()
	got := make(chan []string, 100)
	inst, err := Claim(path, func(args []string) { got <- args })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst, got
}

func receive(t *testing.T, got chan []string, want []string) {
	t.Helper()
	select {
	case args := <-got:
		if !reflect.DeepEqual(args, want) {
			t.Fatalf("handed over %q, want %q", args, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%q never arrived", want)
	}
}

func TestSocketPath(t *testing.T) {
	cfg := t.TempDir()
	run := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", run)
	t.Setenv(configfile.DirEnv, cfg)
	if p, err := SocketPath(); err != nil || p != filepath.Join(cfg, "instance.sock") {
		t.Errorf("with %s: %q, %v; want it in the config folder", configfile.DirEnv, p, err)
	}
	t.Setenv(configfile.DirEnv, "")
	if p, err := SocketPath(); err != nil || p != filepath.Join(run, "deskline.sock") {
		t.Errorf("with XDG_RUNTIME_DIR: %q, %v", p, err)
	}
	base := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "relative") // ignored, as the XDG spec says
	t.Setenv("XDG_CONFIG_HOME", base)
	t.Setenv("HOME", base)
	t.Setenv("AppData", base)
	want, _ := os.UserConfigDir()
	want = filepath.Join(want, "deskline", "instance.sock")
	if p, err := SocketPath(); err != nil || p != want {
		t.Errorf("without both: %q, %v; want %q", p, err, want)
	}
	if fi, err := os.Stat(filepath.Dir(want)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("config folder not created 0700: %v", err)
	}
}

func TestInstanceHandOffDelivers(t *testing.T) {
	path := instancePath(t)
	_, got := claimForTest(t, path)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket file: %v, %v; want mode 0600", fi, err)
	}
	if err := HandOff(path, []string{"tel:+49301234567"}); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{"tel:+49301234567"})
	// No arguments (the user started it again): the instance shows itself.
	if err := HandOff(path, nil); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{})
	unicode := []string{"callto:Jürgen Weiß", "sip:201@pbx.example", "a\nb"}
	if err := HandOff(path, unicode); err != nil {
		t.Fatal(err)
	}
	receive(t, got, unicode)
}

func TestHandOffNotRunning(t *testing.T) {
	path := instancePath(t)
	start := time.Now()
	if err := HandOff(path, []string{"tel:1"}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("no socket: error %v, want ErrNotRunning", err)
	}
	os.WriteFile(path, []byte("left over"), 0o600)
	if err := HandOff(path, []string{"tel:1"}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("a plain file: error %v, want ErrNotRunning", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v to find nobody listens", d)
	}
}

// staleSocket leaves a socket file nobody listens on, as a crash does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatal(err)
	}
}

func TestClaimReclaimsStale(t *testing.T) {
	for name, leave := range map[string]func(*testing.T, string){
		"dead socket": staleSocket,
		"plain file":  func(t *testing.T, p string) { os.WriteFile(p, []byte("x"), 0o644) },
		"empty file":  func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			path := instancePath(t)
			leave(t, path)
			_, got := claimForTest(t, path)
			if err := HandOff(path, []string{"tel:201"}); err != nil {
				t.Fatal(err)
			}
			receive(t, got, []string{"tel:201"})
			if _, err := os.Stat(path + claimLockSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("claim lock left behind: %v", err)
			}
		})
	}
}

// A claim lock left by a process that crashed while clearing a stale
// socket must not keep Deskline from starting.
func TestClaimStaleLock(t *testing.T) {
	path := instancePath(t)
	staleSocket(t, path)
	lock := path + claimLockSuffix
	os.WriteFile(lock, nil, 0o600)
	old := time.Now().Add(-2 * staleClaimLock)
	os.Chtimes(lock, old, old)
	claimForTest(t, path)
	if err := HandOff(path, []string{"x"}); err != nil {
		t.Fatal(err)
	}
}

func TestClaimSecondGetsErrRunning(t *testing.T) {
	path := instancePath(t)
	_, got := claimForTest(t, path)
	if _, err := Claim(path, func([]string) {}); !errors.Is(err, ErrRunning) {
		t.Fatalf("second claim: error %v, want ErrRunning", err)
	}
	// The second claim's probe left the first instance working.
	if err := HandOff(path, []string{"after"}); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{"after"})
}

func TestClaimRefusesBadPaths(t *testing.T) {
	dir := instancePath(t)
	os.Mkdir(dir, 0o700)
	if _, err := Claim(dir, func([]string) {}); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("a folder in the way: error %v", err)
	}
	long := "/tmp/" + strings.Repeat("x", maxSocketPathLen) + ".sock"
	if _, err := Claim(long, func([]string) {}); err == nil || !strings.Contains(err.Error(), "at most 103") {
		t.Errorf("too long a path: error %v", err)
	}
	missing := filepath.Join(filepath.Dir(dir), "no", "such", "folder.sock")
	if _, err := Claim(missing, func([]string) {}); err == nil || !strings.HasPrefix(err.Error(), "instance: ") {
		t.Errorf("a missing folder: error %v", err)
	}
}

// rawExchange sends data on a fresh connection and returns the answer
// line ("" when the instance hung up without one).
func rawExchange(t *testing.T, path, data string) string {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(data)); err != nil {
		return "" // the instance may hang up on an oversized message first
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}

func TestInstanceRejectsBadPeers(t *testing.T) {
	path := instancePath(t)
	_, got := claimForTest(t, path)
	tooMany := fmt.Sprintf(`{"args":[%s"x"]}`+"\n", strings.Repeat(`"x",`, maxArgs))
	for _, c := range []struct{ name, send, want string }{
		{"oversized", `{"args":["` + strings.Repeat("a", maxMessage) + `"]}` + "\n", "error message longer than 16384 bytes\n"},
		{"garbage", "GET / HTTP/1.1\r\n", "error not a handoff message"},
		{"binary", "\x00\xff\xfe\n", "error not a handoff message"},
		{"unknown field", `{"args":[],"cmd":"rm"}` + "\n", `error not a handoff message: json: unknown field "cmd"`},
		{"no args", `{}` + "\n", `error not a handoff message: no "args" list`},
		{"two objects", `{"args":[]}{"args":[]}` + "\n", "error not a handoff message: data after the object"},
		{"args not strings", `{"args":[1]}` + "\n", "error not a handoff message"},
		{"too many args", tooMany, "error 17 arguments, at most 16\n"},
		{"no newline", `{"args":[]}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.want == "" {
				// Written, then half-closed: the instance sees EOF mid-line.
				conn, err := net.Dial("unix", path)
				if err != nil {
					t.Fatal(err)
				}
				conn.Write([]byte(c.send))
				conn.(*net.UnixConn).CloseWrite()
				line, _ := bufio.NewReader(conn).ReadString('\n')
				conn.Close()
				if !strings.HasPrefix(line, "error message not ended by a newline") {
					t.Fatalf("answer %q", line)
				}
				return
			}
			if line := rawExchange(t, path, c.send); !strings.HasPrefix(line, c.want) {
				t.Fatalf("answer %q, want %q…", line, c.want)
			}
		})
	}
	if err := HandOff(path, []string{"still works"}); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{"still works"})
	select {
	case args := <-got:
		t.Fatalf("a bad peer got %q through", args)
	default:
	}
}

// A peer that connects and says nothing is hung up on after the I/O
// deadline, and does not hold up anyone else meanwhile.
func TestInstanceSilentPeer(t *testing.T) {
	path := instancePath(t)
	_, got := claimForTest(t, path)
	silent, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if err := HandOff(path, []string{"meanwhile"}); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{"meanwhile"})
	silent.SetReadDeadline(time.Now().Add(ioDeadline + 3*time.Second))
	start := time.Now()
	n, err := silent.Read(make([]byte, 64))
	if err == nil || n != 0 {
		t.Fatalf("silent peer: read %d bytes, %v; want the instance to hang up", n, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the instance never hung up on a silent peer")
	}
	if d := time.Since(start); d > ioDeadline+time.Second {
		t.Fatalf("hung up after %v", d)
	}
	if err := HandOff(path, []string{"after"}); err != nil {
		t.Fatal(err)
	}
	receive(t, got, []string{"after"})
}

func TestHandOffRefusesTooMuch(t *testing.T) {
	path := instancePath(t)
	_, got := claimForTest(t, path)
	if err := HandOff(path, make([]string, maxArgs+1)); err == nil || !strings.Contains(err.Error(), "17 arguments, at most 16") {
		t.Errorf("too many arguments: %v", err)
	}
	if err := HandOff(path, []string{strings.Repeat("a", maxMessage)}); err == nil || !strings.Contains(err.Error(), "at most 16384") {
		t.Errorf("too long: %v", err)
	}
	full := make([]string, maxArgs) // the most that goes through
	for i := range full {
		full[i] = strings.Repeat("b", maxMessage/maxArgs-10)
	}
	if err := HandOff(path, full); err != nil {
		t.Fatal(err)
	}
	receive(t, got, full)
}

func TestInstanceCloseRemovesFileAndDrains(t *testing.T) {
	path := instancePath(t)
	release := make(chan struct{})
	var handled atomic.Int32
	inst, err := Claim(path, func([]string) { <-release; handled.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // accepted, queued behind a slow handle
		if err := HandOff(path, []string{fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	closed := make(chan error)
	go func() { closed <- inst.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned before handle saw the accepted handoffs")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if n := handled.Load(); n != 3 {
		t.Fatalf("handled %d of 3 accepted handoffs", n)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file after Close: %v", err)
	}
	if err := HandOff(path, []string{"x"}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("after Close: %v, want ErrNotRunning", err)
	}
	if err := inst.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// The path is free for the next Deskline.
	claimForTest(t, path)
}

func TestInstanceConcurrentHandOffs(t *testing.T) {
	path := instancePath(t)
	var mu sync.Mutex
	seen := map[string]bool{}
	var inside, overlap atomic.Int32
	inst, err := Claim(path, func(args []string) {
		if inside.Add(1) > 1 {
			overlap.Add(1)
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		seen[args[0]] = true
		mu.Unlock()
		inside.Add(-1)
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3 * maxConns
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() { errs <- HandOff(path, []string{fmt.Sprint("tel:", i)}) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	inst.Close()
	if len(seen) != n || overlap.Load() != 0 {
		t.Fatalf("delivered %d of %d, %d overlapping handle calls", len(seen), n, overlap.Load())
	}
}

// Processes started at once (a double click on a tel: link): exactly one
// becomes the instance, the others get ErrRunning and hand off — with or
// without a stale socket left by a crash to clear first.
func TestClaimRace(t *testing.T) {
	for _, stale := range []bool{false, true} {
		for round := range 10 {
			path := instancePath(t)
			if stale {
				staleSocket(t, path)
			}
			var wins atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					inst, err := Claim(path, func([]string) {})
					switch {
					case err == nil:
						wins.Add(1)
						t.Cleanup(func() { inst.Close() })
					case errors.Is(err, ErrRunning):
						if err := HandOff(path, []string{"x"}); err != nil {
							t.Errorf("loser's handoff: %v", err)
						}
					default:
						t.Errorf("claim: %v", err)
					}
				})
			}
			wg.Wait()
			if w := wins.Load(); w != 1 {
				t.Fatalf("stale %v round %d: %d instances won", stale, round, w)
			}
		}
	}
}
