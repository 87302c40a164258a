package terraform

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
)

// The fixtures under testdata/json are testdata/bad and testdata/good
// written in Terraform's JSON syntax (suppression comments as "//"
// properties). Both forms must give the same assets, but for where they
// are written, and so the same check results.
func TestJSONSyntaxGivesTheSameAssets(t *testing.T) {
	e := builtinEngine(t)
	for _, dir := range []string{"bad", "good"} {
		t.Run(dir, func(t *testing.T) {
			native := load(t, filepath.Join("testdata", dir))
			js := load(t, filepath.Join("testdata", "json", dir))
			for _, d := range js.Diagnostics {
				t.Errorf("diagnostic: %s", d)
			}
			want, got := byUID(t, native.Assets), byUID(t, js.Assets)
			for uid, w := range want {
				g, ok := got[uid]
				if !ok {
					t.Errorf("%s: missing from the JSON form", uid)
					continue
				}
				if g != w {
					t.Errorf("%s differs:\n json %s\n  hcl %s", uid, g, w)
				}
			}
			for uid := range got {
				if _, ok := want[uid]; !ok {
					t.Errorf("%s: only in the JSON form", uid)
				}
			}
			nb, jb := evaluate(e, native.Assets), evaluate(e, js.Assets)
			for _, id := range fixtureChecks {
				if unlocated(statuses(nb[id])) != unlocated(statuses(jb[id])) {
					t.Errorf("%s:\n json %s\n  hcl %s", id, statuses(jb[id]), statuses(nb[id]))
				}
			}
			for _, a := range js.Assets {
				if a.Source.File == "" || a.Source.StartLine == 0 || a.Source.EndLine < a.Source.StartLine {
					t.Errorf("%s: located at %+v", a.UID, a.Source)
				}
			}
		})
	}
}

// location is the file:line a suppression's UID names.
var location = regexp.MustCompile(`(\.tf)(\.json)?:\d+#`)

func unlocated(s string) string { return location.ReplaceAllString(s, "$1#") }

// byUID renders each asset without its location, for comparison.
func byUID(t *testing.T, as []asset.Asset) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range as {
		a.Source = asset.Source{Kind: a.Source.Kind}
		a.UID = unlocated(a.UID)
		a.Hash = ""
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		out[a.UID] = unlocated(strings.ReplaceAll(string(b), ".tf.json", ".tf"))
	}
	return out
}

func TestDetectJSONConfiguration(t *testing.T) {
	l := NewConfigLoader(Options{})
	if !l.Detect("x/main.tf.json", []byte(`{"resource": {}}`)) || l.Detect("x/main.json", nil) {
		t.Error("Detect")
	}
}
