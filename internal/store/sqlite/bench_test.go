package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

const benchN = 100_000

// cpuClock measures the process's CPU time (user and system, all threads)
// over the timed parts of a benchmark: on a machine shared with other
// work, wall time says more about the neighbours than about the store.
type cpuClock struct {
	start time.Duration
	total time.Duration
}

func (c *cpuClock) begin() { c.start = processCPU() }
func (c *cpuClock) end()   { c.total += processCPU() - c.start }

func (c *cpuClock) report(b *testing.B) {
	b.ReportMetric(c.total.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(benchN*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchBucket is a Config of modest size (about 400 bytes of JSON).
type benchBucket struct {
	Versioning        string            `json:"Versioning"`
	MFADelete         bool              `json:"MFADelete"`
	Encryption        []benchRule       `json:"Encryption"`
	PublicAccessBlock map[string]bool   `json:"PublicAccessBlock"`
	Logging           map[string]string `json:"Logging"`
	Lifecycle         []benchRule       `json:"Lifecycle"`
	ObjectLockDays    int               `json:"ObjectLockDays"`
}

type benchRule struct {
	ID     string `json:"ID"`
	Status string `json:"Status"`
	Days   int    `json:"Days"`
}

func benchAssets(b *testing.B, n int, prefix string, collected time.Time) []asset.Asset {
	b.Helper()
	out := make([]asset.Asset, n)
	for i := range out {
		cfg, err := asset.ToConfig(benchBucket{
			Versioning: "Enabled", Encryption: []benchRule{{ID: "sse", Status: "aws:kms", Days: 0}},
			PublicAccessBlock: map[string]bool{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": i%7 != 0},
			Logging:           map[string]string{"TargetBucket": "logs", "TargetPrefix": fmt.Sprintf("b%d/", i)},
			Lifecycle:         []benchRule{{ID: "expire", Status: "Enabled", Days: 30 + i%300}, {ID: "ia", Status: "Enabled", Days: 90}},
			ObjectLockDays:    i % 365,
		})
		if err != nil {
			b.Fatal(err)
		}
		a := asset.Asset{
			UID:      fmt.Sprintf("arn:aws:s3:::%s-bucket-%06d", prefix, i),
			Provider: "aws", Account: fmt.Sprintf("%012d", 100000000000+i%20), Region: "us-east-1",
			Type: "aws.s3.bucket", Name: fmt.Sprintf("%s-bucket-%06d", prefix, i),
			Tags:   map[string]string{"env": "prod", "team": fmt.Sprintf("t%d", i%50)},
			Config: cfg, Source: asset.Source{Kind: asset.SourceAPI}, CollectedAt: collected,
		}
		a.Hash = a.ComputeHash()
		out[i] = a
	}
	return out
}

func benchResults() []finding.Result {
	out := make([]finding.Result, benchN)
	now := time.Now()
	for i := range out {
		st := finding.Pass
		if i%5 == 0 {
			st = finding.Fail
		}
		out[i] = finding.Result{
			CheckID: fmt.Sprintf("aws-s3-%03d", i%20), Severity: "high",
			AssetUID: fmt.Sprintf("arn:aws:s3:::bucket-%06d", i/20), AssetType: "aws.s3.bucket",
			AssetName: fmt.Sprintf("bucket-%06d", i/20), Provider: "aws", Account: "111111111111", Region: "us-east-1",
			Status:      st,
			Evidence:    map[string]any{"config.PublicAccessBlock.RestrictPublicBuckets": i%5 != 0, "config.ObjectLockDays": int64(i % 365)},
			EvaluatedAt: now,
		}
	}
	return out
}

func benchScan(b *testing.B, s *Store) string {
	b.Helper()
	now := time.Now()
	id := store.NewScanID(now)
	if err := s.CreateScan(context.Background(), store.Scan{ID: id, Provider: "aws", StartedAt: now}); err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkPutResults100k writes one scan's 100,000 results in one batch.
func BenchmarkPutResults100k(b *testing.B) {
	s, _ := openTemp(b)
	defer s.Close()
	rs := benchResults()
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		id := benchScan(b, s)
		b.StartTimer()
		cpu.begin()
		if err := s.PutResults(context.Background(), id, rs); err != nil {
			b.Fatal(err)
		}
		cpu.end()
	}
	cpu.report(b)
}

// BenchmarkPutAssets100k writes 100,000 assets never seen before (each
// adds a version) in one batch, into an empty database.
func BenchmarkPutAssets100k(b *testing.B) {
	as := benchAssets(b, benchN, "new", time.Now())
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		s, _ := openTemp(b)
		id := benchScan(b, s)
		b.StartTimer()
		cpu.begin()
		if err := s.PutAssets(context.Background(), id, as); err != nil {
			b.Fatal(err)
		}
		cpu.end()
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	cpu.report(b)
}

// BenchmarkPutAssets100kUnchanged is the steady state of a rescan: the
// same 100,000 assets again, so no versions are added.
func BenchmarkPutAssets100kUnchanged(b *testing.B) {
	s, _ := openTemp(b)
	defer s.Close()
	as := benchAssets(b, benchN, "same", time.Now())
	if err := s.PutAssets(context.Background(), benchScan(b, s), as); err != nil {
		b.Fatal(err)
	}
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		id := benchScan(b, s)
		b.StartTimer()
		cpu.begin()
		if err := s.PutAssets(context.Background(), id, as); err != nil {
			b.Fatal(err)
		}
		cpu.end()
	}
	cpu.report(b)
}

// reconcileResults are 100,000 results of 20 checks on 5,000 assets;
// fail(i) decides which fail.
func reconcileResults(at time.Time, fail func(i int) bool) []finding.Result {
	out := make([]finding.Result, benchN)
	for i := range out {
		st := finding.Pass
		if fail(i) {
			st = finding.Fail
		}
		out[i] = finding.Result{
			CheckID: fmt.Sprintf("aws-s3-%03d", i%20), Severity: []string{"critical", "high", "medium", "low"}[i%4],
			AssetUID: fmt.Sprintf("arn:aws:s3:::bucket-%06d", i/20), AssetType: "aws.s3.bucket",
			AssetName: fmt.Sprintf("bucket-%06d", i/20), Provider: "aws", Account: fmt.Sprintf("%012d", 100000000000+i%20),
			Region: "us-east-1", Status: st, EvaluatedAt: at,
		}
	}
	return out
}

func benchScanAt(b *testing.B, s *Store, at time.Time) string {
	b.Helper()
	id := store.NewScanID(at)
	if err := s.CreateScan(context.Background(), store.Scan{ID: id, Provider: "aws", StartedAt: at}); err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkReconcile100kNew folds 100,000 failing results into an empty
// database: 100,000 findings opened, with their history and events.
func BenchmarkReconcile100kNew(b *testing.B) {
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rs := reconcileResults(at, func(int) bool { return true })
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		s, _ := openTemp(b)
		id := benchScanAt(b, s, at)
		if err := s.PutResults(ctx, id, rs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu.begin()
		sum, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: id, At: at})
		cpu.end()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Opened != benchN {
			b.Fatalf("opened %d", sum.Opened)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	cpu.report(b)
}

// BenchmarkReconcile100kRescan is the steady state: 100,000 results on
// 100,000 existing findings, a share of them changing state each scan
// (resolved, or reopened the next time).
func BenchmarkReconcile100kRescan(b *testing.B) {
	for _, every := range []int{10, 100} {
		b.Run(fmt.Sprintf("changes=%d%%", 100/every), func(b *testing.B) { benchRescan(b, every) })
	}
}

func benchRescan(b *testing.B, every int) {
	ctx := context.Background()
	s, _ := openTemp(b)
	defer s.Close()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	id := benchScanAt(b, s, at)
	if err := s.PutResults(ctx, id, reconcileResults(at, func(int) bool { return true })); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: id, At: at}); err != nil {
		b.Fatal(err)
	}
	var cpu cpuClock
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		at = at.Add(time.Hour)
		k := n
		rs := reconcileResults(at, func(i int) bool { return (i+k)%every != 0 })
		id := benchScanAt(b, s, at)
		if err := s.PutResults(ctx, id, rs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu.begin()
		sum, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: id, At: at})
		cpu.end()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Evaluated != benchN || sum.Resolved == 0 {
			b.Fatalf("summary %+v", sum)
		}
	}
	cpu.report(b)
}

// BenchmarkPrune100k prunes a day-old scan of 100,000 assets and results
// that opened 100,000 findings, a newer scan having changed every asset:
// 100,000 results, versions and events go, and 100,000 openings are kept
// as history rows.
func BenchmarkPrune100k(b *testing.B) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var cpu cpuClock
	for b.Loop() {
		b.StopTimer()
		s, _ := openTemp(b)
		for day, fail := range []bool{true, false} {
			at := t0.AddDate(0, 0, day)
			id := benchScanAt(b, s, at)
			as := benchAssets(b, benchN, "p", at)
			for i := range as {
				as[i].Tags = map[string]string{"day": fmt.Sprint(day)}
				as[i].Hash = as[i].ComputeHash()
			}
			if err := s.PutAssets(ctx, id, as); err != nil {
				b.Fatal(err)
			}
			if err := s.PutResults(ctx, id, reconcileResults(at, func(int) bool { return fail })); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: id, At: at}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		cpu.begin()
		sum, err := s.Prune(ctx, store.PruneRequest{Before: t0.Add(12 * time.Hour)})
		cpu.end()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Results != benchN || sum.AssetVersions != benchN || sum.Events != benchN {
			b.Fatalf("pruned %+v", sum)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	cpu.report(b)
}
