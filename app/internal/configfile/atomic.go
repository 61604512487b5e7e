package configfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Write replaces path with data so that a crash or power loss
// leaves either the old file or the new one, never a torn mix: write a
// temporary file in the same folder (rename is atomic only within one
// file system), fsync it, rename it over path, then fsync the folder so
// the rename itself is durable. The file is 0600 (os.CreateTemp's mode):
// settings and the journal are private.
func Write(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return pathError("create the folder of", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return pathError("write", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return pathError("write", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return pathError("sync", path, err)
	}
	if err := tmp.Close(); err != nil {
		return pathError("write", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return pathError("write", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. Best effort: some systems
// (Windows) cannot open a folder for sync, and the data itself is
// already on disk.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// MoveAside renames a file that cannot be read as what it should
// be to path.corrupt-<UTC timestamp>, so that a fresh file can start
// without destroying what the user may want to recover or send us. It
// returns the new name.
func MoveAside(path string) (string, error) {
	base := path + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	aside := base
	// Two corruptions in one second must not overwrite each other
	// (os.Rename replaces silently on Unix).
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); os.IsNotExist(err) {
			break
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", pathError("move aside", path, err)
	}
	return aside, nil
}

// Read reads path; a missing file is (nil, false, nil).
// Anything else that prevents reading it — permissions, a folder in its
// place — is an error: such a file is not corrupt, and moving it aside
// would hide a problem the user has to fix.
func Read(path string) ([]byte, bool, error) {
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, pathError("read", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, pathError("read", path, ErrNotRegular)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, pathError("read", path, err)
	}
	return data, true, nil
}

// ErrNotRegular reports a configuration path that exists but is a folder
// or a device: reading it would fail or hang, and moving it aside would
// be presumptuous.
var ErrNotRegular = errors.New("not a regular file")

// pathError names what failed on which file with the system's reason
// (Op "write", Path the settings or journal file, Err "permission
// denied"): the callers prefix it with their package for logs, a UI
// words it from the fields. A nested *fs.PathError or *os.LinkError (of
// the temporary file the write goes through) gives only its reason: the
// person knows the file they saved, not our temporary name.
func pathError(op, path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}
