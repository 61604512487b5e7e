package amitest

import (
	"strings"
	"testing"
	"time"
)

func TestLoginPlain(t *testing.T) {
	srv := startServer(t, Options{})
	c := dial(t, srv)
	fb := c.login()
	if fb.Get("Uptime") != "3600" || fb.Get("LastReload") != "3600" {
		t.Errorf("FullyBooted: %v", fb)
	}
	auth := c.next()
	if auth.Event() != "SuccessfulAuth" || auth.Get("AccountID") != "cti" || auth.Get("Service") != "AMI" ||
		!strings.HasPrefix(auth.Get("RemoteAddress"), "IPV4/TCP/127.0.0.1/") {
		t.Errorf("SuccessfulAuth: %v", auth)
	}
	if srv.Sessions() != 1 {
		t.Errorf("sessions %d", srv.Sessions())
	}
	// Login again on the same session is acknowledged, like Asterisk.
	c.send("Login", "ActionID", "again", "Username", "cti", "Secret", "ctisecret")
	if r := c.next(); r.Get("Message") != "Already authenticated" {
		t.Errorf("second login: %v", r)
	}
	c.send("Logoff", "ActionID", "bye")
	if r := c.next(); r.Response() != "Goodbye" || r.Get("Message") != "Thanks for all the fish." || r.ActionID() != "bye" {
		t.Errorf("logoff: %v", r)
	}
	c.expectEOF()
}

func TestLoginMD5(t *testing.T) {
	srv := startServer(t, Options{Username: "crm", Secret: "s3cret"})
	c := dial(t, srv)
	c.send("Challenge", "ActionID", "ch-1", "AuthType", "MD5")
	r := c.next()
	challenge := r.Get("Challenge")
	if r.Response() != "Success" || r.ActionID() != "ch-1" || challenge == "" {
		t.Fatalf("challenge: %v", r)
	}
	c.send("Login", "ActionID", "login-1", "AuthType", "MD5", "Username", "crm", "Key", md5hex(challenge+"s3cret"))
	if r := c.next(); r.Get("Message") != "Authentication accepted" {
		t.Fatalf("md5 login: %v", r)
	}
	if fb := c.next(); fb.Event() != "FullyBooted" {
		t.Fatalf("want FullyBooted: %v", fb)
	}
	for _, a := range srv.Actions() {
		if _, ok := a.Lookup("Secret"); ok {
			t.Errorf("secret sent: %v", a)
		}
	}
	// A wrong key fails like a wrong secret.
	c2 := dial(t, srv)
	c2.send("Challenge", "ActionID", "ch-2", "AuthType", "MD5")
	c2.next()
	c2.send("Login", "ActionID", "login-2", "AuthType", "MD5", "Username", "crm", "Key", md5hex("0s3cret"))
	if r := c2.next(); r.Get("Message") != "Authentication failed" {
		t.Errorf("bad key: %v", r)
	}
	c2.expectEOF()
}

func TestBadLogin(t *testing.T) {
	const delay = 100 * time.Millisecond
	srv := startServer(t, Options{LoginFailDelay: delay})
	for _, user := range []string{"cti", "nosuchuser"} {
		c := dial(t, srv)
		start := time.Now()
		c.send("Login", "ActionID", "login-bad-1", "Username", user, "Secret", "wrong-secret")
		r := c.next()
		if r.Response() != "Error" || r.Get("Message") != "Authentication failed" || r.ActionID() != "login-bad-1" {
			t.Errorf("%s: %v", user, r)
		}
		if time.Since(start) < delay {
			t.Errorf("%s: answered before LoginFailDelay", user)
		}
		c.expectEOF()
	}
	if srv.Sessions() != 0 {
		t.Errorf("sessions %d", srv.Sessions())
	}
}

func TestActionBeforeLogin(t *testing.T) {
	srv := startServer(t, Options{})
	c := dial(t, srv)
	c.send("Ping", "ActionID", "ping-unauth-1")
	if r := c.next(); r.Response() != "Error" || r.Get("Message") != "Permission denied" || r.ActionID() != "ping-unauth-1" {
		t.Errorf("%v", r)
	}
	// The connection stays open and a login works.
	c.login()
	srv.Send(testEvent("Newchannel", "call,all"))
	if got := events(c.sync(), "Newchannel"); len(got) != 1 {
		t.Errorf("event after late login: %v", got)
	}
}
