package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverProc is the deskline-server child process.
type serverProc struct {
	addr    string // host:port it listens on
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	exited  chan struct{} // closed when the child has been waited for
	waitErr error         // valid once exited is closed

	stopOnce sync.Once
	log      []string
	exit     string
}

// Timeouts of the server's life cycle.
const (
	healthWait = 20 * time.Second // from start to a healthy /healthz
	stopWait   = 10 * time.Second // from SIGTERM to SIGKILL
)

// startServer builds the binary if needed, writes and checks the config,
// starts the server and waits until it is healthy.
func startServer(ctx context.Context, o options, dir string, progress io.Writer) (*serverProc, error) {
	bin := o.ServerBin
	if bin == "" {
		fmt.Fprintln(progress, "building deskline-server…")
		var err error
		if bin, err = buildServer(ctx, dir); err != nil {
			return nil, err
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cfg, err := writeConfig(dir, addr, o.Clients, o.EventLog)
	if err != nil {
		return nil, err
	}
	if err := checkConfig(ctx, bin, cfg); err != nil {
		return nil, err
	}
	s, err := launch(bin, cfg, addr, dir, o.GCTrace)
	if err != nil {
		return nil, err
	}
	if err := s.waitHealthy(ctx); err != nil {
		s.stop()
		return nil, err
	}
	fmt.Fprintf(progress, "server pid %d on %s\n", s.pid(), addr)
	return s, nil
}

// buildServer runs go build ./cmd/deskline-server in the module root.
func buildServer(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("finding the module root (go env GOMOD): %v; run from the deskline module or pass -server-bin", err)
	}
	bin := filepath.Join(dir, "deskline-server")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/deskline-server")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/deskline-server: %v\n%s", err, out)
	}
	return bin, nil
}

// freeAddr finds a free loopback port. Another process could take it
// before the server binds it; the server then fails to start, visibly.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func checkConfig(ctx context.Context, bin, cfg string) error {
	out, err := exec.CommandContext(ctx, bin, "check-config", cfg).CombinedOutput()
	if err != nil {
		return fmt.Errorf("deskline-server check-config %s: %v\n%s", cfg, err, out)
	}
	return nil
}

// launch starts the server with its output in dir/server.log (and the
// runtime's GC trace, with gctrace). The child
// is started from a goroutine locked to its OS thread that lives until the
// child is waited for: Pdeathsig fires when the starting thread ends, so
// the child dies with this process even on SIGKILL, and not before.
func launch(bin, cfg, addr, dir string, gctrace bool) (*serverProc, error) {
	s := &serverProc{addr: addr, logPath: filepath.Join(dir, "server.log"), exited: make(chan struct{})}
	var err error
	if s.logFile, err = os.Create(s.logPath); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve", "-config", cfg)
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, s.logFile // stdout is the banner
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if gctrace {
		s.cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the child
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := <-started; err != nil {
		s.logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	return s, nil
}

func (s *serverProc) pid() int        { return s.cmd.Process.Pid }
func (s *serverProc) httpURL() string { return "http://" + s.addr }
func (s *serverProc) wsURL() string   { return "ws://" + s.addr + "/v1/ws" }

// stop ends the server (SIGTERM, then SIGKILL after stopWait) and returns
// its log lines and how it exited. Safe to call more than once.
func (s *serverProc) stop() (log []string, exit string) {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopWait):
			s.cmd.Process.Kill()
			<-s.exited
		}
		s.logFile.Close()
		s.exit = exitText(s.waitErr)
		s.log = readLines(s.logPath)
	})
	return s.log, s.exit
}

func exitText(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &ee):
		return ee.ProcessState.String()
	}
	return err.Error()
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{"reading server log: " + err.Error()}
	}
	text := strings.TrimRight(string(b), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}
