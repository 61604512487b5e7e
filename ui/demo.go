package ui

import (
	"context"
	"time"

	"github.com/deskline/deskline/app"
	"github.com/deskline/deskline/ctiproto"
)

// defaultDemoRingAfter is how long the demo waits after the first
// connection before it rings the user's phone: long enough to see the
// tray settle, short enough that a new user sees a screen pop at once.
const defaultDemoRingAfter = 4 * time.Second

// demoFirstRing rings the user's phone once, a few seconds after the
// demo first connects, and says what is happening.
func (u *UI) demoFirstRing(s app.State) {
	if u.opts.Demo == nil || u.demoRung || s.Status != app.StatusConnected || len(s.Devices) == 0 {
		return
	}
	u.demoRung = true
	after := u.opts.DemoRingAfter
	if after == 0 {
		after = defaultDemoRingAfter
	}
	if after < 0 {
		return
	}
	watches := s.Can(ctiproto.TypeWatch)
	u.notify(demoWelcomeText(s.Devices[0].ID, watches))
	time.AfterFunc(after, func() { u.do(u.demoRing) })
	if watches {
		time.AfterFunc(after+demoColleagueAfter, func() { u.do(u.demoRingColleague) })
	}
}

// demoColleagueAfter is how long after the user's own first ring the demo
// rings a colleague's phone, for a user who may watch colleagues: a
// second call to pick up from the switchboard while the first still rings.
const demoColleagueAfter = 3 * time.Second

// demoRingColleague rings a free colleague's phone (app.DemoColleague).
func (u *UI) demoRingColleague() {
	dev := app.DemoColleague(u.state)
	if dev == "" {
		return
	}
	demo := u.opts.Demo
	u.act("demo ring a colleague", func(ctx context.Context, _ *app.Client) error {
		_, err := demo.Ring(ctx, dev)
		return err
	}, u.notifyError(demoProblem))
}
