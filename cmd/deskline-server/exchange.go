package main

import (
	"context"
	"fmt"

	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/config"
)

// newSim builds the simulated exchange the config describes.
func newSim(c config.Sim) (*sim.Exchange, error) {
	sc := sim.Config{
		NoAnswerTimeout: c.NoAnswerTimeout,
		External:        sim.Behaviour{AnswerAfter: c.ExternalAnswerAfter},
		Externals:       make(map[string]sim.Behaviour, len(c.Externals)),
	}
	for _, d := range c.Devices {
		sc.Devices = append(sc.Devices, sim.DeviceConfig{ID: d.ID, Name: d.Name, Behaviour: sim.Behaviour{
			AnswerAfter: d.AnswerAfter, PickUpAfter: d.PickupAfter,
			Busy: d.Busy, NeverAnswer: d.NeverAnswer, Reject: d.Reject,
		}})
	}
	for _, g := range c.Groups {
		sc.Groups = append(sc.Groups, sim.Group{Number: g.Number, Name: g.Name, Members: g.Members})
	}
	for _, x := range c.Externals {
		after := x.AnswerAfter
		if after == 0 {
			after = c.ExternalAnswerAfter
		}
		sc.Externals[x.Number] = sim.Behaviour{AnswerAfter: after, Busy: x.Busy, NeverAnswer: x.NeverAnswer, Reject: x.Reject}
	}
	ex, err := sim.New(sc)
	if err != nil {
		return nil, err
	}
	for _, d := range c.Devices {
		if !d.Registered {
			if err := ex.SetRegistered(context.Background(), d.ID, false); err != nil {
				ex.Close()
				return nil, fmt.Errorf("sim: device %s: %w", d.ID, err)
			}
		}
	}
	return ex, nil
}
