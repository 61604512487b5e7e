package app

import "github.com/zalando/go-keyring"

// No test of package app may touch the OS keyring of the person running
// it: a Client given no token store opens tokens.NewKeyring, so the whole
// test binary runs on go-keyring's in-memory mock (as before the store
// moved to package tokens, whose own tests do the same).
func init() { keyring.MockInit() }
