// Package configdiff compares two configurations of an asset field by
// field, for people to read: each difference has a dotted path
// ("config.IpPermissions[0].FromPort", "tags.env") and list elements are
// matched by an identifying key when they have one
// ("config.AttachedPolicies[PolicyArn=arn:aws:iam::aws:policy/ReadOnlyAccess]"),
// so that removing the first of ten rules reads as one removal, not ten
// changes.
package configdiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
)

// Kind says how a value differs.
type Kind string

const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
)

// Change is one difference: the value at Path was added (To), removed
// (From) or changed (From to To).
type Change struct {
	Path string `json:"path"`
	Kind Kind   `json:"kind"`
	From any    `json:"from,omitempty"`
	To   any    `json:"to,omitempty"`
}

// String renders the change on one line: "+ path: value",
// "- path: value" or "~ path: old → new".
func (c Change) String() string {
	switch c.Kind {
	case Added:
		return "+ " + c.Path + ": " + Value(c.To, 120)
	case Removed:
		return "- " + c.Path + ": " + Value(c.From, 120)
	default:
		return "~ " + c.Path + ": " + Value(c.From, 60) + " → " + Value(c.To, 60)
	}
}

// Value renders a value as compact JSON of at most max bytes.
func Value(v any, max int) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	const ellipsis = "…"
	if len(s) > max && max > len(ellipsis) {
		cut := max - len(ellipsis)
		for cut > 0 && !validStart(s[cut]) {
			cut-- // do not split a UTF-8 sequence
		}
		s = s[:cut] + ellipsis
	}
	return s
}

func validStart(b byte) bool { return b&0xC0 != 0x80 }

// Assets compares what describes two states of one asset: its name, tags,
// configuration, relations and collection errors. Paths start with
// "name", "tags.", "config.", "relations" or "errors".
func Assets(from, to *asset.Asset) []Change {
	var out []Change
	if from.Name != to.Name {
		out = append(out, Change{Path: "name", Kind: Changed, From: from.Name, To: to.Name})
	}
	d := differ{out: out}
	d.value("tags", toAny(from.Tags), toAny(to.Tags))
	d.value("config", toAny(from.Config), toAny(to.Config))
	d.value("relations", toAny(from.Relations), toAny(to.Relations))
	d.value("errors", toAny(from.Errors), toAny(to.Errors))
	return d.out
}

// Diff compares two JSON-shaped values (maps, lists, scalars); root
// prefixes every path.
func Diff(root string, from, to any) []Change {
	d := differ{}
	d.value(root, from, to)
	return d.out
}

// toAny turns any value into its JSON-shaped form, so typed tags,
// relations and errors compare like configuration.
func toAny(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	if out == nil {
		return map[string]any(nil)
	}
	return out
}

type differ struct{ out []Change }

func (d *differ) add(c Change) { d.out = append(d.out, c) }

func (d *differ) value(path string, a, b any) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		d.maps(path, am, bm)
		return
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList {
		d.lists(path, al, bl)
		return
	}
	if !equal(a, b) {
		d.add(Change{Path: path, Kind: Changed, From: a, To: b})
	}
}

func (d *differ) maps(path string, a, b map[string]any) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		av, inA := a[k]
		bv, inB := b[k]
		p := join(path, k)
		switch {
		case !inA:
			d.add(Change{Path: p, Kind: Added, To: bv})
		case !inB:
			d.add(Change{Path: p, Kind: Removed, From: av})
		default:
			d.value(p, av, bv)
		}
	}
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// join appends a map key to a path, quoting keys a dot would make
// ambiguous.
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		key = fmt.Sprintf("[%q]", key)
		if path == "" {
			return key
		}
		return path + key
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// lists matches elements by an identifying key when every element is an
// object carrying one; otherwise equal elements are matched first and the
// rest paired by position.
func (d *differ) lists(path string, a, b []any) {
	if key, ok := idKey(a, b); ok {
		d.keyed(path, key, a, b)
		return
	}
	matchedA := make([]bool, len(a))
	matchedB := make([]bool, len(b))
	for i := range a {
		for j := range b {
			if !matchedB[j] && equal(a[i], b[j]) {
				matchedA[i], matchedB[j] = true, true
				break
			}
		}
	}
	var restA, restB []int
	for i, m := range matchedA {
		if !m {
			restA = append(restA, i)
		}
	}
	for j, m := range matchedB {
		if !m {
			restB = append(restB, j)
		}
	}
	// Scalars that differ are a removal and an addition: "changed" would
	// pretend the two values are the same item.
	pair := 0
	if !allScalars(a) || !allScalars(b) {
		pair = min(len(restA), len(restB))
	}
	for k := 0; k < pair; k++ {
		d.value(fmt.Sprintf("%s[%d]", path, restA[k]), a[restA[k]], b[restB[k]])
	}
	for _, i := range restA[pair:] {
		d.add(Change{Path: fmt.Sprintf("%s[%d]", path, i), Kind: Removed, From: a[i]})
	}
	for _, j := range restB[pair:] {
		d.add(Change{Path: fmt.Sprintf("%s[%d]", path, j), Kind: Added, To: b[j]})
	}
}

func (d *differ) keyed(path, key string, a, b []any) {
	idOf := func(v any) string { return fmt.Sprint(v.(map[string]any)[key]) }
	inB := map[string]any{}
	for _, v := range b {
		inB[idOf(v)] = v
	}
	inA := map[string]bool{}
	for _, v := range a {
		id := idOf(v)
		inA[id] = true
		p := fmt.Sprintf("%s[%s=%s]", path, key, id)
		if w, ok := inB[id]; ok {
			d.value(p, v, w)
		} else {
			d.add(Change{Path: p, Kind: Removed, From: v})
		}
	}
	for _, w := range b {
		if id := idOf(w); !inA[id] {
			d.add(Change{Path: fmt.Sprintf("%s[%s=%s]", path, key, id), Kind: Added, To: w})
		}
	}
}

// idKey finds the key identifying the objects of both lists: present in
// every element with a non-empty string or number, unique within each
// list. Names that say they identify come first: Id and Arn (alone or as
// a suffix, GroupId, PolicyArn), then Name (PolicyName), then keys that
// identify in AWS shapes (Key, Sid, CidrIp, CidrIpv6, Region).
func idKey(a, b []any) (string, bool) {
	if len(a) == 0 && len(b) == 0 {
		return "", false
	}
	var common map[string]bool
	for _, l := range [][]any{a, b} {
		for _, v := range l {
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			if common == nil {
				common = map[string]bool{}
				for k := range m {
					common[k] = true
				}
				continue
			}
			for k := range common {
				if _, ok := m[k]; !ok {
					delete(common, k)
				}
			}
		}
	}
	var cands []string
	for k := range common {
		if rank(k) < 4 {
			cands = append(cands, k)
		}
	}
	slices.SortFunc(cands, func(x, y string) int {
		if rx, ry := rank(x), rank(y); rx != ry {
			return rx - ry
		}
		return strings.Compare(x, y)
	})
	for _, k := range cands {
		if identifies(k, a) && identifies(k, b) {
			return k, true
		}
	}
	return "", false
}

func rank(k string) int {
	switch {
	case k == "Id" || k == "ID" || k == "Arn" || k == "ARN":
		return 0
	case strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "ID") || strings.HasSuffix(k, "Arn") || strings.HasSuffix(k, "ARN"):
		return 1
	case k == "Name" || strings.HasSuffix(k, "Name"):
		return 2
	case k == "Key" || k == "Sid" || k == "CidrIp" || k == "CidrIpv6" || k == "Region":
		return 3
	}
	return 4
}

func identifies(k string, l []any) bool {
	seen := map[string]bool{}
	for _, v := range l {
		var id string
		switch x := v.(map[string]any)[k].(type) {
		case string:
			id = x
		case int64, float64, int, json.Number:
			id = fmt.Sprint(x)
		default:
			return false
		}
		if id == "" || seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}

func allScalars(l []any) bool {
	for _, v := range l {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// equal compares JSON-shaped values; numbers compare by value whatever
// their Go type (int64 from the store, float64 from encoding/json).
func equal(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
