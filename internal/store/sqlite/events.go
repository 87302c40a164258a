package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/parapet-dev/parapet/internal/store"
)

// AppendEvents implements store.Store.
func (s *Store) AppendEvents(ctx context.Context, events []store.Event) error {
	if err := store.ValidateEvents(events); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error { return insertEvents(ctx, tx, events) })
	if err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	return nil
}

// insertEvents writes events in order, so their IDs follow it.
func insertEvents(ctx context.Context, tx *sql.Tx, events []store.Event) error {
	return bulkWrite(ctx, tx, nil, `INSERT INTO events (type, time, subject, payload) VALUES `, 4, "", len(events),
		func(i int, dst []any) []any {
			e := &events[i]
			payload := string(e.Payload)
			if payload == "" {
				payload = "{}"
			}
			return append(dst, e.Type, dbTime(e.Time), e.Subject, payload)
		})
}

// Events implements store.Store.
func (s *Store) Events(ctx context.Context, f store.EventFilter) ([]store.Event, error) {
	var w where
	w.in("type", f.Types)
	if !f.Since.IsZero() {
		w.conds = append(w.conds, "time >= ?")
		w.args = append(w.args, dbTime(f.Since))
	}
	if f.AfterID > 0 {
		w.conds = append(w.conds, "id > ?")
		w.args = append(w.args, f.AfterID)
	}
	q := `SELECT id, type, time, subject, payload FROM events` + w.sql() + ` ORDER BY id`
	args := w.args
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var (
			e       store.Event
			at      sql.NullInt64
			payload string
		)
		if err := rows.Scan(&e.ID, &e.Type, &at, &e.Subject, &payload); err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		e.Time, e.Payload = goTime(at), json.RawMessage(payload)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return out, nil
}
