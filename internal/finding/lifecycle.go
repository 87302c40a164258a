package finding

import (
	"time"
)

// State is where a finding is in its life.
type State string

const (
	// StateOpen: the check fails on the asset and nothing accepts it.
	StateOpen State = "open"
	// StateResolved: the check passes again, no longer applies, or the
	// asset is gone.
	StateResolved State = "resolved"
	// StateSuppressed: the check fails but an exception accepts it; it is
	// not counted as open.
	StateSuppressed State = "suppressed"
)

// Valid reports whether s is one of the known states.
func (s State) Valid() bool { return s == StateOpen || s == StateResolved || s == StateSuppressed }

// Transition is a change of state; the empty transition is no change.
type Transition string

const (
	NoChange Transition = ""
	// Opened: a first failure of the check on the asset.
	Opened Transition = "opened"
	// Reopened: a resolved finding fails again.
	Reopened Transition = "reopened"
	// Resolved: an open or suppressed finding passes, stops applying, or
	// its asset was deleted.
	Resolved Transition = "resolved"
	// NewlySuppressed: a failure an exception now accepts.
	NewlySuppressed Transition = "suppressed"
	// Unsuppressed: a suppressed finding whose exception no longer
	// applies (ended, or no longer matches): it is open again.
	Unsuppressed Transition = "unsuppressed"
)

// EventType names the outbox event a transition emits
// ("finding.opened", ...), or "" for no change.
func (t Transition) EventType() string {
	if t == NoChange {
		return ""
	}
	return "finding." + string(t)
}

// Reasons recorded with transitions.
const (
	ReasonPassed        = "passed"
	ReasonNotApplicable = "not applicable"
	ReasonDeleted       = "resource deleted"
	ReasonFailedAgain   = "failed again"
	ReasonNoException   = "no exception applies"
	ReasonExceptionEnd  = "exception ended"
)

// Finding is a check failing on an asset, followed across scans from first
// sight to fix: one per fingerprint (check ID and asset UID).
type Finding struct {
	Fingerprint string `json:"fingerprint"`
	CheckID     string `json:"checkId"`
	Severity    string `json:"severity"`
	AssetUID    string `json:"assetUid"`
	AssetType   string `json:"assetType"`
	AssetName   string `json:"assetName,omitempty"`
	Provider    string `json:"provider"`
	Account     string `json:"account"`
	Region      string `json:"region"`
	Status      State  `json:"status"`
	// FirstSeen and LastSeen are the first and the latest evaluations that
	// found the check failing (FAIL or SUPPRESSED).
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	// OpenedAt starts the current failure (the last one, once resolved):
	// FirstSeen, or the latest reopening. A finding's age counts from it.
	OpenedAt time.Time `json:"openedAt"`
	// ChangedAt is the time of the latest transition.
	ChangedAt      time.Time `json:"changedAt"`
	ResolvedAt     time.Time `json:"resolvedAt,omitzero"`
	ResolvedReason string    `json:"resolvedReason,omitempty"`
	ReopenCount    int       `json:"reopenCount"`
	// ExceptionID names the exception of a suppressed finding.
	ExceptionID string `json:"exceptionId,omitempty"`
	// LastStatus, LastEvaluated, LastScanID and Message describe the
	// latest evaluation, whatever its status.
	LastStatus    Status    `json:"lastStatus"`
	LastEvaluated time.Time `json:"lastEvaluated"`
	LastScanID    string    `json:"lastScanId"`
	Message       string    `json:"message,omitempty"`
}

// Age is how long the current failure has lasted at now; for a resolved
// finding, how long its last failure lasted.
func (f *Finding) Age(now time.Time) time.Duration {
	if f.Status == StateResolved {
		return f.ResolvedAt.Sub(f.OpenedAt)
	}
	return now.Sub(f.OpenedAt)
}

// Step is what one event in a finding's life did to it.
type Step struct {
	// Finding is the state after the step.
	Finding Finding
	// Exists is false when there is no finding, before or after: a pass,
	// an error or a manual result of a check that never failed there.
	Exists bool
	// Stale is set for an evaluation older than the finding's latest one
	// (a late, redelivered batch); it changes nothing.
	Stale      bool
	Transition Transition
	Reason     string
	// OpenFor is, on Resolved, how long the failure lasted: the time to
	// remediate.
	OpenFor time.Duration
}

// Apply is the lifecycle: the finding prev (nil when there is none) after
// the result r of scan scanID.
//
//	before      FAIL             SUPPRESSED         PASS / N/A        ERROR / MANUAL
//	none        open (opened)    suppressed (supp.) none              none
//	open        open             suppressed (supp.) resolved          open
//	suppressed  open (unsupp.)   suppressed         resolved          suppressed
//	resolved    open (reopened)  suppressed (+1)    resolved          resolved
//
// NOT_APPLICABLE resolves (reason "not applicable"): the check no longer
// applies to the asset, so nothing is left to fix. An ERROR never opens or
// resolves anything; it is only recorded. A resolved finding that fails
// again counts a reopening, suppressed or not.
func Apply(prev *Finding, r *Result, scanID string) Step {
	at := r.EvaluatedAt
	if prev == nil {
		if r.Status != Fail && r.Status != Suppressed {
			return Step{}
		}
		f := Finding{
			Fingerprint: r.Fingerprint(), CheckID: r.CheckID, AssetUID: r.AssetUID,
			FirstSeen: at, LastSeen: at, OpenedAt: at, ChangedAt: at,
		}
		describe(&f, r, scanID)
		if r.Status == Fail {
			f.Status = StateOpen
			return Step{Finding: f, Exists: true, Transition: Opened}
		}
		f.Status, f.ExceptionID = StateSuppressed, r.ExceptionID
		return Step{Finding: f, Exists: true, Transition: NewlySuppressed, Reason: r.ExceptionID}
	}

	f := *prev
	if at.Before(f.LastEvaluated) {
		return Step{Finding: f, Exists: true, Stale: true}
	}
	describe(&f, r, scanID)
	st := Step{Exists: true}
	switch r.Status {
	case Fail:
		f.LastSeen = at
		switch f.Status {
		case StateSuppressed:
			f.Status, f.ExceptionID = StateOpen, ""
			st.Transition, st.Reason = Unsuppressed, ReasonNoException
		case StateResolved:
			reopen(&f, at)
			f.Status = StateOpen
			st.Transition, st.Reason = Reopened, ReasonFailedAgain
		}
	case Suppressed:
		f.LastSeen = at
		switch f.Status {
		case StateOpen:
			f.Status, f.ExceptionID = StateSuppressed, r.ExceptionID
			st.Transition, st.Reason = NewlySuppressed, r.ExceptionID
		case StateSuppressed:
			f.ExceptionID = r.ExceptionID // another exception may now cover it
		case StateResolved:
			reopen(&f, at)
			f.Status, f.ExceptionID = StateSuppressed, r.ExceptionID
			st.Transition, st.Reason = NewlySuppressed, r.ExceptionID
		}
	case Pass, NotApplicable:
		if f.Status != StateResolved {
			reason := ReasonPassed
			if r.Status == NotApplicable {
				reason = ReasonNotApplicable
			}
			st.OpenFor = resolve(&f, at, reason)
			st.Transition, st.Reason = Resolved, reason
		}
	}
	if st.Transition != NoChange {
		f.ChangedAt = at
	}
	st.Finding = f
	return st
}

// Delete resolves the finding of an asset that no longer exists. A
// resolved finding stays as it is.
func Delete(prev Finding, at time.Time) Step {
	if prev.Status == StateResolved {
		return Step{Finding: prev, Exists: true}
	}
	f := prev
	open := resolve(&f, at, ReasonDeleted)
	f.ChangedAt = at
	return Step{Finding: f, Exists: true, Transition: Resolved, Reason: ReasonDeleted, OpenFor: open}
}

// Unsuppress opens a finding suppressed by exceptionID, which stopped
// applying at at (it expired or was withdrawn). Any other finding is left
// as it is.
func Unsuppress(prev Finding, exceptionID string, at time.Time) Step {
	return release(prev, exceptionID, at, ReasonExceptionEnd)
}

// Uncover opens a finding suppressed by exceptionID, whose scope no
// longer covers it (the exception was narrowed) as of at. Any other
// finding is left as it is.
func Uncover(prev Finding, exceptionID string, at time.Time) Step {
	return release(prev, exceptionID, at, ReasonNoException)
}

func release(prev Finding, exceptionID string, at time.Time, reason string) Step {
	if prev.Status != StateSuppressed || prev.ExceptionID != exceptionID || exceptionID == "" {
		return Step{Finding: prev, Exists: true}
	}
	f := prev
	f.Status, f.ExceptionID, f.ChangedAt = StateOpen, "", at
	return Step{Finding: f, Exists: true, Transition: Unsuppressed, Reason: reason + " (" + exceptionID + ")"}
}

// Suppress puts an open finding under exceptionID, approved at at, whose
// scope covers it: an approval takes effect at once rather than at the
// next evaluation. Any other finding is left as it is: a resolved one has
// nothing to suppress, and one already suppressed keeps its exception
// until the next evaluation picks the longest-lasting.
func Suppress(prev Finding, exceptionID string, at time.Time) Step {
	if prev.Status != StateOpen || exceptionID == "" {
		return Step{Finding: prev, Exists: true}
	}
	f := prev
	f.Status, f.ExceptionID, f.ChangedAt = StateSuppressed, exceptionID, at
	return Step{Finding: f, Exists: true, Transition: NewlySuppressed, Reason: exceptionID}
}

// describe copies what the latest evaluation says about the finding.
func describe(f *Finding, r *Result, scanID string) {
	if r.Severity != "" {
		f.Severity = r.Severity
	}
	f.AssetType, f.AssetName, f.Provider, f.Account, f.Region = r.AssetType, r.AssetName, r.Provider, r.Account, r.Region
	f.LastStatus, f.LastEvaluated, f.LastScanID, f.Message = r.Status, r.EvaluatedAt, scanID, r.Message
}

func reopen(f *Finding, at time.Time) {
	f.ReopenCount++
	f.OpenedAt, f.ResolvedAt, f.ResolvedReason = at, time.Time{}, ""
}

// resolve marks f resolved and returns how long its failure lasted.
func resolve(f *Finding, at time.Time, reason string) time.Duration {
	f.Status, f.ResolvedAt, f.ResolvedReason, f.ExceptionID = StateResolved, at, reason, ""
	return at.Sub(f.OpenedAt)
}

// HistoryEntry is one evaluation or event in a finding's life.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	ScanID string    `json:"scanId,omitempty"`
	// Status is the result of the evaluation; empty for an event that was
	// not one (the asset's deletion, an exception's end).
	Status      Status     `json:"status,omitempty"`
	Transition  Transition `json:"transition,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	ExceptionID string     `json:"exceptionId,omitempty"`
	Message     string     `json:"message,omitempty"`
}

// ReconcileSummary counts what reconciling a scan's results did.
type ReconcileSummary struct {
	// Evaluated counts findings a result of the scan touched.
	Evaluated    int `json:"evaluated"`
	Opened       int `json:"opened"`
	Reopened     int `json:"reopened"`
	Resolved     int `json:"resolved"`
	Suppressed   int `json:"suppressed"`
	Unsuppressed int `json:"unsuppressed"`
	// DeletedAssets counts assets found gone from a scope the scan listed
	// completely.
	DeletedAssets int `json:"deletedAssets"`
}

// Count adds one transition.
func (s *ReconcileSummary) Count(t Transition) {
	switch t {
	case Opened:
		s.Opened++
	case Reopened:
		s.Reopened++
	case Resolved:
		s.Resolved++
	case NewlySuppressed:
		s.Suppressed++
	case Unsuppressed:
		s.Unsuppressed++
	}
}

// Suppressor decides whether an exception accepts a failing result. The
// pipeline consults it for every FAIL result, with the asset's tags, before
// results are stored and reconciled.
type Suppressor interface {
	Suppress(r *Result, tags map[string]string, now time.Time) (exceptionID string, ok bool)
}

// NoExceptions is the Suppressor of a deployment without exceptions.
type NoExceptions struct{}

// Suppress implements Suppressor: nothing is suppressed.
func (NoExceptions) Suppress(*Result, map[string]string, time.Time) (string, bool) { return "", false }

// ApplyExceptions marks the FAIL results s accepts SUPPRESSED with their
// exception's ID. A nil s suppresses nothing.
func ApplyExceptions(s Suppressor, rs []Result, tags map[string]string, now time.Time) {
	if s == nil {
		return
	}
	for i := range rs {
		r := &rs[i]
		if r.Status != Fail {
			continue
		}
		if id, ok := s.Suppress(r, tags, now); ok && id != "" {
			r.Status, r.ExceptionID = Suppressed, id
		}
	}
}

var _ Suppressor = NoExceptions{}
