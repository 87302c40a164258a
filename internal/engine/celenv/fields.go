package celenv

import (
	"fmt"
	"github.com/parapet-dev/parapet/internal/suggest"
	"reflect"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
)

// ResourceFields are the fields of the `resource` variable, each an
// asset.Asset field; "config" holds the type's Config document.
var ResourceFields = []string{"account", "config", "name", "provider", "region", "tags", "type", "uid"}

var (
	stringType = reflect.TypeOf("")
	tagsType   = reflect.TypeOf(map[string]string(nil))
)

// CheckFields validates every selection chain of the expression against
// the documented shape of the asset type: a misspelt field would otherwise
// only show up as an evaluation error on every asset. Chains stop being
// checked where the shape becomes free-form (policy documents, maps with
// arbitrary keys).
//
// It also rejects reading a field the shape omits when empty (json
// omitempty) without a guard, since such a read fails with "no such key"
// on exactly the assets where the field is empty. A guard is a has() test
// of the same field in this expression or in one of guards (a check's
// `when` guards its `assert`), or an optional selection (.?field).
func (e *Expr) CheckFields(t asset.TypeInfo, guards ...*Expr) []Issue {
	var tested [][]string
	for _, g := range append([]*Expr{e}, guards...) {
		if g == nil {
			continue
		}
		for _, c := range g.Chains {
			if c.TestOnly {
				tested = append(tested, c.Segments)
			}
		}
	}
	var out []Issue
	for _, c := range e.Chains {
		if is, bad := checkChain(c, t, tested); bad {
			out = append(out, is)
		}
	}
	return out
}

func checkChain(c Path, t asset.TypeInfo, tested [][]string) (Issue, bool) {
	if len(c.Segments) == 0 {
		return Issue{}, false
	}
	var cur reflect.Type
	switch c.Segments[0] {
	case "config":
		cur = reflect.TypeOf(t.Shape)
	case "tags":
		cur = tagsType
	case "account", "name", "provider", "region", "type", "uid":
		cur = stringType
	default:
		return Issue{c.Pos[0], fmt.Sprintf("resource has no field %q (fields: %s)%s",
			c.Segments[0], strings.Join(ResourceFields, ", "), didYouMean(c.Segments[0], ResourceFields))}, true
	}
	for i := 1; i < len(c.Segments); i++ {
		for cur.Kind() == reflect.Pointer {
			cur = cur.Elem()
		}
		at := "resource." + strings.Join(c.Segments[:i], ".")
		seg := c.Segments[i]
		switch cur.Kind() {
		case reflect.Interface:
			return Issue{}, false // free-form from here on
		case reflect.Map:
			cur = cur.Elem()
		case reflect.Struct:
			fields := jsonFields(cur)
			f, ok := fields[seg]
			if !ok {
				names := make([]string, 0, len(fields))
				for n := range fields {
					names = append(names, n)
				}
				sort.Strings(names)
				return Issue{c.Pos[i], fmt.Sprintf("%s (%s) has no field %q%s", at, t.Name, seg, didYouMean(seg, names))}, true
			}
			isTest := c.TestOnly && i == len(c.Segments)-1
			if f.omitEmpty && !c.Optional[i] && !isTest && !guarded(c.Segments[:i+1], tested) {
				full := at + "." + seg
				return Issue{c.Pos[i], fmt.Sprintf("%s is left out of the document when empty: test has(%s) first, or write %s.?%s.orValue(...)",
					full, full, at, seg)}, true
			}
			cur = f.typ
		case reflect.Slice, reflect.Array:
			return Issue{c.Pos[i], fmt.Sprintf("%s is a list: select %q on its elements with exists(), all() or map()", at, seg)}, true
		default:
			return Issue{c.Pos[i], fmt.Sprintf("%s is a %s and has no field %q", at, kindName(cur), seg)}, true
		}
	}
	return Issue{}, false
}

func guarded(p []string, tested [][]string) bool {
	for _, t := range tested {
		if equal(t, p) {
			return true
		}
	}
	return false
}

type jsonField struct {
	typ       reflect.Type
	omitEmpty bool
}

// jsonFields maps a struct's JSON member names to their types, flattening
// embedded structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" && f.Anonymous {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, ft := range jsonFields(et) {
					if _, ok := out[n]; !ok {
						out[n] = ft
					}
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{f.Type, strings.Contains(","+opts+",", ",omitempty,")}
	}
	return out
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Float32, reflect.Float64:
		return "double"
	default:
		if t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 {
			return "int"
		}
	}
	return t.Kind().String()
}

// didYouMean proposes the closest known name for a likely typo.
func didYouMean(got string, names []string) string {
	if best := suggest.Closest(got, names); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}
