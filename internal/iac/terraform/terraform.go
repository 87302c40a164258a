// Package terraform registers Parapet's Terraform loaders: "terraform"
// reads configurations (.tf files, evaluated with their variables and
// modules), "plan" reads plans (terraform show -json). Both map resources
// with package tfmap, so their assets are the ones the AWS collectors
// produce. LoadState reads a state file the same way, for drift detection.
package terraform

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
	tfhcl "github.com/parapet-dev/parapet/internal/iac/hcl"
	"github.com/parapet-dev/parapet/internal/iac/tfmap"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// Framework names.
const (
	FrameworkConfig = "terraform"
	FrameworkPlan   = "plan"
)

// Options are the inputs Terraform takes from its command line.
type Options struct {
	// Vars are -var name=value assignments.
	Vars map[string]string
	// VarFiles are -var-file paths, applied after terraform.tfvars and
	// *.auto.tfvars.
	VarFiles []string
	// Now stamps CollectedAt; time.Now when nil.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// ConfigLoader reads Terraform configurations.
type ConfigLoader struct{ opts Options }

// NewConfigLoader returns a configuration loader with the given options.
func NewConfigLoader(opts Options) *ConfigLoader { return &ConfigLoader{opts: opts} }

func init() {
	iac.Register(NewConfigLoader(Options{}))
}

// Framework implements iac.Loader.
func (l *ConfigLoader) Framework() string { return FrameworkConfig }

// Detect implements iac.Loader: a .tf or .tf.json file.
func (l *ConfigLoader) Detect(path string, _ []byte) bool {
	return isConfigFile(path)
}

func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// Load implements iac.Loader. A .tf file is read with the rest of its
// directory (variables and locals live in other files), and only the
// resources written in it are kept. A directory is searched for root
// configurations: every directory holding .tf or .tf.json files that no other one
// calls as a local module. Paths in assets and diagnostics are relative to
// path (or to the file's directory).
func (l *ConfigLoader) Load(ctx context.Context, path string) (*iac.Result, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	res := &iac.Result{}
	if !info.IsDir() {
		dir := filepath.Dir(path)
		mod, diags := tfhcl.LoadDir(ctx, dir, tfhcl.Options{Vars: l.opts.Vars, VarFiles: l.opts.VarFiles})
		as, mdiags := tfmap.Map(mod, tfmap.Options{Root: path, Source: asset.SourceTerraform})
		file := filepath.Base(path)
		for _, a := range as {
			if a.Source.File == file {
				res.Assets = append(res.Assets, a)
			}
		}
		res.Diagnostics = append(diags, mdiags...)
		l.stamp(res)
		return res, nil
	}
	roots, diags := findRoots(ctx, path)
	res.Diagnostics = diags
	for _, dir := range roots {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rel, _ := filepath.Rel(path, dir)
		rel = filepath.ToSlash(rel)
		mod, ds := tfhcl.LoadDir(ctx, dir, tfhcl.Options{Vars: l.opts.Vars, VarFiles: l.opts.VarFiles})
		rebase(mod, ds, rel)
		as, mdiags := tfmap.Map(mod, tfmap.Options{Root: path, Source: asset.SourceTerraform})
		res.Assets = append(res.Assets, as...)
		res.Diagnostics = append(res.Diagnostics, ds...)
		res.Diagnostics = append(res.Diagnostics, mdiags...)
	}
	l.stamp(res)
	return res, nil
}

func (l *ConfigLoader) stamp(res *iac.Result) {
	now := l.opts.now()
	for i := range res.Assets {
		res.Assets[i].CollectedAt = now
	}
}

// rebase makes the paths of a configuration read from rel (relative to
// the scanned directory) relative to the scanned directory.
func rebase(mod *tfmodel.Module, diags []iac.Diagnostic, rel string) {
	if rel == "." || rel == "" {
		return
	}
	fix := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		if p == "." {
			return rel
		}
		return filepath.ToSlash(filepath.Join(rel, p))
	}
	for _, r := range mod.Resources {
		r.File = fix(r.File)
	}
	for _, p := range mod.Providers {
		p.File = fix(p.File)
	}
	for _, v := range mod.Variables {
		v.File = fix(v.File)
	}
	for i := range mod.Suppressions {
		mod.Suppressions[i].File = fix(mod.Suppressions[i].File)
	}
	for i := range diags {
		diags[i].File = fix(diags[i].File)
	}
}

// skipDir tells directories never searched: hidden ones (.terraform,
// .git) and vendored dependencies.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor"
}

// findRoots lists the root configurations under dir: directories with .tf or .tf.json
// files that are not the source of a local module call ("./modules/x")
// from another directory of the tree. A tree whose only configuration is
// a module is still read, as a root.
func findRoots(ctx context.Context, dir string) ([]string, []iac.Diagnostic) {
	var diags []iac.Diagnostic
	withTF := map[string]bool{}
	called := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			rel, _ := filepath.Rel(dir, p)
			diags = append(diags, iac.Diagnostic{File: filepath.ToSlash(rel), Severity: iac.SevError, Message: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !isConfigFile(name) || strings.HasPrefix(name, ".") {
			return nil
		}
		parent := filepath.Dir(p)
		withTF[parent] = true
		for _, src := range localModuleSources(p) {
			called[filepath.Clean(filepath.Join(parent, src))] = true
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		diags = append(diags, iac.Diagnostic{File: ".", Severity: iac.SevError, Message: err.Error()})
	}
	var roots []string
	for d := range withTF {
		if !called[d] {
			roots = append(roots, d)
		}
	}
	if len(roots) == 0 && len(withTF) > 0 {
		// Modules calling each other in a circle: read them all.
		for d := range withTF {
			roots = append(roots, d)
		}
	}
	sort.Strings(roots)
	return roots, diags
}

// localModuleSources returns the local sources ("./x", "../x") of the
// module blocks of a file, .tf or .tf.json, read through HCL's
// syntax-independent schema decoding. Parse errors are left to the
// configuration loader, which reports them with their location; a .tf
// file parsed in part still gives the modules it could read.
func localModuleSources(file string) []string {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var f *hcl.File
	if strings.HasSuffix(file, ".json") {
		var diags hcl.Diagnostics
		if f, diags = hcljson.Parse(b, file); diags.HasErrors() {
			return nil
		}
	} else {
		f, _ = hclsyntax.ParseConfig(b, file, hcl.InitialPos)
	}
	if f == nil || f.Body == nil {
		return nil
	}
	content, _, _ := f.Body.PartialContent(moduleSchema)
	var out []string
	for _, blk := range content.Blocks {
		attrs, _, _ := blk.Body.PartialContent(sourceSchema)
		attr, ok := attrs.Attributes["source"]
		if !ok {
			continue
		}
		// nil context: only a literal source is followed (a JSON string
		// is read as written).
		v, d := attr.Expr.Value(nil)
		if d.HasErrors() {
			continue
		}
		if s, ok := localSource(v); ok {
			out = append(out, s)
		}
	}
	return out
}

var (
	moduleSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}}}
	sourceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}}}
)

func localSource(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	s := v.AsString()
	if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
		return filepath.FromSlash(s), true
	}
	return "", false
}
