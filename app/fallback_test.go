package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/deskline/deskline/app/journal"
	"github.com/deskline/deskline/app/tokens"
)

// brokenKeyring is a token store on a desktop without a secret service:
// every call fails the way go-keyring does there.
type brokenKeyring struct{}

func (brokenKeyring) Get(string, string) (string, error) { return "", brokenErr }
func (brokenKeyring) Set(string, string, string) error   { return brokenErr }
func (brokenKeyring) Delete(string, string) error        { return brokenErr }

var brokenErr = &tokens.NoKeyringError{Err: errors.New("org.freedesktop.secrets was not provided")}

// Without a keyring the desk says so, logs in with the password, keeps
// the token for this run only (a reconnect needs no password) and never
// writes it to a file.
func TestNoKeyringFallback(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann", func(op *Options) { op.Tokens = brokenKeyring{} })
	s := ann.waitFor("login asked, keyring problem shown", func(s State) bool {
		return s.Status == StatusLoginRequired && s.Keyring != ""
	})
	if !strings.Contains(s.Keyring, "ask for the password at every start") || s.KeyringProblem != tokens.KeyringNoService {
		t.Fatalf("keyring message %q, problem %q", s.Keyring, s.KeyringProblem)
	}
	ann.login()
	ann.waitFor("connected", func(s State) bool { return s.Status == StatusConnected })
	ann.dropLink()
	ann.waitFor("reconnected with the token kept in memory", func(s State) bool { return s.Status == StatusConnected })
}

// Call back from the journal: the number of a missed call is dialled.
func TestCallBackFromJournal(t *testing.T) {
	o := newOffice(t)
	ann := o.desk("ann")
	ann.login()
	call := o.ring("201", "+4989123456", "")
	ann.waitFor("ringing", func(s State) bool { return len(s.Calls) == 1 })
	o.Sim.HangupRemote(context.Background(), call)
	ann.waitFor("missed", func(s State) bool { return s.MissedUnseen == 1 })
	e := ann.journal.Entries()[0]
	target, id, err := ann.CallBack(context.Background(), e)
	if err != nil || target.Dial != "+4989123456" || id == "" {
		t.Fatalf("call back: %+v %q %v", target, id, err)
	}
	ann.waitFor("dialling back", func(s State) bool { c, ok := callIn(s, id); return ok && c.State == "initiated" })
	if _, _, err := ann.CallBack(context.Background(), journal.Entry{}); !errors.Is(err, ErrNoNumber) {
		t.Fatalf("withheld: %v", err)
	}
}
