package tfplan

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// normalize turns decoded JSON into tfmodel's value shapes: numbers become
// int64 when whole (as the HCL reader gives them) and float64 otherwise.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return normalize(f)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// indexValue is a resource index as tfmodel holds it: nil, int64 or string.
func indexValue(v any) any {
	switch x := normalize(v).(type) {
	case int64, string:
		return x
	case float64:
		return int64(x)
	}
	return nil
}

func indexString(v any) string {
	switch x := v.(type) {
	case int64:
		return "[" + strconv.FormatInt(x, 10) + "]"
	case string:
		return "[" + strconv.Quote(x) + "]"
	}
	return ""
}

// modulePath splits "module.a[0].module.b" into call names and the full
// instance prefix of each level.
type moduleStep struct {
	name   string // a
	prefix string // module.a[0]
	key    string // [0]
}

func splitModule(addr string) []moduleStep {
	var out []moduleStep
	rest, prefix := addr, ""
	for strings.HasPrefix(rest, "module.") {
		rest = rest[len("module."):]
		end := segmentEnd(rest)
		seg := rest[:end]
		name := seg
		if i := strings.IndexByte(seg, '['); i >= 0 {
			name = seg[:i]
		}
		if prefix != "" {
			prefix += "."
		}
		prefix += "module." + seg
		out = append(out, moduleStep{name: name, prefix: prefix, key: seg[len(name):]})
		if end >= len(rest) {
			break
		}
		rest = rest[end+1:]
	}
	return out
}

// segmentEnd is the index of the dot ending an address segment, outside
// brackets and quoted keys, or len(s).
func segmentEnd(s string) int {
	depth, inStr := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && c == '[':
			depth++
		case !inStr && c == ']':
			depth--
		case !inStr && depth == 0 && c == '.':
			return i
		}
	}
	return len(s)
}

// keyValue parses an instance key as written in an address: [0] or ["k"].
func keyValue(k string) any {
	if len(k) < 3 || k[0] != '[' || k[len(k)-1] != ']' {
		return nil
	}
	inner := k[1 : len(k)-1]
	if s, err := strconv.Unquote(inner); err == nil {
		return s
	}
	if i, err := strconv.ParseInt(inner, 10, 64); err == nil {
		return i
	}
	return nil
}

// staticModule drops the instance keys of a module address: the
// configuration has one entry per call, not per instance.
func staticModule(addr string) string {
	var parts []string
	for _, s := range splitModule(addr) {
		parts = append(parts, "module."+s.name)
	}
	return strings.Join(parts, ".")
}

// resourceRef is a reference to a managed resource as the plan writes
// it: aws_s3_bucket.b, aws_s3_bucket.b[0].id, aws_s3_bucket.b["k"].arn.
type resourceRef struct {
	base  string // aws_s3_bucket.b
	index string // [0], ["k"] or ""
	attr  string // id, or "" when the reference stops at the resource
}

// parseResourceRef reads a reference to a managed resource; ok is false
// for var., local., module., data. and the other reserved roots.
func parseResourceRef(s string) (resourceRef, bool) {
	first, rest, ok := strings.Cut(s, ".")
	if !ok {
		return resourceRef{}, false
	}
	switch first {
	case "var", "local", "module", "data", "count", "each", "path", "terraform", "self":
		return resourceRef{}, false
	}
	name := rest
	after := ""
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		name, after = rest[:i], rest[i:]
	}
	r := resourceRef{base: first + "." + name}
	if strings.HasPrefix(after, "[") {
		end := closingBracket(after)
		if end < 0 {
			return resourceRef{}, false
		}
		r.index = after[:end+1]
		after = after[end+1:]
	}
	if strings.HasPrefix(after, ".") {
		attr := after[1:]
		if i := strings.IndexAny(attr, ".["); i >= 0 {
			attr = attr[:i]
		}
		r.attr = attr
	}
	return r, true
}

func closingBracket(s string) int {
	inStr := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && c == ']':
			return i
		}
	}
	return -1
}

// regionOf reads the region a resource lives in from its own attributes:
// the region argument some providers record, else the ARN.
func regionOf(attrs map[string]any) string {
	if r, ok := attrs["region"].(string); ok && r != "" {
		return r
	}
	if arn, ok := attrs["arn"].(string); ok {
		if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 && parts[0] == "arn" {
			return parts[3]
		}
	}
	return ""
}
