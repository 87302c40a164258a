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
