package contacts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long Watch waits for changes to settle when given
// a debounce <= 0.
const DefaultDebounce = 500 * time.Millisecond

// maxDebounceFactor bounds the wait: a file rewritten without pause is
// still reloaded after maxDebounceFactor × debounce.
const maxDebounceFactor = 10

// Watch reloads the directory when its files change: it watches the paths
// of the last Load (folders recursively; for a file, its folder, so that
// editors that save by renaming are seen), waits until no change came for
// debounce, then calls Load with the same paths and onReload with its
// warnings. It returns once watching has started, and stops when ctx is
// done. onReload runs on the watching goroutine (a slow one delays the next
// reload) and may be nil. Later Loads with other paths are followed.
func (d *Directory) Watch(ctx context.Context, debounce time.Duration, onReload func([]Warning)) error {
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("contacts: watch: %w", err)
	}
	w := &watcher{d: d, fs: fw, dirs: map[string]bool{}}
	loaded := d.loadedChan()
	if warns := w.sync(); len(warns) > 0 {
		fw.Close()
		return fmt.Errorf("contacts: watch: %w", warns[0])
	}
	go w.run(ctx, loaded, debounce, onReload)
	return nil
}

// watcher is the state of one Watch.
type watcher struct {
	d       *Directory
	fs      *fsnotify.Watcher
	dirs    map[string]bool // watched folders
	files   map[string]bool // loaded files (absolute)
	folders []string        // loaded folders (absolute)
	pending []Warning       // problems watching, for the next onReload
}

func (w *watcher) run(ctx context.Context, loaded <-chan struct{}, debounce time.Duration, onReload func([]Warning)) {
	defer w.fs.Close()
	var (
		timer *time.Timer
		fire  <-chan time.Time
		first time.Time
	)
	schedule := func() {
		if fire == nil {
			first = time.Now()
			timer = time.NewTimer(debounce)
			fire = timer.C
			return
		}
		timer.Reset(max(0, min(debounce, maxDebounceFactor*debounce-time.Since(first))))
	}
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if w.relevant(ev) {
				if ev.Has(fsnotify.Create) && isDir(ev.Name) {
					// Watch a new folder now, not after the reload: a
					// file created in it meanwhile is then either seen
					// by the reload's walk or by the watch.
					w.pending = append(w.pending, w.add(ev.Name)...)
				}
				schedule()
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			// Events may be lost (queue overflow): reload to be sure.
			w.pending = append(w.pending, Warning{Err: fmt.Errorf("watching: %w", err)})
			schedule()
		case <-fire:
			fire = nil
			warns := w.d.Load(w.d.Paths()...)
			loaded = w.d.loadedChan()
			w.pending = append(w.pending, w.sync()...)
			if onReload != nil && ctx.Err() == nil {
				onReload(append(w.pending, warns...))
			}
			w.pending = nil
		case <-loaded:
			loaded = w.d.loadedChan()
			w.pending = append(w.pending, w.sync()...)
		}
	}
}

// sync watches the folders the loaded paths need and stops watching the
// rest. It returns the folders it could not watch.
func (w *watcher) sync() []Warning {
	want := map[string]bool{}
	w.files, w.folders = map[string]bool{}, nil
	for _, p := range w.d.Paths() {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		st, err := os.Stat(abs)
		switch {
		case err == nil && st.IsDir():
			w.folders = append(w.folders, abs)
			addFolderTree(abs, want)
		default:
			// A file, or a path that does not exist yet: watch its folder
			// so that its creation is seen.
			w.files[abs] = true
			want[filepath.Dir(abs)] = true
		}
	}
	warns := w.watchDirs(want)
	for dir := range w.dirs {
		if !want[dir] {
			w.fs.Remove(dir)
			delete(w.dirs, dir)
		}
	}
	return warns
}

// add watches a new folder and its subfolders.
func (w *watcher) add(dir string) []Warning {
	want := map[string]bool{}
	addFolderTree(dir, want)
	return w.watchDirs(want)
}

// watchDirs adds the folders not yet watched.
func (w *watcher) watchDirs(dirs map[string]bool) []Warning {
	var warns []Warning
	for dir := range dirs {
		if w.dirs[dir] {
			continue
		}
		if err := w.fs.Add(dir); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				warns = append(warns, Warning{File: dir, Err: fmt.Errorf("cannot watch: %w", err)})
			}
			continue
		}
		w.dirs[dir] = true
	}
	return warns
}

// addFolderTree adds root and its non-hidden subfolders: fsnotify is not
// recursive.
func addFolderTree(root string, want map[string]bool) {
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		want[path] = true
		return nil
	})
}

// relevant reports a change that may change the loaded contacts: a loaded
// file, a vCard file in a loaded folder, or a folder there appearing or
// going away.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	if w.files[name] {
		return true
	}
	if strings.HasPrefix(filepath.Base(name), ".") {
		return false
	}
	for _, root := range w.folders {
		if name == root || strings.HasPrefix(name, root+string(filepath.Separator)) {
			return IsVCardName(name) || w.dirs[name] || ev.Has(fsnotify.Create) && isDir(name)
		}
	}
	return false
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
