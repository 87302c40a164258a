package cloudformation

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
)

// Relation types, spelled as the AWS collectors spell them.
const (
	relInVPC         = "in_vpc"
	relInSubnet      = "in_subnet"
	relSecurityGroup = "has_security_group"
	relAttachedTo    = "attached_to"
	relEncryptedWith = "encrypted_with"
	relMemberOf      = "member_of"
	relHasPolicy     = "has_policy"
	relDeliversTo    = "delivers_to"
)

// Codes of the FieldErrors the loader records.
const (
	codeUnknown = "Unknown" // known only at deploy time
	codeInvalid = "Invalid" // malformed in the template
)

// rmap maps one resource to its asset: it reads evaluated properties into
// Config fields, recording a FieldError for each field whose value is
// unknown or malformed.
type rmap struct {
	t    *template
	r    *resource
	p    map[string]any
	name string // asset name; the logical ID when empty
	tags map[string]string
	errs []asset.FieldError
	rels []asset.Relation
}

func newRmap(t *template, r *resource) *rmap {
	m := &rmap{t: t, r: r, p: t.props(r)}
	if m.p == nil {
		m.p = map[string]any{}
	}
	if r.pWhole != nil {
		m.errs = append(m.errs, asset.FieldError{Code: codeUnknown, Message: "Properties: " + r.pWhole.reason + ": known only at deploy time"})
	}
	return m
}

// unknown records that a Config field is known only at deploy time.
func (m *rmap) unknown(fieldPath string, u unknown) {
	m.errs = append(m.errs, asset.FieldError{Path: fieldPath, Code: codeUnknown, Message: u.reason + ": known only at deploy time"})
}

// invalid records a malformed property and reports it.
func (m *rmap) invalid(fieldPath, prop string, v any, want string) {
	got := describe(v)
	if s, ok := v.(string); ok {
		got = fmt.Sprintf("%q", s)
	}
	msg := fmt.Sprintf("%s must be %s, got %s", prop, want, got)
	m.t.warnf(m.r.key, "resource %s: %s", m.r.id, msg)
	m.errs = append(m.errs, asset.FieldError{Path: fieldPath, Code: codeInvalid, Message: msg})
}

// get reads a property by dotted path ("Logging.DestinationBucketName").
// An unknown value on the way is returned as is.
func (m *rmap) get(path string) (any, bool) { return lookup(m.p, path) }

func lookup(v any, path string) (any, bool) {
	cur := v
	for _, k := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			var ok bool
			if cur, ok = x[k]; !ok {
				return nil, false
			}
		case unknown:
			return x, true
		default:
			return nil, false
		}
	}
	return cur, true
}

// str reads a string property; def when absent.
func (m *rmap) str(fieldPath, path, def string) string {
	v, ok := m.get(path)
	return m.toStr(fieldPath, path, v, ok, def)
}

func (m *rmap) toStr(fieldPath, prop string, v any, ok bool, def string) string {
	if !ok || v == nil {
		return def
	}
	switch x := v.(type) {
	case unknown:
		m.unknown(fieldPath, x)
		return ""
	case map[string]any, []any:
		m.invalid(fieldPath, prop, v, "a string")
		return ""
	}
	s, _ := scalarText(v)
	return s
}

// boolean reads a Boolean property ("true"/"false" strings included).
func (m *rmap) boolean(fieldPath, path string, def bool) bool {
	v, ok := m.get(path)
	return m.toBool(fieldPath, path, v, ok, def)
}

func (m *rmap) toBool(fieldPath, prop string, v any, ok bool, def bool) bool {
	if !ok || v == nil {
		return def
	}
	switch x := v.(type) {
	case bool:
		return x
	case unknown:
		m.unknown(fieldPath, x)
		return false
	case opaque:
		if !x.known {
			m.unknown(fieldPath, unknown{reason: prop + " is " + x.text})
			return false
		}
		v = x.text
	}
	if s, isStr := v.(string); isStr {
		if isDynamicRef(s) {
			m.unknown(fieldPath, unknown{reason: prop + " is a dynamic reference"})
			return false
		}
		if b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(s))); err == nil {
			return b
		}
	}
	m.invalid(fieldPath, prop, v, "a boolean")
	return false
}

// integer reads an integer property (numeric strings included).
func (m *rmap) integer(fieldPath, path string, def int64) int64 {
	v, ok := m.get(path)
	return m.toInt(fieldPath, path, v, ok, def)
}

func (m *rmap) toInt(fieldPath, prop string, v any, ok bool, def int64) int64 {
	if !ok || v == nil {
		return def
	}
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	case unknown:
		m.unknown(fieldPath, x)
		return 0
	case opaque:
		if !x.known {
			m.unknown(fieldPath, unknown{reason: prop + " is " + x.text})
			return 0
		}
		v = x.text
	}
	if s, isStr := v.(string); isStr {
		if isDynamicRef(s) {
			m.unknown(fieldPath, unknown{reason: prop + " is a dynamic reference"})
			return 0
		}
		if i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return i
		}
	}
	m.invalid(fieldPath, prop, v, "an integer")
	return 0
}

// strs reads a list of strings.
func (m *rmap) strs(fieldPath, path string) []string {
	v, ok := m.get(path)
	return m.toStrs(fieldPath, path, v, ok)
}

func (m *rmap) toStrs(fieldPath, prop string, v any, ok bool) []string {
	if !ok || v == nil {
		return nil
	}
	switch x := v.(type) {
	case unknown:
		m.unknown(fieldPath, x)
		return nil
	case opaque:
		m.unknown(fieldPath, unknown{reason: prop + " is " + x.text})
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s := m.toStr(fieldPath, prop, e, true, ""); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	m.invalid(fieldPath, prop, v, "a list")
	return nil
}

// items reads a list of maps (rules, listeners); a non-map item is
// reported and skipped.
func (m *rmap) items(fieldPath, path string) []map[string]any {
	v, ok := m.get(path)
	return m.toItems(fieldPath, path, v, ok)
}

func (m *rmap) toItems(fieldPath, prop string, v any, ok bool) []map[string]any {
	if !ok || v == nil {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		if u, isU := v.(unknown); isU {
			m.unknown(fieldPath, u)
			return nil
		}
		m.invalid(fieldPath, prop, v, "a list")
		return nil
	}
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		switch x := e.(type) {
		case map[string]any:
			out = append(out, x)
		case unknown:
			m.unknown(fieldPath, x)
		default:
			m.invalid(fieldPath, prop, e, "a list of maps")
		}
	}
	return out
}

// document reads a policy document: a map or a JSON string. It returns nil
// when absent.
func (m *rmap) document(fieldPath, path string) map[string]any {
	v, ok := m.get(path)
	return m.toDocument(fieldPath, path, v, ok)
}

func (m *rmap) toDocument(fieldPath, prop string, v any, ok bool) map[string]any {
	if !ok || v == nil {
		return nil
	}
	if o, isO := v.(opaque); isO {
		if !o.known {
			m.unknown(fieldPath, unknown{reason: prop + " is " + o.text})
			return nil
		}
		v = o.text
	}
	if s, isStr := v.(string); isStr {
		if !json.Valid([]byte(s)) {
			m.invalid(fieldPath, prop, v, "a policy document (a map or JSON text)")
			return nil
		}
		doc, err := asset.DecodeConfig([]byte(s))
		if err != nil {
			m.invalid(fieldPath, prop, v, "a policy document (a JSON object)")
			return nil
		}
		return doc
	}
	p, u := plain(v)
	if u != nil {
		m.unknown(fieldPath, unknown{reason: prop + ": " + u.reason})
		return nil
	}
	doc, isMap := p.(map[string]any)
	if !isMap {
		m.invalid(fieldPath, prop, v, "a policy document")
		return nil
	}
	return doc
}

// tagsFrom reads Tags, a list of {Key, Value} (or a map for the few types
// that take one). Tags whose value is unknown are left out.
func (m *rmap) tagsFrom(path string) map[string]string {
	v, ok := m.get(path)
	if !ok {
		return nil
	}
	out := map[string]string{}
	add := func(k, val any) {
		ks, kok := k.(string)
		vs, vok := scalarText(val)
		if o, isO := val.(opaque); isO && !o.known {
			vok = true
		}
		if kok && vok {
			out[ks] = vs
		}
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if tm, isMap := e.(map[string]any); isMap {
				add(tm["Key"], tm["Value"])
			}
		}
	case map[string]any:
		for k, val := range x {
			add(k, val)
		}
	}
	return out
}

// relate adds a relation to what v refers to: a resource of the template,
// or an ARN.
func (m *rmap) relate(typ string, v any) {
	if o, ok := v.(opaque); ok && o.res != "" {
		if r := m.t.byID[o.res]; r != nil && r.cond != triFalse {
			m.rels = append(m.rels, asset.Relation{Type: typ, Target: m.t.uid(r.id)})
			return
		}
	}
	if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
		m.rels = append(m.rels, asset.Relation{Type: typ, Target: s})
	}
}

// conditional records that a resource joined into this one (a bucket
// policy, a rule) exists only if a condition known at deploy time holds.
func (m *rmap) conditional(fieldPath string, other *resource) {
	if other.cond == triUnknown {
		m.unknown(fieldPath, unknown{reason: fmt.Sprintf("%s %s exists only if %s", other.typ, other.id, other.condWhy)})
	}
}

// sortErrors orders and deduplicates field errors.
func sortErrors(errs []asset.FieldError) []asset.FieldError {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && e == errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// sortRelations orders and deduplicates relations.
func sortRelations(rels []asset.Relation) []asset.Relation {
	if len(rels) == 0 {
		return nil
	}
	sort.Slice(rels, func(i, j int) bool {
		if rels[i].Type != rels[j].Type {
			return rels[i].Type < rels[j].Type
		}
		return rels[i].Target < rels[j].Target
	})
	out := rels[:0]
	for i, r := range rels {
		if i > 0 && r == rels[i-1] {
			continue
		}
		out = append(out, r)
	}
	return out
}

// arnOf builds an ARN in the stack's partition, region and account
// (rendered as ${AWS::Region} and so on when not set in Options).
func (t *template) arnOf(service string, regional bool, resource string) string {
	region := ""
	if regional {
		region = t.pseudo("AWS::Region").text
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", t.pseudo("AWS::Partition").text, service, region, t.pseudo("AWS::AccountId").text, resource)
}

// region is the stack's region when Options sets it.
func (t *template) region() string {
	if p := t.pseudo("AWS::Region"); p.known {
		return p.text
	}
	return ""
}

// account is the stack's account when Options sets it.
func (t *template) account() string {
	if p := t.pseudo("AWS::AccountId"); p.known {
		return p.text
	}
	return ""
}

// nameOr is the resource's physical name, or what Ref renders to.
func (t *template) nameOr(r *resource) string {
	if n, ok := t.physicalName(r); ok {
		return n
	}
	return "${" + r.id + "}"
}
