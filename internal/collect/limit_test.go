package collect

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestForEachBoundsConcurrency(t *testing.T) {
	tests := []struct {
		items, limit, wantMax int
	}{
		{0, 4, 0},
		{1, 4, 1},
		{10, 1, 1},
		{10, 3, 3},
		{100, 8, 8},
		{5, 0, 1}, // a limit below one still runs, one at a time
	}
	for _, tt := range tests {
		items := make([]int, tt.items)
		for i := range items {
			items[i] = i
		}
		var (
			running, peak atomic.Int64
			mu            sync.Mutex
			seen          = map[int]int{}
		)
		ForEach(context.Background(), items, tt.limit, func(_ context.Context, i int) {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			seen[i]++
			mu.Unlock()
			running.Add(-1)
		})
		if len(seen) != tt.items {
			t.Errorf("items=%d limit=%d: processed %d items", tt.items, tt.limit, len(seen))
		}
		for i, n := range seen {
			if n != 1 {
				t.Errorf("item %d processed %d times", i, n)
			}
		}
		if tt.items > 0 && peak.Load() != int64(tt.wantMax) && tt.items >= tt.wantMax {
			// With sleeping workers every slot fills up.
			t.Errorf("items=%d limit=%d: peak concurrency %d, want %d", tt.items, tt.limit, peak.Load(), tt.wantMax)
		}
	}
}

func TestForEachStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int64
	items := make([]int, 1000)
	ForEach(ctx, items, 4, func(ctx context.Context, _ int) {
		if done.Add(1) == 10 {
			cancel()
		}
	})
	if n := done.Load(); n >= 1000 || n < 10 {
		t.Errorf("ran %d items after cancel at 10", n)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(2)
	ctx := context.Background()
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := l.Acquire(short); err == nil {
		t.Fatal("third Acquire on a limiter of 2 succeeded")
	}
	l.Release()
	if err := l.Acquire(ctx); err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if NewLimiter(0).Cap() != 1 {
		t.Error("a limiter of 0 should admit one holder")
	}
}

func TestLimitersPerKey(t *testing.T) {
	ls := NewLimiters(3)
	a, b := ls.Get("a"), ls.Get("b")
	if a == b {
		t.Fatal("different keys share a limiter")
	}
	if ls.Get("a") != a {
		t.Fatal("same key gave a new limiter")
	}
	if a.Cap() != 3 {
		t.Errorf("cap %d, want 3", a.Cap())
	}
}

func TestParallel(t *testing.T) {
	var n atomic.Int64
	start := make(chan struct{})
	fn := func(context.Context) {
		n.Add(1)
		<-start // every function must be running at once to pass
	}
	go func() {
		for n.Load() < 3 {
			time.Sleep(time.Millisecond)
		}
		close(start)
	}()
	Parallel(context.Background(), fn, fn, fn)
	if n.Load() != 3 {
		t.Errorf("ran %d functions", n.Load())
	}
}

func TestAdaptiveLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewAdaptiveLimiter(8, 100*time.Millisecond)
	l.now = func() time.Time { return now }
	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"starts at the maximum", func() {}, 8},
		{"halves on a throttle", l.Throttled, 4},
		{"a throttle within the cooldown is the same episode", l.Throttled, 4},
		{"after the cooldown it halves again", func() { now = now.Add(100 * time.Millisecond); l.Throttled() }, 2},
		{"never below one", func() {
			for range 5 {
				now = now.Add(time.Second)
				l.Throttled()
			}
		}, 1},
		{"grows by one per round of successes", func() { l.Succeeded() }, 2},
		{"a round is as many successes as the bound", func() { l.Succeeded(); l.Succeeded() }, 3},
		{"never above the maximum", func() {
			for range 1000 {
				l.Succeeded()
			}
		}, 8},
	}
	for _, s := range steps {
		s.do()
		if got := l.Limit(); got != s.want {
			t.Fatalf("%s: limit %d, want %d", s.name, got, s.want)
		}
	}
}

func TestAdaptiveLimiterBlocksAtTheBound(t *testing.T) {
	l := NewAdaptiveLimiter(4, 0)
	ctx := context.Background()
	l.Throttled() // bound 2
	for range 2 {
		if err := l.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := l.Acquire(short); err == nil {
		t.Fatal("acquired a third slot under a bound of 2")
	}
	got := make(chan error, 1)
	go func() { got <- l.Acquire(ctx) }()
	l.Release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter was not woken by Release")
	}
	// Growth wakes waiters too.
	go func() { got <- l.Acquire(ctx) }()
	for l.Limit() < 3 {
		l.Succeeded()
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter was not woken when the bound grew")
	}
}

func TestAdaptiveLimitersPerKey(t *testing.T) {
	ls := NewAdaptiveLimiters(3, time.Second)
	a := ls.Get("us-east-1/iam")
	if ls.Get("us-east-1/iam") != a || ls.Get("eu-west-1/iam") == a {
		t.Fatal("limiters are not per key")
	}
	a.Throttled()
	if ls.Get("eu-west-1/iam").Limit() != 3 {
		t.Error("a throttle in one scope shrank another")
	}
}
