package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/deskline/deskline/app/internal/configfile"
)

// fileVersion is the file format: {"version":1,"entries":[…]}.
const fileVersion = 1

// Open loads the journal at path, keeping at most limit entries
// (DefaultLimit if limit <= 0). A missing file is an empty journal.
// A corrupt file — not JSON, truncated, another version — is renamed to
// path.corrupt-<timestamp> and a fresh journal started; single bad entries
// are dropped. Either way a warning says what happened. A file that cannot
// be read at all (permissions, a folder in its place) is an error: it is
// not corrupt, and starting afresh would overwrite it.
//
// The warnings are values (which entry, what is wrong) for a UI to word.
func Open(path string, limit int) (*Journal, []*Warning, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	j := &Journal{path: path, limit: limit}
	data, found, err := configfile.Read(path)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if !found {
		return j, nil, nil
	}
	entries, warnings, err := decode(data)
	if err != nil {
		aside, merr := configfile.MoveAside(path)
		if merr != nil {
			return nil, nil, fmt.Errorf("journal: %s is corrupt (%v) and cannot be moved aside: %w", path, err, merr)
		}
		return j, []*Warning{{Path: path, Reason: err.Error(), MovedTo: aside}}, nil
	}
	for _, w := range warnings {
		w.Path = path
	}
	if len(entries) > limit {
		entries = entries[:limit]
	}
	j.entries = entries
	return j, warnings, nil
}

// fileDoc is the document on disk. Entries stay raw so one bad entry
// costs that entry, not the whole journal.
type fileDoc struct {
	Version *int              `json:"version"`
	Entries []json.RawMessage `json:"entries"`
}

// decode parses a journal file: an error means the file as a whole
// is unusable; warnings name entries that were dropped.
func decode(data []byte) ([]Entry, []*Warning, error) {
	var f fileDoc
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, nil, fmt.Errorf("not a journal: %w", err)
	}
	switch {
	case f.Version == nil:
		return nil, nil, errors.New("no version")
	case *f.Version != fileVersion:
		return nil, nil, fmt.Errorf("version %d, this app reads version %d", *f.Version, fileVersion)
	}
	var entries []Entry
	var warnings []*Warning
	seen := make(map[string]bool, len(f.Entries))
	for i, raw := range f.Entries {
		var e Entry
		err := json.Unmarshal(raw, &e)
		if err == nil {
			err = e.validate()
		}
		if err == nil && seen[e.ID] {
			err = fmt.Errorf("duplicate id %q", e.ID)
		}
		if err != nil {
			warnings = append(warnings, &Warning{Entry: i + 1, Reason: err.Error()})
			continue
		}
		seen[e.ID] = true
		entries = append(entries, e)
	}
	// The app writes them in order; a hand-edited file may not be.
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].Start.After(entries[b].Start) })
	return entries, warnings, nil
}

// encode writes one entry per line: still one JSON document, but
// readable and greppable when a user sends it in with a bug report.
func encode(entries []Entry) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\"version\":%d,\"entries\":[", fileVersion)
	for i, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("journal: encode entry %q: %w", e.ID, err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// Warning is a problem in the journal file that did not stop the app: an
// entry dropped, or the whole file moved aside.
type Warning struct {
	Path    string // the journal file
	Entry   int    // 1 + the index of the dropped entry; 0 for the file
	Reason  string // what is wrong with the entry, or with the file
	MovedTo string // the unreadable file was moved here; a fresh journal started
}

// Error is the warning for a log: "journal /…/journal.json: entry 3 dropped: …".
func (w *Warning) Error() string {
	switch {
	case w.MovedTo != "":
		return fmt.Sprintf("journal %s was corrupt (%s); moved it to %s and started a fresh journal", w.Path, w.Reason, w.MovedTo)
	case w.Entry > 0:
		return fmt.Sprintf("journal %s: entry %d dropped: %s", w.Path, w.Entry, w.Reason)
	}
	return fmt.Sprintf("journal %s: %s", w.Path, w.Reason)
}
