package checks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
)

// TestFixtureShapes holds every fixture config to its resource type's
// shape: it must decode into the shape struct (internal/awsshape, or
// internal/codeshape for the code-only types) with no unknown field,
// and encoding that struct back (as a collector would) must give the same
// document, so no field the collector always writes is missing and no
// omitted-when-empty field is written empty. Checks tested against
// fixtures that a collector could never produce prove nothing.
func TestFixtureShapes(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	typeOf := map[string]string{}
	for _, c := range cs {
		typeOf[c.ID] = c.ResourceType
	}
	n := 0
	for _, root := range checks.Roots() {
		n += fixtureShapes(t, root, typeOf)
	}
	if n == 0 {
		t.Fatal("no fixture cases found")
	}
}

// fixtureShapes checks the fixtures under one root and counts their cases.
func fixtureShapes(t *testing.T, root string, typeOf map[string]string) int {
	t.Helper()
	n := 0
	err := fs.WalkDir(checks.FS, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(path.Dir(p)) != "testdata" {
			return err
		}
		id := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".pass.yaml"), ".fail.yaml")
		typ, ok := asset.LookupType(typeOf[id])
		if !ok {
			t.Errorf("%s: no check %q with a known resource type", p, id)
			return nil
		}
		data, err := fs.ReadFile(checks.FS, p)
		if err != nil {
			return err
		}
		var doc struct {
			Assets []struct {
				Name   string         `yaml:"name"`
				Config map[string]any `yaml:"config"`
			} `yaml:"assets"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		for _, a := range doc.Assets {
			n++
			if err := conforms(typ, a.Config); err != nil {
				t.Errorf("%s: case %q: %v", p, a.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func conforms(typ asset.TypeInfo, cfg map[string]any) error {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	shape := reflect.New(reflect.TypeOf(typ.Shape))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(shape.Interface()); err != nil {
		return fmt.Errorf("does not decode into %s: %v", typ.Name, err)
	}
	want, err := asset.ToConfig(shape.Elem().Interface())
	if err != nil {
		return err
	}
	got := asset.Normalize(cfg)
	if d := diff("", want, got); d != "" {
		return fmt.Errorf("differs from what a collector writes for %s: %s", typ.Name, d)
	}
	return nil
}

// diff names the first path where two decoded documents differ.
func diff(at string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %v", at, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, dup := w[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok:
				return fmt.Sprintf("%s.%s is missing (want %v)", at, k, wv)
			case !wok:
				return fmt.Sprintf("%s.%s should be left out (it is omitted when empty)", at, k)
			}
			if d := diff(at+"."+k, wv, gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want %v, got %v", at, want, got)
		}
		for i := range w {
			if d := diff(fmt.Sprintf("%s[%d]", at, i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%s: want %v (%T), got %v (%T)", at, want, want, got, got)
	}
	return ""
}
