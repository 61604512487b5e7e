package server

import "github.com/deskline/deskline/server/directory"

// directoryHealth lists every directory book on /healthz: what it serves
// and, when its source fails, why (the book keeps serving its last good
// copy); nil without a directory.
func (s *Server) directoryHealth() []directory.Status {
	if s.opts.Directory == nil {
		return nil
	}
	return s.opts.Directory.Status()
}
