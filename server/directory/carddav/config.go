package carddav

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/contacts"
	"github.com/emersion/go-webdav/carddav"
)

// DefaultTimeout bounds one HTTP request, its whole answer read. Most
// servers answer in well under a second, but Radicale 3.1 reads every
// card of a collection (in Python) to list it or to compute its ctag or
// sync token: 25-35 s for 10,000 cards on 2 busy cores. One minute leaves
// room for that and still ends a stalled request. It is half the
// directory's bound on a whole fetch (directory.DefaultTimeout, the
// book's timeout), which holds the listing and every multiget: a request
// as long as the fetch would leave a first full download no time for its
// downloads, and a stalled request no time to be reported as such. A
// book too large for its fetch's bound needs a longer book timeout, not
// a longer request timeout.
const DefaultTimeout = time.Minute

// Config is one CardDAV address book (the server's TOML maps onto it).
type Config struct {
	// URL is the address book collection
	// ("https://cloud.example.com/remote.php/dav/addressbooks/users/anna/contacts/").
	// It may also be the user's principal or address book home set: the
	// books are then discovered and the one named Book (or the first)
	// taken. No default: required. http:// is accepted (a server on
	// loopback); anything else should be https.
	URL string
	// Book names the address book to take when URL is a principal or
	// home set: its display name or the last segment of its path.
	// Default empty: the first book found.
	Book string
	// Username for HTTP basic authentication. Default empty: no
	// authentication (and no password read).
	Username string
	// PasswordFile holds the password on its first line (the line's end,
	// "\n" or "\r\n", is not part of it; later lines are ignored). Read once by New; the password is never logged nor put in
	// an error. Default empty: an empty password.
	PasswordFile string
	// CAFile is a PEM file of extra root certificates to trust besides
	// the system's (a company CA). Default empty: the system roots only.
	// Certificates are always verified.
	CAFile string
	// Timeout bounds each request, its answer read in full. Default
	// (zero) DefaultTimeout. Keep it below the book's timeout, which
	// bounds the whole fetch (the listing and every multiget).
	Timeout time.Duration
}

// Source is a CardDAV address book as a directory.Source.
type Source struct {
	cfg      Config
	endpoint *url.URL
	http     *doer
	dav      *carddav.Client
	parser   *contacts.CardParser
	lim      contacts.Limits
	book     string // the collection's path, once resolved
}

// New checks cfg, reads the password file and the CA file, and returns
// the source. It does not contact the server: a server down at start is
// an error of the first Fetch, not of the configuration.
func New(cfg Config, norm *contacts.Normalizer, lim contacts.Limits) (*Source, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("carddav: url %s: not an http or https URL", redactRaw(cfg.URL))
	}
	if u.User != nil {
		return nil, fmt.Errorf("carddav: url %s: credentials in the URL; use username and password_file", redact(u))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	var password string
	if cfg.PasswordFile != "" {
		b, err := os.ReadFile(cfg.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("carddav: password_file: %w", err)
		}
		password = firstLine(b)
	}
	tlsConf, err := tlsConfig(cfg.CAFile)
	if err != nil {
		return nil, err
	}
	d := &doer{
		client:  &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConf, Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 4}},
		user:    cfg.Username,
		pass:    password,
		timeout: cfg.Timeout,
	}
	dav, err := carddav.NewClient(d, u.String())
	if err != nil {
		return nil, fmt.Errorf("carddav: url %s: %w", redact(u), err)
	}
	if lim.MaxCardSize <= 0 {
		lim.MaxCardSize = contacts.DefaultMaxCardSize // what the parser uses for zero
	}
	if lim.MaxCardsPerBook <= 0 {
		lim.MaxCardsPerBook = contacts.DefaultMaxCardsPerBook
	}
	return &Source{cfg: cfg, endpoint: u, http: d, dav: dav, parser: norm.NewCardParser(lim), lim: lim}, nil
}

// tlsConfig trusts the system roots plus those in caFile; verification
// is never turned off.
func tlsConfig(caFile string) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("carddav: ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("carddav: ca_file %s: no PEM certificate in it", caFile)
	}
	conf.RootCAs = pool
	return conf, nil
}

// firstLine is the password in a password_file: its first line, without
// the line's end ("\n" or "\r\n"). Whatever follows (a comment, a second
// newline an editor added) is not part of it.
func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(line, "\r")
}

// redact is a URL for messages: its password, if any, masked.
func redact(u *url.URL) string { return u.Redacted() }

// redactRaw is a configured URL for messages. One that does not parse, or
// parses as an opaque one ("user:secret@host" reads as scheme "user"),
// may hide a password anywhere: only its scheme is shown.
func redactRaw(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "(unreadable)"
	case u.Opaque != "":
		return strconv.Quote(u.Scheme + ":…")
	}
	return strconv.Quote(u.Redacted())
}
