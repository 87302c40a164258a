package aws

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/collect"
)

// simNow pins the simulator's and the collector's clocks for the whole
// test binary, so that timestamps (shifted by the simulator from the
// world's asOf) are identical across runs and hashes compare.
var simNow = time.Now().UTC().Truncate(time.Second)

// recorder is a collect.Sink that keeps everything.
type recorder struct {
	mu      sync.Mutex
	assets  map[string]asset.Asset
	dups    []string
	diags   []collect.Diagnostic
	covered []collect.Coverage
	planned int
	done    int
}

func newRecorder() *recorder { return &recorder{assets: map[string]asset.Asset{}} }

func (r *recorder) Asset(a asset.Asset) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.assets[a.UID]; dup {
		r.dups = append(r.dups, a.UID)
	}
	r.assets[a.UID] = a
}

func (r *recorder) Diagnostic(d collect.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.diags = append(r.diags, d)
}

func (r *recorder) Covered(c collect.Coverage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.covered = append(r.covered, c)
}

func (r *recorder) Progress(planned, done int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned += planned
	r.done += done
}

// byType counts assets per "account type".
func (r *recorder) byType() map[string]int {
	out := map[string]int{}
	for _, a := range r.assets {
		out[a.Account+" "+a.Type]++
	}
	return out
}

// diagKeys renders diagnostics as comparable strings (without messages
// and times).
func (r *recorder) diagKeys() []string {
	var out []string
	for _, d := range r.diags {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s [%s]", d.Account, d.Region, d.Service, d.Action, d.Code, d.Resource, strings.Join(d.ResourceTypes, ",")))
	}
	sort.Strings(out)
	return out
}

// asset returns the asset with uid or fails the test.
func (r *recorder) asset(t *testing.T, uid string) asset.Asset {
	t.Helper()
	a, ok := r.assets[uid]
	if !ok {
		t.Fatalf("no asset %s", uid)
	}
	return a
}

// simRun is one collection against a fresh simulator.
type simRun struct {
	rec     *recorder
	stats   cloudsim.Stats
	err     error
	elapsed time.Duration
}

// simulate loads a world, serves it with faults and runs the collector
// configured by opts against it.
func simulate(t testing.TB, w *cloudsim.World, faults cloudsim.Faults, opts Options) simRun {
	t.Helper()
	s := cloudsim.NewServer(w, cloudsim.WithClock(func() time.Time { return simNow }), cloudsim.WithFaults(faults))
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if opts.Credentials == nil {
		id, secret := s.Credentials()
		opts.Credentials = credentials.NewStaticCredentialsProvider(id, secret, "")
	}
	opts.EndpointURL = url
	opts.Now = func() time.Time { return simNow }
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	err = c.Collect(ctx, rec)
	return simRun{rec: rec, stats: s.Stats(), err: err, elapsed: time.Since(start)}
}

func loadWorld(t testing.TB, name string) *cloudsim.World {
	t.Helper()
	w, err := cloudsim.LoadWorld("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// orgOptions scans the test organization through its audit role.
func orgOptions() Options {
	return Options{Org: true, Role: "ParapetAudit", MaxBackoff: 2 * time.Second}
}

// baseline is the organization collected without faults, shared by the
// tests that compare against it.
var (
	baselineOnce sync.Once
	baselineRun  simRun
)

func baseline(t *testing.T) simRun {
	baselineOnce.Do(func() { baselineRun = simulate(t, loadWorld(t, "org.yaml"), cloudsim.Faults{}, orgOptions()) })
	if baselineRun.err != nil {
		t.Fatalf("Collect: %v", baselineRun.err)
	}
	return baselineRun
}

// sameStrings fails the test when got and want differ as sets with
// multiplicity, listing what is missing and what is extra.
func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if slices.Equal(got, want) {
		return
	}
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	for k, n := range count {
		switch {
		case n > 0:
			t.Errorf("%s: unexpected %q (x%d)", what, k, n)
		case n < 0:
			t.Errorf("%s: missing %q (x%d)", what, k, -n)
		}
	}
}
