package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestLoginOK(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	g := mustLogin(t, a, "ben", "neb")
	if g.User == nil || g.User.Name != "ben" || g.User.DisplayName != "Ben Kramer" {
		t.Fatalf("grant user = %+v", g.User)
	}
	if len(g.Token) != 43 {
		t.Errorf("token %q: want 43 chars of base64url", g.Token)
	}
	sum := sha256.Sum256([]byte(g.Token))
	if want := hex.EncodeToString(sum[:])[:16]; g.TokenID != want {
		t.Errorf("TokenID = %q, want %q", g.TokenID, want)
	}
	v, err := a.Verify(g.Token)
	if err != nil || v.User != g.User || v.TokenID != g.TokenID || !v.Expires.Equal(g.Expires) || v.Token != "" {
		t.Fatalf("Verify = %+v, %v", v, err)
	}
}

func TestLoginBadPasswordAndUnknownUser(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	for _, tc := range []struct{ user, pw string }{
		{"ben", "wrong"}, {"ben", ""}, {"nobody", "neb"}, {"", ""},
		{"ben", string(make([]byte, 100))},
	} {
		if _, err := a.Login(tc.user, tc.pw, "192.0.2.1:1"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Login(%q, %q) = %v, want ErrBadCredentials", tc.user, tc.pw, err)
		}
	}
}

func TestUnknownUserComparesAgainstDummy(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	calls := countComparisons(t)
	_, _ = a.Login("nobody", "x", "192.0.2.1:1")
	if *calls != 1 {
		t.Errorf("unknown user: %d bcrypt comparisons, want 1", *calls)
	}
	// The dummy costs as much as the dearest real hash.
	slow := User{Name: "slow", PasswordHash: func() string {
		h, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost+2)
		return string(h)
	}()}
	b, err := New(append([]User{slow}, testUsers(t)...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := bcrypt.Cost(b.dummy); c != bcrypt.MinCost+2 {
		t.Errorf("dummy cost %d, want %d", c, bcrypt.MinCost+2)
	}
}

// countComparisons replaces passwordMatches for the test and counts calls.
func countComparisons(t *testing.T) *int {
	n := new(int)
	orig := passwordMatches
	passwordMatches = func(h []byte, pw string) bool { *n++; return orig(h, pw) }
	t.Cleanup(func() { passwordMatches = orig })
	return n
}

func TestNewRejectsBadUsers(t *testing.T) {
	good := testUsers(t)[0]
	for name, users := range map[string][]User{
		"no name":   {{PasswordHash: good.PasswordHash}},
		"duplicate": {good, good},
		"plaintext": {{Name: "x", PasswordHash: "secret"}},
	} {
		if _, err := New(users, Options{}); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestUserLookup(t *testing.T) {
	a, _ := newTestAuth(t, Options{})
	if u := a.User("clara"); u == nil || u.Devices[0] != "203" {
		t.Fatalf("User(clara) = %+v", u)
	}
	if a.User("nobody") != nil {
		t.Fatal("User(nobody) != nil")
	}
}
