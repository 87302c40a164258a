package sqlite

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
)

func preBatch(n int) []*asset.Asset {
	out := make([]*asset.Asset, n)
	for i := range out {
		out[i] = &asset.Asset{UID: fmt.Sprintf("u%05d", i), Config: map[string]any{"i": int64(i)}}
	}
	return out
}

func TestPreEncode(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores to encode ahead")
	}
	batch := preBatch(5000)
	batch[4320].Config = map[string]any{"bad": func() {}}
	// Every third asset needs encoding.
	p := startPreEncode(batch, func(a *asset.Asset) bool { return a.UID[len(a.UID)-1]%3 == 0 })
	if p == nil {
		t.Fatal("no pre-encoding with two cores")
	}
	defer p.stop()
	for i, a := range batch {
		e := p.take(i)
		need := a.UID[len(a.UID)-1]%3 == 0
		switch {
		case !need && e != nil:
			t.Fatalf("asset %d was encoded without need", i)
		case need && e == nil:
			t.Fatalf("asset %d was not encoded", i)
		case i == 4320:
			if e.err == nil || !strings.Contains(e.err.Error(), "encode config") {
				t.Errorf("bad asset: got %v", e.err)
			}
		case need:
			if e.err != nil || e.docs.config != fmt.Sprintf(`{"i":%d}`, i) {
				t.Fatalf("asset %d: got %v, %v", i, e.docs.config, e.err)
			}
		}
	}
}

// TestPreEncodeStopsEarly is the writer failing part-way: the workers
// must end (TestMain checks for leaked goroutines).
func TestPreEncodeStopsEarly(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two cores to encode ahead")
	}
	batch := preBatch(20000)
	p := startPreEncode(batch, func(*asset.Asset) bool { return true })
	for i := range 300 {
		if e := p.take(i); e == nil || e.err != nil {
			t.Fatalf("asset %d: %v", i, e)
		}
	}
	p.stop()
}

func TestPreEncodeNotWorthIt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		procs int
		n     int
		need  bool
	}{
		{"one core", 1, 5000, true},
		{"small batch", 2, preChunk - 1, true},
		{"nothing to encode", 2, 5000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tc.procs))
			p := startPreEncode(preBatch(tc.n), func(*asset.Asset) bool { return tc.need })
			if p != nil {
				p.stop()
				t.Fatal("pre-encoding started")
			}
			if p.take(0) != nil {
				t.Error("take on no pre-encoder returned documents")
			}
			p.stop() // safe on nil
		})
	}
}
