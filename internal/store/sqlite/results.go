package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// PutResults implements store.Store.
func (s *Store) PutResults(ctx context.Context, scanID string, results []finding.Result) error {
	if err := store.ValidateResults(scanID, results); err != nil {
		return err
	}
	if len(results) == 0 {
		return nil
	}
	// Encode before taking the write lock.
	evidence := make([]any, len(results))
	en := newEncoder()
	for i := range results {
		r := &results[i]
		var err error
		if evidence[i], err = en.text(r.Evidence, r.Evidence == nil); err != nil {
			return fmt.Errorf("put results: result %d (%s on %s): encode evidence: %w", i, r.CheckID, r.AssetUID, err)
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := scanExists(ctx, tx, scanID); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO results
(scan_id, check_id, asset_uid, fingerprint, severity, asset_type, asset_name, provider, account, region,
 status, message, evidence, evaluated_at, exception_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id, check_id, asset_uid) DO UPDATE SET
	severity = excluded.severity, asset_type = excluded.asset_type, asset_name = excluded.asset_name,
	provider = excluded.provider, account = excluded.account, region = excluded.region,
	status = excluded.status, message = excluded.message, evidence = excluded.evidence,
	evaluated_at = excluded.evaluated_at, exception_id = excluded.exception_id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range results {
			r := &results[i]
			if _, err := stmt.ExecContext(ctx, scanID, r.CheckID, r.AssetUID, r.Fingerprint(), r.Severity,
				r.AssetType, r.AssetName, r.Provider, r.Account, r.Region, string(r.Status), r.Message,
				evidence[i], dbTime(r.EvaluatedAt), r.ExceptionID); err != nil {
				return fmt.Errorf("result %d (%s on %s): %w", i, r.CheckID, r.AssetUID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put results for scan %s: %w", scanID, err)
	}
	return nil
}

// Results implements store.Store.
func (s *Store) Results(ctx context.Context, f store.ResultFilter) ([]finding.Result, error) {
	var w where
	w.eq("scan_id", f.ScanID)
	statuses := make([]string, len(f.Statuses))
	for i, st := range f.Statuses {
		statuses[i] = string(st)
	}
	w.in("status", statuses)
	w.in("severity", f.Severities)
	w.in("account", f.Accounts)
	w.in("check_id", f.CheckIDs)
	w.eq("asset_uid", f.AssetUID)
	q := `SELECT check_id, severity, asset_uid, asset_type, asset_name, provider, account, region,
	status, message, evidence, evaluated_at, exception_id
FROM results` + w.sql() + ` ORDER BY scan_id DESC, check_id, asset_uid`
	args := w.args
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	var out []finding.Result
	for rows.Next() {
		var (
			r         finding.Result
			status    string
			evidence  sql.NullString
			evaluated sql.NullInt64
		)
		if err := rows.Scan(&r.CheckID, &r.Severity, &r.AssetUID, &r.AssetType, &r.AssetName, &r.Provider,
			&r.Account, &r.Region, &status, &r.Message, &evidence, &evaluated, &r.ExceptionID); err != nil {
			return nil, fmt.Errorf("list results: %w", err)
		}
		r.Status = finding.Status(status)
		r.EvaluatedAt = goTime(evaluated)
		if r.Evidence, err = decodeDoc(evidence, "result "+r.CheckID+" on "+r.AssetUID+" evidence"); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list results: %w", err)
	}
	return out, nil
}
