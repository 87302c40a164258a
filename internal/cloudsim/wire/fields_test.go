package wire_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedTablesAreCurrent regenerates the wire tables from the SDK
// in go.mod and fails if fields_gen.go differs, e.g. after an SDK upgrade
// without `go generate`.
func TestGeneratedTablesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	out := filepath.Join(t.TempDir(), "fields_gen.go")
	cmd := exec.Command("go", "run", "./internal/wiregen", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wiregen: %v\n%s", err, b)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	current, err := os.ReadFile("fields_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, current) {
		t.Fatal("fields_gen.go is stale: run go generate ./internal/cloudsim/wire")
	}
}
