// Package storetest is the behaviour every store.Store backend must show.
// A backend's tests call Run with a function that opens an empty store.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// Opener returns a new, empty store. Run closes it when the subtest ends;
// the opener cleans up anything else (files, schemas) with t.Cleanup.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite, one subtest per behaviour, each on a fresh store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ScanLifecycle", testScanLifecycle},
		{"ScanValidation", testScanValidation},
		{"ListScans", testListScans},
		{"Diagnostics", testDiagnostics},
		{"AssetRoundTrip", testAssetRoundTrip},
		{"AssetVersions", testAssetVersions},
		{"AssetFilters", testAssetFilters},
		{"AssetValidation", testAssetValidation},
		{"ResultRoundTrip", testResultRoundTrip},
		{"ResultFilters", testResultFilters},
		{"ResultValidation", testResultValidation},
		{"IdempotentRePut", testIdempotent},
		{"LargeBatches", testLargeBatches},
		{"Concurrency", testConcurrency},
		{"NotFound", testNotFound},
		{"UnicodeAndLarge", testUnicodeAndLarge},
		{"TimePrecision", testTimePrecision},
		{"CanceledContext", testCanceled},
		{"SuppressedResults", testSuppressedResults},
		{"ReconcileLifecycle", testReconcileLifecycle},
		{"ReconcileIdempotent", testReconcileIdempotent},
		{"ReconcileStaleScan", testReconcileStale},
		{"ReconcileValidation", testReconcileValidation},
		{"DeletedAssets", testDeletedAssets},
		{"ReopenSuppressed", testReopenSuppressed},
		{"CoverFindings", testCoverFindings},
		{"Prune", testPrune},
		{"FindingFilters", testFindingFilters},
		{"FindingStats", testFindingStats},
		{"AssetChanges", testAssetChanges},
		{"Events", testEvents},
		{"FindingsNotFound", testFindingsNotFound},
		{"ReconcileLarge", testReconcileLarge},
		{"ExceptionRoundTrip", testExceptionRoundTrip},
		{"ExceptionConflicts", testExceptionConflicts},
		{"ExceptionFilters", testExceptionFilters},
		{"ExceptionValidation", testExceptionValidation},
		{"FindingsByException", testFindingsByException},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// t0 is a fixed start for test times; times are whole microseconds because
// that is the precision a store keeps.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// equal fails the test when got and want differ, showing both as JSON.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s differs\n got: %s\nwant: %s", what, g, w)
	}
}

func wantErrIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

func newScan(t *testing.T, s store.Store, provider string, started time.Time) store.Scan {
	t.Helper()
	sc := store.Scan{ID: store.NewScanID(started), Provider: provider, StartedAt: started, Status: store.ScanRunning}
	must(t, s.CreateScan(context.Background(), sc))
	return sc
}

// config builds a Config document the way collectors do.
func config(t *testing.T, v any) map[string]any {
	t.Helper()
	c, err := asset.ToConfig(v)
	must(t, err)
	return c
}

type bucketShape struct {
	Versioning  bool              `json:"Versioning"`
	Retention   int               `json:"RetentionDays"`
	Ratio       float64           `json:"Ratio"`
	Grants      []grantShape      `json:"Grants"`
	Labels      map[string]string `json:"Labels"`
	Description string            `json:"Description"`
}

type grantShape struct {
	Grantee    string `json:"Grantee"`
	Permission string `json:"Permission"`
}

func mkAsset(t *testing.T, uid, account, region, typ string, retention int, collected time.Time) asset.Asset {
	t.Helper()
	a := asset.Asset{
		UID: uid, Provider: "aws", Account: account, Region: region, Type: typ,
		Name:   uid[strings.LastIndexByte(uid, ':')+1:],
		Tags:   map[string]string{"env": "prod"},
		Config: config(t, bucketShape{Versioning: true, Retention: retention, Ratio: 0.25}),
		Source: asset.Source{Kind: asset.SourceAPI}, CollectedAt: collected,
	}
	a.Hash = a.ComputeHash()
	return a
}

func mkResult(check, uid, account string, st finding.Status, sev string, evaluated time.Time) finding.Result {
	return finding.Result{
		CheckID: check, Severity: sev, AssetUID: uid, AssetType: "aws.s3.bucket",
		AssetName: uid[strings.LastIndexByte(uid, ':')+1:], Provider: "aws", Account: account,
		Region: "us-east-1", Status: st, EvaluatedAt: evaluated,
	}
}

func testScanLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := store.Scan{
		ID: store.NewScanID(t0), Provider: "aws", StartedAt: t0,
		Scope: store.Scope{
			Accounts: []string{"111111111111", "222222222222"},
			Regions:  []string{"us-east-1", "eu-west-1"},
			Services: []string{"s3", "ec2"},
			Checks:   []string{"aws-s3-001"},
			Filters:  map[string][]string{"severity": {"high", "critical"}, "tag": {"env=prod"}},
		},
	}
	must(t, s.CreateScan(ctx, sc))

	got, err := s.GetScan(ctx, sc.ID)
	must(t, err)
	want := sc
	want.Status = store.ScanRunning // empty status means running
	equal(t, "created scan", got, want)

	wantErrIs(t, "create with a used ID", s.CreateScan(ctx, sc), store.ErrExists)

	diags := []collect.Diagnostic{{
		Provider: "aws", Account: "222222222222", Region: "eu-west-1", Service: "s3",
		Action: "s3:ListAllMyBuckets", ResourceTypes: []string{"aws.s3.bucket"},
		Code: "AccessDenied", Message: "not authorized", Time: at(time.Minute),
	}}
	summary := store.Summary{Assets: 10, Results: 30, Pass: 20, Fail: 7, NotApplicable: 1, Error: 2, Diagnostics: 1}
	must(t, s.FinishScan(ctx, sc.ID, at(5*time.Minute), store.ScanCompleted, diags, summary))
	got, err = s.GetScan(ctx, sc.ID)
	must(t, err)
	want.FinishedAt, want.Status, want.Diagnostics, want.Summary = at(5*time.Minute), store.ScanCompleted, diags, summary
	equal(t, "finished scan", got, want)

	// Finishing again (a redelivered job) replaces the outcome.
	must(t, s.FinishScan(ctx, sc.ID, at(6*time.Minute), store.ScanFailed, nil, store.Summary{}))
	got, err = s.GetScan(ctx, sc.ID)
	must(t, err)
	want.FinishedAt, want.Status, want.Diagnostics, want.Summary = at(6*time.Minute), store.ScanFailed, nil, store.Summary{}
	equal(t, "refinished scan", got, want)

	for _, bad := range []struct {
		name     string
		finished time.Time
		status   store.ScanStatus
	}{
		{"running is not final", at(time.Hour), store.ScanRunning},
		{"unknown status", at(time.Hour), "done"},
		{"zero finish time", time.Time{}, store.ScanCompleted},
	} {
		err := s.FinishScan(ctx, sc.ID, bad.finished, bad.status, nil, store.Summary{})
		if err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("finish scan, %s: got %v, want a validation error", bad.name, err)
		}
	}
	got, err = s.GetScan(ctx, sc.ID)
	must(t, err)
	equal(t, "scan after rejected finishes", got, want)
}

func testScanValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		scan  store.Scan
		field string // the error must name it
	}{
		{"empty ID", store.Scan{Provider: "aws", StartedAt: t0}, "ID"},
		{"empty provider", store.Scan{ID: store.NewScanID(t0), StartedAt: t0}, "provider"},
		{"zero start", store.Scan{ID: store.NewScanID(t0), Provider: "aws"}, "start"},
		{"unknown status", store.Scan{ID: store.NewScanID(t0), Provider: "aws", StartedAt: t0, Status: "paused"}, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CreateScan(ctx, tc.scan)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("got %v, want an error naming %q", err, tc.field)
			}
		})
	}
	scans, err := s.ListScans(ctx, store.ScanFilter{})
	must(t, err)
	if len(scans) != 0 {
		t.Errorf("rejected scans were stored: %d", len(scans))
	}
}

func testListScans(t *testing.T, s store.Store) {
	ctx := context.Background()
	a1 := newScan(t, s, "aws", at(0))
	z1 := newScan(t, s, "azure", at(30*time.Minute))
	a2 := newScan(t, s, "aws", at(time.Hour))
	z2 := newScan(t, s, "azure", at(90*time.Minute))
	a3 := newScan(t, s, "aws", at(2*time.Hour))
	must(t, s.FinishScan(ctx, a1.ID, at(10*time.Minute), store.ScanCompleted, nil, store.Summary{}))
	must(t, s.FinishScan(ctx, a2.ID, at(70*time.Minute), store.ScanFailed, nil, store.Summary{}))
	must(t, s.FinishScan(ctx, z1.ID, at(40*time.Minute), store.ScanCompleted, nil, store.Summary{}))

	ids := func(scans []store.Scan) []string {
		out := []string{}
		for _, sc := range scans {
			out = append(out, sc.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.ScanFilter
		want []string
	}{
		{"all newest first", store.ScanFilter{}, []string{a3.ID, z2.ID, a2.ID, z1.ID, a1.ID}},
		{"provider", store.ScanFilter{Provider: "aws"}, []string{a3.ID, a2.ID, a1.ID}},
		{"status", store.ScanFilter{Status: store.ScanCompleted}, []string{z1.ID, a1.ID}},
		{"provider and status", store.ScanFilter{Provider: "aws", Status: store.ScanRunning}, []string{a3.ID}},
		{"limit", store.ScanFilter{Limit: 2}, []string{a3.ID, z2.ID}},
		{"before", store.ScanFilter{Before: a2.ID}, []string{z1.ID, a1.ID}},
		{"before with provider and limit", store.ScanFilter{Provider: "aws", Before: a3.ID, Limit: 1}, []string{a2.ID}},
		{"no match", store.ScanFilter{Provider: "gcp"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListScans(ctx, tc.f)
			must(t, err)
			equal(t, "scan IDs", ids(got), tc.want)
		})
	}

	// Paging with Before walks every scan exactly once.
	var paged []string
	f := store.ScanFilter{Limit: 2}
	for {
		page, err := s.ListScans(ctx, f)
		must(t, err)
		if len(page) == 0 {
			break
		}
		paged = append(paged, ids(page)...)
		f.Before = page[len(page)-1].ID
	}
	equal(t, "paged scan IDs", paged, []string{a3.ID, z2.ID, a2.ID, z1.ID, a1.ID})

	_, err := s.ListScans(ctx, store.ScanFilter{Before: store.NewScanID(at(time.Hour))})
	wantErrIs(t, "list before an unknown scan", err, store.ErrNotFound)

	for _, tc := range []struct{ provider, want string }{
		{"aws", a3.ID}, {"azure", z2.ID}, {"", a3.ID},
	} {
		got, err := s.LatestScan(ctx, tc.provider)
		must(t, err)
		if got.ID != tc.want {
			t.Errorf("latest scan of %q: got %s, want %s", tc.provider, got.ID, tc.want)
		}
	}
	_, err = s.LatestScan(ctx, "gcp")
	wantErrIs(t, "latest scan of a provider never scanned", err, store.ErrNotFound)
}

func testDiagnostics(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	diags := []collect.Diagnostic{
		{
			Provider: "aws", Account: "111111111111", Region: "us-east-1", Service: "s3",
			Action: "s3:GetBucketPolicy", Resource: "arn:aws:s3:::logs",
			Code: "AccessDenied", Message: "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: s3:GetBucketPolicy",
			Time: at(time.Second),
		},
		{
			Provider: "aws", Account: "111111111111", Region: "ap-northeast-1", Service: "ec2",
			Action: "ec2:DescribeSecurityGroups", ResourceTypes: []string{"aws.ec2.security_group", "aws.ec2.instance"},
			Code: "Throttling", Message: "レート超過 after 5 retries — \"quoted\" <tag> & more", Time: at(2 * time.Second),
		},
		{Provider: "aws", Message: "organization unreachable", Time: at(3 * time.Second)},
	}
	must(t, s.FinishScan(ctx, sc.ID, at(time.Minute), store.ScanCompleted, diags, store.Summary{Diagnostics: 3}))
	got, err := s.GetScan(ctx, sc.ID)
	must(t, err)
	equal(t, "diagnostics", got.Diagnostics, diags)

	// Diagnostics can also be known when the scan is created.
	sc2 := store.Scan{ID: store.NewScanID(at(time.Hour)), Provider: "aws", StartedAt: at(time.Hour), Diagnostics: diags[:1]}
	must(t, s.CreateScan(ctx, sc2))
	got, err = s.GetScan(ctx, sc2.ID)
	must(t, err)
	equal(t, "diagnostics at creation", got.Diagnostics, diags[:1])
}

func testAssetRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	full := asset.Asset{
		UID: "arn:aws:s3:::audit-logs", Provider: "aws", Account: "111111111111", Region: "us-east-1",
		Type: "aws.s3.bucket", Name: "audit-logs",
		Tags: map[string]string{"env": "prod", "owner": "sec"},
		Config: config(t, bucketShape{
			Versioning: true, Retention: 365, Ratio: 0.5,
			Grants: []grantShape{{Grantee: "AllUsers", Permission: "READ"}},
			Labels: map[string]string{"a": "b"},
		}),
		Relations:   []asset.Relation{{Type: "encrypted_by", Target: "arn:aws:kms:us-east-1:111111111111:key/abc"}},
		Source:      asset.Source{Kind: asset.SourceTerraform, File: "modules/s3/main.tf", StartLine: 3, EndLine: 27},
		Errors:      []asset.FieldError{{Path: "Policy", Action: "s3:GetBucketPolicy", Code: "AccessDenied", Message: "denied"}},
		CollectedAt: at(time.Second),
	}
	full.Hash = full.ComputeHash()
	// A minimal asset: nil tags, relations and errors, an empty Config
	// list (ToConfig's guarantee) and no hash, which the store computes.
	minimal := asset.Asset{
		UID: "arn:aws:iam::111111111111:root", Provider: "aws", Account: "111111111111", Region: asset.Global,
		Type: "aws.account", Config: config(t, bucketShape{}), Source: asset.Source{Kind: asset.SourceAPI},
		CollectedAt: at(time.Second),
	}
	must(t, s.PutAssets(ctx, sc.ID, []asset.Asset{full, minimal}))
	if minimal.Hash != "" {
		t.Fatal("PutAssets modified the caller's asset")
	}

	got, err := s.GetAsset(ctx, full.UID)
	must(t, err)
	equal(t, "full asset", got, full)
	if _, ok := got.Config["RetentionDays"].(int64); !ok {
		t.Errorf("integral Config number came back as %T, want int64", got.Config["RetentionDays"])
	}
	if g, ok := got.Config["Grants"].([]any); !ok || len(g) != 1 {
		t.Errorf("Config list came back as %#v", got.Config["Grants"])
	}

	got, err = s.GetAsset(ctx, minimal.UID)
	must(t, err)
	wantMin := minimal
	wantMin.Hash = minimal.ComputeHash()
	equal(t, "minimal asset", got, wantMin)
	if g, ok := got.Config["Grants"].([]any); !ok || g == nil || len(g) != 0 {
		t.Errorf("empty Config list came back as %#v, want an empty list", got.Config["Grants"])
	}

	all, err := s.Assets(ctx, store.AssetFilter{})
	must(t, err)
	equal(t, "all assets (ordered by UID)", all, []asset.Asset{wantMin, full})
}

func testAssetVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	const uid = "arn:aws:s3:::data"
	s1 := newScan(t, s, "aws", at(0))
	s2 := newScan(t, s, "aws", at(time.Hour))
	s3 := newScan(t, s, "aws", at(2*time.Hour))
	s4 := newScan(t, s, "aws", at(3*time.Hour))
	// version is a configuration first seen as asset a in scan first and
	// last seen at lastSeen in scan last.
	version := func(first, last store.Scan, a asset.Asset, lastSeen time.Time) store.AssetVersion {
		return store.AssetVersion{FirstScanID: first.ID, FirstSeen: a.CollectedAt, LastScanID: last.ID, LastSeen: lastSeen, Asset: a}
	}

	v1 := mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", 30, at(time.Second))
	must(t, s.PutAssets(ctx, s1.ID, []asset.Asset{v1}))
	versions, err := s.AssetVersions(ctx, uid)
	must(t, err)
	equal(t, "versions of a new asset", versions, []store.AssetVersion{version(s1, s1, v1, v1.CollectedAt)})

	// Unchanged in the next scan: the current state moves on (collection
	// time, last scan, source) but no version is added.
	same := v1
	same.CollectedAt = at(time.Hour + time.Second)
	same.Source = asset.Source{Kind: asset.SourceAPI, File: "moved"} // not part of the hash
	must(t, s.PutAssets(ctx, s2.ID, []asset.Asset{same}))
	versions, err = s.AssetVersions(ctx, uid)
	must(t, err)
	equal(t, "versions after an unchanged scan", versions, []store.AssetVersion{version(s1, s2, v1, same.CollectedAt)})
	got, err := s.GetAsset(ctx, uid)
	must(t, err)
	equal(t, "current after an unchanged scan", got, same)

	// Changed: a new version.
	v2 := mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", 7, at(2*time.Hour+time.Second))
	must(t, s.PutAssets(ctx, s3.ID, []asset.Asset{v2}))
	// Changed back: another version, so history shows the return.
	v3 := v1
	v3.CollectedAt = at(3*time.Hour + time.Second)
	must(t, s.PutAssets(ctx, s4.ID, []asset.Asset{v3}))

	wantVersions := []store.AssetVersion{
		version(s1, s2, v1, same.CollectedAt),
		version(s3, s3, v2, v2.CollectedAt),
		version(s4, s4, v3, v3.CollectedAt),
	}
	versions, err = s.AssetVersions(ctx, uid)
	must(t, err)
	equal(t, "versions after a change and a change back", versions, wantVersions)

	// A late, redelivered batch of an older collection does not roll the
	// current state back, nor add a version.
	must(t, s.PutAssets(ctx, s3.ID, []asset.Asset{v2}))
	got, err = s.GetAsset(ctx, uid)
	must(t, err)
	equal(t, "current after a stale put", got, v3)
	versions, err = s.AssetVersions(ctx, uid)
	must(t, err)
	equal(t, "versions after a stale put", versions, wantVersions)

	// The same UID twice in one batch: the later one wins and both
	// configurations are recorded.
	s5 := newScan(t, s, "aws", at(4*time.Hour))
	a := mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", 90, at(4*time.Hour+time.Second))
	b := mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", 91, at(4*time.Hour+2*time.Second))
	must(t, s.PutAssets(ctx, s5.ID, []asset.Asset{a, b}))
	got, err = s.GetAsset(ctx, uid)
	must(t, err)
	equal(t, "current after two in one batch", got, b)
	wantVersions = append(wantVersions, version(s5, s5, a, a.CollectedAt), version(s5, s5, b, b.CollectedAt))
	versions, err = s.AssetVersions(ctx, uid)
	must(t, err)
	equal(t, "versions after two in one batch", versions, wantVersions)

	// Account and region are not configuration (not in the hash): a
	// change to them updates the current state without a version.
	s6 := newScan(t, s, "aws", at(5*time.Hour))
	moved := b
	moved.Account, moved.Region, moved.CollectedAt = "999999999999", "eu-west-1", at(5*time.Hour+time.Second)
	must(t, s.PutAssets(ctx, s6.ID, []asset.Asset{moved}))
	got, err = s.GetAsset(ctx, uid)
	must(t, err)
	equal(t, "current after a move", got, moved)
	versions, err = s.AssetVersions(ctx, uid)
	must(t, err)
	if len(versions) != len(wantVersions) {
		t.Errorf("a move added a version: %d, want %d", len(versions), len(wantVersions))
	}
	if last := versions[len(versions)-1]; last.FirstScanID != s5.ID || last.LastScanID != s6.ID ||
		!last.LastSeen.Equal(moved.CollectedAt) || last.Asset.Account != moved.Account {
		t.Errorf("current version after a move: first %s, last %s at %s, account %s", last.FirstScanID, last.LastScanID, last.LastSeen, last.Asset.Account)
	}
	// Earlier versions show the asset's identity as it is now.
	if versions[0].Asset.Account != moved.Account {
		t.Errorf("archived version account %s, want %s", versions[0].Asset.Account, moved.Account)
	}
}

func testAssetFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	s1 := newScan(t, s, "aws", at(0))
	s2 := newScan(t, s, "aws", at(time.Hour))
	mk := func(uid, acct, region, typ string) asset.Asset {
		return mkAsset(t, uid, acct, region, typ, 1, at(time.Second))
	}
	batch := []asset.Asset{
		mk("arn:aws:s3:::a", "111111111111", "us-east-1", "aws.s3.bucket"),
		mk("arn:aws:s3:::b", "222222222222", "eu-west-1", "aws.s3.bucket"),
		mk("arn:aws:ec2:us-east-1:111111111111:security-group/sg-1", "111111111111", "us-east-1", "aws.ec2.security_group"),
		mk("arn:aws:ec2:eu-west-1:222222222222:security-group/sg-2", "222222222222", "eu-west-1", "aws.ec2.security_group"),
		mk("arn:aws:iam::111111111111:root", "111111111111", asset.Global, "aws.account"),
	}
	az := mk("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1", "s1", "westeurope", "azure.storage.account")
	az.Provider = "azure"
	az.Hash = az.ComputeHash()
	batch = append(batch, az)
	must(t, s.PutAssets(ctx, s1.ID, batch))
	// Only two are seen again in the second scan.
	again := []asset.Asset{batch[0], batch[2]}
	for i := range again {
		again[i].CollectedAt = at(time.Hour + time.Second)
	}
	must(t, s.PutAssets(ctx, s2.ID, again))

	uids := func(as []asset.Asset) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.UID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.AssetFilter
		want []string
	}{
		{"all by UID", store.AssetFilter{}, []string{az.UID, batch[3].UID, batch[2].UID, batch[4].UID, batch[0].UID, batch[1].UID}},
		{"provider", store.AssetFilter{Provider: "azure"}, []string{az.UID}},
		{"account", store.AssetFilter{Accounts: []string{"222222222222"}}, []string{batch[3].UID, batch[1].UID}},
		{"accounts", store.AssetFilter{Accounts: []string{"222222222222", "s1"}}, []string{az.UID, batch[3].UID, batch[1].UID}},
		{"region", store.AssetFilter{Regions: []string{asset.Global}}, []string{batch[4].UID}},
		{"type", store.AssetFilter{Types: []string{"aws.s3.bucket"}}, []string{batch[0].UID, batch[1].UID}},
		{"types and account", store.AssetFilter{Types: []string{"aws.s3.bucket", "aws.ec2.security_group"}, Accounts: []string{"111111111111"}},
			[]string{batch[2].UID, batch[0].UID}},
		{"last scan", store.AssetFilter{LastScanID: s2.ID}, []string{batch[2].UID, batch[0].UID}},
		{"last scan, older", store.AssetFilter{LastScanID: s1.ID}, []string{az.UID, batch[3].UID, batch[4].UID, batch[1].UID}},
		{"limit", store.AssetFilter{Provider: "aws", Limit: 2}, []string{batch[3].UID, batch[2].UID}},
		{"no match", store.AssetFilter{Types: []string{"aws.rds.instance"}}, []string{}},
		{"empty value is a value", store.AssetFilter{Accounts: []string{""}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Assets(ctx, tc.f)
			must(t, err)
			equal(t, "asset UIDs", uids(got), tc.want)
		})
	}
}

func testAssetValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	good := mkAsset(t, "arn:aws:s3:::good", "111111111111", "us-east-1", "aws.s3.bucket", 1, at(time.Second))
	for _, tc := range []struct {
		name   string
		scanID string
		bad    func(a *asset.Asset)
		want   string // the error must contain it
	}{
		{"empty scan", "", func(*asset.Asset) {}, "scan"},
		{"empty uid", sc.ID, func(a *asset.Asset) { a.UID = "" }, "asset 1: empty uid"},
		{"empty provider", sc.ID, func(a *asset.Asset) { a.Provider = "" }, "provider"},
		{"empty type", sc.ID, func(a *asset.Asset) { a.Type = "" }, "type"},
		{"unencodable config", sc.ID, func(a *asset.Asset) { a.Config = map[string]any{"f": func() {}} }, "config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := mkAsset(t, "arn:aws:s3:::bad", "111111111111", "us-east-1", "aws.s3.bucket", 1, at(time.Second))
			tc.bad(&bad)
			err := s.PutAssets(ctx, tc.scanID, []asset.Asset{good, bad})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			// The batch is all or nothing.
			_, err = s.GetAsset(ctx, good.UID)
			wantErrIs(t, "good asset of a rejected batch", err, store.ErrNotFound)
		})
	}
}

func testResultRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	r := finding.Result{
		CheckID: "aws-s3-002", Severity: "high", AssetUID: "arn:aws:s3:::data", AssetType: "aws.s3.bucket",
		AssetName: "data", Provider: "aws", Account: "111111111111", Region: "us-east-1",
		Status: finding.Fail, Message: "bucket allows public read",
		Evidence: map[string]any{
			"config.PublicAccessBlock": map[string]any{"BlockPublicAcls": false, "RestrictPublicBuckets": true},
			"config.RetentionDays":     int64(30),
			"config.Ratio":             0.75,
			"config.Grants":            []any{map[string]any{"Grantee": "AllUsers"}},
			"config.Empty":             []any{},
			"config.Missing":           nil,
		},
		EvaluatedAt: at(time.Second),
	}
	noEvidence := mkResult("aws-s3-001", "arn:aws:s3:::data", "111111111111", finding.Error, "medium", at(time.Second))
	noEvidence.Message = "config.Policy could not be collected: AccessDenied"
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{r, noEvidence}))
	got, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	equal(t, "results (ordered by check)", got, []finding.Result{noEvidence, r})
}

func testResultFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	s1 := newScan(t, s, "aws", at(0))
	s2 := newScan(t, s, "aws", at(time.Hour))
	const (
		acctA = "111111111111"
		acctB = "222222222222"
		b1    = "arn:aws:s3:::b1"
		b2    = "arn:aws:s3:::b2"
	)
	e := at(time.Second)
	r1 := []finding.Result{
		mkResult("c1", b1, acctA, finding.Fail, "high", e),
		mkResult("c1", b2, acctB, finding.Pass, "high", e),
		mkResult("c2", b1, acctA, finding.Error, "low", e),
		mkResult("c2", b2, acctB, finding.NotApplicable, "low", e),
		mkResult("c3", b1, acctA, finding.Manual, "critical", e),
	}
	r2 := []finding.Result{mkResult("c1", b1, acctA, finding.Pass, "high", at(time.Hour))}
	must(t, s.PutResults(ctx, s1.ID, r1))
	must(t, s.PutResults(ctx, s2.ID, r2))

	for _, tc := range []struct {
		name string
		f    store.ResultFilter
		want []finding.Result
	}{
		{"scan", store.ResultFilter{ScanID: s1.ID}, r1},
		{"all scans, newest first", store.ResultFilter{}, append(append([]finding.Result{}, r2...), r1...)},
		{"status", store.ResultFilter{ScanID: s1.ID, Statuses: []finding.Status{finding.Fail}}, []finding.Result{r1[0]}},
		{"statuses", store.ResultFilter{ScanID: s1.ID, Statuses: []finding.Status{finding.Fail, finding.Error}}, []finding.Result{r1[0], r1[2]}},
		{"severity", store.ResultFilter{ScanID: s1.ID, Severities: []string{"low"}}, []finding.Result{r1[2], r1[3]}},
		{"severities", store.ResultFilter{ScanID: s1.ID, Severities: []string{"critical", "high"}}, []finding.Result{r1[0], r1[1], r1[4]}},
		{"account", store.ResultFilter{ScanID: s1.ID, Accounts: []string{acctB}}, []finding.Result{r1[1], r1[3]}},
		{"check", store.ResultFilter{ScanID: s1.ID, CheckIDs: []string{"c2"}}, []finding.Result{r1[2], r1[3]}},
		{"check across scans", store.ResultFilter{CheckIDs: []string{"c1"}, AssetUID: b1}, []finding.Result{r2[0], r1[0]}},
		{"asset", store.ResultFilter{ScanID: s1.ID, AssetUID: b2}, []finding.Result{r1[1], r1[3]}},
		{"combined", store.ResultFilter{ScanID: s1.ID, Accounts: []string{acctA}, Severities: []string{"high", "low"}, Statuses: []finding.Status{finding.Fail, finding.Error, finding.Pass}},
			[]finding.Result{r1[0], r1[2]}},
		{"limit", store.ResultFilter{ScanID: s1.ID, Limit: 2}, r1[:2]},
		{"no match", store.ResultFilter{ScanID: s2.ID, Statuses: []finding.Status{finding.Fail}}, nil},
		{"unknown scan", store.ResultFilter{ScanID: store.NewScanID(at(9 * time.Hour))}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Results(ctx, tc.f)
			must(t, err)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			equal(t, "results", got, tc.want)
		})
	}
}

func testResultValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	good := mkResult("c1", "arn:aws:s3:::good", "111111111111", finding.Pass, "low", at(time.Second))
	for _, tc := range []struct {
		name   string
		scanID string
		bad    func(r *finding.Result)
		want   string
	}{
		{"empty scan", "", func(*finding.Result) {}, "scan"},
		{"empty check", sc.ID, func(r *finding.Result) { r.CheckID = "" }, "result 1: empty checkId"},
		{"empty asset", sc.ID, func(r *finding.Result) { r.AssetUID = "" }, "assetUid"},
		{"empty status", sc.ID, func(r *finding.Result) { r.Status = "" }, "status"},
		{"lower-case status", sc.ID, func(r *finding.Result) { r.Status = "pass" }, "status"},
		{"unencodable evidence", sc.ID, func(r *finding.Result) { r.Evidence = map[string]any{"c": make(chan int)} }, "evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := mkResult("c2", "arn:aws:s3:::bad", "111111111111", finding.Fail, "low", at(time.Second))
			tc.bad(&bad)
			err := s.PutResults(ctx, tc.scanID, []finding.Result{good, bad})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			got, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
			must(t, err)
			if len(got) != 0 {
				t.Errorf("a rejected batch stored %d results", len(got))
			}
		})
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	var assets []asset.Asset
	var results []finding.Result
	for i := range 50 {
		uid := fmt.Sprintf("arn:aws:s3:::bucket-%02d", i)
		assets = append(assets, mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", i, at(time.Second)))
		results = append(results, mkResult("c1", uid, "111111111111", finding.Pass, "low", at(time.Second)))
	}
	for range 3 {
		must(t, s.PutAssets(ctx, sc.ID, assets))
		must(t, s.PutResults(ctx, sc.ID, results))
	}
	gotA, err := s.Assets(ctx, store.AssetFilter{})
	must(t, err)
	equal(t, "assets after re-puts", gotA, assets)
	for _, a := range assets {
		v, err := s.AssetVersions(ctx, a.UID)
		must(t, err)
		if len(v) != 1 {
			t.Fatalf("%s: %d versions after identical re-puts, want 1", a.UID, len(v))
		}
	}
	gotR, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	equal(t, "results after re-puts", gotR, results)

	// A re-put with a new outcome replaces the result of the same scan,
	// check and asset.
	changed := results[7]
	changed.Status, changed.Message, changed.Evidence = finding.Fail, "now public", map[string]any{"config.Public": true}
	changed.EvaluatedAt = at(2 * time.Second)
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{changed}))
	gotR, err = s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	want := append([]finding.Result{}, results...)
	want[7] = changed
	equal(t, "results after a changed re-put", gotR, want)
}

// testLargeBatches mixes new, unchanged, changed and moved assets, and
// repeated UIDs and result keys, in batches large enough for a backend to
// take its bulk paths.
func testLargeBatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 3000
	s1 := newScan(t, s, "aws", at(0))
	s2 := newScan(t, s, "aws", at(time.Hour))
	uid := func(i int) string { return fmt.Sprintf("arn:aws:s3:::bucket-%05d", i) }
	accounts := []string{"111111111111", "222222222222", "333333333333"}
	first := make([]asset.Asset, n)
	for i := range first {
		first[i] = mkAsset(t, uid(i), accounts[i%3], "us-east-1", "aws.s3.bucket", i, at(time.Second))
	}
	must(t, s.PutAssets(ctx, s1.ID, first))
	got, err := s.Assets(ctx, store.AssetFilter{})
	must(t, err)
	equal(t, "assets after the first batch", len(got), n)
	if !reflect.DeepEqual(got, first) {
		t.Fatal("assets after the first batch differ from what was put")
	}

	// Second scan: a third unchanged, a third changed, a third moved to
	// another account; bucket 4 appears again, changed once more.
	want := make([]asset.Asset, n)
	wantVersions := make([]int, n)
	for i := range first {
		a := first[i]
		a.CollectedAt = at(time.Hour + time.Second)
		switch i % 3 {
		case 0:
			wantVersions[i] = 1
		case 1:
			a = mkAsset(t, uid(i), accounts[i%3], "us-east-1", "aws.s3.bucket", n+i, a.CollectedAt)
			wantVersions[i] = 2
		case 2:
			a.Account = "999999999999"
			wantVersions[i] = 1
		}
		want[i] = a
	}
	second := append([]asset.Asset{}, want...)
	again := mkAsset(t, uid(4), accounts[1], "us-east-1", "aws.s3.bucket", -4, at(time.Hour+2*time.Second))
	second = append(second, again)
	want[4], wantVersions[4] = again, 3
	must(t, s.PutAssets(ctx, s2.ID, second))

	got, err = s.Assets(ctx, store.AssetFilter{LastScanID: s2.ID})
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("assets after the second batch differ (got %d, want %d)", len(got), len(want))
	}
	for _, i := range []int{0, 1, 2, 4, n - 3, n - 2, n - 1} {
		v, err := s.AssetVersions(ctx, uid(i))
		must(t, err)
		if len(v) != wantVersions[i] {
			t.Errorf("%s: %d versions, want %d", uid(i), len(v), wantVersions[i])
		}
	}

	// One bad asset at the end rejects the whole batch.
	s3 := newScan(t, s, "aws", at(2*time.Hour))
	third := append([]asset.Asset{}, want...)
	for i := range third {
		third[i].CollectedAt = at(2*time.Hour + time.Second)
	}
	// (An asset whose hash is unchanged is not re-encoded, so the bad
	// one must look changed.)
	third[n-1].Config, third[n-1].Hash = map[string]any{"bad": make(chan int)}, ""
	err = s.PutAssets(ctx, s3.ID, third)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("asset %d", n-1)) {
		t.Errorf("bad last asset: got %v, want an error naming asset %d", err, n-1)
	}
	got, err = s.Assets(ctx, store.AssetFilter{LastScanID: s3.ID})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("a rejected batch updated %d assets", len(got))
	}

	// Results: the same key twice in one batch keeps the later one.
	results := make([]finding.Result, 0, n+1)
	for i := range n {
		results = append(results, mkResult(fmt.Sprintf("check-%d", i%7), uid(i), accounts[i%3], finding.Pass, "low", at(time.Hour)))
	}
	dup := results[10]
	dup.Status, dup.Message = finding.Fail, "second word"
	results = append(results, dup)
	must(t, s.PutResults(ctx, s2.ID, results))
	rs, err := s.Results(ctx, store.ResultFilter{ScanID: s2.ID})
	must(t, err)
	if len(rs) != n {
		t.Errorf("got %d results, want %d", len(rs), n)
	}
	fails, err := s.Results(ctx, store.ResultFilter{ScanID: s2.ID, Statuses: []finding.Status{finding.Fail}})
	must(t, err)
	if len(fails) != 1 || fails[0].AssetUID != dup.AssetUID || fails[0].Message != dup.Message {
		t.Errorf("repeated result key: got %+v, want the later result", fails)
	}
}

func testConcurrency(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	const (
		writers = 8
		batches = 5
		perBat  = 100
	)
	type batch struct {
		results []finding.Result
		assets  []asset.Asset
	}
	work := make([][]batch, writers)
	for w := range writers {
		for b := range batches {
			var bt batch
			for i := range perBat {
				uid := fmt.Sprintf("arn:aws:s3:::w%d-b%d-%d", w, b, i)
				bt.results = append(bt.results, mkResult(fmt.Sprintf("check-%d", w), uid, "111111111111", finding.Fail, "high", at(time.Second)))
				if i%10 == 0 {
					bt.assets = append(bt.assets, mkAsset(t, uid, "111111111111", "us-east-1", "aws.s3.bucket", i, at(time.Second)))
				}
			}
			work[w] = append(work[w], bt)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches*2+100)
	for w := range writers {
		wg.Go(func() {
			for _, bt := range work[w] {
				if err := s.PutResults(ctx, sc.ID, bt.results); err != nil {
					errs <- err
				}
				if err := s.PutAssets(ctx, sc.ID, bt.assets); err != nil {
					errs <- err
				}
			}
		})
	}
	// Readers run alongside the writers.
	for range 2 {
		wg.Go(func() {
			for range 10 {
				if _, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID, Statuses: []finding.Status{finding.Fail}}); err != nil {
					errs <- err
				}
				if _, err := s.ListScans(ctx, store.ScanFilter{}); err != nil {
					errs <- err
				}
			}
		})
	}
	// So do other scans' writes.
	wg.Go(func() {
		for i := range 5 {
			o := store.Scan{ID: store.NewScanID(at(time.Duration(i+1) * time.Hour)), Provider: "aws", StartedAt: at(time.Duration(i+1) * time.Hour)}
			if err := s.CreateScan(ctx, o); err != nil {
				errs <- err
				continue
			}
			if err := s.FinishScan(ctx, o.ID, o.StartedAt.Add(time.Minute), store.ScanCompleted, nil, store.Summary{}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	if len(got) != writers*batches*perBat {
		t.Errorf("got %d results, want %d", len(got), writers*batches*perBat)
	}
	assets, err := s.Assets(ctx, store.AssetFilter{LastScanID: sc.ID})
	must(t, err)
	if len(assets) != writers*batches*perBat/10 {
		t.Errorf("got %d assets, want %d", len(assets), writers*batches*perBat/10)
	}
	scans, err := s.ListScans(ctx, store.ScanFilter{Status: store.ScanCompleted})
	must(t, err)
	if len(scans) != 5 {
		t.Errorf("got %d completed scans, want 5", len(scans))
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	unknown := store.NewScanID(t0)
	a := mkAsset(t, "arn:aws:s3:::x", "111111111111", "us-east-1", "aws.s3.bucket", 1, t0)
	r := mkResult("c1", a.UID, "111111111111", finding.Pass, "low", t0)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"GetScan", func() error { _, err := s.GetScan(ctx, unknown); return err }},
		{"LatestScan", func() error { _, err := s.LatestScan(ctx, ""); return err }},
		{"FinishScan", func() error {
			return s.FinishScan(ctx, unknown, t0, store.ScanCompleted, nil, store.Summary{})
		}},
		{"PutAssets", func() error { return s.PutAssets(ctx, unknown, []asset.Asset{a}) }},
		{"PutResults", func() error { return s.PutResults(ctx, unknown, []finding.Result{r}) }},
		{"GetAsset", func() error { _, err := s.GetAsset(ctx, a.UID); return err }},
		{"AssetVersions", func() error { _, err := s.AssetVersions(ctx, a.UID); return err }},
		{"ListScans before", func() error { _, err := s.ListScans(ctx, store.ScanFilter{Before: unknown}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			wantErrIs(t, tc.name, err, store.ErrNotFound)
			if err != nil && !strings.Contains(err.Error(), "not found") {
				t.Errorf("error %q does not say what was not found", err)
			}
		})
	}
}

func testUnicodeAndLarge(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)

	// About 4 MB of Config: a long string, a long list and deep nesting.
	long := strings.Repeat("ü€𝄞 ascii ", 100_000)
	list := make([]any, 20_000)
	for i := range list {
		list[i] = map[string]any{"Index": int64(i), "Name": fmt.Sprintf("rule-%d", i), "Cidr": "10.0.0.0/8"}
	}
	var deep any = "bottom"
	for i := range 100 {
		deep = map[string]any{fmt.Sprintf("level%d", i): deep, "list": []any{int64(i), float64(i) + 0.5}}
	}
	a := asset.Asset{
		UID: "arn:aws:s3:::データ-バケット-🪣", Provider: "aws", Account: "111111111111", Region: "eu-central-1",
		Type: "aws.s3.bucket", Name: "データ \"バケット\"\n🪣 'quoted' \\ back\\slash",
		Tags: map[string]string{"Ünïcödé": "値 ✓", "emoji 🎉": "", "<html>&": "</script>"},
		Config: map[string]any{
			"Long": long, "Rules": list, "Deep": deep, "Größe": int64(-9007199254740993),
			"Max": int64(9223372036854775807), "Pi": 3.141592653589793, "Tiny": 1e-300, "Bool": false,
			"Null": nil, "EmptyMap": map[string]any{}, "Quotes": `"'` + "`\t\r\n\u2028",
		},
		Source:      asset.Source{Kind: asset.SourceCloudFormation, File: "テンプレート/スタック.yaml", StartLine: 1, EndLine: 99999},
		CollectedAt: at(time.Second),
	}
	a.Hash = a.ComputeHash()
	must(t, s.PutAssets(ctx, sc.ID, []asset.Asset{a}))
	got, err := s.GetAsset(ctx, a.UID)
	must(t, err)
	if !reflect.DeepEqual(got, a) {
		// The document is too large to print whole: name the keys that differ.
		for k, v := range a.Config {
			if !reflect.DeepEqual(got.Config[k], v) {
				t.Errorf("config key %q differs", k)
			}
		}
		g := got
		g.Config, a.Config = nil, nil
		equal(t, "asset apart from config", g, a)
		t.FailNow()
	}

	r := mkResult("ünïcödé-check-✓", a.UID, "111111111111", finding.Fail, "critical", at(time.Second))
	r.AssetName = a.Name
	r.Message = "公開されています 🚨 " + strings.Repeat("x", 100_000)
	r.Evidence = map[string]any{"config.Tags.Ünïcödé": "値 ✓", "config.Long": long}
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{r}))
	rs, err := s.Results(ctx, store.ResultFilter{CheckIDs: []string{r.CheckID}, AssetUID: a.UID})
	must(t, err)
	if len(rs) != 1 || !reflect.DeepEqual(rs[0], r) {
		t.Errorf("unicode result did not round-trip (got %d results)", len(rs))
	}
}

func testTimePrecision(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Nanoseconds and a non-UTC zone go in; whole microseconds in UTC come out.
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	started := time.Date(2025, 3, 1, 17, 30, 0, 123_456_789, zone)
	sc := store.Scan{ID: store.NewScanID(started), Provider: "aws", StartedAt: started}
	must(t, s.CreateScan(ctx, sc))
	must(t, s.FinishScan(ctx, sc.ID, started.Add(time.Minute), store.ScanCompleted, nil, store.Summary{}))
	got, err := s.GetScan(ctx, sc.ID)
	must(t, err)
	wantStart := time.Date(2025, 3, 1, 12, 0, 0, 123_456_000, time.UTC)
	equal(t, "started at", got.StartedAt, wantStart)
	equal(t, "finished at", got.FinishedAt, wantStart.Add(time.Minute))

	a := mkAsset(t, "arn:aws:s3:::t", "111111111111", "us-east-1", "aws.s3.bucket", 1, started)
	must(t, s.PutAssets(ctx, sc.ID, []asset.Asset{a}))
	ga, err := s.GetAsset(ctx, a.UID)
	must(t, err)
	equal(t, "collected at", ga.CollectedAt, wantStart)

	r := mkResult("c1", a.UID, "111111111111", finding.Pass, "low", started)
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{r}))
	rs, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	if len(rs) != 1 {
		t.Fatalf("got %d results, want 1", len(rs))
	}
	equal(t, "evaluated at", rs[0].EvaluatedAt, wantStart)

	// A re-put of the same collection differing only below a microsecond
	// is not older than what is stored.
	a2 := a
	a2.CollectedAt = started.Add(-time.Nanosecond * 100)
	a2.Config = config(t, bucketShape{Retention: 2})
	a2.Hash = a2.ComputeHash()
	must(t, s.PutAssets(ctx, sc.ID, []asset.Asset{a2}))
	ga, err = s.GetAsset(ctx, a.UID)
	must(t, err)
	if ga.Hash != a2.Hash {
		t.Errorf("a put within the stored microsecond was dropped as stale")
	}
}

func testCanceled(t *testing.T, s store.Store) {
	sc := newScan(t, s, "aws", t0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := mkResult("c1", "arn:aws:s3:::x", "111111111111", finding.Pass, "low", t0)
	wantErrIs(t, "PutResults", s.PutResults(ctx, sc.ID, []finding.Result{r}), context.Canceled)
	a := mkAsset(t, "arn:aws:s3:::x", "111111111111", "us-east-1", "aws.s3.bucket", 1, t0)
	wantErrIs(t, "PutAssets", s.PutAssets(ctx, sc.ID, []asset.Asset{a}), context.Canceled)
	_, err := s.Results(ctx, store.ResultFilter{})
	wantErrIs(t, "Results", err, context.Canceled)
	_, err = s.Reconcile(ctx, store.ReconcileRequest{ScanID: sc.ID, At: t0})
	wantErrIs(t, "Reconcile", err, context.Canceled)
	got, err := s.Results(context.Background(), store.ResultFilter{ScanID: sc.ID})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("a canceled PutResults stored %d results", len(got))
	}
}
