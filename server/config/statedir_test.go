//go:build !windows

// Mode bits do not describe Windows ACLs: CheckStateDirMode checks nothing there.

package config

import (
	"fmt"
	"os"
	"testing"
)

// A state_dir that group or others may write to is refused: they could
// plant device tokens. One only readable by them is fine (hashes only).
func TestCheckStateDirMode(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o777, 0o770, 0o722} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		check(t, "state_dir = \""+dir+"\"  # open\n"+base,
			want{"# open", fmt.Sprintf(`state_dir %q is writable by group or others (mode %04o)*`, dir, mode)})
	}
	for _, mode := range []os.FileMode{0o700, 0o755} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		check(t, "state_dir = \""+dir+"\"\n"+base)
	}
}
