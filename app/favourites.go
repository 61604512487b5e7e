package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/deskline/deskline/app/internal/configfile"
)

// FavouritesFile holds the colleagues a receptionist pinned to the top
// of the switchboard, in the config folder.
const FavouritesFile = "favourites.json"

// Favourites are the colleagues (by extension) the switchboard shows
// first. Kept in FavouritesFile in the config folder, so they survive a
// restart; without a folder they live in memory only. Main goroutine
// only, like the view that uses them.
type Favourites struct {
	path string // "" keeps them in memory
	set  map[string]bool
}

// favouritesData is the file's form: {"devices": ["203", "205"]}.
type favouritesData struct {
	Devices []string `json:"devices"`
}

// LoadFavourites reads dir's favourites; a missing file is none. A file
// that cannot be read gives none and the error (the user's next pin
// writes a good one).
func LoadFavourites(dir string) (*Favourites, error) {
	f := &Favourites{set: map[string]bool{}}
	if dir == "" {
		return f, nil
	}
	f.path = filepath.Join(dir, FavouritesFile)
	raw, ok, err := configfile.Read(f.path)
	if err != nil || !ok {
		return f, err
	}
	var d favouritesData
	if err := json.Unmarshal(raw, &d); err != nil {
		return f, fmt.Errorf("favourites %s: %w", f.path, err)
	}
	for _, dev := range d.Devices {
		f.set[dev] = true
	}
	return f, nil
}

// Has reports whether dev is a favourite; a nil Favourites has none.
func (f *Favourites) Has(dev string) bool { return f != nil && f.set[dev] }

// Toggle pins dev, or unpins it, and saves. The change stands in memory
// even when saving fails.
func (f *Favourites) Toggle(dev string) error {
	if f.set[dev] {
		delete(f.set, dev)
	} else {
		f.set[dev] = true
	}
	if f.path == "" {
		return nil
	}
	raw, err := json.MarshalIndent(favouritesData{Devices: slices.Sorted(maps.Keys(f.set))}, "", "  ")
	if err != nil {
		return err
	}
	return configfile.Write(f.path, append(raw, '\n'))
}
