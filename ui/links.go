package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskline/deskline/app"
)

// linkPatience is how long a link handed over at start-up waits for the
// connection before it is given up (and shown in the dial window).
const linkPatience = 30 * time.Second

// pendingLink is a link that came before the connection was up.
type pendingLink struct {
	text string
	at   time.Time
}

// HandleLink dials what a tel:, callto: or sip: link (or a bare number)
// names: from the command line, or handed over by a second process.
// Safe from any goroutine. Before the connection is up the link waits for
// it; a link that cannot be read opens the dial window with the text.
func (u *UI) HandleLink(text string) {
	fyne.Do(func() { u.openLink(strings.TrimSpace(text)) })
}

func (u *UI) openLink(text string) {
	if text == "" {
		u.dial.show("")
		return
	}
	c := u.client()
	if c == nil || u.state.Status != app.StatusConnected {
		u.links = append(u.links, pendingLink{text: text, at: u.now()})
		return
	}
	t, err := c.PrepareDial(text)
	if err != nil {
		u.dial.show(text) // shows what is wrong with it, and lets the user fix it
		return
	}
	u.notify("Dialling "+t.Display, t.Prompt())
	u.act("dial link", func(ctx context.Context, c *app.Client) error {
		_, err := c.Dial(ctx, t)
		return err
	}, func(err error) {
		if err != nil {
			u.notify("Cannot dial "+t.Display, userText(err))
			u.dial.show(text)
			return
		}
		u.call.show()
	})
}

// flushLinks dials the links that waited for the connection, and opens
// the dial window for those that waited too long.
func (u *UI) flushLinks(s app.State) {
	if len(u.links) == 0 {
		return
	}
	if s.Status != app.StatusConnected {
		keep := u.links[:0]
		for _, l := range u.links {
			if u.now().Sub(l.at) < linkPatience {
				keep = append(keep, l)
			} else {
				u.dial.show(l.text)
			}
		}
		u.links = keep
		return
	}
	links := u.links
	u.links = nil
	for _, l := range links {
		u.openLink(l.text)
	}
}

// Present shows the app to a user who started it again without a link:
// the main window without a tray, else the dial window. Any goroutine.
func (u *UI) Present() {
	fyne.Do(func() {
		if u.opts.TrayHost {
			u.dial.show("")
			return
		}
		u.main.show()
	})
}
