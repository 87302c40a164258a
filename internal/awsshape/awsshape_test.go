package awsshape

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
)

// Every AWS type is registered with a schema check authors can read.
func TestTypesRegistered(t *testing.T) {
	n := 0
	for _, ti := range asset.Types() {
		if !strings.HasPrefix(ti.Name, "aws.") {
			continue
		}
		n++
		s := ti.Schema()
		props, ok := s["properties"].(map[string]any)
		if !ok || len(props) == 0 {
			t.Errorf("%s: schema has no properties", ti.Name)
		}
		if ti.Description == "" {
			t.Errorf("%s: no description", ti.Name)
		}
		if _, err := asset.ToConfig(ti.Shape); err != nil {
			t.Errorf("%s: %v", ti.Name, err)
		}
	}
	if n < 14 {
		t.Fatalf("%d AWS types registered, want 14", n)
	}
}

var update = flag.Bool("update", false, "rewrite docs/schemas from the shapes")

// The published schemas (docs/schemas) are what custom-check authors read;
// they must match the shapes the collectors build.
func TestSchemaDocsUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "schemas")
	for _, ti := range asset.Types() {
		if !strings.HasPrefix(ti.Name, "aws.") {
			continue
		}
		b, err := json.MarshalIndent(ti.Schema(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, '\n')
		path := filepath.Join(dir, ti.Name+".json")
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s is out of date: run go test ./internal/awsshape -update", path)
		}
	}
}
