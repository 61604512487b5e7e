package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// Each trace line is "<ms since start> <line>", appended.
func TestTraceFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace")
	os.WriteFile(path, []byte("0 earlier run\n"), 0o600)
	trace, err := traceFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	trace("status connected")
	trace("popup Miriam Okafor")
	data, _ := os.ReadFile(path)
	if !regexp.MustCompile(`^0 earlier run\n\d+ status connected\n\d+ popup Miriam Okafor\n$`).Match(data) {
		t.Fatalf("trace file:\n%s", data)
	}
	if _, err := traceFile(filepath.Join(path, "no-folder"), time.Now()); err == nil {
		t.Fatal("trace file under a file: no error")
	}
}
