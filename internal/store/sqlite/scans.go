package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/store"
)

const scanColumns = `id, provider, started_at, finished_at, status, scope, diagnostics, summary`

// CreateScan implements store.Store.
func (s *Store) CreateScan(ctx context.Context, sc store.Scan) error {
	if err := store.ValidateScan(sc); err != nil {
		return err
	}
	if sc.Status == "" {
		sc.Status = store.ScanRunning
	}
	e := newEncoder()
	scope, err := e.text(sc.Scope, false)
	if err != nil {
		return fmt.Errorf("create scan %s: encode scope: %w", sc.ID, err)
	}
	diags, err := e.text(sc.Diagnostics, sc.Diagnostics == nil)
	if err != nil {
		return fmt.Errorf("create scan %s: encode diagnostics: %w", sc.ID, err)
	}
	summary, err := e.text(sc.Summary, false)
	if err != nil {
		return fmt.Errorf("create scan %s: encode summary: %w", sc.ID, err)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO scans (`+scanColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING`,
			sc.ID, sc.Provider, dbTime(sc.StartedAt), dbTime(sc.FinishedAt), string(sc.Status), scope, diags, summary)
		if err != nil {
			return fmt.Errorf("create scan %s: %w", sc.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("create scan %s: %w", sc.ID, err)
		} else if n == 0 {
			return fmt.Errorf("create scan %s: %w", sc.ID, store.ErrExists)
		}
		return nil
	})
}

// FinishScan implements store.Store.
func (s *Store) FinishScan(ctx context.Context, id string, finished time.Time, status store.ScanStatus, diags []collect.Diagnostic, summary store.Summary) error {
	if err := store.ValidateFinish(id, finished, status); err != nil {
		return err
	}
	e := newEncoder()
	d, err := e.text(diags, diags == nil)
	if err != nil {
		return fmt.Errorf("finish scan %s: encode diagnostics: %w", id, err)
	}
	sum, err := e.text(summary, false)
	if err != nil {
		return fmt.Errorf("finish scan %s: encode summary: %w", id, err)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scans SET finished_at = ?, status = ?, diagnostics = ?, summary = ? WHERE id = ?`,
			dbTime(finished), string(status), d, sum, id)
		if err != nil {
			return fmt.Errorf("finish scan %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("finish scan %s: %w", id, err)
		} else if n == 0 {
			return fmt.Errorf("finish scan %s: %w", id, store.ErrNotFound)
		}
		return nil
	})
}

// GetScan implements store.Store.
func (s *Store) GetScan(ctx context.Context, id string) (store.Scan, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE id = ?`, id)
	sc, err := scanScan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Scan{}, fmt.Errorf("scan %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Scan{}, fmt.Errorf("get scan %s: %w", id, err)
	}
	return sc, nil
}

// ListScans implements store.Store.
func (s *Store) ListScans(ctx context.Context, f store.ScanFilter) ([]store.Scan, error) {
	var where []string
	var args []any
	if f.Provider != "" {
		where = append(where, "provider = ?")
		args = append(args, f.Provider)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(f.Status))
	}
	if f.Before != "" {
		var started int64
		err := s.r.QueryRowContext(ctx, `SELECT started_at FROM scans WHERE id = ?`, f.Before).Scan(&started)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("list scans before %s: %w", f.Before, store.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("list scans: %w", err)
		}
		where = append(where, "(started_at, id) < (?, ?)")
		args = append(args, started, f.Before)
	}
	q := `SELECT ` + scanColumns + ` FROM scans`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY started_at DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	defer rows.Close()
	var out []store.Scan
	for rows.Next() {
		sc, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("list scans: %w", err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	return out, nil
}

// LatestScan implements store.Store.
func (s *Store) LatestScan(ctx context.Context, provider string) (store.Scan, error) {
	scans, err := s.ListScans(ctx, store.ScanFilter{Provider: provider, Limit: 1})
	if err != nil {
		return store.Scan{}, err
	}
	if len(scans) == 0 {
		what := "any provider"
		if provider != "" {
			what = "provider " + provider
		}
		return store.Scan{}, fmt.Errorf("latest scan of %s: %w", what, store.ErrNotFound)
	}
	return scans[0], nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanScan(r rowScanner) (store.Scan, error) {
	var (
		sc                    store.Scan
		started               int64
		finished              sql.NullInt64
		status                string
		scope, diags, summary sql.NullString
	)
	if err := r.Scan(&sc.ID, &sc.Provider, &started, &finished, &status, &scope, &diags, &summary); err != nil {
		return store.Scan{}, err
	}
	sc.StartedAt = time.UnixMicro(started).UTC()
	sc.FinishedAt = goTime(finished)
	sc.Status = store.ScanStatus(status)
	if err := decodeJSON(scope, &sc.Scope, "scan "+sc.ID+" scope"); err != nil {
		return store.Scan{}, err
	}
	if err := decodeJSON(diags, &sc.Diagnostics, "scan "+sc.ID+" diagnostics"); err != nil {
		return store.Scan{}, err
	}
	if err := decodeJSON(summary, &sc.Summary, "scan "+sc.ID+" summary"); err != nil {
		return store.Scan{}, err
	}
	return sc, nil
}
