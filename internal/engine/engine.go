// Package engine evaluates checks against assets. Expressions are compiled
// once, when the engine is built; evaluating a check on an asset runs the
// compiled programs and never parses. An Engine is immutable and safe for
// concurrent use.
package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/engine/celenv"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Engine holds compiled checks indexed by resource type.
type Engine struct {
	checks []*check.Check
	byID   map[string]*compiled
	byType map[string]*typeChecks
}

// typeChecks are the checks of one resource type. Evidence maps are the
// largest allocation of an evaluation, so they are shared where that is
// exact: checks that read the same fields share one evidence map per asset
// (groups lists the distinct read sets and each entry names its groups),
// and a single field holding a scalar gets one map per distinct value
// across assets (interns, for groups of one read).
type typeChecks struct {
	entries []entry
	groups  [][]read
	interns []*interner
}

type entry struct {
	cc            *compiled
	whenEv, allEv int
}

func (tc *typeChecks) group(rs []read) int {
	for i, g := range tc.groups {
		if sameReads(g, rs) {
			return i
		}
	}
	tc.groups = append(tc.groups, rs)
	var in *interner
	if len(rs) == 1 {
		in = &interner{}
	}
	tc.interns = append(tc.interns, in)
	return len(tc.groups) - 1
}

// interner shares the evidence maps of a one-field read set between assets
// whose field holds the same scalar: {"config.Encrypted": true} is built
// once, not once per volume. It holds at most maxInterned values, so
// fields with unique values (names, ids) stop being interned early.
type interner struct {
	maps sync.Map // scalar value -> map[string]any
	n    atomic.Int32
}

const (
	maxInterned       = 256
	maxInternedString = 64
)

func internable(v any) bool {
	switch t := v.(type) {
	case nil, bool, int64:
		return true
	case string:
		return len(t) <= maxInternedString
	}
	return false
}

func (in *interner) evidence(a *asset.Asset, r read) map[string]any {
	v := valueAt(a, r.segs)
	if !internable(v) {
		return map[string]any{r.key: v}
	}
	if m, ok := in.maps.Load(v); ok {
		return m.(map[string]any)
	}
	m := map[string]any{r.key: v}
	if in.n.Load() < maxInterned {
		if prev, loaded := in.maps.LoadOrStore(v, m); loaded {
			return prev.(map[string]any)
		}
		in.n.Add(1)
	}
	return m
}

func sameReads(a, b []read) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
	}
	return true
}

// compiled is a check with its programs and the fields each reads.
type compiled struct {
	check       *check.Check
	severity    string
	when        cel.Program // nil when the check has no `when`
	assert      cel.Program
	whenReads   []read
	assertReads []read
	allReads    []read
}

// read is one asset path an expression reads.
type read struct {
	key  string   // evidence key: "config.Policy", "tags", "resource"
	segs []string // path from the resource: [config Policy]
	// cfg is the path inside Config ("Policy") matched against
	// asset.FieldError paths; wholeAsset is set when the read covers all of
	// Config (or the whole resource); outside is set for fields outside
	// Config (tags, name, ...), which only a whole-asset error affects.
	cfg        string
	wholeAsset bool
	outside    bool
}

func newRead(segs []string) read {
	r := read{segs: segs, key: celenv.Path{Segments: segs}.String()}
	switch {
	case len(segs) == 0, len(segs) == 1 && segs[0] == "config":
		r.wholeAsset = true
	case segs[0] == "config":
		r.cfg = strings.Join(segs[1:], ".")
	default:
		r.outside = true
	}
	return r
}

// reads converts a compiled expression's paths, and merges them with
// others into the minimal covering set.
func reads(sets ...[][]string) []read {
	var all [][]string
	for _, s := range sets {
		all = append(all, s...)
	}
	var out []read
	for i, p := range all {
		covered := false
		for j, q := range all {
			if (len(q) < len(p) || (len(q) == len(p) && j < i)) && hasPrefix(p, q) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, newRead(p))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key }) // for sameReads
	return out
}

func hasPrefix(s, p []string) bool {
	if len(p) > len(s) {
		return false
	}
	for i := range p {
		if s[i] != p[i] {
			return false
		}
	}
	return true
}

// New compiles every check. Checks that fail to compile are left out and
// reported in the returned error (each naming file:line); the engine holds
// the others, so the caller decides whether one bad check stops a scan.
func New(checks []*check.Check) (*Engine, error) {
	e := &Engine{byID: map[string]*compiled{}, byType: map[string]*typeChecks{}}
	var errs []error
	for _, c := range checks {
		if c == nil {
			continue
		}
		if prev, dup := e.byID[c.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: duplicate check id %q: already defined in %s", where(c, 0), c.ID, where(prev.check, 0)))
			continue
		}
		cc, err := compileCheck(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e.add(cc)
	}
	return e, errors.Join(errs...)
}

func (e *Engine) add(cc *compiled) {
	e.checks = append(e.checks, cc.check)
	e.byID[cc.check.ID] = cc
	tc := e.byType[cc.check.ResourceType]
	if tc == nil {
		tc = &typeChecks{}
		e.byType[cc.check.ResourceType] = tc
	}
	tc.entries = append(tc.entries, entry{cc: cc, whenEv: tc.group(cc.whenReads), allEv: tc.group(cc.allReads)})
}

func where(c *check.Check, line int) string {
	f := c.File
	if f == "" {
		f = "check " + c.ID
	}
	if line > 0 {
		return fmt.Sprintf("%s:%d", f, line)
	}
	return f
}

func compileCheck(c *check.Check) (*compiled, error) {
	if c.ResourceType == "" {
		return nil, fmt.Errorf("%s: check %q has no resource type", where(c, 0), c.ID)
	}
	cc := &compiled{check: c, severity: c.Severity.String()}
	var whenExpr *celenv.Expr
	if strings.TrimSpace(c.When) != "" {
		x, prg, err := program(c.When)
		if err != nil {
			return nil, fmt.Errorf("%s: when: %w", where(c, c.WhenLine), err)
		}
		whenExpr, cc.when = x, prg
		cc.whenReads = reads(x.Reads)
	}
	x, prg, err := program(c.Assert)
	if err != nil {
		return nil, fmt.Errorf("%s: assert: %w", where(c, c.AssertLine), err)
	}
	cc.assert = prg
	cc.assertReads = reads(x.Reads)
	if whenExpr != nil {
		cc.allReads = reads(whenExpr.Reads, x.Reads)
	} else {
		cc.allReads = cc.assertReads
	}
	return cc, nil
}

func program(text string) (*celenv.Expr, cel.Program, error) {
	x, err := celenv.Compile(text)
	if err != nil {
		return nil, nil, err
	}
	prg, err := x.Program()
	if err != nil {
		return nil, nil, err
	}
	return x, prg, nil
}

// Checks lists the engine's checks in the order they were given.
func (e *Engine) Checks() []*check.Check { return e.checks }

// Check returns a check by id.
func (e *Engine) Check(id string) (*check.Check, bool) {
	cc, ok := e.byID[id]
	if !ok {
		return nil, false
	}
	return cc.check, true
}

// Filter returns an engine with the checks keep accepts, sharing the
// compiled programs.
func (e *Engine) Filter(keep func(*check.Check) bool) *Engine {
	out := &Engine{byID: map[string]*compiled{}, byType: map[string]*typeChecks{}}
	for _, c := range e.checks {
		if keep(c) {
			out.add(e.byID[c.ID])
		}
	}
	return out
}

// HasChecksFor reports whether any check applies to the resource type.
func (e *Engine) HasChecksFor(resourceType string) bool { return e.byType[resourceType] != nil }

// Evaluate runs every check for the asset's type.
func (e *Engine) Evaluate(a *asset.Asset, now time.Time) []finding.Result {
	return e.AppendResults(nil, a, now)
}

// EvaluateCheck runs one check on an asset; ok is false when the engine
// has no such check or the check is for another resource type.
func (e *Engine) EvaluateCheck(id string, a *asset.Asset, now time.Time) (r finding.Result, ok bool) {
	cc, found := e.byID[id]
	if !found || cc.check.ResourceType != a.Type {
		return finding.Result{}, false
	}
	act := activations.Get().(*activation)
	act.bind(a, now)
	r = cc.evaluate(act, a, now, entry{cc: cc, whenEv: -1, allEv: -1})
	act.release()
	return r, true
}

var activations = sync.Pool{New: func() any { return new(activation) }}

// AppendResults runs every check for the asset's type and appends the
// results to dst, so a caller evaluating many assets can reuse one slice.
// Results of one asset whose checks read the same fields share their
// Evidence map; evidence values are shared with the asset's Config. Treat
// both as read-only.
func (e *Engine) AppendResults(dst []finding.Result, a *asset.Asset, now time.Time) []finding.Result {
	tc := e.byType[a.Type]
	if tc == nil {
		return dst
	}
	act := activations.Get().(*activation)
	act.bind(a, now)
	if n := len(tc.groups); cap(act.ev) < n {
		act.ev = make([]map[string]any, n)
	} else {
		act.ev = act.ev[:n] // cleared by release
	}
	act.interns = tc.interns
	for _, en := range tc.entries {
		dst = append(dst, en.cc.evaluate(act, a, now, en))
	}
	act.release()
	return dst
}

func (cc *compiled) evaluate(act *activation, a *asset.Asset, now time.Time, en entry) finding.Result {
	r := finding.Result{
		CheckID:     cc.check.ID,
		Severity:    cc.severity,
		AssetUID:    a.UID,
		AssetType:   a.Type,
		AssetName:   a.Name,
		Provider:    a.Provider,
		Account:     a.Account,
		Region:      a.Region,
		Location:    location(a),
		EvaluatedAt: now,
	}
	if cc.when != nil {
		if msg, bad := fieldErrors(a.Errors, cc.whenReads); bad {
			r.Status, r.Message, r.Evidence = finding.Error, msg, act.evidence(en.allEv, cc.allReads)
			return r
		}
		ok, msg := run(cc.when, act)
		if msg != "" {
			r.Status, r.Message, r.Evidence = finding.Error, "when: "+msg, act.evidence(en.whenEv, cc.whenReads)
			return r
		}
		if !ok {
			r.Status, r.Message, r.Evidence = finding.NotApplicable, "when condition is false", act.evidence(en.whenEv, cc.whenReads)
			return r
		}
	}
	r.Evidence = act.evidence(en.allEv, cc.allReads)
	if msg, bad := fieldErrors(a.Errors, cc.assertReads); bad {
		r.Status, r.Message = finding.Error, msg
		return r
	}
	ok, msg := run(cc.assert, act)
	switch {
	case msg != "":
		r.Status, r.Message = finding.Error, "assert: "+msg
	case ok:
		r.Status = finding.Pass
	default:
		r.Status = finding.Fail
	}
	return r
}

// run evaluates a boolean program; msg is set when evaluation failed.
func run(prg cel.Program, act *activation) (ok bool, msg string) {
	out, _, err := prg.Eval(act)
	if err != nil {
		return false, err.Error()
	}
	b, isBool := out.(types.Bool)
	if !isBool {
		return false, fmt.Sprintf("evaluated to %s %v, not a bool", out.Type().TypeName(), out.Value())
	}
	return bool(b), ""
}

// fieldErrors reports the asset's collection failures that touch what the
// check reads: a path overlaps when one is a prefix of the other on a field
// boundary, and an error without a path covers the whole asset.
func fieldErrors(errs []asset.FieldError, rs []read) (string, bool) {
	if len(errs) == 0 {
		return "", false
	}
	var parts []string
	for _, fe := range errs {
		p := strings.TrimPrefix(fe.Path, "config.")
		if p == "config" {
			p = ""
		}
		for _, r := range rs {
			if p == "" || r.wholeAsset || (!r.outside && overlaps(p, r.cfg)) {
				parts = append(parts, describeFieldError(fe, p))
				break
			}
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return "not evaluated: " + strings.Join(parts, "; "), true
}

func describeFieldError(fe asset.FieldError, p string) string {
	what := "the asset"
	if p != "" {
		what = "config." + p
	}
	return what + " could not be collected (" + reason(fe.Action, fe.Code, fe.Message) + ")"
}

// reason formats "action: code: message", leaving out empty parts.
func reason(action, code, message string) string {
	var parts []string
	for _, s := range []string{action, code, message} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, ": ")
}

// overlaps reports whether one dotted path is a prefix of the other on a
// field boundary ("Policy" and "Policy.Statement" overlap, "Policy" and
// "PolicyStatus" do not). '[' is a boundary too, for indexed paths.
func overlaps(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if !strings.HasPrefix(b, a) {
		return false
	}
	return len(a) == len(b) || b[len(a)] == '.' || b[len(a)] == '['
}

// evidence copies the values the check reads out of the asset (missing
// ones as null). Values are shared with the asset, not deep-copied.
func evidence(a *asset.Asset, rs []read) map[string]any {
	if len(rs) == 0 {
		return nil
	}
	m := make(map[string]any, len(rs))
	for _, r := range rs {
		m[r.key] = valueAt(a, r.segs)
	}
	return m
}

func valueAt(a *asset.Asset, segs []string) any {
	if len(segs) == 0 {
		return (&resource{a}).native()
	}
	var cur any
	switch segs[0] {
	case "config":
		cur = a.Config
	case "tags":
		if len(segs) == 1 {
			return a.Tags
		}
		if v, ok := a.Tags[segs[1]]; ok && len(segs) == 2 {
			return v
		}
		return nil
	default:
		v, _ := (&resource{a}).FindStringKey(segs[0])
		if len(segs) > 1 {
			return nil
		}
		return v
	}
	for _, s := range segs[1:] {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[s]; !ok {
			return nil
		}
	}
	return cur
}

// ResourceTypes lists, sorted, the asset types some check applies to.
func (e *Engine) ResourceTypes() []string {
	out := make([]string, 0, len(e.byType))
	for t := range e.byType {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Gap returns an ERROR result for every check on a resource type the
// diagnostic says could not be collected in its account and region, so a
// failed listing shows up as errors rather than as an absence of failures.
func (e *Engine) Gap(d collect.Diagnostic, now time.Time) []finding.Result {
	var out []finding.Result
	for _, t := range d.ResourceTypes {
		tc := e.byType[t]
		if tc == nil {
			continue
		}
		uid := fmt.Sprintf("%s:%s:%s:%s:*", d.Provider, d.Account, d.Region, t)
		scope := d.Account
		if d.Region != "" {
			scope += "/" + d.Region
		}
		msg := fmt.Sprintf("not evaluated: %s resources in %s could not be collected (%s)", t, scope, reason(d.Action, d.Code, d.Message))
		for _, en := range tc.entries {
			cc := en.cc
			out = append(out, finding.Result{
				CheckID:     cc.check.ID,
				Severity:    cc.severity,
				AssetUID:    uid,
				AssetType:   t,
				Provider:    d.Provider,
				Account:     d.Account,
				Region:      d.Region,
				Status:      finding.Error,
				Message:     msg,
				EvaluatedAt: now,
			})
		}
	}
	return out
}

// location points results of code assets at their definition.
func location(a *asset.Asset) *finding.Location {
	if a.Source.File == "" {
		return nil
	}
	return &finding.Location{File: a.Source.File, StartLine: a.Source.StartLine, EndLine: a.Source.EndLine}
}
