// Package app is the tray app's core, with no Fyne in it: the session with
// the CTI server (login, device token in the OS keyring, reconnect with
// backoff, resume by epoch and sequence number), the state a UI renders
// (connection, devices, calls with their matched contacts, missed calls),
// the actions it offers (dial, answer, hang up, hold, transfer, …), the
// call journal and the settings.
//
// The UI subscribes to State snapshots and calls Client methods; it never
// talks to the server itself. Everything here is tested without a window.
package app
