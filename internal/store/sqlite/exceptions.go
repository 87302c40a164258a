package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// SaveException implements store.Store.
func (s *Store) SaveException(ctx context.Context, w store.ExceptionWrite) (finding.Exception, error) {
	if err := store.ValidateExceptionWrite(w); err != nil {
		return finding.Exception{}, err
	}
	e := w.Exception
	e.NormalizeTimes()
	doc, err := json.Marshal(e)
	if err != nil {
		return finding.Exception{}, fmt.Errorf("save exception %s: %w", e.ID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var stored int
		switch err := tx.QueryRowContext(ctx, `SELECT revision FROM exceptions WHERE id = ?`, e.ID).Scan(&stored); {
		case errors.Is(err, sql.ErrNoRows):
			if e.Revision != 0 {
				return fmt.Errorf("%w: it was deleted or never existed (expected revision %d)", store.ErrConflict, e.Revision)
			}
		case err != nil:
			return err
		case e.Revision == 0:
			return fmt.Errorf("%w: it already exists", store.ErrConflict)
		case stored != e.Revision:
			return fmt.Errorf("%w: it is at revision %d, the change was based on %d", store.ErrConflict, stored, e.Revision)
		}
		e.Revision++
		if _, err := tx.ExecContext(ctx, `INSERT INTO exceptions (id, state, severity, expires_at, revision, doc) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET state = excluded.state, severity = excluded.severity, expires_at = excluded.expires_at,
	revision = excluded.revision, doc = excluded.doc`,
			e.ID, string(e.State), e.Severity, dbTime(e.Expires), e.Revision, string(doc)); err != nil {
			return err
		}
		if c := w.Change; c != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exception_changes (exception_id, seq, at, actor, role, from_state, to_state, reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Revision, dbTime(c.At), c.Actor, c.Role, string(c.From), string(c.To), c.Reason); err != nil {
				return err
			}
		}
		return insertEvents(ctx, tx, w.Events)
	})
	if err != nil {
		return finding.Exception{}, fmt.Errorf("save exception %s: %w", e.ID, err)
	}
	return e, nil
}

// GetException implements store.Store.
func (s *Store) GetException(ctx context.Context, id string) (finding.Exception, error) {
	found, err := s.queryExceptions(ctx, `SELECT revision, doc FROM exceptions WHERE id = ?`, id)
	if err != nil {
		return finding.Exception{}, fmt.Errorf("get exception %s: %w", id, err)
	}
	if len(found) == 0 {
		return finding.Exception{}, fmt.Errorf("exception %s: %w", id, store.ErrNotFound)
	}
	return found[0], nil
}

// Exceptions implements store.Store.
func (s *Store) Exceptions(ctx context.Context, f store.ExceptionFilter) ([]finding.Exception, error) {
	var w where
	states := make([]string, len(f.States))
	for i, st := range f.States {
		states[i] = string(st)
	}
	w.in("state", states)
	w.in("id", f.IDs)
	q := `SELECT revision, doc FROM exceptions` + w.sql() + ` ORDER BY id`
	args := w.args
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	out, err := s.queryExceptions(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list exceptions: %w", err)
	}
	return out, nil
}

func (s *Store) queryExceptions(ctx context.Context, q string, args ...any) ([]finding.Exception, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []finding.Exception
	for rows.Next() {
		var (
			rev int
			doc string
			e   finding.Exception
		)
		if err := rows.Scan(&rev, &doc); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			return nil, fmt.Errorf("decode exception: %w", err)
		}
		e.Revision = rev
		e.NormalizeTimes()
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExceptionHistory implements store.Store.
func (s *Store) ExceptionHistory(ctx context.Context, id string) ([]finding.ExceptionChange, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("exception %s history: %w", id, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM exceptions WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("exception %s: %w", id, store.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("exception %s history: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT at, actor, role, from_state, to_state, reason FROM exception_changes
WHERE exception_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("exception %s history: %w", id, err)
	}
	defer rows.Close()
	var out []finding.ExceptionChange
	for rows.Next() {
		var (
			c        = finding.ExceptionChange{ExceptionID: id}
			at       sql.NullInt64
			from, to string
		)
		if err := rows.Scan(&at, &c.Actor, &c.Role, &from, &to, &c.Reason); err != nil {
			return nil, fmt.Errorf("exception %s history: %w", id, err)
		}
		c.At, c.From, c.To = goTime(at), finding.ExceptionState(from), finding.ExceptionState(to)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("exception %s history: %w", id, err)
	}
	return out, nil
}
