//go:build !unix

package sqlite

import "time"

// processCPU is not measured here; benchmarks report 0 cpu-s/op.
func processCPU() time.Duration { return 0 }
