package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// Governance runs the governed life of exceptions against a store: every
// change is validated by package finding, written with its audit entry
// and events in one store transaction, and the findings an exception
// stops suppressing reopen at once.
type Governance struct {
	Store  store.Store
	Policy finding.Policy
	// Severities knows the checks, for requests and declarations.
	Severities finding.CheckSeverities
}

// SweepReport says what a sweep did.
type SweepReport struct {
	Expired   []string `json:"expired,omitempty"`
	Expiring  []string `json:"expiring,omitempty"`
	ReviewDue []string `json:"reviewDue,omitempty"`
	// Reopened counts the findings that opened again.
	Reopened int `json:"reopened"`
}

// Sweep brings exceptions up to now (finding.Sweep): expired exceptions
// close and their findings reopen, notices go to the outbox. Then any
// finding still suppressed by an exception that is not active reopens
// too: a scan that loaded an exception just before it was revoked, or a
// process stopped between the two writes of an expiry, leaves such
// findings behind. Another process sweeping at the same time is not an
// error: whichever writes first wins, the other skips.
func (g *Governance) Sweep(ctx context.Context, now time.Time) (SweepReport, error) {
	var rep SweepReport
	exs, err := g.Store.Exceptions(ctx, store.ExceptionFilter{States: []finding.ExceptionState{finding.ExceptionRequested, finding.ExceptionApproved}})
	if err != nil {
		return rep, fmt.Errorf("sweep exceptions: %w", err)
	}
	active := map[string]bool{}
	for i := range exs {
		if exs[i].Active(now) {
			active[exs[i].ID] = true
		}
	}
	for _, st := range finding.Sweep(exs, now, &g.Policy) {
		e := st.Exception
		reopened := 0
		if st.Reopen {
			// Findings first: a stop between the writes leaves an
			// approved exception that the next sweep expires again.
			if reopened, err = g.Store.ReopenSuppressed(ctx, e.ID, now); err != nil {
				return rep, fmt.Errorf("sweep exceptions: %w", err)
			}
			rep.Reopened += reopened
		}
		events := make([]store.Event, 0, len(st.Events))
		for _, typ := range st.Events {
			n := 0
			if typ == finding.EventExceptionExpired {
				n = reopened
			}
			events = append(events, store.NewExceptionEvent(typ, &e, now, finding.SystemActor, "", n))
		}
		if _, err := g.Store.SaveException(ctx, store.ExceptionWrite{Exception: e, Change: st.Change, Events: events}); err != nil {
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			return rep, fmt.Errorf("sweep exceptions: %w", err)
		}
		for _, typ := range st.Events {
			switch typ {
			case finding.EventExceptionExpired:
				rep.Expired = append(rep.Expired, e.ID)
			case finding.EventExceptionExpiring:
				rep.Expiring = append(rep.Expiring, e.ID)
			case finding.EventExceptionReviewDue:
				rep.ReviewDue = append(rep.ReviewDue, e.ID)
			}
		}
	}
	// Orphans: suppressed findings whose exception is not active.
	fs, err := g.Store.Findings(ctx, store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}})
	if err != nil {
		return rep, fmt.Errorf("sweep exceptions: %w", err)
	}
	orphans := map[string]bool{}
	for _, f := range fs {
		if f.ExceptionID != "" && !active[f.ExceptionID] {
			orphans[f.ExceptionID] = true
		}
	}
	for _, id := range sortedSet(orphans) {
		n, err := g.Store.ReopenSuppressed(ctx, id, now)
		if err != nil {
			return rep, fmt.Errorf("sweep exceptions: %w", err)
		}
		rep.Reopened += n
	}
	return rep, nil
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Suppressor sweeps, then returns the approved exceptions as a
// Suppressor for a scan at now.
func (g *Governance) Suppressor(ctx context.Context, now time.Time) (*finding.ExceptionSet, error) {
	if _, err := g.Sweep(ctx, now); err != nil {
		return nil, err
	}
	exs, err := g.Store.Exceptions(ctx, store.ExceptionFilter{States: []finding.ExceptionState{finding.ExceptionApproved}})
	if err != nil {
		return nil, fmt.Errorf("load exceptions: %w", err)
	}
	return finding.NewExceptionSet(exs, g.Policy.TagKey)
}

// idPrefix starts the IDs Request gives.
const idPrefix = "EXC-"

// Request records a new exception request. An empty ID gets the next free
// EXC-nnnn.
func (g *Governance) Request(ctx context.Context, e finding.Exception, now time.Time) (finding.Exception, error) {
	auto := e.ID == ""
	for attempt := 0; ; attempt++ {
		if auto {
			id, err := g.nextID(ctx)
			if err != nil {
				return finding.Exception{}, err
			}
			e.ID = id
		}
		req, ch, err := finding.Request(e, &g.Policy, g.Severities, now)
		if err != nil {
			return finding.Exception{}, err
		}
		saved, err := g.Store.SaveException(ctx, store.ExceptionWrite{Exception: req, Change: &ch,
			Events: []store.Event{store.NewExceptionEvent(finding.EventExceptionRequested, &req, now, ch.Actor, "", 0)}})
		if errors.Is(err, store.ErrConflict) {
			if auto && attempt < 5 {
				continue // another request took the ID
			}
			return finding.Exception{}, &finding.InvalidError{ID: e.ID, Problems: []finding.Problem{{Field: "id", Msg: "an exception with this ID already exists"}}}
		}
		return saved, err
	}
}

func (g *Governance) nextID(ctx context.Context) (string, error) {
	exs, err := g.Store.Exceptions(ctx, store.ExceptionFilter{})
	if err != nil {
		return "", err
	}
	n := 0
	for _, e := range exs {
		if v, err := strconv.Atoi(strings.TrimPrefix(e.ID, idPrefix)); err == nil && strings.HasPrefix(e.ID, idPrefix) {
			n = max(n, v)
		}
	}
	return fmt.Sprintf("%s%04d", idPrefix, n+1), nil
}

// ErrUnknownException is returned (wrapped) for an ID the store does not
// hold.
var ErrUnknownException = errors.New("no such exception")

func (g *Governance) get(ctx context.Context, id string) (finding.Exception, error) {
	e, err := g.Store.GetException(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, fmt.Errorf("%w %q (see 'parapet exceptions list')", ErrUnknownException, id)
	}
	return e, err
}

// Approve records the approval of a requested exception (finding.Approve)
// and suppresses at once the open findings its scope covers. It returns
// how many it suppressed.
func (g *Governance) Approve(ctx context.Context, id, by, role, comment string, now time.Time) (finding.Exception, int, error) {
	e, err := g.get(ctx, id)
	if err != nil {
		return e, 0, err
	}
	next, ch, err := finding.Approve(e, by, role, comment, &g.Policy, now)
	if err != nil {
		return finding.Exception{}, 0, err
	}
	saved, err := g.save(ctx, next, &ch, finding.EventExceptionApproved, comment, 0)
	if err != nil {
		return saved, 0, err
	}
	res, err := g.cover(ctx, saved, now)
	return saved, res.Suppressed, err
}

// cover makes the findings e suppresses, if it is active, those its scope
// covers, as a scan would decide: each finding's latest evaluation stands
// for a FAIL result, matched with its asset's current tags. Open findings
// it covers are suppressed; findings it suppressed and no longer covers
// (an import narrowed it) open again. It runs after the exception is
// saved: a stop in between leaves the findings to the next scan, which
// decides the same.
func (g *Governance) cover(ctx context.Context, e finding.Exception, now time.Time) (store.CoverResult, error) {
	if !e.Active(now) {
		return store.CoverResult{}, nil
	}
	set, err := finding.NewExceptionSet([]finding.Exception{e}, g.Policy.TagKey)
	if err != nil {
		return store.CoverResult{}, err
	}
	// The candidates: the open findings of its checks, and those it
	// suppresses already (of any check: a check may have left its scope).
	filter := store.FindingFilter{Statuses: []finding.State{finding.StateOpen}}
	if !e.Scope.AllChecks() {
		filter.CheckIDs = e.Scope.Checks
	}
	open, err := g.Store.Findings(ctx, filter)
	if err != nil {
		return store.CoverResult{}, fmt.Errorf("findings of exception %s: %w", e.ID, err)
	}
	mine, err := g.Store.Findings(ctx, store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}, ExceptionID: e.ID})
	if err != nil {
		return store.CoverResult{}, fmt.Errorf("findings of exception %s: %w", e.ID, err)
	}
	tagsOf := map[string]map[string]string{}
	covered := []string{}
	for _, f := range slices.Concat(open, mine) {
		var tags map[string]string
		if e.Scope.UsesTags() {
			t, ok := tagsOf[f.AssetUID]
			if !ok {
				a, err := g.Store.GetAsset(ctx, f.AssetUID)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return store.CoverResult{}, fmt.Errorf("findings of exception %s: %w", e.ID, err)
				}
				t = a.Tags // none for an asset the store does not hold
				tagsOf[f.AssetUID] = t
			}
			tags = t
		}
		r := finding.Result{CheckID: f.CheckID, AssetUID: f.AssetUID, AssetName: f.AssetName, AssetType: f.AssetType,
			Provider: f.Provider, Account: f.Account, Region: f.Region, Severity: f.Severity, Status: finding.Fail}
		if set.Match(&r, tags, now) != nil {
			covered = append(covered, f.Fingerprint)
		}
	}
	return g.Store.CoverFindings(ctx, e.ID, covered, now)
}

// Reject records the refusal of a requested exception (finding.Reject).
func (g *Governance) Reject(ctx context.Context, id, by, role, reason string, now time.Time) (finding.Exception, error) {
	e, err := g.get(ctx, id)
	if err != nil {
		return e, err
	}
	next, ch, err := finding.Reject(e, by, role, reason, &g.Policy, now)
	if err != nil {
		return finding.Exception{}, err
	}
	return g.save(ctx, next, &ch, finding.EventExceptionRejected, reason, 0)
}

// Revoke ends an exception (finding.Revoke); the findings it suppressed
// reopen at once. It returns how many did.
func (g *Governance) Revoke(ctx context.Context, id, by, role, reason string, now time.Time) (finding.Exception, int, error) {
	e, err := g.get(ctx, id)
	if err != nil {
		return e, 0, err
	}
	next, ch, err := finding.Revoke(e, by, role, reason, now)
	if err != nil {
		return finding.Exception{}, 0, err
	}
	n := 0
	if e.State == finding.ExceptionApproved {
		if n, err = g.Store.ReopenSuppressed(ctx, id, now); err != nil {
			return finding.Exception{}, 0, err
		}
	}
	saved, err := g.save(ctx, next, &ch, finding.EventExceptionRevoked, reason, n)
	return saved, n, err
}

func (g *Governance) save(ctx context.Context, e finding.Exception, ch *finding.ExceptionChange, event, comment string, reopened int) (finding.Exception, error) {
	saved, err := g.Store.SaveException(ctx, store.ExceptionWrite{Exception: e, Change: ch,
		Events: []store.Event{store.NewExceptionEvent(event, &e, ch.At, ch.Actor, comment, reopened)}})
	if errors.Is(err, store.ErrConflict) {
		return finding.Exception{}, fmt.Errorf("exception %s changed while this command ran; look at it again ('parapet exceptions show %s'): %w", e.ID, e.ID, err)
	}
	return saved, err
}

// ImportResult says what declaring one exception did.
type ImportResult struct {
	ID string `json:"id"`
	// Action is created, updated or unchanged.
	Action   string                 `json:"action"`
	From     finding.ExceptionState `json:"from,omitempty"`
	State    finding.ExceptionState `json:"state"`
	Changed  []string               `json:"changed,omitempty"`
	Note     string                 `json:"note,omitempty"`
	Reopened int                    `json:"reopened,omitempty"`
	// Suppressed counts the open findings the declaration suppressed.
	Suppressed int `json:"suppressed,omitempty"`
}

// Import declares exceptions (finding.Declare) by actor at now. Every
// declaration is checked first and all problems are returned together,
// each with its file and line; only when all are valid is anything
// written (one transaction per exception). dryRun checks only.
func (g *Governance) Import(ctx context.Context, decls []finding.Declared, actor, source string, now time.Time, dryRun bool) ([]ImportResult, error) {
	ids := make([]string, 0, len(decls))
	for _, d := range decls {
		ids = append(ids, d.Exception.ID)
	}
	stored := map[string]*finding.Exception{}
	if len(ids) > 0 {
		exs, err := g.Store.Exceptions(ctx, store.ExceptionFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for i := range exs {
			stored[exs[i].ID] = &exs[i]
		}
	}
	type planned struct {
		prev *finding.Exception
		d    finding.Declaration
	}
	var (
		plan []planned
		errs []error
	)
	for i := range decls {
		prev := stored[decls[i].Exception.ID]
		d, err := finding.Declare(prev, decls[i].Exception, actor, source, &g.Policy, g.Severities, now)
		if err != nil {
			errs = append(errs, decls[i].Locate(err))
			continue
		}
		plan = append(plan, planned{prev, d})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]ImportResult, 0, len(plan))
	for _, p := range plan {
		e := p.d.Exception
		r := ImportResult{ID: e.ID, Action: "unchanged", State: e.State, Changed: p.d.Changed, Note: p.d.Note}
		if p.prev != nil {
			r.From = p.prev.State
		}
		if p.d.Change == nil {
			r.Changed = nil
			out = append(out, r)
			continue
		}
		r.Action = "updated"
		event := finding.EventExceptionChanged
		if p.d.Created {
			r.Action, r.Changed, event = "created", nil, finding.StateEvent(e.State)
		} else if p.prev.State != e.State {
			event = finding.StateEvent(e.State)
		}
		if dryRun {
			out = append(out, r)
			continue
		}
		if p.prev != nil && p.prev.State == finding.ExceptionApproved && e.State != finding.ExceptionApproved {
			n, err := g.Store.ReopenSuppressed(ctx, e.ID, now)
			if err != nil {
				return out, err
			}
			r.Reopened = n
		}
		saved, err := g.save(ctx, e, p.d.Change, event, "", r.Reopened)
		if err != nil {
			return out, err
		}
		// A declaration approved or changed while approved takes effect
		// at once: it suppresses what it now covers and releases what it
		// no longer does.
		res, err := g.cover(ctx, saved, now)
		if err != nil {
			return out, err
		}
		r.Suppressed, r.Reopened = res.Suppressed, r.Reopened+res.Reopened
		out = append(out, r)
	}
	return out, nil
}

// ExceptionStats are the figures of exceptions as of Now.
type ExceptionStats struct {
	Now     time.Time                      `json:"now"`
	ByState map[finding.ExceptionState]int `json:"byState"`
	// Active exceptions are approved and unexpired.
	Active           int            `json:"active"`
	ActiveBySeverity map[string]int `json:"activeBySeverity"`
	// ActiveByCheck counts "*" for exceptions of every check.
	ActiveByCheck map[string]int `json:"activeByCheck"`
	// ActiveByAccount counts "*" for exceptions not limited to accounts.
	ActiveByAccount map[string]int `json:"activeByAccount"`
	// Expiring lists the active exceptions expiring within Within,
	// soonest first.
	Within   time.Duration  `json:"-"`
	Expiring []ExpiringSoon `json:"expiring"`
	// SuppressedFindings counts the findings suppressed now, in total and
	// per exception.
	SuppressedFindings    int            `json:"suppressedFindings"`
	SuppressedByException map[string]int `json:"suppressedByException"`
}

// ExpiringSoon is an active exception near its expiry.
type ExpiringSoon struct {
	ID       string    `json:"id"`
	Severity string    `json:"severity"`
	Expires  time.Time `json:"expires"`
	DaysLeft int       `json:"daysLeft"`
}

// Stats computes the figures of exceptions as of now; within is the
// horizon of Expiring.
func (g *Governance) Stats(ctx context.Context, now time.Time, within time.Duration) (ExceptionStats, error) {
	st := ExceptionStats{Now: now.UTC(), Within: within, ByState: map[finding.ExceptionState]int{},
		ActiveBySeverity: map[string]int{}, ActiveByCheck: map[string]int{}, ActiveByAccount: map[string]int{},
		Expiring: []ExpiringSoon{}, SuppressedByException: map[string]int{}}
	exs, err := g.Store.Exceptions(ctx, store.ExceptionFilter{})
	if err != nil {
		return st, err
	}
	for i := range exs {
		e := &exs[i]
		st.ByState[e.State]++
		if !e.Active(now) {
			continue
		}
		st.Active++
		st.ActiveBySeverity[e.Severity]++
		for _, c := range e.Scope.Checks {
			st.ActiveByCheck[c]++
		}
		if len(e.Scope.Accounts) == 0 {
			st.ActiveByAccount["*"]++
		}
		for _, a := range e.Scope.Accounts {
			st.ActiveByAccount[a]++
		}
		if left := e.Expires.Sub(now); left <= within {
			st.Expiring = append(st.Expiring, ExpiringSoon{ID: e.ID, Severity: e.Severity, Expires: e.Expires,
				DaysLeft: int(left / (24 * time.Hour))})
		}
	}
	slices.SortFunc(st.Expiring, func(a, b ExpiringSoon) int {
		if c := a.Expires.Compare(b.Expires); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	fs, err := g.Store.Findings(ctx, store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}})
	if err != nil {
		return st, err
	}
	for _, f := range fs {
		st.SuppressedFindings++
		st.SuppressedByException[f.ExceptionID]++
	}
	return st, nil
}
