package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// traceFile returns a Trace function appending "<ms since start> <line>"
// to path.
func traceFile(path string, start time.Time) (func(string), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("trace file: %w", err)
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(f, "%d %s\n", time.Since(start).Milliseconds(), line)
	}, nil
}
