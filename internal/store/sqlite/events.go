package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
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

// eventDetail is the payload of a compact finding event: the finding's
// state after the event. The rest of the store.FindingEvent is the event's
// subject (the fingerprint), its type (the transition) and the finding's
// check, asset, description and first sighting, read with the event.
type eventDetail struct {
	Reason      string        `json:"reason,omitempty"`
	ScanID      string        `json:"scanId,omitempty"`
	Status      finding.State `json:"status"`
	OpenedAt    time.Time     `json:"openedAt"`
	ReopenCount int           `json:"reopenCount"`
	ExceptionID string        `json:"exceptionId,omitempty"`
}

// insertFoldEvents writes a fold's events, in order, compact: a first
// scan writes an event per finding, and most of a whole payload would
// repeat the finding's row.
func insertFoldEvents(ctx context.Context, tx *sql.Tx, fold *store.Fold) error {
	return bulkWrite(ctx, tx, nil, `INSERT INTO events (type, time, subject, payload, compact) VALUES `, 5, "", len(fold.Events),
		func(i int, dst []any) []any {
			e := fold.Events[i]
			p := fold.FindingEvent(e)
			// Marshalling a struct of strings, a time and an int cannot fail.
			payload, _ := json.Marshal(eventDetail{Reason: p.Reason, ScanID: p.ScanID, Status: p.Status, OpenedAt: p.OpenedAt,
				ReopenCount: p.ReopenCount, ExceptionID: p.ExceptionID})
			return append(dst, e.Type(), dbTime(e.At), p.Fingerprint, string(payload), 1)
		})
}

// Events implements store.Store. Compact finding events are completed
// from their finding (findings are never deleted).
func (s *Store) Events(ctx context.Context, f store.EventFilter) ([]store.Event, error) {
	var w where
	w.in("e.type", f.Types)
	if !f.Since.IsZero() {
		w.conds = append(w.conds, "e.time >= ?")
		w.args = append(w.args, dbTime(f.Since))
	}
	if f.AfterID > 0 {
		w.conds = append(w.conds, "e.id > ?")
		w.args = append(w.args, f.AfterID)
	}
	q := `SELECT e.id, e.type, e.time, e.subject, e.payload, e.compact,
	f.check_id, f.severity, f.asset_uid, f.asset_type, f.asset_name, f.provider, f.account, f.region, f.first_seen_at
FROM events e LEFT JOIN findings f ON e.compact AND f.fingerprint = e.subject` + w.sql() + ` ORDER BY e.id`
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
			e                                                 store.Event
			at, firstSeen                                     sql.NullInt64
			payload                                           string
			compact                                           bool
			check, sev, uid, typ, name, prov, account, region sql.NullString
		)
		if err := rows.Scan(&e.ID, &e.Type, &at, &e.Subject, &payload, &compact,
			&check, &sev, &uid, &typ, &name, &prov, &account, &region, &firstSeen); err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		e.Time, e.Payload = goTime(at), json.RawMessage(payload)
		if compact {
			var d eventDetail
			if err := json.Unmarshal(e.Payload, &d); err != nil {
				return nil, fmt.Errorf("list events: event %d: %w", e.ID, err)
			}
			full, err := json.Marshal(store.FindingEvent{
				Fingerprint: e.Subject, Transition: finding.Transition(strings.TrimPrefix(e.Type, "finding.")), Reason: d.Reason,
				ScanID: d.ScanID, CheckID: check.String, Severity: sev.String, AssetUID: uid.String, AssetType: typ.String,
				AssetName: name.String, Provider: prov.String, Account: account.String, Region: region.String, Status: d.Status,
				FirstSeen: goTime(firstSeen), OpenedAt: d.OpenedAt, ReopenCount: d.ReopenCount, ExceptionID: d.ExceptionID,
			})
			if err != nil {
				return nil, fmt.Errorf("list events: event %d: %w", e.ID, err)
			}
			e.Payload = full
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return out, nil
}
