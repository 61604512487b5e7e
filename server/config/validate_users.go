package config

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/deskline/deskline/server/auth"
)

// checkUsers checks the users and their devices. devices is nil when the
// exchange's devices are not known from the config.
func (c *Config) checkUsers(ps *problems, devices map[string]int) {
	names := map[string]int{}
	owners := map[string]int{} // device → index of the user owning it
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		l := label("users", i, u.Name)
		checkUserName(ps, key, l, u.Name, names, i)
		checkPasswordHash(ps, key, l, u.PasswordHash)
		seen := map[string]bool{}
		for _, d := range u.Devices {
			owner, owned := owners[d]
			_, exists := devices[d]
			switch {
			case seen[d]:
				ps.add(key+".devices", "%s: device %q is listed twice", l, d)
			case devices != nil && !exists:
				ps.add(key+".devices", "%s: device %q is not configured in %s", l, d, c.devicesTable())
			case owned:
				ps.add(key+".devices", "%s: device %q already belongs to %s (one owner per device)",
					l, d, label("users", owner, c.Users[owner].Name))
			default:
				owners[d] = i
			}
			seen[d] = true
		}
	}
}

func checkUserName(ps *problems, key, l, name string, names map[string]int, i int) {
	first, dup := names[name]
	switch {
	case name == "":
		ps.add(key+".name", "%s: name is empty", l)
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		ps.add(key+".name", "%s: name %q must not contain spaces or control characters", l, name)
	case dup:
		ps.add(key+".name", "%s: name %q is already used by users[%d]", l, name, first)
	default:
		names[name] = i
	}
}

// checkPasswordHash never quotes the value: it may be a plaintext password.
func checkPasswordHash(ps *problems, key, l, hash string) {
	if hash == "" {
		ps.add(key+".password_hash", "%s: password_hash is missing: passwords must be hashed: run deskline-server hash-password", l)
		return
	}
	if err := auth.CheckHash(hash); err != nil {
		ps.add(key+".password_hash", "%s: password_hash: %s", l, strings.TrimPrefix(err.Error(), "auth: "))
	}
}
