package amitest

import (
	"path/filepath"
	"runtime"
)

// CaptureDir is the folder of real Asterisk 22.10.1 traffic shipped with
// this package (captures/README.md tells the lab and the flows): for each
// flow NAME.txt, the bytes as received, and NAME.annotated.txt, the same
// with what the client sent, which LoadScript reads. It is found next to
// this source file, so tests of any package can replay the captures.
func CaptureDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "captures"
	}
	return filepath.Join(filepath.Dir(file), "captures")
}

// LoadCapture loads the script of the capture NAME (NAME.annotated.txt
// in CaptureDir).
func LoadCapture(name string) (*Script, error) {
	return LoadScript(filepath.Join(CaptureDir(), name+".annotated.txt"))
}
