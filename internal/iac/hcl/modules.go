package hcl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

type callState struct {
	decl    *callDecl
	inst    *modInst
	src     *modSource // nil when the module is missing
	missing string
	exp     *lazy
	done    bool
	mode    int
	why     string
	insts   []*modInst
}

func newInst(src *modSource, parent *modInst) *modInst {
	return &modInst{src: src, parent: parent, vars: map[string]*lazy{}, locals: map[string]*lazy{},
		outputs: map[string]*lazy{}, resources: map[string]*resState{}, calls: map[string]*callState{},
		providers: map[string]*provInfo{}}
}

func (l *loader) newRoot(src *modSource) *modInst {
	root := newInst(src, nil)
	root.rootVals = l.rootValues(src)
	for _, p := range src.providers {
		if _, dup := root.providers[p.key()]; !dup {
			root.providers[p.key()] = &provInfo{addr: p.key(), decl: p, inst: root}
		}
	}
	return root
}

func (m *modInst) callState(l *loader, c *callDecl) *callState {
	cs, ok := m.calls[c.name]
	if !ok {
		cs = &callState{decl: c, inst: m}
		key := c.name
		if m.key != "" {
			key = m.key + "." + c.name
		}
		cs.src = l.resolved[key]
		cs.missing = l.missing[key]
		m.calls[c.name] = cs
	}
	return cs
}

// expandCall creates the instances of a module call once.
func (l *loader) expandCall(cs *callState) bool {
	if cs.done {
		return true
	}
	if cs.exp != nil {
		l.force(cs.exp) // re-entered while expanding: a cycle
		return false
	}
	parent, c := cs.inst, cs.decl
	base := parent.prefix() + "module." + c.name
	cs.exp = &lazy{label: base, at: c.block.DefRange()}
	var e expansion
	argScope := scope{inst: parent}
	cs.exp.fn = func() cty.Value {
		e = l.expand(base, c.count, c.forEach, &argScope)
		return cty.NullVal(cty.DynamicPseudoType)
	}
	l.force(cs.exp)
	if cs.exp.cycle != "" {
		e = expansion{mode: modeUnknown, why: cs.exp.cycle}
	}
	cs.mode, cs.why = e.mode, e.why
	n := len(e.keys)
	if e.mode == modeSingle || e.mode == modeUnknown {
		n = 1
	}
	if e.mode == modeUnknown && !e.warned {
		l.warnAt(c.block.DefRange(), e.why+"; the module is read once, without an instance key")
	}
	key := c.name
	if parent.key != "" {
		key = parent.key + "." + c.name
	}
	static := "module." + c.name
	if parent.static != "" {
		static = parent.static + "." + static
	}
	for i := range n {
		child := newInst(cs.src, parent)
		child.key, child.static, child.call = key, static, c
		child.path = base
		if e.mode == modeCount || e.mode == modeEach {
			child.path = base + keyString(e.keys[i])
		}
		child.callArgs = instanceScope(argScope, e, i)
		l.inheritProviders(child)
		cs.insts = append(cs.insts, child)
	}
	cs.done = true
	return true
}

// moduleValue is the value of module.<name>: its outputs.
func (l *loader) moduleValue(sc *scope, name string, ts []hcl.Traversal) cty.Value {
	c, ok := sc.inst.src.callByKey[name]
	if !ok {
		l.warnAt(ts[0].SourceRange(), fmt.Sprintf("reference to undeclared module %q (the value is unknown)", name))
		return unknown(cty.DynamicPseudoType, "module."+name+" is not declared")
	}
	cs := sc.inst.callState(l, c)
	if cs.src == nil {
		return unknown(cty.DynamicPseudoType, sc.inst.prefix()+"module."+name+" is not available")
	}
	if !l.expandCall(cs) {
		return unknown(cty.DynamicPseudoType, "reference cycle through module."+name)
	}
	if cs.mode == modeUnknown {
		return unknown(cty.DynamicPseudoType, cs.why)
	}
	needs, _, whole := readNeeds(ts, 2, cs.mode != modeSingle)
	obj := func(child *modInst) cty.Value {
		m := map[string]cty.Value{}
		if whole {
			for _, n := range sortedKeys(child.src.outputs) {
				m[n] = l.outputValue(child, n, ts[0].SourceRange())
			}
		}
		for _, n := range sortedKeys(needs) {
			m[n] = l.outputValue(child, n, ts[0].SourceRange())
		}
		return cty.ObjectVal(m)
	}
	return collect(cs.mode, len(cs.insts), func(i int) (cty.Value, cty.Value) {
		return instanceKey(cs.insts[i]), obj(cs.insts[i])
	})
}

// instanceKey recovers a module instance's key for collect.
func instanceKey(m *modInst) cty.Value {
	if m.callArgs == nil {
		return cty.NilVal
	}
	if m.callArgs.hasEach && m.callArgs.eachKey.IsKnown() {
		return m.callArgs.eachKey
	}
	return m.callArgs.countIdx
}

func (l *loader) outputValue(m *modInst, name string, r hcl.Range) cty.Value {
	z, ok := m.outputs[name]
	if !ok {
		o, declared := m.src.outputs[name]
		if !declared {
			l.warnAt(r, fmt.Sprintf("module %s has no output %q (the value is unknown)", m.path, name))
			return unknown(cty.DynamicPseudoType, m.path+" has no output "+name)
		}
		z = &lazy{label: m.prefix() + "output." + name, at: o.expr.Range()}
		osc := &scope{inst: m, node: "output." + name}
		z.fn = func() cty.Value { return l.eval(o.expr, osc) }
		m.outputs[name] = z
	}
	return l.force(z)
}

// varValue is var.<name> in a module instance: from the caller's
// argument (or, in the root, tfvars and options), else the default, else
// unknown.
func (l *loader) varValue(sc *scope, name string, r hcl.Range) cty.Value {
	m := sc.inst
	d, ok := m.src.varByName[name]
	if !ok {
		l.warnAt(r, fmt.Sprintf("reference to undeclared input variable %q (the value is unknown)", name))
		return unknown(cty.DynamicPseudoType, "var."+name+" is not declared")
	}
	z, ok := m.vars[name]
	if !ok {
		z = &lazy{label: m.prefix() + "var." + name, at: d.block.DefRange()}
		z.fn = func() cty.Value { return l.computeVar(m, d) }
		m.vars[name] = z
	}
	return l.force(z)
}

func (l *loader) computeVar(m *modInst, d *varDecl) cty.Value {
	var (
		val cty.Value
		at  hcl.Range
		set bool
	)
	if m.parent == nil {
		if a, ok := m.rootVals[d.name]; ok {
			val, at, set = a.val, a.at, true
		}
	} else if arg, ok := m.call.args[d.name]; ok {
		val, at, set = l.eval(arg.Expr, m.callArgs), arg.Expr.Range(), true
	}
	if set && val.IsNull() && !d.nullable {
		set = false
	}
	if !set {
		if d.hasDefault {
			return d.def
		}
		if m.parent == nil {
			return unknown(d.typ.WithoutOptionalAttributesDeep(), "var."+d.name+" has no value")
		}
		return unknown(d.typ.WithoutOptionalAttributesDeep(), fmt.Sprintf("var.%s has no value (%s does not set it)", d.name, m.path))
	}
	cv, err := d.convert(val)
	if err != nil {
		if hasPlaceholder(val) || !val.IsWhollyKnown() {
			return unknown(d.typ.WithoutOptionalAttributesDeep(), "var."+d.name+" is derived from values known after apply")
		}
		l.warnAt(at, fmt.Sprintf("invalid value for variable %q: %v (the value is unknown)", d.name, err))
		return unknown(d.typ.WithoutOptionalAttributesDeep(), "var."+d.name+" has an invalid value")
	}
	return cv
}

// provInfo is a provider configuration as a module instance sees it.
type provInfo struct {
	addr   string // aws, aws.west, module.a.aws
	decl   *provDecl
	inst   *modInst
	region *string
}

// inheritProviders applies Terraform's rules: default configurations
// pass down implicitly, aliased ones only through providers = {...},
// and a module's own provider blocks win.
func (l *loader) inheritProviders(child *modInst) {
	parent := child.parent
	for k, p := range parent.providers {
		if !containsDot(k) {
			child.providers[k] = p
		}
	}
	for ck, pk := range child.call.providers {
		if p, ok := parent.providers[pk]; ok {
			child.providers[ck] = p
		} else {
			child.providers[ck] = &provInfo{addr: parent.prefix() + pk}
		}
	}
	if child.src == nil {
		return
	}
	for _, p := range child.src.providers {
		child.providers[p.key()] = &provInfo{addr: child.prefix() + p.key(), decl: p, inst: child}
	}
}

func containsDot(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}

// providerFor returns the provider configuration a resource uses.
func (l *loader) providerFor(m *modInst, d *resDecl) *provInfo {
	key := d.provider
	if key == "" {
		key = impliedProvider(d.typ)
	}
	if p, ok := m.providers[key]; ok {
		return p
	}
	return &provInfo{addr: key}
}

// regionOf is the provider's region when it is a known string.
func (l *loader) regionOf(p *provInfo) string {
	if p.region != nil {
		return *p.region
	}
	region := ""
	if p.decl != nil {
		if a, ok := p.decl.block.Body.Attributes["region"]; ok {
			v, _ := l.eval(a.Expr, &scope{inst: p.inst}).Unmark()
			if v.IsKnown() && !v.IsNull() && v.Type() == cty.String && !hasPlaceholder(v) {
				region = v.AsString()
			}
		}
	}
	p.region = &region
	return region
}
