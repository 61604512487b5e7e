package ami

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx"
)

// With FeaturesFreePBX, DND and forwarding changed on the phone or the PBX
// reach the desk two ways.
//
// At once: FreePBX's feature codes set custom device states besides the
// AstDB keys (its donotdisturb and callforward modules, while the Advanced
// Setting "Enable Custom Device States", USEDEVSTATE, is on): *76, *78
// and *79 set Custom:DND<ext> to BUSY (on) or NOT_INUSE (off); *72, *73
// and *74 set Custom:CF<ext> the same way. Asterisk announces each as a
// DeviceStateChange (call class). DND is read from the state itself;
// forwarding's target is only in AstDB, so CF/<ext> is read on the event.
//
// At an interval (FeaturesPoll): AstDB is read again for changes that send
// no event (a "database put" on the CLI, the admin GUI, another tool).
// Only real changes are announced.
const (
	customDND = "Custom:DND" // + extension
	customCF  = "Custom:CF"  // + extension
)

// followCustomState handles FreePBX's custom device states.
func (x *Exchange) followCustomState(msg Message) {
	if x.cfg.Features != FeaturesFreePBX || msg.Event() != "DeviceStateChange" {
		return
	}
	dev, state := msg.Get("Device"), msg.Get("State")
	on, known := customOn(state)
	if !known {
		return
	}
	switch {
	case hasPrefixFold(dev, customDND):
		if d, ok := x.byExten(dev[len(customDND):]); ok {
			x.m.changeDevice(d.ID, x.m.featureGen(d.ID), func(i *pbx.DeviceInfo) { i.DND = on })
		}
	case hasPrefixFold(dev, customCF):
		d, ok := x.byExten(dev[len(customCF):])
		switch {
		case !ok:
		case !on:
			x.m.changeDevice(d.ID, x.m.featureGen(d.ID), func(i *pbx.DeviceInfo) { i.ForwardTo = "" })
		default:
			x.readForwardSoon(d)
		}
	}
}

// customOn reads a custom device state: NOT_INUSE is off, UNKNOWN and
// INVALID (the state was never set, or was removed) say nothing, any other
// (BUSY, INUSE…) is on.
func customOn(state string) (on, known bool) {
	switch state {
	case "NOT_INUSE":
		return false, true
	case "UNKNOWN", "INVALID", "":
		return false, false
	default:
		return true, true
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// byExten finds the configured device whose AstDB key is exten.
func (x *Exchange) byExten(exten string) (Device, bool) {
	for _, d := range x.cfg.Devices {
		if d.Exten == exten {
			return d, true
		}
	}
	return Device{}, false
}

// readForwardSoon reads a device's forwarding target in the background:
// the event loop must not wait for an action.
func (x *Exchange) readForwardSoon(d Device) {
	c, done, err := x.session()
	if err != nil {
		return
	}
	gen := x.m.featureGen(d.ID)
	go func() {
		defer done()
		ctx, cancel := context.WithTimeout(context.Background(), x.cfg.ActionTimeout)
		defer cancel()
		fwd, err := dbGet(ctx, c, familyForward, d.Exten)
		if err != nil {
			x.cfg.Log.Warn("ami: reading forwarding from AstDB", "device", d.ID, "err", err)
			return
		}
		x.m.changeDevice(d.ID, gen, func(i *pbx.DeviceInfo) { i.ForwardTo = fwd })
	}()
}

// pollFeatures reads every device's DND and forwarding each FeaturesPoll
// while c is up.
func (x *Exchange) pollFeatures(c *conn) {
	defer x.wg.Done()
	t := time.NewTicker(x.cfg.FeaturesPoll)
	defer t.Stop()
	for {
		select {
		case <-c.done():
			return
		case <-x.stop:
			return
		case <-t.C:
			x.pollOnce(c)
		}
	}
}

// pollOnce reads the keys of every device and announces what changed. A
// device whose state changed meanwhile (an event, a desk's command) keeps
// that newer state; one whose keys cannot be read keeps its state until
// the next poll, and the others are read all the same (as at connect).
func (x *Exchange) pollOnce(c *conn) {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	for _, d := range x.cfg.Devices {
		gen := x.m.featureGen(d.ID)
		dnd, fwd, err := readDeviceFeatures(ctx, c, d)
		switch {
		case errors.Is(err, ErrClosed) || ctx.Err() != nil:
			return // the link went: the next one reads everything again
		case err != nil:
			x.cfg.Log.Warn("ami: polling DND/forwarding in AstDB", "device", d.ID, "err", err)
			continue
		}
		x.m.changeDevice(d.ID, gen, func(i *pbx.DeviceInfo) { i.DND, i.ForwardTo = dnd, fwd })
	}
}

// featureGen counts the changes of a device's DND and forwarding: a read
// begun before a change must not undo it.
func (m *mapper) featureGen(id string) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.featGen[id]
}

// changeDevice applies change (to DND and forwarding only) to a device
// unless they changed since gen, and announces it only when they differ.
func (m *mapper) changeDevice(id string, gen uint64, change func(*pbx.DeviceInfo)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.devices[id]
	if d == nil || m.featGen[id] != gen {
		return
	}
	dnd, fwd := d.DND, d.ForwardTo
	change(d)
	if d.DND == dnd && d.ForwardTo == fwd {
		return
	}
	m.featGen[id]++
	info := *d
	if m.push != nil {
		m.push([]pbx.Event{{Kind: pbx.EvDeviceState, Time: m.now(), Device: id, DeviceState: &info}})
	}
}
