package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/bcrypt"
)

// loadPassword is every load user's password. It is hashed once at
// bcrypt's minimum cost so N logins cost milliseconds, not N quarter
// seconds; the server accepts any bcrypt cost.
const loadPassword = "deskline-load"

// userName and deviceID name client i's user (u0001…) and device (2001…).
func userName(i int) string { return fmt.Sprintf("u%04d", i+1) }
func deviceID(i int) string { return fmt.Sprintf("%d", 2001+i) }

// writeConfig writes dir/server.toml: the sim exchange with n extensions
// that never answer or time out on their own, n users owning one each,
// and limits raised so that only the load under test limits the server.
func writeConfig(dir, addr string, o options) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(loadPassword), bcrypt.MinCost)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "server.toml")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	if err := writeSettings(w, dir, addr, o); err != nil {
		f.Close()
		return "", err
	}
	for i := range o.Clients {
		writeUser(w, i, string(hash))
	}
	if o.Watchers > 0 {
		writeWatchers(w, o.Watchers)
	}
	if o.Searchers > 0 {
		book, err := writeBook(dir, o.Book)
		if err != nil {
			f.Close()
			return "", err
		}
		writeDirectory(w, book)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, f.Close()
}

// writeSettings writes everything but the devices and users.
//
//   - no_answer_timeout, external_answer_after: the maximum (10m), so the
//     only events are the ones the load makes (delivered, cleared);
//   - login.max_failures 100: the server admits max(max_failures, 32)
//     password checks in flight per address, and every client comes
//     from 127.0.0.1; 100 is the largest allowed;
//   - commands_per_second, command_burst: the maximum (the load sends no
//     commands, but a later bench may);
//   - max_connections: the clients plus room; prelogin_share 100 and
//     max_prelogin_per_address as many: every client comes from
//     127.0.0.1, and in storm mode all of them say hello at once;
//   - event_log, pong_wait (and ping_interval): the server's defaults
//     unless -event-log, -pong-wait say otherwise;
//   - state_dir: none (tokens in memory), but in restart mode, where the
//     tokens must survive the restart as they do in production.
func writeSettings(w *bufio.Writer, dir, addr string, o options) error {
	n := o.Clients + o.Searchers // connections
	state := ""
	if o.Mode == modeRestart || o.clustered() { // a cluster's nodes: each its own
		state = filepath.Join(dir, "state")
		if err := os.Mkdir(state, 0o700); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "# deskline-load: %d users, one sim device each\n", o.Clients)
	fmt.Fprintf(w, "listen = %q\nstate_dir = %q\n\n", addr, state)
	// The admin listener on a port of its own choosing: several servers
	// (the tests run in parallel) never collide on the default one, and
	// the measured server still does the metrics' work.
	fmt.Fprintf(w, "[admin]\nlisten = \"127.0.0.1:0\"\n\n")
	fmt.Fprintf(w, "[exchange]\ntype = \"sim\"\n\n")
	fmt.Fprintf(w, "[exchange.sim]\nno_answer_timeout = \"10m\"\nexternal_answer_after = \"10m\"\n\n")
	fmt.Fprintf(w, "[login]\nmax_failures = 100\nfailure_window = \"1m\"\n\n")
	fmt.Fprintf(w, "[limits]\ncommands_per_second = 1000\ncommand_burst = 10000\nmax_connections = %d\n", n+100)
	fmt.Fprintf(w, "prelogin_share = 100\nmax_prelogin_per_address = %d\n", n+100)
	if o.EventLog > 0 {
		fmt.Fprintf(w, "event_log = %d\n", o.EventLog)
	}
	if o.PongWait > 0 {
		fmt.Fprintf(w, "ping_interval = %q\npong_wait = %q\n", (o.PongWait / 2).String(), o.PongWait.String())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "[sim_api]\nenabled = true\n\n")
	level := "warn"
	if o.Mode == modeSlow {
		level = "info" // one line per session: how the slow ones were cut
	}
	fmt.Fprintf(w, "[log]\nlevel = %q\nformat = \"text\"\n\n", level)
	return nil
}

// writeWatchers lets users 0…n-1 watch every device, parties shown (a
// reception).
func writeWatchers(w *bufio.Writer, n int) {
	fmt.Fprintf(w, "[[watch_groups]]\nname = \"reception\"\ndevices = [\"*\"]\nshow_parties = true\nusers = [")
	for i := range n {
		if i > 0 {
			w.WriteString(", ")
		}
		fmt.Fprintf(w, "%q", userName(i))
	}
	fmt.Fprintf(w, "]\n\n")
}

// writeUser writes user i and their device.
func writeUser(w *bufio.Writer, i int, hash string) {
	dev, user := deviceID(i), userName(i)
	fmt.Fprintf(w, "[[exchange.sim.devices]]\nid = %q\nname = \"Load %s\"\nregistered = true\n\n", dev, dev)
	fmt.Fprintf(w, "[[users]]\nname = %q\npassword_hash = %q\ndevices = [%q]\n\n", user, hash, dev)
}
