// Package tfmap turns Terraform resources (from a configuration, a plan or
// a state, all read into a tfmodel.Module) into the canonical assets the
// AWS collectors produce, so every check applies to code unchanged.
//
// Each mapper is a function from one resource's arguments, and the
// resources joined to it (a bucket's public access block, a security
// group's rules), to an awsshape struct. Values Terraform knows only at
// apply time leave their Config field at its zero value with an
// asset.FieldError (code "Unknown"), so checks reading them report ERROR
// instead of guessing; defaults AWS applies when an argument is omitted
// are filled in as the API would report them.
package tfmap

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// Options say where the module was read from.
type Options struct {
	// Root is the directory or file scanned. Asset UIDs are relative to
	// it, so they are stable wherever the tree is checked out.
	Root string
	// Source is the kind recorded on every asset: terraform, plan, or
	// snapshot (a state file).
	Source asset.SourceKind
}

// mapFunc maps one resource; it emits its assets through the mapping.
type mapFunc func(m *mapping)

// registry holds the mapper of every supported resource type.
var registry = map[string]mapFunc{}

// register adds a mapper; it panics on a duplicate, a programming error.
func register(tfType string, fn mapFunc) {
	if _, dup := registry[tfType]; dup || fn == nil {
		panic("tfmap: bad or duplicate mapper for " + tfType)
	}
	registry[tfType] = fn
}

// Supported reports whether a managed resource type is mapped to an asset
// (directly, or joined into the asset of another resource).
func Supported(tfType string) bool {
	_, ok := registry[tfType]
	return ok || joinedTypes[tfType]
}

// SupportedTypes lists the mapped and joined resource types, sorted.
func SupportedTypes() []string {
	var out []string
	for t := range registry {
		out = append(out, t)
	}
	for t := range joinedTypes {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Skipped counts the managed resources of a module, by type, that no
// mapper reads. They are left out of the assets silently.
func Skipped(mod *tfmodel.Module) map[string]int {
	out := map[string]int{}
	for _, r := range mod.Resources {
		if r != nil && r.Mode != "data" && !Supported(r.Type) {
			out[r.Type]++
		}
	}
	return out
}

// joinedTypes are resource types that produce no asset of their own: they
// are read by the mapper of the resource they configure.
var joinedTypes = map[string]bool{}

func joined(types ...string) {
	for _, t := range types {
		joinedTypes[t] = true
	}
}

// Map turns a module into assets: one per mapped resource (plus the
// volumes an instance creates), one per provider block and variable, and
// one per inline suppression. Problems are diagnostics naming file:line.
func Map(mod *tfmodel.Module, opts Options) ([]asset.Asset, []iac.Diagnostic) {
	if mod == nil {
		return nil, nil
	}
	ix := newIndex(mod, opts)
	var out []asset.Asset
	for _, r := range mod.Resources {
		if r == nil || r.Mode == "data" {
			continue
		}
		fn, ok := registry[r.Type]
		if !ok {
			continue
		}
		out = append(out, ix.mapOne(fn, r)...)
	}
	out = append(out, ix.codeAssets()...)
	ix.reportUnjoined()
	return out, ix.diags
}

// mapOne runs one mapper. No input may crash a scan: a mapper that fails
// on a value it did not expect loses that resource, with an error
// diagnostic at it.
func (ix *index) mapOne(fn mapFunc, r *tfmodel.Resource) (out []asset.Asset) {
	defer func() {
		if p := recover(); p != nil {
			ix.diag(r, iac.SevError, "internal error mapping %s, which is not checked: %v", r.Type, p)
			out = nil
		}
	}()
	m := ix.mapping(r, "")
	fn(m)
	return m.out
}

// index is a module with the lookups mappers need.
type index struct {
	mod    *tfmodel.Module
	opts   Options
	prefix string // "terraform:<root-relative dir or file>"
	byAddr map[string]*tfmodel.Resource
	byType map[string][]*tfmodel.Resource // data sources under "data.<type>"
	pos    map[*tfmodel.Resource]int      // position in the module, for stable joins
	links  map[string]*linkIndex
	diags  []iac.Diagnostic
	warned map[string]bool
}

func newIndex(mod *tfmodel.Module, opts Options) *index {
	ix := &index{
		mod:    mod,
		opts:   opts,
		byAddr: map[string]*tfmodel.Resource{},
		byType: map[string][]*tfmodel.Resource{},
		pos:    map[*tfmodel.Resource]int{},
		links:  map[string]*linkIndex{},
		warned: map[string]bool{},
	}
	for i, r := range mod.Resources {
		if r == nil {
			continue
		}
		ix.pos[r] = i
		ix.byAddr[r.Address] = r
		t := r.Type
		if r.Mode == "data" {
			t = "data." + t
		}
		ix.byType[t] = append(ix.byType[t], r)
	}
	ix.prefix = "terraform:" + rootRelative(mod, opts.Root)
	return ix
}

// rootRelative names the configuration for UIDs: its root module's
// directory relative to the scanned directory ("." when they are the
// same), or the scanned file's name. Relative file paths in the module
// are relative to the scanned directory, as the HCL loader writes them.
func rootRelative(mod *tfmodel.Module, root string) string {
	if isFile(root) {
		return filepath.Base(root)
	}
	for _, f := range rootModuleFiles(mod) {
		if f != "" {
			return relTo(root, filepath.Dir(f))
		}
	}
	return "."
}

// relTo expresses a path relative to the scanned root, in slash form: a
// relative path already is; an absolute one is made relative when it is
// inside the root.
func relTo(root, p string) string {
	if !filepath.IsAbs(p) || root == "" {
		return filepath.ToSlash(filepath.Clean(p))
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(absRoot, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// isFile reports whether the scanned root is a file (a .tf file, a plan,
// a state) rather than a directory. A path that does not exist is taken
// as a file when it has an extension, so that mapping stays a function of
// its inputs in tests.
func isFile(root string) bool {
	if root == "" {
		return false
	}
	fi, err := os.Stat(root)
	if err != nil {
		return filepath.Ext(root) != ""
	}
	return !fi.IsDir()
}

func rootModuleFiles(mod *tfmodel.Module) []string {
	var out []string
	for _, r := range mod.Resources {
		if r != nil && r.Module == "" {
			out = append(out, r.File)
		}
	}
	for _, p := range mod.Providers {
		if p != nil && p.Module == "" {
			out = append(out, p.File)
		}
	}
	for _, v := range mod.Variables {
		if v != nil && v.Module == "" {
			out = append(out, v.File)
		}
	}
	return out
}

// uid is the UID of the asset of a resource address.
func (ix *index) uid(address string) string { return ix.prefix + "#" + address }

// planUnknownReason is the reason the plan reader gives an attribute that
// after_unknown marks unknown and whose configuration has no expression.
const planUnknownReason = "known after apply"

// planUnset reports whether a plan value is an argument the configuration
// does not set and the provider computes (an Optional+Computed attribute:
// a bucket's inline versioning, a group's inline ingress, an instance's
// metadata_options): after apply it holds what AWS sets by default plus
// what separate resources configure, which is what a mapper makes of an
// omitted argument. Configured values a plan cannot know carry a reason
// naming what they come from and stay unknown.
func (ix *index) planUnset(v any) bool {
	if ix.opts.Source != asset.SourcePlan {
		return false
	}
	u, ok := isUnknown(v)
	return ok && u.Reason == planUnknownReason
}

// arg returns an argument of a resource read directly (not through a
// mapping), with the same treatment of plan-unset values as attrs.raw.
func (ix *index) arg(r *tfmodel.Resource, name string) any {
	v := r.Attributes[name]
	if ix.planUnset(v) {
		return nil
	}
	return v
}

// resolve returns the resource a Ref points to, if it is in the module.
func (ix *index) resolve(v any) (*tfmodel.Resource, tfmodel.Ref, bool) {
	ref, ok := asRef(v)
	if !ok {
		return nil, ref, false
	}
	r := ix.byAddr[ref.Address]
	return r, ref, r != nil
}

// diag records a diagnostic located at a resource.
func (ix *index) diag(r *tfmodel.Resource, sev, format string, args ...any) {
	d := iac.Diagnostic{Severity: sev, Message: fmt.Sprintf(format, args...)}
	if r != nil {
		d.File, d.Line = r.File, r.StartLine
		d.Message = r.Address + ": " + d.Message
	}
	ix.diags = append(ix.diags, d)
}

// warnOnce records a warning at most once per key.
func (ix *index) warnOnce(key string, r *tfmodel.Resource, format string, args ...any) {
	if ix.warned[key] {
		return
	}
	ix.warned[key] = true
	ix.diag(r, iac.SevWarning, format, args...)
}

// provider returns the provider block a resource uses, looked up in the
// resource's module and then in the root module (where child modules
// inherit it from).
func (ix *index) provider(r *tfmodel.Resource) *tfmodel.Provider {
	name, alias, _ := strings.Cut(r.Provider, ".")
	if name == "" {
		name, _, _ = strings.Cut(r.Type, "_")
	}
	for _, mod := range []string{staticPath(r.Module), ""} {
		for _, p := range ix.mod.Providers {
			if p != nil && p.Name == name && p.Alias == alias && staticPath(p.Module) == mod {
				return p
			}
		}
	}
	return nil
}

// staticPath drops the instance keys of a module path
// (module.a[0].module.b["x"] -> module.a.module.b): provider blocks belong
// to a module, not to one of its instances.
func staticPath(p string) string {
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	depth := 0
	inQuote := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case c == '"' && depth > 0:
			inQuote = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// region is the region a resource is created in; "" when not known. A
// resource's own region argument (AWS provider v6, or the computed region
// of a bucket in a state) wins over its provider's.
func (ix *index) region(r *tfmodel.Resource) string {
	if s, ok := ix.arg(r, "region").(string); ok && s != "" {
		return s
	}
	if r.Region != "" {
		return r.Region
	}
	if p := ix.provider(r); p != nil {
		if s, ok := p.Attributes["region"].(string); ok {
			return s
		}
	}
	return ""
}

// account is the account a resource is created in, when known: from its
// ARN (in a state), or when the provider pins it with a single
// allowed_account_ids entry.
func (ix *index) account(r *tfmodel.Resource) string {
	if arn, ok := r.Attributes["arn"].(string); ok {
		if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && accountID.MatchString(parts[4]) {
			return parts[4]
		}
	}
	p := ix.provider(r)
	if p == nil {
		return ""
	}
	ids, ok := listOf(p.Attributes["allowed_account_ids"])
	if !ok || len(ids) != 1 {
		return ""
	}
	s, _ := ids[0].(string)
	return s
}

// defaultTags are the provider's default_tags { tags = {...} }.
func (ix *index) defaultTags(r *tfmodel.Resource) map[string]string {
	p := ix.provider(r)
	if p == nil {
		return nil
	}
	a := attrs{m: &mapping{ix: ix}, vals: p.Attributes}
	dt, ok := a.block("default_tags", "")
	if !ok {
		return nil
	}
	tags, _ := dt.strMap("tags")
	return tags
}

// mapping is the work of mapping one resource (or one asset derived from
// it, such as an instance's root volume).
type mapping struct {
	ix     *index
	r      *tfmodel.Resource
	a      attrs
	suffix string // "" for the resource itself, "/root_block_device", ...
	// tagOverride replaces the tags argument for assets that take their
	// tags elsewhere (an instance's volumes).
	tagOverride map[string]string
	errs        []asset.FieldError
	rels        []asset.Relation
	out         []asset.Asset
}

func (ix *index) mapping(r *tfmodel.Resource, suffix string) *mapping {
	m := &mapping{ix: ix, r: r, suffix: suffix}
	m.a = attrs{m: m, vals: r.Attributes}
	return m
}

// sub starts the mapping of another asset created by the same resource.
func (m *mapping) sub(suffix string) *mapping { return m.ix.mapping(m.r, suffix) }

// unknown records that a Config field depends on an argument known only
// at apply time.
func (m *mapping) unknown(field, arg, reason string) {
	m.errs = append(m.errs, asset.FieldError{Path: field, Code: CodeUnknown, Message: unknownMessage(arg, reason)})
}

// invalid records an argument that cannot be read, as a FieldError and a
// diagnostic at the resource. The resource is still checked (the checks
// reading the field report ERROR), so the diagnostic is a warning.
func (m *mapping) invalid(field, arg, msg string) {
	m.errs = append(m.errs, asset.FieldError{Path: field, Code: CodeInvalidValue, Message: arg + ": " + msg})
	m.ix.diag(m.r, iac.SevWarning, "%s: %s", arg, msg)
}

// fieldError records any other problem with a field.
func (m *mapping) fieldError(field, code, msg string) {
	m.errs = append(m.errs, asset.FieldError{Path: field, Code: code, Message: msg})
}

// relate adds an edge to what v names: a resource of the module (by its
// UID) or a literal ARN.
func (m *mapping) relate(typ string, v any) {
	if t, _, ok := m.ix.resolve(v); ok {
		m.rels = append(m.rels, asset.Relation{Type: typ, Target: m.ix.uid(t.Address)})
		return
	}
	if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
		m.rels = append(m.rels, asset.Relation{Type: typ, Target: s})
	}
}

// Relation types, as the AWS collectors name them.
const (
	relInVPC         = "in_vpc"
	relInSubnet      = "in_subnet"
	relSecurityGroup = "has_security_group"
	relAttachedTo    = "attached_to"
	relEncryptedWith = "encrypted_with"
	relMemberOf      = "member_of"
	relHasPolicy     = "has_policy"
	relDeliversTo    = "delivers_to"
)

// emit builds the asset of this mapping. name is the resource's own name
// when known; the address stands in for it otherwise.
func (m *mapping) emit(typ, name string, shape any) {
	m.emitAs(awsshape.Provider, typ, name, m.ix.region(m.r), shape)
}

func (m *mapping) emitAs(provider, typ, name, region string, shape any) {
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		m.ix.diag(m.r, iac.SevError, "%v", err)
		return
	}
	addr := m.r.Address + m.suffix
	if name == "" {
		name = addr
	}
	a := asset.Asset{
		UID:       m.ix.uid(addr),
		Provider:  provider,
		Account:   m.ix.account(m.r),
		Region:    region,
		Type:      typ,
		Name:      name,
		Tags:      m.tags(),
		Config:    cfg,
		Relations: sortRelations(m.rels),
		Source:    asset.Source{Kind: m.ix.opts.Source, File: m.r.File, StartLine: m.r.StartLine, EndLine: m.r.EndLine},
		Errors:    dedupeErrors(m.errs),
	}
	a.Hash = a.ComputeHash()
	m.out = append(m.out, a)
}

// tags merges the provider's default_tags with the resource's tags (which
// win), as AWS ends up holding them.
func (m *mapping) tags() map[string]string {
	if m.tagOverride != nil {
		if len(m.tagOverride) == 0 {
			return nil
		}
		return m.tagOverride
	}
	out := map[string]string{}
	for k, v := range m.ix.defaultTags(m.r) {
		out[k] = v
	}
	// A state or plan records the merged tags as tags_all.
	all, _ := m.a.strMap("tags_all")
	for k, v := range all {
		out[k] = v
	}
	own, _ := m.a.strMap("tags")
	for k, v := range own {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sortRelations(rels []asset.Relation) []asset.Relation {
	if len(rels) == 0 {
		return nil
	}
	seen := map[asset.Relation]bool{}
	out := make([]asset.Relation, 0, len(rels))
	for _, r := range rels {
		if r.Target != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Target < out[j].Target
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func sortErrors(errs []asset.FieldError) {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Path != errs[j].Path {
			return errs[i].Path < errs[j].Path
		}
		return errs[i].Message < errs[j].Message
	})
}
