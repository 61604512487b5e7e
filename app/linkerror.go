package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/gorilla/websocket"

	"github.com/deskline/deskline/ctiproto"
)

// LinkProblem is the kind of trouble with the link to the server: the UI
// words each kind for a person (what is wrong, what helps).
type LinkProblem string

// The kinds of link trouble, from the first packet to the login.
const (
	LinkRefused      LinkProblem = "refused"      // nothing listens at the address: server down or wrong port
	LinkTimedOut     LinkProblem = "timed-out"    // no answer to connect: firewall, network, host down
	LinkNameNotFound LinkProblem = "no-such-name" // the host name does not resolve
	LinkUnreachable  LinkProblem = "unreachable"  // no route to the host: this computer is offline
	LinkUntrusted    LinkProblem = "untrusted"    // the server's TLS certificate is not trusted
	LinkTLS          LinkProblem = "tls"          // another TLS failure (old protocol, bad handshake)
	LinkNotDeskline  LinkProblem = "not-deskline" // something answers, but not a Deskline server
	LinkNoAnswer     LinkProblem = "no-answer"    // the link went silent (network or server stuck)
	LinkClosed       LinkProblem = "closed"       // the server closed the link (restart, shed load)
	LinkThrottled    LinkProblem = "throttled"    // too many failed logins: the server makes us wait
	LinkOther        LinkProblem = "other"        // none of these; Err says what
)

// LinkError is why the client is not connected: the kind of problem, the
// server it is about (host:port, as in the server URL) and the cause for
// the log. State.Problem holds it while the client retries.
type LinkError struct {
	Problem LinkProblem
	Host    string
	// Tried are the other servers tried in vain in the same round, in
	// order, before Host (a desk with several server addresses); nil with
	// one address.
	Tried []string
	Err   error // the cause; its text is for logs, not for people
}

// Error reads "app: server host: problem: cause", for logs.
func (e *LinkError) Error() string {
	msg := "app: server " + e.Host + ": " + string(e.Problem)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if len(e.Tried) > 0 {
		msg += " (also tried " + strings.Join(e.Tried, ", ") + ")"
	}
	return msg
}

// Unwrap returns the cause.
func (e *LinkError) Unwrap() error { return e.Err }

// linkError classifies why a connection to host (an endpoint's name)
// failed or ended. It goes by the cause's type, never by its text.
func linkError(host string, err error) *LinkError {
	return &LinkError{Problem: linkProblem(err), Host: host, Err: err}
}

func linkProblem(err error) LinkProblem {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		alert    tls.AlertError
		closeErr *websocket.CloseError
		ae       *ActionError
		netErr   net.Error
	)
	switch {
	case errors.As(err, &ae) && ae.Code == ctiproto.CodeThrottled:
		return LinkThrottled
	case errors.As(err, &ae) && ae.Code == ctiproto.CodeServerBusy:
		return LinkClosed // shed load: the server makes us wait, the password is fine
	case errors.As(err, &dnsErr):
		return LinkNameNotFound
	case errors.Is(err, syscall.ECONNREFUSED):
		return LinkRefused
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return LinkUnreachable
	case errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return LinkUntrusted
	case errors.As(err, &recErr), errors.As(err, &alert):
		return LinkTLS
	case errors.Is(err, errDeadLink):
		return LinkNoAnswer
	case errors.Is(err, websocket.ErrBadHandshake), errors.Is(err, errProtocol), errors.Is(err, errRefusedProtocol):
		return LinkNotDeskline
	case errors.As(err, &closeErr):
		return LinkClosed
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return LinkTimedOut
	}
	return LinkOther
}
