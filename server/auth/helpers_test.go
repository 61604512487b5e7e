package auth

import (
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testHash hashes at bcrypt's minimum cost: the tests are about the logic,
// not about bcrypt's slowness.
func testHash(t testing.TB, password string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

var (
	usersOnce sync.Once
	users     []User
)

// testUsers: each password is the user name reversed.
func testUsers(t testing.TB) []User {
	usersOnce.Do(func() {
		users = []User{
			{Name: "ben", DisplayName: "Ben Kramer", PasswordHash: testHash(t, "neb"), Devices: []string{"202"}},
			{Name: "clara", DisplayName: "Clara Wolf", PasswordHash: testHash(t, "aralc"), Devices: []string{"203"}},
		}
	})
	return users
}

func newTestAuth(t testing.TB, opts Options) (*Auth, *clock) {
	t.Helper()
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	a, err := New(testUsers(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, c
}

func mustLogin(t testing.TB, a *Auth, user, password string) Grant {
	t.Helper()
	g, err := a.Login(user, password, "192.0.2.10:50000")
	if err != nil {
		t.Fatalf("Login(%s): %v", user, err)
	}
	return g
}
