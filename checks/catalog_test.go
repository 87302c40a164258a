package checks_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/checks"
)

var update = flag.Bool("update", false, "rewrite docs/checks-aws.md and docs/checks-iac.md from the checks")

// catalogFile is the generated catalogue of the checks under a root.
func catalogFile(root string) string { return "../docs/checks-" + root + ".md" }

// TestCatalog fails when a catalogue (docs/checks-aws.md,
// docs/checks-iac.md) no longer matches the checks; run it with -update to
// regenerate the files.
func TestCatalog(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatalf("loading built-in checks:\n%v", err)
	}
	for _, root := range checks.Roots() {
		file := catalogFile(root)
		want := checks.CatalogOf(root, cs)
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%v (generate it with: go test ./checks -run TestCatalog -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the checks (first difference at line %d); regenerate it with:\n\tgo test ./checks -run TestCatalog -update",
				filepath.Clean(file), firstDiffLine(got, want))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

// TestCatalogListsEveryCheck guards the renderer itself: each check's id,
// title, severity and resource type appear in the summary row of its own
// root's catalogue, and in no other.
func TestCatalogListsEveryCheck(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, root := range checks.Roots() {
		docs[root] = string(checks.CatalogOf(root, cs))
	}
	for _, c := range cs {
		own := strings.SplitN(c.File, "/", 2)[0]
		row := "| [" + c.ID + "](#" + c.ID + ") | " + c.Severity.String() + " | `" + c.ResourceType + "` | "
		for root, doc := range docs {
			has := strings.Contains(doc, row) && strings.Contains(doc, "\n### "+c.ID+"\n")
			switch {
			case root == own && !has:
				t.Errorf("catalogue of %s has no summary row and section for %s", root, c.ID)
			case root != own && strings.Contains(doc, "["+c.ID+"]"):
				t.Errorf("catalogue of %s lists %s, which belongs under %s", root, c.ID, own)
			}
		}
	}
	if string(checks.Catalog(cs)) != docs[checks.Root] {
		t.Error("Catalog differs from CatalogOf(Root)")
	}
}
