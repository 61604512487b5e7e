//go:build unix

package directory

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A vCard path that never answers (here a FIFO nobody writes to, as a
// hung network share) fails the fetch at the book's timeout instead of
// holding the book's refresh for ever.
func TestFilesFetchGivesUpAtTimeout(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "book.vcf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // let the blocked open finish
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	norm := testNorm(t)
	d := New(norm, "", nil)
	if err := d.Add(BookConfig{Name: "Share", Source: Files(norm, fifo), Timeout: 200 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	err := d.Refresh(context.Background(), "Share")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("refresh of a path that never answers: %v", err)
	}
	if st := d.Status()[0]; st.Err == "" {
		t.Errorf("status: %+v", st)
	}
}
