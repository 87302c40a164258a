package tfmap

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// FieldError codes set by the mappers.
const (
	CodeUnknown       = "Unknown"       // the value is known only at apply time
	CodeInvalidPolicy = "InvalidPolicy" // a policy argument is not a JSON document
	CodeInvalidValue  = "InvalidValue"  // an argument has a type or value AWS would reject
)

// attrs reads the arguments of a resource or of one nested block. Every
// read names the Config field it feeds: when the value is unknown (or of
// the wrong type) the field's FieldError is recorded on the mapping, and
// the zero value returned, so checks reading the field report ERROR.
type attrs struct {
	m    *mapping
	vals map[string]any
	at   string // argument path of this block, e.g. "metadata_options.", for messages
}

// raw returns an argument as written; nil when absent (or, in a plan,
// left to the provider: see planUnset).
func (a attrs) raw(name string) any {
	if a.vals == nil {
		return nil
	}
	v := a.vals[name]
	if a.m != nil && a.m.ix != nil && a.m.ix.planUnset(v) {
		return nil
	}
	return v
}

// has reports whether an argument is set (to anything but null).
func (a attrs) has(name string) bool { return a.raw(name) != nil }

// unknown records that field could not be mapped because of v (an
// Unknown, a Ref where a concrete value is needed, or a bad value) and
// reports whether v was such a value.
func (a attrs) unusable(name, field string, v any) bool {
	switch t := v.(type) {
	case tfmodel.Unknown:
		a.m.unknown(field, a.at+name, t.Reason)
		return true
	case *tfmodel.Unknown:
		a.m.unknown(field, a.at+name, t.Reason)
		return true
	}
	return false
}

// str reads a string argument; "" when absent. A Ref is rendered as
// "${address.attribute}": it is set, and only its value is unknown.
func (a attrs) str(name, field string) string {
	return a.strOr(name, field, "")
}

// strOr is str with a default for an absent argument.
func (a attrs) strOr(name, field, def string) string {
	v := a.raw(name)
	if v == nil {
		return def
	}
	if a.unusable(name, field, v) {
		return ""
	}
	s, ok := stringOf(v)
	if !ok {
		a.m.invalid(field, a.at+name, "want a string, got "+describe(v))
		return ""
	}
	return s
}

// known reads a computed attribute that only exists once the resource does
// (arn, id, unique_id): its value when a state or plan knows it, else ""
// without a FieldError, since no configuration could set it.
func (a attrs) known(name string) string {
	s, ok := a.raw(name).(string)
	if !ok {
		return ""
	}
	return s
}

// boolean reads a bool argument, def when absent. A Ref is unknown here:
// only its value matters.
func (a attrs) boolean(name, field string, def bool) bool {
	v := a.raw(name)
	if v == nil {
		return def
	}
	if a.unusable(name, field, v) {
		return false
	}
	switch t := v.(type) {
	case bool:
		return t
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return b
		}
	case tfmodel.Ref:
		a.m.unknown(field, a.at+name, "set from "+t.Address+"."+t.Attribute)
		return false
	}
	a.m.invalid(field, a.at+name, "want a bool, got "+describe(v))
	return false
}

// integer reads a number argument, def when absent.
func (a attrs) integer(name, field string, def int64) int64 {
	n, _ := a.optInt(name, field)
	if n == nil {
		if a.raw(name) == nil {
			return def
		}
		return 0
	}
	return *n
}

// optInt reads a number argument; nil when absent or unusable (ok is false
// then only when it was unusable).
func (a attrs) optInt(name, field string) (*int64, bool) {
	v := a.raw(name)
	if v == nil {
		return nil, true
	}
	if a.unusable(name, field, v) {
		return nil, false
	}
	switch t := v.(type) {
	case int64:
		return &t, true
	case int:
		n := int64(t)
		return &n, true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			n := int64(t)
			return &n, true
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			return &n, true
		}
	case tfmodel.Ref:
		a.m.unknown(field, a.at+name, "set from "+t.Address+"."+t.Attribute)
		return nil, false
	}
	a.m.invalid(field, a.at+name, "want a number, got "+describe(v))
	return nil, false
}

// strs reads a list (or set) of strings; nil when absent. An unknown
// element makes the whole field unknown: a partial list could hide the
// element that matters.
func (a attrs) strs(name, field string) []string {
	v := a.raw(name)
	if v == nil {
		return nil
	}
	if a.unusable(name, field, v) {
		return nil
	}
	items, ok := listOf(v)
	if !ok {
		a.m.invalid(field, a.at+name, "want a list, got "+describe(v))
		return nil
	}
	out := make([]string, 0, len(items))
	for i, e := range items {
		if e == nil {
			continue
		}
		if a.unusable(fmt.Sprintf("%s[%d]", name, i), field, e) {
			return nil
		}
		s, ok := stringOf(e)
		if !ok {
			a.m.invalid(field, fmt.Sprintf("%s%s[%d]", a.at, name, i), "want a string, got "+describe(e))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// values reads a list argument keeping Refs as Refs (for joins); nil when
// absent or unknown (recorded on field).
func (a attrs) values(name, field string) []any {
	v := a.raw(name)
	if v == nil || a.unusable(name, field, v) {
		return nil
	}
	items, ok := listOf(v)
	if !ok {
		return []any{v}
	}
	return items
}

// blocks reads a nested block type: every block in source order.
func (a attrs) blocks(name, field string) []attrs {
	v := a.raw(name)
	if v == nil || a.unusable(name, field, v) {
		return nil
	}
	if m, ok := v.(map[string]any); ok {
		return []attrs{{m: a.m, vals: m, at: a.at + name + "."}}
	}
	items, ok := listOf(v)
	if !ok {
		a.m.invalid(field, a.at+name, "want a block, got "+describe(v))
		return nil
	}
	out := make([]attrs, 0, len(items))
	for i, e := range items {
		if e == nil {
			continue
		}
		if a.unusable(fmt.Sprintf("%s[%d]", name, i), field, e) {
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			a.m.invalid(field, fmt.Sprintf("%s%s[%d]", a.at, name, i), "want a block, got "+describe(e))
			continue
		}
		at := a.at + name + "."
		if len(items) > 1 {
			at = fmt.Sprintf("%s%s[%d].", a.at, name, i)
		}
		out = append(out, attrs{m: a.m, vals: m, at: at})
	}
	return out
}

// block reads a nested block written at most once.
func (a attrs) block(name, field string) (attrs, bool) {
	bs := a.blocks(name, field)
	if len(bs) == 0 {
		return attrs{m: a.m, at: a.at + name + "."}, false
	}
	return bs[0], true
}

// strMap reads a map of strings (tags, environment variables); unknown
// entries are left out and reported through the second result.
func (a attrs) strMap(name string) (map[string]string, []string) {
	v := a.raw(name)
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	var unknown []string
	for k, e := range m {
		if s, ok := stringOf(e); ok {
			out[k] = s
		} else if e != nil {
			unknown = append(unknown, k)
		}
	}
	return out, unknown
}

// sortedSet sorts a list the API reports as a set (IDs, CIDRs, log
// types), dropping repeats, so code and the cloud list it alike. nil stays
// nil.
func sortedSet(in []string) []string {
	if in == nil {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	return slices.Compact(out)
}

// stringOf renders a scalar as Terraform would convert it to a string.
func stringOf(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case tfmodel.Ref:
		return refString(t), true
	case *tfmodel.Ref:
		return refString(*t), true
	case bool:
		return strconv.FormatBool(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int:
		return strconv.Itoa(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	}
	return "", false
}

// refString is how a reference to a value computed at apply time appears
// in a string field.
func refString(r tfmodel.Ref) string { return "${" + r.Address + "." + r.Attribute + "}" }

func listOf(v any) ([]any, bool) {
	switch t := v.(type) {
	case []any:
		return t, true
	case []string:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func isUnknown(v any) (tfmodel.Unknown, bool) {
	switch t := v.(type) {
	case tfmodel.Unknown:
		return t, true
	case *tfmodel.Unknown:
		return *t, true
	}
	return tfmodel.Unknown{}, false
}

func asRef(v any) (tfmodel.Ref, bool) {
	switch t := v.(type) {
	case tfmodel.Ref:
		return t, true
	case *tfmodel.Ref:
		return *t, true
	}
	return tfmodel.Ref{}, false
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a bool"
	case int, int64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// unknownMessage words a FieldError for an unknown argument.
func unknownMessage(arg, reason string) string {
	r := strings.TrimSpace(reason)
	if r == "" || strings.Contains(r, "after apply") || strings.Contains(r, "apply time") {
		return arg + ": known only at apply time"
	}
	return arg + ": " + r + ": known only at apply time"
}

// dedupeErrors sorts field errors by path and drops repeats.
func dedupeErrors(in []asset.FieldError) []asset.FieldError {
	if len(in) == 0 {
		return nil
	}
	seen := map[asset.FieldError]bool{}
	out := make([]asset.FieldError, 0, len(in))
	for _, e := range in {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	sortErrors(out)
	return out
}
