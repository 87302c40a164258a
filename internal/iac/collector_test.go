package iac_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/iac"
)

// fakeLoader stands for a framework: it returns fixed assets and
// diagnostics and recognises files by extension.
type fakeLoader struct {
	name   string
	ext    string
	result iac.Result
}

func (l *fakeLoader) Framework() string { return l.name }
func (l *fakeLoader) Detect(path string, _ []byte) bool {
	return filepath.Ext(path) == l.ext
}
func (l *fakeLoader) Load(context.Context, string) (*iac.Result, error) { return &l.result, nil }

type sink struct {
	mu     sync.Mutex
	assets []asset.Asset
	diags  []collect.Diagnostic
}

func (s *sink) Asset(a asset.Asset) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assets = append(s.assets, a)
}
func (s *sink) Diagnostic(d collect.Diagnostic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.diags = append(s.diags, d)
}
func (s *sink) Progress(int, int)        {}
func (s *sink) Covered(collect.Coverage) {}

func suppression(check, reason, resource string) asset.Asset {
	cfg, _ := asset.ToConfig(codeshape.Suppression{CheckID: check, Reason: reason, Resource: resource})
	return asset.Asset{UID: "sup-" + check, Type: codeshape.TypeSuppression, Config: cfg}
}

func TestCollector(t *testing.T) {
	dir := t.TempDir()
	tf := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(tf, []byte("# empty"), 0o644); err != nil {
		t.Fatal(err)
	}
	bucket := asset.Asset{UID: "terraform:.#aws_s3_bucket.a", Type: "aws.s3.bucket"}
	tfl := &fakeLoader{name: "terraform", ext: ".tf", result: iac.Result{
		// The resource comes before its suppression: Collect must still
		// know the suppression by the time the resource is evaluated.
		Assets: []asset.Asset{bucket,
			suppression("aws-s3-bucket-versioning", "logs are write-once", bucket.UID),
			suppression("aws-s3-bucket-access-logging", "", bucket.UID)},
		Diagnostics: []iac.Diagnostic{{File: "broken.tf", Line: 3, Severity: iac.SevError, Message: "syntax"},
			{File: "mod.tf", Severity: iac.SevWarning, Message: "missing module"}},
	}}
	cfn := &fakeLoader{name: "cloudformation", ext: ".yaml", result: iac.Result{Assets: []asset.Asset{{UID: "cloudformation:t.yaml#B", Type: "aws.s3.bucket"}}}}

	t.Run("directory is read by every loader", func(t *testing.T) {
		c := &iac.Collector{Path: dir, Loaders: []iac.Loader{tfl, cfn}}
		var s sink
		if err := c.Collect(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
		if len(s.assets) != 4 || len(s.diags) != 2 || c.Errors() != 1 {
			t.Fatalf("%d assets, %d diagnostics, %d errors; want 4, 2, 1", len(s.assets), len(s.diags), c.Errors())
		}
		if s.diags[0].Resource != "broken.tf:3" {
			t.Errorf("diagnostic located at %q", s.diags[0].Resource)
		}
		fail := func(check string) *finding.Result {
			return &finding.Result{CheckID: check, AssetUID: bucket.UID, Status: finding.Fail}
		}
		if id, ok := c.Suppress(fail("aws-s3-bucket-versioning"), nil, time.Now()); !ok || id != "inline: logs are write-once" {
			t.Errorf("suppression with a reason: %q %v", id, ok)
		}
		if _, ok := c.Suppress(fail("aws-s3-bucket-access-logging"), nil, time.Now()); ok {
			t.Error("a suppression without a reason suppressed a failure")
		}
		if _, ok := c.Suppress(fail("aws-s3-bucket-default-encryption"), nil, time.Now()); ok {
			t.Error("a check nobody suppressed was suppressed")
		}
	})
	t.Run("file is read by the loader that recognises it", func(t *testing.T) {
		c := &iac.Collector{Path: tf, Loaders: []iac.Loader{cfn, tfl}}
		var s sink
		if err := c.Collect(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
		if len(s.assets) != 3 {
			t.Fatalf("%d assets, want the terraform loader's 3", len(s.assets))
		}
	})
	t.Run("unrecognised file", func(t *testing.T) {
		other := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(other, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		c := &iac.Collector{Path: other, Loaders: []iac.Loader{cfn, tfl}}
		if err := c.Collect(context.Background(), &sink{}); err == nil {
			t.Fatal("want an error for a file no framework recognises")
		}
	})
	t.Run("missing path", func(t *testing.T) {
		c := &iac.Collector{Path: filepath.Join(dir, "nope"), Loaders: []iac.Loader{tfl}}
		if err := c.Collect(context.Background(), &sink{}); err == nil {
			t.Fatal("want an error for a missing path")
		}
	})
}
