package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

func mkException(id string, st finding.ExceptionState) finding.Exception {
	e := finding.Exception{
		ID: id, Severity: "high", Reason: "accepted until the migration", RequestedBy: "alice",
		Scope: finding.Scope{
			Checks: []string{"c1", "c2"}, Assets: []string{"arn:aws:s3:::b-*", "re:^logs-"}, Accounts: []string{"111111111111"},
			Regions: []string{"us-east-1"}, Tags: map[string][]string{"env": {"dev", "test"}}, ByTag: true,
			Except: &finding.ScopeExcept{Assets: []string{"arn:aws:s3:::b-prod"}},
		},
		Created: day(0), Expires: day(30), ReviewDate: day(15), State: st, Source: "cli",
	}
	if st == finding.ExceptionApproved {
		e.ApprovedBy, e.ApproverRole, e.ApprovedAt = "bob", "local-ciso", day(1)
	}
	return e
}

func save(t *testing.T, s store.Store, w store.ExceptionWrite) finding.Exception {
	t.Helper()
	got, err := s.SaveException(context.Background(), w)
	must(t, err)
	return got
}

func testExceptionRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mkException("EXC-1", finding.ExceptionRequested)
	// Times in another zone are stored, and returned, in UTC.
	in.Expires = in.Expires.In(time.FixedZone("CET", 3600))
	ch := &finding.ExceptionChange{ExceptionID: "EXC-1", At: day(0), Actor: "alice", To: finding.ExceptionRequested, Reason: "new"}
	ev := store.NewExceptionEvent(finding.EventExceptionRequested, &in, day(0), "alice", "", 0)
	got := save(t, s, store.ExceptionWrite{Exception: in, Change: ch, Events: []store.Event{ev}})
	if got.Revision != 1 {
		t.Errorf("revision after creation %d, want 1", got.Revision)
	}
	want := in
	want.Expires, want.Revision = day(30), 1
	equal(t, "saved exception", got, want)
	stored, err := s.GetException(ctx, "EXC-1")
	must(t, err)
	equal(t, "stored exception", stored, want)
	if !stored.Expires.Equal(in.Expires) || stored.Expires.Location() != time.UTC {
		t.Errorf("expiry %v, want %v in UTC", stored.Expires, in.Expires)
	}

	// Approval: a new revision, a second audit entry and event.
	appr := stored
	appr.State, appr.ApprovedBy, appr.ApproverRole, appr.ApprovedAt = finding.ExceptionApproved, "bob", "local-ciso", day(1)
	appr.Notices = finding.Notices{Expiring: day(30)}
	ch2 := &finding.ExceptionChange{ExceptionID: "EXC-1", At: day(1), Actor: "bob", Role: "local-ciso",
		From: finding.ExceptionRequested, To: finding.ExceptionApproved, Reason: "ok"}
	got = save(t, s, store.ExceptionWrite{Exception: appr, Change: ch2,
		Events: []store.Event{store.NewExceptionEvent(finding.EventExceptionApproved, &appr, day(1), "bob", "ok", 0)}})
	if got.Revision != 2 || got.State != finding.ExceptionApproved {
		t.Errorf("after approval: revision %d, state %s", got.Revision, got.State)
	}
	// A write without audit entry (a notice) still moves the revision.
	got.Notices.ReviewDue = day(15)
	got = save(t, s, store.ExceptionWrite{Exception: got})
	if got.Revision != 3 {
		t.Errorf("revision after a notice %d, want 3", got.Revision)
	}

	h, err := s.ExceptionHistory(ctx, "EXC-1")
	must(t, err)
	equal(t, "audit trail", h, []finding.ExceptionChange{*ch, *ch2})
	es, err := s.Events(ctx, store.EventFilter{Types: []string{finding.EventExceptionRequested, finding.EventExceptionApproved}})
	must(t, err)
	if len(es) != 2 || es[0].Subject != "EXC-1" || es[1].Type != finding.EventExceptionApproved {
		t.Fatalf("events %+v", es)
	}
	var payload store.ExceptionEvent
	must(t, json.Unmarshal(es[1].Payload, &payload))
	if payload.ApprovedBy != "bob" || payload.Actor != "bob" || payload.Comment != "ok" || payload.State != finding.ExceptionApproved || len(payload.Scope.Checks) != 2 {
		t.Errorf("approval event payload %+v", payload)
	}
}

func testExceptionConflicts(t *testing.T, s store.Store) {
	ctx := context.Background()
	e := save(t, s, store.ExceptionWrite{Exception: mkException("EXC-1", finding.ExceptionRequested)})

	again := mkException("EXC-1", finding.ExceptionRequested)
	_, err := s.SaveException(ctx, store.ExceptionWrite{Exception: again, Events: []store.Event{{Type: "x", Time: day(0)}}})
	wantErrIs(t, "creating an existing exception", err, store.ErrConflict)
	missing := mkException("EXC-2", finding.ExceptionRequested)
	missing.Revision = 4
	_, err = s.SaveException(ctx, store.ExceptionWrite{Exception: missing})
	wantErrIs(t, "updating a missing exception", err, store.ErrConflict)

	// Concurrent approvals from the same read: exactly one wins.
	const n = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e
			w.ApprovedBy = fmt.Sprintf("approver-%d", i)
			_, err := s.SaveException(ctx, store.ExceptionWrite{Exception: w,
				Change: &finding.ExceptionChange{ExceptionID: "EXC-1", At: day(1), Actor: w.ApprovedBy, To: finding.ExceptionApproved},
				Events: []store.Event{{Type: "race", Time: day(1), Subject: w.ApprovedBy}}})
			switch {
			case err == nil:
				mu.Lock()
				wins++
				mu.Unlock()
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("concurrent save: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d concurrent writes from one revision succeeded, want 1", wins)
	}
	// A refused write leaves nothing behind: no audit entry, no event.
	h, err := s.ExceptionHistory(ctx, "EXC-1")
	must(t, err)
	es, err := s.Events(ctx, store.EventFilter{})
	must(t, err)
	if len(h) != 1 || len(es) != 1 || es[0].Type != "race" || es[0].Subject != h[0].Actor {
		t.Errorf("after the race: audit %+v, events %+v", h, es)
	}
	got, err := s.GetException(ctx, "EXC-1")
	must(t, err)
	if got.Revision != 2 || got.ApprovedBy != h[0].Actor {
		t.Errorf("stored after the race: %+v", got)
	}
}

func testExceptionFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, x := range []struct {
		id string
		st finding.ExceptionState
	}{{"b", finding.ExceptionApproved}, {"EXC-2", finding.ExceptionRequested}, {"a", finding.ExceptionExpired},
		{"EXC-10", finding.ExceptionApproved}, {"Z", finding.ExceptionRevoked}} {
		e := mkException(x.id, x.st)
		if x.st.Closed() {
			e.ClosedBy, e.ClosedAt = "parapet", day(30)
		}
		save(t, s, store.ExceptionWrite{Exception: e})
	}
	ids := func(es []finding.Exception) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.ExceptionFilter
		want []string
	}{
		{"all, bytewise by ID", store.ExceptionFilter{}, []string{"EXC-10", "EXC-2", "Z", "a", "b"}},
		{"state", store.ExceptionFilter{States: []finding.ExceptionState{finding.ExceptionApproved}}, []string{"EXC-10", "b"}},
		{"states", store.ExceptionFilter{States: []finding.ExceptionState{finding.ExceptionRequested, finding.ExceptionRevoked}}, []string{"EXC-2", "Z"}},
		{"ids", store.ExceptionFilter{IDs: []string{"a", "Z", "nope"}}, []string{"Z", "a"}},
		{"limit", store.ExceptionFilter{Limit: 2}, []string{"EXC-10", "EXC-2"}},
		{"no match", store.ExceptionFilter{States: []finding.ExceptionState{finding.ExceptionRejected}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Exceptions(ctx, tc.f)
			must(t, err)
			equal(t, "IDs", ids(got), tc.want)
		})
	}
}

func testExceptionValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	good := mkException("EXC-1", finding.ExceptionRequested)
	for _, tc := range []struct {
		name string
		w    func() store.ExceptionWrite
	}{
		{"bad ID", func() store.ExceptionWrite { e := good; e.ID = "no spaces"; return store.ExceptionWrite{Exception: e} }},
		{"empty ID", func() store.ExceptionWrite { e := good; e.ID = ""; return store.ExceptionWrite{Exception: e} }},
		{"unknown state", func() store.ExceptionWrite { e := good; e.State = "pending"; return store.ExceptionWrite{Exception: e} }},
		{"no expiry", func() store.ExceptionWrite {
			e := good
			e.Expires = time.Time{}
			return store.ExceptionWrite{Exception: e}
		}},
		{"no creation", func() store.ExceptionWrite {
			e := good
			e.Created = time.Time{}
			return store.ExceptionWrite{Exception: e}
		}},
		{"change of another exception", func() store.ExceptionWrite {
			return store.ExceptionWrite{Exception: good, Change: &finding.ExceptionChange{ExceptionID: "EXC-2", At: day(0), Actor: "a", To: finding.ExceptionRequested}}
		}},
		{"change without actor", func() store.ExceptionWrite {
			return store.ExceptionWrite{Exception: good, Change: &finding.ExceptionChange{ExceptionID: "EXC-1", At: day(0), To: finding.ExceptionRequested}}
		}},
		{"change without time", func() store.ExceptionWrite {
			return store.ExceptionWrite{Exception: good, Change: &finding.ExceptionChange{ExceptionID: "EXC-1", Actor: "a", To: finding.ExceptionRequested}}
		}},
		{"bad event", func() store.ExceptionWrite {
			return store.ExceptionWrite{Exception: good, Events: []store.Event{{Type: "x"}}}
		}},
	} {
		if _, err := s.SaveException(ctx, tc.w()); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if es, err := s.Exceptions(ctx, store.ExceptionFilter{}); err != nil || len(es) != 0 {
		t.Errorf("after refused writes: %v, %v", es, err)
	}
	if es, err := s.Events(ctx, store.EventFilter{}); err != nil || len(es) != 0 {
		t.Errorf("events after refused writes: %v, %v", es, err)
	}
	_, err := s.GetException(ctx, "EXC-1")
	wantErrIs(t, "GetException", err, store.ErrNotFound)
	_, err = s.ExceptionHistory(ctx, "EXC-1")
	wantErrIs(t, "ExceptionHistory", err, store.ErrNotFound)
	// An exception with no audit entry has an empty trail, not an error.
	save(t, s, store.ExceptionWrite{Exception: good})
	h, err := s.ExceptionHistory(ctx, "EXC-1")
	if err != nil || len(h) != 0 {
		t.Errorf("trail of an exception saved without entries: %v, %v", h, err)
	}
}

// Findings can be listed by the exception suppressing them.
func testFindingsByException(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newScan(t, s, "aws", day(0))
	must(t, s.PutResults(ctx, sc.ID, []finding.Result{
		suppressed(mkResult("c1", "arn:a", "111111111111", finding.Fail, "high", day(0)), "EXC-1"),
		suppressed(mkResult("c1", "arn:b", "111111111111", finding.Fail, "high", day(0)), "EXC-2"),
		mkResult("c1", "arn:c", "111111111111", finding.Fail, "high", day(0)),
	}))
	reconcile(t, s, sc, day(0))
	for id, want := range map[string][]string{"EXC-1": {"arn:a"}, "EXC-2": {"arn:b"}, "EXC-3": {}} {
		fs, err := s.Findings(ctx, store.FindingFilter{ExceptionID: id})
		must(t, err)
		uids := []string{}
		for _, f := range fs {
			uids = append(uids, f.AssetUID)
		}
		equal(t, "findings suppressed by "+id, uids, want)
	}
}
