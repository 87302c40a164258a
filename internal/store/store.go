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
	// GetAsset returns the current state of an asset, or ErrNotFound.
	GetAsset(ctx context.Context, uid string) (asset.Asset, error)
	// Assets returns current asset states ordered by UID, compared
	// bytewise (not by a locale's collation).
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

	Close() error
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
	Diagnostics   int `json:"diagnostics"`
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
	Limit      int // 0 means no limit
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
		default:
			return fmt.Errorf("put results: result %d (%s on %s): unknown status %q (want PASS, FAIL, NOT_APPLICABLE, ERROR or MANUAL)", i, r.CheckID, r.AssetUID, r.Status)
		}
	}
	return nil
}
