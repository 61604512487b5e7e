package auth

import "time"

// Login checks user and password and issues a device token. remoteAddr is
// the client's address (host:port as in http.Request.RemoteAddr); failures
// are counted per user name at that address, per address and per user name
// (see throttle), and while the attempt must wait Login returns a
// *ThrottledError without looking at the password.
//
// The bcrypt comparison runs outside the lock, so slow password checks do
// not hold up Verify or other logins. Login returns once the token is in
// the store file: it is Authenticate followed by Save.
func (a *Auth) Login(user, password, remoteAddr string) (Grant, error) {
	g, err := a.Authenticate(user, password, remoteAddr)
	if err == nil {
		a.Save()
	}
	return g, err
}

// Authenticate is Login without saving: the token is valid at once but
// not yet in the store file. A caller that bounds how many password
// checks run at once calls Save after giving its slot back, so that
// logins share the store's writes instead of queueing one write each.
func (a *Auth) Authenticate(user, password, remoteAddr string) (Grant, error) {
	keys := loginKeys(user, remoteAddr)
	a.pullLogins(keys)
	a.mu.Lock()
	if wait := a.throttle.begin(&keys, a.opts.Now()); wait > 0 {
		a.mu.Unlock()
		return Grant{}, &ThrottledError{RetryAfter: wait}
	}
	acc := a.accounts[user] // accounts never change after New
	a.mu.Unlock()

	ok := a.checkPassword(acc, password)

	a.mu.Lock()
	now := a.opts.Now()
	a.throttle.finish(keys, ok, now)
	if !ok {
		a.mu.Unlock()
		a.pushLogins(keys, ok, now)
		return Grant{}, ErrBadCredentials
	}
	g := a.issueLocked(acc.user, now)
	a.mu.Unlock()
	a.pushLogins(keys, ok, now)
	a.sendShared() // valid on every node once Authenticate returns
	return g, nil
}

// Trust records that user connected from remoteAddr with a valid device
// token: that address is then never locked out for user by failures from
// elsewhere. Cheap when already trusted (a read lock), as it runs on
// every token connect.
func (a *Auth) Trust(user, remoteAddr string) {
	keys := loginKeys(user, remoteAddr)
	now := a.opts.Now()
	a.mu.RLock()
	at, ok := a.throttle.trusted[keys.pair]
	a.mu.RUnlock()
	if ok && now.Sub(at) < trustRefresh {
		return
	}
	a.mu.Lock()
	a.throttle.trust(keys, now)
	a.mu.Unlock()
	a.shareTrust(keys, now)
}

// trustRefresh is how old a pair's trust may be before a token connect
// renews it: an hour keeps the write lock off nearly every connect.
const trustRefresh = time.Hour

// Save returns once the store file (if any) includes every change made
// before the call.
func (a *Auth) Save() { a.persist() }

// checkPassword compares password with acc's hash, or with the dummy hash
// when acc is nil, so unknown user names cost the same time.
func (a *Auth) checkPassword(acc *account, password string) bool {
	if len(password) > maxPasswordBytes {
		password = password[:maxPasswordBytes] // still pay for a comparison
		acc = nil                              // but never accept it
	}
	if acc == nil {
		passwordMatches(a.dummy, password)
		return false
	}
	return passwordMatches(acc.hash, password)
}
