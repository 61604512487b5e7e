package app

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/deskline/deskline/app/internal/configfile"
)

// WindowsFile keeps, in the config folder, how big each remembered window
// was and where (windows.json): the switchboard opens as the receptionist
// left it. It is not a setting: nobody edits it, and losing it only
// costs the window its place.
const WindowsFile = "windows.json"

// The sizes a remembered window may take back: smaller is unusable (a
// window shrunk by accident), larger no screen has.
const (
	minWindowSide = 200
	maxWindowSide = 16384
	// maxWindowOffset bounds a remembered corner; the platform checks that
	// it is on a screen now.
	maxWindowOffset = 65536
)

// WindowPlace is a window's size and, where the platform tells it
// (Placed), the top-left corner of its content on the screen.
type WindowPlace struct {
	Width  float32 `json:"width"`
	Height float32 `json:"height"`
	X      int     `json:"x,omitempty"`
	Y      int     `json:"y,omitempty"`
	Placed bool    `json:"placed,omitempty"`
}

// usable reports whether p is a size (and place) to open a window with.
func (p WindowPlace) usable() bool {
	side := func(v float32) bool { return v >= minWindowSide && v <= maxWindowSide }
	off := func(v int) bool { return v > -maxWindowOffset && v < maxWindowOffset }
	return side(p.Width) && side(p.Height) && (!p.Placed || off(p.X) && off(p.Y))
}

// LoadWindowPlace is what dir's windows.json remembers of window name;
// ok is false when nothing usable is there. A missing, unreadable or
// corrupt file, or a value out of range, is the same as none (the window
// opens at its usual size): err says why, for a log.
func LoadWindowPlace(dir, name string) (p WindowPlace, ok bool, err error) {
	all, err := loadWindows(dir)
	p, ok = all[name]
	if ok && !p.usable() {
		return WindowPlace{}, false, fmt.Errorf("%s: %s: %+v is out of range; ignored", WindowsFile, name, p)
	}
	return p, ok, err
}

// SaveWindowPlace remembers window name's place in dir's windows.json,
// keeping the other windows'. A place out of range is not kept.
func SaveWindowPlace(dir, name string, p WindowPlace) error {
	if !p.usable() {
		return nil
	}
	all, _ := loadWindows(dir) // a corrupt file is replaced
	if all == nil {
		all = map[string]WindowPlace{}
	}
	all[name] = p
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return configfile.Write(filepath.Join(dir, WindowsFile), append(data, '\n'))
}

func loadWindows(dir string) (map[string]WindowPlace, error) {
	data, found, err := configfile.Read(filepath.Join(dir, WindowsFile))
	if err != nil || !found {
		return nil, err
	}
	var all map[string]WindowPlace
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w; ignored", WindowsFile, err)
	}
	return all, nil
}
