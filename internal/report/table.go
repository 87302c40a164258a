package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/finding"
)

func init() { Register("table", tableWriter{}) }

// tableWriter prints what needs attention (failures, errors, what could not
// be collected) followed by the summaries. Passing results are counted but
// not listed: they are in the JSON and CSV outputs.
type tableWriter struct{}

func (tableWriter) Write(w io.Writer, r *Report) error {
	ew := &ErrWriter{W: w}
	rs := append([]finding.Result(nil), r.Results...)
	SortResults(rs)
	s := r.Summarize()

	fmt.Fprintf(ew, "Parapet scan %s (%s): %d assets, %d results in %s\n",
		r.ScanID, r.Provider, r.Assets, s.Total, r.Finished.Sub(r.Started).Round(1e6))
	if f := r.Findings; f != nil {
		fmt.Fprintf(ew, "Findings: %d opened, %d resolved, %d reopened", f.Opened, f.Resolved, f.Reopened)
		if f.Suppressed+f.Unsuppressed > 0 {
			fmt.Fprintf(ew, ", %d suppressed, %d no longer suppressed", f.Suppressed, f.Unsuppressed)
		}
		if f.DeletedAssets > 0 {
			fmt.Fprintf(ew, "; %d assets deleted", f.DeletedAssets)
		}
		fmt.Fprintln(ew)
	}

	// Code scans locate results in files; cloud scans in accounts and
	// regions.
	place, code := "ACCOUNT\tREGION", r.Provider == "iac"
	if code {
		place = "LOCATION"
	}
	var fails, errs, accepted []finding.Result
	for _, res := range rs {
		switch res.Status {
		case finding.Fail:
			fails = append(fails, res)
		case finding.Error:
			errs = append(errs, res)
		case finding.Suppressed:
			accepted = append(accepted, res)
		}
	}
	if len(fails) > 0 {
		fmt.Fprintf(ew, "\nFAILED CHECKS (%d)\n", len(fails))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCHECK\t"+place+"\tRESOURCE\tTITLE")
		for _, res := range fails {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Severity, res.CheckID, placeOf(&res, code), resourceLabel(&res), title(r, res.CheckID))
		}
		tw.Flush()
	}
	if len(errs) > 0 {
		fmt.Fprintf(ew, "\nCOULD NOT EVALUATE (%d ERROR results: treat as failing until resolved)\n", len(errs))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCHECK\t"+place+"\tRESOURCE\tREASON")
		for _, res := range errs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Severity, res.CheckID, placeOf(&res, code), resourceLabel(&res), oneLine(res.Message, 120))
		}
		tw.Flush()
	}
	if len(accepted) > 0 {
		fmt.Fprintf(ew, "\nSUPPRESSED BY EXCEPTIONS (%d: failing, accepted until the exception ends)\n", len(accepted))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tCHECK\t"+place+"\tRESOURCE\tEXCEPTION")
		for _, res := range accepted {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Severity, res.CheckID, placeOf(&res, code), resourceLabel(&res), oneLine(res.ExceptionID, 80))
		}
		tw.Flush()
	}
	if len(r.Diagnostics) > 0 {
		fmt.Fprintf(ew, "\nCOULD NOT COLLECT (%d)\n", len(r.Diagnostics))
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tACTION\tRESOURCE\tCODE\tMESSAGE")
		for _, d := range r.Diagnostics {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(d.Account), dash(d.Region), dash(d.Action), dash(d.Resource), dash(d.Code), oneLine(d.Message, 120))
		}
		tw.Flush()
	}

	fmt.Fprintf(ew, "\nFAILURES BY SEVERITY\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tFAIL")
	for sev := check.Critical; sev >= check.Informational; sev-- {
		fmt.Fprintf(tw, "%s\t%d\n", sev, s.FailBySev[sev.String()])
	}
	tw.Flush()

	fmt.Fprintf(ew, "\nRESULTS BY ACCOUNT\n")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ACCOUNT\tPASS\tFAIL\tERROR\tN/A\t")
	accounts := make([]string, 0, len(s.ByAccount))
	for a := range s.ByAccount {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	for _, a := range accounts {
		c := s.ByAccount[a]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", dash(a), c[string(finding.Pass)], c[string(finding.Fail)], c[string(finding.Error)], c[string(finding.NotApplicable)])
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%d\t\n", s.ByStatus[finding.Pass], s.ByStatus[finding.Fail], s.ByStatus[finding.Error], s.ByStatus[finding.NotApplicable])
	tw.Flush()
	return ew.Err
}

func title(r *Report, id string) string {
	if c, ok := r.Checks[id]; ok {
		return c.Title
	}
	return ""
}

// placeOf is where a result is: file:line for code, account and region
// columns for the cloud.
func placeOf(res *finding.Result, code bool) string {
	if !code {
		return res.Account + "\t" + res.Region
	}
	if res.Location != nil && res.Location.File != "" {
		if res.Location.StartLine > 0 {
			return fmt.Sprintf("%s:%d", res.Location.File, res.Location.StartLine)
		}
		return res.Location.File
	}
	return "-"
}

func resourceLabel(res *finding.Result) string {
	if res.AssetName != "" && res.AssetName != res.AssetUID {
		return oneLine(res.AssetName, 80)
	}
	return oneLine(res.AssetUID, 120)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps table rows on one line and the terminal safe: messages and
// names from cloud APIs can carry newlines, be long, or hold escape
// sequences an attacker chose (a resource name is attacker-controlled).
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max-1] + "…"
	}
	return s
}

// ErrWriter remembers the first write error so rendering code stays
// linear: write freely, check Err once.
type ErrWriter struct {
	W   io.Writer
	Err error
}

func (e *ErrWriter) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}
