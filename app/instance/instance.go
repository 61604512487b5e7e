// Package instance keeps one Deskline per user: `deskline
// tel:+49301234567` started from a mail or a browser hands its arguments
// to the Deskline already running and exits, so the user sees one tray
// icon and the number is dialled there. main calls ClaimOrHandOff, which
// does:
//
//	inst, err := instance.Claim(path, onArgs)
//	if errors.Is(err, instance.ErrRunning) {
//		err = instance.HandOff(path, os.Args[1:]) // then exit
//	}
//
// Claiming first and handing off second settles two processes started at
// once: binding the socket is atomic, so exactly one of them wins.
//
// The wire format on the socket is one JSON line {"args":[…]} from the
// new process, answered by one line "ok" or "error <text>".
package instance

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/deskline/deskline/app/internal/configfile"
)

// Limits of the instance socket. A handoff carries a command line, so
// they are generous for that and small for anything else.
const (
	// maxMessage bounds one handoff line (without its newline):
	// a tel: link is a few dozen bytes; a file path a few hundred.
	maxMessage = 16 << 10
	// maxArgs bounds the arguments of one handoff.
	maxArgs = 16
	// ioDeadline bounds each connection, both ways, so a silent
	// or garbage peer never holds the listener or a starting process.
	ioDeadline = 2 * time.Second
	// maxConns bounds the connections served at once; more wait
	// in the listen backlog.
	maxConns = 16
	// queueSize is how many accepted handoffs may wait for handle.
	queueSize = 32
	// maxSocketPathLen is the longest socket path every system takes:
	// macOS's sun_path holds 104 bytes with the closing NUL (Linux and
	// Windows 108).
	maxSocketPathLen = 103
	// claimLockWait is how long a starting process waits for another
	// one's claim: a bind and at most one probe of a live instance.
	claimLockWait = ioDeadline + time.Second
	// claimLockPoll is how often a waiting process looks at the lock.
	claimLockPoll = 5 * time.Millisecond
	// staleClaimLock is the age past which a claim lock is taken to be
	// left by a process that crashed while holding it.
	staleClaimLock = 10 * time.Second
)

// File names of the instance socket.
const (
	runtimeSocketName = "deskline.sock" // in $XDG_RUNTIME_DIR
	configSocketName  = "instance.sock" // in configfile.Dir()
	claimLockSuffix   = ".lock"         // next to the socket, see lockClaim
)

var (
	// ErrRunning says another instance holds the socket (Claim).
	ErrRunning = errors.New("instance: Deskline is already running for this user")
	// ErrNotRunning says nobody listens on the socket (HandOff): the
	// caller starts as the instance itself.
	ErrNotRunning = errors.New("instance: no running Deskline to hand over to")
)

// SocketPath is where this user's running Deskline listens:
// $XDG_RUNTIME_DIR/deskline.sock when set, else <configfile.Dir()>/instance.sock
// (the folder is created 0700). DESKLINE_CONFIG_DIR moves it with the
// config, so each profile (and each test, and the demo) has its own.
func SocketPath() (string, error) {
	if os.Getenv(configfile.DirEnv) == "" {
		// The XDG spec says to ignore a relative XDG_RUNTIME_DIR.
		if run := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(run) {
			return filepath.Join(run, runtimeSocketName), nil
		}
	}
	dir, err := configfile.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, configSocketName), nil
}
