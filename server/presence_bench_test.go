package server

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/server/config"
)

// BenchmarkPresenceChange is the cost of one presence change on the
// routing goroutine, from the exchange event to every watcher's log (no
// sessions attached: the WebSocket writes are the load tool's business).
// 200 watchers of all of 10,000 devices cost the same per change as 200
// watchers of one device each: O(watchers of the device), not O(watchers
// × devices). Run with
//
//	go test ./server -run '^$' -bench PresenceChange -benchmem
func BenchmarkPresenceChange(b *testing.B) {
	for _, c := range []struct {
		devices, watchers int
		every             bool
	}{
		{10_000, 200, true},
		{10_000, 200, false},
		{100, 200, true},
	} {
		name := fmt.Sprintf("devices=%d/watchers=%d/every=%v", c.devices, c.watchers, c.every)
		b.Run(name, func(b *testing.B) {
			p, dev := presenceOffice(b, c.devices, c.watchers, c.every)
			info := pbx.DeviceInfo{ID: dev, Registered: true}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				info.DND = i%2 == 0
				p.apply(pbx.Event{Kind: pbx.EvDeviceState, Time: time.Now(), Device: dev, DeviceState: &info})
			}
		})
	}
}

// presenceOffice makes devices devices and watchers users who watch
// every device (every) or just the one device it returns.
func presenceOffice(b *testing.B, devices, watchers int, every bool) (*presence, string) {
	b.Helper()
	devs := make([]pbx.DeviceInfo, devices)
	for i := range devs {
		devs[i] = pbx.DeviceInfo{ID: fmt.Sprint(100000 + i), Registered: true}
	}
	users := map[string]*userLog{}
	g := config.WatchGroup{Name: "all", Devices: []string{config.AllDevices}}
	for i := range watchers {
		name := fmt.Sprint("w", i)
		users[name] = newUserLog(name, "e", 1024, nil)
		g.Users = append(g.Users, name)
	}
	p, err := newPresence(slog.New(slog.NewTextHandler(io.Discard, nil)), []config.WatchGroup{g}, users, devs, nil, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	dev := devs[devices/2].ID
	for _, u := range users {
		var list []string
		if !every {
			list = []string{dev}
		}
		if _, _, _, err := p.watch(u, list); err != nil {
			b.Fatal(err)
		}
	}
	return p, dev
}
