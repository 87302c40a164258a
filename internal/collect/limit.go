package collect

import (
	"context"
	"sync"
	"time"
)

// Limiter bounds how many operations run at once: a counting semaphore
// whose Acquire gives up when the context ends.
type Limiter struct{ slots chan struct{} }

// NewLimiter returns a limiter admitting n holders at once (at least one).
func NewLimiter(n int) *Limiter {
	if n < 1 {
		n = 1
	}
	return &Limiter{slots: make(chan struct{}, n)}
}

// Acquire waits for a slot. On success the caller must Release it.
func (l *Limiter) Acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release gives a slot back.
func (l *Limiter) Release() { <-l.slots }

// Cap is the number of holders the limiter admits.
func (l *Limiter) Cap() int { return cap(l.slots) }

// Limiters hands out one Limiter per key (e.g. per account, region and
// service), created on first use with the same capacity.
type Limiters struct {
	n  int
	mu sync.Mutex
	m  map[string]*Limiter
}

// NewLimiters returns a keyed set of limiters of capacity n each.
func NewLimiters(n int) *Limiters { return &Limiters{n: n, m: map[string]*Limiter{}} }

// Get returns the limiter of a key.
func (ls *Limiters) Get(key string) *Limiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.m[key]
	if !ok {
		l = NewLimiter(ls.n)
		ls.m[key] = l
	}
	return l
}

// ForEach calls fn for every item on at most limit goroutines and returns
// when all calls have returned. Once ctx ends, items not yet started are
// skipped. fn reports its own failures: partial failure is data, so there
// is no error to stop the others with.
func ForEach[T any](ctx context.Context, items []T, limit int, fn func(context.Context, T)) {
	if len(items) == 0 {
		return
	}
	if limit < 1 {
		limit = 1
	}
	if limit > len(items) {
		limit = len(items)
	}
	if limit == 1 {
		for _, it := range items {
			if ctx.Err() != nil {
				return
			}
			fn(ctx, it)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	take := func() (T, bool) {
		mu.Lock()
		defer mu.Unlock()
		var zero T
		if next >= len(items) || ctx.Err() != nil {
			return zero, false
		}
		next++
		return items[next-1], true
	}
	for range limit {
		wg.Go(func() {
			for {
				it, ok := take()
				if !ok {
					return
				}
				fn(ctx, it)
			}
		})
	}
	wg.Wait()
}

// Parallel runs the functions concurrently and waits for all of them.
func Parallel(ctx context.Context, fns ...func(context.Context)) {
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(func() { fn(ctx) })
	}
	wg.Wait()
}

// AdaptiveLimiter bounds concurrency like Limiter, but moves the bound
// between 1 and a maximum from what the provider says: it halves when a
// call is throttled and grows by one per round of successful calls
// (additive increase, multiplicative decrease). A scope whose API admits
// fewer calls per second than its latency would allow settles near the
// concurrency the rate limit supports, so calls wait in this queue rather
// than in ever longer retry backoffs.
type AdaptiveLimiter struct {
	mu       sync.Mutex
	max      int
	limit    int
	inFlight int
	// successes counts accepted calls since the bound last changed.
	successes int
	// wake is closed (and replaced) whenever a slot may have opened.
	wake chan struct{}
	// cooldown spaces decreases: one throttling episode often answers
	// several calls that were in flight together, and should halve the
	// bound once, not once per call.
	cooldown     time.Duration
	lastDecrease time.Time
	now          func() time.Time
}

// NewAdaptiveLimiter returns a limiter admitting max holders at first.
// cooldown is the least time between two decreases (about one round trip).
func NewAdaptiveLimiter(max int, cooldown time.Duration) *AdaptiveLimiter {
	if max < 1 {
		max = 1
	}
	return &AdaptiveLimiter{max: max, limit: max, wake: make(chan struct{}), cooldown: cooldown, now: time.Now}
}

// Acquire waits for a slot under the current bound. On success the caller
// must Release it.
func (l *AdaptiveLimiter) Acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inFlight < l.limit {
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Release gives a slot back.
func (l *AdaptiveLimiter) Release() {
	l.mu.Lock()
	l.inFlight--
	l.broadcast()
	l.mu.Unlock()
}

// Succeeded records a call the provider accepted. A full round of them
// (as many as the bound) raises the bound by one.
func (l *AdaptiveLimiter) Succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit >= l.max {
		return
	}
	l.successes++
	if l.successes >= l.limit {
		l.limit++
		l.successes = 0
		l.broadcast()
	}
}

// Throttled records a call the provider refused for rate.
func (l *AdaptiveLimiter) Throttled() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastDecrease) < l.cooldown {
		return
	}
	l.lastDecrease = now
	l.limit = max(1, l.limit/2)
	l.successes = 0
}

// Limit is the current bound.
func (l *AdaptiveLimiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

func (l *AdaptiveLimiter) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// AdaptiveLimiters hands out one AdaptiveLimiter per key.
type AdaptiveLimiters struct {
	max      int
	cooldown time.Duration
	mu       sync.Mutex
	m        map[string]*AdaptiveLimiter
}

// NewAdaptiveLimiters returns a keyed set of adaptive limiters.
func NewAdaptiveLimiters(max int, cooldown time.Duration) *AdaptiveLimiters {
	return &AdaptiveLimiters{max: max, cooldown: cooldown, m: map[string]*AdaptiveLimiter{}}
}

// Get returns the limiter of a key, creating it on first use.
func (ls *AdaptiveLimiters) Get(key string) *AdaptiveLimiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.m[key]
	if !ok {
		l = NewAdaptiveLimiter(ls.max, ls.cooldown)
		ls.m[key] = l
	}
	return l
}
