// Package ldap is the directory's LDAP source: an OpenLDAP directory
// (inetOrgPerson) or Active Directory (user objects), read with a paged
// search and mapped onto contacts.Contact with attribute presets that a
// configuration can override.
//
// Every fetch reads the whole directory: a paged read of 10,000 entries
// takes well under a second (see the benchmark), so incremental sync
// (modifyTimestamp, AD's DirSync or uSNChanged) is not worth its edge
// cases — deletions, renames, clock skew between replicas.
package ldap

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/server/directory"
)

// Source reads one LDAP directory. It implements directory.Source.
type Source struct {
	cfg      Config
	password string
	tls      *tls.Config
	mapper   *mapper
}

var _ directory.Source = (*Source)(nil)

// New checks cfg, reads the password file and the CA file, and returns the
// source. It does not connect: a directory down at start fails the first
// Fetch, not the server's start.
func New(cfg Config, norm *contacts.Normalizer) (*Source, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, mapper: &mapper{fields: cfg.mapping(), norm: norm, lim: contacts.DefaultLimits()}}
	if cfg.PasswordFile != "" {
		b, err := os.ReadFile(cfg.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("ldap: %s: password file: %w", cfg.URL, err)
		}
		if s.password = firstLine(b); s.password == "" {
			// An empty password is an unauthenticated bind (RFC 4513 5.1.2),
			// which servers answer as anonymous: refuse it here.
			return nil, fmt.Errorf("ldap: %s: password file %s is empty", cfg.URL, cfg.PasswordFile)
		}
	}
	u, _ := url.Parse(cfg.URL)
	s.tls = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ldap: %s: CA file: %w", cfg.URL, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ldap: %s: CA file %s: no PEM certificate in it", cfg.URL, cfg.CAFile)
		}
		s.tls.RootCAs = pool
	}
	return s, nil
}

// firstLine is the password in a password file: its first line without
// the line ending. Spaces are part of it (a password may begin or end
// with one); what follows the first line (a comment, a second
// newline an editor added) is not.
func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(bytes.TrimSuffix(line, []byte("\r")))
}

// Fetch binds, reads every entry the filter selects page by page and maps
// them. Entries that cannot be used in part or whole, referrals and the
// source's own size_limit are warnings; a connection that fails, a
// refused bind, a hung server and a limit the server enforces are errors
// (the last good copy stays). Only with no last copy is a book the
// server cut short served, with a warning: part of it beats nothing.
func (s *Source) Fetch(ctx context.Context, last *directory.Book) (*directory.Book, error) {
	conn, release, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if s.cfg.BindDN != "" {
		if err := conn.Bind(s.cfg.BindDN, s.password); err != nil {
			return nil, s.fail(ctx, fmt.Sprintf("bind as %s", s.cfg.BindDN), err)
		}
	}
	return s.search(ctx, conn, last)
}

// connect dials (TLS for ldaps://), upgrades with StartTLS when asked,
// and closes the connection when ctx ends, so a hung server cannot hold
// the fetch past its deadline. release closes it.
func (s *Source) connect(ctx context.Context) (conn *goldap.Conn, release func(), err error) {
	u, _ := url.Parse(s.cfg.URL)
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"ldap": "389", "ldaps": "636"}[u.Scheme])
	}
	dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(dctx, "tcp", host)
	if err != nil {
		return nil, nil, fmt.Errorf("ldap: %s: %w", s.cfg.URL, err)
	}
	if u.Scheme == "ldaps" {
		tc := tls.Client(raw, s.tls)
		if err := tc.HandshakeContext(dctx); err != nil {
			raw.Close()
			return nil, nil, fmt.Errorf("ldap: %s: TLS: %w", s.cfg.URL, err)
		}
		raw = tc
	}
	conn = goldap.NewConn(raw, u.Scheme == "ldaps")
	conn.Start()
	conn.SetTimeout(s.cfg.Timeout)
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	release = func() {
		stop()
		// Close sends an unbind and waits up to Timeout for the writer;
		// closing the socket first makes it immediate: nothing more to say.
		raw.Close()
		conn.Close()
	}
	if s.cfg.StartTLS {
		if err := conn.StartTLS(s.tls); err != nil {
			release()
			return nil, nil, s.fail(ctx, "StartTLS", err)
		}
	}
	return conn, release, nil
}

// fail words an error of step; when ctx ended, that is the cause.
func (s *Source) fail(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("ldap: %s: %s: %w", s.cfg.URL, step, context.Cause(ctx))
	}
	return fmt.Errorf("ldap: %s: %s: %w", s.cfg.URL, step, tidy{err})
}

// tidy drops the ": " go-ldap leaves at the end of a result without a
// diagnostic message (`LDAP Result Code 49 "Invalid Credentials": `).
type tidy struct{ error }

func (t tidy) Error() string { return strings.TrimRight(t.error.Error(), ": ") }
func (t tidy) Unwrap() error { return t.error }
