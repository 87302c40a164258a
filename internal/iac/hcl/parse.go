package hcl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/parapet-dev/parapet/internal/iac"
)

// parsedFile is one .tf or .tf.json file that parsed cleanly.
type parsedFile struct {
	rel  string // relative to the loaded root, slash-separated
	body *hclsyntax.Body
	// comments are the parapet:ignore comments and the lines holding any
	// comment, for attaching suppressions to blocks.
	ignores      []ignoreComment
	commentLines map[int]bool
	// keyedIgnores are a JSON file's suppressions, by resource address:
	// they are written inside the resource, so need no line matching.
	keyedIgnores map[string][]ignoreComment
}

type ignoreComment struct {
	checkID, reason string
	line            int
	used            bool
}

// modSource is a module directory, parsed once however many times it is
// called.
type modSource struct {
	dir, rel string

	vars      []*varDecl
	varByName map[string]*varDecl
	locals    map[string]*localDecl
	outputs   map[string]*outputDecl
	resources []*resDecl
	resByKey  map[string]*resDecl
	calls     []*callDecl
	callByKey map[string]*callDecl
	providers []*provDecl

	// cycles maps a declaration key (local.x, aws_s3_bucket.b) to the
	// message of the reference cycle it belongs to, and scc to the
	// cycle's number, from the static graph (graph.go).
	cycles map[string]string
	scc    map[string]int
}

type varDecl struct {
	name       string
	typ        cty.Type
	defaults   *typeexpr.Defaults
	def        cty.Value // converted default; NilVal when there is none
	hasDefault bool
	sensitive  bool
	nullable   bool
	file       *parsedFile
	block      *hclsyntax.Block
}

type localDecl struct {
	attr *hclsyntax.Attribute
	file *parsedFile
}

type outputDecl struct {
	expr hcl.Expression
	file *parsedFile
}

type resDecl struct {
	mode, typ, name string
	key             string // aws_s3_bucket.b or data.aws_ami.a
	block           *hclsyntax.Block
	file            *parsedFile
	count, forEach  hcl.Expression
	provider        string // explicit provider meta-argument, e.g. aws.west
	// names are the configured attribute and block type names in source
	// order; kinds tells which is which.
	names   []string
	isBlock map[string]bool
	ignores []ignoreComment
}

type callDecl struct {
	name, source   string
	block          *hclsyntax.Block
	file           *parsedFile
	count, forEach hcl.Expression
	providers      map[string]string // child local name -> parent local name
	args           map[string]*hclsyntax.Attribute
}

type provDecl struct {
	name, alias string
	block       *hclsyntax.Block
	file        *parsedFile
}

func (p *provDecl) key() string {
	if p.alias != "" {
		return p.name + "." + p.alias
	}
	return p.name
}

// Meta-arguments are Terraform's, not the provider's: they never become
// attributes.
var resourceMeta = map[string]bool{"count": true, "for_each": true, "provider": true,
	"depends_on": true, "lifecycle": true, "provisioner": true, "connection": true}

var moduleMeta = map[string]bool{"source": true, "version": true, "count": true,
	"for_each": true, "providers": true, "depends_on": true}

// Terraform ignores editor droppings and hidden files.
func isConfigFile(name string) bool {
	return (strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")) && !strings.HasPrefix(name, ".") &&
		!strings.HasPrefix(name, "#") && !strings.HasSuffix(name, "~")
}

func isOverride(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// parseDir reads every configuration file of dir, in parallel.
func (l *loader) parseDir(ctx context.Context, dir string) *modSource {
	rel := l.relPath(dir)
	src := &modSource{dir: dir, rel: rel, varByName: map[string]*varDecl{},
		locals: map[string]*localDecl{}, outputs: map[string]*outputDecl{},
		resByKey: map[string]*resDecl{}, callByKey: map[string]*callDecl{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.addDiag(iac.Diagnostic{File: rel, Severity: iac.SevError, Message: fmt.Sprintf("cannot read module directory: %v", err)})
		return src
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if isConfigFile(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)

	files := make([]*parsedFile, len(names))
	fileDiags := make([][]iac.Diagnostic, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(names))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], fileDiags[i] = parseFile(filepath.Join(dir, names[i]), joinRel(rel, names[i]))
			}
		}()
	}
	for i := range names {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()

	var overrides []*parsedFile
	for i, f := range files {
		for _, d := range fileDiags[i] {
			l.addDiag(d)
		}
		if f == nil {
			continue
		}
		if isOverride(names[i]) {
			overrides = append(overrides, f)
			continue
		}
		l.declare(src, f)
	}
	for _, f := range overrides {
		l.override(src, f)
	}
	return src
}

func joinRel(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// parseFile parses one file. A file with a syntax error yields no body:
// HCL's recovery can produce half-blocks, and a resource read wrongly is
// worse than one reported missing.
func parseFile(path, rel string) (*parsedFile, []iac.Diagnostic) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, []iac.Diagnostic{{File: rel, Severity: iac.SevError, Message: fmt.Sprintf("cannot read file: %v", err)}}
	}
	if strings.HasSuffix(rel, ".json") {
		return parseJSONFile(src, rel)
	}
	f, diags := hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, convertDiags(diags, iac.SevError)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, []iac.Diagnostic{{File: rel, Severity: iac.SevError, Message: "unexpected body type"}}
	}
	pf := &parsedFile{rel: rel, body: body}
	if bytes.Contains(src, []byte("parapet:ignore")) {
		pf.ignores, pf.commentLines = scanComments(src, body)
	}
	return pf, nil
}

func convertDiags(ds hcl.Diagnostics, sev string) []iac.Diagnostic {
	out := make([]iac.Diagnostic, 0, len(ds))
	for _, d := range ds {
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		nd := iac.Diagnostic{Severity: sev, Message: msg}
		if d.Severity == hcl.DiagWarning {
			nd.Severity = iac.SevWarning
		}
		if d.Subject != nil {
			nd.File, nd.Line, nd.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, nd)
	}
	return out
}

// declare records the top-level blocks of one file.
func (l *loader) declare(src *modSource, f *parsedFile) {
	for _, b := range f.body.Blocks {
		switch b.Type {
		case "resource", "data":
			l.declareResource(src, f, b)
		case "variable":
			if l.needLabels(f, b, 1) {
				l.declareVariable(src, f, b)
			}
		case "locals":
			for _, name := range sortedAttrNames(b.Body.Attributes) {
				a := b.Body.Attributes[name]
				if _, dup := src.locals[name]; dup {
					l.warnAt(a.NameRange, fmt.Sprintf("duplicate local value %q; the first definition is used", name))
					continue
				}
				src.locals[name] = &localDecl{attr: a, file: f}
			}
		case "output":
			if !l.needLabels(f, b, 1) {
				continue
			}
			if _, dup := src.outputs[b.Labels[0]]; dup {
				l.warnAt(b.DefRange(), fmt.Sprintf("duplicate output %q; the first definition is used", b.Labels[0]))
				continue
			}
			if a, ok := b.Body.Attributes["value"]; ok {
				src.outputs[b.Labels[0]] = &outputDecl{expr: a.Expr, file: f}
			}
		case "module":
			if l.needLabels(f, b, 1) {
				l.declareCall(src, f, b)
			}
		case "provider":
			if !l.needLabels(f, b, 1) {
				continue
			}
			p := &provDecl{name: b.Labels[0], block: b, file: f}
			if a, ok := b.Body.Attributes["alias"]; ok {
				p.alias = literalString(a.Expr)
			}
			src.providers = append(src.providers, p)
		}
	}
	l.attachIgnores(src, f)
}

func (l *loader) needLabels(f *parsedFile, b *hclsyntax.Block, n int) bool {
	if len(b.Labels) == n {
		return true
	}
	l.warnAt(b.DefRange(), fmt.Sprintf("%s block needs %d label(s); it is ignored", b.Type, n))
	return false
}

func sortedAttrNames(as hclsyntax.Attributes) []string {
	names := make([]string, 0, len(as))
	for n := range as {
		names = append(names, n)
	}
	// Source order, so that diagnostics and outputs are stable.
	sort.Slice(names, func(i, j int) bool {
		return as[names[i]].SrcRange.Start.Byte < as[names[j]].SrcRange.Start.Byte
	})
	return names
}

func (l *loader) declareResource(src *modSource, f *parsedFile, b *hclsyntax.Block) {
	if !l.needLabels(f, b, 2) {
		return
	}
	r := &resDecl{mode: "managed", typ: b.Labels[0], name: b.Labels[1], block: b, file: f}
	r.key = r.typ + "." + r.name
	if b.Type == "data" {
		r.mode = "data"
		r.key = "data." + r.key
	}
	if _, dup := src.resByKey[r.key]; dup {
		l.warnAt(b.DefRange(), fmt.Sprintf("duplicate %s block %s; the first definition is used", b.Type, r.key))
		return
	}
	r.indexBody()
	src.resources = append(src.resources, r)
	src.resByKey[r.key] = r
}

// indexBody records meta-arguments and configured names of a resource.
func (r *resDecl) indexBody() {
	body := r.block.Body
	r.count, r.forEach, r.provider = nil, nil, ""
	if a, ok := body.Attributes["count"]; ok {
		r.count = a.Expr
	}
	if a, ok := body.Attributes["for_each"]; ok {
		r.forEach = a.Expr
	}
	if a, ok := body.Attributes["provider"]; ok {
		if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() {
			r.provider = traversalString(t)
		}
	}
	r.names, r.isBlock = nil, map[string]bool{}
	for _, n := range sortedAttrNames(body.Attributes) {
		if !resourceMeta[n] {
			r.names = append(r.names, n)
		}
	}
	for _, nb := range body.Blocks {
		typ := nb.Type
		if typ == "dynamic" {
			if len(nb.Labels) != 1 {
				continue
			}
			typ = nb.Labels[0]
		}
		if resourceMeta[typ] || r.isBlock[typ] {
			continue
		}
		if _, clash := body.Attributes[typ]; clash {
			continue
		}
		r.isBlock[typ] = true
		r.names = append(r.names, typ)
	}
}

func (r *resDecl) configured(name string) bool {
	if r.isBlock[name] {
		return true
	}
	_, ok := r.block.Body.Attributes[name]
	return ok && !resourceMeta[name]
}

func traversalString(t hcl.Traversal) string {
	var sb strings.Builder
	for i, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			sb.WriteString(s.Name)
		case hcl.TraverseAttr:
			if i > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(s.Name)
		case hcl.TraverseIndex:
			if s.Key.IsKnown() && !s.Key.IsNull() && (s.Key.Type() == cty.Number || s.Key.Type() == cty.String) {
				sb.WriteString(keyString(s.Key))
			} else {
				sb.WriteString("[?]")
			}
		case hcl.TraverseSplat:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// literalString evaluates an expression that must be a constant string.
func literalString(e hcl.Expression) string {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func (l *loader) declareVariable(src *modSource, f *parsedFile, b *hclsyntax.Block) {
	name := b.Labels[0]
	if _, dup := src.varByName[name]; dup {
		l.warnAt(b.DefRange(), fmt.Sprintf("duplicate variable %q; the first definition is used", name))
		return
	}
	v := &varDecl{name: name, typ: cty.DynamicPseudoType, nullable: true, file: f, block: b}
	attrs := b.Body.Attributes
	if a, ok := attrs["type"]; ok {
		ty, defs, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
		if diags.HasErrors() {
			l.addDiags(diags, iac.SevWarning)
		} else {
			v.typ, v.defaults = ty, defs
		}
	}
	if a, ok := attrs["sensitive"]; ok {
		if sv, diags := a.Expr.Value(nil); !diags.HasErrors() && sv.Type() == cty.Bool && sv.IsKnown() && !sv.IsNull() {
			v.sensitive = sv.True()
		}
	}
	if a, ok := attrs["nullable"]; ok {
		if nv, diags := a.Expr.Value(nil); !diags.HasErrors() && nv.Type() == cty.Bool && nv.IsKnown() && !nv.IsNull() {
			v.nullable = nv.True()
		}
	}
	if a, ok := attrs["default"]; ok {
		v.hasDefault = true
		dv, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			l.addDiags(diags, iac.SevWarning)
			dv = unknown(cty.DynamicPseudoType, fmt.Sprintf("the default of var.%s cannot be evaluated", name))
		} else if !dv.IsNull() {
			cv, err := v.convert(dv)
			if err != nil {
				l.warnAt(a.Expr.Range(), fmt.Sprintf("invalid default for variable %q: %v", name, err))
				cv = unknown(cty.DynamicPseudoType, fmt.Sprintf("the default of var.%s is invalid", name))
			}
			dv = cv
		}
		v.def = dv
	}
	src.vars = append(src.vars, v)
	src.varByName[name] = v
}

// convert applies the variable's type constraint and optional-attribute
// defaults.
func (v *varDecl) convert(val cty.Value) (cty.Value, error) {
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	if v.typ == cty.DynamicPseudoType {
		return val, nil
	}
	return convert.Convert(val, v.typ)
}

func (l *loader) declareCall(src *modSource, f *parsedFile, b *hclsyntax.Block) {
	name := b.Labels[0]
	if _, dup := src.callByKey[name]; dup {
		l.warnAt(b.DefRange(), fmt.Sprintf("duplicate module call %q; the first definition is used", name))
		return
	}
	c := &callDecl{name: name, block: b, file: f, args: map[string]*hclsyntax.Attribute{}, providers: map[string]string{}}
	c.index()
	if c.source == "" {
		l.warnAt(b.DefRange(), fmt.Sprintf("module %q has no literal source; it is not read", name))
	}
	src.calls = append(src.calls, c)
	src.callByKey[name] = c
}

func (c *callDecl) index() {
	attrs := c.block.Body.Attributes
	c.source, c.count, c.forEach = "", nil, nil
	if a, ok := attrs["source"]; ok {
		c.source = literalString(a.Expr)
	}
	if a, ok := attrs["count"]; ok {
		c.count = a.Expr
	}
	if a, ok := attrs["for_each"]; ok {
		c.forEach = a.Expr
	}
	if a, ok := attrs["providers"]; ok {
		if pairs, diags := hcl.ExprMap(a.Expr); !diags.HasErrors() {
			for _, p := range pairs {
				kt, d1 := hcl.AbsTraversalForExpr(p.Key)
				vt, d2 := hcl.AbsTraversalForExpr(p.Value)
				if !d1.HasErrors() && !d2.HasErrors() {
					c.providers[traversalString(kt)] = traversalString(vt)
				}
			}
		}
	}
	clear(c.args)
	for n, a := range attrs {
		if !moduleMeta[n] {
			c.args[n] = a
		}
	}
}
