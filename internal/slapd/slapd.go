// Package slapd starts a throwaway OpenLDAP server for tests: configured
// in a temporary directory (cn=config built with slapadd, mdb backend),
// loaded with slapadd (seconds for 10,000 entries, where ldapadd takes
// minutes), listening on loopback only, killed when the test ends. It needs
// Debian's slapd package (slapd, slapadd, /etc/ldap/schema); without it
// the test fails saying so, it does not skip.
//
// Debian ships slapd without an AppArmor profile; Ubuntu's confines
// /usr/sbin/slapd to /var/lib/ldap and friends, and would deny the temp
// directory (set the profile to complain mode there).
package slapd

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Options change a server from the default.
type Options struct {
	// SizeLimit is the database's olcSizeLimit ("500",
	// "size.soft=1000 size.prtotal=2000"). Empty: DefaultSizeLimit.
	SizeLimit string
	// TLS adds a test CA, a server certificate signed by it, StartTLS on
	// URL and an ldaps:// listener (LDAPSURL).
	TLS bool
	// Password is the reader's password. Empty: a plain default. The
	// password file holds it as it is, without a line ending.
	Password string
}

// DefaultSizeLimit is how a directory that serves address books is set
// up: slapd's stock limit of 500 entries per search (soft and hard), but
// no cap on the total of a paged search. Without size.prtotal slapd caps a
// paged search at the hard limit too — 500 entries for a stock Debian
// slapd, whatever the page size.
const DefaultSizeLimit = "size.prtotal=unlimited"

// Server is a running slapd.
type Server struct {
	URL          string // ldap://127.0.0.1:port
	LDAPSURL     string // ldaps://127.0.0.1:port, with Options.TLS
	BaseDN       string // Suffix
	BindDN       string // the reader
	PasswordFile string // the reader's password
	CAFile       string // the CA that signed the server's certificate, with Options.TLS
	OtherCAFile  string // a CA that signed nothing, with Options.TLS
	Dir          string

	cmd  *exec.Cmd
	done chan struct{}
}

// startTimeout bounds the wait for slapd to answer; it opens its port in
// well under a second here.
const startTimeout = 15 * time.Second

// Start starts a server holding the base tree (People, AD, the reader)
// and the entries of ldif (LDIF text, entries separated by blank lines).
func Start(t testing.TB, ldif ...string) *Server {
	return StartWith(t, Options{}, ldif...)
}

// StartWith is Start with options.
func StartWith(t testing.TB, o Options, ldif ...string) *Server {
	t.Helper()
	slapdBin, slapadd := find(t, "slapd"), find(t, "slapadd")
	dir := t.TempDir()
	s := &Server{BaseDN: Suffix, BindDN: BindDN, Dir: dir, PasswordFile: filepath.Join(dir, "password")}
	var tls *certs
	if o.TLS {
		var err error
		if tls, err = makeCerts(dir); err != nil {
			t.Fatalf("slapd: test certificates: %v", err)
		}
		s.CAFile, s.OtherCAFile = tls.caFile, tls.otherCAFile
	}
	if o.Password == "" {
		o.Password = password
	}
	must(t, os.WriteFile(s.PasswordFile, []byte(o.Password), 0o600))
	must(t, os.MkdirAll(filepath.Join(dir, "db"), 0o700))
	must(t, os.MkdirAll(filepath.Join(dir, "slapd.d"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "config.ldif"), []byte(configLDIF(dir, o, tls)), 0o600))
	data := baseLDIF(o.Password) + strings.Join(ldif, "\n")
	must(t, os.WriteFile(filepath.Join(dir, "data.ldif"), []byte(data), 0o600))
	conf := filepath.Join(dir, "slapd.d")
	run(t, slapadd, "-n0", "-F", conf, "-l", filepath.Join(dir, "config.ldif"))
	// -q skips consistency checks: the LDIF is generated, and it is 5× faster.
	run(t, slapadd, "-q", "-n1", "-F", conf, "-l", filepath.Join(dir, "data.ldif"))
	s.start(t, o, slapdBin, conf)
	return s
}

// find returns the path of bin: on PATH, or in /usr/sbin, which is not on
// an ordinary user's PATH on Debian.
func find(t testing.TB, bin string) string {
	t.Helper()
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/" + bin); err == nil {
		return "/usr/sbin/" + bin
	}
	t.Fatalf("slapd: %s not found: install the Debian packages slapd and ldap-utils (scripts/install-deps.sh)", bin)
	return ""
}

func (s *Server) start(t testing.TB, o Options, bin, conf string) {
	t.Helper()
	port := freePort(t)
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", port)
	urls := s.URL + "/"
	if o.TLS {
		s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", freePort(t))
		urls += " " + s.LDAPSURL + "/"
	}
	// -d 0: stay in the foreground (a child we can kill), logging nothing.
	s.cmd = exec.Command(bin, "-d", "0", "-h", urls, "-F", conf)
	var out strings.Builder
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("slapd: start: %v", err)
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Kill)
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL, "ldap://"), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.done:
			t.Fatalf("slapd: exited at start: %s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd: not answering on %s after %v: %s", s.URL, startTimeout, out.String())
		}
	}
}

// Kill kills the server at once (SIGKILL), as a crash would; safe to call
// twice.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Freeze stops the server (SIGSTOP): the kernel still accepts connections
// and requests, nobody answers — a hung server.
func (s *Server) Freeze() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (s *Server) Thaw() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("slapd: %s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("slapd: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("slapd: %v", err)
	}
}
