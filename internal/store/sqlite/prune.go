package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// errDryRun rolls a dry prune back once counted.
var errDryRun = errors.New("dry run")

// Prune implements store.Store.
//
// A finding's opening is derived from the result of the scan that opened
// it (first_scan_id): before that result goes, the opening is written as
// a finding_history row, so history, figures and change reports keep it.
func (s *Store) Prune(ctx context.Context, r store.PruneRequest) (store.PruneSummary, error) {
	var sum store.PruneSummary
	if r.Before.IsZero() {
		return sum, errors.New("prune: zero time")
	}
	before := r.Before.UnixMicro()
	err := s.write(ctx, func(tx *sql.Tx) error {
		// The scans to drop, kept in a temporary table for the statements
		// below; the latest scan of each provider stays whatever its age.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE prune_scans (id TEXT PRIMARY KEY) WITHOUT ROWID`); err != nil {
			return err
		}
		// Dropped before the commit (or rolled back with the rest).
		defer tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.prune_scans`)
		if _, err := tx.ExecContext(ctx, `INSERT INTO prune_scans
SELECT id FROM scans s WHERE started_at < ?1 AND id <> (
	SELECT l.id FROM scans l WHERE l.provider = s.provider ORDER BY l.started_at DESC, l.id DESC LIMIT 1)`, before); err != nil {
			return err
		}
		if err := keepOpenings(ctx, tx); err != nil {
			return err
		}
		steps := []struct {
			n   *int
			sql string
		}{
			{&sum.Results, `DELETE FROM results WHERE scan_id IN (SELECT id FROM prune_scans)`},
			{&sum.Scans, `DELETE FROM scans WHERE id IN (SELECT id FROM prune_scans)`},
			// Assets found deleted before the cutoff go whole; their
			// versions go with the next statement.
			{&sum.Assets, `DELETE FROM assets WHERE deleted_at < ?1`},
			// A version that is not current ended when it was last seen;
			// those of assets gone above go whatever their dates.
			{&sum.AssetVersions, `DELETE FROM asset_versions
WHERE id NOT IN (SELECT version_id FROM assets)
	AND (last_seen_at < ?1 OR NOT EXISTS (SELECT 1 FROM assets a WHERE a.uid = asset_versions.uid))`},
			{nil, `DELETE FROM asset_deletions WHERE NOT EXISTS (SELECT 1 FROM asset_versions v WHERE v.id = asset_deletions.version_id)`},
			{&sum.Events, `DELETE FROM events WHERE time < ?1`},
		}
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.sql, before)
			if err != nil {
				return err
			}
			if st.n != nil {
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*st.n = int(n)
			}
		}
		if r.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return store.PruneSummary{}, fmt.Errorf("prune: %w", err)
	}
	return sum, nil
}

// keepOpenings writes as finding_history rows the openings derived from
// the results of the scans in prune_scans.
func keepOpenings(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT f.fingerprint, f.first_seen_at, r.scan_id, r.status, r.exception_id, r.message
FROM findings f CROSS JOIN results r ON r.scan_id = f.first_scan_id AND r.check_id = f.check_id AND r.asset_uid = f.asset_uid
WHERE f.first_scan_id IN (SELECT id FROM prune_scans)`)
	if err != nil {
		return err
	}
	var history []store.FoldEntry
	for rows.Next() {
		var (
			e      store.FoldEntry
			at     sql.NullInt64
			status string
		)
		if err := rows.Scan(&e.Fingerprint, &at, &e.ScanID, &status, &e.ExceptionID, &e.Message); err != nil {
			rows.Close()
			return err
		}
		e.At, e.Status = goTime(at), finding.Status(status)
		if e.Transition, e.Reason = opening(status, e.ExceptionID); e.Transition == finding.NoChange {
			continue // a result put again after the reconcile opened nothing
		}
		history = append(history, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := insertHistory(ctx, tx, history); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE findings SET first_scan_id = '' WHERE first_scan_id IN (SELECT id FROM prune_scans)`)
	return err
}
