package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// typedNameKey keys the hashes of typed user names in the log. It is made
// at start and never stored, so the log alone cannot be checked against a
// list of guesses; within one run the same name gives the same hash, which
// is what telling one attacked name from many needs.
var typedNameKey = func() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}()

// typedNameHashLen is how many hex digits of the hash are logged: enough to
// tell names apart in a day's log, too few to stand for the name.
const typedNameHashLen = 8

// typedNameHash stands in the log for the user name a refused login typed:
// often it is a password typed into the wrong field, which must not be
// written to a log. "" stays "" (a token login types no name).
func typedNameHash(name string) string {
	if name == "" {
		return ""
	}
	m := hmac.New(sha256.New, typedNameKey)
	m.Write([]byte(name))
	return hex.EncodeToString(m.Sum(nil))[:typedNameHashLen]
}
