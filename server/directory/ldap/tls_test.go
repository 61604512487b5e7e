package ldap

import (
	"context"
	"strings"
	"testing"

	"github.com/deskline/deskline/internal/slapd"
)

// ldaps:// and StartTLS verify the server against CAFile (plus the system
// roots); a server whose certificate another CA signed is refused.
func TestFetchVerifiesTLS(t *testing.T) {
	srv := slapd.StartWith(t, slapd.Options{TLS: true}, entries(0, 10, inetOrgPerson))
	ldaps, startTLS := config(srv), config(srv)
	ldaps.URL, ldaps.CAFile = srv.LDAPSURL, srv.CAFile
	startTLS.StartTLS, startTLS.CAFile = true, srv.CAFile
	for _, cfg := range []Config{ldaps, startTLS} {
		if b := fetch(t, cfg); len(b.Contacts) != 10 {
			t.Errorf("%s (start_tls %v): %d contacts, want 10", cfg.URL, cfg.StartTLS, len(b.Contacts))
		}
	}

	for _, ca := range []string{srv.OtherCAFile, ""} {
		for _, cfg := range []Config{ldaps, startTLS} {
			cfg.CAFile = ca
			err := fetchErr(t, context.Background(), cfg)
			if !strings.Contains(err.Error(), "certificate signed by unknown authority") {
				t.Errorf("CA %q, start_tls %v: error %q does not say the certificate is not trusted", ca, cfg.StartTLS, err)
			}
		}
	}
}
