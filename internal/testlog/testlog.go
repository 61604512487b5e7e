// Package testlog holds a log sink for tests: a buffer that the code
// under test writes from its own goroutines (through slog) while the test
// reads it. It is safe for concurrent use, unlike bytes.Buffer.
package testlog

import (
	"bytes"
	"log/slog"
	"sync"
)

// Buffer collects log output; the zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Logger is a text logger writing to b.
func (b *Buffer) Logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }
