package tokens

import (
	"fmt"
	"sync"
)

// Memory keeps tokens for this run only: the explicit fallback when
// the OS keyring cannot be used (see NoKeyringError). Nothing is written
// to disk. A Memory is safe for concurrent use.
type Memory struct {
	mu     sync.Mutex
	tokens map[string]string // by tokenAccount
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{tokens: make(map[string]string)}
}

// Get returns the token kept for server and user, or ErrNotFound.
func (m *Memory) Get(server, user string) (string, error) {
	account, err := tokenAccount(server, user)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	token, ok := m.tokens[account]
	if !ok {
		return "", ErrNotFound
	}
	return token, nil
}

// Set keeps token for server and user until the process ends.
func (m *Memory) Set(server, user, token string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	if problem := tokenProblem(token); problem != "" {
		return fmt.Errorf("tokens: token for %s refused: %s", account, problem)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = make(map[string]string)
	}
	m.tokens[account] = token
	return nil
}

// Delete forgets the token for server and user; nil when there was none.
func (m *Memory) Delete(server, user string) error {
	account, err := tokenAccount(server, user)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, account)
	return nil
}
