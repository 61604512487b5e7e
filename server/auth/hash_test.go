package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashPasswordCost(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := bcrypt.Cost([]byte(h)); err != nil || c != BcryptCost {
		t.Fatalf("cost %d, %v; want %d", c, err, BcryptCost)
	}
	if err := CheckHash(h); err != nil {
		t.Fatalf("CheckHash(own hash): %v", err)
	}
}

// The round trip runs at the minimum cost: the same code path as
// HashPassword, without seconds of bcrypt under the race detector.
func TestHashPasswordRoundTrip(t *testing.T) {
	h, err := hashPassword("correct horse battery staple", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New([]User{{Name: "ann", PasswordHash: h}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login("ann", "correct horse battery staple", "192.0.2.1:1"); err != nil {
		t.Fatalf("login with the hashed password: %v", err)
	}
	if _, err := a.Login("ann", "correct horse", "192.0.2.1:1"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
}

func TestHashPasswordRefuses(t *testing.T) {
	for _, pw := range []string{"", strings.Repeat("x", 73)} {
		if _, err := HashPassword(pw); err == nil {
			t.Errorf("HashPassword(%d bytes) succeeded", len(pw))
		}
	}
}

func TestCheckHash(t *testing.T) {
	good := testHash(t, "pw")
	for _, h := range []string{good, "$2b$" + good[4:], "$2y$" + good[4:]} {
		if err := CheckHash(h); err != nil {
			t.Errorf("CheckHash(%s): %v", h[:4], err)
		}
	}
	for hash, want := range map[string]string{
		"":              "passwords must be hashed",
		"hunter2":       "passwords must be hashed",
		"$2a$xx$broken": "malformed bcrypt hash",
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA": "argon2id",
	} {
		err := CheckHash(hash)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("CheckHash(%q) = %v, want %q", hash, err, want)
		}
		if hash != "" && err != nil && strings.Contains(err.Error(), hash) {
			t.Errorf("error quotes the would-be hash: %v", err)
		}
	}
}

func TestBcrypt2yVerifies(t *testing.T) {
	h := testHash(t, "pw")
	a, err := New([]User{{Name: "p", PasswordHash: "$2y$" + h[4:]}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login("p", "pw", "192.0.2.1:1"); err != nil {
		t.Fatalf("$2y$ hash: %v", err)
	}
}
