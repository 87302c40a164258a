package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

func governance(st store.Store) *Governance {
	return &Governance{Store: st, Policy: finding.DefaultPolicy(),
		Severities: func(id string) (string, bool) { return "medium", id == "test-volume-encrypted" }}
}

func eventTypes(t *testing.T, st store.Store, prefix string) []string {
	t.Helper()
	es, err := st.Events(context.Background(), store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Type, prefix) {
			out = append(out, e.Type+" "+e.Subject)
		}
	}
	return out
}

// The whole life: request, approve suppressing at once, a scan agreeing, a notice
// before the expiry, expiry reopening the finding at once, and a later
// scan leaving it open.
func TestGovernedLifecycle(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	gov := governance(st)
	clk := &clock{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	vol := volume("vol-2", false)
	fp := finding.Fingerprint("test-volume-encrypted", vol.UID)
	scan := func() *Outcome {
		t.Helper()
		sup, err := gov.Suppressor(ctx, clk.now())
		if err != nil {
			t.Fatal(err)
		}
		out, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{vol}}, Engine: testEngine(t), Store: st,
			Suppressor: sup, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	state := func() finding.Finding {
		t.Helper()
		f, err := st.GetFinding(ctx, fp)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	scan()
	if f := state(); f.Status != finding.StateOpen {
		t.Fatalf("first scan: %s", f.Status)
	}
	e, err := gov.Request(ctx, finding.Exception{Scope: finding.Scope{Checks: []string{"test-volume-encrypted"}, Assets: []string{vol.UID}},
		Reason: "old volume, deleted next month", RequestedBy: "alice", Expires: clk.now().AddDate(0, 0, 30)}, clk.now())
	if err != nil || e.ID != "EXC-0001" || e.Severity != "medium" {
		t.Fatalf("request: %+v, %v", e, err)
	}
	// A request suppresses nothing.
	clk.advance(time.Hour)
	if out := scan(); out.Results[0].Status != finding.Fail {
		t.Errorf("requested exception suppressed: %s", out.Results[0].Status)
	}
	if _, _, err := gov.Approve(ctx, e.ID, "alice", "local-ciso", "", clk.now()); problemsOf(err) == "" {
		t.Errorf("self-approval: %v", err)
	}
	approvedAt := clk.now()
	if _, n, err := gov.Approve(ctx, e.ID, "bob", "local-ciso", "fine", approvedAt); err != nil || n != 1 {
		t.Fatalf("approve: %d suppressed, %v", n, err)
	}
	// The approval suppresses at once, without a scan.
	if f := state(); f.Status != finding.StateSuppressed || f.ExceptionID != e.ID || !f.ChangedAt.Equal(approvedAt) {
		t.Errorf("finding after the approval %+v", f)
	}
	clk.advance(time.Hour)
	out := scan()
	if r := out.Results[0]; r.Status != finding.Suppressed || r.ExceptionID != e.ID {
		t.Errorf("approved exception: result %+v", r)
	}
	if out.Findings == nil || *out.Findings != (finding.ReconcileSummary{Evaluated: 1}) {
		t.Errorf("scan after the approval changed findings: %+v", out.Findings)
	}
	if f := state(); f.Status != finding.StateSuppressed || f.ExceptionID != e.ID || !f.ChangedAt.Equal(approvedAt) {
		t.Errorf("finding %+v", f)
	}

	// 16 days before the expiry nothing; at 14 the notice, once.
	clk.t = e.Expires.AddDate(0, 0, -16)
	if rep, err := gov.Sweep(ctx, clk.now()); err != nil || len(rep.Expiring) != 0 {
		t.Errorf("sweep 16 days ahead: %+v, %v", rep, err)
	}
	clk.t = e.Expires.AddDate(0, 0, -14)
	for i := range 2 {
		rep, err := gov.Sweep(ctx, clk.now())
		if err != nil || len(rep.Expiring) != 1-i {
			t.Errorf("sweep %d at 14 days: %+v, %v", i, rep, err)
		}
	}

	// At the expiry the finding reopens at once, without a scan.
	clk.t = e.Expires
	rep, err := gov.Sweep(ctx, clk.now())
	if err != nil || !slices.Equal(rep.Expired, []string{e.ID}) || rep.Reopened != 1 {
		t.Fatalf("expiry sweep: %+v, %v", rep, err)
	}
	if f := state(); f.Status != finding.StateOpen || f.ExceptionID != "" || !f.ChangedAt.Equal(clk.now()) {
		t.Errorf("finding after the expiry %+v", f)
	}
	stored, err := st.GetException(ctx, e.ID)
	if err != nil || stored.State != finding.ExceptionExpired || !stored.ClosedAt.Equal(clk.now()) {
		t.Errorf("exception after the expiry %+v, %v", stored, err)
	}
	want := []string{"exception.requested EXC-0001", "exception.approved EXC-0001", "exception.expiring EXC-0001", "exception.expired EXC-0001"}
	if got := eventTypes(t, st, "exception."); !slices.Equal(got, want) {
		t.Errorf("exception events %v, want %v", got, want)
	}
	es, err := st.Events(ctx, store.EventFilter{Types: []string{finding.EventExceptionExpired}})
	if err != nil || len(es) != 1 {
		t.Fatal(es, err)
	}
	var payload store.ExceptionEvent
	if err := json.Unmarshal(es[0].Payload, &payload); err != nil || payload.ReopenedFindings != 1 || payload.ApprovedBy != "bob" {
		t.Errorf("expired event %s", es[0].Payload)
	}
	if got := eventTypes(t, st, "finding.unsuppressed"); len(got) != 1 {
		t.Errorf("unsuppressed events %v", got)
	}
	h, err := st.ExceptionHistory(ctx, e.ID)
	if err != nil || len(h) != 3 || h[2].To != finding.ExceptionExpired || h[2].Actor != finding.SystemActor || h[1].Actor != "bob" {
		t.Errorf("audit trail %+v, %v", h, err)
	}

	// Nothing suppresses it any more.
	clk.advance(time.Hour)
	if out := scan(); out.Results[0].Status != finding.Fail || *out.Findings != (finding.ReconcileSummary{Evaluated: 1}) {
		t.Errorf("scan after the expiry: %+v, %+v", out.Results[0], out.Findings)
	}
	if _, _, err := gov.Approve(ctx, e.ID, "bob", "local-ciso", "", clk.now()); problemsOf(err) == "" {
		t.Errorf("approving an expired exception: %v", err)
	}
}

func problemsOf(err error) string {
	var inv *finding.InvalidError
	if errors.As(err, &inv) {
		return inv.Error()
	}
	return ""
}

// Revoking reopens at once; a finding left suppressed by an exception
// that is not active (a scan racing a revocation, a crash) reopens at the
// next sweep.
func TestRevokeAndOrphans(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	gov := governance(st)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	vol2, vol3 := volume("vol-2", false), volume("vol-3", false)
	e, err := gov.Request(ctx, finding.Exception{ID: "EXC-A", Scope: finding.Scope{Checks: []string{"test-volume-encrypted"}, Assets: []string{vol2.UID}},
		Reason: "r", RequestedBy: "alice", Expires: now.AddDate(0, 0, 10)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gov.Request(ctx, e, now); err == nil {
		t.Error("a second request with the same ID was accepted")
	}
	if _, _, err := gov.Approve(ctx, e.ID, "bob", "global-ciso", "", now); err != nil {
		t.Fatal(err)
	}
	sup, err := gov.Suppressor(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	ghost := &devOnly{}
	vol3.Tags = map[string]string{"env": "dev"}
	if _, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{vol2, vol3}}, Engine: testEngine(t), Store: st,
		Suppressor: finding.FirstOf(sup, ghost), Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	_, n, err := gov.Revoke(ctx, e.ID, "carol", "", "fixed properly", now.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("revoke: %d reopened, %v", n, err)
	}
	// vol-3 is suppressed by EXC-DEV, which the store does not hold.
	rep, err := gov.Sweep(ctx, now.Add(2*time.Hour))
	if err != nil || rep.Reopened != 1 {
		t.Errorf("orphan sweep %+v, %v", rep, err)
	}
	fs, err := st.Findings(ctx, store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}})
	if err != nil || len(fs) != 0 {
		t.Errorf("still suppressed: %+v, %v", fs, err)
	}
	if _, _, err := gov.Revoke(ctx, "EXC-NONE", "carol", "", "x", now); !errors.Is(err, ErrUnknownException) {
		t.Errorf("revoking an unknown exception: %v", err)
	}
}

func declared(e finding.Exception, line int) finding.Declared {
	return finding.NewDeclared(e, "team.yaml", line, map[string]int{"expires": line + 3, "approverRole": line + 5})
}

// Import checks every declaration first and writes nothing unless all are
// valid; it creates, approves, leaves alone and withdraws approvals.
func TestImport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	gov := governance(st)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	base := finding.Exception{ID: "EXC-F", Scope: finding.Scope{Checks: []string{"test-volume-encrypted"}, Accounts: []string{"111111111111"}},
		Reason: "r", RequestedBy: "alice", Created: now, Expires: now.AddDate(0, 0, 60)}
	tooLong := base
	tooLong.ID, tooLong.Expires = "EXC-G", now.AddDate(0, 0, 200)
	badRole := base
	badRole.ID, badRole.State, badRole.ApprovedBy, badRole.ApproverRole, badRole.ApprovedAt = "EXC-H", finding.ExceptionApproved, "bob", "ceo", now
	_, err := gov.Import(ctx, []finding.Declared{declared(base, 2), declared(tooLong, 20), declared(badRole, 40)}, "ci", "team.yaml", now, false)
	for _, w := range []string{"team.yaml:23: exception EXC-G: expires: wider than allowed", "team.yaml:45: exception EXC-H: approverRole"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("import errors lack %q: %v", w, err)
		}
	}
	if exs, _ := st.Exceptions(ctx, store.ExceptionFilter{}); len(exs) != 0 {
		t.Fatalf("a refused import wrote %d exceptions", len(exs))
	}

	step := func(e finding.Exception, wantAction string, wantReopened int) {
		t.Helper()
		res, err := gov.Import(ctx, []finding.Declared{declared(e, 2)}, "ci", "team.yaml", now, false)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Action != wantAction || res[0].Reopened != wantReopened {
			t.Errorf("import of %s: %+v, want %s", e.State, res[0], wantAction)
		}
	}
	step(base, "created", 0)
	step(base, "unchanged", 0)
	appr := base
	appr.State, appr.ApprovedBy, appr.ApproverRole, appr.ApprovedAt = finding.ExceptionApproved, "bob", "local-ciso", now
	step(appr, "updated", 0)
	sup, err := gov.Suppressor(ctx, now)
	if err != nil || sup.Len() != 1 {
		t.Fatalf("suppressor %v, %v", sup, err)
	}
	if _, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{volume("vol-2", false)}}, Engine: testEngine(t), Store: st,
		Suppressor: sup, Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	step(base, "updated", 1) // the file withdraws the approval
	want := []string{"exception.requested EXC-F", "exception.approved EXC-F", "exception.requested EXC-F"}
	if got := eventTypes(t, st, "exception."); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	res, err := gov.Import(ctx, []finding.Declared{declared(appr, 2)}, "ci", "team.yaml", now, true)
	if err != nil || res[0].Action != "updated" {
		t.Errorf("dry run %+v, %v", res, err)
	}
	if e, _ := st.GetException(ctx, "EXC-F"); e.State != finding.ExceptionRequested {
		t.Errorf("a dry run wrote: %s", e.State)
	}
}

func TestExceptionStats(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	gov := governance(st)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, days int, approve bool, accounts ...string) {
		t.Helper()
		e, err := gov.Request(ctx, finding.Exception{ID: id, Scope: finding.Scope{Checks: []string{"test-volume-encrypted"}, Accounts: accounts},
			Reason: "r", RequestedBy: "alice", Expires: now.AddDate(0, 0, days)}, now)
		if err != nil {
			t.Fatal(err)
		}
		if approve {
			if _, _, err := gov.Approve(ctx, e.ID, "bob", "local-ciso", "", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("A", 10, true, "111111111111")
	mk("B", 100, true)
	mk("C", 20, false)
	s, err := gov.Stats(ctx, now, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if s.Active != 2 || s.ByState[finding.ExceptionRequested] != 1 || s.ActiveBySeverity["medium"] != 2 ||
		s.ActiveByCheck["test-volume-encrypted"] != 2 || s.ActiveByAccount["111111111111"] != 1 || s.ActiveByAccount["*"] != 1 ||
		len(s.Expiring) != 1 || s.Expiring[0].ID != "A" || s.Expiring[0].DaysLeft != 10 {
		t.Errorf("stats %+v", s)
	}
}

// An approved declaration takes effect at import: it suppresses what it
// covers, and narrowed it releases what it no longer covers, each at once.
func TestImportCoversAtOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	gov := governance(st)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	vol2, vol3 := volume("vol-2", false), volume("vol-3", false)
	if _, err := Scan(ctx, Options{Collector: &fakeCollector{assets: []asset.Asset{vol2, vol3}}, Engine: testEngine(t), Store: st,
		Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	e := finding.Exception{ID: "EXC-V", Scope: finding.Scope{Checks: []string{"test-volume-encrypted"}, Assets: []string{vol2.UID, vol3.UID}},
		Reason: "r", RequestedBy: "alice", Created: now, Expires: now.AddDate(0, 0, 60),
		State: finding.ExceptionApproved, ApprovedBy: "bob", ApproverRole: "local-ciso", ApprovedAt: now}
	status := func(v asset.Asset) finding.State {
		t.Helper()
		f, err := st.GetFinding(ctx, finding.Fingerprint("test-volume-encrypted", v.UID))
		if err != nil {
			t.Fatal(err)
		}
		return f.Status
	}
	step := func(e finding.Exception, at time.Time, suppressed, reopened int) {
		t.Helper()
		res, err := gov.Import(ctx, []finding.Declared{declared(e, 2)}, "ci", "team.yaml", at, false)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].State != finding.ExceptionApproved || res[0].Suppressed != suppressed || res[0].Reopened != reopened {
			t.Errorf("import: %+v, want %d suppressed and %d reopened", res[0], suppressed, reopened)
		}
	}
	step(e, now, 2, 0)
	if status(vol2) != finding.StateSuppressed || status(vol3) != finding.StateSuppressed {
		t.Errorf("after the import: %s, %s", status(vol2), status(vol3))
	}
	narrowed := e
	narrowed.Scope.Assets = []string{vol2.UID}
	step(narrowed, now.Add(time.Hour), 0, 1)
	if status(vol2) != finding.StateSuppressed || status(vol3) != finding.StateOpen {
		t.Errorf("after the narrowing: %s, %s", status(vol2), status(vol3))
	}
	h, err := st.FindingHistory(ctx, finding.Fingerprint("test-volume-encrypted", vol3.UID))
	if err != nil || len(h) != 3 || h[2].Transition != finding.Unsuppressed || h[2].Reason != finding.ReasonNoException+" (EXC-V)" {
		t.Errorf("history of the released finding %+v, %v", h, err)
	}
}
