// Package natstest runs a real NATS JetStream cluster on loopback for
// tests and for the load tool: nats-server processes built from the
// module this repository pins (github.com/nats-io/nats-server/v2), each
// with its own store directory, clustered by routes. They are processes,
// not goroutines, so a test can kill -9 one, freeze it (SIGSTOP) or start
// it again on the same store, as an operator's machine would see it.
//
// Tests use Start (a testing.TB, failures are fatal, cleanup is
// automatic); other programs use Build, Launch and Cluster.Stop, which
// return errors.
//
// The one invariant: every server started is stopped by the test's
// cleanup (Start) or by Cluster.Stop (Launch), whatever was done to it,
// and dies with the process that started it (Pdeathsig).
package natstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// readyTimeout bounds how long a cluster may take to elect its JetStream
// meta leader: a few seconds on a busy machine.
const readyTimeout = 60 * time.Second

// listenTimeout bounds how long one server may take to listen after its
// process started.
const listenTimeout = 20 * time.Second

// ClusterName is the NATS cluster's name in every test cluster.
const ClusterName = "deskline-test"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds nats-server from the pinned module once per test binary
// and returns its path. The go build cache makes later builds quick.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "natstest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath, buildErr = Build(dir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Build builds nats-server from the pinned module (a go.mod tool) into
// dir and returns its path. It must run inside the Deskline module.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "nats-server")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("natstest: build nats-server: %v\n%s", err, out)
	}
	return bin, nil
}

// Node is one nats-server process of a Cluster.
type Node struct {
	Name string
	URL  string // nats://127.0.0.1:port, for clients
	t    testing.TB
	bin  string
	conf string
	logf string

	mu  sync.Mutex
	cmd *exec.Cmd
	out <-chan struct{} // closed when the running process has exited
}

// Cluster is a JetStream cluster of Nodes on loopback.
type Cluster struct {
	Nodes []*Node
}

// Start starts an n-server JetStream cluster (n ≥ 1) and waits until
// JetStream answers on every server. The servers are killed at cleanup.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	c, err := configure(Binary(t), t.TempDir(), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, nd := range c.Nodes {
		nd.t = t
	}
	t.Cleanup(c.Stop)
	for _, nd := range c.Nodes {
		nd.Start()
	}
	c.WaitReady(t)
	return c
}

// Launch starts an n-server JetStream cluster (n ≥ 1) of the nats-server
// binary bin, with its configs, logs and stores in dir, and waits until
// JetStream answers on every server. The caller stops it with Stop; on
// an error nothing is left running.
func Launch(ctx context.Context, bin, dir string, n int) (*Cluster, error) {
	c, err := configure(bin, dir, n)
	if err != nil {
		return nil, err
	}
	for _, nd := range c.Nodes {
		if err := nd.Run(); err != nil {
			c.Stop()
			return nil, err
		}
	}
	if err := c.Ready(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// configure writes the n servers' configs into dir.
func configure(bin, dir string, n int) (*Cluster, error) {
	if n < 1 {
		return nil, fmt.Errorf("natstest: %d servers: want at least 1", n)
	}
	clientPorts, err := freePorts(n)
	if err != nil {
		return nil, err
	}
	routePorts, err := freePorts(n)
	if err != nil {
		return nil, err
	}
	c := &Cluster{}
	for i := range n {
		name := fmt.Sprintf("n%d", i+1)
		var routes []string
		for j, p := range routePorts {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		nd := &Node{Name: name, URL: fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]), bin: bin,
			conf: filepath.Join(dir, name+".conf"), logf: filepath.Join(dir, name+".log")}
		conf := fmt.Sprintf(`server_name: %s
listen: "127.0.0.1:%d"
jetstream { store_dir: %q }
`, name, clientPorts[i], filepath.Join(dir, name+"-store"))
		if n > 1 {
			// no_advertise: a client knows only the URLs it was given, so
			// a Proxy can cut it off (it would reconnect around it).
			conf += fmt.Sprintf("cluster { name: %s\n listen: \"127.0.0.1:%d\"\n no_advertise: true\n routes: [%s] }\n",
				ClusterName, routePorts[i], strings.Join(quoted(routes), ", "))
		}
		if err := os.WriteFile(nd.conf, []byte(conf), 0o600); err != nil {
			return nil, fmt.Errorf("natstest: %w", err)
		}
		c.Nodes = append(c.Nodes, nd)
	}
	return c, nil
}

// Stop kills every server (kill -9) and waits for them.
func (c *Cluster) Stop() {
	for _, nd := range c.Nodes {
		nd.Kill()
	}
}

// URLs are the client URLs of every server, for a client's server list.
func (c *Cluster) URLs() []string {
	var u []string
	for _, nd := range c.Nodes {
		u = append(u, nd.URL)
	}
	return u
}

// WaitReady waits until JetStream answers through every running server:
// its meta leader is elected and it accepts account requests.
func (c *Cluster) WaitReady(t testing.TB) {
	t.Helper()
	if err := c.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Ready waits until JetStream answers through every running server, at
// most readyTimeout.
func (c *Cluster) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for _, nd := range c.Nodes {
		if !nd.Running() {
			continue
		}
		if err := waitJetStream(ctx, nd.URL); err != nil {
			return fmt.Errorf("natstest: %s: JetStream not ready: %v\n%s", nd.Name, err, nd.Log())
		}
	}
	return nil
}

func waitJetStream(ctx context.Context, url string) error {
	var last error
	for {
		if err := tryJetStream(ctx, url); err == nil {
			return nil
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func tryJetStream(ctx context.Context, url string) error {
	nc, err := nats.Connect(url, nats.Timeout(time.Second))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, err = js.AccountInfo(actx)
	return err
}

// Start starts the node's process (again, on the same ports and store);
// a failure fails the test. For nodes of a Start cluster only.
func (nd *Node) Start() {
	nd.t.Helper()
	if err := nd.Run(); err != nil {
		nd.t.Fatal(err)
	}
}

// Run starts the node's process (again, on the same ports and store) and
// waits until it listens.
func (nd *Node) Run() error {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd != nil {
		return fmt.Errorf("natstest: %s is already running", nd.Name)
	}
	logf, err := os.OpenFile(nd.logf, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("natstest: %w", err)
	}
	cmd := exec.Command(nd.bin, "-c", nd.conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := launch(cmd, logf)
	if err != nil {
		return fmt.Errorf("natstest: start %s: %w", nd.Name, err)
	}
	nd.cmd, nd.out = cmd, out
	if err := waitPort(strings.TrimPrefix(nd.URL, "nats://"), listenTimeout, out); err != nil {
		return fmt.Errorf("natstest: %s: %v\n%s", nd.Name, err, nd.Log())
	}
	return nil
}

// launch starts cmd from a goroutine locked to its OS thread that lives
// until the process is waited for: Pdeathsig fires when the starting
// thread ends, so the server dies with this process, and not before. The
// channel is closed once the process has exited (logf then closed).
func launch(cmd *exec.Cmd, logf *os.File) (<-chan struct{}, error) {
	started := make(chan error, 1)
	out := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the child
		if err := cmd.Start(); err != nil {
			logf.Close()
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		logf.Close()
		close(out)
	}()
	return out, <-started
}

// Kill kills the node's process with SIGKILL (kill -9) and waits for it.
// A node not running is left alone.
func (nd *Node) Kill() {
	nd.mu.Lock()
	cmd, out := nd.cmd, nd.out
	nd.cmd, nd.out = nil, nil
	nd.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGCONT) // a frozen process dies too
	cmd.Process.Kill()
	<-out
}

// Freeze stops the node's process with SIGSTOP; Thaw lets it go on.
func (nd *Node) Freeze() { nd.signal(syscall.SIGSTOP) }

// Thaw continues a frozen node.
func (nd *Node) Thaw() { nd.signal(syscall.SIGCONT) }

func (nd *Node) signal(s syscall.Signal) {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd != nil {
		nd.cmd.Process.Signal(s)
	}
}

// Running reports whether the node's process runs.
func (nd *Node) Running() bool {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.cmd != nil
}

// Log is what the node's processes have written so far, for a failure
// message.
func (nd *Node) Log() string {
	b, _ := os.ReadFile(nd.logf)
	if len(b) > 8<<10 {
		b = append([]byte("…"), b[len(b)-8<<10:]...)
	}
	return string(bytes.TrimSpace(b))
}

// LogPath is the file the node's processes write their output to.
func (nd *Node) LogPath() string { return nd.logf }

// freePorts returns n TCP ports free on loopback now. Another process may
// take one before the server binds it; the server then fails to start and
// says so.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("natstest: free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// waitPort waits until addr accepts connections, the process exits (out
// closed) or d passes.
func waitPort(addr string, d time.Duration, out <-chan struct{}) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		select {
		case <-out:
			return errors.New("nats-server exited at start")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("nats-server did not listen on %s within %v", addr, d)
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
