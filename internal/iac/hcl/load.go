// Package hcl evaluates a Terraform configuration directory (variables,
// locals, count/for_each, dynamic blocks, functions, modules) into a
// tfmodel.Module, without Terraform and without touching any cloud.
//
// Values only known at apply time stay tfmodel.Unknown with a reason; a
// reference to another resource's computed attribute (id, arn) becomes a
// tfmodel.Ref so that split resources can be joined. Every problem is a
// diagnostic located in a file: a broken file or a missing module never
// stops the rest of the directory from being read.
package hcl

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// Options are the inputs Terraform takes from its command line.
type Options struct {
	// Vars are -var name=value assignments; they win over everything.
	Vars map[string]string
	// VarFiles are -var-file paths, applied in order after the
	// automatically loaded terraform.tfvars and *.auto.tfvars. Relative
	// paths resolve against the process's working directory, as
	// Terraform's do.
	VarFiles []string
}

// maxModuleDepth bounds module nesting, so a module calling itself
// through a chain of sources cannot recurse forever.
const maxModuleDepth = 32

type loader struct {
	ctx  context.Context
	root string // absolute directory passed to LoadDir
	opts Options

	diags    []iac.Diagnostic
	diagSeen map[iac.Diagnostic]bool

	refs      refTable
	stack     []*lazy
	cyclesMsg map[string]bool

	sources     map[string]*modSource // by absolute directory
	modulesJSON map[string]string     // .terraform/modules key -> absolute dir
	resolved    map[string]*modSource // module key (a.b) -> source; nil when missing
	missing     map[string]string     // module key -> why it is missing
	staticMods  []staticMod
	allowedDirs []string

	// globalNames are all attribute names used in any expression: a
	// resource referenced as a whole object gets a placeholder for each
	// of them that it does not configure (see wholeInstance).
	globalNames []string
	infos       map[hcl.Expression]*exprInfo
	funcs       map[*modSource]map[string]function.Function
	base        map[string]function.Function

	mod *tfmodel.Module
}

type staticMod struct {
	path string // module.a.module.b
	src  *modSource
}

// LoadDir reads the Terraform configuration in dir (the root module) and
// every module it calls.
func LoadDir(ctx context.Context, dir string, opts Options) (mod *tfmodel.Module, diags []iac.Diagnostic) {
	mod = &tfmodel.Module{}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return mod, []iac.Diagnostic{{File: dir, Severity: iac.SevError, Message: fmt.Sprintf("cannot read directory: %v", err)}}
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return mod, []iac.Diagnostic{{File: dir, Severity: iac.SevError, Message: "not a directory"}}
	}
	l := &loader{ctx: ctx, root: abs, opts: opts, diagSeen: map[iac.Diagnostic]bool{}, cyclesMsg: map[string]bool{},
		sources: map[string]*modSource{}, resolved: map[string]*modSource{}, missing: map[string]string{},
		infos: map[hcl.Expression]*exprInfo{}, funcs: map[*modSource]map[string]function.Function{},
		base: baseFunctions(), mod: mod}
	// No input may crash a scan: an internal failure is reported as an
	// error diagnostic with what was read so far.
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if len(stack) > 4096 {
				stack = stack[:4096]
			}
			l.diags = append(l.diags, iac.Diagnostic{File: ".", Severity: iac.SevError,
				Message: fmt.Sprintf("internal error reading the configuration (please report it): %v\n%s", r, stack)})
			mod, diags = l.mod, l.diags
		}
	}()
	l.readModulesJSON()
	rootSrc := l.source(ctx, abs)
	l.allowedDirs = append(l.allowedDirs, abs)
	l.walkStatic(ctx, rootSrc, "", "", []string{abs})
	if ctx.Err() != nil {
		l.addDiag(iac.Diagnostic{File: ".", Severity: iac.SevError, Message: "cancelled: " + ctx.Err().Error()})
		return l.mod, l.diags
	}
	l.collectNames()
	for _, sm := range l.staticMods {
		l.buildGraph(sm.src)
	}
	root := l.newRoot(rootSrc)
	l.emit(ctx, root)
	sortDiags(l.diags)
	return l.mod, l.diags
}

// sortDiags orders diagnostics by position, so output is reproducible.
func sortDiags(ds []iac.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

func (l *loader) relPath(p string) string {
	r, err := filepath.Rel(l.root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func (l *loader) addDiag(d iac.Diagnostic) {
	if l.diagSeen[d] {
		return
	}
	l.diagSeen[d] = true
	l.diags = append(l.diags, d)
}

func (l *loader) addDiags(ds hcl.Diagnostics, sev string) {
	for _, d := range convertDiags(ds, sev) {
		l.addDiag(d)
	}
}

func (l *loader) warnAt(r hcl.Range, msg string) {
	l.addDiag(iac.Diagnostic{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column,
		Severity: iac.SevWarning, Message: msg})
}

func (l *loader) source(ctx context.Context, dir string) *modSource {
	if s, ok := l.sources[dir]; ok {
		return s
	}
	s := l.parseDir(ctx, dir)
	l.sources[dir] = s
	return s
}

// readModulesJSON reads the manifest terraform init writes for installed
// registry and git modules.
func (l *loader) readModulesJSON() {
	p := filepath.Join(l.root, ".terraform", "modules", "modules.json")
	b, err := os.ReadFile(p)
	if err != nil {
		return
	}
	var m struct {
		Modules []struct{ Key, Source, Dir string }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		l.addDiag(iac.Diagnostic{File: ".terraform/modules/modules.json", Severity: iac.SevWarning,
			Message: fmt.Sprintf("cannot read the module manifest: %v", err)})
		return
	}
	l.modulesJSON = map[string]string{}
	for _, e := range m.Modules {
		if e.Key == "" {
			continue
		}
		d := filepath.FromSlash(e.Dir)
		if !filepath.IsAbs(d) {
			d = filepath.Join(l.root, d)
		}
		l.modulesJSON[e.Key] = d
	}
}

func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		strings.HasPrefix(s, ".\\") || strings.HasPrefix(s, "..\\")
}

// walkStatic resolves every module call once per static path (a.b), so
// that modules.json keys, variables and the reference graph are known
// before evaluation starts.
func (l *loader) walkStatic(ctx context.Context, src *modSource, key, path string, ancestors []string) {
	l.staticMods = append(l.staticMods, staticMod{path: path, src: src})
	for _, c := range src.calls {
		if ctx.Err() != nil {
			return
		}
		ckey := c.name
		if key != "" {
			ckey = key + "." + c.name
		}
		cpath := "module." + c.name
		if path != "" {
			cpath = path + "." + cpath
		}
		dir, why := l.resolveSource(src, c, ckey)
		if dir != "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				dir, why = "", fmt.Sprintf("module %q: source %q is not present at %s", c.name, c.source, l.relPath(dir))
			}
		}
		if dir != "" {
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			for _, a := range ancestors {
				if a == dir {
					dir, why = "", fmt.Sprintf("module %q calls itself through %q; the recursion is not followed", c.name, c.source)
					break
				}
			}
		}
		if dir != "" && len(ancestors) >= maxModuleDepth {
			dir, why = "", fmt.Sprintf("module %q is nested more than %d deep; it is not read", c.name, maxModuleDepth)
		}
		if dir == "" {
			l.missing[ckey] = why
			l.warnAt(c.block.DefRange(), why)
			continue
		}
		child := l.source(ctx, dir)
		l.resolved[ckey] = child
		l.allowedDirs = append(l.allowedDirs, dir)
		l.walkStatic(ctx, child, ckey, cpath, append(ancestors[:len(ancestors):len(ancestors)], dir))
	}
}

func (l *loader) resolveSource(parent *modSource, c *callDecl, key string) (string, string) {
	if c.source == "" {
		return "", fmt.Sprintf("module %q has no literal source", c.name)
	}
	if isLocalSource(c.source) {
		return filepath.Join(parent.dir, filepath.FromSlash(c.source)), ""
	}
	if d, ok := l.modulesJSON[key]; ok {
		return d, ""
	}
	return "", fmt.Sprintf("module %q: source %q is not installed under .terraform/modules (run terraform init); its resources are not scanned", c.name, c.source)
}

func (l *loader) allowed(p string) bool {
	for _, d := range l.allowedDirs {
		if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// functionsFor returns the function table of a module: the built-ins
// plus the file functions bound to its directory.
func (l *loader) functionsFor(src *modSource) map[string]function.Function {
	if m, ok := l.funcs[src]; ok {
		return m
	}
	m := make(map[string]function.Function, len(l.base)+16)
	for k, v := range l.base {
		m[k] = v
	}
	fileFuncs{root: l.root, modDir: src.dir, allowed: l.allowed, funcs: func() map[string]function.Function { return m }}.add(m)
	l.funcs[src] = m
	return m
}

// collectNames walks every module once: it gathers the attribute names
// used in any traversal, and registers a stand-in (with a warning) for
// each function Parapet does not implement, so that evaluation needs no
// further walk.
func (l *loader) collectNames() {
	seen := map[string]bool{}
	visited := map[*modSource]bool{}
	for _, sm := range l.staticMods {
		if visited[sm.src] {
			continue
		}
		visited[sm.src] = true
		fns := l.functionsFor(sm.src)
		visit := func(n hclsyntax.Node) hcl.Diagnostics {
			var t hcl.Traversal
			switch e := n.(type) {
			case *hclsyntax.ScopeTraversalExpr:
				t = e.Traversal
			case *hclsyntax.RelativeTraversalExpr:
				t = e.Traversal
			case *hclsyntax.FunctionCallExpr:
				if _, ok := fns[e.Name]; !ok {
					l.warnAt(e.NameRange, fmt.Sprintf("function %s is not supported; its result is unknown", e.Name))
					fns[e.Name] = unsupportedFunc(e.Name)
				}
			}
			for _, s := range t {
				if a, ok := s.(hcl.TraverseAttr); ok {
					seen[a.Name] = true
				}
			}
			return nil
		}
		var nodes []hclsyntax.Node
		for _, r := range sm.src.resources {
			nodes = append(nodes, r.block.Body)
		}
		for _, c := range sm.src.calls {
			nodes = append(nodes, c.block.Body)
		}
		for _, p := range sm.src.providers {
			nodes = append(nodes, p.block.Body)
		}
		for _, name := range sortedKeys(sm.src.locals) {
			nodes = append(nodes, sm.src.locals[name].attr)
		}
		for _, name := range sortedKeys(sm.src.outputs) {
			if n, ok := sm.src.outputs[name].expr.(hclsyntax.Node); ok {
				nodes = append(nodes, n)
			}
		}
		for _, n := range nodes {
			_ = hclsyntax.VisitAll(n, visit)
		}
	}
	for n := range seen {
		l.globalNames = append(l.globalNames, n)
	}
	sort.Strings(l.globalNames)
}

// keyString renders an instance key as Terraform does in addresses.
func keyString(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if k.Type() == cty.Number {
		return "[" + k.AsBigFloat().Text('f', -1) + "]"
	}
	return fmt.Sprintf("[%q]", k.AsString())
}

func keyGo(k cty.Value) any {
	if k == cty.NilVal {
		return nil
	}
	if k.Type() == cty.Number {
		i, _ := k.AsBigFloat().Int64()
		return i
	}
	return k.AsString()
}
