// Package radicale runs a real Radicale CardDAV server (the Debian
// package, 3.1) for tests: on 127.0.0.1 with a free port, filesystem
// storage and htpasswd authentication in the test's temporary directory,
// stopped when the test ends.
//
// Books are written straight into Radicale's storage folder before it
// starts (10,000 cards in well under a second, where a PUT each takes
// minutes); changes afterwards go through HTTP (Put, Delete) so that
// Radicale's sync tokens and ctag see them.
//
// What Radicale 3.1 does with broken cards: it reads every card with
// vobject. A PUT of a card vobject cannot parse (a line without a colon,
// bad base64, no FN) is refused with 400; such a card written into the
// storage folder makes every request on the whole collection fail with
// 500. Cards vobject accepts but a reader cannot use (a blank FN, a TEL
// that is no number, a PHOTO that is no image) are stored and served as
// they are: those are the broken cards the tests use (people.BrokenCards).
package radicale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startTimeout bounds how long Radicale may take to answer after start:
// it starts in about a second; a loaded machine may take several.
const startTimeout = 20 * time.Second

// Server is one running Radicale.
type Server struct {
	URL          string // http://127.0.0.1:port, no trailing slash
	User         string
	Password     string
	PasswordFile string // holds Password and a newline, as a deployment would
	Storage      string // the collection-root folder
	Log          string // Radicale's output

	t      testing.TB
	config string
	cmd    *exec.Cmd
	done   chan struct{}
}

// Card is one vCard object of a book: its file name in the collection
// ("person-000001.vcf") and its text.
type Card struct {
	Name string
	Text string
}

// Book is an address book written into the storage before start.
type Book struct {
	Name  string // the collection under the user ("book")
	Cards []Card
}

// Start writes the books into a fresh storage folder and starts Radicale
// on it. No radicale installed fails the test.
func Start(t testing.TB, books ...Book) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		t.Fatal("install radicale (scripts/install-deps.sh)")
	}
	dir := t.TempDir()
	s := &Server{User: "alice", Password: "s3cret-pw", t: t,
		PasswordFile: filepath.Join(dir, "password"),
		Storage:      filepath.Join(dir, "collections", "collection-root"),
		Log:          filepath.Join(dir, "radicale.log"),
		config:       filepath.Join(dir, "config")}
	must(t, os.WriteFile(s.PasswordFile, []byte(s.Password+"\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "users"), []byte(s.User+":"+s.Password+"\n"), 0o600))
	for _, b := range books {
		s.WriteBook(b)
	}
	port := freePort(t)
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	must(t, os.WriteFile(s.config, []byte(fmt.Sprintf(configTemplate, port, dir, dir)), 0o600))
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

// configTemplate: htpasswd with plain passwords (a test has no secret to
// hide), no delay after a wrong password (the tests try one), each user
// sees only their own collections, no web interface.
const configTemplate = `[server]
hosts = 127.0.0.1:%d
[auth]
type = htpasswd
htpasswd_filename = %s/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = %s/collections
[web]
type = none
[logging]
level = warning
`

// WriteBook writes an address book into the storage folder. Before
// Start, or while Radicale runs for a book it has not listed yet.
func (s *Server) WriteBook(b Book) {
	dir := filepath.Join(s.Storage, s.User, b.Name)
	must(s.t, os.MkdirAll(dir, 0o700))
	props, _ := json.Marshal(map[string]string{"tag": "VADDRESSBOOK", "D:displayname": b.Name})
	must(s.t, os.WriteFile(filepath.Join(dir, ".Radicale.props"), props, 0o600))
	for _, c := range b.Cards {
		must(s.t, os.WriteFile(filepath.Join(dir, c.Name), []byte(c.Text), 0o600))
	}
}

// BookURL is the URL of the user's book name, with a trailing slash.
func (s *Server) BookURL(name string) string { return s.URL + "/" + s.User + "/" + name + "/" }

// PrincipalURL is the user's principal (and address book home set).
func (s *Server) PrincipalURL() string { return s.URL + "/" + s.User + "/" }

// Put stores a card over HTTP, as a client would.
func (s *Server) Put(book string, c Card) {
	s.t.Helper()
	s.do(http.MethodPut, s.BookURL(book)+c.Name, c.Text, http.StatusCreated, http.StatusNoContent, http.StatusOK)
}

// Delete removes a card over HTTP.
func (s *Server) Delete(book, name string) {
	s.t.Helper()
	s.do(http.MethodDelete, s.BookURL(book)+name, "", http.StatusOK, http.StatusNoContent)
}

func (s *Server) do(method, url, body string, want ...int) {
	s.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	must(s.t, err)
	req.SetBasicAuth(s.User, s.Password)
	if body != "" {
		req.Header.Set("Content-Type", "text/vcard; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	must(s.t, err)
	defer resp.Body.Close()
	for _, w := range want {
		if resp.StatusCode == w {
			return
		}
	}
	var msg bytes.Buffer
	msg.ReadFrom(resp.Body)
	s.t.Fatalf("radicale: %s %s: %s %s\n%s", method, url, resp.Status, msg.String(), s.tail())
}

func (s *Server) start(bin string) {
	log, err := os.Create(s.Log)
	must(s.t, err)
	s.cmd = exec.Command(bin, "-C", s.config)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	must(s.t, s.cmd.Start())
	log.Close()
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodOptions, s.URL+"/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-s.done:
			s.t.Fatalf("radicale exited at start:\n%s", s.tail())
		case <-ctx.Done():
			s.Stop()
			s.t.Fatalf("radicale did not answer within %v:\n%s", startTimeout, s.tail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop kills Radicale and waits for it to exit (a server gone mid-way, or
// the end of the test). Stopping twice is fine.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
}

// tail returns the end of Radicale's log, for failures.
func (s *Server) tail() string {
	b, _ := os.ReadFile(s.Log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
