// Package report turns a scan's results into something people and tools
// read: a terminal table, JSON, CSV. Writers register themselves by format
// name so the CLI can list and pick them.
package report

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Report is everything a writer may show about one scan.
type Report struct {
	ScanID      string               `json:"scanId"`
	Provider    string               `json:"provider"`
	Started     time.Time            `json:"started"`
	Finished    time.Time            `json:"finished"`
	Assets      int                  `json:"assets"`
	Results     []finding.Result     `json:"results"`
	Diagnostics []collect.Diagnostic `json:"diagnostics"`
	// Findings is what the scan did to findings (nil when it stored
	// nothing).
	Findings *finding.ReconcileSummary `json:"findings,omitempty"`
	// Checks maps check IDs to their definitions, for titles and
	// remediation text.
	Checks map[string]*check.Check `json:"-"`
}

// Writer renders a report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

var (
	mu      sync.RWMutex
	writers = map[string]Writer{}
)

// Register makes a format available. It panics on a duplicate or nil
// writer, which is a programming error.
func Register(format string, w Writer) {
	mu.Lock()
	defer mu.Unlock()
	if w == nil {
		panic("report: Register with nil writer for " + format)
	}
	if _, dup := writers[format]; dup {
		panic("report: Register called twice for " + format)
	}
	writers[format] = w
}

// Lookup returns the writer for a format.
func Lookup(format string) (Writer, error) {
	mu.RLock()
	defer mu.RUnlock()
	if w, ok := writers[format]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown output format %q (available: %v)", format, Formats())
}

// Formats lists the registered format names.
func Formats() []string {
	var out []string
	for f := range writers {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Summary counts results by status, and failures by severity and account.
type Summary struct {
	Total      int                       `json:"total"`
	ByStatus   map[finding.Status]int    `json:"byStatus"`
	FailBySev  map[string]int            `json:"failBySeverity"`
	ByAccount  map[string]map[string]int `json:"byAccount"` // account → status → count
	ErrorTotal int                       `json:"errors"`
}

// Summarize computes the report's summary.
func (r *Report) Summarize() Summary {
	s := Summary{
		ByStatus:  map[finding.Status]int{},
		FailBySev: map[string]int{},
		ByAccount: map[string]map[string]int{},
	}
	for i := range r.Results {
		res := &r.Results[i]
		s.Total++
		s.ByStatus[res.Status]++
		if res.Status == finding.Fail {
			s.FailBySev[res.Severity]++
		}
		if res.Status == finding.Error {
			s.ErrorTotal++
		}
		acc := s.ByAccount[res.Account]
		if acc == nil {
			acc = map[string]int{}
			s.ByAccount[res.Account] = acc
		}
		acc[string(res.Status)]++
	}
	return s
}

// SortResults orders results for reading: worst status first (FAIL, ERROR,
// then the rest), then highest severity, then check, account, resource.
func SortResults(rs []finding.Result) {
	rank := func(s finding.Status) int {
		switch s {
		case finding.Fail:
			return 0
		case finding.Error:
			return 1
		case finding.Suppressed:
			return 2
		case finding.Manual:
			return 3
		case finding.Pass:
			return 4
		default:
			return 5
		}
	}
	sev := func(s string) int {
		v, err := check.ParseSeverity(s)
		if err != nil {
			return -1
		}
		return int(v)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := &rs[i], &rs[j]
		if ra, rb := rank(a.Status), rank(b.Status); ra != rb {
			return ra < rb
		}
		if sa, sb := sev(a.Severity), sev(b.Severity); sa != sb {
			return sa > sb
		}
		if a.CheckID != b.CheckID {
			return a.CheckID < b.CheckID
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.AssetUID < b.AssetUID
	})
}
