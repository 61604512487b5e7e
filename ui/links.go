package ui

import (
	"context"
	"strings"
	"time"

	"github.com/deskline/deskline/app"
)

// linkPatience is how long a link waits for the connection. After that
// it is not dialled by surprise minutes later: the dial window opens with
// it, and the user decides.
const linkPatience = 30 * time.Second

// linkShown bounds a link quoted in a notification: a link is whatever
// another program passed on the command line.
const linkShown = 80

// pendingLink is a link that came before the connection was up.
type pendingLink struct {
	text string
	at   time.Time
}

// dialLinksLabel is the setting's box in the settings window.
const dialLinksLabel = "Dial tel: links from other programs at once"

// HandleLink opens the dial window with the number a tel:, callto: or
// sip: link (or a bare number) names, normalised and chosen: Enter dials.
// With the setting dial_links_at_once it dials at once instead. Links
// come from the command line or a second process. Safe from any goroutine.
func (u *UI) HandleLink(text string) {
	u.do(func() { u.openLink(strings.TrimSpace(text)) })
}

func (u *UI) openLink(text string) {
	d := u.Desk()
	if text == "" || d == nil || !d.Settings.DialLinksAtOnce {
		u.dial.show(u.linkNumber(text))
		return
	}
	u.dialLink(text)
}

// linkNumber is the number a link names as people read it ("tel:+49-30-1234567"
// is "+49 30 1234567"), the text itself when it names none (the dial
// window says what is wrong with it).
func (u *UI) linkNumber(text string) string {
	if c := u.client(); c != nil && text != "" {
		if t, err := c.PrepareDial(text); err == nil {
			return t.Display
		}
	}
	return text
}

// dialLink dials a link at once (dial_links_at_once). Before the
// connection is up the link waits for it; a link that cannot be read
// opens the dial window with the text.
func (u *UI) dialLink(text string) {
	c := u.client()
	if c == nil || u.state.Status == app.StatusLoginRequired {
		u.dial.show(text) // says what is missing; dials once the user logged in
		return
	}
	if u.state.Status != app.StatusConnected {
		u.links = append(u.links, pendingLink{text: text, at: u.now()})
		u.notify(linkWaitingText(text))
		time.AfterFunc(linkPatience, func() { u.do(u.expireLinks) })
		return
	}
	t, err := c.PrepareDial(text)
	if err != nil {
		u.dial.show(text) // shows what is wrong with it, and lets the user fix it
		return
	}
	u.notify(linkDiallingText(t))
	u.act("dial link", func(ctx context.Context, c *app.Client) error {
		_, err := c.Dial(ctx, t)
		return err
	}, func(err error) {
		if err != nil {
			u.notify(linkFailedText(t, err))
			u.dial.show(text)
			return
		}
		u.console.show()
	})
}

// flushLinks dials the links that waited for the connection once it is
// up.
func (u *UI) flushLinks(s app.State) {
	if len(u.links) == 0 || s.Status != app.StatusConnected {
		return
	}
	u.expireLinks() // the patience timer does not run while the computer sleeps
	links := u.links
	u.links = nil
	for _, l := range links {
		u.openLink(l.text)
	}
}

// expireLinks opens the dial window for links that waited linkPatience
// without a connection.
func (u *UI) expireLinks() {
	keep := u.links[:0]
	for _, l := range u.links {
		if u.now().Sub(l.at) < linkPatience {
			keep = append(keep, l)
		} else {
			u.dial.show(l.text)
		}
	}
	u.links = keep
}

// Present shows the app to a user who started it again without a link:
// the main window without a tray, else the dial window. Any goroutine.
func (u *UI) Present() {
	u.do(func() {
		if u.opts.TrayHost {
			u.dial.show("")
			return
		}
		u.main.show()
	})
}
