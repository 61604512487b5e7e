package amitest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// TestRestart: Shutdown, EOF, refused connections while down, then a
// fresh boot (Uptime: 0) on the same port without the old channels.
func TestRestart(t *testing.T) {
	srv := startServer(t, Options{})
	addr := srv.Addr()
	c := dial(t, srv)
	c.login()
	srv.Send(testEvent("Newchannel", "call,all", "Channel", "PJSIP/201-00000001", "Uniqueid", "1.1"))
	srv.SetDB("registrar", "contact", "x")

	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Restart(300 * time.Millisecond)
	}()
	got := c.until(func(m ami.Message) bool { return m.Event() == "Shutdown" })
	if sd := got[len(got)-1]; sd.Get("Shutdown") != "Cleanly" || sd.Get("Restart") != "True" {
		t.Errorf("%v", sd)
	}
	c.expectEOF()
	refused := false
	for !refused {
		select {
		case <-done:
			t.Fatal("never refused a connection")
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			refused = true
		} else {
			conn.Close() // the listener was still closing
			time.Sleep(5 * time.Millisecond)
		}
	}
	<-done
	if srv.Addr() != addr {
		t.Errorf("address changed: %s → %s", addr, srv.Addr())
	}
	c2 := dial(t, srv)
	if fb := c2.login(); fb.Get("Uptime") != "0" {
		t.Errorf("after restart: %v", fb)
	}
	if len(srv.Channels()) != 0 || srv.DB()["registrar/contact"] != "x" {
		t.Errorf("channels %v, db %v", srv.Channels(), srv.DB())
	}
}

// TestSendRaw: raw bytes reach the client as they are (here a frame split
// in two writes, then garbage).
func TestSendRaw(t *testing.T) {
	srv := startServer(t, Options{})
	c := dial(t, srv)
	c.login()
	c.next()
	srv.SendRaw([]byte("Event: Newstate\r\nPrivi"))
	srv.SendRaw([]byte("lege: call,all\r\n\r\n"))
	srv.SendRaw([]byte("garbage without colon\r\n\r\n"))
	if m := c.next(); m.Event() != "Newstate" || m.Get("Privilege") != "call,all" {
		t.Errorf("%v", m)
	}
	if _, err := c.read(); err == nil || !strings.Contains(err.Error(), "Key: Value") {
		t.Errorf("want a syntax error, got %v", err)
	}
	c.sync()
}

// TestSlowReader: a client that never reads is dropped, and the script
// does not hang.
func TestSlowReader(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the write timeout")
	}
	srv := startServer(t, Options{})
	c := dial(t, srv)
	c.login()
	big := ami.Message{Fields: []ami.Field{{Key: "Event", Value: "Junk"}, {Key: "Data", Value: strings.Repeat("x", 8000)}}}
	start := time.Now()
	for srv.Sessions() > 0 && time.Since(start) < 4*writeTimeout {
		srv.Send(big, big, big, big)
	}
	if srv.Sessions() != 0 {
		t.Error("slow reader still connected")
	}
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	srv := startServer(t, Options{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	c := dialTLS(t, srv, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	c.login()
}

func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "asterisk"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}
