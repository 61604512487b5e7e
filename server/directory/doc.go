// Package directory is the company directory on the server: address books
// from CardDAV and LDAP sources and vCard files, each refreshed on its own
// schedule, kept as a last good copy in the state directory, and indexed
// with package contacts — the same normaliser, lookup and search the desk
// uses, so a number found on a desk is found on the server and the other
// way round.
//
// Its one invariant: every book always serves its last good copy. A source
// that fails (down at start, down mid-refresh, slow, answering garbage)
// never empties its book; it is reported failing, with why, and tried
// again at its next refresh.
package directory
