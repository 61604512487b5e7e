package main

import (
	"log/slog"

	"github.com/deskline/deskline/app/instance"
)

// handOffQueue is how many handed-over link lists wait for the UI while it
// starts; the instance's listener waits when it is full.
const handOffQueue = 16

// oneLink keeps the first of the links given: one click on a link is one
// number to call, and a program that passes several (a selection of
// numbers) must not open a dial, or place a call, for each.
func oneLink(links []string, log *slog.Logger) []string {
	if len(links) > 1 {
		log.Warn("several links given: only the first is used", "used", links[0], "ignored", len(links)-1)
		return links[:1]
	}
	return links
}

// claimOrHandOff makes this process the user's one Deskline, or hands the
// links to the one already running (instance.ClaimOrHandOff). It returns
// a nil instance when the links were handed over (this process should
// exit). The channel carries what later processes hand over.
func claimOrHandOff(links []string, log *slog.Logger) (*instance.Instance, <-chan []string, error) {
	path, err := instance.SocketPath()
	if err != nil {
		return nil, nil, err
	}
	handed := make(chan []string, handOffQueue)
	inst, err := instance.ClaimOrHandOff(path, links, func(args []string) { handed <- args })
	if err != nil {
		return nil, nil, err
	}
	if inst == nil {
		log.Info("handed over to the running Deskline", "links", links)
		return nil, nil, nil
	}
	return inst, handed, nil
}
