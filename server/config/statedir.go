package config

import (
	"fmt"
	"os"
	"runtime"
)

// stateDirUnsafeBits are the mode bits that refuse a state_dir: whoever
// can write in it can replace tokens.json with hashes of tokens of their
// own and log in as any user. Reading it is harmless (hashes only).
const stateDirUnsafeBits = 0o022

// CheckStateDirMode refuses an existing state_dir that group or others
// may write to (on Windows, where mode bits do not describe the ACL,
// nothing is checked). The server checks again at start, after a -state
// flag may have changed the directory.
func CheckStateDirMode(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("config: state_dir: %w", err)
	}
	if m := fi.Mode().Perm(); m&stateDirUnsafeBits != 0 {
		return fmt.Errorf("config: state_dir %q is writable by group or others (mode %04o): anyone who can write there can plant device tokens; make it the server's alone (chmod go-w %q)", dir, m, dir)
	}
	return nil
}
