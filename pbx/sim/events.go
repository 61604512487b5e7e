package sim

import "github.com/deskline/deskline/pbx"

// legEvent is an event about l's connection in c, with the fields every
// call event shares.
func legEvent(kind pbx.EventKind, c *call, l *leg) pbx.Event {
	return pbx.Event{
		Kind:      kind,
		Call:      c.id,
		Device:    l.party.Number,
		State:     l.state,
		Direction: l.dir,
		Other:     l.other,
		Queue:     l.queue,
	}
}

// emit stamps ev and queues it; it goes out when the lock is released.
// Called with x.mu held.
func (x *Exchange) emit(ev pbx.Event) {
	ev.Time = x.clock.Now()
	x.pending = append(x.pending, ev)
}

// tell emits ev if l is an extension: external parties have no one to
// tell.
func (x *Exchange) tell(l *leg, ev pbx.Event) {
	if l.dev != nil {
		x.emit(ev)
	}
}

// emitDeviceState reports d's state.
func (x *Exchange) emitDeviceState(d *device) {
	info := d.info
	x.emit(pbx.Event{Kind: pbx.EvDeviceState, Device: d.info.ID, DeviceState: &info})
}
