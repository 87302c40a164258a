package finding

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var testSeverities = map[string]string{"c-low": "low", "c-med": "medium", "c-high": "high", "c-crit": "critical", "c-info": "informational"}

func sevs(id string) (string, bool) { s, ok := testSeverities[id]; return s, ok }

// x0 is the creation time of the test exceptions.
var x0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func xday(n int) time.Time { return x0.Add(time.Duration(n) * oneDay) }

// approved is a valid approved exception of check c-high.
func approved() Exception {
	return Exception{
		ID: "EXC-1", Scope: Scope{Checks: []string{"c-high"}, Assets: []string{"arn:aws:s3:::logs"}},
		Reason: "migration", RequestedBy: "alice", Created: x0, Expires: xday(30), State: ExceptionApproved,
		ApprovedBy: "bob", ApproverRole: "local-ciso", ApprovedAt: xday(1),
	}
}

func requested() Exception {
	e := approved()
	e.State, e.ApprovedBy, e.ApproverRole, e.ApprovedAt = ExceptionRequested, "", "", time.Time{}
	return e
}

// problems returns the fields ValidateException refuses.
func problems(err error) []string {
	var inv *InvalidError
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, p := range inv.Problems {
		out = append(out, p.Field)
	}
	return out
}

func TestValidateException(t *testing.T) {
	def := DefaultPolicy()
	selfOK := DefaultPolicy()
	selfOK.AllowSelfApproval = true
	for _, tc := range []struct {
		name   string
		policy *Policy
		edit   func(e *Exception)
		want   []string // refused fields; nil: valid
		sev    string
	}{
		{"approved", &def, func(*Exception) {}, nil, "high"},
		{"requested", &def, func(e *Exception) { *e = requested() }, nil, "high"},
		{"severity is the highest of the checks", &def, func(e *Exception) { e.Scope.Checks = []string{"c-low", "c-med"} }, nil, "medium"},
		{"no expiry", &def, func(e *Exception) { e.Expires = time.Time{} }, []string{"expires"}, ""},
		{"expiry before creation", &def, func(e *Exception) { e.Expires = x0.Add(-time.Hour) }, []string{"expires", "approvedAt"}, ""},
		{"longer than a high exception may last", &def, func(e *Exception) { e.Expires = xday(91) }, []string{"expires"}, ""},
		{"exactly the maximum", &def, func(e *Exception) { e.Expires = xday(90) }, nil, "high"},
		{"critical lasts 30 days", &def, func(e *Exception) {
			e.Scope.Checks, e.ApproverRole, e.Expires = []string{"c-crit"}, "global-ciso", xday(31)
		}, []string{"expires"}, ""},
		{"closed history is not held to durations", &def, func(e *Exception) {
			e.State, e.Expires, e.ClosedBy, e.ClosedAt = ExceptionRevoked, xday(400), "carol", xday(2)
		}, nil, "high"},
		{"no approver", &def, func(e *Exception) { e.ApprovedBy = "" }, []string{"approvedBy"}, ""},
		{"no approver role", &def, func(e *Exception) { e.ApproverRole = "" }, []string{"approverRole"}, ""},
		{"no approval time", &def, func(e *Exception) { e.ApprovedAt = time.Time{} }, []string{"approvedAt"}, ""},
		{"unknown role", &def, func(e *Exception) { e.ApproverRole = "cto" }, []string{"approverRole"}, ""},
		{"critical needs global-ciso", &def, func(e *Exception) { e.Scope.Checks = []string{"c-crit"} }, []string{"approverRole"}, ""},
		{"critical by global-ciso", &def, func(e *Exception) { e.Scope.Checks, e.ApproverRole = []string{"c-crit"}, "global-ciso" }, nil, "critical"},
		{"self-approval", &def, func(e *Exception) { e.ApprovedBy = " Alice " }, []string{"approvedBy"}, ""},
		{"self-approval allowed", &selfOK, func(e *Exception) { e.ApprovedBy = "alice" }, nil, "high"},
		{"every check, unnarrowed", &def, func(e *Exception) {
			e.Scope = Scope{Checks: []string{"*"}}
			e.ApproverRole = "global-ciso"
		}, []string{"scope"}, ""},
		{"every check, narrowed by region and tag key only", &def, func(e *Exception) {
			e.Scope = Scope{Checks: []string{"*"}, Regions: []string{"eu-west-1"}, ByTag: true}
			e.ApproverRole = "global-ciso"
		}, []string{"scope"}, ""},
		{"every check in one account is critical", &def, func(e *Exception) {
			e.Scope = Scope{Checks: []string{"*"}, Accounts: []string{"111111111111"}}
		}, []string{"approverRole"}, ""},
		{"every check in one account", &def, func(e *Exception) {
			e.Scope = Scope{Checks: []string{"*"}, Accounts: []string{"111111111111"}}
			e.ApproverRole = "global-ciso"
		}, nil, "critical"},
		{"star mixed with checks", &def, func(e *Exception) { e.Scope.Checks = []string{"*", "c-low"} }, []string{"scope.checks"}, ""},
		{"no checks", &def, func(e *Exception) { e.Scope.Checks = nil }, []string{"scope.checks"}, ""},
		{"unknown check", &def, func(e *Exception) { e.Scope.Checks = []string{"c-high", "c-nope"} }, []string{"scope.checks"}, ""},
		{"repeated check", &def, func(e *Exception) { e.Scope.Checks = []string{"c-high", "c-high"} }, []string{"scope.checks[1]"}, "high"},
		{"pattern matching everything", &def, func(e *Exception) { e.Scope.Assets = []string{"*"} }, []string{"scope.assets[0]"}, "high"},
		{"regex matching everything", &def, func(e *Exception) { e.Scope.Accounts = []string{"re:.*"} }, []string{"scope.accounts[0]"}, "high"},
		{"bad regex", &def, func(e *Exception) { e.Scope.Assets = []string{"re:(unclosed"} }, []string{"scope.assets[0]"}, "high"},
		{"tag without values", &def, func(e *Exception) { e.Scope.Tags = map[string][]string{"env": nil} }, []string{"scope.tags.env"}, "high"},
		{"bad except pattern", &def, func(e *Exception) { e.Scope.Except = &ScopeExcept{Regions: []string{"re:["}} }, []string{"scope.except.regions[0]"}, "high"},
		{"stated severity differs", &def, func(e *Exception) { e.Severity = "low" }, []string{"severity"}, "high"},
		{"bad ID", &def, func(e *Exception) { e.ID = "has space" }, []string{"id"}, "high"},
		{"no reason", &def, func(e *Exception) { e.Reason = "  " }, []string{"reason"}, "high"},
		{"no requester", &def, func(e *Exception) { e.RequestedBy = "" }, []string{"requestedBy"}, "high"},
		{"review after expiry", &def, func(e *Exception) { e.ReviewDate = xday(31) }, []string{"reviewDate"}, "high"},
		{"approval on a request", &def, func(e *Exception) { e.State = ExceptionRequested }, []string{"approvedBy"}, "high"},
		{"closed without time", &def, func(e *Exception) { e.State, e.ClosedBy = ExceptionRevoked, "carol" }, []string{"closedAt"}, "high"},
		{"open with closing", &def, func(e *Exception) { e.ClosedReason = "x" }, []string{"closedAt"}, "high"},
		{"unknown state", &def, func(e *Exception) { e.State = "pending" }, []string{"state"}, "high"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := approved()
			tc.edit(&e)
			err := ValidateException(&e, tc.policy, sevs)
			if got := problems(err); !slices.Equal(got, tc.want) {
				t.Errorf("refused %v, want %v (%v)", got, tc.want, err)
			}
			if err != nil && problems(err) == nil {
				t.Errorf("error is not an InvalidError: %v", err)
			}
			if tc.sev != "" && e.Severity != tc.sev {
				t.Errorf("severity %q, want %q", e.Severity, tc.sev)
			}
		})
	}
}

func failure(check, uid, name, account, region string) *Result {
	return &Result{CheckID: check, AssetUID: uid, AssetName: name, Account: account, Region: region, Status: Fail}
}

func TestExceptionMatching(t *testing.T) {
	const bucket = "arn:aws:s3:::logs-prod"
	r := failure("c-high", bucket, "logs-prod", "111111111111", "us-east-1")
	tags := map[string]string{"env": "dev", "team": "core", "parapet:exception": "EXC-1"}
	now := xday(2)
	for _, tc := range []struct {
		name  string
		edit  func(e *Exception)
		r     *Result
		tags  map[string]string
		match bool
	}{
		{"exact asset", func(e *Exception) { e.Scope.Assets = []string{bucket} }, r, tags, true},
		{"other asset", func(e *Exception) { e.Scope.Assets = []string{"arn:aws:s3:::other"} }, r, tags, false},
		{"other check", func(e *Exception) { e.Scope.Assets = nil }, failure("c-low", bucket, "", "1", "r"), tags, false},
		{"glob over UIDs", func(e *Exception) { e.Scope.Assets = []string{"arn:aws:s3:::logs-*"} }, r, tags, true},
		{"glob is anchored", func(e *Exception) { e.Scope.Assets = []string{"logs-*"} }, r, tags, false},
		{"glob does not match names", func(e *Exception) { e.Scope.Assets = []string{"logs-prod"} }, r, tags, false},
		{"regex anywhere", func(e *Exception) { e.Scope.Assets = []string{"re:logs"} }, r, tags, true},
		{"regex matches names", func(e *Exception) { e.Scope.Assets = []string{"re:^logs-prod$"} }, r, tags, true},
		{"any listed asset", func(e *Exception) { e.Scope.Assets = []string{"arn:x", bucket} }, r, tags, true},
		{"account and asset", func(e *Exception) { e.Scope.Accounts = []string{"111111111111"}; e.Scope.Assets = []string{bucket} }, r, tags, true},
		{"account differs", func(e *Exception) { e.Scope.Accounts = []string{"222222222222"}; e.Scope.Assets = nil }, r, tags, false},
		{"region glob", func(e *Exception) { e.Scope.Assets, e.Scope.Regions = nil, []string{"us-*"} }, r, tags, true},
		{"region differs", func(e *Exception) { e.Scope.Assets, e.Scope.Regions = nil, []string{"eu-west-1"} }, r, tags, false},
		{"tag selector", func(e *Exception) { e.Scope.Assets = nil; e.Scope.Tags = map[string][]string{"env": {"test", "dev"}} }, r, tags, true},
		{"every tag key must hold", func(e *Exception) {
			e.Scope.Assets = nil
			e.Scope.Tags = map[string][]string{"env": {"dev"}, "owner": {"*"}}
		}, r, tags, false},
		{"tag presence", func(e *Exception) { e.Scope.Assets = nil; e.Scope.Tags = map[string][]string{"team": {"*"}} }, r, tags, true},
		{"by tag naming the exception", func(e *Exception) { e.Scope.Assets, e.Scope.ByTag = nil, true }, r, tags, true},
		{"by tag naming another", func(e *Exception) { e.Scope.Assets, e.Scope.ByTag = nil, true }, r, map[string]string{"parapet:exception": "EXC-2"}, false},
		{"by tag, untagged", func(e *Exception) { e.Scope.Assets, e.Scope.ByTag = nil, true }, r, nil, false},
		{"by tag outside the scope", func(e *Exception) { e.Scope.Assets, e.Scope.ByTag = []string{"arn:x"}, true }, r, tags, false},
		{"tag alone does not widen the checks", func(e *Exception) { e.Scope.Assets, e.Scope.ByTag = nil, true }, failure("c-low", bucket, "", "1", "r"), tags, false},
		{"except the asset", func(e *Exception) {
			e.Scope.Assets = []string{"re:logs"}
			e.Scope.Except = &ScopeExcept{Assets: []string{bucket}}
		}, r, tags, false},
		{"except needs every field", func(e *Exception) {
			e.Scope.Assets = []string{"re:logs"}
			e.Scope.Except = &ScopeExcept{Assets: []string{bucket}, Regions: []string{"eu-west-1"}}
		}, r, tags, true},
		{"every check", func(e *Exception) {
			e.Scope = Scope{Checks: []string{"*"}, Accounts: []string{"111111111111"}}
			e.ApproverRole = "global-ciso"
		}, failure("c-crit", "arn:y", "", "111111111111", "eu-west-1"), nil, true},
		{"second of several checks", func(e *Exception) { e.Scope.Checks = []string{"c-low", "c-high"}; e.Scope.Assets = nil }, r, tags, true},
		{"requested does not suppress", func(e *Exception) { *e = requested(); e.Scope.Assets = nil }, r, tags, false},
		{"expired does not suppress", func(e *Exception) { e.Scope.Assets = nil; e.Expires = now }, r, tags, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := approved()
			tc.edit(&e)
			if err := ValidateException(&e, ptr(DefaultPolicy()), sevs); err != nil && e.State == ExceptionApproved && e.Expires.After(e.Created) {
				t.Fatalf("invalid test exception: %v", err)
			}
			set, err := NewExceptionSet([]Exception{e}, "parapet:exception")
			if err != nil {
				t.Fatal(err)
			}
			id, ok := set.Suppress(tc.r, tc.tags, now)
			if ok != tc.match || (ok && id != "EXC-1") {
				t.Errorf("Suppress = %q, %v; want match %v", id, ok, tc.match)
			}
			rs := []Result{*tc.r, {CheckID: tc.r.CheckID, AssetUID: tc.r.AssetUID, Status: Pass}}
			ApplyExceptions(set, rs, tc.tags, now)
			if (rs[0].Status == Suppressed) != tc.match || rs[1].Status != Pass {
				t.Errorf("ApplyExceptions: %s, %s", rs[0].Status, rs[1].Status)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Of several exceptions covering a failure, the one expiring last wins.
func TestExceptionSetPrefersTheLongest(t *testing.T) {
	a, b, c := approved(), approved(), approved()
	a.ID, b.ID, c.ID = "A", "B", "C"
	b.Expires = xday(40)
	c.Expires, c.State = xday(60), ExceptionRevoked
	set, err := NewExceptionSet([]Exception{a, b, c}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 2 {
		t.Errorf("set holds %d exceptions, want the 2 approved", set.Len())
	}
	r := failure("c-high", "arn:aws:s3:::logs", "", "1", "r")
	if id, _ := set.Suppress(r, nil, xday(2)); id != "B" {
		t.Errorf("suppressed by %q, want B (expires last)", id)
	}
	if id, _ := set.Suppress(r, nil, xday(35)); id != "B" {
		t.Errorf("after A expired: %q, want B", id)
	}
	if _, ok := set.Suppress(r, nil, xday(45)); ok {
		t.Error("suppressed after every exception expired")
	}
	inline := suppressFunc(func(*Result) (string, bool) { return "inline", true })
	if id, _ := FirstOf(nil, set, inline).Suppress(r, nil, xday(2)); id != "B" {
		t.Errorf("FirstOf: %q, want B", id)
	}
	if id, _ := FirstOf(set, inline).Suppress(r, nil, xday(45)); id != "inline" {
		t.Errorf("FirstOf after expiry: %q, want inline", id)
	}
}

type suppressFunc func(*Result) (string, bool)

func (f suppressFunc) Suppress(r *Result, _ map[string]string, _ time.Time) (string, bool) {
	return f(r)
}

func TestSweep(t *testing.T) {
	p := DefaultPolicy() // notices 14 days ahead
	withReview := approved()
	withReview.ReviewDate = xday(10)
	for _, tc := range []struct {
		name   string
		e      Exception
		now    time.Time
		notice int
		events []string
		state  ExceptionState
		reopen bool
	}{
		{"nothing yet", approved(), xday(5), 14, nil, ExceptionApproved, false},
		{"expiring", approved(), xday(16), 14, []string{EventExceptionExpiring}, ExceptionApproved, false},
		{"expiring notice already sent", func() Exception { e := approved(); e.Notices.Expiring = e.Expires; return e }(), xday(16), 14, nil, ExceptionApproved, false},
		{"expiring notice for an older expiry", func() Exception { e := approved(); e.Notices.Expiring = xday(20); return e }(), xday(17), 14, []string{EventExceptionExpiring}, ExceptionApproved, false},
		{"notices off", approved(), xday(29), 0, nil, ExceptionApproved, false},
		{"a request is not announced as expiring", requested(), xday(29), 14, nil, ExceptionRequested, false},
		{"review due", withReview, xday(10), 14, []string{EventExceptionReviewDue}, ExceptionApproved, false},
		{"review and expiry notices together", withReview, xday(20), 14, []string{EventExceptionExpiring, EventExceptionReviewDue}, ExceptionApproved, false},
		{"expired", approved(), xday(30), 14, []string{EventExceptionExpired}, ExceptionExpired, true},
		{"expired request", requested(), xday(31), 14, []string{EventExceptionExpired}, ExceptionExpired, false},
		{"closed is left alone", func() Exception {
			e := approved()
			e.State, e.ClosedBy, e.ClosedAt = ExceptionRevoked, "c", xday(3)
			return e
		}(), xday(40), 14, nil, ExceptionRevoked, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.ExpiringNoticeDays = tc.notice
			steps := Sweep([]Exception{tc.e}, tc.now, &p)
			if len(tc.events) == 0 {
				if len(steps) != 0 {
					t.Errorf("steps %+v, want none", steps)
				}
				return
			}
			if len(steps) != 1 {
				t.Fatalf("%d steps, want 1", len(steps))
			}
			st := steps[0]
			if !slices.Equal(st.Events, tc.events) || st.Exception.State != tc.state || st.Reopen != tc.reopen {
				t.Errorf("step: events %v, state %s, reopen %v; want %v, %s, %v", st.Events, st.Exception.State, st.Reopen, tc.events, tc.state, tc.reopen)
			}
			if tc.state == ExceptionExpired {
				if st.Change == nil || st.Change.From != tc.e.State || st.Change.To != ExceptionExpired || st.Change.Actor != SystemActor ||
					!st.Exception.ClosedAt.Equal(tc.now) || st.Exception.ClosedBy != SystemActor {
					t.Errorf("expiry step %+v", st)
				}
			} else if st.Change != nil {
				t.Errorf("a notice made an audit entry: %+v", st.Change)
			}
			// The step's exception, swept again, gives nothing more.
			if again := Sweep([]Exception{st.Exception}, tc.now, &p); len(again) != 0 {
				t.Errorf("second sweep: %+v", again)
			}
		})
	}
}

func TestTransitions(t *testing.T) {
	p := DefaultPolicy()
	now := xday(2)
	e, ch, err := Request(requested(), &p, sevs, x0)
	if err != nil || e.State != ExceptionRequested || ch.To != ExceptionRequested || ch.Actor != "alice" || e.Severity != "high" {
		t.Fatalf("Request: %+v %+v %v", e, ch, err)
	}
	if _, _, err := Request(requested(), &p, sevs, xday(31)); err == nil {
		t.Error("a request expiring in the past was accepted")
	}
	for _, tc := range []struct {
		name string
		do   func() (Exception, error)
		ok   bool
	}{
		{"approve", func() (Exception, error) { a, _, err := Approve(e, "bob", "local-ciso", "", &p, now); return a, err }, true},
		{"approve as requester", func() (Exception, error) { a, _, err := Approve(e, "alice", "local-ciso", "", &p, now); return a, err }, false},
		{"approve in an unknown role", func() (Exception, error) { a, _, err := Approve(e, "bob", "ceo", "", &p, now); return a, err }, false},
		{"approve without a name", func() (Exception, error) { a, _, err := Approve(e, " ", "local-ciso", "", &p, now); return a, err }, false},
		{"approve after expiry", func() (Exception, error) {
			a, _, err := Approve(e, "bob", "local-ciso", "", &p, xday(30))
			return a, err
		}, false},
		{"approve twice", func() (Exception, error) {
			a, _, _ := Approve(e, "bob", "local-ciso", "", &p, now)
			b, _, err := Approve(a, "carol", "global-ciso", "", &p, now)
			return b, err
		}, false},
		{"approve under a shorter maximum", func() (Exception, error) {
			q := p
			q.MaxDuration = map[string]time.Duration{"critical": oneDay, "high": 10 * oneDay, "medium": oneDay, "low": oneDay, "informational": oneDay}
			a, _, err := Approve(e, "bob", "local-ciso", "", &q, now)
			return a, err
		}, false},
		{"reject", func() (Exception, error) { a, _, err := Reject(e, "bob", "local-ciso", "no", &p, now); return a, err }, true},
		{"reject without reason", func() (Exception, error) { a, _, err := Reject(e, "bob", "local-ciso", "", &p, now); return a, err }, false},
		{"reject without an approver role", func() (Exception, error) { a, _, err := Reject(e, "bob", "dev", "no", &p, now); return a, err }, false},
		{"revoke a request", func() (Exception, error) { a, _, err := Revoke(e, "alice", "", "withdrawn", now); return a, err }, true},
		{"revoke an approved one", func() (Exception, error) { a, _, err := Revoke(approved(), "carol", "", "fixed", now); return a, err }, true},
		{"revoke without reason", func() (Exception, error) { a, _, err := Revoke(approved(), "carol", "", "", now); return a, err }, false},
		{"revoke a revoked one", func() (Exception, error) {
			a, _, _ := Revoke(approved(), "carol", "", "x", now)
			b, _, err := Revoke(a, "carol", "", "x", now)
			return b, err
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.do()
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if err != nil {
				if problems(err) == nil {
					t.Errorf("refusal is not an InvalidError: %v", err)
				}
				return
			}
			if err := ValidateException(&got, &p, sevs); err != nil {
				t.Errorf("the result is not a valid exception: %v", err)
			}
		})
	}
}

func TestDeclare(t *testing.T) {
	p := DefaultPolicy()
	now := xday(2)
	stored := approved()
	stored.Severity, stored.Revision, stored.Source = "high", 3, "team.yaml"
	expired := stored
	expired.State, expired.ClosedBy, expired.ClosedAt, expired.ClosedReason = ExceptionExpired, SystemActor, xday(30), "expired"
	for _, tc := range []struct {
		name    string
		prev    *Exception
		next    func() Exception
		now     time.Time
		ok      bool
		created bool
		changed []string
		note    bool
	}{
		{"new", nil, approved, now, true, true, []string{"*"}, false},
		{"new, state defaults to requested", nil, func() Exception { e := requested(); e.State = ""; return e }, now, true, true, []string{"*"}, false},
		{"new, expired already", nil, approved, xday(31), false, false, nil, false},
		{"new without creation time, approved earlier", nil, func() Exception { e := approved(); e.Created = time.Time{}; return e }, now, true, true, []string{"*"}, false},
		{"unchanged", &stored, approved, now, true, false, nil, false},
		{"reason changed", &stored, func() Exception { e := approved(); e.Reason = "longer"; return e }, now, true, false, []string{"reason"}, false},
		{"approval withdrawn", &stored, requested, now, true, false, []string{"approvedAt", "approvedBy", "approverRole", "state"}, false},
		{"self-approved in the file", &stored, func() Exception { e := approved(); e.ApprovedBy = "alice"; return e }, now, false, false, nil, false},
		{"the store expired it; the file still says approved", &expired, approved, xday(31), true, false, nil, true},
		{"a closed exception does not change", &expired, func() Exception { e := approved(); e.Expires = xday(60); return e }, xday(31), false, false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Declare(tc.prev, tc.next(), "ci", "file.yaml", &p, sevs, tc.now)
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if err != nil {
				return
			}
			if d.Created != tc.created || !slices.Equal(d.Changed, tc.changed) || (d.Note != "") != tc.note {
				t.Errorf("declaration: created %v, changed %v, note %q", d.Created, d.Changed, d.Note)
			}
			if (d.Change == nil) != (len(tc.changed) == 0) {
				t.Errorf("audit entry %+v for changes %v", d.Change, tc.changed)
			}
			if tc.prev != nil && d.Exception.Revision != tc.prev.Revision {
				t.Errorf("revision %d, want the stored %d", d.Exception.Revision, tc.prev.Revision)
			}
			if tc.prev != nil && d.Exception.Source != tc.prev.Source {
				t.Errorf("source %q, want the stored %q", d.Exception.Source, tc.prev.Source)
			}
		})
	}
}

func TestParseExceptionFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string // file:line: fragments, every one expected
	}{
		{"syntax", "exceptions:\n  - id: A\n    scope: {checks: [c-high]\n", []string{"x.yaml:3: YAML syntax"}},
		{"empty", "", []string{"x.yaml:1: the file is empty"}},
		{"no list", "other: 1\n", []string{`x.yaml:1: unknown key "other"`}},
		{"not a list", "exceptions: {id: A}\n", []string{"x.yaml:1: exceptions must be a list"}},
		{"every problem at once", `exceptions:
  - id: A
    scope: {checks: [c-high]}
    expires: soon
    colour: red
  - id: B
    state: pending
    scope:
      checks: c-high
      tags: {env: [dev, {x: 1}]}
  - id: A
    scope: {checks: [c-low]}
`, []string{`x.yaml:4: expires: "soon" is not a time`, `x.yaml:5: unknown key "colour"`, `x.yaml:7: unknown exception state "pending"`,
			"x.yaml:10: scope.tags.env: each entry must be a string", "x.yaml:11: exception A is declared twice (first at line 2)"}},
		{"missing scope and id", "exceptions:\n  - reason: r\n", []string{"x.yaml:2: an exception needs an id", "x.yaml:2: exception  needs a scope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExceptionFile("x.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// Policy problems of a declared exception are located in its file.
func TestDeclaredLocate(t *testing.T) {
	src := `exceptions:
  - id: EXC-9
    scope:
      checks: [c-crit]
      assets:
        - arn:a
        - "re:("
    reason: r
    requestedBy: alice
    created: 2026-03-01
    expires: 2026-06-01
    state: approved
    approvedBy: bob
    approverRole: local-ciso
    approvedAt: 2026-03-02T00:00:00Z
`
	ds, err := ParseExceptionFile("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultPolicy()
	_, err = Declare(nil, ds[0].Exception, "ci", "x.yaml", &p, sevs, x0)
	located := ds[0].Locate(err).Error()
	for _, w := range []string{"x.yaml:7: exception EXC-9: scope.assets[1]", "x.yaml:11: exception EXC-9: expires: wider than allowed",
		"x.yaml:14: exception EXC-9: approverRole: a critical exception needs approval by global-ciso"} {
		if !strings.Contains(located, w) {
			t.Errorf("located errors lack %q:\n%s", w, located)
		}
	}
}

// Export then import gives back the same exceptions, in YAML and JSON.
func TestExceptionFileRoundTrip(t *testing.T) {
	full := approved()
	full.Severity = "high"
	full.Scope = Scope{Checks: []string{"c-high", "c-low"}, Assets: []string{"arn:aws:s3:::a-*", "re:^logs-"}, Accounts: []string{"111111111111"},
		Regions: []string{"us-east-1"}, Tags: map[string][]string{"env": {"dev", "test"}, "team": {"*"}}, ByTag: true,
		Except: &ScopeExcept{Assets: []string{"arn:aws:s3:::a-prod"}, Tags: map[string][]string{"tier": {"1"}}}}
	full.ReviewDate, full.Source = xday(10), "cli"
	full.Reason = "multi-line\nreason: with a colon, \"quotes\" and <html> & ünïcode"
	full.Notices = Notices{Expiring: xday(30)}
	closed := requested()
	closed.ID, closed.Severity = "EXC-0", "high"
	closed.State, closed.ClosedBy, closed.ClosedAt, closed.ClosedReason = ExceptionRejected, "carol", xday(1), "no"
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteExceptionFile(&buf, format, []Exception{full, closed}); err != nil {
				t.Fatal(err)
			}
			ds, err := ParseExceptionFile("export."+format, buf.Bytes())
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			var got []Exception
			for _, d := range ds {
				got = append(got, d.Exception)
			}
			if want := []Exception{closed, full}; !reflect.DeepEqual(got, want) {
				t.Errorf("round trip differs\n got %+v\nwant %+v\n%s", got, want, buf.String())
			}
			// Declaring the export over the stored exceptions changes nothing.
			p := DefaultPolicy()
			for i, d := range ds {
				prev := got[i]
				dec, err := Declare(&prev, d.Exception, "ci", "export", &p, sevs, xday(2))
				if err != nil || dec.Change != nil {
					t.Errorf("%s declared again: %+v, %v", d.Exception.ID, dec.Changed, err)
				}
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(p *Policy)
		want string
	}{
		{"default", func(*Policy) {}, ""},
		{"no roles", func(p *Policy) { p.ApproverRoles = nil }, "approverRoles"},
		{"approval by an unknown role", func(p *Policy) { p.Approvers["high"] = []string{"cto"} }, "approvers.high"},
		{"no maximum", func(p *Policy) { delete(p.MaxDuration, "low") }, "maxDuration.low"},
		{"no tag key", func(p *Policy) { p.TagKey = "" }, "tagKey"},
	} {
		p := DefaultPolicy()
		tc.edit(&p)
		err := p.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
