package aws

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a scan leaves goroutines behind (its
// workers, or connections it forgot to release).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
