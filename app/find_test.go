package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deskline/deskline/ctiproto"
)

// rowsText is "name number source" per row, "|" between rows.
func rowsText(rows []Found) string {
	var out []string
	for _, r := range rows {
		name, num := "", r.Phone.Number.Display
		if r.Contact != nil {
			name = r.Contact.DisplayName()
		}
		if r.Colleague != nil {
			name, num = r.Colleague.Label(), r.Colleague.Device
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s", name, num, r.Source)))
	}
	return strings.Join(out, "|")
}

// dirContact is a directory contact in book "Staff" with numbers.
func dirContact(id, name, company string, nums ...string) ctiproto.Contact {
	c := ctiproto.Contact{ID: id, Book: "Staff", Name: name, Company: company}
	for _, n := range nums {
		c.Numbers = append(c.Numbers, ctiproto.ContactNumber{Number: n, Display: n, Types: []string{"work"}})
	}
	return c
}

// The user's books, the colleagues and the directory make one list,
// ranked by score; the same number from the user's card and the
// directory is one row, the user's card; a directory number that is a
// colleague's extension is her row.
func TestMergeRanksAndDedupes(t *testing.T) {
	n := numbers(t)
	f := Find{Books: books(t, n), Numbers: n, Colleagues: true, Limit: 10}
	s := State{Devices: []Device{{ID: "201"}}, Switchboard: Switchboard{Colleagues: []Colleague{
		{Device: "203", Name: "Clara Weiss"}}}}
	server := []ctiproto.Contact{
		dirContact("1", "Jane Doe", "Acme GmbH", "+49301234567"), // the user's card has it
		dirContact("2", "Janet Jackson", "Sales", "+49309999"),
		dirContact("3", "Jane Roe", "Acme GmbH", "+49308888", "+491715550000"),
	}
	got := rowsText(f.Merge(s, "jane", server))
	want := "Jane Doe +49 30 1234567|Jane Doe +49 171 5551234|Jane Roe +49 30 8888 Staff|Jane Roe +49 171 5550000 Staff|Janet Jackson +49 30 9999 Staff"
	if got != want {
		t.Errorf("jane:\n got %s\nwant %s", got, want)
	}
	// Clara is a colleague and in the directory: one row, hers, with the
	// directory's card and its book.
	server = []ctiproto.Contact{dirContact("4", "Clara Weiss", "Acme GmbH", "203", "+491701234")}
	rows := f.Merge(s, "clara", server)
	if got, want := rowsText(rows), "Clara Weiss 203|Clara Weiss +49 1701234 Staff"; got != want {
		t.Errorf("clara:\n got %s\nwant %s", got, want)
	}
	// Without Colleagues (the switchboard, whose tiles show her), her
	// extension is left out, the rest stays.
	f.Colleagues = false
	if got, want := rowsText(f.Merge(s, "clara", server)), "Clara Weiss +49 1701234 Staff"; got != want {
		t.Errorf("clara without colleagues: %s, want %s", got, want)
	}
}

// Offline (no answer) the list is the user's books; a name the user's
// books do not have comes only from the directory.
func TestMergeOfflineAndDirectoryOnly(t *testing.T) {
	n := numbers(t)
	f := Find{Books: books(t, n), Numbers: n}
	if got, want := rowsText(f.Merge(State{}, "max", nil)), "Max Mustermann +49 89 123456"; got != want {
		t.Errorf("offline: %s, want %s", got, want)
	}
	server := []ctiproto.Contact{dirContact("9", "Maxine Power", "", "+4940123")}
	if got, want := rowsText(f.Merge(State{}, "maxi", server)), "Maxine Power +49 40 123 Staff"; got != want {
		t.Errorf("directory only: %s, want %s", got, want)
	}
	if rows := f.Merge(State{}, "  ", server); rows != nil {
		t.Errorf("empty text: %v", rows)
	}
}

// Rows rank by score across the user's books and the directory (the
// server scores with the same ranking): a directory contact that matches
// better comes first; on equal scores the user's card, then by name.
func TestMergeRanksByScoreAcrossSources(t *testing.T) {
	n := numbers(t)
	f := Find{Books: books(t, n), Numbers: n}
	local := f.Books.Search("doe", 1)[0].Score // Jane Doe's card
	server := []ctiproto.Contact{
		withScore(dirContact("3", "Doe Anders", "", "+4930333"), local+20), // "doe" is his first word
		withScore(dirContact("1", "Zoe Doe", "", "+4930111"), local),
		withScore(dirContact("2", "Adam Doe", "", "+4930222"), local),
	}
	got := rowsText(f.Merge(State{}, "doe", server))
	want := "Doe Anders +49 30 333 Staff|Jane Doe +49 30 1234567|Jane Doe +49 171 5551234|Adam Doe +49 30 222 Staff|Zoe Doe +49 30 111 Staff"
	if got != want {
		t.Errorf("doe:\n got %s\nwant %s", got, want)
	}
}

func withScore(c ctiproto.Contact, score int) ctiproto.Contact {
	c.Score = score
	return c
}

// A number typed: the directory's matching number only, ranked by the
// server's score (an exact number above a longer one).
func TestMergeNumbers(t *testing.T) {
	n := numbers(t)
	f := Find{Books: books(t, n), Numbers: n}
	server := []ctiproto.Contact{
		withScore(dirContact("2", "Prefix Person", "", "+4930555123"), 400),
		withScore(dirContact("1", "Exact Person", "", "+493055512", "+4917000"), 600),
	}
	if got, want := rowsText(f.Merge(State{}, "030 55512", server)), "Exact Person +49 30 55512 Staff|Prefix Person +49 30 555123 Staff"; got != want {
		t.Errorf("number: %s, want %s", got, want)
	}
}

// A directory row dials the server's number; its display is for showing
// (it may carry words a dial string must not).
func TestMergeDialsTheServersNumber(t *testing.T) {
	n := numbers(t)
	f := Find{Numbers: n}
	dc := dirContact("5", "Reception Desk", "", "+4930777")
	dc.Numbers[0].Display = "030 777 (reception)"
	rows := f.Merge(State{}, "reception", []ctiproto.Contact{dc})
	if len(rows) != 1 || rows[0].Number() != "+4930777" {
		t.Fatalf("rows %+v", rows)
	}
	// A number the normalizer cannot read is shown as the server wrote it.
	card := DirectoryCard(dc, nil)
	if p := card.Phones[0]; p.Raw != "+4930777" || p.Number.Display != "030 777 (reception)" {
		t.Fatalf("phone %+v", p)
	}
}
