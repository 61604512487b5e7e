package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"

	"github.com/deskline/deskline/server/directory"
)

// maxWarnings bounds a book's warnings: a directory where every entry has
// the same fault says so in 100 lines and a count, not in 10,000.
const maxWarnings = 100

// book collects a fetch's contacts and warnings.
type book struct {
	directory.Book
	dropped int // warnings past maxWarnings
}

func (b *book) warn(w string) {
	if len(b.Warnings) >= maxWarnings {
		b.dropped++
		return
	}
	b.Warnings = append(b.Warnings, "ldap: "+w)
}

// search reads every page. The server's answers are taken as they are:
// referrals become warnings (never chased: they point at servers this
// source has no credentials or trust for). A search the server cuts short
// (a size, time or administrative limit) is a partial book: it fails the
// fetch when there is a last copy, which stays in service, and when
// nothing came; with no last copy, what came is served with a warning.
func (s *Source) search(ctx context.Context, conn *goldap.Conn, last *directory.Book) (*directory.Book, error) {
	paging := goldap.NewControlPaging(uint32(s.cfg.PageSize))
	req := goldap.NewSearchRequest(s.cfg.BaseDN, scopes[s.cfg.Scope], goldap.NeverDerefAliases,
		0, int(s.cfg.Timeout/time.Second), false, s.cfg.Filter, s.mapper.attributes(),
		[]goldap.Control{paging})
	b := &book{}
	for {
		res, err := conn.Search(req)
		if res != nil {
			s.take(b, res)
		}
		if err != nil {
			cut := s.limited(b, err)
			if cut == "" {
				return nil, s.searchFailed(ctx, err)
			}
			if last != nil || len(b.Contacts) == 0 {
				return nil, errors.New("ldap: " + cut)
			}
			b.warn(cut)
			break
		}
		if b.Transferred >= s.cfg.SizeLimit {
			b.warn(fmt.Sprintf("%s: stopped at the size limit of %d entries; narrow the filter or raise size_limit", s.cfg.URL, s.cfg.SizeLimit))
			break
		}
		ctrl, _ := goldap.FindControl(res.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging)
		if ctrl == nil || len(ctrl.Cookie) == 0 {
			break
		}
		paging.SetCookie(ctrl.Cookie)
	}
	if b.dropped > 0 {
		b.Warnings = append(b.Warnings, fmt.Sprintf("ldap: %s: %d more warnings", s.cfg.URL, b.dropped))
	}
	return &b.Book, nil
}

// take maps a page's entries and reports its referrals.
func (s *Source) take(b *book, res *goldap.SearchResult) {
	for _, e := range res.Entries {
		b.Transferred++
		if b.Transferred > s.cfg.SizeLimit {
			break
		}
		c, warns := s.mapper.contact(e)
		for _, w := range warns {
			b.warn(w)
		}
		if c != nil {
			b.Contacts = append(b.Contacts, c)
		}
	}
	for _, ref := range res.Referrals {
		b.warn(fmt.Sprintf("%s: referral to %s not followed", s.cfg.URL, ref))
	}
}

// limited says which limit of the server's cut the search short, after
// how many entries, and how to raise it; "" when err is no such limit.
func (s *Source) limited(b *book, err error) string {
	switch {
	case goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded):
		return fmt.Sprintf("%s: the server's size limit stopped the search after %d entries; raise the limit for %s (OpenLDAP: olcSizeLimit size.prtotal)",
			s.cfg.URL, b.Transferred, s.bindName())
	case goldap.IsErrorWithCode(err, goldap.LDAPResultTimeLimitExceeded):
		return fmt.Sprintf("%s: the server's time limit stopped the search after %d entries; raise the limit for %s (OpenLDAP: olcTimeLimit; Active Directory: MaxQueryDuration) or timeout (%v, asked of the server for each page)",
			s.cfg.URL, b.Transferred, s.bindName(), s.cfg.Timeout)
	case goldap.IsErrorWithCode(err, goldap.LDAPResultAdminLimitExceeded):
		return fmt.Sprintf("%s: the server's administrative limit stopped the search after %d entries (%v); raise the limit for %s (OpenLDAP: olcLimits or olcSizeLimit size.unchecked, size.pr; Active Directory: MaxResultSetSize) or narrow the filter",
			s.cfg.URL, b.Transferred, tidy{err}, s.bindName())
	}
	return ""
}

// searchFailed words a search error that is no limit.
func (s *Source) searchFailed(ctx context.Context, err error) error {
	if goldap.IsErrorWithCode(err, goldap.LDAPResultReferral) {
		// The base DN itself lives elsewhere: nothing here to read.
		err = fmt.Errorf("base DN is a referral to %s (not followed): %w", strings.Join(referrals(err), " "), err)
	}
	return s.fail(ctx, "search "+s.cfg.BaseDN, err)
}

// referrals returns the URLs of a referral result (RFC 4511 4.1.10: the
// LDAPResult's [3] field), which go-ldap leaves in the packet.
func referrals(err error) []string {
	var lerr *goldap.Error
	if !errors.As(err, &lerr) || lerr.Packet == nil || len(lerr.Packet.Children) < 2 {
		return []string{"?"}
	}
	var urls []string
	for _, field := range lerr.Packet.Children[1].Children {
		if field.ClassType == ber.ClassContext && field.Tag == 3 {
			for _, u := range field.Children {
				if v, ok := u.Value.(string); ok {
					urls = append(urls, v)
				}
			}
		}
	}
	if len(urls) == 0 {
		return []string{"?"}
	}
	return urls
}

func (s *Source) bindName() string {
	if s.cfg.BindDN == "" {
		return "anonymous"
	}
	return s.cfg.BindDN
}
