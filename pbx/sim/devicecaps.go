package sim

import (
	"fmt"
	"slices"

	"github.com/deskline/deskline/pbx"
)

// refuses answers pbx.ErrNotSupported when the device's phone is
// configured without svc (DeviceConfig.Services). The devices and their
// services are fixed by New, so this needs no lock.
func (x *Exchange) refuses(device string, svc pbx.Service) error {
	d := x.devices[device]
	if d == nil || d.info.Services == nil || slices.Contains(d.info.Services, svc) {
		return nil // an unknown device is the service's own error
	}
	return fmt.Errorf("sim: %s at %s: the phone cannot do it: %w", svc, device, pbx.ErrNotSupported)
}
