// Package people generates deterministic fake people for the directory's
// tests and benchmarks: the same Person i every run, so a test can name
// whom it expects to find (Person(i).Given) and by which number. The
// CardDAV tests write them as vCards, the LDAP tests as LDIF entries.
package people

import (
	"fmt"
	"strings"
)

var (
	givens   = []string{"Anna", "Bernd", "Clara", "Dieter", "Elif", "Farid", "Greta", "Hannes", "Ines", "Jonas", "Katrin", "Lukas", "Mira", "Niklas", "Olga", "Paul", "Rita", "Stefan", "Tanja", "Uwe", "Vera", "Yusuf", "Zoë", "Jürgen"}
	families = []string{"Weiss", "Müller", "Schmidt", "Schneider", "Fischer", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Öztürk", "Nowak", "Dubois", "O'Brien"}
	orgs     = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Soylent"}
	titles   = []string{"", "Buyer", "Sales Manager", "Engineer", "Head of Purchasing", "Assistant", "CEO", "Accountant"}
	depts    = []string{"Sales", "Purchasing", "Support", "Finance", "Engineering", "Logistics"}
)

// Phone is one number of a Person, as written in the source, with its
// lower-case vCard types ("work", "cell", "home", "fax").
type Phone struct {
	Number string
	Types  []string
}

// Person is one generated contact. Numbers are unique across people: the
// first is +49 area + 7 digits of i, written in one of four national or
// international forms.
type Person struct {
	Index        int
	UID          string
	Given        string
	Family       string
	Organization string
	Department   string
	Title        string
	Email        string
	Phones       []Phone
}

// FullName is "Given Family".
func (p Person) FullName() string { return p.Given + " " + p.Family }

// Get returns person i (i ≥ 0). Every third person has a mobile and
// every fourth an American number as well.
func Get(i int) Person {
	p := Person{
		Index:        i,
		UID:          fmt.Sprintf("person-%06d", i),
		Given:        givens[i%len(givens)],
		Family:       families[(i/len(givens))%len(families)],
		Organization: orgs[i%len(orgs)] + " GmbH",
		Department:   depts[i%len(depts)],
		Title:        titles[i%len(titles)],
	}
	p.Email = fmt.Sprintf("%s.%d@%s.example", strings.ToLower(asciiOnly(p.Given)), i, strings.ToLower(orgs[i%len(orgs)]))
	p.Phones = append(p.Phones, Phone{Number: workNumber(i), Types: []string{"work", "voice"}})
	if i%3 == 0 {
		p.Phones = append(p.Phones, Phone{Number: fmt.Sprintf("+49 151 %08d", i), Types: []string{"cell"}})
	}
	if i%4 == 0 {
		p.Phones = append(p.Phones, Phone{Number: fmt.Sprintf("+1 212 %03d %04d", 200+i/10000, i%10000), Types: []string{"work", "fax"}})
	}
	return p
}

// WorkKey is the E.164 key of person i's first number, as the exchange
// reports a caller ("+4930…").
func WorkKey(i int) string {
	area := areas[i%len(areas)]
	return fmt.Sprintf("+49%s%07d", area, i)
}

var areas = []string{"30", "40", "89", "221", "69", "711", "211", "351"}

// workNumber writes person i's first number in one of the forms real books
// hold.
func workNumber(i int) string {
	area := areas[i%len(areas)]
	sub := fmt.Sprintf("%07d", i)
	switch i % 4 {
	case 0:
		return "+49 " + area + " " + sub
	case 1:
		return "0" + area + " " + sub
	case 2:
		return "(0" + area + ") " + sub[:3] + " " + sub[3:]
	}
	return "+49 (0)" + area + "-" + sub
}

func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 {
			return r
		}
		return 'x'
	}, s)
}
