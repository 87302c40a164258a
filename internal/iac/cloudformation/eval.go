package cloudformation

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep hostile input (alias bombs, deep nesting) from
// exhausting the machine; real templates are far below them.
const (
	maxDepth = 200
	maxSteps = 1 << 20
)

// pseudoParams are CloudFormation's pseudo parameters (AWS::NoValue is
// handled apart). Their values are opaque unless Options sets them.
var pseudoParams = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// shortTags maps YAML short-form tags to the long form's key.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!If": "Fn::If", "!Equals": "Fn::Equals",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!Join": "Fn::Join",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!FindInMap": "Fn::FindInMap",
	"!Base64": "Fn::Base64", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!Cidr": "Fn::Cidr", "!Transform": "Fn::Transform", "!ToJsonString": "Fn::ToJsonString",
	"!Length": "Fn::Length",
}

// intrinsic recognises a function call: a short-form tag, or a mapping of
// one key that is Ref or Fn::*. inCond also accepts {Condition: name}.
// arg is the argument node (for tags, the node itself without its tag).
func intrinsic(n *yaml.Node, inCond bool) (name string, arg *yaml.Node, ok bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		c := *n
		switch n.Kind {
		case yaml.ScalarNode:
			c.Tag = "!!str"
		case yaml.SequenceNode:
			c.Tag = "!!seq"
		case yaml.MappingNode:
			c.Tag = "!!map"
		}
		if long, known := shortTags[n.Tag]; known {
			return long, &c, true
		}
		return n.Tag, &c, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") || (inCond && k == "Condition") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

// eval evaluates a template node into a value, resolving intrinsics.
func (t *template) eval(n *yaml.Node) any {
	n = deref(n)
	if n == nil {
		return nil
	}
	if !t.step(n) {
		return unknown{reason: "evaluation limit reached"}
	}
	t.depth++
	defer func() { t.depth-- }()
	if t.depth > maxDepth {
		t.warnf(n, "value nested more than %d levels deep", maxDepth)
		return unknown{reason: "value nested too deeply"}
	}
	if name, arg, ok := intrinsic(n, false); ok {
		return t.call(name, arg, n)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v := t.eval(c)
			if _, drop := v.(noValue); !drop {
				out = append(out, v)
			}
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		pairs(n, func(k, v *yaml.Node) {
			val := t.eval(v)
			if _, drop := val.(noValue); !drop {
				out[k.Value] = val
			}
		})
		return out
	}
	return nil
}

// step counts one unit of evaluation work; false once the template has
// used up its budget (reported once).
func (t *template) step(n *yaml.Node) bool {
	t.steps++
	if t.steps <= maxSteps {
		return true
	}
	if !t.exhausted {
		t.exhausted = true
		t.errorf(n, "template too large to evaluate (over %d values, alias expansion?)", maxSteps)
	}
	return false
}

// scalar converts a scalar node by its resolved YAML tag.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return n.Value
		}
		return b
	case "!!int":
		s := strings.ReplaceAll(n.Value, "_", "")
		if strings.HasPrefix(s, "0o") {
			s = "0" + s[2:]
		}
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
		return n.Value
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return n.Value
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 && !strings.ContainsAny(n.Value, ".eE") {
			return int64(f)
		}
		return f
	}
	return n.Value
}

// call evaluates one intrinsic function; at is the node written in the
// template, for messages.
func (t *template) call(name string, arg *yaml.Node, at *yaml.Node) any {
	switch name {
	case "Ref":
		s, ok := t.evalString(arg)
		if !ok {
			return t.malformed(at, "Ref", "a logical ID or parameter name")
		}
		return t.ref(s, at)
	case "Fn::Sub":
		return t.sub(arg, at)
	case "Fn::GetAtt":
		return t.getAtt(arg, at)
	case "Fn::If":
		return t.fnIf(arg, at)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
		v, why := t.condition(at)
		switch v {
		case triTrue:
			return true
		case triFalse:
			return false
		}
		return unknown{reason: why}
	case "Fn::Join":
		return t.join(arg, at)
	case "Fn::Select":
		return t.selectFn(arg, at)
	case "Fn::Split":
		return t.split(arg, at)
	case "Fn::FindInMap":
		return t.findInMap(arg, at)
	case "Fn::Base64":
		v := t.eval(arg)
		if u, isU := v.(unknown); isU {
			return u
		}
		s, ok := scalarText(v)
		if !ok {
			return t.malformed(at, name, "a string")
		}
		return base64.StdEncoding.EncodeToString([]byte(s))
	case "Fn::GetAZs":
		v := t.eval(arg)
		if u, isU := v.(unknown); isU {
			return u
		}
		region, _ := scalarText(v)
		if region == "" {
			region = t.pseudo("AWS::Region").text
		}
		return opaque{text: "${Fn::GetAZs(" + region + ")}"}
	case "Fn::ImportValue":
		v := t.eval(arg)
		if u, isU := v.(unknown); isU {
			return u
		}
		s, _ := scalarText(v)
		return unknown{reason: fmt.Sprintf("Fn::ImportValue %q reads another stack's export", s)}
	case "Fn::Cidr":
		return t.cidr(arg, at)
	case "Fn::ToJsonString":
		s, u := toJSON(t.eval(arg))
		if u != nil {
			return *u
		}
		return s
	case "Fn::Length":
		v := t.eval(arg)
		switch x := v.(type) {
		case []any:
			return int64(len(x))
		case unknown:
			return x
		case opaque:
			return unknown{reason: "length of " + x.text}
		}
		return t.malformed(at, name, "a list")
	case "Fn::Transform":
		t.warnf(at, "Fn::Transform runs a macro at deploy time; its result is not evaluated")
		return unknown{reason: "result of a Fn::Transform macro"}
	}
	t.warnf(at, "unsupported intrinsic function %s", strings.TrimPrefix(name, "!"))
	return unknown{reason: "unsupported intrinsic function " + strings.TrimPrefix(name, "!")}
}

// malformed reports a badly formed intrinsic and makes its value unknown.
func (t *template) malformed(at *yaml.Node, fn, want string) unknown {
	t.warnf(at, "malformed %s: expected %s", fn, want)
	return unknown{reason: "malformed " + fn}
}

// evalString evaluates a node that must be a literal or computed string.
func (t *template) evalString(n *yaml.Node) (string, bool) {
	v := t.eval(n)
	s, ok := scalarText(v)
	if _, isOpaque := v.(opaque); isOpaque {
		return s, false
	}
	return s, ok
}

// ref resolves Ref: a parameter, a pseudo parameter or a resource.
func (t *template) ref(name string, at *yaml.Node) any {
	if name == "AWS::NoValue" {
		return noValue{}
	}
	if p, ok := t.params[name]; ok {
		return t.paramValue(p)
	}
	if pseudoParams[name] {
		if name == "AWS::NotificationARNs" {
			if v, ok := t.opts.Parameters[name]; ok {
				return splitList(v)
			}
		}
		return t.pseudo(name)
	}
	if r, ok := t.byID[name]; ok {
		return t.refValue(r)
	}
	t.warnf(at, "Ref to undefined parameter or resource %q", name)
	return unknown{reason: fmt.Sprintf("Ref to undefined %q", name)}
}

// pseudo returns a pseudo parameter, known when Options sets it.
func (t *template) pseudo(name string) opaque {
	if v, ok := t.opts.Parameters[name]; ok && v != "" {
		return opaque{text: v, known: true}
	}
	return opaque{text: "${" + name + "}"}
}

// refValue is what Ref returns for a resource: its physical name when the
// template writes it and Ref returns the name, otherwise opaque.
func (t *template) refValue(r *resource) opaque {
	o := opaque{text: "${" + r.id + "}", res: r.id}
	if refIsName[r.typ] {
		if name, ok := t.physicalName(r); ok {
			o.text, o.known = name, true
		}
	}
	return o
}

// attrFromProperty lists GetAtt attributes that equal a property of the
// resource, so they can be resolved from the template.
var attrFromProperty = map[string]map[string]string{
	"AWS::EC2::VPC":    {"CidrBlock": "CidrBlock"},
	"AWS::EC2::Subnet": {"CidrBlock": "CidrBlock"},
}

// getAtt resolves Fn::GetAtt in its forms: "Res.Attr", [Res, Attr].
func (t *template) getAtt(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	var res, attr string
	switch arg.Kind {
	case yaml.ScalarNode:
		var ok bool
		res, attr, ok = strings.Cut(arg.Value, ".")
		if !ok {
			return t.malformed(at, "Fn::GetAtt", `"Resource.Attribute" or [Resource, Attribute]`)
		}
	case yaml.SequenceNode:
		if len(arg.Content) != 2 {
			return t.malformed(at, "Fn::GetAtt", "[Resource, Attribute]")
		}
		var ok bool
		if res, ok = scalarString(arg.Content[0]); !ok {
			return t.malformed(at, "Fn::GetAtt", "a resource logical ID")
		}
		v := t.eval(arg.Content[1])
		if u, isU := v.(unknown); isU {
			return u
		}
		if attr, ok = scalarText(v); !ok {
			return t.malformed(at, "Fn::GetAtt", "an attribute name")
		}
	default:
		return t.malformed(at, "Fn::GetAtt", "[Resource, Attribute]")
	}
	return t.attribute(res, attr, at)
}

func (t *template) attribute(res, attr string, at *yaml.Node) any {
	r, ok := t.byID[res]
	if !ok {
		t.warnf(at, "Fn::GetAtt of undefined resource %q", res)
		return unknown{reason: fmt.Sprintf("Fn::GetAtt of undefined resource %q", res)}
	}
	if prop, ok := attrFromProperty[r.typ][attr]; ok {
		if p := t.props(r); p != nil {
			if s, isStr := p[prop].(string); isStr {
				return opaque{text: s, res: res, attr: attr, known: true}
			}
		}
	}
	return opaque{text: "${" + res + "." + attr + "}", res: res, attr: attr}
}

// sub evaluates Fn::Sub: "text" or ["text", {Var: value}].
func (t *template) sub(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	var text string
	vars := map[string]any{}
	switch arg.Kind {
	case yaml.ScalarNode:
		text = arg.Value
	case yaml.SequenceNode:
		if len(arg.Content) != 2 {
			return t.malformed(at, "Fn::Sub", `"text" or ["text", {variables}]`)
		}
		s, ok := scalarString(arg.Content[0])
		if !ok {
			return t.malformed(at, "Fn::Sub", "a string to substitute into")
		}
		text = s
		m, isMap := t.eval(arg.Content[1]).(map[string]any)
		if !isMap {
			return t.malformed(at, "Fn::Sub", "a map of variables")
		}
		vars = m
	default:
		return t.malformed(at, "Fn::Sub", `"text" or ["text", {variables}]`)
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		rest := text[i+2:]
		if strings.HasPrefix(rest, "!") { // ${!Literal} writes ${Literal}
			b.WriteString("${")
			text = rest[1:]
			continue
		}
		j := strings.Index(rest, "}")
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		name := strings.TrimSpace(rest[:j])
		text = rest[j+1:]
		v, found := vars[name]
		if !found {
			v = t.subVar(name, at)
		}
		switch x := v.(type) {
		case unknown:
			return x
		case noValue:
			continue
		}
		s, ok := scalarText(v)
		if !ok {
			t.warnf(at, "Fn::Sub variable ${%s} is %s, not a string", name, describe(v))
			return unknown{reason: "malformed Fn::Sub"}
		}
		b.WriteString(s)
	}
	return b.String()
}

// subVar resolves a ${Name} or ${Resource.Attribute} inside Fn::Sub.
func (t *template) subVar(name string, at *yaml.Node) any {
	if _, ok := t.params[name]; ok || pseudoParams[name] || name == "AWS::NoValue" {
		return t.ref(name, at)
	}
	if _, ok := t.byID[name]; ok {
		return t.ref(name, at)
	}
	if res, attr, ok := strings.Cut(name, "."); ok {
		return t.attribute(res, attr, at)
	}
	t.warnf(at, "Fn::Sub refers to undefined ${%s}", name)
	return unknown{reason: fmt.Sprintf("Fn::Sub refers to undefined ${%s}", name)}
}

// listValue returns a list, or an unknown/opaque value standing for one.
func (t *template) listValue(v any) ([]any, any) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case unknown, opaque:
		return nil, x
	}
	return nil, nil
}

func (t *template) join(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return t.malformed(at, "Fn::Join", "[delimiter, [values]]")
	}
	delim, ok := scalarString(arg.Content[0])
	if !ok {
		return t.malformed(at, "Fn::Join", "a delimiter string")
	}
	list, other := t.listValue(t.eval(arg.Content[1]))
	if other != nil {
		if u, isU := other.(unknown); isU {
			return u
		}
		return opaque{text: "${Fn::Join(" + other.(opaque).text + ")}"}
	}
	if list == nil {
		return t.malformed(at, "Fn::Join", "a list of values")
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		if u, isU := e.(unknown); isU {
			return u
		}
		s, ok := scalarText(e)
		if !ok {
			return t.malformed(at, "Fn::Join", "a list of strings")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, delim)
}

func (t *template) selectFn(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return t.malformed(at, "Fn::Select", "[index, [values]]")
	}
	iv := t.eval(arg.Content[0])
	if u, isU := iv.(unknown); isU {
		return u
	}
	is, _ := scalarText(iv)
	idx, err := strconv.Atoi(strings.TrimSpace(is))
	if err != nil || idx < 0 {
		return t.malformed(at, "Fn::Select", "a non-negative index")
	}
	list, other := t.listValue(t.eval(arg.Content[1]))
	if other != nil {
		if u, isU := other.(unknown); isU {
			return u
		}
		o := other.(opaque)
		return opaque{text: fmt.Sprintf("${Fn::Select(%d, %s)}", idx, o.text), res: o.res}
	}
	if list == nil {
		return t.malformed(at, "Fn::Select", "a list of values")
	}
	if idx >= len(list) {
		t.warnf(at, "Fn::Select index %d is out of range (the list has %d items)", idx, len(list))
		return unknown{reason: "Fn::Select index out of range"}
	}
	return list[idx]
}

func (t *template) split(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return t.malformed(at, "Fn::Split", "[delimiter, string]")
	}
	delim, ok := scalarString(arg.Content[0])
	if !ok || delim == "" {
		return t.malformed(at, "Fn::Split", "a delimiter string")
	}
	v := t.eval(arg.Content[1])
	switch x := v.(type) {
	case unknown:
		return x
	case opaque:
		if !x.known {
			return opaque{text: "${Fn::Split(" + x.text + ")}", res: x.res}
		}
	}
	s, ok := scalarText(v)
	if !ok {
		return t.malformed(at, "Fn::Split", "a string to split")
	}
	var out []any
	for _, p := range strings.Split(s, delim) {
		out = append(out, p)
	}
	return out
}

// findInMap evaluates Fn::FindInMap [Map, TopKey, SecondKey, {DefaultValue}].
// When a key is only known at deploy time but every entry of the map
// agrees on the value, that value is the answer.
func (t *template) findInMap(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 || len(arg.Content) > 4 {
		return t.malformed(at, "Fn::FindInMap", "[MapName, TopLevelKey, SecondLevelKey]")
	}
	var def any
	hasDef := false
	if len(arg.Content) == 4 {
		if d := field(arg.Content[3], "DefaultValue"); d != nil {
			def, hasDef = t.eval(d), true
		}
	}
	keys := make([]any, 3)
	for i := range keys {
		keys[i] = t.eval(arg.Content[i])
	}
	mapName, ok := keys[0].(string)
	if !ok {
		if u, isU := keys[0].(unknown); isU {
			return u
		}
		return t.malformed(at, "Fn::FindInMap", "a mapping name")
	}
	m := field(t.mappings, mapName)
	if m == nil {
		if hasDef {
			return def
		}
		t.warnf(at, "Fn::FindInMap: no mapping %q", mapName)
		return unknown{reason: fmt.Sprintf("Fn::FindInMap: no mapping %q", mapName)}
	}
	top, topKnown := literalKey(keys[1])
	second, secondKnown := literalKey(keys[2])
	if topKnown && secondKnown {
		if n := field(field(m, top), second); n != nil {
			return t.eval(n)
		}
		if hasDef {
			return def
		}
		t.warnf(at, "Fn::FindInMap: mapping %q has no entry %s/%s", mapName, top, second)
		return unknown{reason: fmt.Sprintf("Fn::FindInMap: mapping %q has no entry %s/%s", mapName, top, second)}
	}
	// Every value the lookup could return at deploy time (the default too,
	// when some entry lacks the key): if they all agree, that is the value.
	var vals []any
	var tops []*yaml.Node
	if topKnown {
		if n := field(m, top); n != nil {
			tops = append(tops, n)
		}
	} else {
		pairs(m, func(_, v *yaml.Node) { tops = append(tops, v) })
	}
	// A key absent from the map yields the default (without one, the
	// deployment fails, so it is not a possible value).
	for _, tn := range tops {
		if secondKnown {
			if n := field(tn, second); n != nil {
				vals = append(vals, t.eval(n))
			}
			continue
		}
		pairs(tn, func(_, v *yaml.Node) { vals = append(vals, t.eval(v)) })
	}
	if hasDef {
		vals = append(vals, def)
	}
	if len(vals) > 0 {
		same := true
		for _, v := range vals[1:] {
			if eq, ok := equalValues(vals[0], v); !ok || !eq {
				same = false
				break
			}
		}
		if same {
			return vals[0]
		}
	}
	for _, k := range keys[1:] {
		if u, isU := k.(unknown); isU {
			return u
		}
	}
	for _, k := range keys[1:] {
		if o, isO := k.(opaque); isO && !o.known {
			return unknown{reason: fmt.Sprintf("Fn::FindInMap key %s is set at deploy time", o.text)}
		}
	}
	return unknown{reason: "Fn::FindInMap key is set at deploy time"}
}

// literalKey returns a mapping key known in the template.
func literalKey(v any) (string, bool) {
	if o, ok := v.(opaque); ok && !o.known {
		return "", false
	}
	if _, ok := v.(unknown); ok {
		return "", false
	}
	return scalarText(v)
}

// cidr computes Fn::Cidr [ipBlock, count, cidrBits]: count consecutive
// blocks with cidrBits host bits each, from the start of ipBlock.
func (t *template) cidr(arg *yaml.Node, at *yaml.Node) any {
	arg = deref(arg)
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return t.malformed(at, "Fn::Cidr", "[ipBlock, count, cidrBits]")
	}
	vals := make([]any, 3)
	for i := range vals {
		vals[i] = t.eval(arg.Content[i])
		if u, isU := vals[i].(unknown); isU {
			return u
		}
	}
	if o, isO := vals[0].(opaque); isO && !o.known {
		return opaque{text: "${Fn::Cidr(" + o.text + ")}", res: o.res}
	}
	block, _ := scalarText(vals[0])
	cs, _ := scalarText(vals[1])
	bs, _ := scalarText(vals[2])
	p, err := netip.ParsePrefix(strings.TrimSpace(block))
	count, err2 := strconv.Atoi(strings.TrimSpace(cs))
	bits, err3 := strconv.Atoi(strings.TrimSpace(bs))
	if err != nil || err2 != nil || err3 != nil || count < 1 || count > 256 || bits < 1 || bits > p.Addr().BitLen() {
		return t.malformed(at, "Fn::Cidr", "[CIDR block, count 1-256, host bits]")
	}
	p = p.Masked()
	size := p.Addr().BitLen() - bits
	if size < p.Bits() {
		t.warnf(at, "Fn::Cidr: /%d blocks do not fit in %s", size, p)
		return unknown{reason: "malformed Fn::Cidr"}
	}
	if size-p.Bits() < 9 && count > 1<<(size-p.Bits()) {
		t.warnf(at, "Fn::Cidr: %s holds fewer than %d /%d blocks", p, count, size)
		return unknown{reason: "malformed Fn::Cidr"}
	}
	out := make([]any, 0, count)
	addr := p.Addr().As16()
	for i := 0; i < count; i++ {
		a := netip.AddrFrom16(addr)
		if p.Addr().Is4() {
			a = a.Unmap()
		}
		out = append(out, netip.PrefixFrom(a, size).String())
		if i < count-1 {
			addBit(&addr, 127-bits)
		}
	}
	return out
}

// addBit adds 2^(127-pos) to a 128-bit big-endian number (pos counts bits
// from the most significant).
func addBit(a *[16]byte, pos int) {
	if pos < 0 || pos > 127 {
		return
	}
	i := pos / 8
	carry := uint16(1) << (7 - pos%8)
	for ; i >= 0 && carry > 0; i-- {
		s := uint16(a[i]) + carry
		a[i] = byte(s)
		carry = s >> 8
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
