package checks_test

import (
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/checktest"
)

func TestFixtures(t *testing.T) {
	for _, root := range checks.Roots() {
		t.Run(root, func(t *testing.T) { checktest.T(t, checks.FS, root) })
	}
}

func TestLoad(t *testing.T) {
	cs, err := check.LoadFS(checks.FS, checks.Root)
	if err != nil {
		t.Fatalf("loading built-in checks:\n%v", err)
	}
	if len(cs) < 40 {
		t.Errorf("got %d built-in AWS checks, want at least 40", len(cs))
	}
	all, err := checks.Load()
	if err != nil {
		t.Fatalf("loading built-in checks:\n%v", err)
	}
	if len(all) <= len(cs) {
		t.Errorf("Load returned %d checks, want the %d AWS checks and the code-only ones", len(all), len(cs))
	}
}

// TestRoots keeps each check under the root of its provider, with an id
// that says so: an iac.* check under aws/ would be listed in the wrong
// catalogue, and an id without its prefix could collide with a user's.
func TestRoots(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		root := strings.SplitN(c.File, "/", 2)[0]
		typ, ok := asset.LookupType(c.ResourceType)
		if !ok {
			t.Errorf("%s: unknown resource type %q", c.File, c.ResourceType)
			continue
		}
		if typ.Provider != root {
			t.Errorf("%s: resource %s is a %s type, but the check is under %s/", c.File, c.ResourceType, typ.Provider, root)
		}
		if !strings.HasPrefix(c.ID, root+"-") {
			t.Errorf("%s: id %q should start with %q", c.File, c.ID, root+"-")
		}
	}
}
