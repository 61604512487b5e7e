package ldap

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/deskline/deskline/internal/people"
	"github.com/deskline/deskline/internal/slapd"
)

// hangBound is how long a fetch against a dead or hung server may take
// before the test calls it a hang: far above the 300 ms timeouts the
// tests set, far below a test's patience.
const hangBound = 10 * time.Second

func fetchErr(t *testing.T, ctx context.Context, cfg Config) error {
	t.Helper()
	start := time.Now()
	b, err := newSource(t, cfg).Fetch(ctx, nil)
	if err == nil {
		t.Fatalf("Fetch succeeded with %d contacts, want an error", len(b.Contacts))
	}
	t.Logf("%v after %v", err, time.Since(start).Round(time.Millisecond))
	if d := time.Since(start); d > hangBound {
		t.Errorf("Fetch took %v to fail", d)
	}
	if !strings.HasPrefix(err.Error(), "ldap: "+cfg.URL+": ") {
		t.Errorf("error %q does not start with ldap: %s:", err, cfg.URL)
	}
	return err
}

func TestFetchServerDownAtStart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ldap://" + l.Addr().String()
	l.Close()
	err = fetchErr(t, context.Background(), Config{URL: url, BaseDN: slapd.People})
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q does not say the connection was refused", err)
	}
}

func TestFetchWrongPassword(t *testing.T) {
	srv := slapd.Start(t, entries(0, 10, inetOrgPerson))
	cfg := config(srv)
	cfg.PasswordFile = filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(cfg.PasswordFile, []byte("not-the-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := fetchErr(t, context.Background(), cfg)
	if !strings.Contains(err.Error(), "bind as "+slapd.BindDN) || !strings.Contains(err.Error(), "Invalid Credentials") {
		t.Errorf("error %q does not name the bind DN and the refusal", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("error %q holds the password", err)
	}
}

// The password is the password file's first line without its line
// ending: a space at its end is part of it, a second line is not.
func TestPasswordFileFirstLine(t *testing.T) {
	const pw = " reader secret "
	srv := slapd.StartWith(t, slapd.Options{Password: pw}, entries(0, 10, inetOrgPerson))
	for name, content := range map[string]string{
		"lf":      pw + "\nsecond line\n",
		"crlf":    pw + "\r\nsecond line\r\n",
		"no-eol":  pw,
		"one-eol": pw + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config(srv)
			cfg.PasswordFile = filepath.Join(t.TempDir(), "pw")
			if err := os.WriteFile(cfg.PasswordFile, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if b := fetch(t, cfg); len(b.Contacts) != 10 {
				t.Errorf("got %d contacts, want 10", len(b.Contacts))
			}
		})
	}
}

// A hung server (stopped with SIGSTOP: connections are accepted, nothing
// answers) fails the fetch at Timeout, and at the context's deadline.
func TestFetchHungServerTimesOut(t *testing.T) {
	srv := slapd.Start(t, entries(0, 10, inetOrgPerson))
	srv.Freeze()
	defer srv.Thaw()
	cfg := config(srv)
	cfg.Timeout = 300 * time.Millisecond
	err := fetchErr(t, context.Background(), cfg)
	if !strings.Contains(err.Error(), "bind as") || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error %q does not say the bind timed out", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = fetchErr(t, ctx, config(srv))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q is not the context's deadline", err)
	}
}

// A server that stalls in the middle of a paged search fails the fetch at
// Timeout: each page is a request with its own timeout.
func TestFetchServerStallsMidSearch(t *testing.T) {
	srv := slapd.Start(t, entries(0, tenThousand, inetOrgPerson))
	cfg := config(srv)
	cfg.URL = proxy(t, srv, 200<<10, func() { srv.Freeze(); t.Cleanup(srv.Thaw) })
	cfg.Timeout = 300 * time.Millisecond
	err := fetchErr(t, context.Background(), cfg)
	if !strings.Contains(err.Error(), "search "+slapd.People) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error %q does not say the search timed out", err)
	}
}

// A server killed in the middle of a paged search fails the fetch (the
// book keeps its last good copy), with no half book.
func TestFetchServerKilledMidSearch(t *testing.T) {
	srv := slapd.Start(t, entries(0, tenThousand, inetOrgPerson))
	// Kill slapd once 200 kB of answers went through: the bind is done,
	// a few pages of the 10,000 entries (about 3 MB) have come.
	url := proxy(t, srv, 200<<10, srv.Kill)
	cfg := config(srv)
	cfg.URL = url
	fetchErr(t, context.Background(), cfg)
}

// proxy forwards one connection to srv and calls then after after bytes
// of answers.
func proxy(t *testing.T, srv *slapd.Server, after int, then func()) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		up, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "ldap://"))
		if err != nil {
			return
		}
		defer up.Close()
		// The client gone, close upstream too: else the copy below waits
		// for an idle slapd forever and the cleanup's wg.Wait with it.
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		_, _ = io.CopyN(c, up, int64(after))
		then()
		_, _ = io.Copy(c, up)
	}()
	return "ldap://" + l.Addr().String()
}

// A base DN that is itself a referral has nothing here to read: an error,
// not an empty book that would replace the last good copy.
func TestFetchBaseDNIsAReferral(t *testing.T) {
	srv := slapd.Start(t, people.Referral(slapd.People, "elsewhere", "ldap://other.example/ou=x,dc=other"))
	cfg := config(srv)
	cfg.BaseDN = "ou=elsewhere," + slapd.People
	err := fetchErr(t, context.Background(), cfg)
	if !strings.Contains(err.Error(), "base DN is a referral to ldap://other.example/ou=x,dc=other") {
		t.Errorf("error %q does not say the base DN is a referral", err)
	}
}

// Each limit the server enforces is named with how to raise it (slapd
// cannot be made to hit a time limit on cue, so the errors are made here).
func TestServerLimitsAreNamed(t *testing.T) {
	s := newSource(t, Config{URL: "ldap://dir.example", BaseDN: "dc=example", Timeout: 20 * time.Second})
	b := &book{}
	b.Transferred = 700
	for _, c := range []struct {
		code uint16
		want []string
	}{
		{goldap.LDAPResultSizeLimitExceeded, []string{"size limit", "after 700 entries", "anonymous", "size.prtotal"}},
		{goldap.LDAPResultTimeLimitExceeded, []string{"time limit", "after 700 entries", "olcTimeLimit", "MaxQueryDuration", "timeout (20s"}},
		{goldap.LDAPResultAdminLimitExceeded, []string{"administrative limit", "after 700 entries", "Admin Limit Exceeded\": why", "olcLimits"}},
		{goldap.LDAPResultBusy, nil},
	} {
		got := s.limited(b, goldap.NewError(c.code, errors.New("why")))
		for _, w := range c.want {
			if !strings.Contains(got, w) || !strings.HasPrefix(got, "ldap://dir.example: ") {
				t.Errorf("code %d: %q does not say %q", c.code, got, w)
			}
		}
		if c.want == nil && got != "" {
			t.Errorf("code %d: %q, want no limit", c.code, got)
		}
	}
}

// A directory where every entry has the same fault says so in
// maxWarnings lines and a count.
func TestWarningsAreCapped(t *testing.T) {
	var ldif []string
	for i := 0; i < 150; i++ {
		ldif = append(ldif, people.BrokenNumberEntry(slapd.People, people.Get(i)))
	}
	srv := slapd.Start(t, ldif...)
	b := fetch(t, config(srv))
	if len(b.Contacts) != 150 || len(b.Warnings) != maxWarnings+1 || !strings.HasSuffix(b.Warnings[maxWarnings], ": 50 more warnings") {
		t.Errorf("%d contacts, %d warnings, last %q", len(b.Contacts), len(b.Warnings), b.Warnings[len(b.Warnings)-1])
	}
}
