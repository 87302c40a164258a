package cloudformation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Evaluated template values are plain JSON-like data (string, int64,
// float64, bool, nil, []any, map[string]any) plus the three types below.

// unknown is a value CloudFormation only knows at deploy time: a parameter
// without a default, an imported value, a branch on such a value. Mappers
// never read it as a concrete value: the Config field gets its zero value
// and an asset.FieldError, so checks reading it report ERROR.
type unknown struct {
	reason string // why, e.g. "parameter Env has no default"
}

// opaque is a value known to be set and non-empty whose content
// CloudFormation decides at deploy time: a Ref or GetAtt of a resource, a
// pseudo parameter. text is how it is rendered ("${Bucket.Arn}"); res
// names the resource it refers to, so mappers can join resources on it.
// When known is set, text is the actual value (a Ref to a bucket whose
// BucketName is written in the template).
type opaque struct {
	text  string
	res   string
	attr  string
	known bool
}

// noValue is AWS::NoValue: the property or list item is removed.
type noValue struct{}

// firstUnknown returns the first unknown value inside v (depth first, map
// keys sorted so the reason is deterministic).
func firstUnknown(v any) (unknown, bool) {
	switch x := v.(type) {
	case unknown:
		return x, true
	case []any:
		for _, e := range x {
			if u, ok := firstUnknown(e); ok {
				return u, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if u, ok := firstUnknown(x[k]); ok {
				return u, true
			}
		}
	}
	return unknown{}, false
}

// plain converts an evaluated value into Config data: opaque values become
// their text. It reports the first unknown value instead.
func plain(v any) (any, *unknown) {
	switch x := v.(type) {
	case unknown:
		return nil, &x
	case opaque:
		return x.text, nil
	case noValue:
		return nil, nil
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			p, u := plain(e)
			if u != nil {
				return nil, u
			}
			out = append(out, p)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p, u := plain(e)
			if u != nil {
				return nil, u
			}
			out[k] = p
		}
		return out, nil
	case int:
		return int64(x), nil
	}
	return v, nil
}

// scalarText is the string form CloudFormation gives a scalar where a
// string is expected (in Fn::Sub, Fn::Join, parameter values).
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case opaque:
		return x.text, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// describe names the kind of a value for messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case int64, int, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case opaque:
		return "a reference"
	}
	return fmt.Sprintf("%T", v)
}

// isDynamicRef tells whether a string holds a dynamic reference
// ({{resolve:ssm:...}}), which CloudFormation resolves at deploy time.
func isDynamicRef(s string) bool { return strings.Contains(s, "{{resolve:") }

// toJSON renders an evaluated value as JSON (Fn::ToJsonString).
func toJSON(v any) (string, *unknown) {
	p, u := plain(v)
	if u != nil {
		return "", u
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", &unknown{reason: "value cannot be written as JSON: " + err.Error()}
	}
	return string(b), nil
}

// equalValues compares two evaluated values as Fn::Equals does: scalars by
// their string form. ok is false when the answer is only known at deploy
// time.
func equalValues(a, b any) (eq, ok bool) {
	if _, isU := firstUnknown(a); isU {
		return false, false
	}
	if _, isU := firstUnknown(b); isU {
		return false, false
	}
	oa, aOpaque := a.(opaque)
	ob, bOpaque := b.(opaque)
	if (aOpaque && !oa.known) || (bOpaque && !ob.known) {
		if aOpaque && bOpaque && oa.text == ob.text {
			return true, true
		}
		return false, false
	}
	as, aScalar := scalarText(a)
	bs, bScalar := scalarText(b)
	if aScalar && bScalar {
		return as == bs, true
	}
	la, aList := a.([]any)
	lb, bList := b.([]any)
	if aList && bList {
		if len(la) != len(lb) {
			return false, true
		}
		for i := range la {
			e, ok := equalValues(la[i], lb[i])
			if !ok || !e {
				return e, ok
			}
		}
		return true, true
	}
	ma, aMap := a.(map[string]any)
	mb, bMap := b.(map[string]any)
	if aMap && bMap {
		if len(ma) != len(mb) {
			return false, true
		}
		for k, va := range ma {
			vb, found := mb[k]
			if !found {
				return false, true
			}
			e, ok := equalValues(va, vb)
			if !ok || !e {
				return e, ok
			}
		}
		return true, true
	}
	return a == nil && b == nil, true
}
