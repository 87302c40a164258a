// Package checktest runs checks against their fixtures. Every check ships
// with two fixture files next to it, testdata/<id>.pass.yaml and
// testdata/<id>.fail.yaml, each a list of assets: every asset of the pass
// file must evaluate to PASS and every asset of the fail file to FAIL
// (a case may instead expect NOT_APPLICABLE or ERROR, to cover `when` and
// collection failures). The built-in checks' Go test and the CLI's
// `parapet checks test DIR` both use it.
package checktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	// The fixtures of AWS checks need the AWS asset types registered.
	_ "github.com/parapet-dev/parapet/internal/awsshape"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Case is the outcome of one fixture case, or of a fixture problem (a
// missing, orphaned or malformed fixture file), which always fails.
type Case struct {
	CheckID  string
	File     string // fixture file
	Line     int    // line of the case in File (0 for file-level problems)
	Name     string
	Expected finding.Status
	Got      finding.Status // empty when nothing could be evaluated
	Message  string
}

// OK reports whether the case got what it expected.
func (c Case) OK() bool { return c.Got != "" && c.Got == c.Expected }

// Report holds every case of a run, ordered by check id and file.
type Report struct {
	Cases []Case
}

// Passed counts the cases that got what they expected.
func (r Report) Passed() int {
	n := 0
	for _, c := range r.Cases {
		if c.OK() {
			n++
		}
	}
	return n
}

// Failed counts the others.
func (r Report) Failed() int { return len(r.Cases) - r.Passed() }

// OK reports whether every case passed and there was at least one.
func (r Report) OK() bool { return len(r.Cases) > 0 && r.Failed() == 0 }

// Run tests checks against the fixtures beside them in fsys: a check
// defined in a/b.yaml has its fixtures in a/testdata/. With nil checks, the
// checks under root are loaded first. Checks loaded with check.LoadDir may
// be passed with fsys = os.DirFS(dir): a check's File is matched to fsys by
// its longest trailing part that exists there, and the report names
// fixtures the way File names the check. The error reports checks that
// could not be loaded or compiled; fixture problems are failing cases.
func Run(fsys fs.FS, root string, checks []*check.Check) (Report, error) {
	var loadErr error
	if checks == nil {
		checks, loadErr = check.LoadFS(fsys, root)
	}
	return run(fsys, root, checks, loadErr)
}

// RunDir loads the checks of a directory and tests them.
func RunDir(dir string) (Report, error) {
	checks, loadErr := check.LoadDir(dir)
	return run(os.DirFS(dir), ".", checks, loadErr)
}

var kinds = []struct {
	suffix string
	want   finding.Status
}{{".pass.yaml", finding.Pass}, {".fail.yaml", finding.Fail}}

// locate finds a check file in fsys: its path there, and the leading part
// of Check.File that fsys does not include (the directory given to
// LoadDir), used to name fixtures in the report.
func locate(fsys fs.FS, c *check.Check) (fsPath, prefix string) {
	parts := strings.Split(filepath.ToSlash(c.File), "/")
	for i := range parts {
		cand := strings.Join(parts[i:], "/")
		if !fs.ValidPath(cand) {
			continue
		}
		if _, err := fs.Stat(fsys, cand); err == nil {
			return cand, strings.Join(parts[:i], "/")
		}
	}
	return path.Clean(filepath.ToSlash(c.File)), ""
}

func shown(prefix, p string) string {
	if prefix == "" {
		return filepath.FromSlash(p)
	}
	return filepath.Join(filepath.FromSlash(prefix), filepath.FromSlash(p))
}

func run(fsys fs.FS, root string, checks []*check.Check, loadErr error) (Report, error) {
	eng, engErr := engine.New(checks)
	var rep Report
	claimed := map[string]bool{} // fixture paths some check owns
	prefixes := map[string]bool{}
	sorted := append([]*check.Check(nil), checks...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, c := range sorted {
		fp, prefix := locate(fsys, c)
		prefixes[prefix] = true
		dir := path.Join(path.Dir(fp), "testdata")
		_, compiled := eng.Check(c.ID)
		for _, k := range kinds {
			f := path.Join(dir, c.ID+k.suffix)
			claimed[f] = true
			if compiled { // otherwise reported in the error
				rep.Cases = append(rep.Cases, runFixture(fsys, f, shown(prefix, f), c, k.want, eng)...)
			}
		}
	}
	prefix := ""
	if len(prefixes) == 1 {
		for p := range prefixes {
			prefix = p
		}
	}
	rep.Cases = append(rep.Cases, orphans(fsys, root, claimed, func(p string) string { return shown(prefix, p) })...)
	return rep, errors.Join(loadErr, engErr)
}

func runFixture(fsys fs.FS, fp, shown string, c *check.Check, want finding.Status, eng *engine.Engine) []Case {
	data, err := fs.ReadFile(fsys, fp)
	if errors.Is(err, fs.ErrNotExist) {
		return []Case{{CheckID: c.ID, File: shown, Name: "fixture present", Expected: want,
			Message: fmt.Sprintf("missing fixture %s: every check ships with a passing and a failing fixture", shown)}}
	}
	if err != nil {
		return []Case{{CheckID: c.ID, File: shown, Name: "fixture readable", Expected: want, Message: err.Error()}}
	}
	fx, err := parseFixture(shown, data, c, want)
	if err != nil {
		return []Case{{CheckID: c.ID, File: shown, Name: "fixture valid", Expected: want, Message: err.Error()}}
	}
	out := make([]Case, 0, len(fx.cases))
	for _, fc := range fx.cases {
		a := fc.asset
		r, _ := eng.EvaluateCheck(c.ID, &a, fx.now)
		cs := Case{CheckID: c.ID, File: shown, Line: fc.line, Name: fc.name, Expected: fc.expect, Got: r.Status, Message: r.Message}
		if !cs.OK() {
			cs.Message = mismatch(r)
		}
		out = append(out, cs)
	}
	return out
}

// mismatch explains an unexpected result with its message and evidence.
func mismatch(r finding.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "got %s", r.Status)
	if r.Message != "" {
		fmt.Fprintf(&b, " (%s)", r.Message)
	}
	if len(r.Evidence) > 0 {
		ev, err := json.Marshal(r.Evidence)
		if err == nil {
			fmt.Fprintf(&b, "; evidence: %s", ev)
		}
	}
	return b.String()
}

// orphans reports fixture files whose check does not exist (renamed or
// deleted), which would otherwise silently stop being run.
func orphans(fsys fs.FS, root string, claimed map[string]bool, display func(string) string) []Case {
	var out []Case
	_ = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(path.Dir(p)) != "testdata" {
			return nil
		}
		for _, k := range kinds {
			if strings.HasSuffix(p, k.suffix) && !claimed[p] {
				id := strings.TrimSuffix(path.Base(p), k.suffix)
				out = append(out, Case{CheckID: id, File: display(p), Name: "fixture has a check", Expected: k.want,
					Message: fmt.Sprintf("fixture %s has no check with id %q in %s", display(p), id, display(path.Dir(path.Dir(p))))})
			}
		}
		return nil
	})
	return out
}

// T runs the checks under root in fsys as subtests named
// <check id>/<pass|fail>/<case name>; checks that fail to load fail the
// test.
func T(t *testing.T, fsys fs.FS, root string) {
	t.Helper()
	rep, err := Run(fsys, root, nil)
	if err != nil {
		t.Errorf("loading checks:\n%v", err)
	}
	if len(rep.Cases) == 0 {
		t.Fatalf("no checks or fixtures found under %s", root)
	}
	for _, c := range rep.Cases {
		kind := "pass"
		if strings.HasSuffix(c.File, ".fail.yaml") {
			kind = "fail"
		}
		t.Run(c.CheckID+"/"+kind+"/"+c.Name, func(t *testing.T) {
			if !c.OK() {
				loc := c.File
				if c.Line > 0 {
					loc = fmt.Sprintf("%s:%d", c.File, c.Line)
				}
				t.Errorf("%s: want %s: %s", loc, c.Expected, c.Message)
			}
		})
	}
}
