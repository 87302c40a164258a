package cloudsim

import (
	"math"
	"math/rand"
	"sync"
	"time"
)

// Faults are the failures the simulator injects. The zero value injects
// nothing.
type Faults struct {
	// Latency is added to every call.
	Latency time.Duration
	// ThrottleRate is the sustained requests per second allowed per
	// account, region and service (0: no throttling); ThrottleBurst is the
	// bucket size (default: the rate, at least 1). Calls above it get the
	// protocol's throttling error.
	ThrottleRate  float64
	ThrottleBurst int
	// ErrorRate is the fraction of calls answered with a 500 or 503.
	ErrorRate float64
	// PageSize caps every page of a paginated answer (0: no cap).
	PageSize int
	// Seed makes the sequence of injected errors repeatable.
	Seed int64
}

// faultState is the live fault configuration with its token buckets and
// random source.
type faultState struct {
	mu      sync.Mutex
	f       Faults
	rng     *rand.Rand
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func newFaultState(f Faults) *faultState {
	fs := &faultState{}
	fs.set(f)
	return fs
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.f = f
	fs.rng = rand.New(rand.NewSource(f.Seed))
	fs.buckets = map[string]*tokenBucket{}
}

func (fs *faultState) get() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

// allow takes a token from the bucket of key; false means throttle.
// Buckets refill on the wall clock: throttling models request rate, which
// the injectable world clock does not drive.
func (fs *faultState) allow(key string, now time.Time) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	rate := fs.f.ThrottleRate
	if rate <= 0 {
		return true
	}
	burst := float64(fs.f.ThrottleBurst)
	if burst <= 0 {
		burst = math.Max(1, math.Ceil(rate))
	}
	b := fs.buckets[key]
	if b == nil {
		b = &tokenBucket{tokens: burst, last: now}
		fs.buckets[key] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// injectError decides whether this call fails with a server error, and
// whether that error is 503 (else 500).
func (fs *faultState) injectError() (fail, unavailable bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.f.ErrorRate <= 0 {
		return false, false
	}
	if fs.rng.Float64() >= fs.f.ErrorRate {
		return false, false
	}
	return true, fs.rng.Intn(2) == 0
}
