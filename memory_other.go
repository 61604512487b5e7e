//go:build !linux

package main

// releaseMemory does nothing where the C allocator returns freed memory
// by itself or offers no way to ask.
func releaseMemory() {}
