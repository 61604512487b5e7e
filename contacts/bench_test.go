package contacts

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Benchmarks on a generated address book of 100,000 contacts, written
// once per test binary to a temporary folder. Reproduce with:
//
//	go test -run '^$' -bench . -benchmem ./contacts

const benchContacts = 100_000

var bench struct {
	once    sync.Once
	dir     string
	path    string
	numbers []string // written forms of numbers in the book, to look up
	names   []string // display names in the book, to type
	dir100k *Directory
	loadErr string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

var (
	benchGiven = strings.Fields(`Anna Hans Jürgen Maria Peter Sabine Thomas Ursula Klaus Monika Stefan Andrea
		Michael Petra Wolfgang Claudia Andreas Birgit Frank Susanne Jörg Renate Uwe Karin Ralf Gabriele Bernd
		Heike Dieter Martina Jan Katrin Lukas Lena Jonas Leonie Felix Hannah Noah Emma Elias Mia Zoë Chloé
		José Søren Łukasz Ólafur Seán Björn Françoise Dmitri Aisha Mehmet Ayşe Yuki Wei Priya Olumide
		John Mary James Patricia Robert Jennifer David Linda William Elizabeth Richard Barbara Joseph Susan`)
	benchFamily = strings.Fields(`Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
		Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
		Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter
		Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller
		Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm
		Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas
		Dubois Lefèvre Rossi Russo García Fernández Nowak Kowalski Novák Jensen Hansen Nielsen Sigurðsson
		O'Brien Murphy Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore
		Yılmaz Kaya Demir Tanaka Suzuki Wang Li Zhang Patel Singh Okafor Mensah Kuznetsov Ivanova Papadopoulos`)
	benchOrgs = strings.Fields(`Acme Globex Initech Umbrella Stark Wayne Wonka Tyrell Cyberdyne Soylent
		Hooli Vandelay Gringotts Nakatomi Oscorp Aperture Monarch Virtucon Massive Dynamic Stadtwerke
		Müller-Bau Bäckerei Autohaus Zahnarztpraxis Kanzlei Ingenieurbüro Sparkasse Volksbank Allianz`)
	benchTitles = []string{"", "", "Geschäftsführer", "Vertrieb", "Einkauf", "Buchhaltung", "IT-Leiter", "Assistenz", "Sales Manager", "CEO"}
)

// benchBook writes the generated book once and returns its path.
func benchBook(b *testing.B) string {
	bench.once.Do(func() {
		dir, err := os.MkdirTemp("", "deskline-contacts-bench-")
		if err != nil {
			bench.loadErr = err.Error()
			return
		}
		bench.dir, bench.path = dir, filepath.Join(dir, "book.vcf")
		text, numbers, names := generateBook(benchContacts)
		bench.numbers, bench.names = numbers, names
		if err := os.WriteFile(bench.path, []byte(text), 0o644); err != nil {
			bench.loadErr = err.Error()
		}
	})
	if bench.loadErr != "" {
		b.Fatal(bench.loadErr)
	}
	return bench.path
}

// generateBook writes n contacts as vCard 3.0, deterministically: names,
// organisations and titles from the lists above, one to three numbers
// each, in the mix of national and international forms real books have.
// It also returns some of the numbers as written and some names, to look
// up and to type.
func generateBook(n int) (text string, numbers, names []string) {
	rng := rand.New(rand.NewPCG(2026, 11))
	var sb strings.Builder
	for i := 0; i < n; i++ {
		given := benchGiven[rng.IntN(len(benchGiven))]
		family := benchFamily[rng.IntN(len(benchFamily))]
		org := benchOrgs[rng.IntN(len(benchOrgs))]
		fmt.Fprintf(&sb, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:%s;%s;;;\r\nFN:%s %s\r\nORG:%s GmbH\r\n", family, given, given, family, org)
		if t := benchTitles[rng.IntN(len(benchTitles))]; t != "" {
			fmt.Fprintf(&sb, "TITLE:%s\r\n", t)
		}
		fmt.Fprintf(&sb, "EMAIL;TYPE=INTERNET,WORK:%s.%d@%s.example\r\n", strings.ToLower(given), i, strings.ToLower(org))
		for j, tel := range benchPhones(rng, i) {
			fmt.Fprintf(&sb, "TEL;TYPE=%s:%s\r\n", []string{"WORK,VOICE,pref", "CELL", "HOME", "WORK,FAX"}[j], tel)
			if i%10 == 0 && j == 0 {
				numbers = append(numbers, tel)
			}
		}
		if i%500 == 0 {
			names = append(names, given+" "+family)
		}
		fmt.Fprintf(&sb, "UID:%08x-bench-%d\r\nEND:VCARD\r\n", rng.Uint32(), i)
	}
	return sb.String(), numbers, names
}

// benchPhones returns 1-3 unique numbers for contact i in varied forms.
func benchPhones(rng *rand.Rand, i int) []string {
	areas := []string{"30", "40", "89", "221", "69", "711", "211", "351"}
	area := areas[i%len(areas)]
	sub := fmt.Sprintf("%07d", i)
	var tels []string
	switch i % 4 {
	case 0:
		tels = append(tels, "+49 "+area+" "+sub)
	case 1:
		tels = append(tels, "0"+area+" "+sub)
	case 2:
		tels = append(tels, "(0"+area+") "+sub[:3]+" "+sub[3:])
	case 3:
		tels = append(tels, "+49 (0)"+area+"-"+sub)
	}
	if rng.IntN(3) > 0 {
		tels = append(tels, fmt.Sprintf("01%d %07d", 51+rng.IntN(29), i))
	}
	if rng.IntN(4) == 0 {
		tels = append(tels, fmt.Sprintf("+1 212 %03d %04d", 200+i/10000, i%10000))
	}
	return tels
}

// loaded100k returns the directory with the book loaded, shared by the
// query benchmarks.
func loaded100k(b *testing.B) *Directory {
	path := benchBook(b)
	if bench.dir100k == nil {
		d := NewDirectory(mustNormalizer(b, "DE"))
		if w := d.Load(path); len(w) > 0 || d.Len() != benchContacts {
			b.Fatalf("loaded %d contacts, warnings %v", d.Len(), w)
		}
		bench.dir100k = d
	}
	return bench.dir100k
}

// BenchmarkLoad100k: one op loads the whole book (parse, normalise,
// index). heap-B/contact is the live heap the loaded Directory holds.
func BenchmarkLoad100k(b *testing.B) {
	path := benchBook(b)
	n := mustNormalizer(b, "DE")
	b.ReportAllocs()
	for b.Loop() {
		d := NewDirectory(n)
		if w := d.Load(path); len(w) > 0 || d.Len() != benchContacts {
			b.Fatalf("loaded %d contacts, warnings %v", d.Len(), w)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := NewDirectory(n)
	d.Load(path)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchContacts, "heap-B/contact")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(d)
}

// BenchmarkLookup100k: one op is a reverse lookup of a number as the
// exchange reports it (international) or a user types it (national).
func BenchmarkLookup100k(b *testing.B) {
	d := loaded100k(b)
	n := d.Normalizer()
	var calls []string
	for i, raw := range bench.numbers {
		num, _ := n.Normalize(raw)
		if i%2 == 0 {
			calls = append(calls, num.Key)
		} else {
			calls = append(calls, "0"+strings.TrimPrefix(num.Key, "+49"))
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if len(d.Lookup(calls[i%len(calls)])) == 0 {
			b.Fatalf("%q not found", calls[i%len(calls)])
		}
		i++
	}
}

// BenchmarkSearchKeystroke100k: one op is one keystroke of typing a name,
// letter by letter ("H", "Ha", "Han", … "Hans Müller"), limit 20.
func BenchmarkSearchKeystroke100k(b *testing.B) {
	d := loaded100k(b)
	var keys []string
	for _, name := range bench.names {
		for i := 1; i <= len(name); i++ {
			if p := name[:i]; strings.TrimSpace(p) == p && isValidPrefix(p) {
				keys = append(keys, p)
			}
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.Search(keys[i%len(keys)], 20)
		i++
	}
}

// BenchmarkSearchFirstLetter100k: the worst keystroke, one letter.
func BenchmarkSearchFirstLetter100k(b *testing.B) {
	d := loaded100k(b)
	letters := []string{"m", "s", "a", "k", "w"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if len(d.Search(letters[i%len(letters)], 20)) == 0 {
			b.Fatal("nothing found")
		}
		i++
	}
}

// BenchmarkSearchDigits100k: one op is one keystroke of typing a number
// ("0", "03", "030", … "030 1234567").
func BenchmarkSearchDigits100k(b *testing.B) {
	d := loaded100k(b)
	var keys []string
	for _, raw := range bench.numbers[:50] {
		for i := 1; i <= len(raw); i++ {
			keys = append(keys, raw[:i])
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d.Search(keys[i%len(keys)], 20)
		i++
	}
}

func isValidPrefix(s string) bool { return strings.ToValidUTF8(s, "") == s }

func BenchmarkNormalize(b *testing.B) {
	n := mustNormalizer(b, "DE")
	for _, in := range []string{"+49 30 1234567", "030 1234567", "+49-30-1234567;ext=89", "201", "0800 FLOWERS"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.Normalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExtract(b *testing.B) {
	n := mustNormalizer(b, "DE")
	text := `Mit freundlichen Grüßen
Hans Müller, Vertrieb
Müller & Söhne GmbH, Hauptstraße 1, 10115 Berlin
Tel. +49 (30) 123-45 67 ext. 89, Fax 030 1234568, Mobil 0171/9876543
IBAN DE89 3704 0044 0532 0130 00 — Termin am 12.05.2024 um 14:30
<a href="tel:+49-30-1234567">anrufen</a>`
	b.ReportAllocs()
	for b.Loop() {
		if len(n.Extract(text)) != 4 {
			b.Fatal(n.Extract(text))
		}
	}
}
