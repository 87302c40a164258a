package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	awscollect "github.com/parapet-dev/parapet/internal/collect/aws"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/pipeline"
	"github.com/parapet-dev/parapet/internal/report"
	"github.com/parapet-dev/parapet/internal/store"
)

// outputFlags are shared by every command that prints a scan report.
type outputFlags struct {
	format     string
	file       string
	failOn     string
	noProgress bool
}

func (o *outputFlags) register(cmd *cobra.Command, defaultFailOn string) {
	cmd.Flags().StringVarP(&o.format, "output", "o", "table", "output format: table, json or csv")
	cmd.Flags().StringVar(&o.file, "output-file", "", "write the report to this file instead of standard output")
	cmd.Flags().StringVar(&o.failOn, "fail-on", defaultFailOn, "exit with code 3 when a check of this severity or higher fails (critical, high, medium, low, informational, or none)")
	cmd.Flags().BoolVar(&o.noProgress, "no-progress", false, "do not draw a progress bar while collecting")
}

func newScanCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect a cloud inventory, evaluate the checks, store and report the results",
	}
	cmd.AddCommand(newScanAWSCmd(g), newScanIaCCmd(g))
	return cmd
}

func newScanAWSCmd(g *globals) *cobra.Command {
	var (
		opts     awscollect.Options
		regions  []string
		accounts []string
		services []string
		filter   checkFilter
		out      outputFlags
		ids      []string
		sevs     []string
	)
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Scan AWS accounts",
		Long: `Scan AWS accounts with the standard AWS credential chain (environment,
shared config and credentials files, SSO, instance and container roles).

Scan the current account:            parapet scan aws
A named profile, two regions:        parapet scan aws --profile audit --regions us-east-1,eu-west-1
A whole organization:                parapet scan aws --org --role OrganizationAccountAccessRole
Listed accounts:                     parapet scan aws --accounts 111111111111,222222222222 --role ParapetAudit
The simulator (parapet sim serve):   parapet scan aws --endpoint-url http://127.0.0.1:4566

Exit codes: 0 nothing failed at or above --fail-on and nothing errored;
3 a check at or above --fail-on failed; 1 the scan could not run or some
checks could not be evaluated (ERROR results); 2 bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Regions = splitList(regions)
			opts.Accounts = splitList(accounts)
			opts.Services = splitList(services)
			if opts.Org && opts.Role == "" {
				return usageError("--org needs --role: the role Parapet assumes in each member account")
			}
			if len(opts.Accounts) > 0 && opts.Role == "" {
				return usageError("--accounts needs --role: the role Parapet assumes in each listed account")
			}
			if opts.Org && len(opts.Accounts) > 0 {
				return usageError("use either --org or --accounts, not both")
			}
			filter.ids, filter.severities = splitList(ids), splitList(sevs)
			e, err := g.engine(filter)
			if err != nil {
				return err
			}
			opts.Now = g.now
			col, err := awscollect.New(opts)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			scope := store.Scope{
				Accounts: opts.Accounts, Regions: opts.Regions, Services: opts.Services, Checks: filter.ids,
				Filters: scopeFilters(filter.severities, opts.Org, opts.EndpointURL),
			}
			return g.scanAndReport(cmd.Context(), col, e, scope, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Profile, "profile", "", "AWS shared config profile")
	f.StringSliceVar(&regions, "regions", nil, "regions to scan (default: every enabled region)")
	f.BoolVar(&opts.Org, "org", false, "scan every active account of the AWS Organization (needs --role)")
	f.StringVar(&opts.Role, "role", "", "IAM role name to assume in member accounts")
	f.StringSliceVar(&accounts, "accounts", nil, "account IDs to scan (needs --role)")
	f.StringSliceVar(&services, "services", nil, "only these services (e.g. s3,iam,ec2)")
	f.IntVar(&opts.MaxAttempts, "max-attempts", 10, "attempts per API call before it is reported as failed (throttling and server errors are retried with backoff)")
	f.StringVar(&opts.EndpointURL, "endpoint-url", "", "send every AWS API call to this URL (e.g. the Parapet simulator)")
	f.StringSliceVar(&ids, "checks", nil, "only these check IDs")
	f.StringSliceVar(&sevs, "severity", nil, "only checks of these severities (e.g. high,critical)")
	out.register(cmd, "low")
	return cmd
}

// scanAndReport runs the pipeline with the store, writes the report and
// turns the results into the exit code.
func (g *globals) scanAndReport(ctx context.Context, col collect.Collector, e *engine.Engine, scope store.Scope, out outputFlags) error {
	return g.runScan(ctx, scanRun{collector: col, engine: e, scope: scope, out: out, persist: true})
}

// scanRun is one scan as the commands configure it.
type scanRun struct {
	collector  collect.Collector
	engine     *engine.Engine
	scope      store.Scope
	out        outputFlags
	persist    bool               // keep the scan in the store
	suppressor finding.Suppressor // nil: none beyond the store's exceptions
	// unreadable counts inputs that could not be read at all (IaC files
	// that do not parse): their resources were never checked.
	unreadable func() int
	softFail   bool // exit 0 whatever was found (still 2 on bad usage)
}

func (g *globals) runScan(ctx context.Context, sr scanRun) error {
	w, err := report.Lookup(sr.out.format)
	if err != nil {
		return usageError("%v", err)
	}
	failOn, err := parseFailOn(sr.out.failOn)
	if err != nil {
		return err
	}
	opts := pipeline.Options{
		Collector: sr.collector, Engine: sr.engine, Scope: sr.scope, Now: g.now, Suppressor: sr.suppressor,
	}
	path := ""
	if sr.persist {
		st, p, err := g.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		opts.Store, path = st, p
		// The store's governed exceptions apply first, then the
		// command's own suppressions.
		sup, err := g.scanSuppressor(ctx, st)
		if err != nil {
			return err
		}
		opts.Suppressor = finding.FirstOf(sup, sr.suppressor)
	}
	bar := newProgress(g.stderr, !sr.out.noProgress && isTerminal(g.stderr))
	opts.Progress = bar.update
	res, err := pipeline.Scan(ctx, opts)
	bar.finish()
	if err != nil && res == nil {
		return withCode(ExitError, err)
	}

	dst, closeOut, oerr := g.outputTarget(sr.out.file)
	if oerr != nil {
		return withCode(ExitError, oerr)
	}
	rep := &report.Report{
		ScanID: res.Scan.ID, Provider: res.Scan.Provider, Started: res.Scan.StartedAt, Finished: res.Scan.FinishedAt,
		Assets: res.Assets, Results: res.Results, Diagnostics: res.Diagnostics, Checks: checkIndex(sr.engine),
		Findings: res.Findings,
	}
	if werr := w.Write(dst, rep); werr != nil {
		closeOut()
		return withCode(ExitError, fmt.Errorf("write report: %w", werr))
	}
	if cerr := closeOut(); cerr != nil {
		return withCode(ExitError, cerr)
	}
	if sr.persist && (sr.out.file != "" || sr.out.format != "table") {
		fmt.Fprintf(g.stderr, "scan %s stored in %s\n", res.Scan.ID, path)
	}
	verdict := err
	if verdict == nil && sr.unreadable != nil {
		if n := sr.unreadable(); n > 0 {
			verdict = fmt.Errorf("%d files could not be read: their resources were not checked", n)
		}
	}
	if verdict != nil {
		verdict = withCode(ExitError, verdict)
	} else {
		verdict = exitFor(res.Results, failOn)
	}
	if sr.softFail && verdict != nil {
		fmt.Fprintf(g.stderr, "parapet: --soft-fail: %v\n", verdict)
		return nil
	}
	return verdict
}

func checkIndex(e *engine.Engine) map[string]*check.Check {
	m := map[string]*check.Check{}
	for _, c := range e.Checks() {
		m[c.ID] = c
	}
	return m
}

// failThreshold is the lowest severity that fails the command; none
// disables failing on findings.
type failThreshold struct {
	none bool
	sev  check.Severity
}

func parseFailOn(s string) (failThreshold, error) {
	if s == "none" || s == "" {
		return failThreshold{none: true}, nil
	}
	sev, err := check.ParseSeverity(s)
	if err != nil {
		return failThreshold{}, usageError("--fail-on: %v (or none)", err)
	}
	return failThreshold{sev: sev}, nil
}

// exitFor: findings at or above the threshold win (3); otherwise any
// ERROR result makes the run inconclusive (1): an unevaluated check is
// never reported as clean.
func exitFor(rs []finding.Result, t failThreshold) error {
	errors := 0
	for i := range rs {
		switch rs[i].Status {
		case finding.Fail:
			if t.none {
				continue
			}
			if sev, err := check.ParseSeverity(rs[i].Severity); err == nil && sev >= t.sev {
				return withCode(ExitFindings, nil)
			}
		case finding.Error:
			errors++
		}
	}
	if errors > 0 {
		return withCode(ExitError, fmt.Errorf("%d checks could not be evaluated (ERROR results above)", errors))
	}
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// scopeFilters records the selectors of a scan that Scope has no field for.
func scopeFilters(severities []string, org bool, endpoint string) map[string][]string {
	f := map[string][]string{}
	if len(severities) > 0 {
		f["severity"] = severities
	}
	if org {
		f["org"] = []string{"true"}
	}
	if endpoint != "" {
		f["endpoint"] = []string{endpoint}
	}
	if len(f) == 0 {
		return nil
	}
	return f
}
