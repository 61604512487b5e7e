package testlog

import (
	"strings"
	"sync"
	"testing"
)

// Writers on many goroutines and a reader at once: every line arrives
// whole (the race detector checks the rest).
func TestBufferConcurrent(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				b.Logger().Info("hello", "k", "v")
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	if n := strings.Count(b.String(), "msg=hello k=v\n"); n != 800 {
		t.Fatalf("%d whole lines, want 800", n)
	}
}
