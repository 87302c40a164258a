package celenv

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// The helpers work on plain Go data (map[string]any, []any, string, int64,
// float64, bool, nil), the shape of asset.Config. Values that come straight
// from a Config arrive as CEL wrappers around such data and are unwrapped
// without copying; values built inside an expression (list and map literals)
// are converted.

// plain converts a CEL value into plain Go data.
func plain(v ref.Val) (any, error) {
	switch t := v.(type) {
	case types.Null:
		return nil, nil
	case types.String:
		return string(t), nil
	case types.Bool:
		return bool(t), nil
	case types.Int:
		return int64(t), nil
	case types.Uint:
		return uint64(t), nil
	case types.Double:
		return float64(t), nil
	case types.Timestamp:
		return t.Time, nil
	case types.Duration:
		return t.Duration, nil
	case *types.Err:
		return nil, t
	}
	switch raw := v.Value().(type) {
	case map[string]any, []any, map[string]string, []string:
		// Data from a Config: already plain all the way down.
		return raw, nil
	}
	switch t := v.(type) {
	case traits.Mapper:
		out := make(map[string]any, int(t.Size().(types.Int)))
		it := t.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			ks, ok := k.(types.String)
			if !ok {
				return nil, fmt.Errorf("map key %v is not a string", k)
			}
			e, err := plain(t.Get(k))
			if err != nil {
				return nil, err
			}
			out[string(ks)] = e
		}
		return out, nil
	case traits.Lister:
		n := int(t.Size().(types.Int))
		out := make([]any, n)
		for i := 0; i < n; i++ {
			e, err := plain(t.Get(types.Int(i)))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	}
	return v.Value(), nil
}

// field returns m[key] when m is a map, and false otherwise.
func field(m any, key string) (any, bool) {
	switch t := m.(type) {
	case map[string]any:
		v, ok := t[key]
		return v, ok
	case map[string]string:
		v, ok := t[key]
		return v, ok
	}
	return nil, false
}

// fieldFold is field with a case-insensitive key, for documents whose
// authors vary the spelling (condition keys are case-insensitive in IAM).
func fieldFold(m any, key string) (any, bool) {
	if v, ok := field(m, key); ok {
		return v, true
	}
	switch t := m.(type) {
	case map[string]any:
		for k, v := range t {
			if strings.EqualFold(k, key) {
				return v, true
			}
		}
	case map[string]string:
		for k, v := range t {
			if strings.EqualFold(k, key) {
				return v, true
			}
		}
	}
	return nil, false
}

// each calls fn for every element of a list, or once for a single value
// (IAM policies allow "Action": "s3:*" as well as a list). It stops when fn
// returns false and reports whether it ran to the end.
func each(v any, fn func(any) bool) bool {
	switch t := v.(type) {
	case nil:
		return true
	case []any:
		for _, e := range t {
			if !fn(e) {
				return false
			}
		}
		return true
	case []string:
		for _, e := range t {
			if !fn(e) {
				return false
			}
		}
		return true
	case []map[string]any:
		for _, e := range t {
			if !fn(e) {
				return false
			}
		}
		return true
	}
	return fn(v)
}

// anyString reports whether some string in v (a string or a list of them)
// satisfies pred. Non-string elements are ignored.
func anyString(v any, pred func(string) bool) bool {
	found := false
	each(v, func(e any) bool {
		if s, ok := e.(string); ok && pred(s) {
			found = true
			return false
		}
		return true
	})
	return found
}

// isList reports whether v is a list value.
func isList(v any) bool {
	switch v.(type) {
	case []any, []string, []map[string]any:
		return true
	}
	return false
}

// toInt reads an integer from the numeric forms a Config may hold (int64
// from ToConfig, float64 or json.Number from other decoders, numeric strings
// from templates).
func toInt(v any) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case int:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case uint64:
		if t > math.MaxInt64 {
			return 0, fmt.Errorf("integer %d out of range", t)
		}
		return int64(t), nil
	case float64:
		if t != math.Trunc(t) || math.Abs(t) > 1<<53 {
			return 0, fmt.Errorf("%v is not an integer", t)
		}
		return int64(t), nil
	case json.Number:
		return t.Int64()
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an integer", t)
		}
		return i, nil
	}
	return 0, fmt.Errorf("%s is not an integer", describe(v))
}

// truthy reads a boolean written as a bool or a string ("true", "false"),
// as policy conditions allow both.
func truthy(v any) (value, ok bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(t))
		return b, err == nil
	}
	return false, false
}

// describe names the kind of a plain value for error messages.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", t)
	case bool:
		return "bool"
	case int64, int, int32, uint64:
		return "int"
	case float64:
		return "double"
	case map[string]any, map[string]string:
		return "map"
	case []any, []string, []map[string]any:
		return "list"
	case time.Time:
		return "timestamp"
	}
	return fmt.Sprintf("%T", v)
}

// errVal turns a helper failure into a CEL error value named after the
// helper, so the result message says which call failed.
func errVal(fn string, err error) ref.Val {
	return types.NewErr("%s: %v", fn, err)
}
