package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// clock is a test clock moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

var volumesCovered = collect.Coverage{Provider: "aws", Account: "111111111111", Region: "us-east-1", ResourceTypes: []string{awsshape.TypeVolume}}

func vol2Finding(t *testing.T, st store.Store) finding.Finding {
	t.Helper()
	f, err := st.GetFinding(context.Background(), finding.Fingerprint("test-volume-encrypted", volume("vol-2", false).UID))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every scan reconciles its results into findings: a fix resolves, a
// relapse reopens, a deletion inside a listed scope resolves, and a scan
// that did not look at a finding leaves it alone.
func TestScanReconcilesFindings(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	e := testEngine(t)
	clk := &clock{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	scan := func(col *fakeCollector) *Outcome {
		t.Helper()
		clk.advance(24 * time.Hour)
		out, err := Scan(ctx, Options{Collector: col, Engine: e, Store: st, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		if out.Findings == nil {
			t.Fatal("no reconcile summary")
		}
		sc, err := st.GetScan(ctx, out.Scan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Summary.Findings == nil || *sc.Summary.Findings != *out.Findings {
			t.Errorf("stored summary %+v, outcome %+v", sc.Summary.Findings, out.Findings)
		}
		return out
	}
	for i, step := range []struct {
		name  string
		col   *fakeCollector
		want  finding.ReconcileSummary
		state finding.State
	}{
		{"first sight", &fakeCollector{assets: []asset.Asset{volume("vol-1", true), volume("vol-2", false)}, covered: []collect.Coverage{volumesCovered}},
			finding.ReconcileSummary{Evaluated: 1, Opened: 1}, finding.StateOpen},
		{"fixed", &fakeCollector{assets: []asset.Asset{volume("vol-1", true), volume("vol-2", true)}, covered: []collect.Coverage{volumesCovered}},
			finding.ReconcileSummary{Evaluated: 1, Resolved: 1}, finding.StateResolved},
		{"broken again", &fakeCollector{assets: []asset.Asset{volume("vol-1", true), volume("vol-2", false)}, covered: []collect.Coverage{volumesCovered}},
			finding.ReconcileSummary{Evaluated: 1, Reopened: 1}, finding.StateOpen},
		// vol-2's listing failed: no coverage for it, so it is not deleted.
		{"not listed", &fakeCollector{assets: []asset.Asset{volume("vol-1", true)},
			diags: []collect.Diagnostic{{Provider: "aws", Account: "111111111111", Region: "us-east-1", Action: "ec2:DescribeVolumes",
				Code: "AccessDenied", Message: "denied", ResourceTypes: []string{awsshape.TypeVolume}}}},
			finding.ReconcileSummary{}, finding.StateOpen},
		{"deleted", &fakeCollector{assets: []asset.Asset{volume("vol-1", true)}, covered: []collect.Coverage{volumesCovered}},
			finding.ReconcileSummary{Resolved: 1, DeletedAssets: 1}, finding.StateResolved},
	} {
		out := scan(step.col)
		if *out.Findings != step.want {
			t.Errorf("scan %d (%s): %+v, want %+v", i+1, step.name, *out.Findings, step.want)
		}
		if f := vol2Finding(t, st); f.Status != step.state {
			t.Errorf("scan %d (%s): finding %s, want %s", i+1, step.name, f.Status, step.state)
		}
	}
	f := vol2Finding(t, st)
	if f.ReopenCount != 1 || f.ResolvedReason != finding.ReasonDeleted {
		t.Errorf("finding after the deletion: %+v", f)
	}
	events, err := st.Events(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	want := []string{"finding.opened", "finding.resolved", "finding.reopened", "finding.resolved"}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Errorf("event %d: %s, want %s", i, types[i], want[i])
		}
	}
}

// A result the collector could not fully read is ERROR: it never
// resolves the finding, and is recorded in its history.
func TestErrorDoesNotResolve(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	e := testEngine(t)
	clk := &clock{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{volume("vol-2", false)}}, Engine: e, Store: st, Now: clk.now}); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	unreadable := volume("vol-2", true)
	unreadable.Errors = []asset.FieldError{{Path: "Encrypted", Action: "ec2:DescribeVolumes", Code: "AccessDenied", Message: "denied"}}
	out, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{unreadable}}, Engine: e, Store: st, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 1 || out.Results[0].Status != finding.Error {
		t.Fatalf("results %+v, want one ERROR", out.Results)
	}
	if *out.Findings != (finding.ReconcileSummary{Evaluated: 1}) {
		t.Errorf("summary %+v", *out.Findings)
	}
	f := vol2Finding(t, st)
	if f.Status != finding.StateOpen || f.LastStatus != finding.Error {
		t.Errorf("finding after an ERROR: %+v", f)
	}
	h, err := st.FindingHistory(ctx, f.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[1].Status != finding.Error || h[1].Transition != finding.NoChange || h[1].Message == "" {
		t.Errorf("history %+v", h)
	}
}

// Without a store the scan evaluates only.
func TestScanWithoutStore(t *testing.T) {
	out, err := Scan(context.Background(), Options{
		Collector: &fakeCollector{assets: []asset.Asset{volume("vol-1", true), volume("vol-2", false)}, covered: []collect.Coverage{volumesCovered}},
		Engine:    testEngine(t), Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 2 || out.Assets != 2 || out.Findings != nil || out.Scan.ID == "" || out.Scan.Status != store.ScanCompleted {
		t.Errorf("outcome %+v", out)
	}
	if out.Scan.Summary.Fail != 1 || len(out.Coverage) != 1 {
		t.Errorf("summary %+v, coverage %v", out.Scan.Summary, out.Coverage)
	}
}

// devOnly accepts the volume check on assets tagged env=dev.
type devOnly struct{ seen time.Time }

func (d *devOnly) Suppress(r *finding.Result, tags map[string]string, now time.Time) (string, bool) {
	d.seen = now
	if r.CheckID == "test-volume-encrypted" && tags["env"] == "dev" {
		return "EXC-DEV", true
	}
	return "", false
}

func TestSuppressorMarksResults(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dev := volume("vol-3", false)
	dev.Tags = map[string]string{"env": "dev"}
	sup := &devOnly{}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{volume("vol-2", false), dev}}, Engine: testEngine(t),
		Store: st, Suppressor: sup, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]finding.Result{}
	for _, r := range out.Results {
		got[r.AssetName] = r
	}
	if got["vol-2"].Status != finding.Fail || got["vol-3"].Status != finding.Suppressed || got["vol-3"].ExceptionID != "EXC-DEV" {
		t.Errorf("results %+v", out.Results)
	}
	if !sup.seen.Equal(now) {
		t.Errorf("suppressor asked at %s, want the scan's time %s", sup.seen, now)
	}
	if *out.Findings != (finding.ReconcileSummary{Evaluated: 2, Opened: 1, Suppressed: 1}) || out.Scan.Summary.Suppressed != 1 || out.Scan.Summary.Fail != 1 {
		t.Errorf("findings %+v, summary %+v", *out.Findings, out.Scan.Summary)
	}
	f, err := st.GetFinding(ctx, finding.Fingerprint("test-volume-encrypted", dev.UID))
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != finding.StateSuppressed || f.ExceptionID != "EXC-DEV" {
		t.Errorf("suppressed finding %+v", f)
	}
	stored, err := st.Results(ctx, store.ResultFilter{ScanID: out.Scan.ID, Statuses: []finding.Status{finding.Suppressed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ExceptionID != "EXC-DEV" {
		t.Errorf("stored suppressed results %+v", stored)
	}
}

// A cancelled scan moves no finding.
func TestCancelledScanDoesNotReconcile(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	col := &cancelling{fakeCollector: fakeCollector{assets: []asset.Asset{volume("vol-2", false)}}, cancel: cancel}
	out, err := Scan(ctx, Options{Collector: col, Engine: testEngine(t), Store: st})
	if err == nil {
		t.Fatal("want an error from a cancelled scan")
	}
	if out != nil && out.Findings != nil {
		t.Errorf("a cancelled scan reconciled: %+v", out.Findings)
	}
	if _, err := st.GetFinding(context.Background(), finding.Fingerprint("test-volume-encrypted", volume("vol-2", false).UID)); err == nil {
		t.Error("a cancelled scan opened a finding")
	}
}

type cancelling struct {
	fakeCollector
	cancel func()
}

func (c *cancelling) Collect(ctx context.Context, s collect.Sink) error {
	_ = c.fakeCollector.Collect(ctx, s)
	c.cancel()
	return ctx.Err()
}
