package contacts

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentReadsDuringReloads runs lookups and searches while the
// directory reloads between two books. Readers never block and always see
// one whole book: the snapshot swaps atomically (run with -race).
func TestConcurrentReadsDuringReloads(t *testing.T) {
	dir := t.TempDir()
	var a, b strings.Builder
	for i := 0; i < 300; i++ {
		a.WriteString(card(fmt.Sprintf("Anna %03d", i), fmt.Sprintf("030 1%06d", i)))
		b.WriteString(card(fmt.Sprintf("Bert %03d", i), fmt.Sprintf("030 2%06d", i)))
	}
	pathA, pathB := filepath.Join(dir, "a.vcf"), filepath.Join(dir, "b.vcf")
	writeFile(t, pathA, a.String())
	writeFile(t, pathB, b.String())
	d := newTestDirectory(t)
	d.Load(pathA)

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	report := func(format string, args ...any) {
		select {
		case errs <- fmt.Sprintf(format, args...):
		default:
		}
	}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if n := d.Len(); n != 300 {
					report("Len %d", n)
				}
				if l := len(d.Lookup(fmt.Sprintf("+49 30 1%06d", i%300))); l > 1 {
					report("lookup found %d", l)
				}
				// One search sees one book, never a mix.
				m := d.Search("030", 20)
				if len(m) != 20 {
					report("search found %d", len(m))
					continue
				}
				first := m[0].Contact.DisplayName()[:4]
				for _, x := range m {
					if x.Contact.DisplayName()[:4] != first {
						report("search mixed books: %s and %s", first, x.Contact.DisplayName())
					}
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if i%2 == 0 {
			d.Load(pathB)
		} else {
			d.Load(pathA)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestNormalizerConcurrent: one Normalizer, many goroutines.
func TestNormalizerConcurrent(t *testing.T) {
	n := mustNormalizer(t, "DE")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				num, err := n.Normalize("030 1234567 ext. 89")
				if err != nil || num.Key != "+49301234567" {
					t.Errorf("Normalize: %+v %v", num, err)
				}
				if f := n.Extract("Tel. +41 44 668 18 00 oder sip:201@pbx"); len(f) != 2 {
					t.Errorf("Extract: %+v", f)
				}
			}
		}()
	}
	wg.Wait()
}
