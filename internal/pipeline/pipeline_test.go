package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
	"github.com/parapet-dev/parapet/internal/store/sqlite"
)

// fakeCollector replays what a real collector would report.
type fakeCollector struct {
	assets  []asset.Asset
	diags   []collect.Diagnostic
	covered []collect.Coverage
	err     error
}

func (f *fakeCollector) Provider() string { return "aws" }

func (f *fakeCollector) Collect(ctx context.Context, s collect.Sink) error {
	s.Progress(len(f.assets), 0)
	for _, a := range f.assets {
		s.Asset(a)
		s.Progress(0, 1)
	}
	for _, d := range f.diags {
		s.Diagnostic(d)
	}
	for _, c := range f.covered {
		s.Covered(c)
	}
	return f.err
}

func volume(id string, encrypted bool) asset.Asset {
	cfg, err := asset.ToConfig(awsshape.Volume{VolumeId: id, Encrypted: encrypted, State: "available"})
	if err != nil {
		panic(err)
	}
	return asset.Asset{UID: "arn:aws:ec2:us-east-1:111111111111:volume/" + id, Provider: "aws", Account: "111111111111",
		Region: "us-east-1", Type: awsshape.TypeVolume, Name: id, Config: cfg, Source: asset.Source{Kind: asset.SourceAPI}}
}

func testEngine(t *testing.T) *engine.Engine {
	t.Helper()
	c, err := check.Parse("volume.yaml", []byte(`id: test-volume-encrypted
title: Volume is encrypted
severity: medium
resource: aws.ec2.volume
assert: resource.config.Encrypted
description: d
risk: r
remediation:
  text: t
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New([]*check.Check{c})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestScanEvaluatesStoresAndReports(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	col := &fakeCollector{
		assets: []asset.Asset{volume("vol-1", true), volume("vol-2", false), volume("vol-2", false)},
		diags: []collect.Diagnostic{
			{Provider: "aws", Account: "111111111111", Region: "eu-west-1", Action: "ec2:DescribeVolumes", Code: "AccessDenied", Message: "denied", ResourceTypes: []string{awsshape.TypeVolume}},
			// The same gap reported twice gives one ERROR result.
			{Provider: "aws", Account: "111111111111", Region: "eu-west-1", Action: "ec2:DescribeVolumes", Code: "Throttling", Message: "slow", ResourceTypes: []string{awsshape.TypeVolume}},
		},
	}
	var planned, done int
	out, err := Scan(ctx, Options{Collector: col, Engine: testEngine(t), Store: st, Now: func() time.Time { return now },
		BatchSize: 1, Progress: func(p, d int) { planned += p; done += d }})
	if err != nil {
		t.Fatal(err)
	}
	if out.Assets != 2 || len(out.Results) != 3 || len(out.Diagnostics) != 2 {
		t.Fatalf("assets %d results %d diagnostics %d, want 2, 3, 2", out.Assets, len(out.Results), len(out.Diagnostics))
	}
	if planned != 3 || done != 3 {
		t.Errorf("progress %d/%d, want 3/3", done, planned)
	}
	want := map[string]finding.Status{
		"arn:aws:ec2:us-east-1:111111111111:volume/vol-1": finding.Pass,
		"arn:aws:ec2:us-east-1:111111111111:volume/vol-2": finding.Fail,
		"aws:111111111111:eu-west-1:aws.ec2.volume:*":     finding.Error,
	}
	stored, err := st.Results(ctx, store.ResultFilter{ScanID: out.Scan.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(want) {
		t.Fatalf("%d results stored, want %d", len(stored), len(want))
	}
	for _, r := range stored {
		if want[r.AssetUID] != r.Status {
			t.Errorf("%s: stored %s, want %s", r.AssetUID, r.Status, want[r.AssetUID])
		}
		if !r.EvaluatedAt.Equal(now) {
			t.Errorf("%s evaluated at %s, want the scan start %s", r.AssetUID, r.EvaluatedAt, now)
		}
	}
	sc, err := st.GetScan(ctx, out.Scan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Status != store.ScanCompleted || len(sc.Diagnostics) != 2 || sc.Summary.Fail != 1 || sc.Summary.Error != 1 || sc.Summary.Assets != 2 {
		t.Errorf("scan row %+v", sc)
	}
	if _, err := st.GetAsset(ctx, "arn:aws:ec2:us-east-1:111111111111:volume/vol-2"); err != nil {
		t.Errorf("asset not stored: %v", err)
	}
}

// A collector that could not read anything makes every check ERROR, and
// the scan is recorded as failed.
func TestCollectorFailureIsErrorNotClean(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	out, err := Scan(ctx, Options{Collector: &fakeCollector{err: errors.New("AWS is unreachable")}, Engine: testEngine(t), Store: st})
	if err == nil {
		t.Fatal("want an error")
	}
	if out == nil || len(out.Results) != 1 || out.Results[0].Status != finding.Error {
		t.Fatalf("want one ERROR result, got %+v", out)
	}
	sc, err := st.GetScan(ctx, out.Scan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Status != store.ScanFailed {
		t.Errorf("scan status %s, want failed", sc.Status)
	}
}

func TestScanNeedsItsParts(t *testing.T) {
	if _, err := Scan(context.Background(), Options{}); err == nil {
		t.Fatal("want an error without collector and engine")
	}
}
