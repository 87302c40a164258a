package hcl

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/iac"
)

// lazy is a value computed on first use. Evaluation follows references on
// demand, so declaration order never matters; a lazy value asked for
// while it is being computed is a reference cycle.
type lazy struct {
	label string // for cycle messages: local.a, module.x.var.y
	at    hcl.Range
	state int8 // 0 pending, 1 running, 2 done
	cycle string
	val   cty.Value
	fn    func() cty.Value
}

func (l *loader) force(z *lazy) cty.Value {
	switch z.state {
	case 2:
		return z.val
	case 1:
		// Cycles within one module are caught statically (graph.go);
		// this catches the rest, e.g. through module inputs and outputs.
		i := len(l.stack) - 1
		for i >= 0 && l.stack[i] != z {
			i--
		}
		var names []string
		for _, s := range l.stack[max(i, 0):] {
			names = append(names, s.label)
		}
		msg := "reference cycle: " + strings.Join(append(names, z.label), " → ")
		for _, s := range l.stack[max(i, 0):] {
			s.cycle = msg
		}
		if !l.cyclesMsg[msg] {
			l.cyclesMsg[msg] = true
			l.addDiag(iac.Diagnostic{File: z.at.Filename, Line: z.at.Start.Line, Column: z.at.Start.Column,
				Severity: iac.SevWarning, Message: msg + "; the values involved are unknown"})
		}
		return unknown(cty.DynamicPseudoType, msg)
	}
	z.state = 1
	l.stack = append(l.stack, z)
	v := z.fn()
	l.stack = l.stack[:len(l.stack)-1]
	if z.cycle != "" {
		v = unknown(cty.DynamicPseudoType, z.cycle)
	}
	z.val, z.state, z.fn = v, 2, nil
	return v
}

// modInst is one instance of a module (the root, or module.a["x"]).
type modInst struct {
	src    *modSource
	key    string // static key of its call path (a.b), for modules.json
	path   string // instance path: module.a["x"].module.b; "" for the root
	static string // module.a.module.b
	parent *modInst

	rootVals map[string]assigned // root only: values from tfvars and Options
	callArgs *scope              // scope evaluating the call's arguments
	call     *callDecl

	vars      map[string]*lazy
	locals    map[string]*lazy
	outputs   map[string]*lazy
	resources map[string]*resState
	calls     map[string]*callState
	providers map[string]*provInfo
}

// scope is where an expression is evaluated.
type scope struct {
	inst *modInst
	node string // declaration owning the expression (local.a, aws_x.y), for cycles
	// count.index, each.key and each.value when the block is expanded.
	countIdx         cty.Value
	eachKey, eachVal cty.Value
	hasCount         bool
	hasEach          bool
	iters            map[string]cty.Value // dynamic block iterators
}

func (sc *scope) with(name string, v cty.Value) *scope {
	n := *sc
	n.iters = make(map[string]cty.Value, len(sc.iters)+1)
	for k, x := range sc.iters {
		n.iters[k] = x
	}
	n.iters[name] = v
	return &n
}

// inCycle reports whether a reference from this scope to target stays
// inside one reference cycle, and the cycle's message.
func (sc *scope) inCycle(target string) (string, bool) {
	src := sc.inst.src
	if sc.node == "" || src.scc == nil {
		return "", false
	}
	a, ok := src.scc[sc.node]
	if !ok || a != src.scc[target] {
		return "", false
	}
	return src.cycles[target], true
}

// exprInfo is what evaluation needs to know about an expression, computed
// once however many instances evaluate it.
type exprInfo struct {
	byRoot map[string][]hcl.Traversal
	roots  []string // byRoot's keys in a fixed order, so evaluation order is reproducible
}

func (l *loader) info(expr hcl.Expression) *exprInfo {
	if in, ok := l.infos[expr]; ok {
		return in
	}
	in := &exprInfo{}
	if vs := expr.Variables(); len(vs) > 0 {
		in.byRoot = make(map[string][]hcl.Traversal, len(vs))
		for _, t := range vs {
			if _, seen := in.byRoot[t.RootName()]; !seen {
				in.roots = append(in.roots, t.RootName())
			}
			in.byRoot[t.RootName()] = append(in.byRoot[t.RootName()], t)
		}
	}
	l.infos[expr] = in
	return in
}

// eval evaluates an expression. It never fails: an expression that cannot
// be evaluated is unknown, with a warning when the configuration itself is
// at fault.
func (l *loader) eval(expr hcl.Expression, sc *scope) (v cty.Value) {
	defer func() {
		if r := recover(); r != nil {
			l.warnAt(expr.Range(), fmt.Sprintf("internal error evaluating this expression: %v", r))
			v = unknown(cty.DynamicPseudoType, "the expression could not be evaluated")
		}
	}()
	if lit, ok := expr.(*hclsyntax.LiteralValueExpr); ok {
		return lit.Val
	}
	if l.ctx.Err() != nil {
		return unknown(cty.DynamicPseudoType, "loading was cancelled")
	}
	in := l.info(expr)
	// Unsupported functions got their stand-ins in collectNames; a
	// function call only appears here from an expression it walked.
	ctx := &hcl.EvalContext{Functions: l.functionsFor(sc.inst.src)}
	if len(in.byRoot) > 0 {
		ctx.Variables = l.variables(in, sc)
	}
	val, diags := expr.Value(ctx)
	if !diags.HasErrors() {
		return val
	}
	// An error on a value built from placeholders or unknowns is an
	// artefact of not knowing them (Terraform defers it to apply).
	if why := unknownCauses(ctx.Variables); len(why) > 0 {
		return unknown(cty.DynamicPseudoType, joinReasons(why))
	}
	// Reading a nested attribute a resource block does not configure
	// (root_block_device[0].volume_id) is reading a computed value.
	if addr := computedIn(in, diags, sc); addr != "" {
		return unknown(cty.DynamicPseudoType, addr+" is known after apply")
	}
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		r := expr.Range()
		if d.Subject != nil {
			r = *d.Subject
		}
		l.warnAt(r, diagText(d)+" (the value is unknown)")
	}
	return unknown(cty.DynamicPseudoType, "the expression has an error: "+diags[0].Summary)
}

// variables builds the variables an expression refers to, resolving each
// reference lazily.
func (l *loader) variables(in *exprInfo, sc *scope) map[string]cty.Value {
	vars := make(map[string]cty.Value, len(in.byRoot))
	for _, root := range in.roots {
		ts := in.byRoot[root]
		if v, ok := sc.iters[root]; ok {
			vars[root] = v
			continue
		}
		switch root {
		case "var":
			vars[root] = l.namedObject(ts, func(name string, r hcl.Range) cty.Value { return l.varValue(sc, name, r) })
		case "local":
			vars[root] = l.namedObject(ts, func(name string, r hcl.Range) cty.Value { return l.localValue(sc, name, r) })
		case "count":
			if sc.hasCount {
				vars[root] = cty.ObjectVal(map[string]cty.Value{"index": sc.countIdx})
			} else {
				l.warnAt(ts[0].SourceRange(), "count.index is used in a block without count (the value is unknown)")
				vars[root] = unknown(cty.DynamicPseudoType, "count.index outside a counted block")
			}
		case "each":
			if sc.hasEach {
				vars[root] = cty.ObjectVal(map[string]cty.Value{"key": sc.eachKey, "value": sc.eachVal})
			} else {
				l.warnAt(ts[0].SourceRange(), "each is used in a block without for_each (the value is unknown)")
				vars[root] = unknown(cty.DynamicPseudoType, "each outside a for_each block")
			}
		case "path":
			vars[root] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(sc.inst.src.rel), "root": cty.StringVal("."), "cwd": cty.StringVal(l.root)})
		case "terraform":
			vars[root] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "self":
			vars[root] = unknown(cty.DynamicPseudoType, "self is known at apply")
		case "data":
			vars[root] = l.dataObject(sc, ts)
		case "module":
			byName := map[string][]hcl.Traversal{}
			for _, t := range ts {
				if n := stepName(t, 1); n != "" {
					byName[n] = append(byName[n], t)
				}
			}
			obj := make(map[string]cty.Value, len(byName))
			for _, n := range sortedKeys(byName) {
				obj[n] = l.moduleValue(sc, n, byName[n])
			}
			vars[root] = cty.ObjectVal(obj)
		default:
			byName := map[string][]hcl.Traversal{}
			for _, t := range ts {
				if n := stepName(t, 1); n != "" {
					byName[n] = append(byName[n], t)
				}
			}
			obj := make(map[string]cty.Value, len(byName))
			for _, n := range sortedKeys(byName) {
				obj[n] = l.resourceValue(sc, root+"."+n, byName[n], 2)
			}
			vars[root] = cty.ObjectVal(obj)
		}
	}
	return vars
}

// stepName is the attribute name at step i of a traversal, or "".
func stepName(t hcl.Traversal, i int) string {
	if len(t) > i {
		if a, ok := t[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

func (l *loader) namedObject(ts []hcl.Traversal, get func(string, hcl.Range) cty.Value) cty.Value {
	obj := map[string]cty.Value{}
	for _, t := range ts {
		if n := stepName(t, 1); n != "" {
			if _, done := obj[n]; !done {
				obj[n] = get(n, t.SourceRange())
			}
		}
	}
	return cty.ObjectVal(obj)
}

func (l *loader) localValue(sc *scope, name string, r hcl.Range) cty.Value {
	z, ok := sc.inst.locals[name]
	if !ok {
		d, declared := sc.inst.src.locals[name]
		if !declared {
			l.warnAt(r, fmt.Sprintf("reference to undeclared local value %q (the value is unknown)", name))
			return unknown(cty.DynamicPseudoType, "local."+name+" is not declared")
		}
		z = &lazy{label: sc.inst.prefix() + "local." + name, at: d.attr.NameRange}
		lsc := &scope{inst: sc.inst, node: "local." + name}
		z.fn = func() cty.Value { return l.eval(d.attr.Expr, lsc) }
		sc.inst.locals[name] = z
	}
	if msg, in := sc.inCycle("local." + name); in {
		return unknown(cty.DynamicPseudoType, msg)
	}
	return l.force(z)
}

func (m *modInst) prefix() string {
	if m.path == "" {
		return ""
	}
	return m.path + "."
}

// dataObject is data.<type>.<name>: data sources are read at apply time
// as far as a static scan is concerned.
func (l *loader) dataObject(sc *scope, ts []hcl.Traversal) cty.Value {
	types := map[string]map[string]cty.Value{}
	for _, t := range ts {
		typ, name := stepName(t, 1), stepName(t, 2)
		if typ == "" || name == "" {
			continue
		}
		if types[typ] == nil {
			types[typ] = map[string]cty.Value{}
		}
		key := "data." + typ + "." + name
		if _, ok := sc.inst.src.resByKey[key]; !ok {
			l.warnAt(t.SourceRange(), fmt.Sprintf("reference to undeclared data source %s (the value is unknown)", key))
			types[typ][name] = unknown(cty.DynamicPseudoType, key+" is not declared")
			continue
		}
		if msg, in := sc.inCycle(key); in {
			types[typ][name] = unknown(cty.DynamicPseudoType, msg)
			continue
		}
		types[typ][name] = unknown(cty.DynamicPseudoType, sc.inst.prefix()+key+" is read at apply")
	}
	obj := make(map[string]cty.Value, len(types))
	for typ, names := range types {
		obj[typ] = cty.ObjectVal(names)
	}
	return cty.ObjectVal(obj)
}

// unknownCauses gives the reasons for any unknown or placeholder among
// an expression's variables.
func unknownCauses(vars map[string]cty.Value) []string {
	var why []string
	for _, cv := range vars {
		if !cv.IsWhollyKnown() {
			n := len(why)
			_, pm := cv.UnmarkDeepWithPaths()
			for _, p := range pm {
				why = append(why, reasonsOf(p.Marks)...)
			}
			if len(why) == n {
				why = append(why, "known after apply")
			}
		}
		if hasPlaceholder(cv) {
			why = append(why, "derived from a value known after apply")
		}
	}
	return why
}

// computedIn returns the resource address whose traversal an error
// points into, when every error does.
func computedIn(in *exprInfo, diags hcl.Diagnostics, sc *scope) string {
	found := ""
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if d.Subject == nil {
			return ""
		}
		hit := ""
		for _, root := range in.roots {
			if _, iter := sc.iters[root]; iter || reservedRoot[root] {
				continue
			}
			for _, t := range in.byRoot[root] {
				if t.SourceRange().Overlaps(*d.Subject) || rangeWithin(*d.Subject, t.SourceRange()) {
					hit = traversalString(t)
				}
			}
		}
		if hit == "" {
			return ""
		}
		found = hit
	}
	return found
}

func rangeWithin(inner, outer hcl.Range) bool {
	return inner.Filename == outer.Filename && inner.Start.Byte >= outer.Start.Byte && inner.End.Byte <= outer.End.Byte
}

// reservedRoot are the names that never refer to a managed resource.
var reservedRoot = map[string]bool{"var": true, "local": true, "module": true, "data": true, "count": true,
	"each": true, "path": true, "terraform": true, "self": true}

// diagText is a diagnostic's text, without the stack a panicking
// function attaches.
func diagText(d *hcl.Diagnostic) string {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if i := strings.Index(msg, "goroutine "); i > 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return msg
}
