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

var update = flag.Bool("update", false, "rewrite docs/checks-aws.md from the checks")

const catalogFile = "../docs/checks-aws.md"

// TestCatalog fails when docs/checks-aws.md no longer matches the checks;
// run it with -update to regenerate the file.
func TestCatalog(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatalf("loading built-in checks:\n%v", err)
	}
	want := checks.Catalog(cs)
	if *update {
		if err := os.WriteFile(catalogFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(catalogFile)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./checks -run TestCatalog -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the checks (first difference at line %d); regenerate it with:\n\tgo test ./checks -run TestCatalog -update",
			filepath.Clean(catalogFile), firstDiffLine(got, want))
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
// title, severity and resource type appear in its summary row.
func TestCatalogListsEveryCheck(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	doc := string(checks.Catalog(cs))
	for _, c := range cs {
		row := "| [" + c.ID + "](#" + c.ID + ") | " + c.Severity.String() + " | `" + c.ResourceType + "` | "
		if !strings.Contains(doc, row) {
			t.Errorf("catalogue has no summary row %q", row)
		}
		if !strings.Contains(doc, "\n### "+c.ID+"\n") {
			t.Errorf("catalogue has no section for %s", c.ID)
		}
	}
}
