// Package pipeline is the one place that sees the whole flow: sources
// produce assets, the engine evaluates them, the store keeps both, and the
// caller gets the outcome to report. Every entry point (CLI scan, demo,
// later events and workers) runs scans through here.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// Options configure one scan.
type Options struct {
	Collector collect.Collector
	Engine    *engine.Engine
	// Store keeps the scan, its assets and results, and the findings
	// they reconcile into. Nil evaluates only: nothing is persisted (the
	// outcome still has every result).
	Store store.Store
	// Suppressor decides which failures an exception accepts; those
	// results are SUPPRESSED. Nil suppresses nothing.
	Suppressor finding.Suppressor
	// Scope is recorded on the scan as given (accounts, regions, filters).
	Scope store.Scope
	// Now is the clock; evaluation uses the scan's start time throughout
	// so every result of a scan is judged at the same instant.
	Now func() time.Time
	// Progress, when set, receives the collector's progress reports.
	Progress func(planned, done int)
	// BatchSize is how many assets are written to the store at once.
	BatchSize int
}

// Outcome is what a scan produced.
type Outcome struct {
	Scan        store.Scan
	Assets      int
	Results     []finding.Result
	Diagnostics []collect.Diagnostic
	// Coverage lists the scopes the collector listed completely.
	Coverage []collect.Coverage
	// Findings is what reconciling the results did to findings; nil
	// without a store, or when the scan's data could not all be stored.
	Findings *finding.ReconcileSummary
}

// Scan collects, evaluates, stores and reconciles the results into
// findings. It returns an error only when the scan as a whole failed
// (nothing could be collected, the store refused writes); partial
// collection failures are in Outcome.Diagnostics and show up as ERROR
// results.
func Scan(ctx context.Context, o Options) (*Outcome, error) {
	if o.Collector == nil || o.Engine == nil {
		return nil, errors.New("pipeline: collector and engine are required")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	started := now().UTC()
	sc := store.Scan{
		ID:        store.NewScanID(started),
		Provider:  o.Collector.Provider(),
		StartedAt: started,
		Status:    store.ScanRunning,
		Scope:     o.Scope,
	}
	if o.Store != nil {
		if err := o.Store.CreateScan(ctx, sc); err != nil {
			return nil, fmt.Errorf("record scan: %w", err)
		}
	}

	s := newSink(ctx, o, sc.ID, started, now)
	collectErr := o.Collector.Collect(ctx, s)
	if collectErr != nil {
		// Nothing in scope could be read: every check is ERROR for the
		// whole provider, so no report of this scan reads as clean.
		s.Diagnostic(collect.Diagnostic{
			Provider: o.Collector.Provider(), Account: "*", Region: "*",
			Code: "CollectionFailed", Message: collectErr.Error(),
			ResourceTypes: o.Engine.ResourceTypes(),
		})
	}
	out, writeErr := s.close()

	// Findings move only on complete data: after a failed write some
	// results are missing, and a cancelled scan may have stopped anywhere.
	var reconcileErr error
	if o.Store != nil && writeErr == nil && ctx.Err() == nil {
		rec, err := o.Store.Reconcile(ctx, store.ReconcileRequest{ScanID: sc.ID, At: now().UTC(), Coverage: out.Coverage})
		if err != nil {
			reconcileErr = err
		} else {
			out.Findings = &rec
		}
	}

	finished := now().UTC()
	status := store.ScanCompleted
	if collectErr != nil || writeErr != nil || reconcileErr != nil {
		status = store.ScanFailed
	}
	summary := store.Summary{Assets: out.Assets, Diagnostics: len(out.Diagnostics), Findings: out.Findings}
	summary.Count(out.Results...)
	if o.Store != nil {
		// The scan row is finished even if the context was cancelled: a
		// scan left "running" forever would mislead every later reader.
		if err := o.Store.FinishScan(context.WithoutCancel(ctx), sc.ID, finished, status, out.Diagnostics, summary); err != nil {
			return nil, errors.Join(fmt.Errorf("finish scan: %w", err), collectErr, writeErr, reconcileErr)
		}
	}
	sc.FinishedAt, sc.Status, sc.Diagnostics, sc.Summary = finished, status, out.Diagnostics, summary
	out.Scan = sc
	if collectErr != nil {
		return out, fmt.Errorf("collect: %w", collectErr)
	}
	if writeErr != nil {
		return out, fmt.Errorf("store: %w", writeErr)
	}
	if reconcileErr != nil {
		return out, fmt.Errorf("reconcile findings: %w", reconcileErr)
	}
	return out, nil
}

// sink evaluates assets as collectors report them and hands batches to a
// single writer goroutine, so collection, evaluation and storage overlap
// and memory stays bounded by the batch size plus the results kept for the
// report.
type sink struct {
	ctx     context.Context
	o       Options
	scanID  string
	evalAt  time.Time
	now     func() time.Time
	batches chan batch
	done    chan error

	mu      sync.Mutex
	assets  map[string]bool // UIDs already taken
	gaps    map[string]bool // fingerprints of gap results already taken
	pending batch
	out     Outcome
}

type batch struct {
	assets  []asset.Asset
	results []finding.Result
}

func newSink(ctx context.Context, o Options, scanID string, evalAt time.Time, now func() time.Time) *sink {
	s := &sink{ctx: ctx, o: o, scanID: scanID, evalAt: evalAt, now: now,
		batches: make(chan batch, 4), done: make(chan error, 1), assets: map[string]bool{}, gaps: map[string]bool{}}
	go s.write()
	return s
}

func (s *sink) write() {
	var err error
	for b := range s.batches {
		if err != nil || s.o.Store == nil {
			continue // drain so senders never block; the first error is reported
		}
		if len(b.assets) > 0 {
			err = s.o.Store.PutAssets(s.ctx, s.scanID, b.assets)
		}
		if err == nil && len(b.results) > 0 {
			err = s.o.Store.PutResults(s.ctx, s.scanID, b.results)
		}
	}
	s.done <- err
}

func (s *sink) Asset(a asset.Asset) {
	if a.Hash == "" {
		a.Hash = a.ComputeHash()
	}
	rs := s.o.Engine.Evaluate(&a, s.evalAt)
	finding.ApplyExceptions(s.o.Suppressor, rs, a.Tags, s.evalAt)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.assets[a.UID] {
		// A collector reporting an asset twice is a bug there; counting
		// it twice here would double its findings.
		return
	}
	s.assets[a.UID] = true
	s.out.Assets++
	s.out.Results = append(s.out.Results, rs...)
	s.pending.assets = append(s.pending.assets, a)
	s.pending.results = append(s.pending.results, rs...)
	if len(s.pending.assets) >= s.o.BatchSize {
		s.flushLocked()
	}
}

func (s *sink) Diagnostic(d collect.Diagnostic) {
	if d.Time.IsZero() {
		d.Time = s.now().UTC()
	}
	rs := s.o.Engine.Gap(d, s.evalAt)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Diagnostics = append(s.out.Diagnostics, d)
	for _, r := range rs {
		// Several failed calls can leave the same scope incomplete; the
		// first reason stands for all of them.
		if k := r.Fingerprint(); !s.gaps[k] {
			s.gaps[k] = true
			s.out.Results = append(s.out.Results, r)
			s.pending.results = append(s.pending.results, r)
		}
	}
}

func (s *sink) Covered(c collect.Coverage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Coverage = append(s.out.Coverage, c)
}

func (s *sink) Progress(planned, done int) {
	if s.o.Progress != nil {
		s.o.Progress(planned, done)
	}
}

func (s *sink) flushLocked() {
	b := s.pending
	s.pending = batch{}
	s.batches <- b
}

func (s *sink) close() (*Outcome, error) {
	s.mu.Lock()
	if len(s.pending.assets) > 0 || len(s.pending.results) > 0 {
		s.flushLocked()
	}
	close(s.batches)
	out := s.out
	s.mu.Unlock()
	err := <-s.done
	return &out, err
}
