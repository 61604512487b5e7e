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
func writeConfig(dir, addr string, n, eventLog int) (string, error) {
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
	writeSettings(w, addr, n, eventLog)
	for i := range n {
		writeUser(w, i, string(hash))
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
//   - max_connections: the clients plus room;
//   - event_log: the server's default unless -event-log says otherwise.
func writeSettings(w *bufio.Writer, addr string, n, eventLog int) {
	fmt.Fprintf(w, "# deskline-load: %d users, one sim device each\n", n)
	fmt.Fprintf(w, "listen = %q\nstate_dir = \"\"\n\n", addr)
	fmt.Fprintf(w, "[exchange]\ntype = \"sim\"\n\n")
	fmt.Fprintf(w, "[exchange.sim]\nno_answer_timeout = \"10m\"\nexternal_answer_after = \"10m\"\n\n")
	fmt.Fprintf(w, "[login]\nmax_failures = 100\nfailure_window = \"1m\"\n\n")
	fmt.Fprintf(w, "[limits]\ncommands_per_second = 1000\ncommand_burst = 10000\nmax_connections = %d\n", n+100)
	if eventLog > 0 {
		fmt.Fprintf(w, "event_log = %d\n", eventLog)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "[sim_api]\nenabled = true\n\n")
	fmt.Fprintf(w, "[log]\nlevel = \"warn\"\nformat = \"text\"\n\n")
}

// writeUser writes user i and their device.
func writeUser(w *bufio.Writer, i int, hash string) {
	dev, user := deviceID(i), userName(i)
	fmt.Fprintf(w, "[[exchange.sim.devices]]\nid = %q\nname = \"Load %s\"\nregistered = true\n\n", dev, dev)
	fmt.Fprintf(w, "[[users]]\nname = %q\npassword_hash = %q\ndevices = [%q]\n\n", user, hash, dev)
}
