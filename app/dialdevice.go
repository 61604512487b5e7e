package app

// The phone click-to-dial rings first, for a user with several (a desk
// phone and a softphone): the one chosen in the settings while it is
// registered, else the first registered one, so that a click never rings
// a phone that is unplugged or a softphone that is not running.

// SetDialDevice chooses the phone click-to-dial rings first; "" lets the
// client take the first registered one. It applies from the next dial.
func (c *Client) SetDialDevice(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dialPref = id
}

// dialDevice is the phone click-to-dial rings first, and instead, the
// chosen phone it replaces because that one is not registered ("" when
// the choice stands or there was none). Before the first welcome (no
// devices known) the choice is taken as it is.
func (c *Client) dialDevice() (device, instead string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	devices, _ := c.cs.Snapshot()
	pref := c.dialPref
	var chosen, registered bool
	first := ""
	for _, d := range devices {
		if d.Device == pref {
			chosen, registered = true, d.Registered
		}
		if first == "" && d.Registered {
			first = d.Device
		}
	}
	switch {
	case chosen && registered, pref != "" && len(devices) == 0:
		return pref, ""
	case first != "" && chosen:
		return first, pref
	case first != "":
		return first, "" // automatic, or a choice that is no longer the user's phone
	case chosen:
		return pref, "" // none registered: the exchange says what happens
	case len(devices) > 0:
		return devices[0].Device, ""
	}
	return "", ""
}
