package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
)

func TestNewScanIDOrder(t *testing.T) {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []string
	// Increasing times, then many in one millisecond.
	for i := range 50 {
		ids = append(ids, NewScanID(base.Add(time.Duration(i)*time.Millisecond)))
	}
	same := base.Add(time.Hour)
	for range 1000 {
		ids = append(ids, NewScanID(same))
	}
	for i, id := range ids {
		if len(id) != 26 {
			t.Fatalf("ID %q has %d characters, want 26", id, len(id))
		}
		if strings.Trim(id, crockford) != "" {
			t.Fatalf("ID %q has characters outside Crockford base32", id)
		}
		if i > 0 && id <= ids[i-1] {
			t.Fatalf("ID %d %q does not sort after %q", i, id, ids[i-1])
		}
	}
	// The time is readable from the first 10 characters, as in a ULID.
	if got, want := ids[0][:10], "01JN8S7QG0"; got != want {
		t.Errorf("time part of %s: got %s, want %s", base, got, want)
	}
	// An earlier time sorts earlier, whatever came before it.
	if early := NewScanID(base.Add(-time.Hour)); early >= ids[0] {
		t.Errorf("ID for an earlier time %q sorts after %q", early, ids[0])
	}
}

func TestNewScanIDConcurrentUnique(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	now := time.Now()
	for range 8 {
		wg.Go(func() {
			for range 500 {
				id := NewScanID(now)
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate ID %s", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func TestDefaultPath(t *testing.T) {
	home := func() (string, error) { return "/home/ana", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	for _, tc := range []struct {
		name    string
		goos    string
		env     map[string]string
		home    func() (string, error)
		want    string
		wantErr string
	}{
		{"override wins", "linux", map[string]string{"PARAPET_DB": "/srv/p.db", "XDG_DATA_HOME": "/x"}, home, "/srv/p.db", ""},
		{"linux xdg", "linux", map[string]string{"XDG_DATA_HOME": "/data"}, home, filepath.Join("/data", "parapet", "parapet.db"), ""},
		{"linux relative xdg ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, home, filepath.Join("/home/ana", ".local", "share", "parapet", "parapet.db"), ""},
		{"linux default", "linux", nil, home, filepath.Join("/home/ana", ".local", "share", "parapet", "parapet.db"), ""},
		{"freebsd like linux", "freebsd", nil, home, filepath.Join("/home/ana", ".local", "share", "parapet", "parapet.db"), ""},
		{"macos", "darwin", map[string]string{"XDG_DATA_HOME": "/data"}, home, filepath.Join("/home/ana", "Library", "Application Support", "parapet", "parapet.db"), ""},
		{"windows", "windows", map[string]string{"LocalAppData": `C:\Users\ana\AppData\Local`}, home, filepath.Join(`C:\Users\ana\AppData\Local`, "parapet", "parapet.db"), ""},
		{"windows without LocalAppData", "windows", nil, home, "", "PARAPET_DB"},
		{"no home", "linux", nil, noHome, "", "$HOME is not defined; set PARAPET_DB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := defaultPath(tc.goos, func(k string) string { return tc.env[k] }, tc.home)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %q, %v; want an error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDefaultPathEnv(t *testing.T) {
	t.Setenv(EnvDB, "/tmp/override.db")
	if got, err := DefaultPath(); err != nil || got != "/tmp/override.db" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestSummaryCount(t *testing.T) {
	var s Summary
	s.Count(
		finding.Result{Status: finding.Pass}, finding.Result{Status: finding.Pass},
		finding.Result{Status: finding.Fail}, finding.Result{Status: finding.NotApplicable},
		finding.Result{Status: finding.Error}, finding.Result{Status: finding.Manual},
	)
	want := Summary{Results: 6, Pass: 2, Fail: 1, NotApplicable: 1, Error: 1, Manual: 1}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

// recorder is a Store that keeps what it is given.
type recorder struct {
	Store
	assets  []asset.Asset
	results []finding.Result
}

func (r *recorder) PutAssets(_ context.Context, _ string, a []asset.Asset) error {
	r.assets = a
	return nil
}

func (r *recorder) PutResults(_ context.Context, _ string, rs []finding.Result) error {
	r.results = rs
	return nil
}

func TestRedact(t *testing.T) {
	rec := &recorder{}
	s := Redact(rec, "MasterUserPassword", "secretaccesskey")
	ctx := context.Background()

	in := []asset.Asset{
		{UID: "clean", Config: map[string]any{"Engine": "postgres", "Port": int64(5432)}},
		{UID: "db", Config: map[string]any{
			"Engine":             "postgres",
			"MasterUserPassword": "hunter2",
			"Users": []any{
				map[string]any{"Name": "app", "SecretAccessKey": "AKIA-secret"},
				map[string]any{"Name": "ro", "SecretAccessKey": ""}, // empty: kept
			},
			"Nested": map[string]any{"masteruserpassword": map[string]any{"v": "x"}},
		}},
	}
	before := deepCopy(t, in)
	if err := s.PutAssets(ctx, "scan", in); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, before) {
		t.Error("Redact modified the caller's assets")
	}
	got := rec.assets
	if !reflect.DeepEqual(got[0], in[0]) {
		t.Error("an asset without secrets was changed")
	}
	wantDB := map[string]any{
		"Engine":             "postgres",
		"MasterUserPassword": Redacted,
		"Users": []any{
			map[string]any{"Name": "app", "SecretAccessKey": Redacted},
			map[string]any{"Name": "ro", "SecretAccessKey": ""},
		},
		"Nested": map[string]any{"masteruserpassword": Redacted},
	}
	if !reflect.DeepEqual(got[1].Config, wantDB) {
		t.Errorf("redacted config:\n got %#v\nwant %#v", got[1].Config, wantDB)
	}

	// Nothing to redact: the caller's slice is passed on as it is.
	clean := in[:1]
	if err := s.PutAssets(ctx, "scan", clean); err != nil {
		t.Fatal(err)
	}
	if &rec.assets[0] != &clean[0] {
		t.Error("a batch without secrets was copied")
	}

	rs := []finding.Result{{CheckID: "c", Evidence: map[string]any{
		"config.MasterUserPassword": "hunter2", "config.Engine": "postgres", "config.Missing": nil,
	}}}
	if err := s.PutResults(ctx, "scan", rs); err != nil {
		t.Fatal(err)
	}
	wantEv := map[string]any{"config.MasterUserPassword": Redacted, "config.Engine": "postgres", "config.Missing": nil}
	if !reflect.DeepEqual(rec.results[0].Evidence, wantEv) {
		t.Errorf("redacted evidence: %#v", rec.results[0].Evidence)
	}
	if rs[0].Evidence["config.MasterUserPassword"] != "hunter2" {
		t.Error("Redact modified the caller's evidence")
	}
}

func deepCopy(t *testing.T, in []asset.Asset) []asset.Asset {
	t.Helper()
	out := make([]asset.Asset, len(in))
	for i, a := range in {
		out[i] = a
		var err error
		if out[i].Config, err = asset.ToConfig(a.Config); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestValidateResultsNamesTheResult(t *testing.T) {
	rs := []finding.Result{
		{CheckID: "a", AssetUID: "u", Status: finding.Pass},
		{CheckID: "b", AssetUID: "v", Status: "BROKEN"},
	}
	err := ValidateResults("scan", rs)
	if err == nil || !strings.Contains(err.Error(), `result 1 (b on v): unknown status "BROKEN"`) {
		t.Errorf("got %v", err)
	}
}
