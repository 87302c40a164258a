package cloudformation

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// tri is a condition's value: true, false, or known only at deploy time.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// condResult is a memoised condition.
type condResult struct {
	val    tri
	why    string // for triUnknown
	active bool   // being evaluated (cycle detection)
	done   bool
}

// fnIf evaluates Fn::If [Condition, whenTrue, whenFalse]. When the
// condition is only known at deploy time, the value is known only if both
// branches agree.
func (t *template) fnIf(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return t.malformed(at, "Fn::If", "[Condition, valueIfTrue, valueIfFalse]")
	}
	name, ok := scalarString(arg.Content[0])
	if !ok {
		return t.malformed(at, "Fn::If", "a condition name")
	}
	v, why := t.namedCondition(name, arg.Content[0])
	switch v {
	case triTrue:
		return t.eval(arg.Content[1])
	case triFalse:
		return t.eval(arg.Content[2])
	}
	a, b := t.eval(arg.Content[1]), t.eval(arg.Content[2])
	if eq, known := equalValues(a, b); known && eq {
		return a
	}
	if _, an := a.(noValue); an {
		if _, bn := b.(noValue); bn {
			return noValue{}
		}
	}
	return unknown{reason: why}
}

// namedCondition evaluates a condition of the Conditions section.
func (t *template) namedCondition(name string, at *yaml.Node) (tri, string) {
	c := t.condState[name]
	if c == nil {
		node := field(t.conditions, name)
		if node == nil {
			t.warnf(at, "undefined condition %q", name)
			return triUnknown, fmt.Sprintf("undefined condition %q", name)
		}
		c = &condResult{}
		t.condState[name] = c
		c.active = true
		c.val, c.why = t.condition(node)
		c.active, c.done = false, true
		if c.val == triUnknown {
			c.why = fmt.Sprintf("condition %s: %s", name, c.why)
		}
		return c.val, c.why
	}
	if c.active {
		t.warnf(at, "condition %q depends on itself", name)
		return triUnknown, fmt.Sprintf("condition %q depends on itself", name)
	}
	return c.val, c.why
}

// condition evaluates a condition expression.
func (t *template) condition(n *yaml.Node) (tri, string) {
	n = deref(n)
	t.depth++
	defer func() { t.depth-- }()
	if n == nil || t.depth > maxDepth {
		return triUnknown, "a malformed condition"
	}
	if !t.step(n) {
		return triUnknown, "evaluation limit reached"
	}
	name, arg, ok := intrinsic(n, true)
	if !ok {
		v := t.eval(n)
		switch x := v.(type) {
		case bool:
			return boolTri(x), ""
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return boolTri(b), ""
			}
		case unknown:
			return triUnknown, x.reason
		}
		t.warnf(n, "condition must be a condition function or a boolean, got %s", describe(v))
		return triUnknown, "a malformed condition"
	}
	arg = deref(arg)
	switch name {
	case "Condition":
		s, ok := scalarString(arg)
		if !ok {
			t.warnf(n, "malformed Condition: expected a condition name")
			return triUnknown, "a malformed condition"
		}
		return t.namedCondition(s, n)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			t.warnf(n, "malformed Fn::Equals: expected [value1, value2]")
			return triUnknown, "a malformed condition"
		}
		a, b := t.eval(arg.Content[0]), t.eval(arg.Content[1])
		eq, known := equalValues(a, b)
		if known {
			return boolTri(eq), ""
		}
		for _, v := range []any{a, b} {
			if u, isU := firstUnknown(v); isU {
				return triUnknown, u.reason
			}
		}
		for _, v := range []any{a, b} {
			if o, isO := v.(opaque); isO && !o.known {
				return triUnknown, o.text + ", set at deploy time"
			}
		}
		return triUnknown, "a value set at deploy time"
	case "Fn::Not":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 1 {
			t.warnf(n, "malformed Fn::Not: expected [condition]")
			return triUnknown, "a malformed condition"
		}
		v, why := t.condition(arg.Content[0])
		switch v {
		case triTrue:
			return triFalse, ""
		case triFalse:
			return triTrue, ""
		}
		return triUnknown, why
	case "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) < 1 {
			t.warnf(n, "malformed %s: expected a list of conditions", name)
			return triUnknown, "a malformed condition"
		}
		// Three-valued logic: one false decides And, one true decides Or.
		decisive := triFalse
		if name == "Fn::Or" {
			decisive = triTrue
		}
		result, why := 1-decisive, ""
		for _, c := range arg.Content {
			v, w := t.condition(c)
			if v == decisive {
				return decisive, ""
			}
			if v == triUnknown && why == "" {
				result, why = triUnknown, w
			}
		}
		return result, why
	case "Fn::If":
		v := t.fnIf(arg, n)
		switch x := v.(type) {
		case bool:
			return boolTri(x), ""
		case unknown:
			return triUnknown, x.reason
		}
	}
	t.warnf(n, "%s cannot be used as a condition", name)
	return triUnknown, "a malformed condition"
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// paramValue is a parameter's value: the override from Options, else its
// default, else unknown. List types become lists; SSM parameter types are
// resolved by CloudFormation at deploy time, so they are unknown.
func (t *template) paramValue(p *param) any {
	if p.done {
		return p.value
	}
	p.done = true
	raw, have := t.opts.Parameters[p.name]
	switch {
	case have:
	case strings.HasPrefix(p.typ, "AWS::SSM::Parameter::Value<"):
		p.value = unknown{reason: fmt.Sprintf("parameter %s is read from SSM Parameter Store", p.name)}
		return p.value
	case p.def == nil:
		p.value = unknown{reason: fmt.Sprintf("parameter %s has no default", p.name)}
		return p.value
	default:
		v := t.eval(p.def)
		if l, isList := v.([]any); isList && isListType(p.typ) {
			p.value = l
			return p.value
		}
		s, ok := scalarText(v)
		if !ok {
			t.warnf(p.def, "parameter %s: default must be a string, got %s", p.name, describe(v))
			p.value = unknown{reason: fmt.Sprintf("parameter %s has a malformed default", p.name)}
			return p.value
		}
		raw = s
	}
	if len(p.allowed) > 0 && !contains(p.allowed, raw) {
		t.warnf(p.node, "parameter %s: value %q is not one of its AllowedValues", p.name, raw)
	}
	if isListType(p.typ) {
		p.value = splitList(raw)
	} else {
		p.value = raw
	}
	return p.value
}

func isListType(typ string) bool {
	return typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<")
}

// splitList splits a list parameter's value; CloudFormation trims spaces
// around each member.
func splitList(s string) []any {
	if s == "" {
		return []any{}
	}
	var out []any
	for _, e := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(e))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
