package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/auth"
	"github.com/deskline/deskline/server/config"
)

// runCheckConfig reports every problem in a config file, one per line
// with its line number, and exits 1 if there is any.
func runCheckConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: deskline-server check-config FILE")
		return 2
	}
	errs := config.CheckFile(args[0])
	for _, err := range errs {
		fmt.Fprintln(stderr, err)
	}
	if len(errs) > 0 {
		fmt.Fprintf(stderr, "%s: %d problem(s)\n", args[0], len(errs))
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", args[0])
	return 0
}

// runHashPassword reads one password line from stdin and prints its hash
// for a [[users]] entry. The password is never echoed or logged.
func runHashPassword(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "usage: deskline-server hash-password  (reads the password from standard input)")
		return 2
	}
	fmt.Fprint(stderr, "Password: ")
	line, err := bufio.NewReader(io.LimitReader(stdin, ctiproto.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		fmt.Fprintf(stderr, "\ndeskline-server hash-password: %v\n", err)
		return 1
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		fmt.Fprintln(stderr, "\ndeskline-server hash-password: empty password")
		return 1
	}
	h, err := auth.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(stderr, "\ndeskline-server hash-password: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr)
	fmt.Fprintf(stdout, "password_hash = %q\n", h)
	return 0
}

func runExampleConfig(stdout io.Writer) int {
	stdout.Write(config.ExampleFile())
	return 0
}
