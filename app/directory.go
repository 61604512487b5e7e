package app

import (
	"context"
	"strings"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/internal/cut"
)

// The company directory on the server (PROTOCOL.md section 19): search
// as the user types and reverse lookup. A desk whose welcome named no
// books (a v1 server, or a user without a directory) and a desk that is
// offline ask nothing and get nothing: its search is the local books
// alone, and no error is shown for what the user never asked for.

// directoryOn reports whether a search or lookup can go to the server now.
func (c *Client) directoryOn() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.state.Directory) > 0 && c.state.Status == StatusConnected && c.link != nil
}

// directoryUnreachable reports whether the user has a directory that
// cannot be searched now: the desk is offline.
func (c *Client) directoryUnreachable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.state.Directory) > 0 && (c.state.Status != StatusConnected || c.link == nil)
}

// SearchDirectory finds the directory's contacts for what the user typed,
// ranked best first, at most limit (the server's default for limit <= 0).
// Nothing is sent, and nil returned without error, when the directory is
// off or the link is down.
func (c *Client) SearchDirectory(ctx context.Context, query string, limit int) ([]ctiproto.Contact, error) {
	// A longer query is refused by the server (a pasted paragraph): its
	// start is searched.
	query = strings.TrimSpace(cut.Prefix(query, ctiproto.MaxQueryLength))
	if !c.directoryOn() || query == "" {
		return nil, nil
	}
	res, err := c.request(ctx, &ctiproto.Search{Query: query, Limit: max(limit, 0)})
	if err != nil {
		return nil, err
	}
	return cleanContacts(res.Contacts), nil
}

// LookupDirectory finds the directory's contacts that have number, best
// first; nil without error when the directory is off or the link down.
func (c *Client) LookupDirectory(ctx context.Context, number string) ([]ctiproto.Contact, error) {
	if !c.directoryOn() || number == "" {
		return nil, nil
	}
	res, err := c.request(ctx, &ctiproto.Lookup{Number: number})
	if err != nil {
		return nil, err
	}
	return cleanContacts(res.Contacts), nil
}

// cleanContacts drops control and direction characters from what the
// user will read, as rebuildLocked does for parties.
func cleanContacts(cs []ctiproto.Contact) []ctiproto.Contact {
	for i := range cs {
		cs[i] = cleanContact(cs[i])
	}
	return cs
}

func cleanContact(ct ctiproto.Contact) ctiproto.Contact {
	ct.Book, ct.Name = ctiproto.CleanText(ct.Book), ctiproto.CleanText(ct.Name)
	ct.Company, ct.Department = ctiproto.CleanText(ct.Company), ctiproto.CleanText(ct.Department)
	ct.Title = ctiproto.CleanText(ct.Title)
	nums := make([]ctiproto.ContactNumber, len(ct.Numbers))
	for i, n := range ct.Numbers {
		nums[i] = ctiproto.ContactNumber{Number: ctiproto.CleanText(n.Number), Display: ctiproto.CleanText(n.Display), Types: cleanTypes(n.Types)}
	}
	ct.Numbers = nums
	return ct
}

// cleanTypes cleans a number's types ("work", "cell": shown as a row's
// kind), dropping those left empty.
func cleanTypes(types []string) []string {
	var out []string
	for _, t := range types {
		if t = strings.TrimSpace(ctiproto.CleanText(t)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// cleanBooks is the welcome's list of books, cleaned for display.
func cleanBooks(books []string) []string {
	var out []string
	for _, b := range books {
		if b = ctiproto.CleanText(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
