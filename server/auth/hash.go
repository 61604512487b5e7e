package auth

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// BcryptCost is the cost HashPassword uses. 2^12 rounds take about a quarter
// of a second on a current server core: slow enough that a leaked config
// file does not give up its passwords to an offline guessing run, and cheap
// enough here because a password is checked once per device — afterwards
// the app logs in with its token, which costs one SHA-256.
const BcryptCost = 12

// maxPasswordBytes is bcrypt's input limit; longer passwords would be
// silently truncated by other implementations, so they are refused.
const maxPasswordBytes = 72

// HashPassword returns a bcrypt hash of password (cost BcryptCost), ready for
// password_hash in the server config.
func HashPassword(password string) (string, error) {
	return hashPassword(password, BcryptCost)
}

func hashPassword(password string, cost int) (string, error) {
	if password == "" {
		return "", errors.New("auth: empty password")
	}
	if len(password) > maxPasswordBytes {
		return "", fmt.Errorf("auth: password longer than %d bytes (bcrypt's limit)", maxPasswordBytes)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("auth: %w", err)
	}
	return string(h), nil
}

// CheckHash reports whether hash is a password hash this build can verify.
// The error never quotes hash: a "hash" that is not one may be a plaintext
// password someone pasted into the config.
//
// Argon2id PHC strings are recognised but refused: golang.org/x/crypto/argon2
// needs golang.org/x/sys, which this module does not require yet.
func CheckHash(hash string) error {
	switch {
	case hash == "":
		return errors.New("auth: no password hash: passwords must be hashed: run deskline-server hash-password")
	case strings.HasPrefix(hash, "$argon2id$"):
		return errors.New("auth: argon2id hashes are not supported by this build yet: run deskline-server hash-password for a bcrypt hash")
	case !isBcrypt(hash):
		return errors.New("auth: not a bcrypt hash ($2a$, $2b$ or $2y$): passwords must be hashed: run deskline-server hash-password")
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("auth: malformed bcrypt hash: %v", err)
	}
	return nil
}

func isBcrypt(hash string) bool {
	for _, p := range []string{"$2a$", "$2b$", "$2y$"} {
		if strings.HasPrefix(hash, p) {
			return true
		}
	}
	return false
}

// passwordMatches compares password with a hash that passed CheckHash. It
// is a variable so tests can count the comparisons.
var passwordMatches = func(hash []byte, password string) bool {
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// dummyHash returns a bcrypt hash of a random password at the highest cost
// found among users. Logins for unknown names are compared against it so
// they take as long as logins for real ones: no timing oracle for which
// user names exist.
func dummyHash(accounts map[string]*account) ([]byte, error) {
	cost := bcrypt.MinCost
	for _, acc := range accounts {
		if c, err := bcrypt.Cost(acc.hash); err == nil && c > cost {
			cost = c
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(newToken()), cost)
	if err != nil {
		return nil, fmt.Errorf("auth: dummy hash: %w", err)
	}
	return h, nil
}
