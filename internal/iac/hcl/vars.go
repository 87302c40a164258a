package hcl

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/iac"
)

// assigned is a root variable value and where it was set.
type assigned struct {
	val cty.Value
	at  hcl.Range
}

// rootValues collects root module variable values in Terraform's order
// of precedence, later sources winning: terraform.tfvars,
// terraform.tfvars.json, *.auto.tfvars(.json) in lexical order, then the
// -var-file and -var options.
func (l *loader) rootValues(src *modSource) map[string]assigned {
	vals := map[string]assigned{}
	var auto []string
	if entries, err := os.ReadDir(l.root); err == nil {
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && (strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")) {
				auto = append(auto, n)
			}
		}
	}
	sort.Strings(auto)
	files := []string{"terraform.tfvars", "terraform.tfvars.json"}
	for _, f := range append(files, auto...) {
		p := filepath.Join(l.root, f)
		if _, err := os.Stat(p); err == nil {
			l.readVarFile(src, p, f, vals)
		}
	}
	for _, f := range l.opts.VarFiles {
		name := filepath.ToSlash(f)
		if abs, err := filepath.Abs(f); err == nil {
			if r, err := filepath.Rel(l.root, abs); err == nil && !strings.HasPrefix(r, "..") {
				name = filepath.ToSlash(r)
			}
		}
		l.readVarFile(src, f, name, vals)
	}
	names := sortedKeys(l.opts.Vars)
	for _, n := range names {
		raw := l.opts.Vars[n]
		at := hcl.Range{Filename: "-var " + n}
		d, ok := src.varByName[n]
		if !ok {
			l.addDiag(iac.Diagnostic{File: at.Filename, Severity: iac.SevWarning,
				Message: fmt.Sprintf("a value is given for undeclared variable %q", n)})
			continue
		}
		// Like Terraform: a primitive (or untyped) variable takes the
		// text as is; a collection or object parses it as HCL.
		if d.typ.IsPrimitiveType() || d.typ == cty.DynamicPseudoType {
			vals[n] = assigned{val: cty.StringVal(raw), at: at}
			continue
		}
		expr, diags := hclsyntax.ParseExpression([]byte(raw), at.Filename, hcl.InitialPos)
		if !diags.HasErrors() {
			var v cty.Value
			v, diags = expr.Value(nil)
			if !diags.HasErrors() {
				vals[n] = assigned{val: v, at: at}
				continue
			}
		}
		l.addDiag(iac.Diagnostic{File: at.Filename, Severity: iac.SevError,
			Message: fmt.Sprintf("invalid value for variable %q: %s", n, diags.Error())})
	}
	return vals
}

// readVarFile reads one .tfvars or .tfvars.json file; its values must be
// constants.
func (l *loader) readVarFile(src *modSource, path, name string, vals map[string]assigned) {
	b, err := os.ReadFile(path)
	if err != nil {
		l.addDiag(iac.Diagnostic{File: name, Severity: iac.SevError, Message: fmt.Sprintf("cannot read variables file: %v", err)})
		return
	}
	var (
		f     *hcl.File
		diags hcl.Diagnostics
	)
	if strings.HasSuffix(name, ".json") {
		f, diags = hcljson.Parse(b, name)
	} else {
		f, diags = hclsyntax.ParseConfig(b, name, hcl.InitialPos)
	}
	if diags.HasErrors() {
		l.addDiags(diags, iac.SevError)
		return
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		l.addDiags(diags, iac.SevError)
	}
	for n, a := range attrs {
		if _, ok := src.varByName[n]; !ok {
			l.warnAt(a.NameRange, fmt.Sprintf("a value is given for undeclared variable %q", n))
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			l.addDiags(diags, iac.SevError)
			continue
		}
		vals[n] = assigned{val: v, at: a.Expr.Range()}
	}
}
