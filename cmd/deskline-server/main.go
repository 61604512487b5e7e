// Command deskline-server is the Deskline CTI server.
//
//	deskline-server [serve] [-config FILE]   run the server (the demo config without -config)
//	deskline-server check-config FILE        report every error in a config file, with its line
//	deskline-server hash-password            read a password, print its hash for the config
//	deskline-server example-config           print the annotated example config
//	deskline-server sim …                    drive the simulated exchange (ring a phone, …)
//	deskline-server watch                    log in as a user and print every event
//	deskline-server search QUERY             search the company directory as a user
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `usage: deskline-server [COMMAND] [FLAGS]

Commands:
  serve [-config FILE] [-listen ADDR] [-state DIR]
                      run the server; without -config, on the embedded demo
                      configuration (simulated exchange, five extensions)
  check-config FILE   report every error in FILE with its line
  hash-password       read a password on stdin, print the hash for [[users]]
  example-config      print the annotated example configuration
  sim [-server URL] COMMAND …
                      play the outside world on the simulated exchange
                      (deskline-server sim -h for its commands)

sim, watch and search take the server as the tray app does: -server
ws://HOST:PORT/v1/ws (the default is the demo server on 127.0.0.1:8720;
$DESKLINE_SERVER overrides it).
  watch [-user U] [-password P] [-server URL] [-n N]
                      log in as a user and print what the server sends
  search [-user U] [-password P] [-server URL] [-n N] QUERY
                      search the company directory as the user's desk does
  version             print the version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(args, stdout, stderr)
	case "check-config":
		return runCheckConfig(args, stdout, stderr)
	case "hash-password":
		return runHashPassword(args, stdin, stdout, stderr)
	case "example-config":
		return runExampleConfig(stdout)
	case "sim":
		return runSim(args, stdout, stderr)
	case "watch":
		return runWatch(args, stdout, stderr)
	case "search":
		return runSearch(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "deskline-server", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "deskline-server: unknown command %q\n\n%s", cmd, usage)
	return 2
}
