package app

import (
	"errors"

	"github.com/deskline/deskline/app/tokens"
)

// token returns the stored device token, "" when there is none. It is
// kept under the first server address (ServerURL) alone: the nodes of a
// cluster share their tokens, and a desk with one address finds the token
// it always had. A keyring
// that cannot be used is reported in the state and the run's memory is
// used instead: the user logs in at every start, and knows why.
func (c *Client) token() string {
	tok, err := c.tokens.Get(c.opts.ServerURL, c.opts.User)
	if err != nil {
		c.keyringFailed(err)
		tok, _ = c.memory.Get(c.opts.ServerURL, c.opts.User)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok == c.rejected {
		return "" // refused by the server, and the keyring would not let go of it
	}
	return tok
}

// rejectToken forgets a token the server refused or revoked, and makes
// sure it is never sent again even if the keyring cannot delete it.
func (c *Client) rejectToken(tok string) {
	if tok == "" {
		return
	}
	c.mu.Lock()
	c.rejected = tok
	c.mu.Unlock()
	c.forgetToken()
}

// storeToken keeps a new device token: in the keyring, else in memory.
func (c *Client) storeToken(tok string) {
	if err := c.tokens.Set(c.opts.ServerURL, c.opts.User, tok); err != nil {
		c.keyringFailed(err)
		c.memory.Set(c.opts.ServerURL, c.opts.User, tok)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Keyring != "" { // the keyring works (again)
		c.state.Keyring, c.state.KeyringProblem = "", ""
		c.publishLocked()
	}
}

// forgetToken deletes the device token everywhere it may be.
func (c *Client) forgetToken() {
	if err := c.tokens.Delete(c.opts.ServerURL, c.opts.User); err != nil {
		c.keyringFailed(err)
	}
	c.memory.Delete(c.opts.ServerURL, c.opts.User)
}

// keyringFailed records why the keyring is not used; tokens.ErrNotFound is no
// failure.
func (c *Client) keyringFailed(err error) {
	if errors.Is(err, tokens.ErrNotFound) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Keyring != err.Error() {
		c.log.Warn("keyring unavailable", "err", err)
		c.state.Keyring, c.state.KeyringProblem = err.Error(), tokens.KeyringOther
		var nk *tokens.NoKeyringError
		if errors.As(err, &nk) {
			c.state.KeyringProblem = nk.Problem()
		}
		c.publishLocked()
	}
}
