package storetest

import (
	"context"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// Pruning drops old scans, results, ended versions, deleted assets and
// events, and nothing a finding's record needs: its opening (derived from
// a pruned result until then), transitions, figures and change report
// read the same after.
func testPrune(t *testing.T, s store.Store) {
	ctx := context.Background()
	const acct, bucket = "111111111111", "aws.s3.bucket"
	a1 := mkAsset(t, "arn:a", acct, "us-east-1", bucket, 1, day(0))
	b := mkAsset(t, "arn:b", acct, "us-east-1", bucket, 1, day(0))
	s1 := newScan(t, s, "aws", day(0))
	must(t, s.PutAssets(ctx, s1.ID, []asset.Asset{a1, b}))
	must(t, s.PutResults(ctx, s1.ID, []finding.Result{
		mkResult("c1", a1.UID, acct, finding.Fail, "high", day(0)),
		suppressed(mkResult("c2", a1.UID, acct, finding.Fail, "low", day(0)), "EXC-1"),
		mkResult("c1", b.UID, acct, finding.Fail, "high", day(0)),
	}))
	reconcile(t, s, s1, day(0))
	// Day 1: a changes, b is gone.
	s2 := newScan(t, s, "aws", day(1))
	a2 := mkAsset(t, a1.UID, acct, "us-east-1", bucket, 2, day(1))
	must(t, s.PutAssets(ctx, s2.ID, []asset.Asset{a2}))
	must(t, s.PutResults(ctx, s2.ID, []finding.Result{mkResult("c1", a1.UID, acct, finding.Fail, "high", day(1))}))
	reconcile(t, s, s2, day(1), collect.Coverage{Provider: "aws", Account: acct, Region: "us-east-1", ResourceTypes: []string{bucket}})
	// Day 3: a is fixed. An azure scan of day 0 is its provider's latest.
	s3 := newScan(t, s, "aws", day(3))
	a3 := a2
	a3.CollectedAt = day(3)
	must(t, s.PutAssets(ctx, s3.ID, []asset.Asset{a3}))
	must(t, s.PutResults(ctx, s3.ID, []finding.Result{mkResult("c1", a1.UID, acct, finding.Pass, "high", day(3))}))
	reconcile(t, s, s3, day(3))
	other := newScan(t, s, "azure", day(0))

	fpA, fpA2, fpB := finding.Fingerprint("c1", a1.UID), finding.Fingerprint("c2", a1.UID), finding.Fingerprint("c1", b.UID)
	type record struct {
		history map[string][]finding.HistoryEntry
		stats   store.FindingStats
		changes []store.FindingChange
	}
	read := func() record {
		t.Helper()
		r := record{history: map[string][]finding.HistoryEntry{}}
		for _, fp := range []string{fpA, fpA2, fpB} {
			h, err := s.FindingHistory(ctx, fp)
			must(t, err)
			r.history[fp] = h
		}
		var err error
		r.stats, err = s.FindingStats(ctx, store.StatsQuery{Now: day(3), Days: 4})
		must(t, err)
		r.changes, err = s.FindingChanges(ctx, "", s3.ID)
		must(t, err)
		return r
	}
	beforeRec := read()
	eventsBefore := allEvents(t, s)

	want := store.PruneSummary{Scans: 2, Results: 4, AssetVersions: 2, Assets: 1}
	for _, e := range eventsBefore {
		if e.Time.Before(day(2)) {
			want.Events++
		}
	}
	dry, err := s.Prune(ctx, store.PruneRequest{Before: day(2), DryRun: true})
	must(t, err)
	equal(t, "dry run", dry, want)
	if _, err := s.GetScan(ctx, s1.ID); err != nil {
		t.Errorf("a dry run deleted scan 1: %v", err)
	}

	got, err := s.Prune(ctx, store.PruneRequest{Before: day(2)})
	must(t, err)
	equal(t, "prune", got, want)

	for _, id := range []string{s1.ID, s2.ID} {
		_, err := s.GetScan(ctx, id)
		wantErrIs(t, "pruned scan", err, store.ErrNotFound)
		rs, err := s.Results(ctx, store.ResultFilter{ScanID: id})
		must(t, err)
		if len(rs) != 0 {
			t.Errorf("%d results of a pruned scan", len(rs))
		}
	}
	for _, id := range []string{s3.ID, other.ID} {
		if _, err := s.GetScan(ctx, id); err != nil {
			t.Errorf("kept scan %s: %v", id, err)
		}
	}
	_, err = s.GetAsset(ctx, b.UID)
	wantErrIs(t, "asset deleted before the cutoff", err, store.ErrNotFound)
	vs, err := s.AssetVersions(ctx, a1.UID)
	must(t, err)
	if len(vs) != 1 || vs[0].FirstScanID != s2.ID || vs[0].LastScanID != s3.ID {
		t.Errorf("versions of a after the prune: %+v", vs)
	}
	cur, err := s.GetAsset(ctx, a1.UID)
	must(t, err)
	equal(t, "current asset", cur.Config, a3.Config)
	for _, e := range allEvents(t, s) {
		if e.Time.Before(day(2)) {
			t.Errorf("event %d of %s kept", e.ID, e.Time)
		}
	}

	afterRec := read()
	equal(t, "stats after the prune", afterRec.stats, beforeRec.stats)
	equal(t, "changes after the prune", afterRec.changes, beforeRec.changes)
	// Histories keep every transition; evaluations that made none go
	// with their results.
	for fp, h := range beforeRec.history {
		var transitions []finding.HistoryEntry
		for _, e := range h {
			if e.Transition != finding.NoChange {
				transitions = append(transitions, e)
			}
		}
		equal(t, "history of "+fp, afterRec.history[fp], transitions)
	}
	if h := afterRec.history[fpA2]; len(h) != 1 || h[0].Transition != finding.NewlySuppressed || h[0].ExceptionID != "EXC-1" {
		t.Errorf("suppressed opening after the prune: %+v", h)
	}

	again, err := s.Prune(ctx, store.PruneRequest{Before: day(2)})
	must(t, err)
	equal(t, "second prune", again, store.PruneSummary{})
	if _, err := s.Prune(ctx, store.PruneRequest{}); err == nil {
		t.Error("a prune without a cutoff was accepted")
	}
}
