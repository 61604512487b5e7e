package natstest

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestProxyCutHeal: bytes pass through the proxy; a cut ends the
// connection and refuses new ones; after a heal they pass again.
func TestProxyCutHeal(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	p := NewProxy(t, "nats://"+echo.Addr().String())

	c := dialProxy(t, p)
	roundTrip(t, c, "one\n")
	p.Cut()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("a cut connection still reads")
	}
	c.Close()
	c2 := dialProxy(t, p)
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	c2.Write([]byte("two\n"))
	if _, err := c2.Read(make([]byte, 1)); err == nil {
		t.Fatal("a connection made while cut passes bytes")
	}
	c2.Close()
	p.Heal()
	c3 := dialProxy(t, p)
	defer c3.Close()
	roundTrip(t, c3, "three\n")
}

func dialProxy(t *testing.T, p *Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(p.URL, "nats://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func roundTrip(t *testing.T, c net.Conn, line string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(line)); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || got != line {
		t.Fatalf("echo through the proxy: %q, %v; want %q", got, err, line)
	}
}
