package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// One Deskline per user: `deskline tel:+49301234567` started from a mail
// or a browser hands its arguments to the Deskline already running and
// exits, so the user sees one tray icon and the number is dialled there.
// main does:
//
//	inst, err := app.ClaimInstance(path, onArgs)
//	if errors.Is(err, app.ErrRunning) {
//		err = app.HandOff(path, os.Args[1:]) // then exit
//	}
//
// Claiming first and handing off second settles two processes started at
// once: binding the socket is atomic, so exactly one of them wins.
//
// The wire format on the socket is one JSON line {"args":[…]} from the
// new process, answered by one line "ok" or "error <text>".

// Limits of the instance socket. A handoff carries a command line, so
// they are generous for that and small for anything else.
const (
	// maxInstanceMessage bounds one handoff line (without its newline):
	// a tel: link is a few dozen bytes; a file path a few hundred.
	maxInstanceMessage = 16 << 10
	// maxInstanceArgs bounds the arguments of one handoff.
	maxInstanceArgs = 16
	// instanceIODeadline bounds each connection, both ways, so a silent
	// or garbage peer never holds the listener or a starting process.
	instanceIODeadline = 2 * time.Second
	// maxInstanceConns bounds the connections served at once; more wait
	// in the listen backlog.
	maxInstanceConns = 16
	// instanceQueue is how many accepted handoffs may wait for handle.
	instanceQueue = 32
	// maxSocketPathLen is the longest socket path every system takes:
	// macOS's sun_path holds 104 bytes with the closing NUL (Linux and
	// Windows 108).
	maxSocketPathLen = 103
	// claimLockWait is how long a starting process waits for another
	// one's claim: a bind and at most one probe of a live instance.
	claimLockWait = instanceIODeadline + time.Second
	// claimLockPoll is how often a waiting process looks at the lock.
	claimLockPoll = 5 * time.Millisecond
	// staleClaimLock is the age past which a claim lock is taken to be
	// left by a process that crashed while holding it.
	staleClaimLock = 10 * time.Second
)

// File names of the instance socket.
const (
	runtimeSocketName = "deskline.sock" // in $XDG_RUNTIME_DIR
	configSocketName  = "instance.sock" // in ConfigDir()
	claimLockSuffix   = ".lock"         // next to the socket, see lockClaim
)

var (
	// ErrRunning says another instance holds the socket (ClaimInstance).
	ErrRunning = errors.New("app: Deskline is already running for this user")
	// ErrNotRunning says nobody listens on the socket (HandOff): the
	// caller starts as the instance itself.
	ErrNotRunning = errors.New("app: no running Deskline to hand over to")
)

// InstanceSocketPath is where this user's running Deskline listens:
// $XDG_RUNTIME_DIR/deskline.sock when set, else <ConfigDir()>/instance.sock
// (the folder is created 0700). DESKLINE_CONFIG_DIR moves it with the
// config, so each profile (and each test, and the demo) has its own.
func InstanceSocketPath() (string, error) {
	if os.Getenv(ConfigDirEnv) == "" {
		// The XDG spec says to ignore a relative XDG_RUNTIME_DIR.
		if run := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(run) {
			return filepath.Join(run, runtimeSocketName), nil
		}
	}
	dir, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, configSocketName), nil
}

// Instance is this process holding the instance socket.
type Instance struct {
	ln      net.Listener
	handle  func(args []string)
	queue   chan []string
	closing chan struct{}
	slots   chan struct{} // maxInstanceConns tokens
	conns   sync.WaitGroup
	handled chan struct{} // closed when the queue is drained
	stopped chan struct{} // closed when accept returns
	mu      sync.Mutex
	open    map[net.Conn]bool
	once    sync.Once
}

// ClaimInstance makes this process the running instance: it listens on
// path and calls handle (from its own goroutine, one message at a time)
// with the arguments each later process hands over. handle should return
// quickly (pass the work to the UI); handoffs queue meanwhile. If another
// live instance already listens it returns ErrRunning; a stale socket
// file left by a crash (or any plain file in its place) is removed and
// claimed.
func ClaimInstance(path string, handle func(args []string)) (*Instance, error) {
	if err := checkSocketPath(path); err != nil {
		return nil, err
	}
	// Claims are serialised: a socket that is bound but not yet
	// listening refuses connections just like a dead one, so a probe
	// is only conclusive while no other claim is under way.
	unlock, err := lockClaim(path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ln, err := listenInstance(path)
	if err != nil {
		ln, err = claimStale(path, err)
	}
	if err != nil {
		return nil, err
	}
	i := &Instance{ln: ln, handle: handle, queue: make(chan []string, instanceQueue),
		closing: make(chan struct{}), slots: make(chan struct{}, maxInstanceConns),
		handled: make(chan struct{}), stopped: make(chan struct{}), open: make(map[net.Conn]bool)}
	go i.deliver()
	go i.accept()
	return i, nil
}

// checkSocketPath refuses a path the system would refuse with a bare
// "invalid argument".
func checkSocketPath(path string) error {
	if len(path) > maxSocketPathLen {
		return fmt.Errorf("app: instance socket path %s is %d bytes, the system takes at most %d (set %s to a shorter folder)",
			path, len(path), maxSocketPathLen, ConfigDirEnv)
	}
	return nil
}

// listenInstance binds path, which fails when any file is there.
func listenInstance(path string) (net.Listener, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	// Only this user may hand over. The folder (0700, or the per-user
	// XDG_RUNTIME_DIR) already keeps others out in the moment before.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("app: instance socket %s: %w", path, err)
	}
	return ln, nil
}

// claimStale handles a failed bind (under the claim lock): a live
// instance gives ErrRunning, a dead socket or plain file is removed and
// the path bound.
func claimStale(path string, bindErr error) (net.Listener, error) {
	fi, err := os.Lstat(path)
	if err != nil { // nothing in the way: the bind failed for its own reason
		return nil, fmt.Errorf("app: listen on %s: %w", path, bindErr)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("app: instance socket %s is a folder; remove it", path)
	}
	if err := probeInstance(path); err != nil {
		return nil, err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("app: remove stale instance socket %s: %w", path, err)
	}
	ln, err := listenInstance(path)
	if err != nil {
		return nil, fmt.Errorf("app: listen on %s: %w", path, err)
	}
	return ln, nil
}

// probeInstance returns ErrRunning when an instance answers on path and
// nil when the file there is dead.
func probeInstance(path string) error {
	c, err := net.DialTimeout("unix", path, instanceIODeadline)
	switch {
	case err == nil:
		c.Close() // the instance sees a connection without a message
		return ErrRunning
	case swamped(err):
		return ErrRunning
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("app: instance socket %s belongs to someone else: %w", path, err)
	}
	return nil // refused: nobody listens (or it is no socket at all)
}

// swamped reports a dial error of a live instance with a full backlog.
func swamped(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EAGAIN)
}

// lockClaim serialises claims with a lock file created exclusively next
// to the socket; it returns the unlock. The lock is held for a bind and
// at most one probe, so a lock older than staleClaimLock was left by a
// crash. (Two processes that both find such a lock may both remove it;
// that needs a crash inside a millisecond window first, and is accepted.)
func lockClaim(path string) (func(), error) {
	lock := path + claimLockSuffix
	deadline := time.Now().Add(claimLockWait)
	for {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(lock) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("app: lock %s: %w", lock, err)
		}
		if fi, err := os.Stat(lock); err == nil && time.Since(fi.ModTime()) > staleClaimLock {
			os.Remove(lock) // its holder crashed
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("app: another Deskline is starting (it holds %s); try again", lock)
		}
		time.Sleep(claimLockPoll)
	}
}

// Close stops listening, removes the socket file, ends the connections
// being served and waits until handle has seen every accepted handoff.
func (i *Instance) Close() error {
	var err error
	i.once.Do(func() {
		close(i.closing)
		err = i.ln.Close() // package net unlinks the socket file it created
		<-i.stopped
		i.mu.Lock()
		for c := range i.open {
			c.Close()
		}
		i.mu.Unlock()
		i.conns.Wait()
		close(i.queue)
		<-i.handled
	})
	if err != nil {
		return fmt.Errorf("app: close instance socket: %w", err)
	}
	return nil
}

// deliver calls handle for each accepted handoff, one at a time.
func (i *Instance) deliver() {
	defer close(i.handled)
	for args := range i.queue {
		i.handle(args)
	}
}

// accept serves each connection in its own goroutine.
func (i *Instance) accept() {
	defer close(i.stopped)
	for {
		select {
		case i.slots <- struct{}{}:
		case <-i.closing:
			return
		}
		c, err := i.ln.Accept()
		if err != nil {
			<-i.slots
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(50 * time.Millisecond) // out of file descriptors, say: do not spin
			continue
		}
		if !i.track(c) {
			c.Close()
			<-i.slots
			return
		}
		go i.serve(c)
	}
}

// track registers c so Close can end it; false once closing.
func (i *Instance) track(c net.Conn) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	select {
	case <-i.closing:
		return false
	default:
	}
	i.open[c] = true
	i.conns.Add(1)
	return true
}

// serve reads one handoff from c and answers it.
func (i *Instance) serve(c net.Conn) {
	defer func() {
		c.Close()
		i.mu.Lock()
		delete(i.open, c)
		i.mu.Unlock()
		i.conns.Done()
		<-i.slots
	}()
	deadline := time.Now().Add(instanceIODeadline)
	c.SetDeadline(deadline)
	line, err := readInstanceLine(bufio.NewReaderSize(c, maxInstanceMessage+1))
	if errors.Is(err, io.EOF) && len(line) == 0 {
		return // a probe (probeInstance) or a peer that gave up
	}
	var args []string
	if err == nil {
		args, err = decodeHandoff(line)
	}
	if err == nil {
		err = i.enqueue(args, deadline)
	}
	reply := "ok\n"
	if err != nil {
		reply = "error " + oneLine(err.Error()) + "\n"
	}
	io.WriteString(c, reply)
}

// enqueue hands args to deliver, waiting while the queue is full until
// the connection's deadline.
func (i *Instance) enqueue(args []string, deadline time.Time) error {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case i.queue <- args:
		return nil
	case <-i.closing:
		return errors.New("the running Deskline is quitting")
	case <-t.C:
		return errors.New("the running Deskline is busy")
	}
}

// readInstanceLine reads one line of at most maxInstanceMessage bytes
// from a reader sized to hold it.
func readInstanceLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > maxInstanceMessage+1:
		return nil, fmt.Errorf("message longer than %d bytes", maxInstanceMessage)
	case err != nil && len(line) == 0:
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("message not ended by a newline (%v)", err)
	}
	return line, nil
}

// handoff is the message a starting process sends.
type handoff struct {
	Args []string `json:"args"`
}

// decodeHandoff reads {"args":[…]} strictly: a peer that sends anything
// else is not a Deskline.
func decodeHandoff(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var h handoff
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("not a handoff message: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not a handoff message: data after the object")
	}
	if h.Args == nil {
		return nil, errors.New(`not a handoff message: no "args" list`)
	}
	if len(h.Args) > maxInstanceArgs {
		return nil, fmt.Errorf("%d arguments, at most %d", len(h.Args), maxInstanceArgs)
	}
	return h.Args, nil
}

// oneLine keeps an error on the one reply line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// HandOff gives args to the running instance on path and returns nil once
// it accepted them. When nobody listens the error wraps ErrNotRunning, and
// the caller starts as the instance itself (ClaimInstance).
func HandOff(path string, args []string) error {
	if args == nil {
		args = []string{} // no arguments: the instance shows itself
	}
	if len(args) > maxInstanceArgs {
		return fmt.Errorf("app: hand off: %d arguments, at most %d", len(args), maxInstanceArgs)
	}
	msg, err := json.Marshal(handoff{Args: args})
	if err != nil {
		return fmt.Errorf("app: hand off: %w", err)
	}
	if len(msg) > maxInstanceMessage {
		return fmt.Errorf("app: hand off: arguments are %d bytes as JSON, at most %d", len(msg), maxInstanceMessage)
	}
	if err := checkSocketPath(path); err != nil {
		return err
	}
	c, err := net.DialTimeout("unix", path, instanceIODeadline)
	if err != nil && swamped(err) {
		return fmt.Errorf("app: the running Deskline at %s does not answer: %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("%w (%s: %v)", ErrNotRunning, path, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(instanceIODeadline))
	if _, err := c.Write(append(msg, '\n')); err != nil {
		return fmt.Errorf("app: hand off to the running Deskline at %s: %w", path, err)
	}
	return readHandoffReply(c, path)
}

// maxInstanceReply bounds the answer line: "ok" or a short error.
const maxInstanceReply = 1 << 10

// readHandoffReply reads "ok" or "error <text>".
func readHandoffReply(c net.Conn, path string) error {
	line, err := bufio.NewReaderSize(io.LimitReader(c, maxInstanceReply), maxInstanceReply).ReadString('\n')
	if err != nil {
		return fmt.Errorf("app: hand off to the running Deskline at %s: no answer: %w", path, err)
	}
	line = strings.TrimSuffix(line, "\n")
	if line == "ok" {
		return nil
	}
	if text, ok := strings.CutPrefix(line, "error "); ok {
		return fmt.Errorf("app: the running Deskline refused the handoff: %s", text)
	}
	return fmt.Errorf("app: hand off to %s: answer %q is not Deskline's", path, oneLine(line))
}
