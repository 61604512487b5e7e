package sim

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskline/deskline/pbx"
)

// benchExchange is an exchange with n devices (401…) on clock, with a
// consumer draining its events; wait blocks until it has seen total.
func benchExchange(b *testing.B, n int, clock Clock) (x *Exchange, wait func(total int64)) {
	b.Helper()
	cfg := Config{Clock: clock}
	for i := 0; i < n; i++ {
		cfg.Devices = append(cfg.Devices, DeviceConfig{ID: fmt.Sprint(401 + i), Name: "Bench"})
	}
	x, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	var seen atomic.Int64
	go func() {
		for range x.Events() {
			seen.Add(1)
		}
	}()
	return x, func(total int64) {
		deadline := time.Now().Add(10 * time.Second)
		for seen.Load() < total && time.Now().Before(deadline) {
			time.Sleep(50 * time.Microsecond)
		}
		if got := seen.Load(); got < total {
			b.Fatalf("consumer saw %d of %d events", got, total)
		}
	}
}

// cycle is one incoming call: ring, answer, far end hangs up (3 events).
func cycle(b *testing.B, x *Exchange, dev string) {
	ctx := context.Background()
	from := pbx.Party{Number: "+49301234567", Name: "Bench Caller"}
	id, err := x.Ring(ctx, dev, from)
	if err == nil {
		err = x.Answer(ctx, id, dev)
	}
	if err == nil {
		err = x.HangupRemote(ctx, id)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCallCycle: ring → answer → remote hangup on the real clock (a
// no-answer timer armed and stopped per call, as in production), events
// drained by another goroutine and counted in the time.
func BenchmarkCallCycle(b *testing.B) {
	x, wait := benchExchange(b, 1, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, x, "401")
	}
	wait(int64(3 * b.N))
}

// BenchmarkCallCycleManualClock is the same on a ManualClock, as the
// server tests run it.
func BenchmarkCallCycleManualClock(b *testing.B) {
	x, wait := benchExchange(b, 1, NewManualClock(time.Now()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, x, "401")
	}
	wait(int64(3 * b.N))
}

// BenchmarkCallCycleParallel runs cycles from GOMAXPROCS goroutines, each
// on its own device, all through the one exchange lock.
func BenchmarkCallCycleParallel(b *testing.B) {
	const devices = 64
	x, wait := benchExchange(b, devices, nil)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		dev := fmt.Sprint(401 + next.Add(1)%devices)
		for pb.Next() {
			cycle(b, x, dev)
		}
	})
	wait(int64(3 * b.N))
}
