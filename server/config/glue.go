package config

import (
	"path/filepath"

	"github.com/deskline/deskline/server/auth"
)

// TokenStoreFile is the file in state_dir holding the token hashes.
const TokenStoreFile = "tokens.json"

// AuthUsers returns the users for auth.New.
func (c *Config) AuthUsers() []auth.User {
	users := make([]auth.User, len(c.Users))
	for i, u := range c.Users {
		users[i] = auth.User{Name: u.Name, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
			Devices: append([]string(nil), u.Devices...)}
	}
	return users
}

// AuthOptions returns the token and throttling settings for auth.New; the
// token store lives in state_dir when one is set.
func (c *Config) AuthOptions() auth.Options {
	o := auth.Options{
		TokenLifetime: c.Tokens.Lifetime,
		MaxFailures:   c.Login.MaxFailures,
		FailureWindow: c.Login.FailureWindow,
	}
	if c.StateDir != "" {
		o.StorePath = filepath.Join(c.StateDir, TokenStoreFile)
	}
	return o
}
