package sim

import (
	"slices"
	"testing"

	"github.com/deskline/deskline/pbx"
)

// A device configured without some services says so in Devices and is
// refused them; the others work, and other devices keep every service.
func TestDeviceServices(t *testing.T) {
	lacking := []pbx.Service{pbx.SvcMakeCall, pbx.SvcClear, pbx.SvcTransfer, pbx.SvcDeflect}
	r := newRig(t, func(c *Config) { c.Devices[1].Services = lacking }) // 202
	devs, err := r.x.Devices(r.ctx)
	r.ok(err)
	if devs[0].Services != nil || !slices.Equal(devs[1].Services, lacking) {
		t.Fatalf("Devices() services = %v, %v; want nil, %v", devs[0].Services, devs[1].Services, lacking)
	}
	id := r.call("201", "202")
	r.expect(id, "originated 201 connected out other=202(Bob)", "delivered 202 alerting in other=201(Alice)")
	r.fails(r.x.Answer(r.ctx, id, "202"), pbx.ErrNotSupported)
	r.fails(r.x.SetDND(r.ctx, "202", true), pbx.ErrNotSupported)
	r.ok(r.x.SetDND(r.ctx, "201", true))
	r.expect("", `device-state 201 dnd=true fwd="" reg=true`)
	r.ok(r.x.Clear(r.ctx, id, "202")) // reject: in the list
}
