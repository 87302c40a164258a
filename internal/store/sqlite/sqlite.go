// Package sqlite is Parapet's embedded store: one SQLite file, no server,
// no cgo (modernc.org/sqlite).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/parapet-dev/parapet/internal/store"
)

// busyTimeoutMS bounds how long a statement waits for another process's
// write lock before failing with SQLITE_BUSY.
const busyTimeoutMS = 10000

// cacheKiB bounds the page cache of each connection, in KiB. SQLite
// allocates it as pages are used, so a small database costs little.
const cacheKiB = 32 << 10

// Store is a store.Store on one SQLite database file.
type Store struct {
	// w holds the only writing connection: SQLite has one writer per
	// file, so serializing here keeps concurrent callers from meeting
	// SQLITE_BUSY inside this process. Transactions on it take the write
	// lock at BEGIN (IMMEDIATE), so another process writing the same file
	// is waited for at the start rather than failing at commit.
	w *sql.DB
	// r is a pool of read-only connections; with WAL they read a
	// consistent snapshot while a write is in progress.
	r *sql.DB

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating it and its directory when missing) the database at
// path and brings its schema up to date. A database written by a newer
// Parapet fails with an error wrapping ErrSchemaTooNew.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open store: create directory: %w", err)
	}
	// Create the file ourselves so that it (and the -wal and -shm files
	// SQLite derives from it) is readable by this user only: it holds
	// cloud configuration.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}

	w, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w, len(migrations)); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}

	r, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	return &Store{w: w, r: r}, nil
}

// dsn builds the connection string. The path goes in a file: URI, escaped,
// so that characters such as '?' and '#' in it are not read as parameters.
func dsn(abs string, readOnly bool) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive paths
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	// Above the default 2 MB, so that the index pages a large batch
	// keeps touching stay in memory.
	q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -cacheKiB))
	// Upserts and foreign keys make SQLite keep a statement journal per
	// statement; in a temporary file that is a write system call per page.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// In WAL mode NORMAL cannot corrupt the database; at worst the
		// last transactions before a power loss are lost.
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()
}

// Close releases the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		// Let SQLite refresh the statistics its planner uses, cheaply;
		// this is the moment its documentation recommends.
		_, err := s.w.Exec("PRAGMA optimize")
		s.closeErr = errors.Join(err, s.r.Close(), s.w.Close())
	})
	return s.closeErr
}

// scanExists fails with store.ErrNotFound when the scan is unknown, so
// that writes for it fail clearly instead of on a foreign key.
func scanExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM scans WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("scan %s: %w", id, store.ErrNotFound)
	}
	return err
}

// write runs fn in a write transaction, rolled back on any error.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

var _ store.Store = (*Store)(nil)
