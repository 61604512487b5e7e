package auth

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// storeVersion is the version of the store file's format.
const storeVersion = 1

// storeFile is the token store on disk. It holds hashes only: a copy of the
// file lets nobody log in.
type storeFile struct {
	Version int           `json:"version"`
	Tokens  []storedToken `json:"tokens"`
}

type storedToken struct {
	SHA256  string    `json:"sha256"` // hex SHA-256 of the token
	User    string    `json:"user"`
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}

// corruptError says the store file exists but cannot be used.
type corruptError struct{ err error }

func (e *corruptError) Error() string { return "auth: corrupt token store: " + e.err.Error() }

// load reads the store file into a.tokens. A missing file is an empty
// store; an unreadable one is an error; an unparsable one a *corruptError.
func (a *Auth) load() error {
	a.removeStaleTemps()
	data, err := os.ReadFile(a.opts.StorePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: token store: %w", err)
	}
	tokens, err := decodeStore(data)
	if err != nil {
		return &corruptError{err}
	}
	now := a.opts.Now()
	dropped := 0
	for _, t := range tokens {
		acc := a.accounts[t.user.Name]
		if acc == nil {
			dropped++ // the user was removed from the config: so are their tokens
			continue
		}
		t.user = acc.user
		a.tokens[t.hash] = t
	}
	a.pruneLocked(now) // no other goroutine sees a yet
	if dropped > 0 {
		slog.Info("auth: dropped tokens of users no longer configured", "count", dropped)
	}
	return nil
}

// removeStaleTemps deletes the temp files (writeFileAtomic's) that a
// crash or power loss during a save left behind: each holds a copy of the
// token hashes, and they would pile up one per crash. At start no save of
// this server runs yet; the state directory is this server's alone.
func (a *Auth) removeStaleTemps() {
	dir, prefix := filepath.Dir(a.opts.StorePath), filepath.Base(a.opts.StorePath)+tempInfix
	entries, _ := os.ReadDir(dir) // unreadable: load reports it
	removed := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		f := filepath.Join(dir, e.Name())
		if err := os.Remove(f); err != nil {
			a.warnings = append(a.warnings, fmt.Sprintf("auth: cannot remove stale token store temp file %s: %v", f, err))
			continue
		}
		removed++
	}
	if removed > 0 {
		slog.Info("auth: removed temp files an interrupted save of the token store left", "count", removed)
	}
}

// decodeStore parses and checks a store file. token.user holds only the name.
func decodeStore(data []byte) ([]*token, error) {
	var f storeFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Version != storeVersion {
		return nil, fmt.Errorf("version %d, want %d", f.Version, storeVersion)
	}
	tokens := make([]*token, 0, len(f.Tokens))
	for i, st := range f.Tokens {
		var h tokenHash
		if n, err := hex.Decode(h[:], []byte(st.SHA256)); err != nil || n != len(h) || len(st.SHA256) != 2*len(h) {
			return nil, fmt.Errorf("token %d: bad sha256", i)
		}
		if st.User == "" || st.Expires.IsZero() {
			return nil, fmt.Errorf("token %d: no user or expiry", i)
		}
		tokens = append(tokens, &token{hash: h, id: tokenID(h), user: &User{Name: st.User},
			issued: st.Issued, expires: st.Expires})
	}
	return tokens, nil
}

// moveAside renames a corrupt store file out of the way, keeping it for
// inspection, and starts with no tokens: every client logs in again, which
// beats refusing to start.
func (a *Auth) moveAside(corrupt *corruptError) error {
	aside := a.opts.StorePath + ".corrupt-" + a.opts.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(a.opts.StorePath, aside); err != nil {
		return fmt.Errorf("%v; moving it aside failed: %w", corrupt, err)
	}
	a.warnings = append(a.warnings, fmt.Sprintf("%v; moved to %s, all clients must log in again", corrupt, aside))
	return nil
}

// saver writes the store file by group commit: a change waits until a
// write that includes it is on disk, but the changes that arrive while
// one write runs share the next. A thousand clients logging in at once
// cost a few dozen writes, not a thousand (each rewriting every token:
// O(N²) bytes).
type saver struct {
	mu      sync.Mutex
	done    *sync.Cond // signalled when a write ends
	changes uint64     // changes to the tokens so far
	saved   uint64     // changes the file on disk includes
	writing bool       // a write runs (outside mu)
}

// persist writes the tokens to the store file, if there is one, and
// returns once the file includes the caller's change (made before the
// call). A failed write is logged, not returned: the tokens stay valid
// in memory, and the caller's operation (a login, a revocation) has
// happened.
func (a *Auth) persist() {
	if a.opts.StorePath == "" {
		return
	}
	s := &a.save
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = sync.NewCond(&s.mu)
	}
	s.changes++
	mine := s.changes
	for s.saved < mine {
		if s.writing {
			s.done.Wait()
			continue
		}
		// This write covers every change counted so far: their tokens are
		// in a.tokens before they were counted.
		s.writing = true
		gen := s.changes
		s.mu.Unlock()
		a.writeStore()
		s.mu.Lock()
		s.writing, s.saved = false, gen
		s.done.Broadcast()
	}
}

// writeStore writes the tokens as they are now.
func (a *Auth) writeStore() {
	a.mu.RLock()
	data, err := a.encodeLocked()
	a.mu.RUnlock()
	if err == nil {
		err = writeFileAtomic(a.opts.StorePath, data)
	}
	if err != nil {
		slog.Error("auth: cannot save token store; tokens will not survive a restart",
			"path", a.opts.StorePath, "err", err)
	}
}

// encodeLocked writes the store as JSON with one token per line: still
// readable, and about half the work of indenting it, which mattered —
// with thousands of tokens, encoding the whole file dominated logins.
func (a *Auth) encodeLocked() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(64 + 200*len(a.tokens))
	fmt.Fprintf(&b, "{\"version\": %d, \"tokens\": [", storeVersion)
	sep := "\n"
	for _, t := range a.tokens {
		line, err := json.Marshal(storedToken{SHA256: hex.EncodeToString(t.hash[:]),
			User: t.user.Name, Issued: t.issued.UTC(), Expires: t.expires.UTC()})
		if err != nil {
			return nil, err
		}
		b.WriteString(sep)
		b.Write(line)
		sep = ",\n"
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// tempInfix follows the store file's name in its temp files' names.
const tempInfix = ".tmp-"

// writeFileAtomic replaces path with data so a reader (or a crash) sees the
// old file or the new one, never half of one: write a temp file in the same
// directory (os.CreateTemp makes it 0600), sync it, rename it over path.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable. Best effort: not every OS can sync a
// directory, and the data is already safe in the renamed file.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
