package natstest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestClusterSurvivesOneKill: a three-server cluster keeps a replicated
// key when one server is killed, and the killed one comes back.
func TestClusterSurvivesOneKill(t *testing.T) {
	c := Start(t, 3)
	nc, err := nats.Connect(c.Nodes[0].URL, nats.Timeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "t", Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	c.Nodes[2].Kill()
	if c.Nodes[2].Running() {
		t.Fatal("killed node still running")
	}
	// Right after the kill a read may find no responder while the
	// survivors notice the loss (the key's leader may have been the
	// killed one): it must come within a few seconds.
	var e jetstream.KeyValueEntry
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if e, err = kv.Get(ctx, "k"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || string(e.Value()) != "v" {
		t.Fatalf("after a kill: %v %v", e, err)
	}
	c.Nodes[2].Start()
	c.WaitReady(t)
}

// TestLaunchStop: Launch, the API for programs, starts a server that
// answers JetStream, and Stop leaves nothing running.
func TestLaunchStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := Launch(ctx, Binary(t), t.TempDir(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := tryJetStream(ctx, c.URLs()[0]); err != nil {
		c.Stop()
		t.Fatal(err)
	}
	c.Stop()
	if c.Nodes[0].Running() {
		t.Fatal("a stopped server still runs")
	}
}
