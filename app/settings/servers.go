package settings

import (
	"errors"
	"fmt"
)

// MaxServerURLs bounds server_urls: a round tries every address once
// before the desk backs off and tells the user, and a cluster has a
// handful of nodes, not dozens.
const MaxServerURLs = 16

// serverURLsProblems checks each further server address as server_url is
// checked, and names the bad entry by its index (server_urls[1]) and text.
func serverURLsProblems(s Settings) []error {
	var errs []error
	seen := map[string]bool{s.ServerURL: true}
	for i, raw := range s.ServerURLs {
		p := ""
		switch {
		case i >= MaxServerURLs:
			p = fmt.Sprintf("more than %d further addresses", MaxServerURLs)
		case raw == "":
			p = "empty address"
		case raw == s.ServerURL:
			p = fmt.Sprintf("%s is server_url already", raw)
		case seen[raw]:
			p = fmt.Sprintf("%s is listed twice", raw)
		default:
			p = serverURLProblem(raw)
		}
		if p != "" {
			errs = append(errs, &Error{Field: fmt.Sprintf("server_urls[%d]", i), Reason: p, Server: i + 1})
		}
		seen[raw] = true
	}
	return errs
}

// dropBadServerURLs keeps the good entries: one mistyped node must not
// cost the desk the others.
func dropBadServerURLs(s *Settings, _ Settings, errs []error) {
	bad := make(map[int]bool)
	for _, err := range errs {
		var se *Error
		if errors.As(err, &se) && se.Server > 0 {
			bad[se.Server-1] = true
		}
	}
	var keep []string
	for i, raw := range s.ServerURLs {
		if !bad[i] {
			keep = append(keep, raw)
		}
	}
	s.ServerURLs = keep
}
