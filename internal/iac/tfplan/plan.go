// Package tfplan reads Terraform's machine-readable outputs — a plan
// (terraform show -json plan.out) and a state file — into the same
// tfmodel.Module the HCL reader produces, so one set of mappers serves
// all three. Nested blocks are already lists of objects in both formats
// and are kept so; attribute names are Terraform's own.
package tfplan

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// maxVarHops bounds following a module variable up to its caller.
const maxVarHops = 16

// LoadPlan reads a JSON plan. Values come from planned_values; what
// after_unknown marks unknown becomes tfmodel.Unknown, or a tfmodel.Ref
// when the configuration shows it is another resource's attribute (so
// split resources still join before anything exists). Plans carry no
// file positions: File and lines stay empty. The error is for a file
// that is missing or is not a plan.
func LoadPlan(path string) (*tfmodel.Module, []iac.Diagnostic, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read plan: %w", err)
	}
	var p tfjson.Plan
	p.UseJSONNumber(true)
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, nil, fmt.Errorf("%s is not a Terraform JSON plan (terraform show -json plan.out): %w", path, err)
	}
	if p.PlannedValues == nil {
		return nil, nil, fmt.Errorf("%s has no planned_values: is it a plan (terraform show -json plan.out)?", path)
	}
	r := &planReader{plan: &p, file: path, mod: &tfmodel.Module{},
		changes: map[string]*tfjson.ResourceChange{}, instances: map[string]bool{}}
	for _, rc := range p.ResourceChanges {
		if rc.DeposedKey == "" {
			r.changes[rc.Address] = rc
		}
	}
	r.index(p.PlannedValues.RootModule)
	r.walk(p.PlannedValues.RootModule)
	if p.Config != nil {
		r.variables(p.Config.RootModule, "")
		r.providers()
	} else {
		r.diags = append(r.diags, iac.Diagnostic{File: path, Severity: iac.SevWarning,
			Message: "the plan has no configuration section: computed values cannot be followed to the resources they refer to"})
	}
	return r.mod, r.diags, nil
}

type planReader struct {
	plan      *tfjson.Plan
	file      string
	mod       *tfmodel.Module
	diags     []iac.Diagnostic
	changes   map[string]*tfjson.ResourceChange
	instances map[string]bool // every planned resource address
}

func (r *planReader) index(m *tfjson.StateModule) {
	if m == nil {
		return
	}
	for _, res := range m.Resources {
		r.instances[res.Address] = true
	}
	for _, c := range m.ChildModules {
		r.index(c)
	}
}

// refCtx is where a resource instance sits, for resolving references.
type refCtx struct {
	module string // module.a["x"]
	index  any    // the instance's own count index or for_each key
}

func (r *planReader) walk(m *tfjson.StateModule) {
	if m == nil {
		return
	}
	for _, res := range m.Resources {
		if res.DeposedKey != "" {
			continue
		}
		attrs, _ := normalize(res.AttributeValues).(map[string]any)
		if attrs == nil {
			attrs = map[string]any{}
		}
		idx := indexValue(res.Index)
		cfg := r.configResource(m.Address, res)
		if rc := r.changes[res.Address]; rc != nil && rc.Change != nil && rc.Change.AfterUnknown != nil {
			var exprs map[string]*tfjson.Expression
			if cfg != nil {
				exprs = cfg.Expressions
			}
			rctx := &refCtx{module: m.Address, index: idx}
			if out, ok := r.overlay(attrs, normalize(rc.Change.AfterUnknown), nil, exprs, rctx).(map[string]any); ok {
				attrs = out
			}
		}
		prov, region := r.provider(cfg, m.Address, res.ProviderName)
		if region == "" {
			region = regionOf(attrs)
		}
		r.mod.Resources = append(r.mod.Resources, &tfmodel.Resource{
			Mode: string(res.Mode), Type: res.Type, Name: res.Name, Address: res.Address,
			Module: m.Address, Index: idx, Provider: prov, Region: region, Attributes: attrs,
		})
	}
	for _, c := range m.ChildModules {
		r.walk(c)
	}
}

// configModule finds the configuration of a module by its address.
func (r *planReader) configModule(moduleAddr string) *tfjson.ConfigModule {
	if r.plan.Config == nil {
		return nil
	}
	cm := r.plan.Config.RootModule
	for _, s := range splitModule(moduleAddr) {
		if cm == nil {
			return nil
		}
		call := cm.ModuleCalls[s.name]
		if call == nil {
			return nil
		}
		cm = call.Module
	}
	return cm
}

func (r *planReader) configResource(moduleAddr string, res *tfjson.StateResource) *tfjson.ConfigResource {
	cm := r.configModule(moduleAddr)
	if cm == nil {
		return nil
	}
	want := res.Type + "." + res.Name
	if res.Mode == tfjson.DataResourceMode {
		want = "data." + want
	}
	for _, c := range cm.Resources {
		if c.Address == want {
			return c
		}
	}
	return nil
}

// overlay marks what after_unknown says is unknown. after_unknown mirrors
// the value: true at an unknown leaf, objects and lists where parts are.
// Block expressions in the configuration mirror it too (NestedBlocks),
// so the expression of each unknown attribute can be found.
func (r *planReader) overlay(v, unk any, e *tfjson.Expression, fields map[string]*tfjson.Expression, rc *refCtx) any {
	switch u := unk.(type) {
	case bool:
		if u {
			return r.unknownFor(e, rc)
		}
		return v
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		for k, uk := range u {
			var ke *tfjson.Expression
			if fields != nil {
				ke = fields[k]
			} else {
				ke = e // a map attribute: its parts share its expression
			}
			m[k] = r.overlay(m[k], uk, ke, nil, rc)
		}
		return m
	case []any:
		l, _ := v.([]any)
		for len(l) < len(u) {
			l = append(l, nil)
		}
		for i, ui := range u {
			var blockFields map[string]*tfjson.Expression
			if e != nil && e.ExpressionData != nil && i < len(e.NestedBlocks) {
				blockFields = e.NestedBlocks[i]
			}
			if blockFields != nil {
				l[i] = r.overlay(l[i], ui, nil, blockFields, rc)
			} else {
				l[i] = r.overlay(l[i], ui, e, nil, rc)
			}
		}
		return l
	}
	return v
}

// unknownFor is the value of an unknown attribute (or of an unknown
// element of a list or map attribute): a Ref when its expression refers
// to exactly one resource's attribute, else Unknown.
func (r *planReader) unknownFor(e *tfjson.Expression, rc *refCtx) any {
	if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		return tfmodel.Unknown{Reason: "known after apply"}
	}
	if ref, ok := r.resolve(e.References, rc.module, rc.index, 0); ok {
		return ref
	}
	refs := e.References
	if len(refs) > 3 {
		refs = refs[:3]
	}
	return tfmodel.Unknown{Reason: "known after apply (from " + strings.Join(refs, ", ") + ")"}
}

// resolve turns the references of an expression into the resource
// attribute they name. The plan lists references, not the expression,
// so a string built around one attribute ("${aws_s3_bucket.b.arn}/*")
// resolves like the attribute itself. A module variable is followed to
// the caller's argument. A dynamic index (aws_s3_bucket.b[each.key])
// resolves to the referenced instance with the referring instance's own
// key when that instance exists; the plan does not record the attribute
// then, and Attribute stays empty.
func (r *planReader) resolve(refs []string, module string, index any, hops int) (tfmodel.Ref, bool) {
	var (
		res   []resourceRef
		vars  []string
		dyn   bool
		other bool
		bases = map[string]bool{}
	)
	for _, s := range refs {
		if rr, ok := parseResourceRef(s); ok {
			res = append(res, rr)
			bases[rr.base] = true
			continue
		}
		switch {
		case s == "count.index" || s == "each.key":
			dyn = true
		case strings.HasPrefix(s, "var."):
			name := strings.TrimPrefix(s, "var.")
			if i := strings.IndexAny(name, ".["); i >= 0 {
				name = name[:i]
			}
			if !contains(vars, name) {
				vars = append(vars, name)
			}
		default:
			other = true
		}
	}
	prefix := ""
	if module != "" {
		prefix = module + "."
	}
	switch {
	case len(bases) == 1 && len(vars) == 0 && !other:
		best := res[0]
		for _, rr := range res[1:] {
			if len(rr.index)+len(rr.attr) > len(best.index)+len(best.attr) {
				best = rr
			}
		}
		if best.attr != "" {
			return tfmodel.Ref{Address: prefix + best.base + best.index, Attribute: best.attr}, true
		}
		if dyn && index != nil {
			if cand := prefix + best.base + indexString(index); r.instances[cand] {
				return tfmodel.Ref{Address: cand}, true
			}
		}
	case len(bases) == 0 && len(vars) == 1 && !other && !dyn && module != "" && hops < maxVarHops:
		steps := splitModule(module)
		last := steps[len(steps)-1]
		parent := ""
		if len(steps) > 1 {
			parent = steps[len(steps)-2].prefix
		}
		pm := r.configModule(parent)
		if pm == nil || pm.ModuleCalls[last.name] == nil {
			return tfmodel.Ref{}, false
		}
		arg := pm.ModuleCalls[last.name].Expressions[vars[0]]
		if arg == nil || arg.ExpressionData == nil || len(arg.References) == 0 {
			return tfmodel.Ref{}, false
		}
		return r.resolve(arg.References, parent, keyValue(last.key), hops+1)
	}
	return tfmodel.Ref{}, false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// provider resolves a resource's provider configuration key the way
// Terraform inherits configurations: a module without its own
// configuration uses its parent's.
func (r *planReader) provider(cfg *tfjson.ConfigResource, moduleAddr, providerName string) (string, string) {
	short := providerName
	if i := strings.LastIndexByte(short, '/'); i >= 0 {
		short = short[i+1:]
	}
	if cfg == nil || r.plan.Config == nil {
		return short, ""
	}
	key := cfg.ProviderConfigKey
	local := key
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		local = key[i+1:]
	}
	steps := splitModule(staticModule(moduleAddr))
	for level := len(steps); level >= 0; level-- {
		k := local
		if level > 0 {
			k = steps[level-1].prefix + ":" + local
		}
		pc := r.plan.Config.ProviderConfigs[k]
		if pc == nil && level > 0 {
			// Terraform before 0.13 keyed module providers by bare names.
			pc = r.plan.Config.ProviderConfigs[strings.ReplaceAll(strings.TrimPrefix(steps[level-1].prefix, "module."), ".module.", ".")+":"+local]
		}
		if pc == nil || (level > 0 && len(pc.Expressions) == 0) {
			continue // inherited from the parent
		}
		addr := pc.Name
		if pc.Alias != "" {
			addr += "." + pc.Alias
		}
		if m := moduleName(pc.ModuleAddress); m != "" {
			addr = m + "." + addr
		}
		region := ""
		if v, ok := r.exprValue(pc.Expressions["region"], pc.ModuleAddress == "").(string); ok {
			region = v
		}
		return addr, region
	}
	return local, ""
}

// moduleName normalises a module address; plans before Terraform 0.13
// wrote "foo" for "module.foo".
func moduleName(a string) string {
	if a == "" || strings.HasPrefix(a, "module.") {
		return a
	}
	parts := strings.Split(a, ".")
	for i := range parts {
		parts[i] = "module." + parts[i]
	}
	return strings.Join(parts, ".")
}

// exprValue is the value of a configuration expression: its constant, a
// root variable's value, or Unknown.
func (r *planReader) exprValue(e *tfjson.Expression, root bool) any {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	if e.NestedBlocks != nil {
		out := make([]any, 0, len(e.NestedBlocks))
		for _, b := range e.NestedBlocks {
			m := make(map[string]any, len(b))
			for k, x := range b {
				m[k] = r.exprValue(x, root)
			}
			out = append(out, m)
		}
		return out
	}
	if len(e.References) == 0 {
		return normalize(e.ConstantValue)
	}
	if root && len(e.References) == 1 && strings.HasPrefix(e.References[0], "var.") {
		if v := r.plan.Variables[strings.TrimPrefix(e.References[0], "var.")]; v != nil {
			return normalize(v.Value)
		}
	}
	return tfmodel.Unknown{Reason: "known after apply (from " + strings.Join(e.References, ", ") + ")"}
}

func (r *planReader) variables(cm *tfjson.ConfigModule, module string) {
	if cm == nil {
		return
	}
	for _, name := range sortedKeys(cm.Variables) {
		v := cm.Variables[name]
		r.mod.Variables = append(r.mod.Variables, &tfmodel.Variable{Name: name, Module: module,
			Default: normalize(v.Default), HasDefault: v.Default != nil, Sensitive: v.Sensitive})
	}
	for _, name := range sortedKeys(cm.ModuleCalls) {
		sub := "module." + name
		if module != "" {
			sub = module + "." + sub
		}
		r.variables(cm.ModuleCalls[name].Module, sub)
	}
}

func (r *planReader) providers() {
	for _, key := range sortedKeys(r.plan.Config.ProviderConfigs) {
		pc := r.plan.Config.ProviderConfigs[key]
		// Entries for modules that only inherit a configuration are not
		// provider blocks.
		if pc.ModuleAddress != "" && len(pc.Expressions) == 0 {
			continue
		}
		attrs := map[string]any{}
		for _, k := range sortedKeys(pc.Expressions) {
			attrs[k] = r.exprValue(pc.Expressions[k], pc.ModuleAddress == "")
		}
		r.mod.Providers = append(r.mod.Providers, &tfmodel.Provider{Name: pc.Name, Alias: pc.Alias,
			Module: moduleName(pc.ModuleAddress), Attributes: attrs})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
