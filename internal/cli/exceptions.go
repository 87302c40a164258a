package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/parapet-dev/parapet/internal/report"
	"io"
	"os"
	"os/user"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/config"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/mutelist"
	"github.com/parapet-dev/parapet/internal/pipeline"
	"github.com/parapet-dev/parapet/internal/store"
	"github.com/parapet-dev/parapet/internal/yamldoc"
)

// EnvUser names the environment variable that says who runs Parapet.
const EnvUser = "PARAPET_USER"

// loadConfig reads --config, $PARAPET_CONFIG or the per-user file.
func (g *globals) loadConfig() (*config.Config, error) {
	c, err := config.Load(g.config)
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("configuration:\n%w", err))
	}
	return c, nil
}

// governance binds the exception rules to a store. withChecks loads the
// checks, which requests and declarations need to know severities.
func (g *globals) governance(st store.Store, withChecks bool) (*pipeline.Governance, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	gov := &pipeline.Governance{Store: st, Policy: cfg.Exceptions}
	if withChecks {
		cs, err := g.loadChecks()
		if err != nil {
			return nil, err
		}
		sev := map[string]string{}
		for _, c := range cs {
			sev[c.ID] = c.Severity.String()
		}
		gov.Severities = func(id string) (string, bool) { s, ok := sev[id]; return s, ok }
	}
	return gov, nil
}

// sweep brings exceptions up to the command's clock: expired ones close
// and their findings reopen, notices go to the outbox. What it did is
// told on standard error.
func (g *globals) sweep(ctx context.Context, gov *pipeline.Governance) error {
	rep, err := gov.Sweep(ctx, g.now().UTC())
	if err != nil {
		return withCode(ExitError, err)
	}
	for _, id := range rep.Expired {
		fmt.Fprintf(g.stderr, "exception %s expired\n", id)
	}
	if rep.Reopened > 0 {
		fmt.Fprintf(g.stderr, "%s reopened: the exceptions suppressing them ended\n", findingCount(rep.Reopened))
	}
	return nil
}

// withSweptStore opens the store and sweeps exceptions before fn: every
// command that reads findings or exceptions sees them as of its clock.
func (g *globals) withSweptStore(ctx context.Context, fn func(st store.Store, gov *pipeline.Governance) error) error {
	return g.withStore(ctx, func(st store.Store) error {
		gov, err := g.governance(st, false)
		if err != nil {
			return err
		}
		if err := g.sweep(ctx, gov); err != nil {
			return err
		}
		return fn(st, gov)
	})
}

// scanSuppressor sweeps and returns the exceptions a scan applies.
func (g *globals) scanSuppressor(ctx context.Context, st store.Store) (finding.Suppressor, error) {
	gov, err := g.governance(st, false)
	if err != nil {
		return nil, err
	}
	if err := g.sweep(ctx, gov); err != nil {
		return nil, err
	}
	s, err := gov.Suppressor(ctx, g.now().UTC())
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	return s, nil
}

// identity is who runs the command: --as, $PARAPET_USER, or the OS user.
func identity(as string) (string, error) {
	if as = strings.TrimSpace(as); as != "" {
		return as, nil
	}
	if u := strings.TrimSpace(os.Getenv(EnvUser)); u != "" {
		return u, nil
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	return "", usageError("cannot tell who you are: pass --as USER or set %s", EnvUser)
}

// refusal turns a governance error into an exit code: refusals and
// unknown IDs are the user's input; anything else (a store failure, a
// concurrent change of the same exception) is not.
func refusal(err error) error {
	var inv *finding.InvalidError
	var loc *yamldoc.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv), errors.As(err, &loc), errors.Is(err, pipeline.ErrUnknownException):
		return withCode(ExitUsage, err)
	}
	return withCode(ExitError, err)
}

// parseExpiry reads --expires: "max" (the longest the policy allows), a
// time (RFC 3339 or a date, midnight UTC) or a duration from now (90d,
// 12w, 36h).
func parseExpiry(s string, now time.Time) (t time.Time, useMax bool, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, false, errors.New("required: every exception expires (a date, a duration such as 90d, or max)")
	case s == "max":
		return time.Time{}, true, nil
	}
	if t, err := yamldoc.ParseTime(s); err == nil {
		return t, false, nil
	}
	if d, err := yamldoc.ParseDays(s); err == nil {
		return now.Add(d), false, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), false, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a time (2026-06-30, RFC 3339), a duration (90d, 12w, 36h) or max", s)
}

func newExceptionsCmd(g *globals) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:     "exceptions",
		Aliases: []string{"exception"},
		Short:   "Governed exceptions: accepted risks that suppress findings until they expire",
		Long: `An exception accepts the failures of its scope (checks, plus resources,
accounts, regions or a tag selector) for a reason, until it expires. It is
requested by one person and approved by another, in a role allowed to
approve its severity (the highest of its checks), for at most the duration
the configuration allows that severity. While approved and unexpired, it
turns the FAILs it covers into SUPPRESSED at every scan; when it expires or
is revoked, those findings reopen at once.

Who you are: --as USER, $PARAPET_USER, or your login name. The rules (roles,
maximum durations, self-approval, notices, the tag key) are in the
configuration file (--config; see docs/exceptions.md).`,
	}
	cmd.PersistentFlags().StringVar(&as, "as", "", "who runs the command (default: $PARAPET_USER or the login name)")
	cmd.AddCommand(
		newExceptionsRequestCmd(g, &as),
		newExceptionsDecideCmd(g, &as, "approve"),
		newExceptionsDecideCmd(g, &as, "reject"),
		newExceptionsDecideCmd(g, &as, "revoke"),
		newExceptionsListCmd(g),
		newExceptionsShowCmd(g),
		newExceptionsImportCmd(g, &as),
		newExceptionsExportCmd(g),
		newExceptionsMutelistCmd(g, &as),
		newExceptionsStatsCmd(g),
	)
	return cmd
}

func newExceptionsRequestCmd(g *globals, as *string) *cobra.Command {
	var (
		id, reason, expires, review, format string
		checks, assets, accounts, regions   []string
		tags                                []string
		byTag                               bool
	)
	cmd := &cobra.Command{
		Use:   "request --check ID --reason TEXT --expires WHEN [scope flags]",
		Short: "Request an exception (it suppresses nothing until approved)",
		Long: `Request an exception. The scope is the checks (--check, or --check '*' for
every check) AND any of --asset, --account, --region and --tag; within one
flag any value matches. Values are literals, globs (* and ?) or "re:" and a
regular expression. --by-tag limits the exception to resources whose
exception tag (default key parapet:exception) names its ID.

--expires takes a date (2026-06-30, midnight UTC), an RFC 3339 time, a
duration from now (90d, 12w, 36h) or max (the longest the configuration
allows the exception's severity).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			who, err := identity(*as)
			if err != nil {
				return err
			}
			now := g.now().UTC()
			e := finding.Exception{
				ID: id, Reason: strings.TrimSpace(reason), RequestedBy: who, Source: "cli",
				Scope: finding.Scope{Checks: splitList(checks), Assets: splitList(assets), Accounts: splitList(accounts),
					Regions: splitList(regions), ByTag: byTag},
			}
			if e.Scope.Tags, err = parseTagFlags(tags); err != nil {
				return err
			}
			exp, useMax, err := parseExpiry(expires, now)
			if err != nil {
				return usageError("--expires: %v", err)
			}
			if review != "" {
				t, useMaxReview, err := parseExpiry(review, now)
				if err != nil || useMaxReview {
					return usageError("--review: %q is not a time or a duration", review)
				}
				e.ReviewDate = t
			}
			return g.withStore(cmd.Context(), func(st store.Store) error {
				gov, err := g.governance(st, true)
				if err != nil {
					return err
				}
				if useMax {
					sev, err := finding.ScopeSeverity(&e.Scope, gov.Severities)
					if err != nil {
						return usageError("--check: %v", err)
					}
					exp = now.Add(gov.Policy.MaxFor(sev))
				}
				e.Expires = exp
				saved, err := gov.Request(cmd.Context(), e, now)
				if err != nil {
					return refusal(err)
				}
				if format == "json" {
					return writeJSON(g.stdout, saved)
				}
				_, err = fmt.Fprintf(g.stdout, "Requested exception %s (%s, expires %s); it needs approval by %s: parapet exceptions approve %s --role ROLE\n",
					saved.ID, saved.Severity, stamp(saved.Expires), strings.Join(gov.Policy.RolesFor(saved.Severity), " or "), saved.ID)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "id", "", "the exception's ID (default: the next EXC-nnnn)")
	f.StringSliceVar(&checks, "check", nil, "check IDs it covers, or '*' for every check (required)")
	f.StringSliceVar(&assets, "asset", nil, "resource UIDs (or patterns) it covers")
	f.StringSliceVar(&accounts, "account", nil, "accounts it covers")
	f.StringSliceVar(&regions, "region", nil, "regions it covers")
	f.StringArrayVar(&tags, "tag", nil, "tag selector KEY=VALUE (repeatable; every key must match, any of its values)")
	f.BoolVar(&byTag, "by-tag", false, "apply only to resources tagged with the exception tag naming this exception")
	f.StringVar(&reason, "reason", "", "why the risk is accepted (required)")
	f.StringVar(&expires, "expires", "", "when it expires: a date, RFC 3339 time, a duration (90d, 12w) or max (required)")
	f.StringVar(&review, "review", "", "when to review it: a date, RFC 3339 time or a duration")
	f.StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

// parseTagFlags reads KEY=VALUE flags into a selector.
func parseTagFlags(vals []string) (map[string][]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string][]string{}
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usageError("--tag: %q is not KEY=VALUE", v)
		}
		out[k] = append(out[k], val)
	}
	return out, nil
}

func newExceptionsDecideCmd(g *globals, as *string, verb string) *cobra.Command {
	var role, reason, format string
	short := map[string]string{
		"approve": "Approve a requested exception; the open findings it covers are suppressed at once",
		"reject":  "Reject a requested exception",
		"revoke":  "End an exception now; the findings it suppressed reopen at once",
	}[verb]
	cmd := &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			who, err := identity(*as)
			if err != nil {
				return err
			}
			if verb != "revoke" && role == "" {
				return usageError("--role is required: the approver role you act in")
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, gov *pipeline.Governance) error {
				now := g.now().UTC()
				var (
					e                    finding.Exception
					reopened, suppressed int
				)
				switch verb {
				case "approve":
					e, suppressed, err = gov.Approve(ctx, args[0], who, role, reason, now)
				case "reject":
					e, err = gov.Reject(ctx, args[0], who, role, reason, now)
				default:
					e, reopened, err = gov.Revoke(ctx, args[0], who, role, reason, now)
				}
				if err != nil {
					return refusal(err)
				}
				if format == "json" {
					return writeJSON(g.stdout, e)
				}
				msg := fmt.Sprintf("Exception %s is %s", e.ID, e.State)
				switch e.State {
				case finding.ExceptionApproved:
					msg += fmt.Sprintf(" by %s (%s) until %s; it suppresses matching failures from now on: %s suppressed at once", e.ApprovedBy, e.ApproverRole, stamp(e.Expires), findingCount(suppressed))
				case finding.ExceptionRevoked:
					msg += fmt.Sprintf("; %s reopened", findingCount(reopened))
				}
				_, err = fmt.Fprintln(g.stdout, msg+".")
				return err
			})
		},
	}
	f := cmd.Flags()
	switch verb {
	case "approve":
		f.StringVar(&role, "role", "", "the approver role you act in (required; one the configuration allows for the exception's severity)")
		f.StringVar(&reason, "comment", "", "a comment recorded with the approval")
	case "reject":
		f.StringVar(&role, "role", "", "the approver role you act in (required)")
		f.StringVar(&reason, "reason", "", "why it is rejected (required)")
	default:
		f.StringVar(&role, "role", "", "the role you act in, recorded with the revocation")
		f.StringVar(&reason, "reason", "", "why it is revoked (required)")
	}
	f.StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func newExceptionsListCmd(g *globals) *cobra.Command {
	var (
		states, checks []string
		format         string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List exceptions with their state, scope, expiry and the findings they suppress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			f, err := exceptionFilter(states)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, gov *pipeline.Governance) error {
				exs, err := st.Exceptions(ctx, f)
				if err != nil {
					return withCode(ExitError, err)
				}
				if want := splitList(checks); len(want) > 0 {
					kept := exs[:0]
					for _, e := range exs {
						for _, c := range want {
							if e.Scope.AllChecks() || slices.Contains(e.Scope.Checks, c) {
								kept = append(kept, e)
								break
							}
						}
					}
					exs = kept
				}
				counts, err := suppressedCounts(ctx, st)
				if err != nil {
					return withCode(ExitError, err)
				}
				now := g.now().UTC()
				if format == "json" {
					type view struct {
						finding.Exception
						Active     bool `json:"active"`
						Suppresses int  `json:"suppresses"`
					}
					out := make([]view, 0, len(exs))
					for _, e := range exs {
						out = append(out, view{e, e.Active(now), counts[e.ID]})
					}
					return writeJSON(g.stdout, map[string]any{"now": now, "exceptions": out})
				}
				if len(exs) == 0 {
					_, err := fmt.Fprintln(g.stdout, "No exceptions match.")
					return err
				}
				tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTATE\tSEVERITY\tEXPIRES\tSUPPRESSES\tREQUESTED BY\tAPPROVED BY\tSCOPE")
				for _, e := range exs {
					approved := "-"
					if e.ApprovedBy != "" {
						approved = clean(e.ApprovedBy, 40) + " (" + clean(e.ApproverRole, 30) + ")"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", clean(e.ID, 64), e.State, e.Severity, expiresIn(e, now),
						counts[e.ID], clean(e.RequestedBy, 40), approved, clean(scopeSummary(&e.Scope), 120))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				_, err = fmt.Fprintf(g.stdout, "%d exceptions\n", len(exs))
				return err
			})
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only these states (requested, approved, rejected, expired, revoked)")
	cmd.Flags().StringSliceVar(&checks, "check", nil, "only exceptions covering these check IDs")
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func suppressedCounts(ctx context.Context, st store.Store) (map[string]int, error) {
	fs, err := st.Findings(ctx, store.FindingFilter{Statuses: []finding.State{finding.StateSuppressed}})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, f := range fs {
		out[f.ExceptionID]++
	}
	return out, nil
}

func expiresIn(e finding.Exception, now time.Time) string {
	s := stamp(e.Expires)
	if !e.State.Closed() && e.Expires.After(now) {
		s += " (in " + age(e.Expires.Sub(now)) + ")"
	}
	return s
}

// scopeSummary renders a scope on one line.
func scopeSummary(s *finding.Scope) string {
	parts := []string{"checks=" + strings.Join(s.Checks, ",")}
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, name+"="+strings.Join(vals, ","))
		}
	}
	add("assets", s.Assets)
	add("accounts", s.Accounts)
	add("regions", s.Regions)
	for _, k := range sortedKeys(s.Tags) {
		parts = append(parts, "tag:"+k+"="+strings.Join(s.Tags[k], "|"))
	}
	if s.ByTag {
		parts = append(parts, "by-tag")
	}
	if x := s.Except; x != nil {
		parts = append(parts, "except(...)")
	}
	return strings.Join(parts, " ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func newExceptionsShowCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an exception: its scope, decisions, audit trail and the findings it suppresses",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, gov *pipeline.Governance) error {
				e, err := st.GetException(ctx, args[0])
				if errors.Is(err, store.ErrNotFound) {
					return usageError("no exception %q (see 'parapet exceptions list')", args[0])
				}
				if err != nil {
					return withCode(ExitError, err)
				}
				h, err := st.ExceptionHistory(ctx, e.ID)
				if err != nil {
					return withCode(ExitError, err)
				}
				fs, err := st.Findings(ctx, store.FindingFilter{ExceptionID: e.ID, Statuses: []finding.State{finding.StateSuppressed}})
				if err != nil {
					return withCode(ExitError, err)
				}
				now := g.now().UTC()
				if format == "json" {
					if h == nil {
						h = []finding.ExceptionChange{}
					}
					if fs == nil {
						fs = []finding.Finding{}
					}
					return writeJSON(g.stdout, map[string]any{"exception": e, "active": e.Active(now), "history": h, "suppressedFindings": fs})
				}
				return writeException(g.stdout, &e, h, fs, &gov.Policy, now)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func writeException(w io.Writer, e *finding.Exception, h []finding.ExceptionChange, fs []finding.Finding, p *finding.Policy, now time.Time) error {
	ew := &report.ErrWriter{W: w}
	active := ""
	if e.Active(now) {
		active = ", active"
	}
	fmt.Fprintf(ew, "Exception %s (%s%s)\n", clean(e.ID, 64), e.State, active)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Severity:\t%s (approval by %s, at most %s)\n", e.Severity, strings.Join(p.RolesFor(e.Severity), " or "), finding.Days(p.MaxFor(e.Severity)))
	fmt.Fprintf(tw, "  Checks:\t%s\n", clean(strings.Join(e.Scope.Checks, ", "), 200))
	for _, f := range []struct {
		name string
		vals []string
	}{{"Assets", e.Scope.Assets}, {"Accounts", e.Scope.Accounts}, {"Regions", e.Scope.Regions}} {
		if len(f.vals) > 0 {
			fmt.Fprintf(tw, "  %s:\t%s\n", f.name, clean(strings.Join(f.vals, ", "), 300))
		}
	}
	for _, k := range sortedKeys(e.Scope.Tags) {
		fmt.Fprintf(tw, "  Tag:\t%s = %s\n", clean(k, 80), clean(strings.Join(e.Scope.Tags[k], " | "), 200))
	}
	if e.Scope.ByTag {
		fmt.Fprintf(tw, "  By tag:\tonly resources tagged %s=%s\n", clean(p.TagKey, 80), clean(e.ID, 64))
	}
	if x := e.Scope.Except; x != nil {
		fmt.Fprintf(tw, "  Except:\t%s\n", clean(strings.TrimPrefix(scopeSummary(&finding.Scope{Assets: x.Assets, Accounts: x.Accounts, Regions: x.Regions, Tags: x.Tags}), "checks= "), 300))
	}
	fmt.Fprintf(tw, "  Reason:\t%s\n", clean(e.Reason, 300))
	fmt.Fprintf(tw, "  Requested:\tby %s at %s\n", clean(e.RequestedBy, 60), stamp(e.Created))
	if e.ApprovedBy != "" {
		fmt.Fprintf(tw, "  Approved:\tby %s (%s) at %s\n", clean(e.ApprovedBy, 60), clean(e.ApproverRole, 40), stamp(e.ApprovedAt))
	}
	fmt.Fprintf(tw, "  Expires:\t%s\n", expiresIn(*e, now))
	if !e.ReviewDate.IsZero() {
		fmt.Fprintf(tw, "  Review:\t%s\n", stamp(e.ReviewDate))
	}
	if e.State.Closed() {
		fmt.Fprintf(tw, "  Closed:\t%s by %s: %s\n", stamp(e.ClosedAt), clean(dash(e.ClosedBy), 60), clean(e.ClosedReason, 200))
	}
	if e.Source != "" {
		fmt.Fprintf(tw, "  Source:\t%s\n", clean(e.Source, 200))
	}
	tw.Flush()

	fmt.Fprintf(ew, "\nAUDIT TRAIL\n")
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  AT\tBY\tROLE\tFROM\tTO\tWHY")
	for _, c := range h {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", stamp(c.At), clean(c.Actor, 60), dash(clean(c.Role, 40)), dash(string(c.From)), c.To, clean(c.Reason, 160))
	}
	tw.Flush()

	fmt.Fprintf(ew, "\nSUPPRESSED FINDINGS (%d)\n", len(fs))
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, f := range fs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Fingerprint, f.Severity, clean(f.CheckID, 80), resource(f.AssetUID, f.AssetName))
	}
	tw.Flush()
	return ew.Err
}

func newExceptionsImportCmd(g *globals, as *string) *cobra.Command {
	var (
		dryRun bool
		format string
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Declare exceptions from YAML (or JSON) files: create or update them by ID",
		Long: `Read exceptions as code (the format 'parapet exceptions export' writes; see
docs/exceptions.md) and make the store match: new IDs are created, changed
ones updated, identical ones left alone. Every file is checked first and
every problem is reported with its file and line; nothing is written unless
all are valid. A closed exception (expired, revoked, rejected) is history:
a file still declaring it open is left alone, and a file changing it is
refused.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			who, err := identity(*as)
			if err != nil {
				return err
			}
			var (
				decls []finding.Declared
				errs  []error
				seen  = map[string]string{}
			)
			for _, file := range args {
				data, err := os.ReadFile(file)
				if err != nil {
					return usageError("%v", err)
				}
				ds, err := finding.ParseExceptionFile(file, data)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				for _, d := range ds {
					if prev, dup := seen[d.Exception.ID]; dup {
						errs = append(errs, &yamldoc.Error{File: file, Line: d.LineOf("id"), Msg: fmt.Sprintf("exception %s is also declared in %s", d.Exception.ID, prev)})
						continue
					}
					seen[d.Exception.ID] = file
					decls = append(decls, d)
				}
			}
			if len(errs) > 0 {
				return usageError("%w", errors.Join(errs...))
			}
			source := strings.Join(args, ", ")
			return g.importDeclared(cmd.Context(), decls, who, source, dryRun, format)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check and report, write nothing")
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func (g *globals) importDeclared(ctx context.Context, decls []finding.Declared, who, source string, dryRun bool, format string) error {
	return g.withStore(ctx, func(st store.Store) error {
		gov, err := g.governance(st, true)
		if err != nil {
			return err
		}
		if err := g.sweep(ctx, gov); err != nil {
			return err
		}
		now := g.now().UTC()
		res, err := gov.Import(ctx, decls, who, source, now, dryRun)
		if err != nil {
			return refusal(err)
		}
		// Declared exceptions that expired already (closed history) are
		// handled; the ones imported open are swept at once too.
		if !dryRun {
			if err := g.sweep(ctx, gov); err != nil {
				return err
			}
		}
		if format == "json" {
			return writeJSON(g.stdout, map[string]any{"dryRun": dryRun, "results": res})
		}
		counts := map[string]int{}
		tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tACTION\tSTATE\tDETAIL")
		for _, r := range res {
			counts[r.Action]++
			detail := strings.Join(r.Changed, ", ")
			if r.From != "" && r.From != r.State {
				detail = strings.TrimPrefix(detail+"; "+string(r.From)+" → "+string(r.State), "; ")
			}
			if r.Suppressed > 0 {
				detail += fmt.Sprintf("; %s suppressed", findingCount(r.Suppressed))
			}
			if r.Reopened > 0 {
				detail += fmt.Sprintf("; %s reopened", findingCount(r.Reopened))
			}
			if r.Note != "" {
				detail = strings.TrimPrefix(detail+"; "+r.Note, "; ")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clean(r.ID, 64), r.Action, r.State, clean(dash(detail), 200))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		verb := ""
		if dryRun {
			verb = " (dry run: nothing written)"
		}
		_, err = fmt.Fprintf(g.stdout, "%d created, %d updated, %d unchanged%s\n", counts["created"], counts["updated"], counts["unchanged"], verb)
		return err
	})
}

func newExceptionsExportCmd(g *globals) *cobra.Command {
	var (
		format, file string
		states       []string
	)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write exceptions as code (YAML or JSON), the format import reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "yaml", "json"); err != nil {
				return err
			}
			f, err := exceptionFilter(states)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, _ *pipeline.Governance) error {
				exs, err := st.Exceptions(ctx, f)
				if err != nil {
					return withCode(ExitError, err)
				}
				dst, closeOut, err := g.outputTarget(file)
				if err != nil {
					return withCode(ExitError, err)
				}
				if err := finding.WriteExceptionFile(dst, format, exs); err != nil {
					closeOut()
					return withCode(ExitError, err)
				}
				if err := closeOut(); err != nil {
					return withCode(ExitError, err)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "yaml", "output format: yaml or json")
	cmd.Flags().StringVar(&file, "output-file", "", "write to this file instead of standard output")
	cmd.Flags().StringSliceVar(&states, "state", nil, "only these states")
	return cmd
}

func newExceptionsMutelistCmd(g *globals, as *string) *cobra.Command {
	var (
		expires, approveAs, role, prefix, format string
		dryRun                                   bool
	)
	cmd := &cobra.Command{
		Use:   "import-mutelist FILE --expires WHEN",
		Short: "Import a Prowler mutelist as exceptions",
		Long: `Import a Prowler mutelist YAML file: each account × check entry becomes an
exception (ID PREFIX-<hash of account and check>, so importing again updates
the same ones) with the expiry you choose: a date, a duration (90d) or max
(the longest the configuration allows each exception's severity). Prowler
checks are mapped to their Parapet equivalents; what cannot be mapped or
expressed exactly is listed as a warning and left out, so the import never
mutes more than the mutelist did. Entries are created as requested, or as
approved by --approve-as in --role.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			who, err := identity(*as)
			if err != nil {
				return err
			}
			if (approveAs == "") != (role == "") {
				return usageError("--approve-as and --role go together")
			}
			now := g.now().UTC()
			exp, useMax, err := parseExpiry(expires, now)
			if err != nil {
				return usageError("--expires: %v", err)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			entries, err := mutelist.Parse(args[0], data)
			if err != nil {
				return usageError("%w", err)
			}
			ctx := cmd.Context()
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return g.withStore(ctx, func(st store.Store) error {
				gov, err := g.governance(st, true)
				if err != nil {
					return err
				}
				conv := mutelist.Convert(entries, mutelist.Options{
					File: args[0], RequestedBy: who, ApprovedBy: approveAs, ApproverRole: role, IDPrefix: prefix, Now: now,
					Severities: gov.Severities,
					Expires: func(sev string) time.Time {
						if useMax {
							return now.Add(cfg.Exceptions.MaxFor(sev))
						}
						return exp
					},
				})
				for _, w := range conv.Warnings {
					fmt.Fprintln(g.stderr, "warning:", w)
				}
				if len(conv.Exceptions) == 0 {
					return usageError("%s: no entry could be imported", args[0])
				}
				return g.importDeclared(ctx, conv.Exceptions, who, "prowler-mutelist:"+args[0], dryRun, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&expires, "expires", "", "expiry of every imported exception: a date, a duration (90d) or max (required)")
	f.StringVar(&approveAs, "approve-as", "", "record the exceptions as approved by this person")
	f.StringVar(&role, "role", "", "the approver role of --approve-as")
	f.StringVar(&prefix, "id-prefix", "MUTE", "prefix of the imported exceptions' IDs")
	f.BoolVar(&dryRun, "dry-run", false, "check and report, write nothing")
	f.StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func newExceptionsStatsCmd(g *globals) *cobra.Command {
	var format, within string
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Figures of exceptions: active by severity, check and account, expiring soon, findings suppressed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			horizon, err := yamldoc.ParseDays(within)
			if err != nil {
				return usageError("--within: %v", err)
			}
			ctx := cmd.Context()
			return g.withSweptStore(ctx, func(st store.Store, gov *pipeline.Governance) error {
				s, err := gov.Stats(ctx, g.now().UTC(), horizon)
				if err != nil {
					return withCode(ExitError, err)
				}
				if format == "json" {
					return writeJSON(g.stdout, s)
				}
				return writeExceptionStats(g.stdout, &s)
			})
		},
	}
	cmd.Flags().StringVar(&within, "within", "30d", "horizon of the expiring list (days or weeks)")
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func writeExceptionStats(w io.Writer, s *pipeline.ExceptionStats) error {
	ew := &report.ErrWriter{W: w}
	fmt.Fprintf(ew, "Exceptions as of %s: %d active", stamp(s.Now), s.Active)
	for _, st := range []finding.ExceptionState{finding.ExceptionRequested, finding.ExceptionApproved, finding.ExceptionRejected, finding.ExceptionExpired, finding.ExceptionRevoked} {
		fmt.Fprintf(ew, ", %d %s", s.ByState[st], st)
	}
	fmt.Fprintf(ew, "\nFindings suppressed: %d\n", s.SuppressedFindings)

	fmt.Fprintf(ew, "\nACTIVE BY SEVERITY\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	names := finding.SeverityNames()
	for i := len(names) - 1; i >= 0; i-- {
		fmt.Fprintf(tw, "%s\t%d\n", names[i], s.ActiveBySeverity[names[i]])
	}
	tw.Flush()
	for _, part := range []struct {
		title string
		m     map[string]int
	}{{"ACTIVE BY ACCOUNT (* = not limited to accounts)", s.ActiveByAccount}, {"ACTIVE BY CHECK (* = every check)", s.ActiveByCheck},
		{"SUPPRESSED FINDINGS BY EXCEPTION", s.SuppressedByException}} {
		fmt.Fprintf(ew, "\n%s\n", part.title)
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		keys := sortedKeys(part.m)
		sort.SliceStable(keys, func(i, j int) bool { return part.m[keys[i]] > part.m[keys[j]] })
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%d\n", clean(k, 80), part.m[k])
		}
		tw.Flush()
	}
	fmt.Fprintf(ew, "\nEXPIRING WITHIN %s\n", finding.Days(s.Within))
	if len(s.Expiring) == 0 {
		fmt.Fprintln(ew, "None.")
	}
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, x := range s.Expiring {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d days left\n", clean(x.ID, 64), x.Severity, stamp(x.Expires), x.DaysLeft)
	}
	tw.Flush()
	return ew.Err
}

// exceptionFilter turns --state flags into a store filter.
func exceptionFilter(states []string) (store.ExceptionFilter, error) {
	var f store.ExceptionFilter
	for _, s := range splitList(states) {
		st, err := finding.ParseExceptionState(s)
		if err != nil {
			return f, usageError("--state: %v", err)
		}
		f.States = append(f.States, st)
	}
	return f, nil
}

// findingCount says "1 finding" or "n findings".
func findingCount(n int) string {
	if n == 1 {
		return "1 finding"
	}
	return fmt.Sprintf("%d findings", n)
}
