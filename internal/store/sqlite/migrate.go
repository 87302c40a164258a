package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrSchemaTooNew is returned (wrapped) by Open for a database that a newer
// Parapet has migrated past what this build knows.
var ErrSchemaTooNew = errors.New("database schema is newer than this Parapet supports")

// migration is one numbered step of the schema. Steps are append-only: a
// released step is never edited, a change is a new step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the schema's history, in order; versions are 1, 2, 3, ...
//
// Times are INTEGER Unix microseconds (NULL for unknown); JSON documents are
// TEXT (NULL for a nil map or list). The asset tables declare no foreign
// keys: PutAssets checks the scan once per batch and manages version IDs
// itself, where key checks would add three lookups per asset written.
var migrations = []migration{
	{1, "scans, assets with versions, results", `
CREATE TABLE scans (
	id          TEXT PRIMARY KEY,
	provider    TEXT NOT NULL,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	status      TEXT NOT NULL,
	scope       TEXT NOT NULL,
	diagnostics TEXT,
	summary     TEXT NOT NULL
) STRICT;
CREATE INDEX scans_started ON scans (started_at DESC, id DESC);
CREATE INDEX scans_provider_started ON scans (provider, started_at DESC, id DESC);

-- Each configuration an asset has had (a new row only when its hash
-- changes), with the scans that first and last saw it; last_* stay NULL
-- while it is the current one.
CREATE TABLE asset_versions (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL,
	hash          TEXT NOT NULL,
	provider      TEXT NOT NULL,
	account       TEXT NOT NULL,
	region        TEXT NOT NULL,
	type          TEXT NOT NULL,
	name          TEXT NOT NULL,
	tags          TEXT,
	config        TEXT,
	relations     TEXT,
	errors        TEXT,
	source        TEXT NOT NULL,
	first_scan_id TEXT NOT NULL,
	first_seen_at INTEGER,
	last_scan_id  TEXT,
	last_seen_at  INTEGER
) STRICT;
CREATE INDEX asset_versions_uid ON asset_versions (uid, id);

-- The current state of each asset: small, so that recording another
-- sighting rewrites little; the documents are in its version. Keyed by
-- UID alone (WITHOUT ROWID), which saves a second B-tree per insert.
CREATE TABLE assets (
	uid           TEXT PRIMARY KEY,
	provider      TEXT NOT NULL,
	account       TEXT NOT NULL,
	region        TEXT NOT NULL,
	type          TEXT NOT NULL,
	name          TEXT NOT NULL,
	hash          TEXT NOT NULL,
	source        TEXT NOT NULL,
	first_scan_id TEXT NOT NULL,
	last_scan_id  TEXT NOT NULL,
	collected_at  INTEGER,
	version_id    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- A new version becomes its asset's current state. Doing this in the
-- same statement as the insert saves a second statement, and binding its
-- twelve values again, for every new or changed asset.
CREATE TRIGGER asset_versions_current AFTER INSERT ON asset_versions BEGIN
	INSERT INTO assets (uid, provider, account, region, type, name, hash, source,
		first_scan_id, last_scan_id, collected_at, version_id)
	VALUES (NEW.uid, NEW.provider, NEW.account, NEW.region, NEW.type, NEW.name, NEW.hash, NEW.source,
		NEW.first_scan_id, NEW.first_scan_id, NEW.first_seen_at, NEW.id)
	ON CONFLICT (uid) DO UPDATE SET
		provider = excluded.provider, account = excluded.account, region = excluded.region,
		type = excluded.type, name = excluded.name, hash = excluded.hash, source = excluded.source,
		last_scan_id = excluded.last_scan_id, collected_at = excluded.collected_at,
		version_id = excluded.version_id;
END;

CREATE TABLE results (
	id           INTEGER PRIMARY KEY,
	scan_id      TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	check_id     TEXT NOT NULL,
	asset_uid    TEXT NOT NULL,
	fingerprint  TEXT NOT NULL,
	severity     TEXT NOT NULL,
	asset_type   TEXT NOT NULL,
	asset_name   TEXT NOT NULL,
	provider     TEXT NOT NULL,
	account      TEXT NOT NULL,
	region       TEXT NOT NULL,
	status       TEXT NOT NULL,
	message      TEXT NOT NULL,
	evidence     TEXT,
	evaluated_at INTEGER
) STRICT;
CREATE UNIQUE INDEX results_scan_check_asset ON results (scan_id, check_id, asset_uid);
`},
	// Listing the inventory by type is the common query; other filters
	// scan the (small) assets rows.
	{2, "index assets by type", `
CREATE INDEX assets_type ON assets (type);
`},
	{3, "findings with history, asset deletions, event outbox", `
-- The exception that suppressed a SUPPRESSED result.
ALTER TABLE results ADD COLUMN exception_id TEXT NOT NULL DEFAULT '';

-- An asset found deleted keeps its rows; deleted_* are set until it is
-- seen again, which makes a new version (the trigger below clears them).
ALTER TABLE assets ADD COLUMN deleted_scan_id TEXT;
ALTER TABLE assets ADD COLUMN deleted_at INTEGER;

-- Each deletion ends the version that was current, at most once.
CREATE TABLE asset_deletions (
	version_id INTEGER PRIMARY KEY,
	uid        TEXT NOT NULL,
	scan_id    TEXT NOT NULL,
	deleted_at INTEGER NOT NULL
) STRICT;
CREATE INDEX asset_deletions_uid ON asset_deletions (uid);

DROP TRIGGER asset_versions_current;
CREATE TRIGGER asset_versions_current AFTER INSERT ON asset_versions BEGIN
	INSERT INTO assets (uid, provider, account, region, type, name, hash, source,
		first_scan_id, last_scan_id, collected_at, version_id)
	VALUES (NEW.uid, NEW.provider, NEW.account, NEW.region, NEW.type, NEW.name, NEW.hash, NEW.source,
		NEW.first_scan_id, NEW.first_scan_id, NEW.first_seen_at, NEW.id)
	ON CONFLICT (uid) DO UPDATE SET
		provider = excluded.provider, account = excluded.account, region = excluded.region,
		type = excluded.type, name = excluded.name, hash = excluded.hash, source = excluded.source,
		last_scan_id = excluded.last_scan_id, collected_at = excluded.collected_at,
		version_id = excluded.version_id, deleted_scan_id = NULL, deleted_at = NULL;
END;

-- One row per fingerprint, rewritten by every reconcile that touches it.
-- Keyed by fingerprint alone (WITHOUT ROWID): one B-tree to update.
CREATE TABLE findings (
	fingerprint       TEXT PRIMARY KEY,
	check_id          TEXT NOT NULL,
	asset_uid         TEXT NOT NULL,
	severity          TEXT NOT NULL,
	asset_type        TEXT NOT NULL,
	asset_name        TEXT NOT NULL,
	provider          TEXT NOT NULL,
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	status            TEXT NOT NULL,
	first_seen_at     INTEGER NOT NULL,
	last_seen_at      INTEGER NOT NULL,
	opened_at         INTEGER NOT NULL,
	changed_at        INTEGER NOT NULL,
	resolved_at       INTEGER,
	resolved_reason   TEXT NOT NULL,
	reopen_count      INTEGER NOT NULL,
	exception_id      TEXT NOT NULL,
	last_status       TEXT NOT NULL,
	last_evaluated_at INTEGER NOT NULL,
	last_scan_id      TEXT NOT NULL,
	message           TEXT NOT NULL
) STRICT, WITHOUT ROWID;
-- Deletions resolve the findings of an asset.
CREATE INDEX findings_asset ON findings (asset_uid);

-- Every evaluation and event of a finding. scan_id is '' for events that
-- are not part of a scan (an exception's end); open_for (microseconds) is
-- set on resolutions, for the time to remediate.
CREATE TABLE finding_history (
	fingerprint  TEXT NOT NULL,
	at           INTEGER NOT NULL,
	scan_id      TEXT NOT NULL,
	status       TEXT NOT NULL,
	transition   TEXT NOT NULL,
	reason       TEXT NOT NULL,
	exception_id TEXT NOT NULL,
	message      TEXT NOT NULL,
	open_for     INTEGER,
	PRIMARY KEY (fingerprint, at, scan_id)
) STRICT, WITHOUT ROWID;
-- Transitions are few next to evaluations: partial indexes keep the
-- figures and change reports from reading every evaluation.
CREATE INDEX finding_history_transition_at ON finding_history (at) WHERE transition <> '';
CREATE INDEX finding_history_transition_scan ON finding_history (scan_id) WHERE transition <> '';

-- The outbox. AUTOINCREMENT: an ID is never reused, even after the newest
-- events are deleted, so a consumer's cursor stays valid.
CREATE TABLE events (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	type    TEXT NOT NULL,
	time    INTEGER NOT NULL,
	subject TEXT NOT NULL,
	payload TEXT NOT NULL
) STRICT;
CREATE INDEX events_time ON events (time);
`},
	{4, "exceptions with their audit trail", `
-- The exception as a JSON document; the columns beside it are what
-- filters and the revision check read.
CREATE TABLE exceptions (
	id         TEXT PRIMARY KEY,
	state      TEXT NOT NULL,
	severity   TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	revision   INTEGER NOT NULL,
	doc        TEXT NOT NULL
) STRICT;
CREATE INDEX exceptions_state ON exceptions (state);

-- Who changed an exception, when, from which state to which, and why.
-- seq is the revision the change produced.
CREATE TABLE exception_changes (
	exception_id TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	at           INTEGER NOT NULL,
	actor        TEXT NOT NULL,
	role         TEXT NOT NULL,
	from_state   TEXT NOT NULL,
	to_state     TEXT NOT NULL,
	reason       TEXT NOT NULL,
	PRIMARY KEY (exception_id, seq)
) STRICT, WITHOUT ROWID;

-- An exception's end reopens the findings it suppresses.
CREATE INDEX findings_exception ON findings (exception_id) WHERE exception_id <> '';
`},
	// Opening findings is most of what a first scan writes; these two
	// columns let it write one short row less per finding, and a shorter
	// event.
	{5, "derived openings, compact finding events", `
-- The scan whose result opened the finding. Its opening (opened, or
-- suppressed at first sight) is not a finding_history row: readers derive
-- it from that scan's result. '' for findings opened before this
-- version, whose opening is a finding_history row.
ALTER TABLE findings ADD COLUMN first_scan_id TEXT NOT NULL DEFAULT '';

-- 1 for a finding event whose payload holds only what is specific to the
-- event (the finding's state after it); Events completes it with the
-- finding's fingerprint and description.
ALTER TABLE events ADD COLUMN compact INTEGER NOT NULL DEFAULT 0;
`},
}

// schemaVersion returns the highest applied migration (0 for a new file).
func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// migrate applies the migrations up to target, each in its own transaction
// together with its schema_migrations row, so a failed step leaves the
// database at the previous version. Version checks happen inside the
// write transaction, so two processes opening a new file do not both
// apply a step.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at INTEGER NOT NULL
) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range migrations[:target] {
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
	}
	// A database already at target still needs the too-new check.
	v, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if v > len(migrations) {
		return tooNew(v)
	}
	return nil
}

func tooNew(v int) error {
	return fmt.Errorf("%w: the database is at schema version %d, this build knows versions up to %d; use a newer Parapet (or another database file)",
		ErrSchemaTooNew, v, len(migrations))
}

func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d: %w", m.version, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v > len(migrations) {
		return tooNew(v)
	}
	if v >= m.version {
		return nil
	}
	if v != m.version-1 {
		return fmt.Errorf("migration %d: database is at version %d, expected %d", m.version, v, m.version-1)
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("migration %d: record: %w", m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %d: commit: %w", m.version, err)
	}
	return nil
}
