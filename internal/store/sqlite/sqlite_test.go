package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
	"github.com/parapet-dev/parapet/internal/store/storetest"
)

// TestMain fails the package's tests if any leave a goroutine running
// (the encoders of a batch, the pools of a closed store).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	// A directory that does not exist yet: Open creates it.
	path := filepath.Join(t.TempDir(), "data", "parapet", "parapet.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestOpenSettings(t *testing.T) {
	s, path := openTemp(t)
	defer s.Close()
	ctx := context.Background()

	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("database file mode %o, want 600", perm)
		}
	}
	for _, tc := range []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.w, "journal_mode", "wal"},
		{s.w, "foreign_keys", "1"},
		{s.w, "busy_timeout", fmt.Sprint(busyTimeoutMS)},
		{s.w, "synchronous", "1"}, // NORMAL
		{s.r, "foreign_keys", "1"},
		{s.r, "busy_timeout", fmt.Sprint(busyTimeoutMS)},
		{s.r, "query_only", "1"},
	} {
		var got string
		if err := tc.db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
	// The read pool cannot write, even by mistake.
	if _, err := s.r.ExecContext(ctx, `DELETE FROM scans`); err == nil {
		t.Error("a write through the read pool succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"empty path", "", "empty database path"},
		{"not a database", notDB, notDB},
		{"parent is a file", filepath.Join(blocker, "sub", "parapet.db"), "create directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestPathWithURICharacters(t *testing.T) {
	// Characters that mean something in a file: URI must stay part of
	// the name.
	path := filepath.Join(t.TempDir(), "a b?c=d#e%20f", "データ.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateScan(context.Background(), store.Scan{ID: store.NewScanID(time.Now()), Provider: "aws", StartedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the given path: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "a b")); err == nil {
		t.Error("the path was cut at a URI character")
	}
}

func TestReopenPersists(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	sc := store.Scan{ID: store.NewScanID(t0), Provider: "aws", StartedAt: t0}
	a := asset.Asset{UID: "arn:aws:s3:::keep", Provider: "aws", Account: "1", Region: "us-east-1", Type: "aws.s3.bucket",
		Config: map[string]any{"Versioning": true}, Source: asset.Source{Kind: asset.SourceAPI}, CollectedAt: t0}
	a.Hash = a.ComputeHash()
	r := finding.Result{CheckID: "c1", Severity: "low", AssetUID: a.UID, AssetType: a.Type, Provider: "aws",
		Account: "1", Region: "us-east-1", Status: finding.Pass, EvaluatedAt: t0}
	mustDo(t, s.CreateScan(ctx, sc))
	mustDo(t, s.PutAssets(ctx, sc.ID, []asset.Asset{a}))
	mustDo(t, s.PutResults(ctx, sc.ID, []finding.Result{r}))
	mustDo(t, s.FinishScan(ctx, sc.ID, t0.Add(time.Minute), store.ScanCompleted, nil, store.Summary{Assets: 1, Results: 1, Pass: 1}))
	mustDo(t, s.Close())
	mustDo(t, s.Close()) // a second Close is harmless

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetScan(ctx, sc.ID)
	mustDo(t, err)
	if got.Status != store.ScanCompleted || got.Summary.Pass != 1 || !got.StartedAt.Equal(t0) {
		t.Errorf("scan after reopen: %+v", got)
	}
	ga, err := s.GetAsset(ctx, a.UID)
	mustDo(t, err)
	if ga.Hash != a.Hash || ga.Config["Versioning"] != true {
		t.Errorf("asset after reopen: %+v", ga)
	}
	rs, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	mustDo(t, err)
	if len(rs) != 1 || !reflect.DeepEqual(rs[0], r) {
		t.Errorf("results after reopen: %+v", rs)
	}
	// Reopening applies nothing again.
	if got := appliedVersions(t, s.r); !slices.Equal(got, allVersions()) {
		t.Errorf("schema_migrations after reopen: %v, want %v", got, allVersions())
	}
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func appliedVersions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	mustDo(t, err)
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		mustDo(t, rows.Scan(&v))
		out = append(out, v)
	}
	mustDo(t, rows.Err())
	return out
}

func allVersions() []int {
	var out []int
	for _, m := range migrations {
		out = append(out, m.version)
	}
	return out
}

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d, want %d", i, m.version, i+1)
		}
		if m.name == "" || strings.TrimSpace(m.sql) == "" {
			t.Errorf("migration %d has no name or no SQL", m.version)
		}
	}
}

// rawDB opens a database file without migrating it.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	mustDo(t, os.MkdirAll(filepath.Dir(path), 0o700))
	db, err := sql.Open("sqlite", dsn(path, false))
	mustDo(t, err)
	db.SetMaxOpenConns(1)
	return db
}

// TestUpgradeFromEachVersion builds a database at every older schema
// version, fills it as that version's schema allows, and checks that Open
// upgrades it with the data intact.
func TestUpgradeFromEachVersion(t *testing.T) {
	if len(migrations) < 2 {
		t.Fatal("there is only one migration: nothing to upgrade from")
	}
	for from := 1; from < len(migrations); from++ {
		t.Run(fmt.Sprintf("from_%d", from), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "old.db")
			db := rawDB(t, path)
			mustDo(t, migrate(ctx, db, from))
			if got := appliedVersions(t, db); len(got) != from {
				t.Fatalf("at version %d, schema_migrations holds %v", from, got)
			}
			// Rows written as the version 1 schema (every later schema
			// keeps these columns).
			for _, q := range []string{
				`INSERT INTO scans (id, provider, started_at, finished_at, status, scope, diagnostics, summary)
				 VALUES ('01JNEW0000000000000000SCAN', 'aws', 1740830400000000, 1740830460000000, 'completed',
				         '{"accounts":["111111111111"]}', '[{"provider":"aws","code":"AccessDenied","message":"denied","time":"2025-03-01T12:00:01Z"}]',
				         '{"assets":1,"results":1,"pass":0,"fail":1,"notApplicable":0,"error":0,"manual":0,"diagnostics":1}')`,
				// The version 1 trigger makes the version the asset's current state.
				`INSERT INTO asset_versions (id, uid, hash, provider, account, region, type, name, tags, config, relations, errors,
				                             source, first_scan_id, first_seen_at)
				 VALUES (1, 'arn:aws:s3:::old', 'h1', 'aws', '111111111111', 'us-east-1', 'aws.s3.bucket', 'old',
				         '{"env":"prod"}', '{"Versioning":false,"RetentionDays":30}', NULL, NULL,
				         '{"kind":"api"}', '01JNEW0000000000000000SCAN', 1740830401000000)`,
				`INSERT INTO results (scan_id, check_id, asset_uid, fingerprint, severity, asset_type, asset_name, provider, account, region, status, message, evidence, evaluated_at)
				 VALUES ('01JNEW0000000000000000SCAN', 'aws-s3-001', 'arn:aws:s3:::old', 'fp', 'high', 'aws.s3.bucket', 'old', 'aws',
				         '111111111111', 'us-east-1', 'FAIL', 'versioning off', '{"config.Versioning":false}', 1740830402000000)`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("fill version %d: %v", from, err)
				}
			}
			mustDo(t, db.Close())

			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("upgrade from %d: %v", from, err)
			}
			defer s.Close()
			if got := appliedVersions(t, s.r); !slices.Equal(got, allVersions()) {
				t.Errorf("after upgrade, schema_migrations holds %v, want %v", got, allVersions())
			}
			sc, err := s.GetScan(ctx, "01JNEW0000000000000000SCAN")
			mustDo(t, err)
			if sc.Status != store.ScanCompleted || len(sc.Diagnostics) != 1 || sc.Summary.Fail != 1 ||
				!sc.StartedAt.Equal(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("scan after upgrade: %+v", sc)
			}
			a, err := s.GetAsset(ctx, "arn:aws:s3:::old")
			mustDo(t, err)
			if a.Config["RetentionDays"] != int64(30) || a.Tags["env"] != "prod" || a.Hash != "h1" {
				t.Errorf("asset after upgrade: %+v", a)
			}
			rs, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID, Statuses: []finding.Status{finding.Fail}})
			mustDo(t, err)
			if len(rs) != 1 || rs[0].Evidence["config.Versioning"] != false {
				t.Errorf("results after upgrade: %+v", rs)
			}
			// The upgraded database takes new writes.
			next := store.Scan{ID: store.NewScanID(time.Now()), Provider: "aws", StartedAt: time.Now()}
			mustDo(t, s.CreateScan(ctx, next))
			mustDo(t, s.PutAssets(ctx, next.ID, []asset.Asset{{UID: "arn:aws:s3:::old", Provider: "aws", Account: "111111111111",
				Region: "us-east-1", Type: "aws.s3.bucket", Name: "old", Config: map[string]any{"Versioning": true},
				CollectedAt: time.Now()}}))
			vs, err := s.AssetVersions(ctx, "arn:aws:s3:::old")
			mustDo(t, err)
			if len(vs) != 2 {
				t.Errorf("versions after a change on the upgraded database: %d, want 2", len(vs))
			}
			// Results stored before findings existed reconcile into them.
			sum, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: sc.ID, At: time.Now()})
			mustDo(t, err)
			if sum.Opened != 1 {
				t.Errorf("reconciling an old scan: %+v", sum)
			}
			if f, err := s.GetFinding(ctx, finding.Fingerprint("aws-s3-001", "arn:aws:s3:::old")); err != nil || f.Status != finding.StateOpen || f.Message != "versioning off" {
				t.Errorf("finding from an old result: %+v, %v", f, err)
			}
		})
	}
}

// TestOpeningsFromBeforeVersion5 mixes a finding opened before version 5
// (its opening a finding_history row, its event a whole payload) with
// one opened after (its opening derived from its result, its event
// compact): every reader gives both the same way, each opening once.
func TestOpeningsFromBeforeVersion5(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := rawDB(t, path)
	mustDo(t, migrate(ctx, db, 4))
	day0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day1 := day0.Add(24 * time.Hour)
	const uid = "arn:aws:s3:::old"
	s1 := store.NewScanID(day0)
	fp1, fp2 := finding.Fingerprint("c1", uid), finding.Fingerprint("c2", uid)
	oldPayload, err := json.Marshal(store.FindingEvent{Fingerprint: fp1, Transition: finding.Opened, ScanID: s1, CheckID: "c1",
		Severity: "high", AssetUID: uid, AssetType: "aws.s3.bucket", AssetName: "old", Provider: "aws", Account: "111111111111",
		Region: "us-east-1", Status: finding.StateOpen, FirstSeen: day0, OpenedAt: day0})
	mustDo(t, err)
	t0 := day0.UnixMicro()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO scans (id, provider, started_at, status, scope, summary) VALUES (?, 'aws', ?, 'completed', '{}', '{}')`, []any{s1, t0}},
		{`INSERT INTO results (scan_id, check_id, asset_uid, fingerprint, severity, asset_type, asset_name, provider, account, region,
			status, message, evaluated_at) VALUES (?, 'c1', ?, ?, 'high', 'aws.s3.bucket', 'old', 'aws', '111111111111', 'us-east-1', 'FAIL', '', ?)`,
			[]any{s1, uid, fp1, t0}},
		{`INSERT INTO findings (` + findingColumns + `) VALUES (?, 'c1', ?, 'high', 'aws.s3.bucket', 'old', 'aws', '111111111111',
			'us-east-1', 'open', ?, ?, ?, ?, NULL, '', 0, '', 'FAIL', ?, ?, '')`, []any{fp1, uid, t0, t0, t0, t0, t0, s1}},
		{`INSERT INTO finding_history (fingerprint, at, scan_id, status, transition, reason, exception_id, message)
			VALUES (?, ?, ?, 'FAIL', 'opened', '', '', '')`, []any{fp1, t0, s1}},
		{`INSERT INTO events (type, time, subject, payload) VALUES ('finding.opened', ?, ?, ?)`, []any{t0, fp1, string(oldPayload)}},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	mustDo(t, db.Close())

	s, err := Open(ctx, path)
	mustDo(t, err)
	defer s.Close()
	s2 := store.Scan{ID: store.NewScanID(day1), Provider: "aws", StartedAt: day1}
	mustDo(t, s.CreateScan(ctx, s2))
	mk := func(check string, st finding.Status) finding.Result {
		return finding.Result{CheckID: check, Severity: "high", AssetUID: uid, AssetType: "aws.s3.bucket", AssetName: "old",
			Provider: "aws", Account: "111111111111", Region: "us-east-1", Status: st, EvaluatedAt: day1}
	}
	mustDo(t, s.PutResults(ctx, s2.ID, []finding.Result{mk("c1", finding.Pass), mk("c2", finding.Fail)}))
	sum, err := s.Reconcile(ctx, store.ReconcileRequest{ScanID: s2.ID, At: day1})
	mustDo(t, err)
	if sum != (finding.ReconcileSummary{Evaluated: 2, Opened: 1, Resolved: 1}) {
		t.Errorf("summary %+v", sum)
	}

	for _, tc := range []struct {
		fp   string
		want []finding.HistoryEntry
	}{
		{fp1, []finding.HistoryEntry{
			{At: day0, ScanID: s1, Status: finding.Fail, Transition: finding.Opened},
			{At: day1, ScanID: s2.ID, Status: finding.Pass, Transition: finding.Resolved, Reason: finding.ReasonPassed},
		}},
		{fp2, []finding.HistoryEntry{{At: day1, ScanID: s2.ID, Status: finding.Fail, Transition: finding.Opened}}},
	} {
		h, err := s.FindingHistory(ctx, tc.fp)
		mustDo(t, err)
		if !reflect.DeepEqual(h, tc.want) {
			t.Errorf("history of %s:\n got %+v\nwant %+v", tc.fp, h, tc.want)
		}
	}
	// The new opening is derived, not stored.
	var stored int
	mustDo(t, s.r.QueryRowContext(ctx, `SELECT count(*) FROM finding_history WHERE fingerprint = ?`, fp2).Scan(&stored))
	if stored != 0 {
		t.Errorf("%d history rows stored for a finding opened by its first result, want 0", stored)
	}

	changes, err := s.FindingChanges(ctx, "", s2.ID)
	mustDo(t, err)
	var keys []string
	for _, c := range changes {
		keys = append(keys, fmt.Sprintf("%s %s %s", c.ScanID, c.Transition, c.Finding.CheckID))
	}
	slices.Sort(keys) // changes at the same time come in fingerprint order
	if want := []string{s1 + " opened c1", s2.ID + " opened c2", s2.ID + " resolved c1"}; !slices.Equal(keys, want) {
		t.Errorf("changes %v, want %v", keys, want)
	}

	st, err := s.FindingStats(ctx, store.StatsQuery{Now: day1, Days: 2})
	mustDo(t, err)
	if want := []store.DayCount{{Day: "2026-03-01", Opened: 1}, {Day: "2026-03-02", Opened: 1, Resolved: 1}}; !reflect.DeepEqual(st.PerDay, want) {
		t.Errorf("per day %+v, want %+v", st.PerDay, want)
	}

	es, err := s.Events(ctx, store.EventFilter{})
	mustDo(t, err)
	if len(es) != 3 {
		t.Fatalf("%d events, want 3", len(es))
	}
	if string(es[0].Payload) != string(oldPayload) {
		t.Errorf("event stored whole: payload %s, want %s", es[0].Payload, oldPayload)
	}
	for _, e := range es[1:] {
		var p store.FindingEvent
		mustDo(t, json.Unmarshal(e.Payload, &p))
		if p.Fingerprint != e.Subject || p.ScanID != s2.ID || p.AssetName != "old" || p.Account != "111111111111" ||
			!p.FirstSeen.Equal(map[string]time.Time{fp1: day0, fp2: day1}[e.Subject]) {
			t.Errorf("%s event: payload %s", e.Type, e.Payload)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	mustDo(t, s.Close())

	db := rawDB(t, path)
	newer := len(migrations) + 1
	_, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)`, newer)
	mustDo(t, err)
	mustDo(t, db.Close())

	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a database with a newer schema")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("error %v does not wrap ErrSchemaTooNew", err)
	}
	for _, want := range []string{path, fmt.Sprintf("version %d", newer), fmt.Sprintf("up to %d", len(migrations)), "newer Parapet"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	mustDo(t, s.Close())

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(slices.Clip(saved), migration{len(saved) + 1, "broken", `
CREATE TABLE half_done (x INTEGER);
CREATE TABLE broken (;`})
	if s, err := Open(ctx, path); err == nil {
		s.Close()
		t.Fatal("Open succeeded with a broken migration")
	} else if !strings.Contains(err.Error(), fmt.Sprintf("migration %d (broken)", len(saved)+1)) {
		t.Errorf("error %q does not name the failed migration", err)
	}
	migrations = saved

	s, err := Open(ctx, path)
	mustDo(t, err)
	defer s.Close()
	if got := appliedVersions(t, s.r); !slices.Equal(got, allVersions()) {
		t.Errorf("schema_migrations after a failed step: %v, want %v", got, allVersions())
	}
	var n int
	mustDo(t, s.r.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&n))
	if n != 0 {
		t.Error("the failed migration's first statement was not rolled back")
	}
}

// TestTwoHandlesOneFile stands for two Parapet processes on one file (a
// CLI scan while the server runs): their writes wait for each other
// rather than fail.
func TestTwoHandlesOneFile(t *testing.T) {
	ctx := context.Background()
	s1, path := openTemp(t)
	defer s1.Close()
	s2, err := Open(ctx, path)
	mustDo(t, err)
	defer s2.Close()

	now := time.Now()
	sc := store.Scan{ID: store.NewScanID(now), Provider: "aws", StartedAt: now}
	mustDo(t, s1.CreateScan(ctx, sc))
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i, s := range []*Store{s1, s2, s1, s2} {
		wg.Go(func() {
			for b := range 5 {
				var rs []finding.Result
				for j := range 500 {
					rs = append(rs, finding.Result{CheckID: fmt.Sprintf("c%d", i), Severity: "low",
						AssetUID: fmt.Sprintf("arn:aws:s3:::b%d-%d", b, j), AssetType: "aws.s3.bucket",
						Provider: "aws", Account: "1", Region: "us-east-1", Status: finding.Pass, EvaluatedAt: now})
				}
				if err := s.PutResults(ctx, sc.ID, rs); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rs, err := s2.Results(ctx, store.ResultFilter{ScanID: sc.ID})
	mustDo(t, err)
	if len(rs) != 4*5*500 {
		t.Errorf("got %d results, want %d", len(rs), 4*5*500)
	}
}

// TestLongFilterLists passes lists longer than SQLite's parameter limit.
func TestLongFilterLists(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	defer s.Close()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	sc := store.Scan{ID: store.NewScanID(now), Provider: "aws", StartedAt: now}
	mustDo(t, s.CreateScan(ctx, sc))
	var rs []finding.Result
	for i := range 10 {
		rs = append(rs, finding.Result{CheckID: fmt.Sprintf("c%d", i), Severity: "low", AssetUID: "u", AssetType: "t",
			Provider: "aws", Account: fmt.Sprintf("%012d", i), Region: "r", Status: finding.Pass})
	}
	mustDo(t, s.PutResults(ctx, sc.ID, rs))
	accounts := make([]string, 40000) // more than SQLite's 32766 parameters
	for i := range accounts {
		accounts[i] = fmt.Sprintf("%012d", i+5)
	}
	for _, tc := range []struct {
		name string
		accs []string
		want int
	}{
		{"short", accounts[:3], 3},
		{"long", accounts, 5},
	} {
		got, err := s.Results(ctx, store.ResultFilter{ScanID: sc.ID, Accounts: tc.accs})
		mustDo(t, err)
		if len(got) != tc.want {
			t.Errorf("%s list: got %d results, want %d", tc.name, len(got), tc.want)
		}
	}
}
