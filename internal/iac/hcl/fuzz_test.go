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

// FuzzLoadJSON feeds arbitrary JSON configurations, beside a .tf file, to
// the loader: the JSON translation must never panic.
func FuzzLoadJSON(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "json_*", "*.tf.json"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`{"resource": {"a_b": {"c": {"count": 2, "v": "${count.index}"}}}}`)
	f.Add(`{"resource": {"a_b": {"c": {"dynamic": {"d": {"for_each": "${range(2)}", "content": {"v": "${d.value}"}}}}}}}`)
	f.Add(`{"variable": {"v": {"type": "map(string)", "default": {"k": "${x}"}}}, "locals": {"a": "${var.v}"}}`)
	f.Add(`{"resource": {"a_b": {"c": [{"//": "parapet:ignore:x why"}, {"v": 1}]}}}`)
	f.Fuzz(func(t *testing.T, main string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), []byte(main), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "other.tf"), []byte(`locals { b = 1 }`), 0o600); err != nil {
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
