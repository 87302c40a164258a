package finding

import (
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

func result(st Status, at time.Time) *Result {
	r := &Result{CheckID: "aws-ec2-sg-internet-ssh", Severity: "high", AssetUID: "arn:aws:ec2:us-east-1:1:security-group/sg-1",
		AssetType: "aws.ec2.security_group", AssetName: "bastion", Provider: "aws", Account: "111111111111", Region: "us-east-1",
		Status: st, EvaluatedAt: at}
	if st == Suppressed {
		r.ExceptionID = "EXC-1"
	}
	if st == Error {
		r.Message = "AccessDenied"
	}
	return r
}

// base is a finding first seen on day 0 in state st.
func base(st State) *Finding {
	f := Finding{
		Fingerprint: Fingerprint("aws-ec2-sg-internet-ssh", "arn:aws:ec2:us-east-1:1:security-group/sg-1"),
		CheckID:     "aws-ec2-sg-internet-ssh", Severity: "high", AssetUID: "arn:aws:ec2:us-east-1:1:security-group/sg-1",
		AssetType: "aws.ec2.security_group", AssetName: "bastion", Provider: "aws", Account: "111111111111", Region: "us-east-1",
		Status: st, FirstSeen: day(0), LastSeen: day(0), OpenedAt: day(0), ChangedAt: day(0),
		LastStatus: Fail, LastEvaluated: day(0), LastScanID: "S0",
	}
	switch st {
	case StateResolved:
		f.ResolvedAt, f.ResolvedReason, f.ChangedAt, f.LastStatus, f.LastEvaluated = day(1), ReasonPassed, day(1), Pass, day(1)
	case StateSuppressed:
		f.ExceptionID, f.LastStatus = "EXC-0", Suppressed
	}
	return &f
}

func TestApply(t *testing.T) {
	at := day(3)
	for _, tc := range []struct {
		name   string
		prev   *Finding
		status Status
		// want: nil means no finding exists after the step.
		want       func(f *Finding)
		transition Transition
		reason     string
		openFor    time.Duration
	}{
		{"none + FAIL opens", nil, Fail, func(f *Finding) {
			*f = Finding{Fingerprint: base(StateOpen).Fingerprint, CheckID: "aws-ec2-sg-internet-ssh", Severity: "high",
				AssetUID: base(StateOpen).AssetUID, AssetType: "aws.ec2.security_group", AssetName: "bastion", Provider: "aws",
				Account: "111111111111", Region: "us-east-1", Status: StateOpen, FirstSeen: at, LastSeen: at, OpenedAt: at, ChangedAt: at,
				LastStatus: Fail, LastEvaluated: at, LastScanID: "S3"}
		}, Opened, "", 0},
		{"none + SUPPRESSED opens suppressed", nil, Suppressed, func(f *Finding) {
			*f = Finding{Fingerprint: base(StateOpen).Fingerprint, CheckID: "aws-ec2-sg-internet-ssh", Severity: "high",
				AssetUID: base(StateOpen).AssetUID, AssetType: "aws.ec2.security_group", AssetName: "bastion", Provider: "aws",
				Account: "111111111111", Region: "us-east-1", Status: StateSuppressed, ExceptionID: "EXC-1",
				FirstSeen: at, LastSeen: at, OpenedAt: at, ChangedAt: at, LastStatus: Suppressed, LastEvaluated: at, LastScanID: "S3"}
		}, NewlySuppressed, "EXC-1", 0},
		{"none + PASS: no finding", nil, Pass, nil, NoChange, "", 0},
		{"none + NOT_APPLICABLE: no finding", nil, NotApplicable, nil, NoChange, "", 0},
		{"none + ERROR: no finding", nil, Error, nil, NoChange, "", 0},
		{"none + MANUAL: no finding", nil, Manual, nil, NoChange, "", 0},

		{"open + FAIL stays open", base(StateOpen), Fail, func(f *Finding) {
			f.LastSeen, f.LastEvaluated, f.LastScanID = at, at, "S3"
		}, NoChange, "", 0},
		{"open + PASS resolves (passed)", base(StateOpen), Pass, func(f *Finding) {
			f.Status, f.ResolvedAt, f.ResolvedReason, f.ChangedAt = StateResolved, at, ReasonPassed, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Pass, at, "S3"
		}, Resolved, ReasonPassed, 3 * 24 * time.Hour},
		{"open + NOT_APPLICABLE resolves (not applicable)", base(StateOpen), NotApplicable, func(f *Finding) {
			f.Status, f.ResolvedAt, f.ResolvedReason, f.ChangedAt = StateResolved, at, ReasonNotApplicable, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = NotApplicable, at, "S3"
		}, Resolved, ReasonNotApplicable, 3 * 24 * time.Hour},
		{"open + ERROR stays open, recorded", base(StateOpen), Error, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID, f.Message = Error, at, "S3", "AccessDenied"
		}, NoChange, "", 0},
		{"open + MANUAL stays open", base(StateOpen), Manual, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID = Manual, at, "S3"
		}, NoChange, "", 0},
		{"open + SUPPRESSED suppresses", base(StateOpen), Suppressed, func(f *Finding) {
			f.Status, f.ExceptionID, f.ChangedAt, f.LastSeen = StateSuppressed, "EXC-1", at, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Suppressed, at, "S3"
		}, NewlySuppressed, "EXC-1", 0},

		{"resolved + FAIL reopens", base(StateResolved), Fail, func(f *Finding) {
			f.Status, f.ResolvedAt, f.ResolvedReason, f.ReopenCount = StateOpen, time.Time{}, "", 1
			f.OpenedAt, f.ChangedAt, f.LastSeen = at, at, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Fail, at, "S3"
		}, Reopened, ReasonFailedAgain, 0},
		{"resolved + PASS stays resolved", base(StateResolved), Pass, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID = Pass, at, "S3"
		}, NoChange, "", 0},
		{"resolved + NOT_APPLICABLE stays resolved", base(StateResolved), NotApplicable, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID = NotApplicable, at, "S3"
		}, NoChange, "", 0},
		{"resolved + ERROR stays resolved, recorded", base(StateResolved), Error, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID, f.Message = Error, at, "S3", "AccessDenied"
		}, NoChange, "", 0},
		{"resolved + SUPPRESSED comes back suppressed, counting a reopening", base(StateResolved), Suppressed, func(f *Finding) {
			f.Status, f.ResolvedAt, f.ResolvedReason, f.ReopenCount, f.ExceptionID = StateSuppressed, time.Time{}, "", 1, "EXC-1"
			f.OpenedAt, f.ChangedAt, f.LastSeen = at, at, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Suppressed, at, "S3"
		}, NewlySuppressed, "EXC-1", 0},

		{"suppressed + SUPPRESSED stays, under the new exception", base(StateSuppressed), Suppressed, func(f *Finding) {
			f.ExceptionID, f.LastSeen, f.LastStatus, f.LastEvaluated, f.LastScanID = "EXC-1", at, Suppressed, at, "S3"
		}, NoChange, "", 0},
		{"suppressed + FAIL opens (no exception applies)", base(StateSuppressed), Fail, func(f *Finding) {
			f.Status, f.ExceptionID, f.ChangedAt, f.LastSeen = StateOpen, "", at, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Fail, at, "S3"
		}, Unsuppressed, ReasonNoException, 0},
		{"suppressed + PASS resolves", base(StateSuppressed), Pass, func(f *Finding) {
			f.Status, f.ExceptionID, f.ResolvedAt, f.ResolvedReason, f.ChangedAt = StateResolved, "", at, ReasonPassed, at
			f.LastStatus, f.LastEvaluated, f.LastScanID = Pass, at, "S3"
		}, Resolved, ReasonPassed, 3 * 24 * time.Hour},
		{"suppressed + ERROR stays suppressed", base(StateSuppressed), Error, func(f *Finding) {
			f.LastStatus, f.LastEvaluated, f.LastScanID, f.Message = Error, at, "S3", "AccessDenied"
		}, NoChange, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var prevCopy *Finding
			if tc.prev != nil {
				cp := *tc.prev
				prevCopy = &cp
			}
			st := Apply(tc.prev, result(tc.status, at), "S3")
			if tc.prev != nil && !reflect.DeepEqual(*tc.prev, *prevCopy) {
				t.Fatal("Apply modified its input")
			}
			if tc.want == nil {
				if st.Exists {
					t.Fatalf("got a finding %+v, want none", st.Finding)
				}
				return
			}
			var want Finding
			if tc.prev != nil {
				want = *tc.prev
			}
			tc.want(&want)
			if !st.Exists || st.Stale {
				t.Fatalf("exists %v stale %v, want an existing, current finding", st.Exists, st.Stale)
			}
			if !reflect.DeepEqual(st.Finding, want) {
				t.Errorf("finding\n got %+v\nwant %+v", st.Finding, want)
			}
			if st.Transition != tc.transition || st.Reason != tc.reason || st.OpenFor != tc.openFor {
				t.Errorf("transition %q reason %q open for %s, want %q %q %s", st.Transition, st.Reason, st.OpenFor, tc.transition, tc.reason, tc.openFor)
			}
		})
	}
}

// A finding's life over several scans: the reopen count counts returns,
// and the open period restarts at each reopening.
func TestLifeAcrossScans(t *testing.T) {
	var f *Finding
	var got []Transition
	for i, st := range []Status{Fail, Fail, Pass, Pass, Fail, Error, Pass, Fail, NotApplicable} {
		step := Apply(f, result(st, day(i)), "S")
		got = append(got, step.Transition)
		if step.Exists {
			cp := step.Finding
			f = &cp
		}
	}
	want := []Transition{Opened, NoChange, Resolved, NoChange, Reopened, NoChange, Resolved, Reopened, Resolved}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	if f.ReopenCount != 2 || !f.FirstSeen.Equal(day(0)) || !f.OpenedAt.Equal(day(7)) || !f.LastSeen.Equal(day(7)) ||
		!f.ResolvedAt.Equal(day(8)) || f.ResolvedReason != ReasonNotApplicable {
		t.Errorf("final finding %+v", f)
	}
	if age := f.Age(day(30)); age != 24*time.Hour {
		t.Errorf("age of the resolved finding %s, want its last failure's length 24h", age)
	}
}

// Reconciling the same scan twice changes nothing the second time: scans
// are delivered at least once.
func TestApplyIsIdempotent(t *testing.T) {
	for _, prev := range []*Finding{nil, base(StateOpen), base(StateResolved), base(StateSuppressed)} {
		for _, st := range []Status{Fail, Suppressed, Pass, NotApplicable, Error, Manual} {
			r := result(st, day(5))
			first := Apply(prev, r, "S5")
			if !first.Exists {
				continue
			}
			again := Apply(&first.Finding, r, "S5")
			if again.Transition != NoChange || !reflect.DeepEqual(again.Finding, first.Finding) {
				t.Errorf("%v then %s twice: second step %q %+v", prev, st, again.Transition, again.Finding)
			}
		}
	}
}

func TestStaleEvaluationChangesNothing(t *testing.T) {
	prev := base(StateResolved) // last evaluated on day 1
	st := Apply(prev, result(Fail, day(0).Add(time.Hour)), "S-late")
	if !st.Stale || st.Transition != NoChange || !reflect.DeepEqual(st.Finding, *prev) {
		t.Fatalf("a late FAIL changed a finding resolved later: %+v", st)
	}
}

func TestDelete(t *testing.T) {
	at := day(4)
	for _, tc := range []struct {
		prev       *Finding
		transition Transition
	}{
		{base(StateOpen), Resolved},
		{base(StateSuppressed), Resolved},
		{base(StateResolved), NoChange},
	} {
		st := Delete(*tc.prev, at)
		if st.Transition != tc.transition {
			t.Errorf("delete %s: transition %q, want %q", tc.prev.Status, st.Transition, tc.transition)
		}
		if tc.transition == NoChange {
			if !reflect.DeepEqual(st.Finding, *tc.prev) {
				t.Errorf("delete of a resolved finding changed it")
			}
			continue
		}
		f := st.Finding
		if f.Status != StateResolved || f.ResolvedReason != ReasonDeleted || !f.ResolvedAt.Equal(at) || f.ExceptionID != "" ||
			st.OpenFor != 4*24*time.Hour || !f.LastEvaluated.Equal(tc.prev.LastEvaluated) {
			t.Errorf("delete %s: %+v (open for %s)", tc.prev.Status, f, st.OpenFor)
		}
		// The asset comes back, still failing: the finding reopens.
		back := Apply(&f, result(Fail, day(6)), "S6")
		if back.Transition != Reopened || back.Finding.ReopenCount != 1 {
			t.Errorf("reappearing asset: %q, reopen count %d", back.Transition, back.Finding.ReopenCount)
		}
	}
}

func TestUnsuppress(t *testing.T) {
	at := day(9)
	st := Unsuppress(*base(StateSuppressed), "EXC-0", at)
	if st.Transition != Unsuppressed || st.Finding.Status != StateOpen || st.Finding.ExceptionID != "" || !st.Finding.ChangedAt.Equal(at) {
		t.Errorf("expiry of its exception: %+v", st)
	}
	if !st.Finding.OpenedAt.Equal(day(0)) || st.Finding.ReopenCount != 0 {
		t.Errorf("an ended exception is no reopening, and the failure still dates from day 0: %+v", st.Finding)
	}
	for _, tc := range []struct {
		prev *Finding
		exc  string
	}{{base(StateSuppressed), "EXC-other"}, {base(StateOpen), "EXC-0"}, {base(StateResolved), "EXC-0"}, {base(StateSuppressed), ""}} {
		if st := Unsuppress(*tc.prev, tc.exc, at); st.Transition != NoChange || !reflect.DeepEqual(st.Finding, *tc.prev) {
			t.Errorf("unsuppress %s by %q changed it: %+v", tc.prev.Status, tc.exc, st)
		}
	}
}

func TestUncover(t *testing.T) {
	at := day(9)
	st := Uncover(*base(StateSuppressed), "EXC-0", at)
	if st.Transition != Unsuppressed || st.Reason != ReasonNoException+" (EXC-0)" || st.Finding.Status != StateOpen ||
		st.Finding.ExceptionID != "" || !st.Finding.ChangedAt.Equal(at) || !st.Finding.OpenedAt.Equal(day(0)) {
		t.Errorf("narrowed exception: %+v", st)
	}
	if st := Uncover(*base(StateSuppressed), "EXC-other", at); st.Transition != NoChange {
		t.Errorf("another exception's finding moved: %+v", st)
	}
}

func TestSuppress(t *testing.T) {
	at := day(9)
	st := Suppress(*base(StateOpen), "EXC-1", at)
	if st.Transition != NewlySuppressed || st.Reason != "EXC-1" || st.Finding.Status != StateSuppressed ||
		st.Finding.ExceptionID != "EXC-1" || !st.Finding.ChangedAt.Equal(at) {
		t.Errorf("approval over an open finding: %+v", st)
	}
	if !st.Finding.OpenedAt.Equal(day(0)) || st.Finding.ReopenCount != 0 || st.Finding.LastStatus != base(StateOpen).LastStatus {
		t.Errorf("an approval is no evaluation: %+v", st.Finding)
	}
	for _, tc := range []struct {
		prev *Finding
		exc  string
	}{{base(StateSuppressed), "EXC-1"}, {base(StateResolved), "EXC-1"}, {base(StateOpen), ""}} {
		if st := Suppress(*tc.prev, tc.exc, at); st.Transition != NoChange || !reflect.DeepEqual(st.Finding, *tc.prev) {
			t.Errorf("suppress %s by %q changed it: %+v", tc.prev.Status, tc.exc, st)
		}
	}
}

func TestEventTypes(t *testing.T) {
	for tr, want := range map[Transition]string{
		Opened: "finding.opened", Reopened: "finding.reopened", Resolved: "finding.resolved",
		NewlySuppressed: "finding.suppressed", Unsuppressed: "finding.unsuppressed", NoChange: "",
	} {
		if got := tr.EventType(); got != want {
			t.Errorf("%q: event %q, want %q", tr, got, want)
		}
	}
}

type excFor map[string]string // check ID → exception ID

func (e excFor) Suppress(r *Result, tags map[string]string, _ time.Time) (string, bool) {
	if tags["env"] == "dev" {
		return "", false
	}
	id, ok := e[r.CheckID]
	return id, ok
}

func TestApplyExceptions(t *testing.T) {
	mk := func() []Result {
		return []Result{
			{CheckID: "a", Status: Fail}, {CheckID: "a", Status: Pass}, {CheckID: "a", Status: Error},
			{CheckID: "b", Status: Fail}, {CheckID: "c", Status: Fail},
		}
	}
	rs := mk()
	ApplyExceptions(excFor{"a": "EXC-A", "c": ""}, rs, map[string]string{"env": "prod"}, t0)
	want := mk()
	want[0].Status, want[0].ExceptionID = Suppressed, "EXC-A"
	if !reflect.DeepEqual(rs, want) {
		t.Errorf("got %+v\nwant %+v", rs, want)
	}
	for name, s := range map[string]Suppressor{"nil": nil, "NoExceptions": NoExceptions{}} {
		rs := mk()
		ApplyExceptions(s, rs, nil, t0)
		if !reflect.DeepEqual(rs, mk()) {
			t.Errorf("%s suppressor changed results: %+v", name, rs)
		}
	}
	rs = mk()
	ApplyExceptions(excFor{"a": "EXC-A"}, rs, map[string]string{"env": "dev"}, t0)
	if !reflect.DeepEqual(rs, mk()) {
		t.Errorf("tags were not passed to the suppressor")
	}
}

func TestParseStatusSuppressed(t *testing.T) {
	if st, err := ParseStatus("suppressed"); err != nil || st != Suppressed {
		t.Fatalf("got %q %v", st, err)
	}
}
