package config

import (
	"fmt"
	"slices"
)

// checkWatchGroups checks who may watch whom: named groups of known users
// and devices, "*" alone, nothing twice. devices is nil when the
// exchange's devices are not known from the config.
func (c *Config) checkWatchGroups(ps *problems, devices map[string]int) {
	users := map[string]bool{}
	for _, u := range c.Users {
		users[u.Name] = true
	}
	names := map[string]int{}
	for i, g := range c.WatchGroups {
		key := fmt.Sprintf("watch_groups[%d]", i)
		l := label("watch_groups", i, g.Name)
		first, dup := names[g.Name]
		switch {
		case g.Name == "":
			ps.add(key+".name", "%s: name is empty", l)
		case dup:
			ps.add(key+".name", "%s: name %q is already used by watch_groups[%d]", l, g.Name, first)
		default:
			names[g.Name] = i
		}
		if len(g.Users) == 0 {
			ps.add(key+".users", "%s: has no users", l)
		}
		seen := map[string]bool{}
		for _, u := range g.Users {
			switch {
			case seen[u]:
				ps.add(key+".users", "%s: user %q is listed twice", l, u)
			case !users[u]:
				ps.add(key+".users", "%s: user %q is not in [[users]]", l, u)
			}
			seen[u] = true
		}
		c.checkWatchDevices(ps, key, l, g.Devices, devices)
	}
}

func (c *Config) checkWatchDevices(ps *problems, key, l string, list []string, devices map[string]int) {
	key += ".devices"
	switch {
	case len(list) == 0:
		ps.add(key, "%s: has no devices (list them, or \"*\" for every device)", l)
		return
	case slices.Contains(list, AllDevices) && len(list) > 1:
		ps.add(key, "%s: \"*\" means every device: it stands alone", l)
		return
	case list[0] == AllDevices:
		return
	}
	seen := map[string]bool{}
	for _, d := range list {
		_, exists := devices[d]
		switch {
		case seen[d]:
			ps.add(key, "%s: device %q is listed twice", l, d)
		case devices != nil && !exists:
			ps.add(key, "%s: device %q is not configured in %s", l, d, c.devicesTable())
		}
		seen[d] = true
	}
}
