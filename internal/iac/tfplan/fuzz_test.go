package tfplan

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to both readers: an error is fine, a
// panic is not.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"a.b","values":{"x":[1]}}]}},` +
		`"resource_changes":[{"address":"a.b","change":{"after_unknown":{"x":[true,{"y":true}],"z":{"q":[true]}}}}],` +
		`"configuration":{"root_module":{"resources":[{"address":"a.b","expressions":{"x":[{"y":{"references":["var.v"]}}]}}]}}}`))
	f.Add([]byte(`{"version":4,"resources":[{"module":"module.a[\"x]","mode":"managed","type":"t","name":"n","provider":"provider[\"","instances":[{"index_key":1.5}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "in.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if m, _, err := LoadPlan(p); err == nil && m == nil {
			t.Fatal("LoadPlan: nil module without error")
		}
		if m, _, err := LoadState(p); err == nil && m == nil {
			t.Fatal("LoadState: nil module without error")
		}
	})
}
