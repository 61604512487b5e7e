package server

import "time"

// bookHealth is one directory book on /healthz: what it serves and, when
// its source fails, why (the book keeps serving its last good copy).
type bookHealth struct {
	Book        string     `json:"book"`
	Contacts    int        `json:"contacts"`
	Fetched     *time.Time `json:"fetched,omitempty"` // when the copy in service was fetched; absent: none yet
	FromDisk    bool       `json:"from_disk"`         // the copy was read from state_dir at start
	Tried       *time.Time `json:"tried,omitempty"`   // the last fetch attempt
	Error       string     `json:"error,omitempty"`   // why the last attempt failed
	Warnings    int        `json:"warnings,omitempty"`
	Transferred int        `json:"transferred"`
}

// directoryHealth lists every book's status; nil without a directory.
func (s *Server) directoryHealth() []bookHealth {
	if s.opts.Directory == nil {
		return nil
	}
	st := s.opts.Directory.Status()
	out := make([]bookHealth, len(st))
	for i, b := range st {
		out[i] = bookHealth{Book: b.Book, Contacts: b.Contacts, FromDisk: b.FromDisk, Error: b.Err,
			Warnings: b.Warnings, Transferred: b.Transferred, Fetched: timeOrNil(b.Fetched), Tried: timeOrNil(b.Tried)}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
