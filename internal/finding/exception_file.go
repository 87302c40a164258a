package finding

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/yamldoc"
)

// ExceptionFile is the document of exceptions as code, in YAML or JSON:
//
//	exceptions:
//	  - id: EXC-0001
//	    scope: {checks: [aws-ec2-sg-internet-ssh], assets: ["arn:aws:ec2:us-east-1:222222222222:security-group/sg-1"]}
//	    reason: Bastion reachable over SSH until the VPN is in place
//	    requestedBy: alice
//	    expires: 2026-06-30
//	    state: approved
//	    approvedBy: bob
//	    approverRole: local-ciso
//	    approvedAt: 2026-04-01T09:00:00Z
//
// Export writes this same document, so exporting and importing again
// changes nothing.
type ExceptionFile struct {
	Exceptions []Exception `json:"exceptions" yaml:"exceptions"`
}

// Declared is an exception read from a file, with the lines its fields
// are on.
type Declared struct {
	Exception Exception
	File      string
	Line      int // of the entry
	lines     map[string]int
}

// LineOf returns the line of a field path ("scope.assets[1]"), of the
// closest enclosing field when that one is not in the file, of the state
// for missing approval or closing fields (the state asks for them), or
// of the entry.
func (d *Declared) LineOf(field string) int {
	if _, ok := d.lines[field]; !ok && stateFields[field] {
		if l, ok := d.lines["state"]; ok {
			return l
		}
	}
	for f := field; f != ""; {
		if l, ok := d.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return d.Line
}

// Locate turns the problems of an InvalidError into errors naming the
// file and line of each field; other errors get the entry's line.
func (d *Declared) Locate(err error) error {
	var inv *InvalidError
	if !errors.As(err, &inv) {
		return &yamldoc.Error{File: d.File, Line: d.Line, Msg: fmt.Sprintf("exception %s: %v", d.Exception.ID, err)}
	}
	out := make([]error, 0, len(inv.Problems))
	for _, p := range inv.Problems {
		out = append(out, &yamldoc.Error{File: d.File, Line: d.LineOf(p.Field), Msg: fmt.Sprintf("exception %s: %s", inv.ID, p.Error())})
	}
	return errors.Join(out...)
}

// stateFields are required or refused by the state.
var stateFields = map[string]bool{"approvedBy": true, "approverRole": true, "approvedAt": true, "closedBy": true, "closedAt": true}

var (
	exceptionKeys = []string{"id", "scope", "severity", "reason", "requestedBy", "created", "expires", "reviewDate", "state",
		"approvedBy", "approverRole", "approvedAt", "closedBy", "closedAt", "closedReason", "source", "notices"}
	scopeKeys  = []string{"checks", "assets", "accounts", "regions", "tags", "byTag", "except"}
	exceptKeys = []string{"assets", "accounts", "regions", "tags"}
)

// ParseExceptionFile reads a file of exceptions. It reports every problem
// of form at once, each with file:line: YAML syntax, unknown or repeated
// keys, values of the wrong kind, unreadable times or states, repeated
// IDs. The rules and the policy are checked when the exceptions are
// declared (Declare, ValidateException).
func ParseExceptionFile(file string, data []byte) ([]Declared, error) {
	root, err := yamldoc.Parse(file, data)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &yamldoc.Error{File: file, Line: 1, Msg: "the file is empty; expected a mapping with an exceptions list"}
	}
	r := &yamldoc.Reader{File: file}
	top := r.Mapping(root, "the file", []string{"exceptions"})
	list, ok := top["exceptions"]
	if !ok && !r.Failed() {
		r.Errorf(root, "missing key \"exceptions\" (a list of exceptions)")
	}
	var out []Declared
	if ok {
		n := yamldoc.Resolve(list.Value)
		switch {
		case yamldoc.IsNull(n):
		case n.Kind != yaml.SequenceNode:
			r.Errorf(n, "exceptions must be a list, got %s", yamldoc.KindName(n))
		default:
			first := map[string]int{}
			for _, item := range n.Content {
				d := readException(r, yamldoc.Resolve(item))
				d.File = file
				if d.Exception.ID != "" {
					if l, dup := first[d.Exception.ID]; dup {
						r.Add(d.LineOf("id"), fmt.Sprintf("exception %s is declared twice (first at line %d)", d.Exception.ID, l))
					} else {
						first[d.Exception.ID] = d.LineOf("id")
					}
				}
				out = append(out, d)
			}
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readException(r *yamldoc.Reader, n *yaml.Node) Declared {
	d := Declared{Line: n.Line, lines: map[string]int{}}
	e := &d.Exception
	if yamldoc.IsNull(n) {
		r.Errorf(n, "empty entry in exceptions")
		return d
	}
	m := r.Mapping(n, "an exception", exceptionKeys)
	if n.Kind != yaml.MappingNode {
		return d
	}
	for k, f := range m {
		d.lines[k] = f.Value.Line
	}
	str := func(key string) string {
		f, ok := m[key]
		if !ok {
			return ""
		}
		return strings.TrimSpace(r.String(f.Value, key))
	}
	tm := func(key string) time.Time {
		f, ok := m[key]
		if !ok {
			return time.Time{}
		}
		return r.Time(f.Value, key)
	}
	e.ID = str("id")
	if _, ok := m["id"]; !ok {
		r.Errorf(n, "an exception needs an id")
	}
	e.Severity = str("severity")
	if f, ok := m["reason"]; ok {
		e.Reason = strings.TrimSpace(r.String(f.Value, "reason"))
	}
	e.RequestedBy = str("requestedBy")
	e.Created, e.Expires, e.ReviewDate = tm("created"), tm("expires"), tm("reviewDate")
	if s := str("state"); s != "" {
		st, err := ParseExceptionState(s)
		if err != nil {
			r.Errorf(m["state"].Value, "%v", err)
		}
		e.State = st
	}
	e.ApprovedBy, e.ApproverRole, e.ApprovedAt = str("approvedBy"), str("approverRole"), tm("approvedAt")
	e.ClosedBy, e.ClosedAt, e.ClosedReason = str("closedBy"), tm("closedAt"), str("closedReason")
	e.Source = str("source")
	if f, ok := m["notices"]; ok {
		nm := r.Mapping(f.Value, "notices", []string{"expiring", "reviewDue"})
		if v, ok := nm["expiring"]; ok {
			e.Notices.Expiring = r.Time(v.Value, "notices.expiring")
		}
		if v, ok := nm["reviewDue"]; ok {
			e.Notices.ReviewDue = r.Time(v.Value, "notices.reviewDue")
		}
	}
	f, ok := m["scope"]
	if !ok {
		r.Errorf(n, "exception %s needs a scope (at least scope.checks)", e.ID)
		return d
	}
	sm := r.Mapping(f.Value, "scope", scopeKeys)
	for k, v := range sm {
		d.lines["scope."+k] = v.Value.Line
	}
	s := &e.Scope
	list := func(m map[string]yamldoc.Field, prefix, key string) []string {
		v, ok := m[key]
		if !ok {
			return nil
		}
		vals := r.Strings(v.Value, prefix+key)
		if vn := yamldoc.Resolve(v.Value); vn.Kind == yaml.SequenceNode {
			for i, item := range vn.Content {
				d.lines[fmt.Sprintf("%s%s[%d]", prefix, key, i)] = item.Line
			}
		}
		return vals
	}
	tags := func(m map[string]yamldoc.Field, prefix string) map[string][]string {
		v, ok := m["tags"]
		if !ok {
			return nil
		}
		out := map[string][]string{}
		for _, kv := range r.Pairs(v.Value, prefix+"tags") {
			d.lines[prefix+"tags."+kv.Key.Value] = kv.Key.Line
			out[kv.Key.Value] = r.Strings(kv.Value, prefix+"tags."+kv.Key.Value)
		}
		return out
	}
	s.Checks = list(sm, "scope.", "checks")
	s.Assets = list(sm, "scope.", "assets")
	s.Accounts = list(sm, "scope.", "accounts")
	s.Regions = list(sm, "scope.", "regions")
	s.Tags = tags(sm, "scope.")
	if v, ok := sm["byTag"]; ok {
		s.ByTag = r.Bool(v.Value, "scope.byTag")
	}
	if v, ok := sm["except"]; ok {
		xm := r.Mapping(v.Value, "scope.except", exceptKeys)
		for k, xv := range xm {
			d.lines["scope.except."+k] = xv.Value.Line
		}
		x := &ScopeExcept{
			Assets: list(xm, "scope.except.", "assets"), Accounts: list(xm, "scope.except.", "accounts"),
			Regions: list(xm, "scope.except.", "regions"), Tags: tags(xm, "scope.except."),
		}
		if !x.empty() {
			s.Except = x
		}
	}
	return d
}

// WriteExceptionFile writes exceptions, ordered by ID, as an
// ExceptionFile in format "yaml" or "json".
func WriteExceptionFile(w io.Writer, format string, exs []Exception) error {
	sorted := slices.Clone(exs)
	slices.SortFunc(sorted, func(a, b Exception) int { return strings.Compare(a.ID, b.ID) })
	for i := range sorted {
		sorted[i].NormalizeTimes()
	}
	doc := ExceptionFile{Exceptions: sorted}
	if doc.Exceptions == nil {
		doc.Exceptions = []Exception{}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case "yaml":
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return err
		}
		return enc.Close()
	}
	return fmt.Errorf("unknown format %q (want yaml or json)", format)
}

// NormalizeTimes puts every time of e in UTC, to the microsecond (the
// precision every store keeps), as files and stores hold them.
func (e *Exception) NormalizeTimes() {
	for _, t := range []*time.Time{&e.Created, &e.Expires, &e.ReviewDate, &e.ApprovedAt, &e.ClosedAt, &e.Notices.Expiring, &e.Notices.ReviewDue} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Microsecond)
		}
	}
}

// NewDeclared describes an exception read from elsewhere than an
// exception file (an imported list): lines maps field paths to lines.
func NewDeclared(e Exception, file string, line int, lines map[string]int) Declared {
	if lines == nil {
		lines = map[string]int{}
	}
	return Declared{Exception: e, File: file, Line: line, lines: lines}
}
