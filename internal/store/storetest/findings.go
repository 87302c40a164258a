package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

func day(n int) time.Time { return at(time.Duration(n) * 24 * time.Hour) }

func suppressed(r finding.Result, exc string) finding.Result {
	r.Status, r.ExceptionID = finding.Suppressed, exc
	return r
}

func withMessage(r finding.Result, msg string) finding.Result {
	r.Message = msg
	return r
}

func reconcile(t *testing.T, s store.Store, sc store.Scan, when time.Time, cov ...collect.Coverage) finding.ReconcileSummary {
	t.Helper()
	sum, err := s.Reconcile(context.Background(), store.ReconcileRequest{ScanID: sc.ID, At: when, Coverage: cov})
	must(t, err)
	return sum
}

func getFinding(t *testing.T, s store.Store, check, uid string) finding.Finding {
	t.Helper()
	f, err := s.GetFinding(context.Background(), finding.Fingerprint(check, uid))
	must(t, err)
	return f
}

func fingerprints(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.CheckID+" "+f.AssetUID)
	}
	return out
}

func allEvents(t *testing.T, s store.Store) []store.Event {
	t.Helper()
	es, err := s.Events(context.Background(), store.EventFilter{})
	must(t, err)
	return es
}

// eventKeys renders events as "day type subject-check/asset" sorted by time
// then text: backends may order the events of one reconcile differently.
func eventKeys(t *testing.T, es []store.Event, names map[string]string) []string {
	t.Helper()
	sort.SliceStable(es, func(i, j int) bool { return es[i].Time.Before(es[j].Time) })
	out := []string{}
	var prevID int64
	for i, e := range es {
		if i > 0 && e.ID <= prevID {
			t.Errorf("event IDs do not increase: %d after %d", e.ID, prevID)
		}
		prevID = e.ID
		out = append(out, fmt.Sprintf("%s %s %s", e.Time.Format(time.RFC3339), e.Type, names[e.Subject]))
	}
	return out
}

func testSuppressedResults(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	r := suppressed(mkResult("c1", "arn:aws:s3:::a", "111111111111", finding.Fail, "high", at(time.Second)), "EXC-7")
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{r}))
	got, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID, Statuses: []finding.Status{finding.Suppressed}})
	must(t, err)
	equal(t, "suppressed result", got, []finding.Result{r})

	bad := r
	bad.ExceptionID = ""
	if err := s.PutResults(ctx, sc.ID, []finding.Result{bad}); err == nil || !strings.Contains(err.Error(), "exception") {
		t.Errorf("SUPPRESSED without an exception: got %v", err)
	}
	var sum store.Summary
	sum.Count(r, mkResult("c1", "x", "1", finding.Fail, "low", t0))
	if sum.Suppressed != 1 || sum.Fail != 1 {
		t.Errorf("summary %+v", sum)
	}
}

// testReconcileLifecycle walks findings through every transition over
// five scans, one of them partial.
func testReconcileLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	const (
		a    = "arn:aws:s3:::a"
		b    = "arn:aws:s3:::b"
		acct = "111111111111"
	)
	var sc [6]store.Scan
	for i := 1; i <= 5; i++ {
		sc[i] = newScan(t, s, "aws", day(i-1))
	}
	put := func(scan store.Scan, rs ...finding.Result) {
		t.Helper()
		must(t, s.PutResults(ctx, scan.ID, rs))
	}
	put(sc[1], mkResult("c1", a, acct, finding.Fail, "high", day(0)), mkResult("c1", b, acct, finding.Pass, "high", day(0)),
		mkResult("c2", a, acct, finding.Error, "low", day(0)), suppressed(mkResult("c3", a, acct, finding.Fail, "medium", day(0)), "EXC-1"))
	put(sc[2], mkResult("c1", a, acct, finding.Pass, "high", day(1)), mkResult("c3", a, acct, finding.Fail, "medium", day(1)))
	put(sc[3], mkResult("c1", a, acct, finding.Fail, "high", day(2)), withMessage(mkResult("c3", a, acct, finding.Error, "medium", day(2)), "denied"))
	put(sc[4], mkResult("c1", b, acct, finding.Pass, "high", day(3))) // a partial scan
	put(sc[5], mkResult("c1", a, acct, finding.NotApplicable, "high", day(4)))

	for i, want := range []finding.ReconcileSummary{
		{Evaluated: 2, Opened: 1, Suppressed: 1},
		{Evaluated: 2, Resolved: 1, Unsuppressed: 1},
		{Evaluated: 2, Reopened: 1},
		{},
		{Evaluated: 1, Resolved: 1},
	} {
		got := reconcile(t, s, sc[i+1], day(i).Add(time.Hour))
		equal(t, fmt.Sprintf("summary of scan %d", i+1), got, want)
	}

	fpA1, fpA3 := finding.Fingerprint("c1", a), finding.Fingerprint("c3", a)
	equal(t, "c1 on a", getFinding(t, s, "c1", a), finding.Finding{
		Fingerprint: fpA1, CheckID: "c1", Severity: "high", AssetUID: a, AssetType: "aws.s3.bucket", AssetName: "a",
		Provider: "aws", Account: acct, Region: "us-east-1", Status: finding.StateResolved,
		FirstSeen: day(0), LastSeen: day(2), OpenedAt: day(2), ChangedAt: day(4), ResolvedAt: day(4),
		ResolvedReason: finding.ReasonNotApplicable, ReopenCount: 1,
		LastStatus: finding.NotApplicable, LastEvaluated: day(4), LastScanID: sc[5].ID,
	})
	equal(t, "c3 on a", getFinding(t, s, "c3", a), finding.Finding{
		Fingerprint: fpA3, CheckID: "c3", Severity: "medium", AssetUID: a, AssetType: "aws.s3.bucket", AssetName: "a",
		Provider: "aws", Account: acct, Region: "us-east-1", Status: finding.StateOpen,
		FirstSeen: day(0), LastSeen: day(1), OpenedAt: day(0), ChangedAt: day(1),
		LastStatus: finding.Error, LastEvaluated: day(2), LastScanID: sc[3].ID, Message: "denied",
	})
	for _, k := range []struct{ check, uid string }{{"c1", b}, {"c2", a}} {
		_, err := s.GetFinding(ctx, finding.Fingerprint(k.check, k.uid))
		wantErrIs(t, "a check that never failed ("+k.check+" on "+k.uid+")", err, store.ErrNotFound)
	}

	h, err := s.FindingHistory(ctx, fpA1)
	must(t, err)
	equal(t, "history of c1 on a", h, []finding.HistoryEntry{
		{At: day(0), ScanID: sc[1].ID, Status: finding.Fail, Transition: finding.Opened},
		{At: day(1), ScanID: sc[2].ID, Status: finding.Pass, Transition: finding.Resolved, Reason: finding.ReasonPassed},
		{At: day(2), ScanID: sc[3].ID, Status: finding.Fail, Transition: finding.Reopened, Reason: finding.ReasonFailedAgain},
		{At: day(4), ScanID: sc[5].ID, Status: finding.NotApplicable, Transition: finding.Resolved, Reason: finding.ReasonNotApplicable},
	})
	h, err = s.FindingHistory(ctx, fpA3)
	must(t, err)
	equal(t, "history of c3 on a", h, []finding.HistoryEntry{
		{At: day(0), ScanID: sc[1].ID, Status: finding.Suppressed, Transition: finding.NewlySuppressed, Reason: "EXC-1", ExceptionID: "EXC-1"},
		{At: day(1), ScanID: sc[2].ID, Status: finding.Fail, Transition: finding.Unsuppressed, Reason: finding.ReasonNoException},
		{At: day(2), ScanID: sc[3].ID, Status: finding.Error, Message: "denied"},
	})

	names := map[string]string{fpA1: "c1/a", fpA3: "c3/a"}
	d := func(n int) string { return day(n).Format(time.RFC3339) }
	equal(t, "events", eventKeys(t, allEvents(t, s), names), []string{
		d(0) + " finding.opened c1/a", d(0) + " finding.suppressed c3/a",
		d(1) + " finding.resolved c1/a", d(1) + " finding.unsuppressed c3/a",
		d(2) + " finding.reopened c1/a",
		d(4) + " finding.resolved c1/a",
	})
	reopened, err := s.Events(ctx, store.EventFilter{Types: []string{"finding.reopened"}})
	must(t, err)
	if len(reopened) != 1 {
		t.Fatalf("%d reopened events, want 1", len(reopened))
	}
	var p store.FindingEvent
	must(t, json.Unmarshal(reopened[0].Payload, &p))
	equal(t, "reopened event payload", p, store.FindingEvent{
		Fingerprint: fpA1, Transition: finding.Reopened, Reason: finding.ReasonFailedAgain, ScanID: sc[3].ID,
		CheckID: "c1", Severity: "high", AssetUID: a, AssetType: "aws.s3.bucket", AssetName: "a", Provider: "aws",
		Account: acct, Region: "us-east-1", Status: finding.StateOpen, FirstSeen: day(0), OpenedAt: day(2), ReopenCount: 1,
	})
	if reopened[0].Subject != fpA1 || !reopened[0].Time.Equal(day(2)) {
		t.Errorf("reopened event %+v", reopened[0])
	}
	// Openings carry the whole payload too, however a backend keeps them.
	openings, err := s.Events(ctx, store.EventFilter{Types: []string{"finding.opened", "finding.suppressed"}})
	must(t, err)
	var got []store.FindingEvent
	for _, e := range openings {
		var p store.FindingEvent
		must(t, json.Unmarshal(e.Payload, &p))
		got = append(got, p)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].CheckID < got[j].CheckID })
	equal(t, "opening event payloads", got, []store.FindingEvent{
		{Fingerprint: fpA1, Transition: finding.Opened, ScanID: sc[1].ID, CheckID: "c1", Severity: "high", AssetUID: a,
			AssetType: "aws.s3.bucket", AssetName: "a", Provider: "aws", Account: acct, Region: "us-east-1",
			Status: finding.StateOpen, FirstSeen: day(0), OpenedAt: day(0)},
		{Fingerprint: fpA3, Transition: finding.NewlySuppressed, Reason: "EXC-1", ScanID: sc[1].ID, CheckID: "c3", Severity: "medium",
			AssetUID: a, AssetType: "aws.s3.bucket", AssetName: "a", Provider: "aws", Account: acct, Region: "us-east-1",
			Status: finding.StateSuppressed, FirstSeen: day(0), OpenedAt: day(0), ExceptionID: "EXC-1"},
	})

	changeKeys := func(cs []store.FindingChange) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s %s %s %s", c.ScanID, c.Transition, names[c.Finding.Fingerprint], c.Reason))
		}
		sort.Strings(out)
		return out
	}
	ch, err := s.FindingChanges(ctx, sc[1].ID, sc[3].ID)
	must(t, err)
	equal(t, "changes after scan 1 up to scan 3", changeKeys(ch), []string{
		sc[2].ID + " resolved c1/a passed",
		sc[2].ID + " unsuppressed c3/a " + finding.ReasonNoException,
		sc[3].ID + " reopened c1/a " + finding.ReasonFailedAgain,
	})
	ch, err = s.FindingChanges(ctx, "", sc[1].ID)
	must(t, err)
	equal(t, "changes up to scan 1", changeKeys(ch), []string{sc[1].ID + " opened c1/a ", sc[1].ID + " suppressed c3/a EXC-1"})
	if len(ch) > 0 && (ch[0].Finding.Fingerprint == "" || ch[0].At.IsZero()) {
		t.Errorf("change without its finding or time: %+v", ch[0])
	}
	ch, err = s.FindingChanges(ctx, sc[3].ID, sc[4].ID)
	must(t, err)
	if len(ch) != 0 {
		t.Errorf("the partial scan changed %v", changeKeys(ch))
	}
}

func testReconcileIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(1))
	var rs1, rs2 []finding.Result
	for i := range 40 {
		uid := fmt.Sprintf("arn:aws:s3:::b%02d", i)
		rs1 = append(rs1, mkResult("c1", uid, "111111111111", finding.Fail, "high", day(0)))
		st := []finding.Status{finding.Fail, finding.Pass, finding.Error, finding.NotApplicable}[i%4]
		rs2 = append(rs2, mkResult("c1", uid, "111111111111", st, "high", day(1)))
	}
	must(t, s.PutResults(ctx, s1.ID, rs1))
	must(t, s.PutResults(ctx, s2.ID, rs2))
	reconcile(t, s, s1, day(0))
	first := reconcile(t, s, s2, day(1))
	equal(t, "summary", first, finding.ReconcileSummary{Evaluated: 40, Resolved: 20})

	snapshot := func() ([]finding.Finding, [][]finding.HistoryEntry, []store.Event) {
		fs, err := s.Findings(ctx, store.FindingFilter{})
		must(t, err)
		var hs [][]finding.HistoryEntry
		for _, f := range fs {
			h, err := s.FindingHistory(ctx, f.Fingerprint)
			must(t, err)
			hs = append(hs, h)
		}
		return fs, hs, allEvents(t, s)
	}
	f1, h1, e1 := snapshot()
	again := reconcile(t, s, s2, day(1).Add(time.Hour))
	equal(t, "summary of a repeated reconcile", again, finding.ReconcileSummary{Evaluated: 40})
	f2, h2, e2 := snapshot()
	equal(t, "findings after a repeated reconcile", f2, f1)
	if !reflect.DeepEqual(h1, h2) {
		t.Error("a repeated reconcile changed the history")
	}
	if len(e2) != len(e1) {
		t.Errorf("a repeated reconcile added %d events", len(e2)-len(e1))
	}
}

// A late, redelivered scan older than a finding's latest evaluation
// changes nothing.
func testReconcileStale(t *testing.T, s store.Store) {
	ctx := context.Background()
	const uid = "arn:aws:s3:::a"
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(1))
	must(t, s.PutResults(ctx, s1.ID, []finding.Result{mkResult("c1", uid, "111111111111", finding.Fail, "high", day(0))}))
	must(t, s.PutResults(ctx, s2.ID, []finding.Result{mkResult("c1", uid, "111111111111", finding.Pass, "high", day(1))}))
	reconcile(t, s, s1, day(0))
	reconcile(t, s, s2, day(1))
	before := getFinding(t, s, "c1", uid)
	sum := reconcile(t, s, s1, day(2))
	equal(t, "summary of a stale reconcile", sum, finding.ReconcileSummary{})
	equal(t, "finding after a stale reconcile", getFinding(t, s, "c1", uid), before)
}

func testReconcileValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", t0)
	for _, tc := range []struct {
		name string
		req  store.ReconcileRequest
		want string
	}{
		{"empty scan", store.ReconcileRequest{At: t0}, "scan"},
		{"zero time", store.ReconcileRequest{ScanID: sc.ID}, "time"},
		{"coverage without account", store.ReconcileRequest{ScanID: sc.ID, At: t0,
			Coverage: []collect.Coverage{{Provider: "aws", ResourceTypes: []string{"aws.s3.bucket"}}}}, "coverage 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Reconcile(ctx, tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// testDeletedAssets: an asset missing from a scope the scan listed
// completely is deleted, and only there.
func testDeletedAssets(t *testing.T, s store.Store) {
	ctx := context.Background()
	const (
		acctA, acctB = "111111111111", "222222222222"
		bucket       = "aws.s3.bucket"
		volume       = "aws.ec2.volume"
		user         = "aws.iam.user"
	)
	x := mkAsset(t, "arn:x", acctA, "us-east-1", bucket, 1, day(0))
	y := mkAsset(t, "arn:y", acctA, "eu-west-1", bucket, 1, day(0))
	z := mkAsset(t, "arn:z", acctB, "us-east-1", bucket, 1, day(0))
	w := mkAsset(t, "arn:w", acctA, "us-east-1", volume, 1, day(0))
	g := mkAsset(t, "arn:g", acctA, asset.Global, user, 1, day(0))
	all := []asset.Asset{x, y, z, w, g}
	s1 := newScan(t, s, "aws", day(0))
	must(t, s.PutAssets(ctx, s1.ID, all))
	var rs []finding.Result
	for _, a := range all {
		rs = append(rs, mkResult("c1", a.UID, a.Account, finding.Fail, "high", day(0)))
	}
	must(t, s.PutResults(ctx, s1.ID, rs))
	reconcile(t, s, s1, day(0))

	// The second scan lists buckets and volumes of account A in us-east-1
	// and A's IAM users, and sees only w.
	s2 := newScan(t, s, "aws", day(1))
	w2 := w
	w2.CollectedAt = day(1)
	must(t, s.PutAssets(ctx, s2.ID, []asset.Asset{w2}))
	deletedAt := day(1).Add(time.Hour)
	sum := reconcile(t, s, s2, deletedAt,
		collect.Coverage{Provider: "aws", Account: acctA, Region: "us-east-1", ResourceTypes: []string{bucket, volume}},
		collect.Coverage{Provider: "aws", Account: acctA, ResourceTypes: []string{user}})
	equal(t, "summary", sum, finding.ReconcileSummary{Resolved: 2, DeletedAssets: 2})
	for _, a := range all {
		f := getFinding(t, s, "c1", a.UID)
		gone := a.UID == x.UID || a.UID == g.UID
		if gone && (f.Status != finding.StateResolved || f.ResolvedReason != finding.ReasonDeleted || !f.ResolvedAt.Equal(deletedAt)) {
			t.Errorf("finding of deleted %s: %+v", a.UID, f)
		}
		if !gone && f.Status != finding.StateOpen {
			t.Errorf("finding of %s (not deleted) is %s", a.UID, f.Status)
		}
	}
	present, err := s.Assets(ctx, store.AssetFilter{})
	must(t, err)
	equal(t, "current assets", uidsOf(present), []string{w.UID, y.UID, z.UID})
	withDeleted, err := s.Assets(ctx, store.AssetFilter{IncludeDeleted: true})
	must(t, err)
	equal(t, "assets with deleted", uidsOf(withDeleted), []string{g.UID, w.UID, x.UID, y.UID, z.UID})
	got, err := s.GetAsset(ctx, x.UID)
	must(t, err)
	equal(t, "deleted asset as last seen", got, x)
	versions, err := s.AssetVersions(ctx, x.UID)
	must(t, err)
	if len(versions) != 1 || versions[0].DeletedScanID != s2.ID || !versions[0].DeletedAt.Equal(deletedAt) || versions[0].LastScanID != s1.ID {
		t.Errorf("versions of the deleted asset: %+v", versions)
	}
	h, err := s.FindingHistory(ctx, finding.Fingerprint("c1", x.UID))
	must(t, err)
	equal(t, "history of the deleted asset's finding", h, []finding.HistoryEntry{
		{At: day(0), ScanID: s1.ID, Status: finding.Fail, Transition: finding.Opened},
		{At: deletedAt, ScanID: s2.ID, Transition: finding.Resolved, Reason: finding.ReasonDeleted},
	})

	// A sighting by a newer scan is not contradicted by an older one.
	s3 := newScan(t, s, "aws", day(2))
	s4 := newScan(t, s, "aws", day(3))
	y4 := y
	y4.CollectedAt = day(3)
	must(t, s.PutAssets(ctx, s4.ID, []asset.Asset{y4}))
	sum = reconcile(t, s, s3, day(3).Add(time.Hour),
		collect.Coverage{Provider: "aws", Account: acctA, Region: "eu-west-1", ResourceTypes: []string{bucket}})
	equal(t, "summary of an older scan", sum, finding.ReconcileSummary{})

	// The deleted asset comes back, unchanged and still failing: a new
	// version, and its finding reopens.
	s5 := newScan(t, s, "aws", day(4))
	x5 := x
	x5.CollectedAt = day(4)
	must(t, s.PutAssets(ctx, s5.ID, []asset.Asset{x5}))
	must(t, s.PutResults(ctx, s5.ID, []finding.Result{mkResult("c1", x.UID, acctA, finding.Fail, "high", day(4))}))
	sum = reconcile(t, s, s5, day(4))
	equal(t, "summary of the return", sum, finding.ReconcileSummary{Evaluated: 1, Reopened: 1})
	versions, err = s.AssetVersions(ctx, x.UID)
	must(t, err)
	if len(versions) != 2 || versions[0].DeletedScanID != s2.ID || versions[1].DeletedScanID != "" || versions[1].FirstScanID != s5.ID {
		t.Errorf("versions after the return: %+v", versions)
	}
	if f := getFinding(t, s, "c1", x.UID); f.Status != finding.StateOpen || f.ReopenCount != 1 {
		t.Errorf("finding after the return: %+v", f)
	}
	present, err = s.Assets(ctx, store.AssetFilter{})
	must(t, err)
	equal(t, "current assets after the return", uidsOf(present), []string{w.UID, x.UID, y.UID, z.UID})
	// Reconciling the deleting scan again deletes nothing more.
	sum = reconcile(t, s, s2, deletedAt,
		collect.Coverage{Provider: "aws", Account: acctA, Region: "us-east-1", ResourceTypes: []string{bucket, volume}},
		collect.Coverage{Provider: "aws", Account: acctA, ResourceTypes: []string{user}})
	equal(t, "summary of the deleting scan again", sum, finding.ReconcileSummary{Evaluated: 0})
}

func uidsOf(as []asset.Asset) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.UID)
	}
	return out
}

func testReopenSuppressed(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", day(0))
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{
		suppressed(mkResult("c1", "arn:a", "111111111111", finding.Fail, "high", day(0)), "EXC-1"),
		suppressed(mkResult("c1", "arn:b", "111111111111", finding.Fail, "high", day(0)), "EXC-1"),
		suppressed(mkResult("c1", "arn:c", "111111111111", finding.Fail, "high", day(0)), "EXC-2"),
		mkResult("c2", "arn:a", "111111111111", finding.Fail, "high", day(0)),
	}))
	reconcile(t, s, sc, day(0))
	n, err := s.ReopenSuppressed(ctx, "EXC-1", day(1))
	must(t, err)
	if n != 2 {
		t.Errorf("reopened %d, want 2", n)
	}
	for uid, want := range map[string]finding.State{"arn:a": finding.StateOpen, "arn:b": finding.StateOpen, "arn:c": finding.StateSuppressed} {
		f := getFinding(t, s, "c1", uid)
		if f.Status != want {
			t.Errorf("%s: %s, want %s", uid, f.Status, want)
		}
		if want == finding.StateOpen && (f.ExceptionID != "" || !f.ChangedAt.Equal(day(1)) || !f.OpenedAt.Equal(day(0)) || f.ReopenCount != 0) {
			t.Errorf("%s after its exception ended: %+v", uid, f)
		}
	}
	h, err := s.FindingHistory(ctx, finding.Fingerprint("c1", "arn:a"))
	must(t, err)
	equal(t, "history", h, []finding.HistoryEntry{
		{At: day(0), ScanID: sc.ID, Status: finding.Suppressed, Transition: finding.NewlySuppressed, Reason: "EXC-1", ExceptionID: "EXC-1"},
		{At: day(1), Transition: finding.Unsuppressed, Reason: finding.ReasonExceptionEnd + " (EXC-1)", ExceptionID: "EXC-1"},
	})
	es, err := s.Events(ctx, store.EventFilter{Types: []string{"finding.unsuppressed"}})
	must(t, err)
	if len(es) != 2 || !es[0].Time.Equal(day(1)) {
		t.Errorf("unsuppressed events %+v", es)
	}
	n, err = s.ReopenSuppressed(ctx, "EXC-1", day(2))
	must(t, err)
	if n != 0 {
		t.Errorf("second reopen: %d", n)
	}
	if _, err := s.ReopenSuppressed(ctx, "", day(2)); err == nil {
		t.Error("empty exception ID accepted")
	}
	if _, err := s.ReopenSuppressed(ctx, "EXC-2", time.Time{}); err == nil {
		t.Error("zero time accepted")
	}
}

func testCoverFindings(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", day(0))
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{
		mkResult("c1", "arn:a", "111111111111", finding.Fail, "high", day(0)),
		mkResult("c1", "arn:b", "111111111111", finding.Fail, "high", day(0)),
		suppressed(mkResult("c1", "arn:c", "111111111111", finding.Fail, "high", day(0)), "EXC-2"),
		mkResult("c1", "arn:d", "111111111111", finding.Fail, "high", day(0)),
	}))
	reconcile(t, s, sc, day(0))
	sc2 := newScan(t, s, "aws", day(1))
	must(t, s.PutResults(ctx, sc2.ID, []finding.Result{mkResult("c1", "arn:d", "111111111111", finding.Pass, "high", day(1))}))
	reconcile(t, s, sc2, day(1))
	fp := func(uid string) string { return finding.Fingerprint("c1", uid) }
	type state struct {
		status finding.State
		exc    string
	}
	expect := func(when string, want map[string]state) {
		t.Helper()
		for uid, w := range want {
			if f := getFinding(t, s, "c1", uid); f.Status != w.status || f.ExceptionID != w.exc {
				t.Errorf("%s, %s: %s by %q, want %s by %q", when, uid, f.Status, f.ExceptionID, w.status, w.exc)
			}
		}
	}

	// a and b are open, c suppressed by another exception, d resolved,
	// and the last fingerprint names no finding: only a moves.
	covered := []string{fp("arn:a"), fp("arn:c"), fp("arn:d"), "nosuchfinding"}
	res, err := s.CoverFindings(ctx, "EXC-1", covered, day(2))
	must(t, err)
	if res != (store.CoverResult{Suppressed: 1}) {
		t.Errorf("approval: %+v, want 1 suppressed", res)
	}
	expect("after the approval", map[string]state{"arn:a": {finding.StateSuppressed, "EXC-1"}, "arn:b": {finding.StateOpen, ""},
		"arn:c": {finding.StateSuppressed, "EXC-2"}, "arn:d": {finding.StateResolved, ""}})
	if f := getFinding(t, s, "c1", "arn:a"); !f.ChangedAt.Equal(day(2)) || !f.OpenedAt.Equal(day(0)) || f.LastStatus != finding.Fail {
		t.Errorf("suppressed finding %+v", f)
	}
	es, err := s.Events(ctx, store.EventFilter{Types: []string{"finding.suppressed"}, Since: day(2)})
	must(t, err)
	if len(es) != 1 || es[0].Subject != fp("arn:a") || !es[0].Time.Equal(day(2)) {
		t.Errorf("suppressed events %+v", es)
	} else {
		var p store.FindingEvent
		must(t, json.Unmarshal(es[0].Payload, &p))
		if p.Status != finding.StateSuppressed || p.ExceptionID != "EXC-1" || p.AssetUID != "arn:a" || p.CheckID != "c1" {
			t.Errorf("suppressed event payload %s", es[0].Payload)
		}
	}
	// The same coverage again changes nothing.
	res, err = s.CoverFindings(ctx, "EXC-1", covered, day(3))
	must(t, err)
	if res != (store.CoverResult{}) {
		t.Errorf("same coverage again: %+v", res)
	}

	// Narrowed to b: b is suppressed, a opens again, c keeps EXC-2.
	res, err = s.CoverFindings(ctx, "EXC-1", []string{fp("arn:b")}, day(4))
	must(t, err)
	if res != (store.CoverResult{Suppressed: 1, Reopened: 1}) {
		t.Errorf("narrowing: %+v, want 1 suppressed and 1 reopened", res)
	}
	expect("after the narrowing", map[string]state{"arn:a": {finding.StateOpen, ""}, "arn:b": {finding.StateSuppressed, "EXC-1"},
		"arn:c": {finding.StateSuppressed, "EXC-2"}})
	h, err := s.FindingHistory(ctx, fp("arn:a"))
	must(t, err)
	equal(t, "history", h, []finding.HistoryEntry{
		{At: day(0), ScanID: sc.ID, Status: finding.Fail, Transition: finding.Opened},
		{At: day(2), Transition: finding.NewlySuppressed, Reason: "EXC-1", ExceptionID: "EXC-1"},
		{At: day(4), Transition: finding.Unsuppressed, Reason: finding.ReasonNoException + " (EXC-1)", ExceptionID: "EXC-1"},
	})
	// Covering nothing releases everything it suppressed.
	if res, err = s.CoverFindings(ctx, "EXC-1", nil, day(5)); err != nil || res != (store.CoverResult{Reopened: 1}) {
		t.Errorf("no fingerprints: %+v, %v", res, err)
	}
	expect("covering nothing", map[string]state{"arn:b": {finding.StateOpen, ""}, "arn:c": {finding.StateSuppressed, "EXC-2"}})
	if _, err := s.CoverFindings(ctx, "", covered, day(5)); err == nil {
		t.Error("empty exception ID accepted")
	}
	if _, err := s.CoverFindings(ctx, "EXC-1", covered, time.Time{}); err == nil {
		t.Error("zero time accepted")
	}
}

func testFindingFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	const acctA, acctB = "111111111111", "222222222222"
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(1))
	must(t, s.PutResults(ctx, s1.ID, []finding.Result{
		mkResult("c1", "arn:a", acctA, finding.Fail, "critical", day(0)),
		mkResult("c2", "arn:b", acctB, finding.Fail, "low", day(0)),
	}))
	must(t, s.PutResults(ctx, s2.ID, []finding.Result{
		mkResult("c3", "arn:c", acctA, finding.Fail, "high", day(1)),
		mkResult("c1", "arn:d", acctB, finding.Fail, "critical", day(1)),
		mkResult("c2", "arn:b", acctB, finding.Pass, "low", day(1)),
	}))
	reconcile(t, s, s1, day(0))
	reconcile(t, s, s2, day(1))
	a, b, c, d := "c1 arn:a", "c2 arn:b", "c3 arn:c", "c1 arn:d"
	for _, tc := range []struct {
		name string
		f    store.FindingFilter
		want []string
	}{
		{"all, worst and oldest first", store.FindingFilter{}, []string{a, d, c, b}},
		{"open", store.FindingFilter{Statuses: []finding.State{finding.StateOpen}}, []string{a, d, c}},
		{"resolved", store.FindingFilter{Statuses: []finding.State{finding.StateResolved}}, []string{b}},
		{"severity", store.FindingFilter{Severities: []string{"critical"}}, []string{a, d}},
		{"account", store.FindingFilter{Accounts: []string{acctB}}, []string{d, b}},
		{"check", store.FindingFilter{CheckIDs: []string{"c1"}}, []string{a, d}},
		{"asset", store.FindingFilter{AssetUID: "arn:c"}, []string{c}},
		{"changed since", store.FindingFilter{ChangedSince: day(1)}, []string{d, c, b}},
		{"limit", store.FindingFilter{Limit: 2}, []string{a, d}},
		{"combined", store.FindingFilter{Statuses: []finding.State{finding.StateOpen}, Accounts: []string{acctA}}, []string{a, c}},
		{"no match", store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Findings(ctx, tc.f)
			must(t, err)
			equal(t, "findings", fingerprints(got), tc.want)
		})
	}
}

func testFindingStats(t *testing.T, s store.Store) {
	ctx := context.Background()
	const acctA, acctB = "111111111111", "222222222222"
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(2))
	s3 := newScan(t, s, "aws", day(5))
	must(t, s.PutResults(ctx, s1.ID, []finding.Result{
		mkResult("c1", "arn:a", acctA, finding.Fail, "critical", day(0)),
		mkResult("c2", "arn:b", acctA, finding.Fail, "high", day(0)),
		mkResult("c3", "arn:c", acctB, finding.Fail, "high", day(0)),
		suppressed(mkResult("c4", "arn:e", acctB, finding.Fail, "low", day(0)), "EXC-1"),
	}))
	must(t, s.PutResults(ctx, s2.ID, []finding.Result{mkResult("c2", "arn:b", acctA, finding.Pass, "high", day(2))}))
	must(t, s.PutResults(ctx, s3.ID, []finding.Result{
		mkResult("c2", "arn:b", acctA, finding.Fail, "high", day(5)),
		mkResult("c3", "arn:c", acctB, finding.Pass, "high", day(5)),
	}))
	reconcile(t, s, s1, day(0))
	reconcile(t, s, s2, day(2))
	reconcile(t, s, s3, day(5))

	got, err := s.FindingStats(ctx, store.StatsQuery{Now: day(10), Days: 11})
	must(t, err)
	dd := 24 * time.Hour
	perDay := make([]store.DayCount, 11)
	for i := range perDay {
		perDay[i].Day = day(i).Format(time.DateOnly)
	}
	perDay[0].Opened = 3
	perDay[2].Resolved = 1
	perDay[5].Reopened, perDay[5].Resolved = 1, 1
	equal(t, "stats", got, store.FindingStats{
		Now: day(10), Open: 2, Suppressed: 1, Resolved: 1,
		OpenBySeverity: map[string]int{"critical": 1, "high": 1},
		OpenByCheck:    map[string]int{"c1": 1, "c2": 1},
		OpenByAccount:  map[string]int{acctA: 2},
		AgeBySeverity: map[string]store.AgeStats{
			"critical": {Count: 1, Mean: 10 * dd, Max: 10 * dd},
			"high":     {Count: 1, Mean: 5 * dd, Max: 5 * dd},
		},
		Remediations: 2, MeanTimeToRemediate: 7 * dd / 2,
		PerDay: perDay,
	})
	got, err = s.FindingStats(ctx, store.StatsQuery{Now: day(10)})
	must(t, err)
	if len(got.PerDay) != 30 || got.PerDay[29].Day != day(10).Format(time.DateOnly) || got.PerDay[19].Opened != 3 {
		t.Errorf("default range: %d days, last %+v", len(got.PerDay), got.PerDay[len(got.PerDay)-1])
	}
	if _, err := s.FindingStats(ctx, store.StatsQuery{}); err == nil {
		t.Error("stats without a time accepted")
	}
}

func testAssetChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	const acct = "111111111111"
	mk := func(uid string, v int, d int) asset.Asset {
		return mkAsset(t, uid, acct, "us-east-1", "aws.s3.bucket", v, day(d))
	}
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(1))
	s3 := newScan(t, s, "aws", day(2))
	a1, b1, c1 := mk("arn:a", 1, 0), mk("arn:b", 1, 0), mk("arn:c", 1, 0)
	must(t, s.PutAssets(ctx, s1.ID, []asset.Asset{a1, b1, c1}))
	a2, b2, d2 := mk("arn:a", 2, 1), mk("arn:b", 1, 1), mk("arn:d", 1, 1)
	must(t, s.PutAssets(ctx, s2.ID, []asset.Asset{a2, b2, d2}))
	reconcile(t, s, s2, day(1), collect.Coverage{Provider: "aws", Account: acct, Region: "us-east-1", ResourceTypes: []string{"aws.s3.bucket"}})
	a3 := mk("arn:a", 1, 2) // changed back
	must(t, s.PutAssets(ctx, s3.ID, []asset.Asset{a3, mk("arn:b", 1, 2), mk("arn:d", 1, 2)}))

	type change struct {
		UID, Kind, From, To string
	}
	hash := func(a *asset.Asset) string {
		if a == nil {
			return ""
		}
		return a.Hash
	}
	for _, tc := range []struct {
		name     string
		from, to string
		want     []change
	}{
		{"first scan against nothing", "", s1.ID, []change{{"arn:a", "added", "", a1.Hash}, {"arn:b", "added", "", b1.Hash}, {"arn:c", "added", "", c1.Hash}}},
		{"changed, removed, added", s1.ID, s2.ID, []change{{"arn:a", "changed", a1.Hash, a2.Hash}, {"arn:c", "removed", c1.Hash, ""}, {"arn:d", "added", "", d2.Hash}}},
		{"changed back is no change", s1.ID, s3.ID, []change{{"arn:c", "removed", c1.Hash, ""}, {"arn:d", "added", "", d2.Hash}}},
		{"the change back", s2.ID, s3.ID, []change{{"arn:a", "changed", a2.Hash, a1.Hash}}},
		{"same scan", s2.ID, s2.ID, []change{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AssetChanges(ctx, tc.from, tc.to)
			must(t, err)
			out := []change{}
			for _, c := range got {
				out = append(out, change{c.UID, string(c.Kind), hash(c.From), hash(c.To)})
			}
			equal(t, "changes", out, tc.want)
		})
	}
	got, err := s.AssetChanges(ctx, s1.ID, s2.ID)
	must(t, err)
	if len(got) == 3 {
		equal(t, "changed asset, as of the second scan", *got[0].To, a2)
		equal(t, "changed asset, as of the first scan", *got[0].From, a1)
	}
	if _, err := s.AssetChanges(ctx, s2.ID, s1.ID); err == nil {
		t.Error("changes from a newer scan to an older one accepted")
	}
}

func testEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := []store.Event{
		{Type: "x.a", Time: day(0), Subject: "s1", Payload: json.RawMessage(`{"k":1}`)},
		{Type: "x.b", Time: day(1), Subject: "s2"},
		{Type: "x.a", Time: day(2), Subject: "s3", Payload: json.RawMessage(`{"k":[1,2],"u":"ü"}`)},
	}
	must(t, s.AppendEvents(ctx, in))
	all := allEvents(t, s)
	if len(all) != 3 {
		t.Fatalf("%d events, want 3", len(all))
	}
	for i, e := range all {
		want := in[i]
		if i > 0 && e.ID <= all[i-1].ID {
			t.Errorf("IDs do not increase: %d after %d", e.ID, all[i-1].ID)
		}
		if e.Type != want.Type || !e.Time.Equal(want.Time) || e.Subject != want.Subject {
			t.Errorf("event %d: %+v, want %+v", i, e, want)
		}
		wantPayload := want.Payload
		if wantPayload == nil {
			wantPayload = json.RawMessage(`{}`)
		}
		var g, w any
		must(t, json.Unmarshal(e.Payload, &g))
		must(t, json.Unmarshal(wantPayload, &w))
		equal(t, fmt.Sprintf("payload %d", i), g, w)
	}
	ids := func(es []store.Event) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.EventFilter
		want []int64
	}{
		{"type", store.EventFilter{Types: []string{"x.a"}}, []int64{all[0].ID, all[2].ID}},
		{"since", store.EventFilter{Since: day(1)}, []int64{all[1].ID, all[2].ID}},
		{"after ID", store.EventFilter{AfterID: all[0].ID}, []int64{all[1].ID, all[2].ID}},
		{"limit", store.EventFilter{Limit: 1}, []int64{all[0].ID}},
		{"no match", store.EventFilter{Types: []string{"x.c"}}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Events(ctx, tc.f)
			must(t, err)
			equal(t, "event IDs", ids(got), tc.want)
		})
	}
	must(t, s.AppendEvents(ctx, []store.Event{{Type: "x.c", Time: day(3), Subject: "s4"}}))
	more, err := s.Events(ctx, store.EventFilter{AfterID: all[2].ID})
	must(t, err)
	if len(more) != 1 || more[0].ID <= all[2].ID {
		t.Errorf("later batch: %+v", more)
	}
	for _, bad := range []struct {
		name string
		e    store.Event
	}{
		{"empty type", store.Event{Time: day(0)}},
		{"zero time", store.Event{Type: "x"}},
		{"bad payload", store.Event{Type: "x", Time: day(0), Payload: json.RawMessage(`{nope`)}},
	} {
		err := s.AppendEvents(ctx, []store.Event{{Type: "ok", Time: day(9)}, bad.e})
		if err == nil || !strings.Contains(err.Error(), "event 1") {
			t.Errorf("%s: got %v, want an error naming event 1", bad.name, err)
		}
	}
	if n := len(allEvents(t, s)); n != 4 {
		t.Errorf("%d events after rejected batches, want 4", n)
	}
}

func testFindingsNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	fp := finding.Fingerprint("c1", "arn:none")
	_, err := s.GetFinding(ctx, fp)
	wantErrIs(t, "GetFinding", err, store.ErrNotFound)
	_, err = s.FindingHistory(ctx, fp)
	wantErrIs(t, "FindingHistory", err, store.ErrNotFound)
	_, err = s.Reconcile(ctx, store.ReconcileRequest{ScanID: store.NewScanID(t0), At: t0})
	wantErrIs(t, "Reconcile", err, store.ErrNotFound)
}

// testReconcileLarge reconciles batches large enough for a backend to take
// its bulk paths, with every kind of change mixed.
func testReconcileLarge(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 3000
	s1 := newScan(t, s, "aws", day(0))
	s2 := newScan(t, s, "aws", day(1))
	uid := func(i int) string { return fmt.Sprintf("arn:aws:s3:::bucket-%05d", i) }
	var r1, r2 []finding.Result
	for i := range n {
		r1 = append(r1, mkResult(fmt.Sprintf("check-%d", i%7), uid(i), "111111111111", finding.Fail, "high", day(0)))
		st := finding.Fail
		switch i % 5 {
		case 0:
			st = finding.Pass
		case 1:
			st = finding.Error
		}
		r := mkResult(fmt.Sprintf("check-%d", i%7), uid(i), "111111111111", st, "high", day(1))
		if i%11 == 0 {
			r.Severity = "critical" // a changed description is written too
		}
		r2 = append(r2, r)
	}
	must(t, s.PutResults(ctx, s1.ID, r1))
	must(t, s.PutResults(ctx, s2.ID, r2))
	equal(t, "first summary", reconcile(t, s, s1, day(0)), finding.ReconcileSummary{Evaluated: n, Opened: n})
	equal(t, "second summary", reconcile(t, s, s2, day(1)), finding.ReconcileSummary{Evaluated: n, Resolved: n / 5})
	fs, err := s.Findings(ctx, store.FindingFilter{})
	must(t, err)
	if len(fs) != n {
		t.Fatalf("%d findings, want %d", len(fs), n)
	}
	for _, f := range fs {
		var i int
		fmt.Sscanf(f.AssetUID, "arn:aws:s3:::bucket-%05d", &i)
		want := r2[i]
		wantState := finding.StateOpen
		if want.Status == finding.Pass {
			wantState = finding.StateResolved
		}
		if f.Status != wantState || f.LastStatus != want.Status || f.Severity != want.Severity || !f.LastEvaluated.Equal(day(1)) ||
			f.LastScanID != s2.ID || !f.FirstSeen.Equal(day(0)) {
			t.Fatalf("finding %d: %+v", i, f)
		}
		if want.Status == finding.Error && !f.LastSeen.Equal(day(0)) || want.Status == finding.Fail && !f.LastSeen.Equal(day(1)) {
			t.Fatalf("finding %d last seen %s after %s", i, f.LastSeen, want.Status)
		}
	}
}
