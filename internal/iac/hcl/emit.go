package hcl

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// emit fills the module: variables per module (by static path), then the
// resources, providers and suppressions of every module instance, root
// first, in source order.
func (l *loader) emit(ctx context.Context, root *modInst) {
	seen := map[string]bool{}
	for _, sm := range l.staticMods {
		if seen[sm.path] {
			continue
		}
		seen[sm.path] = true
		for _, d := range sm.src.vars {
			v := &tfmodel.Variable{Name: d.name, Module: sm.path, HasDefault: d.hasDefault, Sensitive: d.sensitive,
				File: d.file.rel, StartLine: d.block.TypeRange.Start.Line, EndLine: d.block.CloseBraceRange.End.Line}
			if d.hasDefault {
				v.Default = l.refs.toGo(d.def, nil)
			}
			l.mod.Variables = append(l.mod.Variables, v)
		}
	}
	l.emitInst(ctx, root, map[string]bool{})
}

func (l *loader) emitInst(ctx context.Context, m *modInst, provDone map[string]bool) {
	if ctx.Err() != nil {
		l.addDiag(iac.Diagnostic{File: ".", Severity: iac.SevError, Message: "cancelled: " + ctx.Err().Error()})
		return
	}
	if !provDone[m.static] {
		provDone[m.static] = true
		for _, p := range m.src.providers {
			obj := l.blockObject(p.block.Body, &scope{inst: m})
			attrs, _ := l.refs.toGo(obj, nil).(map[string]any)
			delete(attrs, "alias")
			l.mod.Providers = append(l.mod.Providers, &tfmodel.Provider{Name: p.name, Alias: p.alias, Module: m.static,
				Attributes: attrs, File: p.file.rel, StartLine: p.block.TypeRange.Start.Line,
				EndLine: p.block.CloseBraceRange.End.Line})
		}
	}
	for _, d := range m.src.resources {
		rs := m.resState(d)
		l.expandResource(rs)
		prov := l.providerFor(m, d)
		region := l.regionOf(prov)
		for _, ri := range rs.insts {
			attrs := make(map[string]any, len(d.names))
			for _, n := range d.names {
				attrs[n] = l.refs.toGo(l.force(l.attrLazy(ri, n)), nil)
			}
			l.mod.Resources = append(l.mod.Resources, &tfmodel.Resource{
				Mode: d.mode, Type: d.typ, Name: d.name, Address: ri.addr, Module: m.path,
				Index: indexOf(ri.key), Provider: prov.addr, Region: region, Attributes: attrs,
				File: d.file.rel, StartLine: d.block.TypeRange.Start.Line, EndLine: d.block.CloseBraceRange.End.Line,
			})
			for _, ig := range d.ignores {
				l.mod.Suppressions = append(l.mod.Suppressions, tfmodel.Suppression{CheckID: ig.checkID,
					Reason: ig.reason, Address: ri.addr, File: d.file.rel, Line: ig.line})
			}
		}
	}
	for _, c := range m.src.calls {
		cs := m.callState(l, c)
		if cs.src == nil {
			continue
		}
		l.expandCall(cs)
		for _, child := range cs.insts {
			l.emitInst(ctx, child, provDone)
		}
	}
}

func indexOf(k cty.Value) any {
	if k == cty.NilVal {
		return nil
	}
	return keyGo(k)
}
