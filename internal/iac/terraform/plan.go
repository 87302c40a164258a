package terraform

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmap"
	"github.com/parapet-dev/parapet/internal/iac/tfplan"
)

// PlanLoader reads plans written by `terraform show -json <planfile>`.
type PlanLoader struct{ opts Options }

// NewPlanLoader returns a plan loader.
func NewPlanLoader(opts Options) *PlanLoader { return &PlanLoader{opts: opts} }

func init() {
	iac.Register(NewPlanLoader(Options{}))
}

// Framework implements iac.Loader.
func (l *PlanLoader) Framework() string { return FrameworkPlan }

// Detect implements iac.Loader: a JSON document with the format_version
// and planned_values of a plan. Terraform writes the plan's variables
// before planned_values, so when the head ends inside them the variables
// key stands for it (a state has format_version but no variables).
func (l *PlanLoader) Detect(_ string, head []byte) bool { return isPlan(head) }

func isPlan(head []byte) bool {
	h := bytes.TrimSpace(head)
	if !bytes.HasPrefix(h, []byte("{")) || !bytes.Contains(h, []byte(`"format_version"`)) {
		return false
	}
	return bytes.Contains(h, []byte(`"planned_values"`)) || bytes.Contains(h, []byte(`"variables"`))
}

// headSize is how much of a JSON file a directory scan reads to tell a
// plan: format_version comes first and the variables key soon after.
const headSize = 64 << 10

// Load implements iac.Loader: a plan file, or every plan JSON file under a
// directory (other JSON files are skipped).
func (l *PlanLoader) Load(ctx context.Context, path string) (*iac.Result, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	res := &iac.Result{}
	if !info.IsDir() {
		l.loadFile(path, path, res)
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
			if p != path && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.EqualFold(filepath.Ext(p), ".json") {
			return nil
		}
		head, err := readHead(p, headSize)
		if err != nil || !isPlan(head) {
			return nil
		}
		l.loadFile(p, p, res)
		return nil
	})
	if err != nil {
		return res, err
	}
	return res, nil
}

func (l *PlanLoader) loadFile(path, root string, res *iac.Result) {
	mod, diags, err := tfplan.LoadPlan(path)
	if err != nil {
		res.Diagnostics = append(res.Diagnostics, iac.Diagnostic{File: path, Severity: iac.SevError, Message: err.Error()})
		return
	}
	res.Diagnostics = append(res.Diagnostics, diags...)
	as, mdiags := tfmap.Map(mod, tfmap.Options{Root: root, Source: asset.SourcePlan})
	res.Diagnostics = append(res.Diagnostics, mdiags...)
	now := l.opts.now()
	for i := range as {
		as[i].CollectedAt = now
	}
	res.Assets = append(res.Assets, as...)
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	m, err := io.ReadFull(f, b)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return b[:m], nil
}

// LoadState reads a state file (terraform.tfstate, or `terraform show
// -json` of one) into the assets it records, for comparing what is
// deployed with the configuration (drift). Their Source kind is snapshot;
// their UIDs end in the same resource addresses as the configuration's.
func LoadState(path string) ([]asset.Asset, []iac.Diagnostic, error) {
	mod, diags, err := tfplan.LoadState(path)
	if err != nil {
		return nil, diags, err
	}
	as, mdiags := tfmap.Map(mod, tfmap.Options{Root: path, Source: asset.SourceSnapshot})
	return as, append(diags, mdiags...), nil
}
