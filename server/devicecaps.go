package server

import (
	"fmt"
	"slices"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx"
)

// deviceLacks answers not-supported when the device has capabilities of
// its own (its phone cannot do everything the exchange can: an Asterisk
// phone that cannot be answered remotely) and svc is not among them. The
// device's state is the user's, as the client last heard it, so the
// server refuses exactly what the client greys out.
func (s *session) deviceLacks(device string, svc pbx.Service) error {
	s.user.mu.Lock()
	d, ok := s.user.state.Device(device)
	s.user.mu.Unlock()
	if !ok || d.Capabilities == nil || slices.Contains(d.Capabilities, string(svc)) {
		return nil
	}
	return &ctiproto.Error{Code: ctiproto.CodeNotSupported,
		Message: fmt.Sprintf("%s is not supported for device %s: its phone cannot do it through this exchange", svc, device)}
}
