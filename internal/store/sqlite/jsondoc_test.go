package sqlite

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
)

// TestAppendDocDecodesLikeEncodingJSON checks that appendDoc's output
// decodes to what encoding/json's output decodes to.
func TestAppendDocDecodesLikeEncodingJSON(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"empty map", map[string]any{}},
		{"empty list", []any{}},
		{"scalars", map[string]any{"t": true, "f": false, "n": nil, "i": int64(-42), "int": 7, "max": int64(math.MaxInt64), "min": int64(math.MinInt64)}},
		{"floats", []any{0.0, -0.0, 1.5, 1e20, 1e21, 123456789e15, 1e-6, 1e-7, 5e-324, math.MaxFloat64, -2.5e-10, 0.1, 100.0, 1e6}},
		{"strings", []any{"", "plain", `"quoted" \\back\\`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<html>&amp;", "ünïcödé ✓ 🎉", "\u2028\u2029", "bad \xff\xfe utf8", "\xed\xa0\x80 surrogate"}},
		{"string map", map[string]string{"k\n": "v\"", "emoji 🎉": ""}},
		{"nested", map[string]any{"a": []any{map[string]any{"b": []any{[]any{int64(1)}, map[string]any{}}}}}},
		{"fallback types", map[string]any{"strs": []string{"a", "b"}, "u": uint64(math.MaxUint64), "i32": int32(-3), "num": json.Number("12.5")}},
		{"source", asset.Source{Kind: asset.SourceTerraform, File: "main.tf", StartLine: 3, EndLine: 9}},
		{"source api", asset.Source{Kind: asset.SourceAPI}},
		{"struct", []asset.Relation{{Type: "in", Target: "x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := appendDoc(nil, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("invalid JSON %s: %v", got, err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("decodes differently\n got %s\nwant %s", got, want)
			}
			// Numbers are written as encoding/json writes them, so they
			// decode to the same Go type (int64 or float64) in Config.
			if strings.Contains(tc.name, "float") && string(got) != string(want) {
				t.Errorf("float text differs\n got %s\nwant %s", got, want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"NaN", map[string]any{"x": math.NaN()}, "unsupported value: NaN"},
		{"Inf", []any{math.Inf(1)}, "unsupported value: +Inf"},
		{"cycle", cyclic, "nested more than"},
		{"func", map[string]any{"f": func() {}}, "unsupported type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := appendDoc(nil, tc.v); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func BenchmarkEncodeConfig(b *testing.B) {
	as := benchAssets(b, 1000, "enc", time.Time{})
	b.Run("appendDoc", func(b *testing.B) {
		var buf []byte
		for i := 0; b.Loop(); i++ {
			var err error
			if buf, err = appendDoc(buf[:0], as[i%len(as)].Config); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := json.Marshal(as[i%len(as)].Config); err != nil {
				b.Fatal(err)
			}
		}
	})
}
