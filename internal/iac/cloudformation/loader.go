// Package cloudformation reads AWS CloudFormation templates (YAML, in short
// or long intrinsic form, and JSON) into the assets the AWS collectors
// produce, so every check applies unchanged before deployment.
//
// Templates are evaluated: parameters (defaults, or values given in
// Options), conditions, mappings and intrinsic functions are resolved.
// What only CloudFormation knows at deploy time (a parameter without a
// default, an imported value, a condition on either) is never guessed: the
// Config field it feeds is left at its zero value with an asset.FieldError
// of code "Unknown", so checks reading it report ERROR. A Ref or GetAtt of
// another resource is known to be set: it renders as "${LogicalId.Attr}"
// and joins the resources it links (a bucket policy to its bucket, an
// ingress rule to its security group).
package cloudformation

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
)

// Framework is the loader's name.
const Framework = "cloudformation"

// maxFileSize bounds what is read as a template; CloudFormation itself
// accepts at most 1 MB.
const maxFileSize = 16 << 20

// Options tunes a Loader.
type Options struct {
	// Parameters sets template parameters by name, overriding their
	// defaults. Pseudo parameters may be set too (AWS::Region,
	// AWS::AccountId, AWS::Partition, AWS::StackName, ...); unset, they
	// render as "${AWS::Region}" and assets have no region or account.
	Parameters map[string]string
	// Now stamps CollectedAt; time.Now when nil.
	Now func() time.Time
}

// Loader reads CloudFormation templates.
type Loader struct {
	opts Options
}

// New returns a loader with the given options.
func New(opts Options) *Loader {
	if opts.Parameters == nil {
		opts.Parameters = map[string]string{}
	}
	return &Loader{opts: opts}
}

func init() { iac.Register(New(Options{})) }

// Framework implements iac.Loader.
func (l *Loader) Framework() string { return Framework }

// templateExt tells the file names that may hold templates.
func templateExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json", ".template":
		return true
	}
	return false
}

var resourceType = regexp.MustCompile(`["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::[A-Za-z0-9]+`)

// looksLikeTemplate is the cheap test on a file's first bytes.
func looksLikeTemplate(b []byte) bool {
	return bytes.Contains(b, []byte("AWSTemplateFormatVersion")) ||
		(bytes.Contains(b, []byte("Resources")) && resourceType.Match(b))
}

// Detect implements iac.Loader: a YAML or JSON file that declares
// AWSTemplateFormatVersion or holds resources of AWS types.
func (l *Loader) Detect(path string, head []byte) bool {
	return templateExt(path) && looksLikeTemplate(head)
}

// Load implements iac.Loader: it reads a template file, or every template
// under a directory (other YAML and JSON files are skipped silently;
// hidden directories and node_modules are not entered).
func (l *Loader) Load(ctx context.Context, path string) (*iac.Result, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cloudformation: %w", err)
	}
	res := &iac.Result{}
	if !info.IsDir() {
		l.loadFile(path, filepath.Base(path), true, res)
		return res, nil
	}
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{File: p, Severity: iac.SevError, Message: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != path && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !templateExt(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			rel = d.Name()
		}
		l.loadFile(p, filepath.ToSlash(rel), false, res)
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("cloudformation: %w", err)
	}
	return res, nil
}

// loadFile reads one file. explicit is set when the user named the file:
// then a file that is not a template is reported rather than skipped.
func (l *Loader) loadFile(file, rel string, explicit bool, res *iac.Result) {
	info, err := os.Stat(file)
	if err == nil && info.Size() > maxFileSize {
		res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{File: file, Severity: iac.SevWarning,
			Message: fmt.Sprintf("skipped: %d bytes is larger than a template can be", info.Size())})
		return
	}
	src, err := os.ReadFile(file)
	if err != nil {
		res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{File: file, Severity: iac.SevError, Message: err.Error()})
		return
	}
	if !explicit && !looksLikeTemplate(src) {
		return
	}
	assets, diags := l.loadBytes(file, rel, src, explicit)
	res.Assets = append(res.Assets, assets...)
	res.Diagnostics = append(res.Diagnostics, diags...)
}

// loadBytes turns one template's text into assets.
func (l *Loader) loadBytes(file, rel string, src []byte, explicit bool) (assets []asset.Asset, diags []iac.Diagnostic) {
	defer func() {
		// A bug in a mapper must cost one template, not the scan.
		if r := recover(); r != nil {
			assets = nil
			diags = append(diags, iac.Diagnostic{File: file, Severity: iac.SevError, Message: fmt.Sprintf("internal error reading template: %v", r)})
		}
	}()
	root, multi, err := parseDocument(src)
	if err != nil {
		pe, _ := err.(*parseError)
		d := iac.Diagnostic{File: file, Severity: iac.SevError, Message: "cannot parse template: " + err.Error()}
		if pe != nil {
			d.Line = pe.line
		}
		return nil, []iac.Diagnostic{d}
	}
	if !isTemplate(root) {
		if explicit {
			return nil, []iac.Diagnostic{{File: file, Line: root.Line, Severity: iac.SevWarning,
				Message: "not a CloudFormation template (no AWSTemplateFormatVersion and no AWS resources)"}}
		}
		return nil, nil
	}
	now := time.Now().UTC()
	if l.opts.Now != nil {
		now = l.opts.Now()
	}
	t := newTemplate(&l.opts, file, rel, src, root, now)
	if multi {
		t.warnf(root, "the file holds several YAML documents; only the first is read")
	}
	assets = t.assets()
	return assets, t.diags
}
