package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/parapet-dev/parapet/internal/report"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/pipeline"
	"github.com/parapet-dev/parapet/internal/store"
)

func newFindingsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "Findings: failing checks followed from first sight to fix",
		Long: `A finding is one check failing on one resource, identified by a stable
fingerprint. Every scan reconciles its results into findings: a new failure
opens one, a pass (or the check no longer applying, or the resource being
deleted) resolves it, a new failure of a resolved one reopens it. An ERROR
never opens or resolves anything.`,
	}
	cmd.AddCommand(newFindingsListCmd(g), newFindingsShowCmd(g), newFindingsStatsCmd(g))
	return cmd
}

func newFindingsListCmd(g *globals) *cobra.Command {
	var (
		statuses, sevs, accounts, checks []string
		since, format                    string
		includeSuppressed                bool
		limit                            int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List findings (open ones by default), worst and oldest first",
		Long: `List findings, worst severity and oldest first.

AGE is how long the current failure has lasted (since it opened or last
reopened); for a resolved finding, how long it lasted. --since keeps the
findings whose status changed at or after a time (RFC 3339, a date, or a
duration back from now such as 7d or 12h).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json", "csv"); err != nil {
				return err
			}
			f := store.FindingFilter{Accounts: splitList(accounts), CheckIDs: splitList(checks), Limit: limit}
			var err error
			if f.Statuses, err = parseStates(splitList(statuses), includeSuppressed); err != nil {
				return err
			}
			if f.Severities, err = parseSeverities(splitList(sevs)); err != nil {
				return err
			}
			now := g.now().UTC()
			if since != "" {
				if f.ChangedSince, err = parseWhen(since, now); err != nil {
					return usageError("--since: %v", err)
				}
			}
			return g.withSweptStore(cmd.Context(), func(st store.Store, _ *pipeline.Governance) error {
				fs, err := st.Findings(cmd.Context(), f)
				if err != nil {
					return withCode(ExitError, err)
				}
				return writeFindings(g.stdout, format, fs, now)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&statuses, "status", []string{"open"}, "open, resolved, suppressed or all (repeatable)")
	fl.StringSliceVar(&sevs, "severity", nil, "only these severities (e.g. high,critical)")
	fl.StringSliceVar(&accounts, "account", nil, "only these accounts")
	fl.StringSliceVar(&checks, "check", nil, "only these check IDs")
	fl.StringVar(&since, "since", "", "only findings whose status changed since this time or duration (e.g. 7d)")
	fl.BoolVar(&includeSuppressed, "include-suppressed", false, "also list suppressed findings")
	fl.IntVar(&limit, "limit", 0, "list at most this many (0: all)")
	fl.StringVarP(&format, "output", "o", "table", "output format: table, json or csv")
	return cmd
}

// parseStates turns --status values into states; "all" (or nothing)
// means no filter.
func parseStates(vals []string, includeSuppressed bool) ([]finding.State, error) {
	var out []finding.State
	for _, v := range vals {
		st := finding.State(strings.ToLower(v))
		if st == "all" {
			return nil, nil
		}
		if !st.Valid() {
			return nil, usageError("--status: unknown status %q (want open, resolved, suppressed or all)", v)
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	if includeSuppressed && len(out) > 0 && !slices.Contains(out, finding.StateSuppressed) {
		out = append(out, finding.StateSuppressed)
	}
	return out, nil
}

func parseSeverities(vals []string) ([]string, error) {
	var out []string
	for _, v := range vals {
		sev, err := check.ParseSeverity(v)
		if err != nil {
			return nil, usageError("--severity: %v", err)
		}
		out = append(out, sev.String())
	}
	return out, nil
}

// findingView is a finding as listed, with its age as of the listing.
type findingView struct {
	finding.Finding
	Age        string  `json:"age"`
	AgeSeconds float64 `json:"ageSeconds"`
}

func writeFindings(w io.Writer, format string, fs []finding.Finding, now time.Time) error {
	switch format {
	case "json":
		out := make([]findingView, 0, len(fs))
		for _, f := range fs {
			a := f.Age(now)
			out = append(out, findingView{Finding: f, Age: age(a), AgeSeconds: a.Seconds()})
		}
		return writeJSON(w, map[string]any{"now": now, "findings": out})
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"fingerprint", "status", "severity", "check_id", "provider", "account", "region", "asset_type", "asset_uid",
			"asset_name", "age_seconds", "first_seen", "last_seen", "opened_at", "resolved_at", "resolved_reason", "reopen_count",
			"exception_id", "last_status", "last_scan_id"})
		for _, f := range fs {
			_ = cw.Write([]string{f.Fingerprint, string(f.Status), f.Severity, report.Cell(f.CheckID), f.Provider, report.Cell(f.Account), report.Cell(f.Region),
				f.AssetType, report.Cell(f.AssetUID), report.Cell(f.AssetName), strconv.FormatFloat(f.Age(now).Seconds(), 'f', 0, 64),
				rfc3339(f.FirstSeen), rfc3339(f.LastSeen), rfc3339(f.OpenedAt), rfc3339(f.ResolvedAt), f.ResolvedReason,
				strconv.Itoa(f.ReopenCount), report.Cell(f.ExceptionID), string(f.LastStatus), f.LastScanID})
		}
		cw.Flush()
		return cw.Error()
	}
	if len(fs) == 0 {
		_, err := fmt.Fprintln(w, "No findings match.")
		return err
	}
	// The EXCEPTION column appears when a listed finding is suppressed.
	excHead, exc := "", func(finding.Finding) string { return "" }
	if slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.ExceptionID != "" }) {
		excHead, exc = "EXCEPTION\t", func(f finding.Finding) string { return dash(clean(f.ExceptionID, 64)) + "\t" }
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FINGERPRINT\tSEVERITY\tSTATUS\tAGE\tFIRST SEEN\tLAST SEEN\tREOPENED\tCHECK\tACCOUNT\tREGION\t"+excHead+"RESOURCE")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s%s\n", f.Fingerprint, f.Severity, f.Status, age(f.Age(now)),
			stamp(f.FirstSeen), stamp(f.LastSeen), f.ReopenCount, clean(f.CheckID, 80), clean(f.Account, 40), clean(f.Region, 30),
			exc(f), resource(f.AssetUID, f.AssetName))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d findings\n", len(fs))
	return err
}

func newFindingsShowCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show FINGERPRINT",
		Short: "Show a finding: its state, history, the resource's configuration and how to fix it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, _ *pipeline.Governance) error {
				f, err := st.GetFinding(ctx, args[0])
				if errors.Is(err, store.ErrNotFound) {
					return usageError("no finding %q (see 'parapet findings list')", args[0])
				}
				if err != nil {
					return withCode(ExitError, err)
				}
				history, err := st.FindingHistory(ctx, f.Fingerprint)
				if err != nil {
					return withCode(ExitError, err)
				}
				d := findingDetail{Finding: f, History: history}
				d.Age = age(f.Age(g.now()))
				if a, err := st.GetAsset(ctx, f.AssetUID); err == nil {
					d.Asset = &a
					if vs, err := st.AssetVersions(ctx, f.AssetUID); err == nil && len(vs) > 0 {
						if last := vs[len(vs)-1]; last.DeletedScanID != "" {
							d.AssetDeletedAt, d.AssetDeletedBy = last.DeletedAt, last.DeletedScanID
						}
					}
				} else if !errors.Is(err, store.ErrNotFound) {
					return withCode(ExitError, err)
				}
				if cs, err := g.loadChecks(); err == nil {
					for _, c := range cs {
						if c.ID == f.CheckID {
							d.Check = c
						}
					}
				}
				if format == "json" {
					return writeJSON(g.stdout, d)
				}
				return d.writeText(g.stdout)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

// findingDetail is everything 'findings show' tells about a finding.
type findingDetail struct {
	Finding        finding.Finding        `json:"finding"`
	Age            string                 `json:"age"`
	Check          *check.Check           `json:"check,omitempty"`
	History        []finding.HistoryEntry `json:"history"`
	Asset          *asset.Asset           `json:"asset,omitempty"`
	AssetDeletedAt time.Time              `json:"assetDeletedAt,omitzero"`
	AssetDeletedBy string                 `json:"assetDeletedBy,omitempty"`
}

func (d *findingDetail) writeText(w io.Writer) error {
	ew := &report.ErrWriter{W: w}
	f := &d.Finding
	fmt.Fprintf(ew, "Finding %s (%s)\n", f.Fingerprint, f.Status)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	title := ""
	if d.Check != nil {
		title = " — " + clean(d.Check.Title, 120)
	}
	fmt.Fprintf(tw, "  Check:\t%s%s\n", clean(f.CheckID, 80), title)
	fmt.Fprintf(tw, "  Severity:\t%s\n", f.Severity)
	fmt.Fprintf(tw, "  Resource:\t%s\n", resource(f.AssetUID, f.AssetName))
	fmt.Fprintf(tw, "  Type:\t%s\n", f.AssetType)
	fmt.Fprintf(tw, "  Account:\t%s\n", clean(f.Account, 60))
	fmt.Fprintf(tw, "  Region:\t%s\n", clean(f.Region, 40))
	fmt.Fprintf(tw, "  First seen:\t%s\n", stamp(f.FirstSeen))
	fmt.Fprintf(tw, "  Last seen:\t%s\n", stamp(f.LastSeen))
	fmt.Fprintf(tw, "  Opened:\t%s (age %s)\n", stamp(f.OpenedAt), d.Age)
	if f.Status == finding.StateResolved {
		fmt.Fprintf(tw, "  Resolved:\t%s (%s)\n", stamp(f.ResolvedAt), f.ResolvedReason)
	}
	fmt.Fprintf(tw, "  Reopened:\t%d times\n", f.ReopenCount)
	if f.ExceptionID != "" {
		fmt.Fprintf(tw, "  Exception:\t%s\n", clean(f.ExceptionID, 80))
	}
	last := fmt.Sprintf("%s at %s (scan %s)", f.LastStatus, stamp(f.LastEvaluated), f.LastScanID)
	if f.Message != "" {
		last += ": " + clean(f.Message, 160)
	}
	fmt.Fprintf(tw, "  Last result:\t%s\n", last)
	tw.Flush()

	fmt.Fprintf(ew, "\nREMEDIATION\n")
	if d.Check == nil {
		fmt.Fprintf(ew, "  Check %s is not loaded (a custom check? pass its --checks-dir).\n", clean(f.CheckID, 80))
	} else {
		r := d.Check.Remediation
		fmt.Fprintln(ew, indent(r.Text))
		if r.CLI != "" {
			fmt.Fprintf(ew, "  CLI:\n%s\n", indent(indent(r.CLI)))
		}
		if r.Terraform != "" {
			fmt.Fprintf(ew, "  Terraform:\n%s\n", indent(indent(r.Terraform)))
		}
	}

	fmt.Fprintf(ew, "\nHISTORY\n")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  AT\tSCAN\tRESULT\tTRANSITION\tDETAIL")
	for _, h := range d.History {
		detail := h.Reason
		if h.Message != "" {
			detail = strings.TrimPrefix(detail+"; "+h.Message, "; ")
		}
		if h.ExceptionID != "" && h.Transition != finding.NewlySuppressed {
			detail = strings.TrimPrefix(detail+"; exception "+h.ExceptionID, "; ")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", stamp(h.At), dash(h.ScanID), dash(string(h.Status)), dash(string(h.Transition)), clean(detail, 140))
	}
	tw.Flush()

	fmt.Fprintf(ew, "\nCONFIGURATION\n")
	switch {
	case d.Asset == nil:
		fmt.Fprintln(ew, "  Not stored.")
	default:
		if !d.AssetDeletedAt.IsZero() {
			fmt.Fprintf(ew, "  The resource was found deleted at %s (scan %s); as last seen:\n", stamp(d.AssetDeletedAt), d.AssetDeletedBy)
		}
		b, err := json.MarshalIndent(d.Asset, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(ew, string(b))
	}
	return ew.Err
}

func newFindingsStatsCmd(g *globals) *cobra.Command {
	var (
		format string
		days   int
	)
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Figures of the findings: open by severity, check and account, ages, time to remediate, per day",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			if days < 1 || days > 3660 {
				return usageError("--days: %d is out of range (1 to 3660)", days)
			}
			return g.withSweptStore(cmd.Context(), func(st store.Store, _ *pipeline.Governance) error {
				s, err := st.FindingStats(cmd.Context(), store.StatsQuery{Now: g.now(), Days: days})
				if err != nil {
					return withCode(ExitError, err)
				}
				if format == "json" {
					return writeJSON(g.stdout, statsView(s))
				}
				return writeStats(g.stdout, s)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	cmd.Flags().IntVar(&days, "days", 30, "days of new and resolved counts")
	return cmd
}

// statsView is FindingStats with durations in seconds, for tools.
func statsView(s store.FindingStats) any {
	type age struct {
		Count       int     `json:"count"`
		MeanSeconds float64 `json:"meanSeconds"`
		MaxSeconds  float64 `json:"maxSeconds"`
	}
	ages := map[string]age{}
	for k, a := range s.AgeBySeverity {
		ages[k] = age{a.Count, a.Mean.Seconds(), a.Max.Seconds()}
	}
	return struct {
		Now                        time.Time        `json:"now"`
		Open                       int              `json:"open"`
		Suppressed                 int              `json:"suppressed"`
		Resolved                   int              `json:"resolved"`
		OpenBySeverity             map[string]int   `json:"openBySeverity"`
		OpenByCheck                map[string]int   `json:"openByCheck"`
		OpenByAccount              map[string]int   `json:"openByAccount"`
		AgeBySeverity              map[string]age   `json:"ageBySeverity"`
		Remediations               int              `json:"remediations"`
		MeanTimeToRemediateSeconds float64          `json:"meanTimeToRemediateSeconds"`
		PerDay                     []store.DayCount `json:"perDay"`
	}{s.Now, s.Open, s.Suppressed, s.Resolved, s.OpenBySeverity, s.OpenByCheck, s.OpenByAccount, ages,
		s.Remediations, s.MeanTimeToRemediate.Seconds(), s.PerDay}
}

func writeStats(w io.Writer, s store.FindingStats) error {
	ew := &report.ErrWriter{W: w}
	fmt.Fprintf(ew, "Findings as of %s: %d open, %d suppressed, %d resolved\n", stamp(s.Now), s.Open, s.Suppressed, s.Resolved)
	if s.Remediations > 0 {
		fmt.Fprintf(ew, "Mean time to remediate: %s over %d resolutions\n", age(s.MeanTimeToRemediate), s.Remediations)
	} else {
		fmt.Fprintln(ew, "Mean time to remediate: - (nothing resolved yet)")
	}

	fmt.Fprintf(ew, "\nOPEN BY SEVERITY\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tOPEN\tMEAN AGE\tMAX AGE")
	for sev := check.Critical; sev >= check.Informational; sev-- {
		a := s.AgeBySeverity[sev.String()]
		mean, mx := "-", "-"
		if a.Count > 0 {
			mean, mx = age(a.Mean), age(a.Max)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", sev, s.OpenBySeverity[sev.String()], mean, mx)
	}
	tw.Flush()

	for _, part := range []struct {
		title, col string
		m          map[string]int
	}{{"OPEN BY ACCOUNT", "ACCOUNT", s.OpenByAccount}, {"OPEN BY CHECK", "CHECK", s.OpenByCheck}} {
		fmt.Fprintf(ew, "\n%s\n", part.title)
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tOPEN\n", part.col)
		keys := make([]string, 0, len(part.m))
		for k := range part.m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if part.m[keys[i]] != part.m[keys[j]] {
				return part.m[keys[i]] > part.m[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%d\n", clean(k, 80), part.m[k])
		}
		tw.Flush()
	}

	fmt.Fprintf(ew, "\nPER DAY (UTC)\n")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "DAY\tOPENED\tREOPENED\tRESOLVED\t")
	for _, d := range s.PerDay {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", d.Day, d.Opened, d.Reopened, d.Resolved)
	}
	tw.Flush()
	return ew.Err
}

// withStore opens the store for one command.
func (g *globals) withStore(ctx context.Context, fn func(st store.Store) error) error {
	st, _, err := g.openStore(ctx)
	if err != nil {
		return withCode(ExitError, err)
	}
	defer st.Close()
	return fn(st)
}

func checkFormat(format string, allowed ...string) error {
	if slices.Contains(allowed, format) {
		return nil
	}
	return usageError("-o: unknown output format %q (want %s)", format, strings.Join(allowed, ", "))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseWhen reads a point in time: RFC 3339, a date (midnight UTC), or a
// duration back from now ("7d", "36h", "90m").
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339 or YYYY-MM-DD) or a duration (7d, 12h)", s)
}

// age renders a duration coarsely, as people read ages: 45s, 12m, 5h12m,
// 3d4h.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		h := int(d.Hours())
		if m := int(d.Minutes()) % 60; m > 0 {
			return fmt.Sprintf("%dh%dm", h, m)
		}
		return fmt.Sprintf("%dh", h)
	}
	days := int(d.Hours()) / 24
	if h := int(d.Hours()) % 24; h > 0 {
		return fmt.Sprintf("%dd%dh", days, h)
	}
	return fmt.Sprintf("%dd", days)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func resource(uid, name string) string {
	if name != "" && name != uid {
		return clean(uid, 120) + " (" + clean(name, 60) + ")"
	}
	return clean(uid, 120)
}

// clean keeps a value on one line and the terminal safe: names and
// messages from clouds and code are partly attacker-controlled and may
// carry newlines or escape sequences.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max - len("…")
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' {
				return -1
			}
			return r
		}, l)
	}
	return strings.Join(lines, "\n")
}
