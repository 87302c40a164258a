package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"

	"github.com/parapet-dev/parapet/internal/finding"
)

func init() { Register("junit", junitWriter{}) }

// junitWriter writes JUnit XML, which every CI system renders: one test
// suite per check, one test case per resource; FAIL is a failure, ERROR an
// error, and NOT_APPLICABLE or SUPPRESSED a skipped case.
type junitWriter struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (junitWriter) Write(w io.Writer, r *Report) error {
	bySuite := map[string]*junitSuite{}
	out := junitSuites{Name: "parapet"}
	rs := append([]finding.Result(nil), r.Results...)
	SortResults(rs)
	for _, res := range rs {
		s := bySuite[res.CheckID]
		if s == nil {
			name := res.CheckID
			if c := r.Checks[res.CheckID]; c != nil {
				name = fmt.Sprintf("%s: %s", res.CheckID, c.Title)
			}
			s = &junitSuite{Name: name}
			bySuite[res.CheckID] = s
		}
		tc := junitCase{Name: res.AssetUID, Classname: res.CheckID}
		if res.Location != nil {
			tc.File, tc.Line = res.Location.File, res.Location.StartLine
		}
		detail := fmt.Sprintf("%s %s (%s) in %s", res.Severity, res.AssetUID, res.AssetType, where(&res))
		switch res.Status {
		case finding.Fail:
			tc.Failure = &junitProblem{Message: "failed: " + title(r, res.CheckID), Type: res.Severity, Text: detail}
			s.Failures++
		case finding.Error:
			tc.Error = &junitProblem{Message: res.Message, Type: "ERROR", Text: detail}
			s.Errors++
		case finding.Pass:
		default:
			tc.Skipped = &junitProblem{Message: string(res.Status) + " " + res.Message}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
	}
	ids := make([]string, 0, len(bySuite))
	for id := range bySuite {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := bySuite[id]
		out.Suites = append(out.Suites, *s)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// where renders a result's location for people: file:line for code, the
// account and region for cloud resources.
func where(res *finding.Result) string {
	if res.Location != nil && res.Location.File != "" {
		if res.Location.StartLine > 0 {
			return fmt.Sprintf("%s:%d", res.Location.File, res.Location.StartLine)
		}
		return res.Location.File
	}
	return fmt.Sprintf("account %s, region %s", res.Account, res.Region)
}
