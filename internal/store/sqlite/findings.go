package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// findingColumns are the findings table's columns, in findingRow order.
const findingColumns = `fingerprint, check_id, asset_uid, severity, asset_type, asset_name, provider, account, region,
	status, first_seen_at, last_seen_at, opened_at, changed_at, resolved_at, resolved_reason, reopen_count,
	exception_id, last_status, last_evaluated_at, last_scan_id, message`

const findingColumnCount = 22

// findingRow scans a finding that may be absent (all NULL, from a LEFT
// JOIN).
type findingRow struct {
	fp, check, uid, sev, typ, name, prov, acct, region, status sql.NullString
	first, last, opened, changed, resolved                     sql.NullInt64
	reason                                                     sql.NullString
	reopen                                                     sql.NullInt64
	exc, lastStatus                                            sql.NullString
	lastEval                                                   sql.NullInt64
	lastScan, msg                                              sql.NullString
}

func (r *findingRow) dest() []any {
	return []any{&r.fp, &r.check, &r.uid, &r.sev, &r.typ, &r.name, &r.prov, &r.acct, &r.region,
		&r.status, &r.first, &r.last, &r.opened, &r.changed, &r.resolved, &r.reason, &r.reopen,
		&r.exc, &r.lastStatus, &r.lastEval, &r.lastScan, &r.msg}
}

// finding returns the scanned finding, or false when the row had none.
func (r *findingRow) finding() (finding.Finding, bool) {
	if !r.fp.Valid {
		return finding.Finding{}, false
	}
	return finding.Finding{
		Fingerprint: r.fp.String, CheckID: r.check.String, AssetUID: r.uid.String, Severity: r.sev.String,
		AssetType: r.typ.String, AssetName: r.name.String, Provider: r.prov.String, Account: r.acct.String, Region: r.region.String,
		Status: finding.State(r.status.String), FirstSeen: goTime(r.first), LastSeen: goTime(r.last), OpenedAt: goTime(r.opened),
		ChangedAt: goTime(r.changed), ResolvedAt: goTime(r.resolved), ResolvedReason: r.reason.String, ReopenCount: int(r.reopen.Int64),
		ExceptionID: r.exc.String, LastStatus: finding.Status(r.lastStatus.String), LastEvaluated: goTime(r.lastEval),
		LastScanID: r.lastScan.String, Message: r.msg.String,
	}, true
}

func findingArgs(f *finding.Finding, dst []any) []any {
	return append(dst, f.Fingerprint, f.CheckID, f.AssetUID, f.Severity, f.AssetType, f.AssetName, f.Provider, f.Account, f.Region,
		string(f.Status), dbTime(f.FirstSeen), dbTime(f.LastSeen), dbTime(f.OpenedAt), dbTime(f.ChangedAt), dbTime(f.ResolvedAt),
		f.ResolvedReason, f.ReopenCount, f.ExceptionID, string(f.LastStatus), dbTime(f.LastEvaluated), f.LastScanID, f.Message)
}

// Reconcile implements store.Store. The scan's results are read joined
// with their findings in one query, folded in memory by finding.Apply,
// and the new states, transitions and events written back with
// multi-row statements, all in one transaction.
func (s *Store) Reconcile(ctx context.Context, req store.ReconcileRequest) (finding.ReconcileSummary, error) {
	if err := store.ValidateReconcile(req); err != nil {
		return finding.ReconcileSummary{}, err
	}
	var fold *store.Fold
	err := s.write(ctx, func(tx *sql.Tx) error {
		fold = &store.Fold{ScanID: req.ScanID}
		if err := scanExists(ctx, tx, req.ScanID); err != nil {
			return err
		}
		w, err := foldResults(ctx, tx, fold, req.At)
		if err != nil {
			return fmt.Errorf("read results and findings: %w", err)
		}
		if err := foldDeletions(ctx, tx, fold, req); err != nil {
			return fmt.Errorf("deleted assets: %w", err)
		}
		return w.write(ctx, tx, fold)
	})
	if err != nil {
		return finding.ReconcileSummary{}, fmt.Errorf("reconcile scan %s: %w", req.ScanID, err)
	}
	return fold.Summary, nil
}

// writeKind is how a reconcile writes a finding's row. Binding values is
// most of the cost of a write, so what SQL can copy from the result's row
// is not read into Go and bound again: the fold reads of a result only
// what the lifecycle decides on, and the writes copy the finding's
// description (severity, asset type and name, provider, account, region)
// from the result.
type writeKind uint8

const (
	// writeWhole rewrites every column from the Go finding: the step had
	// no result (a deletion, an exception's end).
	writeWhole writeKind = iota
	// writeCreated inserts a new finding.
	writeCreated
	// writeLatest rewrites only the latest evaluation's columns: the
	// step made no transition and the result describes the asset as the
	// finding did.
	writeLatest
	// writeStepped rewrites the state from the Go finding and the
	// description from the result.
	writeStepped
)

// findingWrites remembers, for the findings a fold collected, how to write
// them; findings it does not know (deletions, ends of exceptions) are
// written whole.
type findingWrites struct {
	kinds    []writeKind
	resultID []int64 // the result row of each finding a result touched
}

// foldResults applies the scan's results that touch a finding: every
// result of a fingerprint that has one, and failures that open one. Of a
// result only what the lifecycle needs is read, not its description (see
// writeKind): the findings it gives have none. Of a stored finding only
// the state is read, and whether the result still describes the asset as
// it does. A result without an evaluation time counts as evaluated at.
func foldResults(ctx context.Context, tx *sql.Tx, fold *store.Fold, at time.Time) (*findingWrites, error) {
	// A scan's results are written in a few batches, so their row IDs
	// form a narrow range: reading the table through that range (the
	// scan_id check drops other scans' rows) saves an index lookup per
	// result.
	var (
		n      int
		lo, hi sql.NullInt64
	)
	if err := tx.QueryRowContext(ctx, `SELECT count(*), min(id), max(id) FROM results WHERE scan_id = ?`, fold.ScanID).Scan(&n, &lo, &hi); err != nil {
		return nil, err
	}
	if n == 0 {
		return &findingWrites{}, nil
	}
	fold.Grow(n)
	w := &findingWrites{kinds: make([]writeKind, 0, n), resultID: make([]int64, 0, n)}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.check_id, r.asset_uid, r.status, r.evaluated_at, r.exception_id, r.message,
	f.fingerprint, f.status, f.first_seen_at, f.last_seen_at, f.opened_at, f.changed_at, f.resolved_at, f.resolved_reason,
	f.reopen_count, f.exception_id, f.last_evaluated_at,
	coalesce(f.severity = r.severity AND f.asset_type = r.asset_type AND f.asset_name = r.asset_name
		AND f.provider = r.provider AND f.account = r.account AND f.region = r.region, 0)
FROM results r LEFT JOIN findings f ON f.fingerprint = r.fingerprint
WHERE r.id BETWEEN ? AND ? AND +r.scan_id = ? AND (f.fingerprint IS NOT NULL OR r.status IN ('FAIL', 'SUPPRESSED'))`,
		lo.Int64, hi.Int64, fold.ScanID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		id                                                   int64
		r                                                    finding.Result
		status                                               string
		evaluated                                            sql.NullInt64
		fp, fStatus, fReason, fExc                           sql.NullString
		fFirst, fLast, fOpened, fChanged, fResolved, fReopen sql.NullInt64
		fLastEval                                            sql.NullInt64
		same                                                 bool
	)
	dest := []any{&id, &r.CheckID, &r.AssetUID, &status, &evaluated, &r.ExceptionID, &r.Message,
		&fp, &fStatus, &fFirst, &fLast, &fOpened, &fChanged, &fResolved, &fReason, &fReopen, &fExc, &fLastEval, &same}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Status, r.EvaluatedAt = finding.Status(status), goTime(evaluated)
		if r.EvaluatedAt.IsZero() {
			r.EvaluatedAt = at
		}
		if !fp.Valid {
			if st := fold.Apply(nil, &r); st.Exists {
				w.kinds, w.resultID = append(w.kinds, writeCreated), append(w.resultID, id)
			}
			continue
		}
		prev := finding.Finding{
			Fingerprint: fp.String, CheckID: r.CheckID, AssetUID: r.AssetUID,
			Status: finding.State(fStatus.String), FirstSeen: goTime(fFirst), LastSeen: goTime(fLast), OpenedAt: goTime(fOpened),
			ChangedAt: goTime(fChanged), ResolvedAt: goTime(fResolved), ResolvedReason: fReason.String,
			ReopenCount: int(fReopen.Int64), ExceptionID: fExc.String, LastEvaluated: goTime(fLastEval),
		}
		st := fold.Apply(&prev, &r)
		if !st.Exists || st.Stale {
			continue
		}
		k := writeStepped
		if st.Transition == finding.NoChange && same {
			k = writeLatest
		}
		w.kinds, w.resultID = append(w.kinds, k), append(w.resultID, id)
	}
	return w, rows.Err()
}

// foldDeletions marks deleted the assets of the covered scopes that an
// older scan saw last (a newer scan's sighting is not contradicted), and
// resolves their findings.
func foldDeletions(ctx context.Context, tx *sql.Tx, fold *store.Fold, req store.ReconcileRequest) error {
	type scope struct {
		P string `json:"p"`
		A string `json:"a"`
		R string `json:"r"`
		T string `json:"t"`
	}
	var scopes []scope
	for _, c := range req.Coverage {
		for _, t := range c.ResourceTypes {
			scopes = append(scopes, scope{c.Provider, c.Account, c.Region, t})
		}
	}
	if len(scopes) == 0 {
		return nil
	}
	scopeJSON, err := json.Marshal(scopes)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a.uid FROM assets a
JOIN (SELECT value ->> '$.p' AS p, value ->> '$.a' AS acct, value ->> '$.r' AS r, value ->> '$.t' AS t FROM json_each(?)) c
	ON a.type = c.t AND a.provider = c.p AND a.account = c.acct AND (c.r = '' OR a.region = c.r)
WHERE a.deleted_at IS NULL AND a.last_scan_id < ?`, string(scopeJSON), req.ScanID)
	if err != nil {
		return err
	}
	var gone []string
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return err
		}
		gone = append(gone, uid)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(gone) == 0 {
		return nil
	}
	fold.Summary.DeletedAssets = len(gone)
	goneJSON, err := json.Marshal(gone)
	if err != nil {
		return err
	}
	at := dbTime(req.At)
	if _, err := tx.ExecContext(ctx, `INSERT INTO asset_deletions (version_id, uid, scan_id, deleted_at)
SELECT version_id, uid, ?, ? FROM assets WHERE uid IN (SELECT value FROM json_each(?))
ON CONFLICT (version_id) DO NOTHING`, req.ScanID, at, string(goneJSON)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET deleted_scan_id = ?, deleted_at = ?
WHERE uid IN (SELECT value FROM json_each(?))`, req.ScanID, at, string(goneJSON)); err != nil {
		return err
	}
	found, err := queryFindings(ctx, tx, `SELECT `+findingColumns+` FROM findings
WHERE asset_uid IN (SELECT value FROM json_each(?)) AND status <> 'resolved'`, string(goneJSON))
	if err != nil {
		return err
	}
	for _, f := range found {
		fold.Delete(f, req.At)
	}
	return nil
}

// write writes what a fold collected, each finding as its kind allows.
// Updates go in key order: each multi-row statement then touches a run of
// neighbouring pages rather than pages all over the table (fingerprints
// are hashes); new findings go in the order of the results they copy,
// which reads those rows in order and keeps the asset index's inserts
// close together.
// Statements say OR FAIL where SQLite would otherwise keep a statement
// journal to undo a failed statement: any failure rolls the whole
// transaction back anyway.
func (w *findingWrites) write(ctx context.Context, tx *sql.Tx, fold *store.Fold) error {
	byKind := [4][]int{}
	for i := range fold.Findings {
		k := writeWhole
		if w != nil && i < len(w.kinds) {
			k = w.kinds[i]
		}
		byKind[k] = append(byKind[k], i)
	}
	for k, idx := range byKind {
		if writeKind(k) == writeCreated {
			continue
		}
		slices.SortFunc(idx, func(a, b int) int { return strings.Compare(fold.Findings[a].Fingerprint, fold.Findings[b].Fingerprint) })
	}
	fs := fold.Findings

	if idx := byKind[writeCreated]; len(idx) > 0 {
		if err := bulkWrite(ctx, tx, nil, `INSERT OR FAIL INTO findings (`+findingColumns+`, first_scan_id)
SELECT v.column1, r.check_id, r.asset_uid, r.severity, r.asset_type, r.asset_name, r.provider, r.account, r.region,
	v.column3, v.column4, v.column4, v.column4, v.column4, NULL, '', 0, v.column5, r.status, v.column4, r.scan_id, r.message,
	r.scan_id
FROM (VALUES `, 5, `) AS v JOIN results r ON r.id = v.column2`, len(idx), func(i int, dst []any) []any {
			f := &fs[idx[i]]
			return append(dst, f.Fingerprint, w.resultID[idx[i]], string(f.Status), dbTime(f.FirstSeen), f.ExceptionID)
		}); err != nil {
			return fmt.Errorf("write new findings: %w", err)
		}
	}
	if idx := byKind[writeLatest]; len(idx) > 0 {
		if err := bulkWrite(ctx, tx, []any{fold.ScanID}, `UPDATE OR FAIL findings SET last_scan_id = ?,
	last_seen_at = v.column2, last_status = v.column3, last_evaluated_at = v.column4, message = v.column5,
	exception_id = v.column6
FROM (VALUES `, 6, `) AS v WHERE findings.fingerprint = v.column1`, len(idx), func(i int, dst []any) []any {
			f := &fs[idx[i]]
			return append(dst, f.Fingerprint, dbTime(f.LastSeen), string(f.LastStatus), dbTime(f.LastEvaluated), f.Message, f.ExceptionID)
		}); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	if idx := byKind[writeStepped]; len(idx) > 0 {
		// As finding.Apply does, a result without a severity keeps the
		// finding's.
		if err := bulkWrite(ctx, tx, nil, `UPDATE OR FAIL findings SET
	severity = CASE r.severity WHEN '' THEN findings.severity ELSE r.severity END,
	asset_type = r.asset_type, asset_name = r.asset_name, provider = r.provider, account = r.account, region = r.region,
	status = v.column3, last_seen_at = v.column4, opened_at = v.column5, changed_at = v.column6, resolved_at = v.column7,
	resolved_reason = v.column8, reopen_count = v.column9, exception_id = v.column10, last_status = r.status,
	last_evaluated_at = v.column11, last_scan_id = r.scan_id, message = r.message
FROM (VALUES `, 11, `) AS v JOIN results r ON r.id = v.column2 WHERE findings.fingerprint = v.column1`, len(idx), func(i int, dst []any) []any {
			f := &fs[idx[i]]
			return append(dst, f.Fingerprint, w.resultID[idx[i]], string(f.Status), dbTime(f.LastSeen), dbTime(f.OpenedAt),
				dbTime(f.ChangedAt), dbTime(f.ResolvedAt), f.ResolvedReason, f.ReopenCount, f.ExceptionID, dbTime(f.LastEvaluated))
		}); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	if idx := byKind[writeWhole]; len(idx) > 0 {
		if err := bulkWrite(ctx, tx, nil, `INSERT INTO findings (`+findingColumns+`) VALUES `, findingColumnCount,
			` ON CONFLICT (fingerprint) DO UPDATE SET
	severity = excluded.severity, asset_type = excluded.asset_type, asset_name = excluded.asset_name,
	provider = excluded.provider, account = excluded.account, region = excluded.region, status = excluded.status,
	first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at, opened_at = excluded.opened_at,
	changed_at = excluded.changed_at, resolved_at = excluded.resolved_at, resolved_reason = excluded.resolved_reason,
	reopen_count = excluded.reopen_count, exception_id = excluded.exception_id, last_status = excluded.last_status,
	last_evaluated_at = excluded.last_evaluated_at, last_scan_id = excluded.last_scan_id, message = excluded.message`,
			len(idx), func(i int, dst []any) []any { return findingArgs(&fs[idx[i]], dst) }); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}

	if err := insertHistory(ctx, tx, fold.History); err != nil {
		return fmt.Errorf("write finding history: %w", err)
	}
	if err := insertFoldEvents(ctx, tx, fold); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	return nil
}

// insertHistory writes history entries in key order (neighbouring
// pages), ignoring those already present, so a repeated write adds
// nothing.
func insertHistory(ctx context.Context, tx *sql.Tx, history []store.FoldEntry) error {
	slices.SortFunc(history, func(a, b store.FoldEntry) int {
		return cmp.Or(strings.Compare(a.Fingerprint, b.Fingerprint), a.At.Compare(b.At), strings.Compare(a.ScanID, b.ScanID))
	})
	return bulkWrite(ctx, tx, nil, `INSERT INTO finding_history
(fingerprint, at, scan_id, status, transition, reason, exception_id, message, open_for) VALUES `, 9,
		` ON CONFLICT DO NOTHING`, len(history), func(i int, dst []any) []any {
			h := &history[i]
			var openFor any
			if h.Transition == finding.Resolved {
				openFor = h.OpenFor.Microseconds()
			}
			return append(dst, h.Fingerprint, dbTime(h.At), h.ScanID, string(h.Status), string(h.Transition), h.Reason,
				h.ExceptionID, h.Message, openFor)
		})
}

func queryFindings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]finding.Finding, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out []finding.Finding
		fr  findingRow
	)
	dest := fr.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		f, _ := fr.finding()
		out = append(out, f)
	}
	return out, rows.Err()
}

// ReopenSuppressed implements store.Store.
func (s *Store) ReopenSuppressed(ctx context.Context, exceptionID string, at time.Time) (int, error) {
	if exceptionID == "" {
		return 0, errors.New("reopen suppressed findings: empty exception ID")
	}
	if at.IsZero() {
		return 0, fmt.Errorf("reopen findings suppressed by %s: zero time", exceptionID)
	}
	n, err := s.refold(ctx, `WHERE status = 'suppressed' AND exception_id = ? AND exception_id <> ''`, []any{exceptionID},
		func(fold *store.Fold, f finding.Finding) { fold.Unsuppress(f, exceptionID, at) })
	if err != nil {
		return 0, fmt.Errorf("reopen findings suppressed by %s: %w", exceptionID, err)
	}
	return n, nil
}

// CoverFindings implements store.Store.
func (s *Store) CoverFindings(ctx context.Context, exceptionID string, covered []string, at time.Time) (store.CoverResult, error) {
	var res store.CoverResult
	if exceptionID == "" {
		return res, errors.New("cover findings: empty exception ID")
	}
	if at.IsZero() {
		return res, fmt.Errorf("cover findings by %s: zero time", exceptionID)
	}
	if covered == nil {
		covered = []string{} // a JSON array, never null
	}
	list, err := json.Marshal(covered)
	if err != nil {
		return res, fmt.Errorf("cover findings by %s: %w", exceptionID, err)
	}
	in := make(map[string]bool, len(covered))
	for _, fp := range covered {
		in[fp] = true
	}
	_, err = s.refold(ctx, `WHERE (status = 'open' AND fingerprint IN (SELECT value FROM json_each(?1)))
	OR (status = 'suppressed' AND exception_id = ?2) ORDER BY fingerprint`, []any{string(list), exceptionID},
		func(fold *store.Fold, f finding.Finding) {
			switch {
			case f.Status == finding.StateOpen:
				fold.Suppress(f, exceptionID, at)
				res.Suppressed++
			case !in[f.Fingerprint]:
				fold.Uncover(f, exceptionID, at)
				res.Reopened++
			}
		})
	if err != nil {
		return store.CoverResult{}, fmt.Errorf("cover findings by %s: %w", exceptionID, err)
	}
	return res, nil
}

// refold folds step over the findings that where (with args) selects, in one transaction, writes what changed, and returns how many
// changed.
func (s *Store) refold(ctx context.Context, where string, args []any, step func(*store.Fold, finding.Finding)) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		found, err := queryFindings(ctx, tx, `SELECT `+findingColumns+` FROM findings `+where, args...)
		if err != nil {
			return err
		}
		fold := &store.Fold{}
		for _, f := range found {
			step(fold, f)
		}
		n = len(fold.Findings)
		return (*findingWrites)(nil).write(ctx, tx, fold)
	})
	return n, err
}

// GetFinding implements store.Store.
func (s *Store) GetFinding(ctx context.Context, fingerprint string) (finding.Finding, error) {
	found, err := queryFindings(ctx, s.r, `SELECT `+findingColumns+` FROM findings WHERE fingerprint = ?`, fingerprint)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("get finding %s: %w", fingerprint, err)
	}
	if len(found) == 0 {
		return finding.Finding{}, fmt.Errorf("finding %s: %w", fingerprint, store.ErrNotFound)
	}
	return found[0], nil
}

// severityOrder sorts severities, critical highest and unknown names
// lowest.
const severityOrder = `CASE severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3
	WHEN 'low' THEN 2 WHEN 'informational' THEN 1 ELSE 0 END`

// Findings implements store.Store.
func (s *Store) Findings(ctx context.Context, f store.FindingFilter) ([]finding.Finding, error) {
	var w where
	states := make([]string, len(f.Statuses))
	for i, st := range f.Statuses {
		states[i] = string(st)
	}
	w.in("status", states)
	w.in("severity", f.Severities)
	w.in("account", f.Accounts)
	w.in("check_id", f.CheckIDs)
	w.eq("asset_uid", f.AssetUID)
	if f.ExceptionID != "" {
		// Matches the partial index findings_exception.
		w.conds = append(w.conds, "exception_id = ? AND exception_id <> ''")
		w.args = append(w.args, f.ExceptionID)
	}
	if !f.ChangedSince.IsZero() {
		w.conds = append(w.conds, "changed_at >= ?")
		w.args = append(w.args, dbTime(f.ChangedSince))
	}
	q := `SELECT ` + findingColumns + ` FROM findings` + w.sql() + ` ORDER BY ` + severityOrder + ` DESC, first_seen_at, fingerprint`
	args := w.args
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	out, err := queryFindings(ctx, s.r, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return out, nil
}

// FindingHistory implements store.Store. A finding's evaluations are the
// results of its check on its asset since it was first seen (one index
// lookup per scan: CROSS JOIN keeps SQLite from scanning results instead);
// its transitions, and the events that were not evaluations, are
// finding_history rows, but for its opening: the result of the scan that
// opened it.
func (s *Store) FindingHistory(ctx context.Context, fingerprint string) ([]finding.HistoryEntry, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("finding %s history: %w", fingerprint, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	found, err := queryFindings(ctx, tx, `SELECT `+findingColumns+` FROM findings WHERE fingerprint = ?`, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("finding %s history: %w", fingerprint, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("finding %s: %w", fingerprint, store.ErrNotFound)
	}
	f := found[0]
	// The first column tells history rows (0), the opening (1) and other
	// evaluations (2) apart.
	rows, err := tx.QueryContext(ctx, `SELECT 0, at, scan_id, status, transition, reason, exception_id, message
FROM finding_history WHERE fingerprint = ?1
UNION ALL
SELECT 1, f.first_seen_at, r.scan_id, r.status, '', '', r.exception_id, r.message
FROM findings f CROSS JOIN results r ON r.scan_id = f.first_scan_id AND r.check_id = f.check_id AND r.asset_uid = f.asset_uid
WHERE f.fingerprint = ?1
UNION ALL
SELECT 2, r.evaluated_at, r.scan_id, r.status, '', '', r.exception_id, r.message
FROM scans s CROSS JOIN results r ON r.scan_id = s.id AND r.check_id = ?2 AND r.asset_uid = ?3
WHERE r.evaluated_at >= ?4 AND r.scan_id <> (SELECT first_scan_id FROM findings WHERE fingerprint = ?1) AND NOT EXISTS (
	SELECT 1 FROM finding_history h WHERE h.fingerprint = ?1 AND h.scan_id = r.scan_id AND h.status <> '')
ORDER BY 2, 3`, fingerprint, f.CheckID, f.AssetUID, dbTime(f.FirstSeen))
	if err != nil {
		return nil, fmt.Errorf("finding %s history: %w", fingerprint, err)
	}
	defer rows.Close()
	var out []finding.HistoryEntry
	for rows.Next() {
		var (
			kind               int
			h                  finding.HistoryEntry
			at                 sql.NullInt64
			status, transition string
		)
		if err := rows.Scan(&kind, &at, &h.ScanID, &status, &transition, &h.Reason, &h.ExceptionID, &h.Message); err != nil {
			return nil, fmt.Errorf("finding %s history: %w", fingerprint, err)
		}
		h.At, h.Status, h.Transition = goTime(at), finding.Status(status), finding.Transition(transition)
		if kind == 1 {
			h.Transition, h.Reason = opening(status, h.ExceptionID)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding %s history: %w", fingerprint, err)
	}
	return out, nil
}

// opening is the transition (and its reason) that opened a finding, given
// the status and exception of the result that opened it: the first step
// of finding.Apply.
func opening(status, exceptionID string) (finding.Transition, string) {
	st := finding.Apply(nil, &finding.Result{Status: finding.Status(status), ExceptionID: exceptionID}, "")
	return st.Transition, st.Reason
}

// dayMicros is one day in the stored time unit.
const dayMicros = int64(24 * time.Hour / time.Microsecond)

// FindingStats implements store.Store.
func (s *Store) FindingStats(ctx context.Context, q store.StatsQuery) (store.FindingStats, error) {
	if q.Now.IsZero() {
		return store.FindingStats{}, errors.New("finding stats: zero time")
	}
	st := store.FindingStats{
		Now: q.Now.UTC(), OpenBySeverity: map[string]int{}, OpenByCheck: map[string]int{}, OpenByAccount: map[string]int{},
		AgeBySeverity: map[string]store.AgeStats{},
	}
	days, first := store.StatsDays(q)
	st.PerDay = days
	now := q.Now.UnixMicro()
	// One read transaction: every figure from the same snapshot.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return store.FindingStats{}, fmt.Errorf("finding stats: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	fail := func(err error) (store.FindingStats, error) {
		return store.FindingStats{}, fmt.Errorf("finding stats: %w", err)
	}

	rows, err := tx.QueryContext(ctx, `SELECT status, severity, check_id, account, count(*),
	sum(? - opened_at), max(? - opened_at)
FROM findings GROUP BY status, severity, check_id, account`, now, now)
	if err != nil {
		return fail(err)
	}
	type ageSum struct{ n, sum, max int64 }
	ages := map[string]*ageSum{}
	for rows.Next() {
		var (
			status, sev, check, acct string
			n, sum, mx               int64
		)
		if err := rows.Scan(&status, &sev, &check, &acct, &n, &sum, &mx); err != nil {
			rows.Close()
			return fail(err)
		}
		switch finding.State(status) {
		case finding.StateOpen:
			st.Open += int(n)
			st.OpenBySeverity[sev] += int(n)
			st.OpenByCheck[check] += int(n)
			st.OpenByAccount[acct] += int(n)
			a := ages[sev]
			if a == nil {
				a = &ageSum{}
				ages[sev] = a
			}
			a.n, a.sum, a.max = a.n+n, a.sum+sum, max(a.max, mx)
		case finding.StateSuppressed:
			st.Suppressed += int(n)
		case finding.StateResolved:
			st.Resolved += int(n)
		}
	}
	if err := rows.Close(); err != nil {
		return fail(err)
	}
	for sev, a := range ages {
		st.AgeBySeverity[sev] = store.AgeStats{Count: int(a.n), Mean: time.Duration(a.sum/a.n) * time.Microsecond,
			Max: time.Duration(a.max) * time.Microsecond}
	}

	var mttr sql.NullFloat64
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), avg(open_for) FROM finding_history
WHERE transition <> '' AND transition = 'resolved'`).Scan(&n, &mttr); err != nil {
		return fail(err)
	}
	st.Remediations = int(n)
	st.MeanTimeToRemediate = time.Duration(mttr.Float64) * time.Microsecond

	// Transitions per day: finding_history's, and the openings, derived
	// from the findings opened in the range and the status of the result
	// that opened each (the first column tells the two apart).
	from, to := first.UnixMicro(), first.UnixMicro()+int64(len(days))*dayMicros
	rows, err = tx.QueryContext(ctx, `SELECT 0, at / ?1, transition, count(*) FROM finding_history
WHERE transition <> '' AND at >= ?2 AND at < ?3 GROUP BY 2, 3
UNION ALL
SELECT 1, f.first_seen_at / ?1, r.status, count(*)
FROM findings f CROSS JOIN results r ON r.scan_id = f.first_scan_id AND r.check_id = f.check_id AND r.asset_uid = f.asset_uid
WHERE f.first_scan_id <> '' AND f.first_seen_at >= ?2 AND f.first_seen_at < ?3 GROUP BY 2, 3`, dayMicros, from, to)
	if err != nil {
		return fail(err)
	}
	firstDay := first.UnixMicro() / dayMicros
	for rows.Next() {
		var (
			kind, d, c int64
			transition string
		)
		if err := rows.Scan(&kind, &d, &transition, &c); err != nil {
			rows.Close()
			return fail(err)
		}
		i := int(d - firstDay)
		if i < 0 || i >= len(days) {
			continue
		}
		t := finding.Transition(transition)
		if kind == 1 {
			t, _ = opening(transition, "")
		}
		switch t {
		case finding.Opened:
			st.PerDay[i].Opened += int(c)
		case finding.Reopened:
			st.PerDay[i].Reopened += int(c)
		case finding.Resolved:
			st.PerDay[i].Resolved += int(c)
		}
	}
	if err := rows.Close(); err != nil {
		return fail(err)
	}
	return st, nil
}

// FindingChanges implements store.Store. The openings are derived from
// the findings the scans opened (a scan of findings: none of its indexes
// leads with the opening scan) and the results that opened them.
func (s *Store) FindingChanges(ctx context.Context, from, to string) ([]store.FindingChange, error) {
	if to == "" {
		return nil, errors.New("finding changes: empty scan ID")
	}
	// The opening's transition comes from its result's status and
	// exception, the fifth and sixth columns (NULL on history rows).
	rows, err := s.r.QueryContext(ctx, `SELECT h.at, h.scan_id, h.transition, h.reason, NULL, NULL, `+prefixed("f.", findingColumns)+`
FROM finding_history h JOIN findings f ON f.fingerprint = h.fingerprint
WHERE h.transition <> '' AND h.scan_id > ?1 AND h.scan_id <= ?2
UNION ALL
SELECT f.first_seen_at, f.first_scan_id, '', '', r.status, r.exception_id, `+prefixed("f.", findingColumns)+`
FROM findings f CROSS JOIN results r ON r.scan_id = f.first_scan_id AND r.check_id = f.check_id AND r.asset_uid = f.asset_uid
WHERE f.first_scan_id > ?1 AND f.first_scan_id <= ?2
ORDER BY 1, 7`, from, to)
	if err != nil {
		return nil, fmt.Errorf("finding changes: %w", err)
	}
	defer rows.Close()
	var (
		out                []store.FindingChange
		fr                 findingRow
		at                 sql.NullInt64
		scanID             string
		transition, reason string
		status, exc        sql.NullString
	)
	dest := append([]any{&at, &scanID, &transition, &reason, &status, &exc}, fr.dest()...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("finding changes: %w", err)
		}
		f, _ := fr.finding()
		c := store.FindingChange{Finding: f, At: goTime(at), ScanID: scanID, Transition: finding.Transition(transition), Reason: reason}
		if status.Valid {
			// A result put again after the reconcile may no longer
			// open anything.
			if c.Transition, c.Reason = opening(status.String, exc.String); c.Transition == finding.NoChange {
				continue
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding changes: %w", err)
	}
	return out, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	var out []byte
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, alias...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}
