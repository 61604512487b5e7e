package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/deskline/deskline/pbx"
	"github.com/deskline/deskline/pbx/ami"
	"github.com/deskline/deskline/pbx/sim"
	"github.com/deskline/deskline/server/config"
)

// newExchange builds the exchange the config selects. The second result is
// the simulated exchange again when that is the one (it backs the sim
// control API), nil otherwise. A PBX that is down is not an error: its
// connector reports it unavailable and keeps retrying.
func newExchange(cfg *config.Config, log *slog.Logger) (pbx.Exchange, *sim.Exchange, error) {
	switch cfg.Exchange.Type {
	case config.ExchangeSim:
		ex, err := newSim(cfg.Exchange.Sim)
		if err != nil {
			return nil, nil, err
		}
		return ex, ex, nil
	case config.ExchangeAMI:
		ac, err := cfg.AMIConfig(log)
		if err != nil {
			return nil, nil, err
		}
		ex, err := ami.New(ac)
		if err != nil {
			return nil, nil, err
		}
		return ex, nil, nil
	}
	return nil, nil, fmt.Errorf("exchange type %q is not available in this build", cfg.Exchange.Type)
}

// exchangeLabel says in words what the server is linked to, for the
// banner and the log. It never includes the manager secret.
func exchangeLabel(cfg *config.Config) string {
	switch cfg.Exchange.Type {
	case config.ExchangeSim:
		return fmt.Sprintf("the simulated exchange (%s)", plural(len(cfg.Exchange.Sim.Devices), "device"))
	case config.ExchangeAMI:
		a := cfg.Exchange.AMI
		tls := ""
		if a.TLS {
			tls = " over TLS"
		}
		return fmt.Sprintf("Asterisk at %s%s (%s)", a.Addr(), tls, plural(len(a.Devices), "device"))
	}
	return "exchange " + cfg.Exchange.Type
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// newSim builds the simulated exchange the config describes.
func newSim(c config.Sim) (*sim.Exchange, error) {
	sc := sim.Config{
		NoAnswerTimeout: c.NoAnswerTimeout,
		External:        sim.Behaviour{AnswerAfter: c.ExternalAnswerAfter},
		Externals:       make(map[string]sim.Behaviour, len(c.Externals)),
		ParkSlots:       c.ParkSlots,
		ParkTime:        c.ParkTime,
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
