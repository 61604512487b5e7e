package ami

import (
	"context"
	"errors"
	"fmt"

	"github.com/deskline/deskline/pbx"
)

// FreePBX keeps do-not-disturb and unconditional forwarding in AstDB:
// DND/<exten> = "YES" and CF/<exten> = the target; its dialplan reads them
// on every call, and its feature codes (*76, *72…) write the same keys.
const (
	familyDND     = "DND"
	familyForward = "CF"
	dndOn         = "YES"
)

// readFeatures reads every device's DND and forwarding at (re)connect.
func (x *Exchange) readFeatures(ctx context.Context, c *conn) {
	for _, d := range x.cfg.Devices {
		dnd, fwd, err := readDeviceFeatures(ctx, c, d)
		if err != nil {
			x.cfg.Log.Warn("ami: reading DND/forwarding from AstDB", "device", d.ID, "err", err)
		}
		x.m.setDevice(d.ID, func(i *pbx.DeviceInfo) { i.DND, i.ForwardTo = dnd, fwd }, false)
	}
}

// readDeviceFeatures reads one device's DND and forwarding from AstDB.
func readDeviceFeatures(ctx context.Context, c *conn, d Device) (dnd bool, fwd string, err error) {
	on, err1 := dbGet(ctx, c, familyDND, d.Exten)
	fwd, err2 := dbGet(ctx, c, familyForward, d.Exten)
	return on == dndOn, fwd, errors.Join(err1, err2)
}

// dbGet reads one AstDB key; "" when it is not set.
func dbGet(ctx context.Context, c *conn, family, key string) (string, error) {
	items, err := c.list(ctx, NewAction("DBGet", "Family", family, "Key", key))
	var ae *ActionError
	if errors.As(err, &ae) && ae.Message == "Database entry not found" {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, it := range items {
		if it.Event() == "DBGetResponse" {
			return it.Get("Val"), nil
		}
	}
	return "", nil
}

// SetDND turns do-not-disturb on or off (FreePBX's AstDB key).
func (x *Exchange) SetDND(ctx context.Context, device string, on bool) error {
	return x.setFeature(ctx, device, familyDND, map[bool]string{true: dndOn}[on],
		func(i *pbx.DeviceInfo) { i.DND = on })
}

// SetForwarding sets unconditional forwarding to to; "" turns it off.
func (x *Exchange) SetForwarding(ctx context.Context, device, to string) error {
	num := ""
	if to != "" {
		var err error
		if num, err = dialable(to); err != nil {
			return err
		}
	}
	return x.setFeature(ctx, device, familyForward, num, func(i *pbx.DeviceInfo) { i.ForwardTo = num })
}

// setFeature writes (or, for "", deletes) the device's key and announces
// its new state.
func (x *Exchange) setFeature(ctx context.Context, device, family, val string, change func(*pbx.DeviceInfo)) error {
	if x.cfg.Features != FeaturesFreePBX {
		return fmt.Errorf("%w: %s is not configured for this Asterisk (features)", pbx.ErrNotSupported, family)
	}
	d, err := x.device(device)
	if err != nil {
		return err
	}
	c, done, err := x.session()
	if err != nil {
		return err
	}
	defer done()
	a := NewAction("DBPut", "Family", family, "Key", d.Exten, "Val", val)
	if val == "" {
		a = NewAction("DBDel", "Family", family, "Key", d.Exten)
	}
	_, err = c.action(ctx, a)
	var ae *ActionError
	if err != nil && !(val == "" && errors.As(err, &ae) && ae.Message == "Database entry not found") {
		return actionError(family+" for "+device, err)
	}
	x.m.setDevice(device, change, true)
	return nil
}
