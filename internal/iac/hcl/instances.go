package hcl

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Expansion modes of a resource or module call.
const (
	modeSingle = iota
	modeCount
	modeEach
	// modeUnknown: count or for_each is only known at apply. One
	// representative instance is read, with count.index / each unknown,
	// so its configuration is still checked.
	modeUnknown
)

// maxInstances bounds count and for_each: a scan reads configuration,
// and a count of a billion is a typo or an attack, not a fleet.
const maxInstances = 10000

type resState struct {
	decl  *resDecl
	inst  *modInst
	exp   *lazy
	done  bool
	mode  int
	why   string
	insts []*resInst
}

type resInst struct {
	rs    *resState
	key   cty.Value // NilVal, a number (count) or a string (for_each)
	addr  string
	sc    *scope
	attrs map[string]*lazy
	whole cty.Value
}

func (m *modInst) resState(d *resDecl) *resState {
	rs, ok := m.resources[d.key]
	if !ok {
		rs = &resState{decl: d, inst: m}
		m.resources[d.key] = rs
	}
	return rs
}

// expansion is the evaluated count or for_each of a block.
type expansion struct {
	mode   int
	why    string
	warned bool        // a warning explaining the unknown mode was given
	keys   []cty.Value // count: numbers; for_each: strings
	vals   []cty.Value // for_each values
}

// expand evaluates a block's count or for_each.
func (l *loader) expand(what string, count, forEach hcl.Expression, sc *scope) expansion {
	switch {
	case count != nil && forEach != nil:
		l.warnAt(count.Range(), what+" sets both count and for_each; count is used")
		fallthrough
	case count != nil:
		return l.expandCount(what, count, sc)
	case forEach != nil:
		return l.expandEach(what, forEach, sc)
	}
	return expansion{mode: modeSingle}
}

func unknownExpansion(what, arg string, marks cty.ValueMarks) expansion {
	why := arg + " of " + what + " is known after apply"
	if rs := reasonsOf(marks); len(rs) > 0 {
		why = arg + " of " + what + " is unknown: " + joinReasons(rs)
	}
	return expansion{mode: modeUnknown, why: why}
}

func (l *loader) expandCount(what string, expr hcl.Expression, sc *scope) expansion {
	v, marks := l.eval(expr, sc).UnmarkDeep()
	if !v.IsKnown() {
		return unknownExpansion(what, "count", marks)
	}
	if v.IsNull() {
		l.warnAt(expr.Range(), "count of "+what+" is null; it is read once")
		return expansion{mode: modeUnknown, warned: true, why: "count of " + what + " is null"}
	}
	nv, err := convert.Convert(v, cty.Number)
	if err != nil {
		if hasPlaceholder(v) {
			return expansion{mode: modeUnknown, why: "count of " + what + " is derived from a value known after apply"}
		}
		l.warnAt(expr.Range(), fmt.Sprintf("count of %s must be a number: %v; it is read once", what, err))
		return expansion{mode: modeUnknown, warned: true, why: "count of " + what + " is invalid"}
	}
	f := nv.AsBigFloat()
	n, acc := f.Int64()
	if !f.IsInt() || acc != big.Exact || n < 0 {
		l.warnAt(expr.Range(), fmt.Sprintf("count of %s must be a whole number ≥ 0, not %s; it is read once", what, f.Text('f', -1)))
		return expansion{mode: modeUnknown, warned: true, why: "count of " + what + " is invalid"}
	}
	if n > maxInstances {
		l.warnAt(expr.Range(), fmt.Sprintf("count of %s is %d, more than the %d instances Parapet expands; it is read once", what, n, maxInstances))
		return expansion{mode: modeUnknown, warned: true, why: "count of " + what + " is too large to expand"}
	}
	e := expansion{mode: modeCount, keys: make([]cty.Value, n)}
	for i := range e.keys {
		e.keys[i] = cty.NumberIntVal(int64(i))
	}
	return e
}

func (l *loader) expandEach(what string, expr hcl.Expression, sc *scope) expansion {
	v, marks := l.eval(expr, sc).Unmark()
	if !v.IsKnown() {
		return unknownExpansion(what, "for_each", marks)
	}
	if v.IsNull() {
		l.warnAt(expr.Range(), "for_each of "+what+" is null; it is read once")
		return expansion{mode: modeUnknown, warned: true, why: "for_each of " + what + " is null"}
	}
	ty := v.Type()
	e := expansion{mode: modeEach}
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			e.keys = append(e.keys, k)
			e.vals = append(e.vals, ev)
		}
	case ty.IsSetType() || ty.IsListType() || ty.IsTupleType():
		if !ty.IsSetType() {
			l.warnAt(expr.Range(), "for_each of "+what+" is a list; Terraform needs a map or a set (toset(...)); it is read as a set")
		}
		seen := map[string]bool{}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			ev, em := ev.UnmarkDeep()
			if !ev.IsKnown() {
				return unknownExpansion(what, "for_each", em)
			}
			sv, err := convert.Convert(ev, cty.String)
			if err != nil || sv.IsNull() {
				l.warnAt(expr.Range(), "for_each of "+what+" must be a map or a set of strings; it is read once")
				return expansion{mode: modeUnknown, warned: true, why: "for_each of " + what + " is invalid"}
			}
			if seen[sv.AsString()] {
				continue
			}
			seen[sv.AsString()] = true
			e.keys = append(e.keys, sv)
			e.vals = append(e.vals, sv)
		}
	default:
		l.warnAt(expr.Range(), fmt.Sprintf("for_each of %s must be a map or a set of strings, not %s; it is read once", what, ty.FriendlyName()))
		return expansion{mode: modeUnknown, warned: true, why: "for_each of " + what + " is invalid"}
	}
	if len(e.keys) > maxInstances {
		l.warnAt(expr.Range(), fmt.Sprintf("for_each of %s has more than %d elements; it is read once", what, maxInstances))
		return expansion{mode: modeUnknown, warned: true, why: "for_each of " + what + " is too large to expand"}
	}
	for _, k := range e.keys {
		if hasPlaceholder(k) {
			return expansion{mode: modeUnknown, why: "for_each keys of " + what + " are derived from values known after apply"}
		}
	}
	return e
}

// instanceScope is the scope of one expanded instance.
func instanceScope(base scope, e expansion, i int) *scope {
	sc := base
	switch e.mode {
	case modeCount:
		sc.hasCount, sc.countIdx = true, e.keys[i]
	case modeEach:
		sc.hasEach, sc.eachKey, sc.eachVal = true, e.keys[i], e.vals[i]
	case modeUnknown:
		// Whichever of count or for_each was set, reading the other is
		// an error Terraform reports; unknown is the honest value.
		sc.hasCount, sc.countIdx = true, unknown(cty.Number, e.why)
		sc.hasEach = true
		sc.eachKey, sc.eachVal = unknown(cty.String, e.why), unknown(cty.DynamicPseudoType, e.why)
	}
	return &sc
}

// expandResource creates the instances of a resource once. It reports
// false when asked while its own count/for_each is being evaluated.
func (l *loader) expandResource(rs *resState) bool {
	if rs.done {
		return true
	}
	d := rs.decl
	if rs.exp == nil {
		rs.exp = &lazy{label: rs.inst.prefix() + d.key, at: d.block.DefRange()}
		var e expansion
		rs.exp.fn = func() cty.Value {
			e = l.expand(rs.inst.prefix()+d.key, d.count, d.forEach, &scope{inst: rs.inst, node: d.key})
			return cty.NullVal(cty.DynamicPseudoType)
		}
		l.force(rs.exp)
		if rs.exp.cycle != "" {
			e = expansion{mode: modeUnknown, why: rs.exp.cycle}
		}
		rs.mode, rs.why = e.mode, e.why
		if e.mode == modeUnknown && !e.warned {
			l.warnAt(d.block.DefRange(), e.why+"; the resource is read once, without an instance key")
		}
		base := rs.inst.prefix() + d.key
		n := len(e.keys)
		if e.mode == modeSingle || e.mode == modeUnknown {
			n = 1
		}
		for i := range n {
			ri := &resInst{rs: rs, addr: base, attrs: map[string]*lazy{},
				sc: instanceScope(scope{inst: rs.inst, node: d.key}, e, i)}
			if e.mode == modeCount || e.mode == modeEach {
				ri.key = e.keys[i]
				ri.addr = base + keyString(e.keys[i])
			}
			rs.insts = append(rs.insts, ri)
		}
		rs.done = true
		return true
	}
	// Re-entered while expanding: let force report the cycle.
	l.force(rs.exp)
	return false
}

// resourceValue is the value of a reference to a managed resource, built
// with just the attributes the expression reads.
func (l *loader) resourceValue(sc *scope, key string, ts []hcl.Traversal, restFrom int) cty.Value {
	d, ok := sc.inst.src.resByKey[key]
	if !ok {
		l.warnAt(ts[0].SourceRange(), fmt.Sprintf("reference to undeclared resource %s (the value is unknown)", key))
		return unknown(cty.DynamicPseudoType, key+" is not declared")
	}
	if msg, in := sc.inCycle(key); in {
		return unknown(cty.DynamicPseudoType, msg)
	}
	rs := sc.inst.resState(d)
	if !l.expandResource(rs) {
		return unknown(cty.DynamicPseudoType, "reference cycle through "+key)
	}
	if rs.mode == modeUnknown {
		return unknown(cty.DynamicPseudoType, rs.why)
	}
	needs, deep, whole := readNeeds(ts, restFrom, rs.mode != modeSingle)
	obj := func(ri *resInst) cty.Value {
		if whole {
			return l.wholeInstance(ri)
		}
		m := make(map[string]cty.Value, len(needs))
		for _, n := range sortedKeys(needs) {
			m[n] = l.instAttr(ri, n, deep[n])
		}
		return cty.ObjectVal(m)
	}
	return collect(rs.mode, len(rs.insts), func(i int) (cty.Value, cty.Value) {
		return rs.insts[i].key, obj(rs.insts[i])
	})
}

// readNeeds lists the attributes a set of traversals reads after their
// object (and instance key when indexed); whole means one of them uses
// the object itself.
func readNeeds(ts []hcl.Traversal, from int, indexed bool) (needs, deep map[string]bool, whole bool) {
	needs, deep = map[string]bool{}, map[string]bool{}
	for _, t := range ts {
		if len(t) < from {
			continue
		}
		rest := t[from:]
		if indexed && len(rest) > 0 {
			if _, ok := rest[0].(hcl.TraverseIndex); !ok {
				continue // a missing instance key: HCL reports it
			}
			rest = rest[1:]
		}
		if len(rest) == 0 {
			whole = true
			continue
		}
		a, ok := rest[0].(hcl.TraverseAttr)
		if !ok {
			whole = true
			continue
		}
		needs[a.Name] = true
		if len(rest) > 1 {
			deep[a.Name] = true
		}
	}
	return needs, deep, whole
}

// collect shapes instances as Terraform does: an object, a tuple for
// count, an object keyed by for_each key.
func collect(mode, n int, get func(int) (key, val cty.Value)) cty.Value {
	switch mode {
	case modeCount:
		if n == 0 {
			return cty.EmptyTupleVal
		}
		vs := make([]cty.Value, n)
		for i := range vs {
			_, vs[i] = get(i)
		}
		return cty.TupleVal(vs)
	case modeEach:
		if n == 0 {
			return cty.EmptyObjectVal
		}
		m := make(map[string]cty.Value, n)
		for i := range n {
			k, v := get(i)
			m[k.AsString()] = v
		}
		return cty.ObjectVal(m)
	}
	_, v := get(0)
	return v
}

// instAttr is one attribute of a resource instance as a reference sees
// it: the configured value, or a placeholder for a computed one.
func (l *loader) instAttr(ri *resInst, name string, deep bool) cty.Value {
	if ri.rs.decl.configured(name) {
		return l.force(l.attrLazy(ri, name))
	}
	if deep {
		// Nested computed values (root_block_device[0].volume_id) have no
		// address of their own to join on.
		return unknown(cty.DynamicPseudoType, ri.addr+"."+name+" is known after apply")
	}
	return l.refs.placeholder(ri.addr, name)
}

// wholeInstance is a resource instance used as an object (for_each over
// a resource, a resource passed to a module): every configured value,
// and a placeholder for every other attribute name the configuration
// reads anywhere.
func (l *loader) wholeInstance(ri *resInst) cty.Value {
	if ri.whole != cty.NilVal {
		return ri.whole
	}
	d := ri.rs.decl
	m := make(map[string]cty.Value, len(d.names)+len(l.globalNames))
	for _, n := range d.names {
		m[n] = l.force(l.attrLazy(ri, n))
	}
	for _, n := range append([]string{"id", "arn"}, l.globalNames...) {
		if _, ok := m[n]; !ok && !resourceMeta[n] {
			m[n] = l.refs.placeholder(ri.addr, n)
		}
	}
	ri.whole = cty.ObjectVal(m)
	return ri.whole
}

func (l *loader) attrLazy(ri *resInst, name string) *lazy {
	if z, ok := ri.attrs[name]; ok {
		return z
	}
	d := ri.rs.decl
	z := &lazy{label: ri.addr + "." + name, at: d.block.DefRange()}
	if a, ok := d.block.Body.Attributes[name]; ok && !resourceMeta[name] {
		z.at = a.NameRange
		z.fn = func() cty.Value { return l.eval(a.Expr, ri.sc) }
	} else {
		z.fn = func() cty.Value { return l.blocksOf(d.block.Body, name, ri.sc) }
	}
	ri.attrs[name] = z
	return z
}

// blocksOf evaluates all nested blocks of one type, static and dynamic,
// in source order, as a tuple of objects.
func (l *loader) blocksOf(body *hclsyntax.Body, typ string, sc *scope) cty.Value {
	var out []cty.Value
	for _, b := range body.Blocks {
		switch {
		case b.Type == "dynamic":
			if len(b.Labels) != 1 || b.Labels[0] != typ {
				continue
			}
			vals, why := l.dynamic(b, sc)
			if why != "" {
				return unknown(cty.DynamicPseudoType, why)
			}
			out = append(out, vals...)
		case b.Type == typ:
			out = append(out, l.blockObject(b.Body, sc))
		}
	}
	if len(out) == 0 {
		return cty.EmptyTupleVal
	}
	return cty.TupleVal(out)
}

func (l *loader) blockObject(body *hclsyntax.Body, sc *scope) cty.Value {
	m := make(map[string]cty.Value, len(body.Attributes)+len(body.Blocks))
	for _, n := range sortedAttrNames(body.Attributes) {
		m[n] = l.eval(body.Attributes[n].Expr, sc)
	}
	for _, b := range body.Blocks {
		typ := blockTypeOf(b)
		if typ == "dynamic" {
			continue
		}
		if _, done := m[typ]; !done {
			m[typ] = l.blocksOf(body, typ, sc)
		}
	}
	return cty.ObjectVal(m)
}

// dynamic expands a dynamic block; why is set when its for_each is unknown.
func (l *loader) dynamic(b *hclsyntax.Block, sc *scope) ([]cty.Value, string) {
	typ := b.Labels[0]
	fe, ok := b.Body.Attributes["for_each"]
	if !ok {
		l.warnAt(b.DefRange(), fmt.Sprintf("dynamic %q has no for_each; it is ignored", typ))
		return nil, ""
	}
	iter := typ
	if a, ok := b.Body.Attributes["iterator"]; ok {
		if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(t) == 1 {
			iter = t.RootName()
		}
	}
	var content *hclsyntax.Block
	for _, cb := range b.Body.Blocks {
		if cb.Type == "content" {
			content = cb
			break
		}
	}
	if content == nil {
		l.warnAt(b.DefRange(), fmt.Sprintf("dynamic %q has no content block; it is ignored", typ))
		return nil, ""
	}
	v, marks := l.eval(fe.Expr, sc).Unmark()
	what := fmt.Sprintf("for_each of dynamic %q", typ)
	switch {
	case !v.IsKnown():
		if rs := reasonsOf(marks); len(rs) > 0 {
			return nil, what + " is unknown: " + joinReasons(rs)
		}
		return nil, what + " is known after apply"
	case v.IsNull():
		l.warnAt(fe.Expr.Range(), what+" is null")
		return nil, what + " is null"
	case !v.CanIterateElements():
		l.warnAt(fe.Expr.Range(), fmt.Sprintf("%s must be a collection, not %s", what, v.Type().FriendlyName()))
		return nil, what + " is invalid"
	case v.Type().IsSetType() && !v.IsWhollyKnown():
		return nil, what + " has elements known after apply"
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if v.Type().IsSetType() {
			k = e
		}
		it := cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})
		out = append(out, l.blockObject(content.Body, sc.with(iter, it)))
	}
	return out, ""
}

// splitProvider returns the provider local name a resource type implies:
// aws_s3_bucket → aws.
func impliedProvider(typ string) string {
	if i := strings.IndexByte(typ, '_'); i > 0 {
		return typ[:i]
	}
	return typ
}
