package ami

import (
	"context"
	"testing"
	"time"
)

// LowerFeaturesPollMin lets a test poll AstDB faster than MinFeaturesPoll
// allows a configuration, for the duration of the test.
func LowerFeaturesPollMin(t testing.TB, d time.Duration) {
	old := minFeaturesPoll
	minFeaturesPoll = d
	t.Cleanup(func() { minFeaturesPoll = old })
}

// Reachable is the transfer check alone (for tests of what it caches).
func (x *Exchange) Reachable(ctx context.Context, num string) error { return x.reachable(ctx, num) }
