package instance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Instance is this process holding the instance socket.
type Instance struct {
	ln      net.Listener
	handle  func(args []string)
	queue   chan []string
	closing chan struct{}
	slots   chan struct{} // maxConns tokens
	conns   sync.WaitGroup
	handled chan struct{} // closed when the queue is drained
	stopped chan struct{} // closed when accept returns
	mu      sync.Mutex
	open    map[net.Conn]bool
	once    sync.Once
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
		return fmt.Errorf("instance: close socket: %w", err)
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
	deadline := time.Now().Add(ioDeadline)
	c.SetDeadline(deadline)
	line, err := readLine(bufio.NewReaderSize(c, maxMessage+1))
	if errors.Is(err, io.EOF) && len(line) == 0 {
		return // a probe (probe) or a peer that gave up
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

// readLine reads one line of at most maxMessage bytes
// from a reader sized to hold it.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > maxMessage+1:
		return nil, fmt.Errorf("message longer than %d bytes", maxMessage)
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
	if len(h.Args) > maxArgs {
		return nil, fmt.Errorf("%d arguments, at most %d", len(h.Args), maxArgs)
	}
	return h.Args, nil
}

// oneLine keeps an error on the one reply line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
