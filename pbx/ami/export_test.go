package ami

import (
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
