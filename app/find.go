package app

import (
	"cmp"
	"slices"
	"strings"

	"github.com/deskline/deskline/contacts"
	"github.com/deskline/deskline/ctiproto"
)

// One search for every search field (the dial window, the transfer
// field, the switchboard): the user's own books, the company directory's
// answer and the watched colleagues, as one ranked list. The same number
// from the user's books and the directory is one row, the user's card:
// the user's own books win for that user.

// Found is one row of a search: a number of a card (the user's or the
// directory's), or a watched colleague's phone.
type Found struct {
	// Contact is the card; for a colleague, her card when there is one.
	Contact *contacts.Contact
	// Phone is the card's number; zero for a colleague (her extension is
	// Colleague.Device).
	Phone     contacts.Phone
	Colleague *Colleague
	// Source is the directory's book the row came from; "" for the
	// user's own books and for a colleague the exchange names.
	Source string
	Score  int // on the address book's scale (contacts.Match.Score)
}

// Number is what dialling the row dials: the colleague's extension, else
// the card's number as written.
func (f Found) Number() string {
	if f.Colleague != nil {
		return f.Colleague.Device
	}
	return f.Phone.Raw
}

// Find says where a search looks.
type Find struct {
	Books   *contacts.Directory  // the user's books (may be nil)
	Numbers *contacts.Normalizer // reads the directory's numbers (required with a directory answer)
	// Colleagues lists watched colleagues' phones as their own rows (the
	// dial window, the transfer field); without it they are left out,
	// for a view that shows them anyway (the switchboard's tiles).
	Colleagues bool
	Limit      int // rows at most; <= 0: contacts.DefaultSearchLimit
}

// The rows' order on equal scores: colleagues (the row says whether she
// is free), then the user's cards, then the directory's.
const (
	rankColleague = iota
	rankLocal
	rankDirectory
)

// found is a row with what orders it.
type found struct {
	Found
	rank int
	name string
}

// Merge ranks the user's books, the colleagues (s) and the directory's
// answer (server, best first; nil before it came or offline) for text.
func (f Find) Merge(s State, text string, server []ctiproto.Contact) []Found {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	limit := cmp.Or(max(f.Limit, 0), contacts.DefaultSearchLimit)
	var all []found
	seen := map[string]bool{} // numbers listed: colleagues' extensions, the user's cards' keys
	if f.Colleagues {
		for _, m := range s.FindColleagues(text, limit) {
			col := m.Colleague
			seen[col.Device] = true
			all = append(all, found{Found{Colleague: &col, Contact: f.card(col.Device), Score: m.Score}, rankColleague, col.Label()})
		}
	}
	var local []contacts.Match
	if f.Books != nil {
		local = f.Books.Search(text, limit)
	}
	mine := map[string]bool{} // the user's cards' numbers, which the directory's do not repeat
	for _, m := range local {
		mine[m.Phone.Number.Key] = true
		all = f.add(all, s, seen, found{Found{Contact: m.Contact, Phone: m.Phone, Score: m.Score}, rankLocal, m.Contact.DisplayName()})
	}
	for _, dc := range server {
		// The server scores with the same contacts ranking as the user's
		// books (dc.Score), so the two lists merge as one.
		card := DirectoryCard(dc, f.Numbers)
		for _, ph := range directoryPhones(text, card) {
			if mine[ph.Number.Key] {
				continue
			}
			all = f.add(all, s, seen, found{Found{Contact: card, Phone: ph, Source: dc.Book, Score: dc.Score}, rankDirectory, card.DisplayName()})
		}
	}
	slices.SortStableFunc(all, func(a, b found) int {
		return cmp.Or(b.Score-a.Score, a.rank-b.rank, cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)))
	})
	out := make([]Found, 0, min(len(all), limit))
	for _, x := range all[:min(len(all), limit)] {
		out = append(out, x.Found)
	}
	return out
}

// add appends a card's row: a number that is a watched colleague's
// extension becomes her row, once, with the card's name ("Bob Baker"
// where the exchange says "Bob"), so the row says whether she is free;
// without Colleagues it is left to the view that shows her.
func (f Find) add(all []found, s State, seen map[string]bool, x found) []found {
	col, ok := s.Switchboard.Colleague(x.Phone.Number.Key)
	if !ok || s.Mine(col.Device) {
		if x.rank == rankDirectory && seen[x.Phone.Number.Key] {
			return all
		}
		seen[x.Phone.Number.Key] = true
		return append(all, x)
	}
	if !f.Colleagues || seen[col.Device] {
		return all
	}
	seen[col.Device] = true
	x.Colleague, x.Phone, x.rank = &col, contacts.Phone{}, rankColleague
	return append(all, x)
}

// card is the user's card with extension ext, nil for none.
func (f Find) card(ext string) *contacts.Contact {
	if f.Books == nil {
		return nil
	}
	num, err := f.Books.Normalizer().Normalize(ext)
	if err != nil {
		return nil
	}
	if cards := f.Books.LookupNumber(num); len(cards) > 0 {
		return cards[0].Contact
	}
	return nil
}

// DirectoryCard is a directory contact as a card, its numbers read by
// norm (nil: kept as the server wrote them), so that views show it as
// they show the user's own cards. Book is the directory's book.
func DirectoryCard(dc ctiproto.Contact, norm *contacts.Normalizer) *contacts.Contact {
	card := &contacts.Contact{ID: "directory:" + dc.Book + "#" + dc.ID, Book: dc.Book, FormattedName: dc.Name,
		Organization: dc.Company, Department: dc.Department, Title: dc.Title}
	for _, n := range dc.Numbers {
		num := contacts.Number{Key: n.Number, Display: cmp.Or(n.Display, n.Number)}
		if norm != nil {
			if nn, err := norm.Normalize(n.Number); err == nil {
				num = nn
			}
		}
		// Raw is what dialling the row dials: the server's number, not
		// its display, which may carry words ("030 777 (reception)").
		card.Phones = append(card.Phones, contacts.Phone{Raw: n.Number, Number: num, Types: n.Types})
	}
	return card
}

// directoryPhones are the numbers a directory contact lists: all for a
// name, for a number only the one that matched (the server sends it
// first), as the user's books list only the numbers that match.
func directoryPhones(text string, card *contacts.Contact) []contacts.Phone {
	if contacts.LooksLikeNumber(text) && len(card.Phones) > 1 {
		return card.Phones[:1]
	}
	return card.Phones
}
