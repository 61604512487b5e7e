package contacts

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// cardsPerJob is how many cards one worker parses at a time: enough to
// make the hand-over cheap, few enough to spread a file over the cores.
const cardsPerJob = 256

// bookFile is one file of a load on its way through the workers.
type bookFile struct {
	path    string
	text    string
	cards   []rawCard
	results []cardResult
	warns   []Warning // about the file as a whole
	pending atomic.Int32
}

type loadJob struct {
	f      *bookFile
	lo, hi int
}

// loadBooks reads every vCard file under paths. One goroutine reads and
// splits files while the others parse their cards; a file's text is
// dropped as soon as its last card is parsed.
func loadBooks(paths []string, norm *Normalizer, lim Limits) ([]*Contact, []Warning) {
	files, warns := collectFiles(paths, lim)
	books := make([]*bookFile, len(files))
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan loadJob, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newCardParser(norm, lim)
			for j := range jobs {
				for i := j.lo; i < j.hi; i++ {
					j.f.results[i] = p.parse(j.f.path, j.f.text, j.f.cards[i])
				}
				if j.f.pending.Add(-1) == 0 {
					j.f.text = "" // every card of the file is parsed
				}
			}
		}()
	}
	for i, path := range files {
		books[i] = readBook(path, lim)
		queueBook(books[i], jobs)
	}
	close(jobs)
	wg.Wait()
	var contacts []*Contact
	for _, b := range books {
		var fileWarns []Warning
		contacts, fileWarns = assembleBook(b, contacts)
		warns = append(warns, capWarnings(b.path, fileWarns)...)
	}
	return contacts, warns
}

func queueBook(b *bookFile, jobs chan<- loadJob) {
	if len(b.cards) == 0 {
		return
	}
	b.results = make([]cardResult, len(b.cards))
	b.pending.Store(int32((len(b.cards) + cardsPerJob - 1) / cardsPerJob))
	for lo := 0; lo < len(b.cards); lo += cardsPerJob {
		jobs <- loadJob{f: b, lo: lo, hi: min(lo+cardsPerJob, len(b.cards))}
	}
}

// readBook reads a file within the size limit and finds its cards.
func readBook(path string, lim Limits) *bookFile {
	b := &bookFile{path: path}
	warn := func(err error) { b.warns = append(b.warns, Warning{File: path, Err: err}) }
	f, err := os.Open(path)
	if err != nil {
		warn(fmt.Errorf("cannot read: %w", pathError(err)))
		return b
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	if size > lim.MaxFileSize {
		warn(fmt.Errorf("file is %d bytes, more than %d (the MaxFileSize limit); skipped", size, lim.MaxFileSize))
		return b
	}
	// Read into a buffer of the file's size (plus room to see that it
	// grew): ReadAll would copy a 30 MB book a dozen times while growing.
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(f, lim.MaxFileSize+1))
	data := buf.Bytes()
	switch {
	case err != nil:
		warn(fmt.Errorf("cannot read: %w", pathError(err)))
		return b
	case int64(len(data)) > lim.MaxFileSize:
		warn(fmt.Errorf("file is more than %d bytes (the MaxFileSize limit); skipped", lim.MaxFileSize))
		return b
	}
	return splitBook(b, data, lim)
}

// splitBook decodes a book's bytes (a file's, or a CardDAV object's) and
// finds its cards.
func splitBook(b *bookFile, data []byte, lim Limits) *bookFile {
	if len(bytes.TrimSpace(data)) == 0 {
		b.warns = append(b.warns, Warning{File: b.path, Err: fmt.Errorf("file is empty")})
		return b
	}
	b.text = decodeFile(data)
	var splitWarns []Warning
	b.cards, splitWarns = splitCards(b.path, b.text, lim)
	b.warns = append(b.warns, splitWarns...)
	return b
}

// assembleBook appends a file's contacts in card order, giving each its ID,
// and returns the file's warnings in order.
func assembleBook(b *bookFile, contacts []*Contact) ([]*Contact, []Warning) {
	warns := b.warns
	uids := map[string]int{}
	for i, r := range b.results {
		warns = append(warns, r.warns...)
		c := r.contact
		if c == nil {
			continue
		}
		index := b.cards[i].index
		switch first, dup := uids[r.uid]; {
		case r.uid == "":
			c.ID = b.path + "#" + strconv.Itoa(index)
		case dup:
			c.ID = b.path + "#" + strconv.Itoa(index)
			warns = append(warns, Warning{File: b.path, Card: index, Name: c.DisplayName(),
				Err: fmt.Errorf("UID %q is also card %d's; ID %q uses the card index", excerpt(r.uid), first, c.ID)})
		default:
			uids[r.uid] = index
			c.ID = b.path + "#" + r.uid
		}
		contacts = append(contacts, c)
	}
	b.results = nil
	return contacts, warns
}

// capWarnings keeps the first warnings of a file and counts the rest.
func capWarnings(path string, warns []Warning) []Warning {
	if len(warns) <= maxWarningsPerFile {
		return warns
	}
	more := len(warns) - maxWarningsPerFile
	return append(warns[:maxWarningsPerFile:maxWarningsPerFile], Warning{File: path,
		Err: fmt.Errorf("%d more problem(s) in this file not listed", more)})
}

// collectFiles expands paths into the vCard files to read, in a stable
// order, each once.
func collectFiles(paths []string, lim Limits) ([]string, []Warning) {
	var (
		files []string
		warns []Warning
		seen  = map[string]bool{}
	)
	add := func(path string) bool {
		if len(files) >= lim.MaxFiles {
			return false
		}
		key := path
		if abs, err := filepath.Abs(path); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			files = append(files, path)
		}
		return true
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		switch {
		case err != nil:
			warns = append(warns, Warning{File: root, Err: fmt.Errorf("cannot read: %w", pathError(err))})
		case !st.IsDir():
			if !add(root) {
				warns = append(warns, tooManyFiles(root, lim))
			}
		default:
			warns = append(warns, walkFolder(root, add, lim)...)
		}
	}
	return files, warns
}

// walkFolder adds the vCard files under root. Hidden files and folders
// (".git", macOS "._name.vcf") are skipped; symbolic links to files are
// followed, to folders not (no loops).
func walkFolder(root string, add func(string) bool, lim Limits) []Warning {
	var warns []Warning
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			warns = append(warns, Warning{File: path, Err: fmt.Errorf("cannot read: %w", pathError(err))})
			return nil
		}
		hidden := strings.HasPrefix(d.Name(), ".") && path != root
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case d.IsDir(), hidden, !IsVCardName(path):
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
				return nil
			}
		case !d.Type().IsRegular():
			return nil
		}
		if !add(path) {
			warns = append(warns, tooManyFiles(root, lim))
			return filepath.SkipAll
		}
		return nil
	})
	return warns
}

func tooManyFiles(root string, lim Limits) Warning {
	return Warning{File: root, Err: fmt.Errorf("more than %d vCard files (the MaxFiles limit); the rest are skipped", lim.MaxFiles)}
}

// IsVCardName reports whether a file's name says it holds vCards
// (.vcf or .vcard, in any case): what a folder book loads, and what a
// settings window accepts as a one-file book.
func IsVCardName(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".vcf" || ext == ".vcard"
}
