package hcl

import (
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// reason is the cty mark an unknown value carries to say why it is
// unknown. Marks survive every HCL operation and function call, so the
// reason reaches the attribute that finally holds the value.
type reason string

// unknown is a value of type ty that is unknown for the given reason.
func unknown(ty cty.Type, why string) cty.Value {
	return cty.UnknownVal(ty).Mark(reason(why))
}

// A reference to a computed attribute (aws_s3_bucket.b.id) evaluates to a
// known placeholder string. It passes unchanged through variables,
// locals, module boundaries, conditionals and collection functions, so
// an attribute that ends up holding exactly the placeholder is a Ref;
// a string that merely contains one (a template, jsonencode) was derived
// from a value Terraform only knows at apply time and becomes Unknown.
// Functions that would scramble the placeholder (hashes, base64, split,
// substr...) return unknown instead (see opaque in funcs.go).
const (
	refOpen  = "\x00tfref"
	refClose = "\x00"
)

// refPattern finds placeholders, including after jsonencode (\u0000),
// format("%q") (\x00), urlencode (%00) and case changes.
var refPattern = regexp.MustCompile(`(?i)(?:\x00|\\u0000|\\x00|%00)tfref(\d+)(?:\x00|\\u0000|\\x00|%00)`)

// refTable numbers the computed references seen during one load.
type refTable struct {
	refs  []tfmodel.Ref
	index map[tfmodel.Ref]int
}

func (t *refTable) placeholder(address, attribute string) cty.Value {
	r := tfmodel.Ref{Address: address, Attribute: attribute}
	i, ok := t.index[r]
	if !ok {
		if t.index == nil {
			t.index = map[tfmodel.Ref]int{}
		}
		i = len(t.refs)
		t.refs = append(t.refs, r)
		t.index[r] = i
	}
	return cty.StringVal(refOpen + strconv.Itoa(i) + refClose)
}

// exact returns the Ref a string is exactly the placeholder of.
func (t *refTable) exact(s string) (tfmodel.Ref, bool) {
	if !strings.HasPrefix(s, refOpen) || !strings.HasSuffix(s, refClose) {
		return tfmodel.Ref{}, false
	}
	i, err := strconv.Atoi(s[len(refOpen) : len(s)-len(refClose)])
	if err != nil || i < 0 || i >= len(t.refs) {
		return tfmodel.Ref{}, false
	}
	return t.refs[i], true
}

// derivedReason explains a string that contains placeholders, or "" if it
// contains none.
func (t *refTable) derivedReason(s string) string {
	if !strings.Contains(s, "\x00") && !strings.Contains(s, `\u0000`) && !strings.Contains(s, `\x00`) && !strings.Contains(s, "%00") {
		return ""
	}
	var names []string
	for _, m := range refPattern.FindAllStringSubmatch(s, 4) {
		i, err := strconv.Atoi(m[1])
		if err == nil && i < len(t.refs) {
			names = append(names, t.refs[i].Address+"."+t.refs[i].Attribute)
		}
	}
	if len(names) == 0 {
		if strings.Contains(s, "\x00") {
			return "derived from a value known after apply"
		}
		return ""
	}
	return "derived from " + strings.Join(dedupe(names), ", ") + " (known after apply)"
}

// hasPlaceholder reports whether v contains a placeholder anywhere.
func hasPlaceholder(v cty.Value) bool {
	found := false
	_ = cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		if found {
			return false, nil
		}
		v, _ = v.Unmark()
		if v.IsKnown() && !v.IsNull() && v.Type() == cty.String && strings.Contains(v.AsString(), refOpen[:1]) {
			found = true
		}
		return !found, nil
	})
	return found
}

// reasonsOf returns the reasons carried by marks.
func reasonsOf(marks cty.ValueMarks) []string {
	var out []string
	for m := range marks {
		if r, ok := m.(reason); ok {
			out = append(out, string(r))
		}
	}
	return out
}

// toGo turns an evaluated value into the JSON-like values tfmodel holds.
func (t *refTable) toGo(v cty.Value, inherited []string) any {
	v, marks := v.Unmark()
	if len(marks) > 0 {
		inherited = append(inherited[:len(inherited):len(inherited)], reasonsOf(marks)...)
	}
	if !v.IsKnown() {
		return tfmodel.Unknown{Reason: joinReasons(inherited)}
	}
	if v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		s := v.AsString()
		if r, ok := t.exact(s); ok {
			return r
		}
		if why := t.derivedReason(s); why != "" {
			return tfmodel.Unknown{Reason: why}
		}
		return s
	case ty == cty.Number:
		return numberToGo(v.AsBigFloat())
	case ty == cty.Bool:
		return v.True()
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, t.toGo(e, inherited))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			key := k.AsString()
			if why := t.derivedReason(key); why != "" {
				return tfmodel.Unknown{Reason: "a key is " + why}
			}
			out[key] = t.toGo(e, inherited)
		}
		return out
	}
	return tfmodel.Unknown{Reason: "value of type " + ty.FriendlyName() + " cannot be represented"}
}

func numberToGo(f *big.Float) any {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return i
		}
	}
	x, _ := f.Float64()
	if math.IsInf(x, 0) {
		// JSON has no infinity; the value is not representable.
		return tfmodel.Unknown{Reason: "the number " + f.Text('g', 10) + " is out of range"}
	}
	return x
}

func joinReasons(rs []string) string {
	rs = dedupe(rs)
	switch len(rs) {
	case 0:
		return "known after apply"
	case 1, 2, 3:
		return strings.Join(rs, "; ")
	}
	return strings.Join(rs[:3], "; ") + " (and more)"
}

func dedupe(ss []string) []string {
	if len(ss) < 2 {
		return ss
	}
	ss = append([]string(nil), ss...)
	sort.Strings(ss)
	out := ss[:1]
	for _, s := range ss[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
