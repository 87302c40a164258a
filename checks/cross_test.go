package checks_test

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/checktest"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
)

// TestChecksOnOtherFixtures evaluates every check on the fixture assets of
// every other check of the same resource type. Those are configurations a
// collector or an IaC adapter can produce (TestFixtureShapes holds them to
// the shapes), so a check must reach a verdict on each: an ERROR here is a
// check that reads a field without guarding it (a null policy, an omitted
// key, a single statement instead of a list) and would error on real
// resources. Cases that carry collection errors are skipped: ERROR is
// their expected outcome.
func TestChecksOnOtherFixtures(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*check.Check{}
	byType := map[string][]*check.Check{}
	for _, c := range cs {
		byID[c.ID] = c
		byType[c.ResourceType] = append(byType[c.ResourceType], c)
	}
	evaluated := 0
	for _, root := range checks.Roots() {
		err := fs.WalkDir(checks.FS, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Base(path.Dir(p)) != "testdata" {
				return err
			}
			id := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".pass.yaml"), ".fail.yaml")
			owner, ok := byID[id]
			if !ok {
				return nil // reported by TestFixtures
			}
			data, err := fs.ReadFile(checks.FS, p)
			if err != nil {
				return err
			}
			var doc struct {
				Now    string `yaml:"now"`
				Assets []struct {
					Name   string            `yaml:"name"`
					Tags   map[string]string `yaml:"tags"`
					Config map[string]any    `yaml:"config"`
					Errors []any             `yaml:"errors"`
				} `yaml:"assets"`
			}
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Errorf("%s: %v", p, err)
				return nil
			}
			now := checktest.DefaultNow
			if doc.Now != "" {
				if now, err = time.Parse(time.RFC3339, doc.Now); err != nil {
					t.Errorf("%s: now: %v", p, err)
					return nil
				}
			}
			typ, _ := asset.LookupType(owner.ResourceType)
			for _, fc := range doc.Assets {
				if len(fc.Errors) > 0 {
					continue
				}
				a := asset.Asset{UID: "test:" + p, Provider: typ.Provider, Account: "123456789012", Region: "us-east-1",
					Type: owner.ResourceType, Name: fc.Name, Tags: fc.Tags,
					Config: asset.Normalize(fc.Config).(map[string]any)}
				if a.Tags == nil {
					a.Tags = map[string]string{}
				}
				for _, c := range byType[owner.ResourceType] {
					r, _ := eng.EvaluateCheck(c.ID, &a, now)
					evaluated++
					if r.Status == finding.Error {
						t.Errorf("%s, case %q: check %s: %s", p, fc.Name, c.ID, r.Message)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if evaluated == 0 {
		t.Fatal("nothing evaluated")
	}
	t.Logf("%d evaluations", evaluated)
}
