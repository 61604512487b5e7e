package instance

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/deskline/deskline/app/internal/configfile"
)

// Claim makes this process the running instance: it listens on
// path and calls handle (from its own goroutine, one message at a time)
// with the arguments each later process hands over. handle should return
// quickly (pass the work to the UI); handoffs queue meanwhile. If another
// live instance already listens it returns ErrRunning; a stale socket
// file left by a crash (or any plain file in its place) is removed and
// claimed.
func Claim(path string, handle func(args []string)) (*Instance, error) {
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
	ln, err := listen(path)
	if err != nil {
		ln, err = claimStale(path, err)
	}
	if err != nil {
		return nil, err
	}
	i := &Instance{ln: ln, handle: handle, queue: make(chan []string, queueSize),
		closing: make(chan struct{}), slots: make(chan struct{}, maxConns),
		handled: make(chan struct{}), stopped: make(chan struct{}), open: make(map[net.Conn]bool)}
	go i.deliver()
	go i.accept()
	return i, nil
}

// checkSocketPath refuses a path the system would refuse with a bare
// "invalid argument".
func checkSocketPath(path string) error {
	if len(path) > maxSocketPathLen {
		return fmt.Errorf("instance: socket path %s is %d bytes, the system takes at most %d (set %s to a shorter folder)",
			path, len(path), maxSocketPathLen, configfile.DirEnv)
	}
	return nil
}

// listen binds path, which fails when any file is there.
func listen(path string) (net.Listener, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	// Only this user may hand over. The folder (0700, or the per-user
	// XDG_RUNTIME_DIR) already keeps others out in the moment before.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("instance: socket %s: %w", path, err)
	}
	return ln, nil
}

// claimStale handles a failed bind (under the claim lock): a live
// instance gives ErrRunning, a dead socket or plain file is removed and
// the path bound.
func claimStale(path string, bindErr error) (net.Listener, error) {
	fi, err := os.Lstat(path)
	if err != nil { // nothing in the way: the bind failed for its own reason
		return nil, fmt.Errorf("instance: listen on %s: %w", path, bindErr)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("instance: socket %s is a folder; remove it", path)
	}
	if err := probe(path); err != nil {
		return nil, err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("instance: remove stale instance socket %s: %w", path, err)
	}
	ln, err := listen(path)
	if err != nil {
		return nil, fmt.Errorf("instance: listen on %s: %w", path, err)
	}
	return ln, nil
}

// probe returns ErrRunning when an instance answers on path and
// nil when the file there is dead.
func probe(path string) error {
	c, err := net.DialTimeout("unix", path, ioDeadline)
	switch {
	case err == nil:
		c.Close() // the instance sees a connection without a message
		return ErrRunning
	case swamped(err):
		return ErrRunning
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("instance: socket %s belongs to someone else: %w", path, err)
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
			return nil, fmt.Errorf("instance: lock %s: %w", lock, err)
		}
		if fi, err := os.Stat(lock); err == nil && time.Since(fi.ModTime()) > staleClaimLock {
			os.Remove(lock) // its holder crashed
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("instance: another Deskline is starting (it holds %s); try again", lock)
		}
		time.Sleep(claimLockPoll)
	}
}
