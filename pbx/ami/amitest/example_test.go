package amitest_test

import (
	"context"
	"log"
	"time"

	"github.com/deskline/deskline/pbx/ami/amitest"
)

// A connector test: start a fake Asterisk, let the connector log in, play
// a real capture (the connector's Originate triggers the recorded call)
// and wait until it has been played.
func Example() {
	srv, err := amitest.Start(amitest.Options{Speed: 10})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	sc, err := amitest.LoadCapture("c1-click-to-dial-internal")
	if err != nil {
		log.Fatal(err)
	}
	srv.Play(sc)
	// … connect the connector to srv.Addr() with cti/ctisecret, dial 202 …
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WaitPlayed(ctx); err != nil {
		log.Print(err)
	}
	log.Print(srv.Channels()) // what Asterisk would list in CoreShowChannels
}
