package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/gorilla/websocket"
)

// searchTimeout bounds the whole search, login included: the directory
// answers from memory in milliseconds.
const searchTimeout = 15 * time.Second

// runSearch logs in as a user and searches the company directory as the
// user's desk would, printing one line per contact: for an administrator
// checking that a book is served and who sees it.
func runSearch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := serverFlag(fs)
	user := fs.String("user", "demo", "user name")
	password := fs.String("password", "demo", "password")
	limit := fs.Int("n", 0, "at most this many contacts (0: the server's default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	query := strings.Join(fs.Args(), " ")
	conn, code := dialHello(*server, &ctiproto.Hello{ID: "search-login", User: *user, Password: *password,
		Client: "deskline-server search"}, "search", stderr)
	if conn == nil {
		return code
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(searchTimeout))
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			fmt.Fprintf(stderr, "deskline-server search: connection ended: %v\n", err)
			return 1
		}
		m, err := ctiproto.Decode(data)
		if err != nil {
			fmt.Fprintf(stderr, "deskline-server search: bad frame from server: %v\n", err)
			return 1
		}
		switch m := m.(type) {
		case *ctiproto.Welcome:
			if len(m.Directory) == 0 {
				fmt.Fprintf(stderr, "deskline-server search: %s may search no books (see [[directory.books]] groups)\n", m.User)
				return 1
			}
			req, _ := ctiproto.Encode(&ctiproto.Search{ID: "search", Query: query, Limit: *limit})
			if err := conn.WriteMessage(websocket.TextMessage, req); err != nil {
				fmt.Fprintf(stderr, "deskline-server search: %v\n", err)
				return 1
			}
		case *ctiproto.Result:
			if m.ID == "search" {
				printContacts(stdout, m.Contacts)
				return 0
			}
		case *ctiproto.Error:
			if m.ID == "search" || m.ID == "search-login" {
				fmt.Fprintf(stderr, "deskline-server search: %s: %s\n", m.Code, m.Message)
				return 1
			}
		}
	}
}

// printContacts writes one line per contact: book, name, company and
// every number with its types.
func printContacts(w io.Writer, cs []ctiproto.Contact) {
	for _, c := range cs {
		line := c.Book + ": " + c.Name
		if c.Company != "" {
			line += " (" + c.Company + ")"
		}
		var nums []string
		for _, n := range c.Numbers {
			s := n.Display
			if len(n.Types) > 0 {
				s += " " + strings.Join(n.Types, ",")
			}
			nums = append(nums, s)
		}
		fmt.Fprintln(w, line+" — "+strings.Join(nums, "; "))
	}
}
