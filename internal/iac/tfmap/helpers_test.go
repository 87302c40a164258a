package tfmap

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// testRoot is the directory the test modules pretend to come from.
const testRoot = "/src/infra"

// res builds a managed resource of the root module in main.tf.
func res(typ, name string, attrs map[string]any) *tfmodel.Resource {
	if attrs == nil {
		attrs = map[string]any{}
	}
	return &tfmodel.Resource{Mode: "managed", Type: typ, Name: name, Address: typ + "." + name,
		Provider: "aws", Attributes: attrs, File: "main.tf", StartLine: 10, EndLine: 20}
}

// data builds a data source.
func data(typ, name string, attrs map[string]any) *tfmodel.Resource {
	r := res(typ, name, attrs)
	r.Mode, r.Address = "data", "data."+typ+"."+name
	return r
}

func ref(addr, attr string) tfmodel.Ref { return tfmodel.Ref{Address: addr, Attribute: attr} }

func unknown(why string) tfmodel.Unknown { return tfmodel.Unknown{Reason: why} }

// blk is a nested block written once; blks several.
func blk(m map[string]any) []any { return []any{m} }

func blks(ms ...map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func list(vs ...any) []any { return vs }

// mapAll maps resources of one root module with a provider in eu-west-1.
func mapAll(t *testing.T, rs ...*tfmodel.Resource) ([]asset.Asset, []iac.Diagnostic) {
	t.Helper()
	mod := &tfmodel.Module{Resources: rs}
	for _, r := range rs {
		if r.Region == "" {
			r.Region = "eu-west-1"
		}
	}
	return Map(mod, Options{Root: testRoot, Source: asset.SourceTerraform})
}

// byAddr indexes assets by the address part of their UID.
func byAddr(as []asset.Asset) map[string]asset.Asset {
	out := map[string]asset.Asset{}
	for _, a := range as {
		_, addr, _ := strings.Cut(a.UID, "#")
		out[addr] = a
	}
	return out
}

// one maps resources and returns the asset of address, failing when it is
// missing or when mapping reported an error diagnostic.
func one(t *testing.T, addr string, rs ...*tfmodel.Resource) asset.Asset {
	t.Helper()
	as, diags := mapAll(t, rs...)
	for _, d := range diags {
		if d.Severity == iac.SevError {
			t.Errorf("diagnostic: %s", d)
		}
	}
	a, ok := byAddr(as)[addr]
	if !ok {
		t.Fatalf("no asset for %s; have %v", addr, keys(byAddr(as)))
	}
	return a
}

func keys(m map[string]asset.Asset) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// config converts an expected shape the way mapping does.
func config(t *testing.T, shape any) map[string]any {
	t.Helper()
	c, err := asset.ToConfig(shape)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameConfig compares a Config with an expected shape, printing both as
// JSON when they differ.
func sameConfig(t *testing.T, got map[string]any, want any) {
	t.Helper()
	w := config(t, want)
	if !reflect.DeepEqual(got, w) {
		t.Errorf("config differs\n got: %s\nwant: %s", js(got), js(w))
	}
}

func js(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// errPaths lists the FieldError paths of an asset with their codes.
func errPaths(a asset.Asset) []string {
	var out []string
	for _, e := range a.Errors {
		out = append(out, e.Path+":"+e.Code)
	}
	return out
}

// field reads a dotted path of a Config.
func field(cfg map[string]any, path string) any {
	var cur any = cfg
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func ptr[T any](v T) *T { return &v }

// decode reads a Config back into its shape.
func decode(t *testing.T, cfg map[string]any, v any) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
