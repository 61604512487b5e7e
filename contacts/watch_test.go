package contacts

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// reloads collects onReload calls.
type reloads struct {
	ch    chan []Warning
	count atomic.Int32
}

func newReloads() *reloads { return &reloads{ch: make(chan []Warning, 100)} }

func (r *reloads) onReload(w []Warning) {
	r.count.Add(1)
	r.ch <- w
}

func (r *reloads) wait(t *testing.T) []Warning {
	t.Helper()
	select {
	case w := <-r.ch:
		return w
	case <-time.After(10 * time.Second):
		t.Fatal("no reload within 10s")
		return nil
	}
}

func watch(t *testing.T, d *Directory, debounce time.Duration) *reloads {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := newReloads()
	if err := d.Watch(ctx, debounce, r.onReload); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWatchFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.vcf"), card("Anna", "030 1000001"))
	d := newTestDirectory(t)
	d.Load(dir)
	r := watch(t, d, 50*time.Millisecond)

	writeFile(t, filepath.Join(dir, "b.vcf"), card("Bert", "030 1000002"))
	if w := r.wait(t); len(w) != 0 {
		t.Errorf("warnings %v", w)
	}
	if got := d.Lookup("+49 30 1000002"); len(got) != 1 || got[0].Contact.DisplayName() != "Bert" {
		t.Fatalf("new contact not found: %v (Len %d)", names(got), d.Len())
	}

	// A new subfolder is watched too.
	sub := filepath.Join(dir, "team")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	r.wait(t)
	writeFile(t, filepath.Join(sub, "c.vcf"), card("Carla", "030 1000003"))
	deadline := time.Now().Add(10 * time.Second)
	for len(d.Lookup("030 1000003")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("contact in new subfolder not found")
		}
		r.wait(t)
	}

	// A removed file goes away; a broken one is a warning.
	os.Remove(filepath.Join(dir, "a.vcf"))
	writeFile(t, filepath.Join(dir, "b.vcf"), card("Bert", "030 1000002")+"BEGIN:VCARD\r\nFN:Half")
	var warns []Warning
	for len(d.Lookup("030 1000001")) != 0 || len(warns) == 0 {
		warns = r.wait(t)
	}
	if warns[0].Card != 2 || warns[0].Name != "Half" {
		t.Errorf("warnings %v", warns)
	}
}

// TestWatchFile watches one file that an editor replaces by renaming.
func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.vcf")
	writeFile(t, path, card("Old", "030 2000001"))
	writeFile(t, filepath.Join(dir, "other.vcf"), card("Other", "030 2000009"))
	d := newTestDirectory(t)
	d.Load(path)
	r := watch(t, d, 50*time.Millisecond)

	tmp := filepath.Join(dir, ".book.vcf.swp")
	writeFile(t, tmp, card("New", "030 2000002"))
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	r.wait(t)
	if d.Len() != 1 || len(d.Lookup("030 2000002")) != 1 {
		t.Errorf("after rename: Len %d", d.Len())
	}
	// Other files in the folder are not watched for.
	writeFile(t, filepath.Join(dir, "other.vcf"), card("Other", "030 2000008"))
	select {
	case <-r.ch:
		t.Error("reloaded for a file that is not loaded")
	case <-time.After(300 * time.Millisecond):
	}
}

// TestWatchDebounce: many writes in a burst give one reload.
func TestWatchDebounce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.vcf")
	writeFile(t, path, card("V0", "030 3000000"))
	d := newTestDirectory(t)
	d.Load(dir)
	r := watch(t, d, 300*time.Millisecond)
	for i := 1; i <= 20; i++ {
		writeFile(t, path, card("V"+string(rune('0'+i%10)), "030 30000"+string(rune('0'+i/10))+string(rune('0'+i%10))))
		time.Sleep(10 * time.Millisecond)
	}
	r.wait(t)
	time.Sleep(time.Second)
	if n := r.count.Load(); n != 1 {
		t.Errorf("%d reloads for one burst of writes, want 1", n)
	}
	if len(d.Lookup("030 3000020")) != 1 {
		t.Error("last version not loaded")
	}
}

// TestWatchStops: after ctx is done, changes are not reloaded.
func TestWatchStops(t *testing.T) {
	dir := t.TempDir()
	d := newTestDirectory(t)
	d.Load(dir)
	ctx, cancel := context.WithCancel(context.Background())
	r := newReloads()
	if err := d.Watch(ctx, 20*time.Millisecond, r.onReload); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(50 * time.Millisecond)
	writeFile(t, filepath.Join(dir, "a.vcf"), card("Anna", "030 1000001"))
	time.Sleep(300 * time.Millisecond)
	if r.count.Load() != 0 || d.Len() != 0 {
		t.Errorf("reloaded after stop: %d reloads, %d contacts", r.count.Load(), d.Len())
	}
}

// TestWatchFollowsLoad: a Load with other paths moves the watch.
func TestWatchFollowsLoad(t *testing.T) {
	one, two := t.TempDir(), t.TempDir()
	d := newTestDirectory(t)
	d.Load(one)
	r := watch(t, d, 50*time.Millisecond)
	d.Load(two)
	time.Sleep(100 * time.Millisecond) // the watcher resyncs
	writeFile(t, filepath.Join(two, "a.vcf"), card("Anna", "030 1000001"))
	r.wait(t)
	if d.Len() != 1 {
		t.Errorf("Len %d after change in the newly loaded folder", d.Len())
	}
}
