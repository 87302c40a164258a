package hcl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadDir feeds arbitrary configurations to the loader. Panics are
// recovered into "internal error" diagnostics so a scan survives them;
// the fuzzer treats those as failures.
func FuzzLoadDir(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.tf"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(string(b), "")
		}
	}
	f.Add(`locals { a = local.a }`, `x = 1`)
	f.Add(`resource "a_b" "c" { count = 3 dynamic "d" { for_each = range(count.index) content { v = d.value } } }`, "")
	f.Add(`module "m" { source = "./m" count = 2 }`, `module "m" { source = "../m" }`)
	f.Add(`variable "v" { type = map(object({a = optional(list(string), [])})) }`, `v = { k = {} }`)
	f.Fuzz(func(t *testing.T, main, other string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
			t.Fatal(err)
		}
		// The second input is both a variables file and a local module.
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), []byte(other), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "m"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "m", "main.tf"), []byte(other), 0o600); err != nil {
			t.Fatal(err)
		}
		m, diags := LoadDir(context.Background(), dir, Options{})
		if m == nil {
			t.Fatal("nil module")
		}
		for _, d := range diags {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("%s", d)
			}
		}
	})
}
