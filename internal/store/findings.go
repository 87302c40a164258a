package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

// ReconcileRequest names the scan whose stored results Reconcile folds into
// findings.
type ReconcileRequest struct {
	ScanID string
	// At is when the reconcile runs: the time of the deletions it infers.
	At time.Time
	// Coverage lists the scopes the scan listed completely (what its
	// collector reported through collect.Sink.Covered). Without coverage
	// no asset is taken as deleted.
	Coverage []collect.Coverage
}

// ValidateReconcile checks what Reconcile needs; backends call it first.
func ValidateReconcile(r ReconcileRequest) error {
	switch {
	case r.ScanID == "":
		return errors.New("reconcile: empty scan ID")
	case r.At.IsZero():
		return fmt.Errorf("reconcile %s: zero time", r.ScanID)
	}
	for i, c := range r.Coverage {
		if c.Provider == "" || c.Account == "" {
			return fmt.Errorf("reconcile %s: coverage %d: empty provider or account", r.ScanID, i)
		}
	}
	return nil
}

// FindingFilter selects findings. Zero fields match everything; a list
// matches any of its values.
type FindingFilter struct {
	Statuses   []finding.State
	Severities []string
	Accounts   []string
	CheckIDs   []string
	AssetUID   string
	// ExceptionID keeps the findings this exception suppresses.
	ExceptionID string
	// ChangedSince keeps findings whose latest transition (opened,
	// reopened, resolved, suppressed) is at or after it.
	ChangedSince time.Time
	Limit        int // 0 means no limit
}

// StatsQuery asks for the figures of the findings as of Now.
type StatsQuery struct {
	Now time.Time
	// Days is how many days (UTC, the last one Now's) PerDay covers;
	// 0 means 30.
	Days int
}

// FindingStats are the figures of the findings.
type FindingStats struct {
	Now        time.Time `json:"now"`
	Open       int       `json:"open"`
	Suppressed int       `json:"suppressed"`
	Resolved   int       `json:"resolved"`
	// Open findings by severity, check and account (suppressed ones are
	// not open).
	OpenBySeverity map[string]int `json:"openBySeverity"`
	OpenByCheck    map[string]int `json:"openByCheck"`
	OpenByAccount  map[string]int `json:"openByAccount"`
	// AgeBySeverity is the age of open findings (Now minus OpenedAt).
	AgeBySeverity map[string]AgeStats `json:"ageBySeverity"`
	// Remediations counts every resolution ever recorded, and
	// MeanTimeToRemediate is their mean duration (from the failure's start
	// to its resolution, whatever the reason).
	Remediations        int           `json:"remediations"`
	MeanTimeToRemediate time.Duration `json:"meanTimeToRemediate"`
	// PerDay counts transitions per UTC day, oldest first, every day of
	// the query's range included.
	PerDay []DayCount `json:"perDay"`
}

// AgeStats summarises the ages of a set of open findings.
type AgeStats struct {
	Count int           `json:"count"`
	Mean  time.Duration `json:"mean"`
	Max   time.Duration `json:"max"`
}

// DayCount is what happened to findings on one UTC day.
type DayCount struct {
	Day      string `json:"day"` // 2006-01-02
	Opened   int    `json:"opened"`
	Reopened int    `json:"reopened"`
	Resolved int    `json:"resolved"`
}

// StatsDays returns the days of a stats query, oldest first, and the
// start of the first.
func StatsDays(q StatsQuery) ([]DayCount, time.Time) {
	n := q.Days
	if n <= 0 {
		n = 30
	}
	last := q.Now.UTC().Truncate(24 * time.Hour)
	first := last.AddDate(0, 0, -(n - 1))
	out := make([]DayCount, n)
	for i := range out {
		out[i].Day = first.AddDate(0, 0, i).Format(time.DateOnly)
	}
	return out, first
}

// FindingChange is one transition of a finding, as FindingChanges lists
// them.
type FindingChange struct {
	// Finding is the finding as it is now.
	Finding    finding.Finding    `json:"finding"`
	At         time.Time          `json:"at"`
	ScanID     string             `json:"scanId,omitempty"`
	Transition finding.Transition `json:"transition"`
	Reason     string             `json:"reason,omitempty"`
}

// AssetChangeKind says how an asset differs between two scans.
type AssetChangeKind string

const (
	AssetAdded   AssetChangeKind = "added"
	AssetRemoved AssetChangeKind = "removed"
	AssetChanged AssetChangeKind = "changed"
)

// AssetChange is an asset that differs between two scans.
type AssetChange struct {
	UID  string          `json:"uid"`
	Kind AssetChangeKind `json:"kind"`
	// From is the asset as of the first scan (nil when added), To as of
	// the second (nil when removed).
	From *asset.Asset `json:"from,omitempty"`
	To   *asset.Asset `json:"to,omitempty"`
}

// Event is an entry of the outbox: something happened that notifications,
// and other consumers that keep a cursor on ID, may act on.
type Event struct {
	// ID is given by AppendEvents, increasing.
	ID   int64     `json:"id"`
	Type string    `json:"type"` // e.g. "finding.opened"
	Time time.Time `json:"time"`
	// Subject is what the event is about, e.g. a finding's fingerprint.
	Subject string          `json:"subject"`
	Payload json.RawMessage `json:"payload"`
}

// EventFilter selects events. Zero fields match everything.
type EventFilter struct {
	Types   []string
	Since   time.Time // events at or after
	AfterID int64     // events with a greater ID (a consumer's cursor)
	Limit   int       // 0 means no limit
}

// ValidateEvents checks an AppendEvents batch, naming the first bad event.
func ValidateEvents(events []Event) error {
	for i, e := range events {
		switch {
		case e.Type == "":
			return fmt.Errorf("append events: event %d: empty type", i)
		case e.Time.IsZero():
			return fmt.Errorf("append events: event %d (%s): zero time", i, e.Type)
		case len(e.Payload) > 0 && !json.Valid(e.Payload):
			return fmt.Errorf("append events: event %d (%s): payload is not JSON", i, e.Type)
		}
	}
	return nil
}

// FindingEvent is the payload of the finding.* events. A backend may keep
// with the event only what is specific to it (its transition and reason,
// scan, and the finding's status, opening, reopen count and exception)
// and fill in the rest from the finding when the event is read: the check,
// asset and first sighting never change, but the description (severity,
// asset type and name, provider, account, region) is then the finding's
// latest.
type FindingEvent struct {
	Fingerprint string             `json:"fingerprint"`
	Transition  finding.Transition `json:"transition"`
	Reason      string             `json:"reason,omitempty"`
	ScanID      string             `json:"scanId,omitempty"`
	CheckID     string             `json:"checkId"`
	Severity    string             `json:"severity"`
	AssetUID    string             `json:"assetUid"`
	AssetType   string             `json:"assetType"`
	AssetName   string             `json:"assetName,omitempty"`
	Provider    string             `json:"provider"`
	Account     string             `json:"account"`
	Region      string             `json:"region"`
	Status      finding.State      `json:"status"`
	FirstSeen   time.Time          `json:"firstSeen"`
	OpenedAt    time.Time          `json:"openedAt"`
	ReopenCount int                `json:"reopenCount"`
	ExceptionID string             `json:"exceptionId,omitempty"`
}

// CoverResult says what CoverFindings did.
type CoverResult struct {
	// Suppressed counts the open findings the exception now suppresses.
	Suppressed int `json:"suppressed"`
	// Reopened counts the findings it suppressed and no longer covers.
	Reopened int `json:"reopened"`
}

// Fold collects what reconciling does to findings, for a backend to write
// in its own way. Backends read the findings a scan touches, feed them to
// Apply, Delete or Unsuppress, and write Findings (upserted by
// fingerprint), History (ignoring entries already present, so a repeated
// reconcile adds nothing) and an event for each of Events.
//
// History holds transitions only: a finding's evaluations are its results,
// which every scan stores already (FindingHistory merges both). Nor does it
// hold a finding's opening (the transition of its first failing result):
// a backend records which scan opened each finding, and FindingHistory,
// FindingStats and FindingChanges derive the opening from that scan's
// result. Opening is most of what a first scan does, and one history row
// fewer per finding is most of its cost.
type Fold struct {
	ScanID   string
	Summary  finding.ReconcileSummary
	Findings []finding.Finding
	History  []FoldEntry
	Events   []FoldEvent
}

// Grow makes room for n more findings.
func (f *Fold) Grow(n int) { f.Findings = slices.Grow(f.Findings, n) }

// FoldEntry is a history entry of one finding.
type FoldEntry struct {
	Fingerprint string
	finding.HistoryEntry
	// OpenFor is the time to remediate, on resolutions.
	OpenFor time.Duration
}

// FoldEvent is a transition to announce: Findings[Finding] is the finding
// after it. Fold.FindingEvent is its payload.
type FoldEvent struct {
	Finding    int
	Transition finding.Transition
	Reason     string
	At         time.Time
}

// Type is the event's type, "finding.<transition>".
func (e FoldEvent) Type() string { return e.Transition.EventType() }

// FindingEvent returns the payload of event e.
func (f *Fold) FindingEvent(e FoldEvent) FindingEvent {
	fd := &f.Findings[e.Finding]
	return FindingEvent{
		Fingerprint: fd.Fingerprint, Transition: e.Transition, Reason: e.Reason, ScanID: f.ScanID,
		CheckID: fd.CheckID, Severity: fd.Severity, AssetUID: fd.AssetUID, AssetType: fd.AssetType, AssetName: fd.AssetName,
		Provider: fd.Provider, Account: fd.Account, Region: fd.Region, Status: fd.Status,
		FirstSeen: fd.FirstSeen, OpenedAt: fd.OpenedAt, ReopenCount: fd.ReopenCount, ExceptionID: fd.ExceptionID,
	}
}

// Apply folds one result of the scan into the finding prev (nil: none)
// and returns the step; a step that exists and is not stale added
// Findings' last element.
func (f *Fold) Apply(prev *finding.Finding, r *finding.Result) finding.Step {
	st := finding.Apply(prev, r, f.ScanID)
	if !st.Exists || st.Stale {
		return st
	}
	f.Summary.Evaluated++
	f.add(st, prev == nil, finding.HistoryEntry{At: r.EvaluatedAt, ScanID: f.ScanID, Status: r.Status,
		ExceptionID: r.ExceptionID, Message: r.Message}, r.EvaluatedAt)
	return st
}

// Delete folds the deletion of prev's asset, found at at.
func (f *Fold) Delete(prev finding.Finding, at time.Time) {
	st := finding.Delete(prev, at)
	if st.Transition == finding.NoChange {
		return
	}
	f.add(st, false, finding.HistoryEntry{At: at, ScanID: f.ScanID}, at)
}

// Unsuppress folds the end of exception exceptionID at at.
func (f *Fold) Unsuppress(prev finding.Finding, exceptionID string, at time.Time) {
	f.exceptionStep(finding.Unsuppress(prev, exceptionID, at), exceptionID, at)
}

// add records step st; opening says it created the finding, whose
// opening is derived rather than kept in History.
// Suppress folds the approval of exception exceptionID, covering prev,
// at at.
func (f *Fold) Suppress(prev finding.Finding, exceptionID string, at time.Time) {
	f.exceptionStep(finding.Suppress(prev, exceptionID, at), exceptionID, at)
}

// Uncover folds the narrowing of exception exceptionID, which no longer
// covers prev, at at.
func (f *Fold) Uncover(prev finding.Finding, exceptionID string, at time.Time) {
	f.exceptionStep(finding.Uncover(prev, exceptionID, at), exceptionID, at)
}

// exceptionStep records a step an exception made without an evaluation.
func (f *Fold) exceptionStep(st finding.Step, exceptionID string, at time.Time) {
	if st.Transition == finding.NoChange {
		return
	}
	f.add(st, false, finding.HistoryEntry{At: at, ScanID: f.ScanID, ExceptionID: exceptionID}, at)
}

func (f *Fold) add(st finding.Step, opening bool, h finding.HistoryEntry, at time.Time) {
	f.Summary.Count(st.Transition)
	f.Findings = append(f.Findings, st.Finding)
	if st.Transition == finding.NoChange {
		return
	}
	if !opening {
		h.Transition, h.Reason = st.Transition, st.Reason
		f.History = append(f.History, FoldEntry{Fingerprint: st.Finding.Fingerprint, HistoryEntry: h, OpenFor: st.OpenFor})
	}
	f.Events = append(f.Events, FoldEvent{Finding: len(f.Findings) - 1, Transition: st.Transition, Reason: st.Reason, At: at})
}
