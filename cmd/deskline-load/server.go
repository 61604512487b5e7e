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

// serverProc is a server child process: deskline-server, or the
// baseline server. Restart mode stops and starts it again in place.
type serverProc struct {
	name    string   // for messages
	bin     string   // the binary and its arguments, to start it again
	args    []string // after a stop
	env     []string // nil: this process's environment
	addr    string   // host:port it listens on
	logPath string
	logFile *os.File

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the child has been waited for
	waitErr error         // valid once exited is closed
	cpuDone time.Duration // CPU time of the instances that have exited

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
	cfg, err := writeConfig(dir, addr, o)
	if err != nil {
		return nil, err
	}
	if err := checkConfig(ctx, bin, cfg); err != nil {
		return nil, err
	}
	s := &serverProc{name: "deskline-server", bin: bin, args: []string{"serve", "-config", cfg},
		addr: addr, logPath: filepath.Join(dir, "server.log")}
	if o.GCTrace {
		s.env = append(os.Environ(), "GODEBUG=gctrace=1")
	}
	return s, s.start(ctx, progress)
}

// start launches the child and waits until it is healthy.
func (s *serverProc) start(ctx context.Context, progress io.Writer) error {
	if err := s.launch(); err != nil {
		return err
	}
	if err := s.waitHealthy(ctx); err != nil {
		s.stop()
		return err
	}
	fmt.Fprintf(progress, "%s pid %d on %s\n", s.name, s.pid(), s.addr)
	return nil
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

// launch starts the child with its output in logPath (appended to, so
// a restarted server's log follows the first one's). The child
// is started from a goroutine locked to its OS thread that lives until the
// child is waited for: Pdeathsig fires when the starting thread ends, so
// the child dies with this process even on SIGKILL, and not before.
func (s *serverProc) launch() error {
	var err error
	if s.logFile, err = os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return err
	}
	s.exited = make(chan struct{})
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, s.logFile // stdout is the banner
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.cmd.Env = s.env
	started := make(chan error, 1)
	cmd, exited := s.cmd, s.exited
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the child
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		s.logFile.Close()
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	return nil
}

func (s *serverProc) pid() int        { return s.cmd.Process.Pid }
func (s *serverProc) httpURL() string { return "http://" + s.addr }
func (s *serverProc) wsURL() string   { return "ws://" + s.addr + "/v1/ws" }

// cpu is the CPU time the server has used, over all its instances.
func (s *serverProc) cpu() (time.Duration, error) {
	now, err := procCPU(s.pid())
	return s.cpuDone + now, err
}

// terminate sends SIGTERM (SIGKILL after stopWait), waits for the exit
// and returns how the child exited.
func (s *serverProc) terminate() string {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopWait):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.logFile.Close()
	if ps := s.cmd.ProcessState; ps != nil {
		s.cpuDone += ps.UserTime() + ps.SystemTime()
	}
	return exitText(s.waitErr)
}

// stop ends the server and returns its log lines and how it exited.
// Safe to call more than once.
func (s *serverProc) stop() (log []string, exit string) {
	s.stopOnce.Do(func() {
		s.exit = s.terminate()
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
