//go:build ignore

// gen_contacts writes the demo address book into demo/contacts: one vCard
// per contact, some 3.0 and some 4.0, with avatars drawn here. Run it
// through go generate (see assets.go); the output is the same on every run.
package main

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"log"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// card is one contact. Numbers are written as people write them; tel
// holds "types:number", e.g. "work,voice:+49 30 901820".
type card struct {
	file    string
	v4      bool   // vCard 4.0, else 3.0
	prefix  string // honorific, e.g. "Dr."
	given   string
	family  string
	fn      string // only when not prefix+given+family, e.g. an organisation
	org     []string
	title   string
	tel     []string
	telURI  bool // write vCard 4.0 numbers as tel: URIs
	email   []string
	adr     []string // street, city, postcode, country
	url     string
	note    string
	noPhoto bool
}

// The demo office is in Berlin; its business contacts are in Germany and
// abroad. Numbers use the ranges set aside for fiction where there are
// such (UK 020 7946 0xxx, US 555-01xx). Other code rings and dials the
// first seven entries: keep their names and numbers.
var cards = []card{
	{
		file: "miriam-okafor", v4: true, given: "Miriam", family: "Okafor",
		org: []string{"Hanseatic Logistics GmbH", "Dispatch"}, title: "Head of Dispatch",
		tel:   []string{"work,voice:+49 40 32901142", "cell:+49 151 23390471"},
		email: []string{"m.okafor@hanseatic-logistics.example"},
		adr:   []string{"Kehrwieder 8", "Hamburg", "20457", "Germany"},
		note:  "Prefers calls before 11:00. Contract renewal due in December.",
	},
	{
		file: "oliver-grant", given: "Oliver", family: "Grant",
		org: []string{"Grant & Webb Ltd"}, title: "Managing Director",
		tel:   []string{"WORK,VOICE:+44 20 7946 0321", "CELL:+44 7700 900123"},
		email: []string{"oliver.grant@grantwebb.example"},
		adr:   []string{"14 Bishopsgate Yard", "London", "EC2N 4AJ", "United Kingdom"},
		url:   "https://grantwebb.example",
		note:  "UK distributor since 2019. London time: one hour behind us.",
	},
	{
		file: "juergen-weiss", given: "Jürgen", family: "Weiß",
		org: []string{"Weiß Elektrotechnik"}, title: "Service Technician",
		tel:   []string{"CELL:+49 171 5550123", "WORK,VOICE:+49 30 5550 4400"},
		email: []string{"service@weiss-elektro.example"},
		adr:   []string{"Oranienstraße 112", "Berlin", "10969", "Germany"},
		note:  "Maintains the server room UPS and the door intercom.\nOn call Mon–Fri 7:00–17:00; mobile is fastest.",
	},
	{
		file: "sophie-laurent", v4: true, given: "Sophie", family: "Laurent",
		org: []string{"Atelier Laurent"}, title: "Creative Director",
		tel:   []string{"work,voice:+33 1 42 68 53 00", "cell:+33 6 12 48 73 95"},
		email: []string{"sophie@atelier-laurent.example"},
		adr:   []string{"27 rue du Faubourg Saint-Denis", "Paris", "75010", "France"},
		note:  "Designs our trade-fair stand. Speaks German and English; emails in French are appreciated.",
	},
	{
		file: "anna-schmidt", prefix: "Dr.", given: "Anna", family: "Schmidt",
		org: []string{"Praxis Dr. Schmidt"}, title: "Occupational Physician",
		tel:   []string{"WORK,VOICE:030 2345678", "WORK,FAX:030 2345679"},
		email: []string{"praxis@dr-schmidt.example"},
		adr:   []string{"Kantstraße 41", "Berlin", "10625", "Germany"},
		note:  "Company doctor: annual check-ups and first-aid training.\nReception open Mon–Thu 8:00–12:00, 14:00–17:00.",
	},
	{
		file: "lena-hoffmann", v4: true, given: "Lena", family: "Hoffmann",
		org: []string{"Hoffmann Consulting"}, title: "Partner",
		tel:   []string{"work,voice:+49 30 901820", "cell:+49 160 5552841"},
		email: []string{"lena.hoffmann@hoffmann-consulting.example"},
		adr:   []string{"Friedrichstraße 68", "Berlin", "10117", "Germany"},
		note:  "Advises us on the PBX migration.",
	},
	{
		file: "bavaria-logistik", v4: true, fn: "Bavaria Logistik Hotline",
		org:     []string{"Bavaria Logistik"},
		tel:     []string{"main:+49 89 123456", "work,fax:+49 89 123457"},
		email:   []string{"hotline@bavaria-logistik.example"},
		adr:     []string{"Landsberger Straße 302", "München", "80687", "Germany"},
		note:    "Switchboard. Have the consignment number ready.",
		noPhoto: true,
	},
	{
		file: "thomas-becker", given: "Thomas", family: "Becker",
		org: []string{"Becker & Söhne Bau GmbH", "Projektleitung"}, title: "Project Manager",
		tel:   []string{"WORK,VOICE:0331 2987650", "CELL:0172 4455667"},
		email: []string{"t.becker@becker-bau.example"},
		adr:   []string{"Zeppelinstraße 17", "Potsdam", "14471", "Germany"},
		note:  "Office extension works, 2nd floor.",
	},
	{
		file: "katharina-mueller-luedenscheidt", v4: true, given: "Katharina", family: "Müller-Lüdenscheidt",
		org: []string{"Rheinland Versicherung AG", "Schadenabteilung"}, title: "Claims Manager",
		tel: []string{"work,voice:+49 221 9876540", "work,fax:+49 221 9876549"}, telURI: true,
		email: []string{"k.mueller-luedenscheidt@rheinland-versicherung.example"},
		adr:   []string{"Konrad-Adenauer-Ufer 3", "Köln", "50668", "Germany"},
		note:  "Policy no. BV-2231-0047 (office contents, business interruption).",
	},
	{
		file: "stefan-krueger", given: "Stefan", family: "Krüger",
		org: []string{"Krüger IT-Service"}, title: "Owner",
		tel:   []string{"WORK,VOICE;TYPE=PREF:040 6543210", "CELL:+49 176 98765432"},
		email: []string{"stefan@krueger-it.example"},
		adr:   []string{"Bahrenfelder Chaussee 49", "Hamburg", "22761", "Germany"},
	},
	{
		file: "aylin-demir", v4: true, given: "Aylin", family: "Demir",
		org: []string{"Nordlicht Marketing GmbH", "Online"}, title: "Account Manager",
		tel:   []string{"work,voice:+49 40 2841770", "cell:+49 1520 8812345"},
		email: []string{"aylin.demir@nordlicht-marketing.example"},
		note:  "Runs our newsletter and the spring campaign.",
	},
	{
		file: "markus-schneider", given: "Markus", family: "Schneider",
		org: []string{"Schneider Steuerberatung"}, title: "Tax Advisor",
		tel:   []string{"WORK,VOICE:089 2109870", "WORK,FAX:089 2109879"},
		email: []string{"kanzlei@schneider-stb.example"},
		adr:   []string{"Sendlinger Straße 12", "München", "80331", "Germany"},
		note:  "Annual accounts: documents by end of March.",
	},
	{
		file: "elif-yilmaz", v4: true, given: "Elif", family: "Yılmaz",
		org: []string{"Bosporus Import Export GmbH", "Einkauf"}, title: "Purchasing Manager",
		tel:   []string{"work,voice:+49 69 12345670", "cell:+49 157 33445566"},
		email: []string{"e.yilmaz@bosporus-ie.example"},
		adr:   []string{"Hanauer Landstraße 140", "Frankfurt am Main", "60314", "Germany"},
	},
	{
		file: "lars-johansson", v4: true, given: "Lars", family: "Johansson",
		org: []string{"Nordic Freight AB", "Sales"}, title: "Sales Manager DACH",
		tel: []string{"work,voice:+46 8 12345678", "cell:+46 70 1234567"}, telURI: true,
		email: []string{"lars.johansson@nordicfreight.example"},
		adr:   []string{"Sveavägen 44", "Stockholm", "111 34", "Sweden"},
		note:  "Sea freight Hamburg–Gothenburg.",
	},
	{
		file: "martina-gruber", given: "Martina", family: "Gruber",
		org: []string{"Gruber Holz GmbH", "Einkauf"}, title: "Head of Purchasing",
		tel:   []string{"WORK,VOICE:+43 1 5134567", "CELL:+43 664 1234567"},
		email: []string{"m.gruber@gruber-holz.example"},
		adr:   []string{"Mariahilfer Straße 88", "Wien", "1070", "Austria"},
		note:  "Frame agreement for shelving and desks.",
	},
	{
		file: "lukas-steiner", v4: true, given: "Lukas", family: "Steiner",
		org: []string{"Alpenblick Hotels AG", "Reservation"}, title: "Group Sales",
		tel:   []string{"work,voice:+41 44 668 18 00", "cell:+41 79 123 45 67"},
		email: []string{"groups@alpenblick-hotels.example"},
		adr:   []string{"Seestrasse 21", "Zürich", "8002", "Switzerland"},
		note:  "Team offsite in September: 24 rooms on hold until 30 June.",
	},
	{
		file: "jennifer-walsh", v4: true, given: "Jennifer", family: "Walsh",
		org: []string{"Brightwater Software Inc.", "Partner Sales"}, title: "VP Partnerships",
		tel:   []string{"work,voice:+1 415 555 0132", "cell:+1 415 555 0178"},
		email: []string{"jwalsh@brightwater.example"},
		adr:   []string{"500 Howard Street", "San Francisco", "94105", "USA"},
		url:   "https://brightwater.example",
		note:  "Pacific time: nine hours behind us.\nBest reached 17:00–19:00 our time.",
	},
	{
		file: "francois-dubois", given: "François", family: "Dubois",
		org: []string{"Dubois Transports SARL"}, title: "Gérant",
		tel:   []string{"WORK,VOICE:+33 4 78 92 45 10", "CELL:+33 6 71 23 45 89"},
		email: []string{"f.dubois@dubois-transports.example"},
		adr:   []string{"12 quai Perrache", "Lyon", "69002", "France"},
	},
	{
		file: "peter-wagner", given: "Peter", family: "Wagner",
		org: []string{"Wagner Druck GmbH"}, title: "Print Production",
		tel:   []string{"WORK,VOICE:0221 471100", "WORK,FAX:0221 471109"},
		email: []string{"auftrag@wagner-druck.example"},
		note:  "Business cards, letterheads, trade-fair flyers. Proofs by e-mail.",
	},
	{
		file: "sabine-fischer", v4: true, given: "Sabine", family: "Fischer",
		org: []string{"Fischer & Partner Rechtsanwälte", "Arbeitsrecht"}, title: "Rechtsanwältin",
		tel:     []string{"work,voice:+49 211 8765430", "work,fax:+49 211 8765439"},
		email:   []string{"s.fischer@fischer-partner.example"},
		adr:     []string{"Königsallee 60", "Düsseldorf", "40212", "Germany"},
		note:    "Employment law. Confidential: do not leave details on voicemail.",
		noPhoto: true,
	},
	{
		file: "klaus-dieter-baeumer", given: "Klaus-Dieter", family: "Bäumer",
		org: []string{"Bäumer Gebäudereinigung"}, title: "Owner",
		tel:     []string{"CELL:0160 98765432", "HOME:02151 123456"},
		email:   []string{"kd.baeumer@baeumer-reinigung.example"},
		note:    "Office cleaning Tue and Fri evenings. Keys: 2 (reception has the list).",
		noPhoto: true,
	},
	{
		file: "noah-schaefer", v4: true, given: "Noah", family: "Schäfer",
		org: []string{"Spreewerk Digital GmbH", "Engineering"}, title: "CTO",
		tel:   []string{"work,voice:+49 30 44556670", "cell:+49 173 2223344"},
		email: []string{"noah@spreewerk.example"},
		adr:   []string{"Schlesische Straße 26", "Berlin", "10997", "Germany"},
		note:  "Built our web shop. Support contract: 8×5, response within 4 h.",
	},
	{
		file: "hannah-weber", given: "Hannah", family: "Weber",
		org: []string{"Weber Catering"}, title: "Event Manager",
		tel:   []string{"WORK,VOICE:030 7788990", "CELL:0157 34567812"},
		email: []string{"events@weber-catering.example"},
		note:  "Christmas party: vegetarian menu for 40, confirmed.",
	},
	{
		file: "mehmet-aksoy", v4: true, given: "Mehmet", family: "Aksoy",
		org: []string{"Aksoy Kfz-Werkstatt"}, title: "Workshop Manager",
		tel:   []string{"work,voice:030 6123456", "cell:0176 61234567"},
		email: []string{"werkstatt@aksoy-kfz.example"},
		note:  "Services the two company vans (B-DL 201, B-DL 202).",
	},
	{
		file: "malgorzata-wisniewska", given: "Małgorzata", family: "Wiśniewska",
		org: []string{"Wisła Transport Sp. z o.o.", "Dyspozycja"}, title: "Dispatcher",
		tel:   []string{"WORK,VOICE:+48 22 1234567", "CELL:+48 601 234 567"},
		email: []string{"m.wisniewska@wisla-transport.example"},
		adr:   []string{"ul. Marszałkowska 84", "Warszawa", "00-514", "Poland"},
		note:  "Groupage Berlin–Warsaw twice a week (Mon, Thu).",
	},
	{
		file: "emma-richter", v4: true, given: "Emma", family: "Richter",
		org: []string{"Richter Immobilien GmbH", "Vermietung"}, title: "Property Manager",
		tel:   []string{"work,voice:0341 9876543", "cell:+49 162 9876543"},
		email: []string{"e.richter@richter-immobilien.example"},
		adr:   []string{"Karl-Liebknecht-Straße 9", "Leipzig", "04107", "Germany"},
		note:  "Landlord of the Leipzig branch office.\nLease runs until 31 March 2027, notice period 6 months.",
	},
	{
		file: "tobias-neumann", given: "Tobias", family: "Neumann",
		org: []string{"Neumann Facility Services"}, title: "Technician",
		tel:   []string{"CELL:+49 175 5554321", "WORK,VOICE:+49 30 5554320"},
		email: []string{"t.neumann@neumann-fs.example"},
		note:  "Heating and air conditioning.",
	},
	{
		file: "zoe-clarke", v4: true, given: "Zoë", family: "Clarke",
		org: []string{"Northern Rail Supplies Ltd", "Procurement"}, title: "Buyer",
		tel: []string{"work,voice:+44 161 496 0755", "cell:+44 7700 900456"}, telURI: true,
		email: []string{"zoe.clarke@nrsupplies.example"},
		adr:   []string{"Whitworth Street 70", "Manchester", "M1 6LU", "United Kingdom"},
	},
	{
		file: "giulia-rossi", given: "Giulia", family: "Rossi",
		org: []string{"Studio Rossi Architetti"}, title: "Architect",
		tel:   []string{"WORK,VOICE:+39 02 1234 5678", "CELL:+39 347 123 4567"},
		email: []string{"giulia@studiorossi.example"},
		adr:   []string{"Via Tortona 15", "Milano", "20144", "Italy"},
		note:  "Plans the new reception area.",
	},
	{
		file: "henrik-vogel", v4: true, given: "Henrik", family: "Vogel",
		org: []string{"Vogel Büroeinrichtung KG", "Vertrieb"}, title: "Sales Representative",
		tel:   []string{"work,voice:+49 511 3456780", "cell:+49 170 3456789", "work,fax:+49 511 3456789"},
		email: []string{"h.vogel@vogel-buero.example", "vertrieb@vogel-buero.example"},
		adr:   []string{"Podbielskistraße 160", "Hannover", "30177", "Germany"},
		note:  "Ergonomic chairs: 12 ordered, delivery week 14.",
	},
}

func main() {
	dir := filepath.Join("demo", "contacts")
	old, err := filepath.Glob(filepath.Join(dir, "*.vcf"))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range old { // contacts dropped from the list go too
		if err := os.Remove(f); err != nil {
			log.Fatal(err)
		}
	}
	face, err := initialsFace()
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cards {
		text, err := c.vcard(face)
		if err != nil {
			log.Fatal(err)
		}
		if err := writeFile(filepath.Join(dir, c.file+".vcf"), []byte(text)); err != nil {
			log.Fatal(err)
		}
	}
}

func (c card) name() string {
	if c.fn != "" {
		return c.fn
	}
	return strings.TrimSpace(strings.Join([]string{c.prefix, c.given, c.family}, " "))
}

// vcard writes the card, folded at 75 octets with CRLF as RFC 6350 and
// RFC 2426 ask.
func (c card) vcard(face font.Face) (string, error) {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	version := "3.0"
	if c.v4 {
		version = "4.0"
	}
	add("BEGIN:VCARD")
	add("VERSION:%s", version)
	add("PRODID:-//Deskline//Demo address book//EN")
	add("UID:urn:uuid:%s", uuid(c.file))
	if c.v4 && c.given == "" {
		add("KIND:org")
	}
	add("FN:%s", escape(c.name()))
	if c.given != "" || !c.v4 { // vCard 3.0 requires N
		add("N:%s;%s;;%s;", escape(c.family), escape(c.given), escape(c.prefix))
	}
	if !c.v4 && c.given == "" {
		add("X-ABShowAs:COMPANY") // Apple Contacts: list it by its organisation
	}
	if len(c.org) > 0 {
		add("ORG:%s", structured(c.org))
	}
	if c.title != "" {
		add("TITLE:%s", escape(c.title))
	}
	for _, t := range c.tel {
		types, number, _ := strings.Cut(t, ":")
		switch {
		case c.v4 && c.telURI:
			add("TEL;VALUE=uri;TYPE=\"%s\":tel:%s", types, strings.ReplaceAll(number, " ", "-"))
		case c.v4:
			add("TEL;TYPE=\"%s\":%s", types, number)
		default:
			add("TEL;TYPE=%s:%s", types, number)
		}
	}
	for _, e := range c.email {
		if c.v4 {
			add("EMAIL;TYPE=work:%s", e)
		} else {
			add("EMAIL;TYPE=INTERNET,WORK:%s", e)
		}
	}
	if len(c.adr) == 4 {
		typ := "WORK"
		if c.v4 {
			typ = "work"
		}
		add("ADR;TYPE=%s:;;%s", typ, structured([]string{c.adr[0], c.adr[1], "", c.adr[2], c.adr[3]}))
	}
	if c.url != "" {
		add("URL:%s", c.url)
	}
	if c.note != "" {
		add("NOTE:%s", escape(c.note))
	}
	if !c.noPhoto {
		png, err := encodePNG(avatar(face, c.given, c.family))
		if err != nil {
			return "", err
		}
		b64 := base64.StdEncoding.EncodeToString(png)
		if c.v4 {
			add("PHOTO:data:image/png;base64,%s", b64)
		} else {
			add("PHOTO;ENCODING=b;TYPE=PNG:%s", b64)
		}
	}
	add("END:VCARD")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
	}
	return b.String(), nil
}

// escape escapes a text value.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, ",", `\,`, ";", `\;`).Replace(s)
}

// structured escapes the components of a structured value (ORG, ADR) and
// joins them.
func structured(parts []string) string {
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = escape(p)
	}
	return strings.Join(esc, ";")
}

// fold breaks a content line into lines of at most 75 octets, never inside
// a UTF-8 sequence.
func fold(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}

// uuid is a name-based UUID (version 5 layout) so that cards keep their
// UID from one run to the next.
func uuid(name string) string {
	h := sha1.Sum([]byte("deskline-demo/" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// avatarColours are mid-dark tones that carry white initials well.
var avatarColours = []color.NRGBA{
	rgb(0xC62828), rgb(0xAD1457), rgb(0x6A1B9A), rgb(0x4527A0),
	rgb(0x283593), rgb(0x1565C0), rgb(0x00838F), rgb(0x00695C),
	rgb(0x2E7D32), rgb(0x558B2F), rgb(0xE65100), rgb(0xBF360C),
	rgb(0x5D4037), rgb(0x455A64),
}

const avatarSize = 128

func initialsFace() (font.Face, error) {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("assets: parse font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 50, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("assets: font face: %w", err)
	}
	return face, nil
}

// avatar draws the initials in white on a disc whose colour follows from
// the name, so that a person keeps their colour.
func avatar(face font.Face, given, family string) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, avatarSize, avatarSize))
	h := fnv.New32a()
	h.Write([]byte(given + " " + family))
	fill := avatarColours[h.Sum32()%uint32(len(avatarColours))]
	paint(img, mask(avatarSize, avatarSize, circle(pt{64, 64}, 64)), uniform(fill))

	initials := initial(given) + initial(family)
	// Centre the ink, not the advance box: capitals sit on the baseline
	// and have no descent.
	ink, _ := font.BoundString(face, initials)
	w := ink.Max.X - ink.Min.X
	hgt := ink.Max.Y - ink.Min.Y
	d := font.Drawer{Dst: img, Src: uniform(white), Face: face}
	d.Dot = fixed.Point26_6{
		X: fixed.I(avatarSize/2) - w/2 - ink.Min.X,
		Y: fixed.I(avatarSize/2) + hgt/2 - ink.Max.Y,
	}
	d.DrawString(initials)
	return img
}

func initial(s string) string {
	for _, r := range s {
		return string(unicode.ToUpper(r))
	}
	return ""
}
