package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/deskline/deskline/app/internal/configfile"
	"github.com/deskline/deskline/app/settings"
	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/server/simapi"
)

// DemoCaller is a caller from the bundled demo address book.
type DemoCaller struct {
	Number string // as the exchange presents it, e.g. "+49 40 32901142"
	Name   string // caller id name the exchange sends
}

// DemoCallers are the callers the demo rings from, in order; their
// numbers are in the bundled demo address book (assets/demo/contacts) in
// other forms, so each ring also shows that a number is found however it
// is written.
var DemoCallers = []DemoCaller{
	{"+49 40 32901142", "Miriam Okafor"},
	{"+44 20 7946 0321", "Oliver Grant"},
	{"0171 5550123", "Jürgen Weiß"},
	{"+33 1 42 68 53 00", "Sophie Laurent"},
	{"030 2345678", "Dr. Anna Schmidt"},
}

// The demo server's user the tray app logs in as (device 201). Its users
// log in with their name as the password.
const (
	DemoUser     = "demo"
	DemoPassword = "demo"
)

// demoTimeout bounds one call to the sim API, which answers at once,
// connecting included.
const demoTimeout = 5 * time.Second

// Demo drives the demo server's simulated exchange (its sim API, loopback
// only) so a new user sees a screen pop within a minute of `make run`.
type Demo struct {
	sim  *simapi.Client
	next atomic.Uint64 // index into DemoCallers of the next ring
}

// NewDemo takes the server's WebSocket URL (ws://host:port/v1/ws) and
// derives the sim API base from its host. It refuses a host that is not
// loopback: the sim API plays the outside world and answers only there.
func NewDemo(serverURL string) (*Demo, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, fmt.Errorf("app: demo: server URL %q: %w", serverURL, err)
	}
	scheme := map[string]string{"ws": "http", "http": "http", "wss": "https", "https": "https"}[strings.ToLower(u.Scheme)]
	switch {
	case scheme == "":
		return nil, fmt.Errorf("app: demo: server URL %q: want ws:// or wss://", serverURL)
	case u.Host == "":
		return nil, fmt.Errorf("app: demo: server URL %q has no host", serverURL)
	case !ctiproto.LoopbackHost(u.Host):
		return nil, fmt.Errorf("app: demo: server %s is not on this machine; the demo rings only a local demo server (make run)", u.Host)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // loopback: never through a proxy
	hc := &http.Client{Transport: tr, Timeout: demoTimeout}
	return &Demo{sim: simapi.NewClient(scheme+"://"+u.Host, hc, "")}, nil
}

// Ring rings device from the next demo caller (cycling through
// DemoCallers; safe for concurrent use) and returns who calls.
func (d *Demo) Ring(ctx context.Context, device string) (DemoCaller, error) {
	if device == "" {
		return DemoCaller{}, &DemoRingError{Problem: RingNoDevice}
	}
	c := DemoCallers[(d.next.Add(1)-1)%uint64(len(DemoCallers))]
	if _, err := d.sim.Ring(ctx, device, c.Number, c.Name); err != nil {
		return DemoCaller{}, &DemoRingError{Device: device, URL: d.sim.URL(simapi.Ring), Problem: ringProblem(ctx, err), Err: err}
	}
	return c, nil
}

// DemoColleague is the colleague the demo rings for a reception to pick
// up: the last free one by extension that is not the user's own phone
// (in the demo office Eva's 205, who never answers); "" when none is
// free or the user watches nobody.
func DemoColleague(s State) string {
	for i := len(s.Switchboard.Colleagues) - 1; i >= 0; i-- {
		if c := s.Switchboard.Colleagues[i]; c.Free() && !s.Mine(c.Device) {
			return c.Device
		}
	}
	return ""
}

// DemoRingError says why the demo could not ring Device: the kind of
// trouble, the sim API endpoint asked (URL) and the cause.
type DemoRingError struct {
	Device  string
	URL     string
	Problem RingProblem
	Err     error
}

// RingProblem is what went wrong ringing a demo call, for a UI to say
// what to do.
type RingProblem string

const (
	RingNoDevice   RingProblem = "no-device"   // no phone to ring: the demo user is not logged in
	RingNoSimAPI   RingProblem = "no-sim-api"  // the server answers, without a sim API
	RingServerDown RingProblem = "server-down" // nothing answers at URL
	RingRefused    RingProblem = "refused"     // the sim API refused; Err has its words
)

// Error is the failure for a log, with what to do.
func (e *DemoRingError) Error() string {
	switch e.Problem {
	case RingNoDevice:
		return "app: demo: ring: no device (is the demo user logged in?)"
	case RingNoSimAPI:
		return fmt.Sprintf("app: demo: ring %s at %s: %v: it has no sim API; run the demo server (make run, or enable [sim_api] in its configuration)", e.Device, e.URL, e.Err)
	case RingServerDown:
		return fmt.Sprintf("app: demo: ring %s at %s: is the demo server running (make run)? %v", e.Device, e.URL, e.Err)
	}
	return fmt.Sprintf("app: demo: ring %s at %s: %v", e.Device, e.URL, e.Err)
}
func (e *DemoRingError) Unwrap() error { return e.Err }

// ringProblem sorts a sim API error by what the person should do.
func ringProblem(ctx context.Context, err error) RingProblem {
	var se *simapi.StatusError
	var ue *simapi.UnreachableError
	switch {
	case errors.As(err, &se) && se.NoSimAPI():
		return RingNoSimAPI
	case errors.As(err, &ue) && ctx.Err() == nil: // not given up by the caller
		return RingServerDown
	}
	return RingRefused
}

// demoBooksFolder is the folder in the config folder that SetUpDemo
// copies the demo address book to: the settings want files on disk.
const demoBooksFolder = "demo-contacts"

// demoHomeRegion reads the demo contacts' national numbers (030 …).
const demoHomeRegion = "DE"

// SetUpDemo prepares the config folder dir for the demo on first start:
// when it has no settings file, or one without a server or a user, it
// copies the *.vcf files under booksDir in books (main passes the
// embedded demo contacts) into <dir>/demo-contacts and saves settings for
// the demo server and user, reading numbers as German. A configured
// settings file is left alone and created is false.
func SetUpDemo(dir string, books fs.FS, booksDir string) (created bool, err error) {
	if dir, err = filepath.Abs(dir); err != nil {
		return false, fmt.Errorf("app: demo: config folder: %w", err)
	}
	file := filepath.Join(dir, settings.FileName)
	// Read as the app will, so "configured" means what OpenDesk sees.
	s, _, err := settings.Load(file)
	if err != nil {
		return false, err
	}
	if s.ServerURL != "" && s.User != "" {
		return false, nil
	}
	target := filepath.Join(dir, demoBooksFolder)
	if err := copyVCards(books, booksDir, target); err != nil {
		return false, err
	}
	s.ServerURL, s.User, s.HomeRegion = settings.DefaultServerURL, DemoUser, demoHomeRegion
	if !slices.Contains(s.AddressBooks, target) {
		s.AddressBooks = append(s.AddressBooks, target)
	}
	if err := settings.Save(file, s); err != nil {
		return false, err
	}
	return true, nil
}

// copyVCards copies the *.vcf files under dir in src to target, keeping
// their subfolders and skipping hidden ones. None at all is an error: a
// demo without contacts would pop up bare numbers.
func copyVCards(src fs.FS, dir, target string) error {
	n := 0
	err := fs.WalkDir(src, dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case p != dir && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case d.IsDir() || !strings.EqualFold(path.Ext(p), ".vcf"):
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, dir+"/")
		if dir == "." {
			rel = p
		}
		n++
		return configfile.Write(filepath.Join(target, filepath.FromSlash(rel)), data)
	})
	if err != nil {
		return fmt.Errorf("app: demo: copy the demo address book from %s: %w", dir, err)
	}
	if n == 0 {
		return fmt.Errorf("app: demo: no *.vcf files under %s to copy", dir)
	}
	return nil
}
