// Package store defines where Parapet keeps what it learns: scans, the
// current state and configuration history of assets, and check results.
// Backends (sqlite, later postgres) implement Store and must all pass the
// storetest suite.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

var (
	// ErrNotFound is returned (wrapped) when a scan or asset does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned (wrapped) when CreateScan meets an ID in use.
	ErrExists = errors.New("already exists")
)

// Store persists scans, assets and results. Implementations are safe for
// concurrent use; writes are serialized by the backend as it needs.
//
// Times of scans, assets and results are kept with microsecond precision
// (the finest every backend offers) and returned in UTC; times inside
// documents (diagnostics) are kept as given. Every batch write is one transaction: it is
// applied completely or not at all, and repeating it changes nothing, so
// at-least-once delivery of scan work never doubles data.
type Store interface {
	// CreateScan records a new scan. s.ID comes from NewScanID; a status
	// left empty means ScanRunning. An ID already in use gives ErrExists.
	CreateScan(ctx context.Context, s Scan) error
	// FinishScan records the end of a scan: its final status (completed or
	// failed), what could not be collected, and its counts.
	FinishScan(ctx context.Context, id string, finished time.Time, status ScanStatus, diags []collect.Diagnostic, summary Summary) error
	// GetScan returns one scan, or ErrNotFound.
	GetScan(ctx context.Context, id string) (Scan, error)
	// ListScans returns scans newest first.
	ListScans(ctx context.Context, f ScanFilter) ([]Scan, error)
	// LatestScan returns the most recently started scan of a provider
	// (any provider when empty), whatever its status, or ErrNotFound.
	LatestScan(ctx context.Context, provider string) (Scan, error)

	// PutAssets records the assets a scan saw. Each becomes the current
	// state of its UID, unless the store already holds a more recent
	// collection of it (a late, redelivered batch never rolls state back).
	// A configuration differing from the current one (by Asset.Hash,
	// computed when empty) adds an AssetVersion; an unchanged one does not.
	PutAssets(ctx context.Context, scanID string, assets []asset.Asset) error
	// GetAsset returns the current state of an asset, or ErrNotFound. An
	// asset found deleted is returned as last seen; AssetVersions tells
	// when it was deleted.
	GetAsset(ctx context.Context, uid string) (asset.Asset, error)
	// Assets returns current asset states ordered by UID, compared
	// bytewise (not by a locale's collation). Assets found deleted are
	// left out unless f.IncludeDeleted.
	Assets(ctx context.Context, f AssetFilter) ([]asset.Asset, error)
	// AssetVersions returns the configurations an asset has had, oldest
	// first and the current one last, or ErrNotFound for an unknown UID.
	AssetVersions(ctx context.Context, uid string) ([]AssetVersion, error)

	// PutResults records a scan's results. A result replaces any earlier
	// one of the same scan, check and asset.
	PutResults(ctx context.Context, scanID string, results []finding.Result) error
	// Results returns results ordered by scan (newest first), then check
	// ID and asset UID compared bytewise.
	Results(ctx context.Context, f ResultFilter) ([]finding.Result, error)

	// Reconcile folds a scan's stored results into findings, in one
	// transaction, with finding.Apply: a finding changes only when a
	// result of this scan touched it, so a partial scan resolves only what
	// it re-evaluated. Every evaluation touching a finding is added to its
	// history. Then, inside each scope of r.Coverage, assets stored as
	// current but last seen by an older scan are marked deleted (their
	// versions kept) and their findings resolved "resource deleted".
	// Every transition appends a "finding.<transition>" event to the
	// outbox. Reconciling a scan again changes nothing.
	Reconcile(ctx context.Context, r ReconcileRequest) (finding.ReconcileSummary, error)
	// ReopenSuppressed opens, at at, every finding suppressed by the
	// exception exceptionID (which expired or was withdrawn), recording
	// the transition and its event, and returns how many there were.
	ReopenSuppressed(ctx context.Context, exceptionID string, at time.Time) (int, error)
	// CoverFindings makes the findings the exception exceptionID (just
	// approved or changed) suppresses those of covered, as of at: those of
	// covered that are open become suppressed by it, and those it
	// suppresses that are not in covered open again. Each transition is
	// recorded with its event. Unknown fingerprints and findings in other
	// states are skipped.
	CoverFindings(ctx context.Context, exceptionID string, covered []string, at time.Time) (CoverResult, error)
	// GetFinding returns one finding by fingerprint, or ErrNotFound.
	GetFinding(ctx context.Context, fingerprint string) (finding.Finding, error)
	// Findings returns findings ordered by severity (critical first), then
	// first seen (oldest first), then fingerprint.
	Findings(ctx context.Context, f FindingFilter) ([]finding.Finding, error)
	// FindingHistory returns a finding's history, oldest first: every
	// evaluation since it was first seen (its check's results on its
	// asset, stored with their scans) with the transition it made, and the
	// events that were not evaluations (the asset's deletion, the end of
	// an exception). ErrNotFound for an unknown fingerprint.
	FindingHistory(ctx context.Context, fingerprint string) ([]finding.HistoryEntry, error)
	// FindingStats computes the figures of the findings as of now.
	FindingStats(ctx context.Context, q StatsQuery) (FindingStats, error)
	// FindingChanges returns the transitions made by scans after from up
	// to and including to (compared as scan IDs, which order by start
	// time), oldest first. An empty from means from the beginning.
	FindingChanges(ctx context.Context, from, to string) ([]FindingChange, error)
	// AssetChanges compares every asset's state as of scan from (its
	// latest version first seen by from or an earlier scan, unless deleted
	// by then) with its state as of scan to, and returns the assets that
	// were added, removed or changed, ordered by UID. An empty from means
	// before any scan.
	AssetChanges(ctx context.Context, from, to string) ([]AssetChange, error)

	// SaveException writes an exception, its audit entry and its events
	// in one transaction. w.Exception.Revision must be the stored
	// revision (0: the exception must not exist yet), else ErrConflict;
	// the stored revision becomes one more. Times are stored in UTC. It
	// returns the exception as stored.
	SaveException(ctx context.Context, w ExceptionWrite) (finding.Exception, error)
	// GetException returns one exception, or ErrNotFound.
	GetException(ctx context.Context, id string) (finding.Exception, error)
	// Exceptions returns exceptions ordered by ID, compared bytewise.
	Exceptions(ctx context.Context, f ExceptionFilter) ([]finding.Exception, error)
	// ExceptionHistory returns an exception's audit trail, oldest first,
	// or ErrNotFound for an unknown exception.
	ExceptionHistory(ctx context.Context, id string) ([]finding.ExceptionChange, error)

	// AppendEvents adds events to the outbox, in order, each getting the
	// next ID. An empty payload is stored as {}.
	AppendEvents(ctx context.Context, events []Event) error
	// Events returns outbox events in ID order.
	Events(ctx context.Context, f EventFilter) ([]Event, error)

	// Prune deletes what is older than r.Before (see PruneRequest) in one
	// transaction, and returns what it deleted; with r.DryRun it only
	// counts.
	Prune(ctx context.Context, r PruneRequest) (PruneSummary, error)

	Close() error
}

// PruneRequest asks to delete the data older than Before: the scans
// started before it with their results (but the latest scan of each
// provider), the asset versions that stopped being current before it, the
// assets found deleted before it, and the outbox events before it.
// Findings, their transitions and exceptions with their audit trail are
// kept whatever their age: they are the record.
type PruneRequest struct {
	Before time.Time
	DryRun bool
}

// PruneSummary counts what a prune deleted (or, dry, would delete).
type PruneSummary struct {
	Scans         int `json:"scans"`
	Results       int `json:"results"`
	AssetVersions int `json:"assetVersions"`
	Assets        int `json:"assets"`
	Events        int `json:"events"`
}

// ScanStatus is where a scan is in its life.
type ScanStatus string

const (
	ScanRunning   ScanStatus = "running"
	ScanCompleted ScanStatus = "completed"
	// ScanFailed means the scan could not finish; its partial data stays.
	ScanFailed ScanStatus = "failed"
)

// Valid reports whether s is one of the known statuses.
func (s ScanStatus) Valid() bool {
	return s == ScanRunning || s == ScanCompleted || s == ScanFailed
}

// Scan is one run of collection and evaluation.
type Scan struct {
	ID         string     `json:"id"`
	Provider   string     `json:"provider"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt time.Time  `json:"finishedAt,omitzero"` // zero while running
	Status     ScanStatus `json:"status"`
	Scope      Scope      `json:"scope"`
	// Diagnostics lists what could not be collected and why.
	Diagnostics []collect.Diagnostic `json:"diagnostics,omitempty"`
	Summary     Summary              `json:"summary"`
}

// Scope records what a scan was asked to cover; empty lists mean all.
type Scope struct {
	Accounts []string `json:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty"`
	Services []string `json:"services,omitempty"`
	Checks   []string `json:"checks,omitempty"`
	// Filters holds further selectors by name, e.g. "severity" or "tag".
	Filters map[string][]string `json:"filters,omitempty"`
}

// Summary counts what a scan produced.
type Summary struct {
	Assets        int `json:"assets"`
	Results       int `json:"results"`
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	NotApplicable int `json:"notApplicable"`
	Error         int `json:"error"`
	Manual        int `json:"manual"`
	Suppressed    int `json:"suppressed,omitempty"`
	Diagnostics   int `json:"diagnostics"`
	// Findings is what reconciling the scan did to findings.
	Findings *finding.ReconcileSummary `json:"findings,omitempty"`
}

// Count adds results to the summary's result and status counts.
func (s *Summary) Count(results ...finding.Result) {
	for _, r := range results {
		s.Results++
		switch r.Status {
		case finding.Pass:
			s.Pass++
		case finding.Fail:
			s.Fail++
		case finding.NotApplicable:
			s.NotApplicable++
		case finding.Error:
			s.Error++
		case finding.Manual:
			s.Manual++
		case finding.Suppressed:
			s.Suppressed++
		}
	}
}

// AssetVersion is one configuration an asset has had, and when it held it.
// An asset that changes back to an earlier configuration gets a new
// version, so history shows the return.
type AssetVersion struct {
	// FirstScanID is the scan that first saw this configuration, at
	// FirstSeen (its collection time).
	FirstScanID string    `json:"firstScanId"`
	FirstSeen   time.Time `json:"firstSeen"`
	// LastScanID is the latest scan that saw it, at LastSeen; for the
	// current version, the latest scan that saw the asset.
	LastScanID string    `json:"lastScanId"`
	LastSeen   time.Time `json:"lastSeen"`
	// Asset is the asset as first collected with this configuration (so
	// its CollectedAt is FirstSeen); Asset.Hash identifies the
	// configuration. Provider, Account, Region and Type, which identify
	// the asset rather than configure it, are its current ones.
	Asset asset.Asset `json:"asset"`
	// DeletedScanID is set when this version ended because the asset was
	// found deleted, by that scan, at DeletedAt.
	DeletedScanID string    `json:"deletedScanId,omitempty"`
	DeletedAt     time.Time `json:"deletedAt,omitzero"`
}

// ScanFilter selects scans. Zero fields match everything.
type ScanFilter struct {
	Provider string
	Status   ScanStatus
	// Before keeps scans that started before this scan, for paging.
	Before string
	Limit  int // 0 means no limit
}

// AssetFilter selects current asset states. Zero fields match everything;
// a list matches any of its values.
type AssetFilter struct {
	Provider string
	Accounts []string
	Regions  []string
	Types    []string
	// LastScanID keeps assets whose latest collection was in this scan:
	// with the latest scan's ID this is the inventory still present.
	LastScanID string
	// IncludeDeleted also returns assets found deleted (as last seen).
	IncludeDeleted bool
	Limit          int // 0 means no limit
}

// ResultFilter selects results. Zero fields match everything; a list
// matches any of its values.
type ResultFilter struct {
	ScanID     string
	Statuses   []finding.Status
	Severities []string
	Accounts   []string
	CheckIDs   []string
	AssetUID   string
	Limit      int // 0 means no limit
}

// ValidateScan checks what CreateScan needs; backends call it first.
func ValidateScan(s Scan) error {
	switch {
	case s.ID == "":
		return errors.New("scan: empty ID")
	case s.Provider == "":
		return fmt.Errorf("scan %s: empty provider", s.ID)
	case s.StartedAt.IsZero():
		return fmt.Errorf("scan %s: zero start time", s.ID)
	case s.Status != "" && !s.Status.Valid():
		return fmt.Errorf("scan %s: unknown status %q (want running, completed or failed)", s.ID, s.Status)
	}
	return nil
}

// ValidateFinish checks FinishScan's arguments.
func ValidateFinish(id string, finished time.Time, status ScanStatus) error {
	switch {
	case id == "":
		return errors.New("finish scan: empty ID")
	case finished.IsZero():
		return fmt.Errorf("finish scan %s: zero finish time", id)
	case status != ScanCompleted && status != ScanFailed:
		return fmt.Errorf("finish scan %s: status %q is not a final status (want completed or failed)", id, status)
	}
	return nil
}

// ValidateAssets checks a PutAssets batch, naming the first bad asset.
func ValidateAssets(scanID string, assets []asset.Asset) error {
	if scanID == "" {
		return errors.New("put assets: empty scan ID")
	}
	for i := range assets {
		a := &assets[i]
		switch {
		case a.UID == "":
			return fmt.Errorf("put assets: asset %d: empty uid", i)
		case a.Provider == "":
			return fmt.Errorf("put assets: asset %d (%s): empty provider", i, a.UID)
		case a.Type == "":
			return fmt.Errorf("put assets: asset %d (%s): empty type", i, a.UID)
		}
	}
	return nil
}

// ValidateResults checks a PutResults batch, naming the first bad result.
func ValidateResults(scanID string, results []finding.Result) error {
	if scanID == "" {
		return errors.New("put results: empty scan ID")
	}
	for i := range results {
		r := &results[i]
		if r.CheckID == "" {
			return fmt.Errorf("put results: result %d: empty checkId", i)
		}
		if r.AssetUID == "" {
			return fmt.Errorf("put results: result %d (%s): empty assetUid", i, r.CheckID)
		}
		switch r.Status {
		case finding.Pass, finding.Fail, finding.NotApplicable, finding.Error, finding.Manual:
		case finding.Suppressed:
			if r.ExceptionID == "" {
				return fmt.Errorf("put results: result %d (%s on %s): SUPPRESSED without an exceptionId", i, r.CheckID, r.AssetUID)
			}
		default:
			return fmt.Errorf("put results: result %d (%s on %s): unknown status %q (want PASS, FAIL, NOT_APPLICABLE, ERROR, MANUAL or SUPPRESSED)", i, r.CheckID, r.AssetUID, r.Status)
		}
	}
	return nil
}
