package cloudformation

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
)

var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// load reads a file or directory of testdata with parameter overrides.
func load(t *testing.T, path string, params map[string]string) *iac.Result {
	t.Helper()
	l := New(Options{Parameters: params, Now: func() time.Time { return testNow }})
	res, err := l.Load(context.Background(), filepath.Join("testdata", path))
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "internal error") {
			t.Fatalf("Load(%s): %s", path, d)
		}
	}
	return res
}

// find returns the asset with a UID ending in #id (a logical ID, or
// LogicalId/ignore/check for suppressions).
func find(t *testing.T, res *iac.Result, id string) *asset.Asset {
	t.Helper()
	for i := range res.Assets {
		if strings.HasSuffix(res.Assets[i].UID, "#"+id) {
			return &res.Assets[i]
		}
	}
	t.Fatalf("no asset #%s among %v", id, uids(res))
	return nil
}

func has(res *iac.Result, id string) bool {
	for _, a := range res.Assets {
		if strings.HasSuffix(a.UID, "#"+id) {
			return true
		}
	}
	return false
}

func uids(res *iac.Result) []string {
	var out []string
	for _, a := range res.Assets {
		out = append(out, a.UID)
	}
	return out
}

var indexed = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// at reads a value of a Config by path: "A.B[0].C".
func at(cfg map[string]any, path string) (any, bool) {
	var cur any = cfg
	for _, seg := range strings.Split(path, ".") {
		idx := -1
		if m := indexed.FindStringSubmatch(seg); m != nil {
			seg = m[1]
			idx, _ = strconv.Atoi(m[2])
		}
		if seg != "" {
			mm, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = mm[seg]; !ok {
				return nil, false
			}
		}
		if idx >= 0 {
			l, ok := cur.([]any)
			if !ok || idx >= len(l) {
				return nil, false
			}
			cur = l[idx]
		}
	}
	return cur, true
}

// same compares two values by their JSON form (maps and structs alike).
func same(a, b any) bool {
	return canonical(a) == canonical(b)
}

func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "!" + err.Error()
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return "!" + err.Error()
	}
	b, _ = json.Marshal(x)
	return string(b)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// expectConfig checks Config values by path.
func expectConfig(t *testing.T, a *asset.Asset, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, ok := at(a.Config, path)
		if !ok {
			t.Errorf("%s: no %s in %s", a.UID, path, js(a.Config))
			continue
		}
		if !same(got, w) {
			t.Errorf("%s: %s = %s, want %s", a.UID, path, js(got), js(w))
		}
	}
}

// expectErrors checks the exact set of FieldError paths (with code).
func expectErrors(t *testing.T, a *asset.Asset, want ...string) {
	t.Helper()
	var got []string
	for _, e := range a.Errors {
		got = append(got, e.Path+"="+e.Code)
	}
	g := map[string]bool{}
	for _, p := range got {
		g[p] = true
	}
	w := map[string]bool{}
	for _, p := range want {
		w[p] = true
	}
	if !same(g, w) {
		t.Errorf("%s: field errors %v, want %v (%s)", a.UID, got, want, js(a.Errors))
	}
}

// errorMessage returns the message of the field error at a path.
func errorMessage(a *asset.Asset, path string) string {
	for _, e := range a.Errors {
		if e.Path == path {
			return e.Message
		}
	}
	return ""
}

// expectDiag checks that a diagnostic at file:line contains text.
func expectDiag(t *testing.T, res *iac.Result, file string, line int, sev, text string) {
	t.Helper()
	for _, d := range res.Diagnostics {
		if strings.HasSuffix(d.File, file) && d.Line == line && d.Severity == sev && strings.Contains(d.Message, text) {
			return
		}
	}
	var all []string
	for _, d := range res.Diagnostics {
		all = append(all, d.String())
	}
	t.Errorf("no %s diagnostic at %s:%d containing %q; have:\n%s", sev, file, line, text, strings.Join(all, "\n"))
}
