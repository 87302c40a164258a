package asset

import (
	"reflect"
	"testing"
)

type inner struct {
	Port  *int64   `json:"Port"`
	Names []string `json:"Names"`
}

type shape struct {
	Count  int64          `json:"Count"`
	Ratio  float64        `json:"Ratio"`
	Items  []inner        `json:"Items"`
	Opt    *inner         `json:"Opt"`
	Doc    map[string]any `json:"Doc"`
	Hidden string         `json:"-"`
}

func TestToConfig(t *testing.T) {
	port := int64(22)
	in := shape{Count: 3, Ratio: 0.5, Items: []inner{{Port: &port}}, Opt: &inner{}}
	got, err := ToConfig(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Count": int64(3),
		"Ratio": 0.5,
		"Items": []any{map[string]any{"Port": int64(22), "Names": []any{}}},
		"Opt":   map[string]any{"Port": nil, "Names": []any{}},
		"Doc":   nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ToConfig:\n got %#v\nwant %#v", got, want)
	}
	if in.Items[0].Names != nil || in.Opt.Names != nil {
		t.Fatal("ToConfig modified its input")
	}
}

func TestToConfigNilSlicesBecomeEmpty(t *testing.T) {
	got, err := ToConfig(shape{})
	if err != nil {
		t.Fatal(err)
	}
	if items, ok := got["Items"].([]any); !ok || len(items) != 0 {
		t.Fatalf("Items = %#v, want empty list", got["Items"])
	}
	if got["Opt"] != nil {
		t.Fatalf("Opt = %#v, want null (not configured)", got["Opt"])
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct {
		in, want any
	}{
		{int(5), int64(5)},
		{float64(5), int64(5)},
		{5.5, 5.5},
		{map[any]any{"a": 1}, map[string]any{"a": int64(1)}},
		{[]any{int32(1), "x"}, []any{int64(1), "x"}},
	}
	for _, c := range cases {
		if got := Normalize(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Normalize(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestHashIgnoresCollectionTimeButNotConfig(t *testing.T) {
	a := Asset{UID: "u", Type: "t", Config: map[string]any{"a": int64(1), "b": "x"}}
	b := a
	b.Config = map[string]any{"b": "x", "a": int64(1)}
	b.Source = Source{Kind: SourceAPI}
	if a.ComputeHash() != b.ComputeHash() {
		t.Fatal("same state hashed differently")
	}
	b.Config = map[string]any{"a": int64(2), "b": "x"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Fatal("different config hashed the same")
	}
	c := a
	c.Errors = []FieldError{{Path: "a", Message: "denied"}}
	if a.ComputeHash() == c.ComputeHash() {
		t.Fatal("a partially collected asset must not hash like a complete one")
	}
}

func TestSchema(t *testing.T) {
	ti := TypeInfo{Name: "test.shape", Shape: shape{}}
	s := ti.Schema()
	props := s["properties"].(map[string]any)
	if _, ok := props["Hidden"]; ok {
		t.Error("json:\"-\" field in schema")
	}
	items := props["Items"].(map[string]any)
	if !reflect.DeepEqual(items["type"], []string{"array", "null"}) {
		t.Errorf("Items type = %v", items["type"])
	}
	port := items["items"].(map[string]any)["properties"].(map[string]any)["Port"].(map[string]any)
	if !reflect.DeepEqual(port["type"], []string{"integer", "null"}) {
		t.Errorf("Port type = %v", port["type"])
	}
}
