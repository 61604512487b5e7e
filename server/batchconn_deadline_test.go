package server

import (
	"net"
	"testing"
	"time"
)

// deadlineConn records the write deadline each write was made under.
type deadlineConn struct {
	net.Conn
	deadline time.Time
	writes   []time.Time
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error { c.deadline = t; return nil }
func (c *deadlineConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, c.deadline)
	return len(p), nil
}

// A batch is written under the writer's own wait, whatever deadline the
// socket was left with (the reader's one-second pong, say): a slow link
// is not cut by another's deadline.
func TestBatchIsWrittenUnderItsOwnDeadline(t *testing.T) {
	raw := &deadlineConn{}
	c := &batchConn{Conn: raw}
	c.begin(10 * time.Second)
	c.Write([]byte("one"))
	raw.SetWriteDeadline(time.Now().Add(time.Second)) // a pong answered meanwhile
	c.Write([]byte("two"))
	start := time.Now()
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	if len(raw.writes) != 1 || raw.writes[0].Sub(start) < 9*time.Second {
		t.Fatalf("the batch went out in %d writes, under deadlines %v (want one, about 10 s after %v)", len(raw.writes), raw.writes, start)
	}
}
