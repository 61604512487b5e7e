// Package app is the tray app's core, with no Fyne in it: the session with
// the CTI server (login, device token, reconnect with backoff, resume by
// epoch and sequence number; with several server addresses, a move to the
// next node of the cluster at once when its node goes: servers.go), the state a UI renders (connection,
// devices, calls with their matched contacts, missed calls), the actions
// it offers (dial, answer, hang up, hold, transfer, …) and the desk that
// ties them to the user's settings, address books and journal.
//
// Separate jobs live in their own packages below, none of which imports
// app: instance (one Deskline per user), tokens (the keyring), journal
// (the call list), settings (settings.json and its checks), crm (the CRM
// link of a call).
//
// The UI subscribes to State snapshots and calls Client methods; it never
// talks to the server itself. Everything here is tested without a window.
package app
