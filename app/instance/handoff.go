package instance

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// HandOff gives args to the running instance on path and returns nil once
// it accepted them. When nobody listens the error wraps ErrNotRunning, and
// the caller starts as the instance itself (Claim).
func HandOff(path string, args []string) error {
	if args == nil {
		args = []string{} // no arguments: the instance shows itself
	}
	if len(args) > maxArgs {
		return fmt.Errorf("instance: hand off: %d arguments, at most %d", len(args), maxArgs)
	}
	msg, err := json.Marshal(handoff{Args: args})
	if err != nil {
		return fmt.Errorf("instance: hand off: %w", err)
	}
	if len(msg) > maxMessage {
		return fmt.Errorf("instance: hand off: arguments are %d bytes as JSON, at most %d", len(msg), maxMessage)
	}
	if err := checkSocketPath(path); err != nil {
		return err
	}
	c, err := net.DialTimeout("unix", path, ioDeadline)
	if err != nil && swamped(err) {
		return fmt.Errorf("instance: the running Deskline at %s does not answer: %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("%w (%s: %v)", ErrNotRunning, path, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioDeadline))
	if _, err := c.Write(append(msg, '\n')); err != nil {
		return fmt.Errorf("instance: hand off to the running Deskline at %s: %w", path, err)
	}
	return readHandoffReply(c, path)
}

// maxReply bounds the answer line: "ok" or a short error.
const maxReply = 1 << 10

// readHandoffReply reads "ok" or "error <text>".
func readHandoffReply(c net.Conn, path string) error {
	line, err := bufio.NewReaderSize(io.LimitReader(c, maxReply), maxReply).ReadString('\n')
	if err != nil {
		return fmt.Errorf("instance: hand off to the running Deskline at %s: no answer: %w", path, err)
	}
	line = strings.TrimSuffix(line, "\n")
	if line == "ok" {
		return nil
	}
	if text, ok := strings.CutPrefix(line, "error "); ok {
		return fmt.Errorf("instance: the running Deskline refused the handoff: %s", text)
	}
	return fmt.Errorf("instance: hand off to %s: answer %q is not Deskline's", path, oneLine(line))
}

// claimAttempts is how often ClaimOrHandOff claims: a second time when the
// running Deskline quit between our claim and our hand-off.
const claimAttempts = 2

// ErrUnsettled says neither claim nor hand-off succeeded in claimAttempts
// tries: another Deskline started and quit each time in between.
var ErrUnsettled = errors.New("another Deskline keeps starting and stopping; try again")

// ClaimOrHandOff makes this process the user's one Deskline on path, or
// hands args to the one already running there. It returns the claimed
// Instance (handle then gets what later processes hand over, see Claim),
// or a nil Instance and a nil error when the running Deskline took args:
// this process should exit.
func ClaimOrHandOff(path string, args []string, handle func(args []string)) (*Instance, error) {
	for range claimAttempts {
		inst, err := Claim(path, handle)
		if err == nil {
			return inst, nil
		}
		if !errors.Is(err, ErrRunning) {
			return nil, fmt.Errorf("cannot make sure Deskline runs only once: %w", err)
		}
		err = HandOff(path, args)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, ErrNotRunning) {
			return nil, err
		}
		// The running one quit in between: claim again.
	}
	return nil, ErrUnsettled
}
