package pbx

import (
	"context"
	"fmt"
	"time"
)

// Snapshot is what an exchange says is true at one moment: its devices,
// the calls in progress, the parked calls and its queues. The CTI server
// starts from one and, after an outage, compares its view with a new one;
// in a cluster the node holding the exchange link takes it and the
// others read it from the cluster's log, so it travels as JSON.
type Snapshot struct {
	Time    time.Time
	Caps    []Service // the exchange's Capabilities, in AllServices order
	Devices []DeviceInfo
	Calls   []Call
	Parked  []ParkedCall // nil when the exchange cannot park
	Queues  []QueueInfo  // nil when the exchange is no QueueLister
}

// Capabilities is s.Caps as a set.
func (s *Snapshot) Capabilities() Capabilities {
	c := make(Capabilities, len(s.Caps))
	for _, svc := range s.Caps {
		c[svc] = true
	}
	return c
}

// TakeSnapshot asks ex what is true now.
func TakeSnapshot(ctx context.Context, ex Exchange) (Snapshot, error) {
	s := Snapshot{Time: time.Now()}
	caps := ex.Capabilities()
	for _, svc := range AllServices {
		if caps[svc] {
			s.Caps = append(s.Caps, svc)
		}
	}
	var err error
	if s.Devices, err = ex.Devices(ctx); err != nil {
		return s, fmt.Errorf("list devices: %w", err)
	}
	if s.Calls, err = ex.Calls(ctx); err != nil {
		return s, fmt.Errorf("list calls: %w", err)
	}
	if caps[SvcPark] {
		if s.Parked, err = ex.Parked(ctx); err != nil {
			return s, fmt.Errorf("list parked calls: %w", err)
		}
	}
	if ql, ok := ex.(QueueLister); ok {
		s.Queues = ql.Queues()
	}
	return s, nil
}
