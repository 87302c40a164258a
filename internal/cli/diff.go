package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/parapet-dev/parapet/internal/report"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/configdiff"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

func newDiffCmd(g *globals) *cobra.Command {
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "What changed between two scans: resources added, removed and changed, findings opened, resolved and reopened",
		Long: `Compare two scans of the same provider: the resources added, removed and
changed (with the fields that changed), and the findings opened, resolved and
reopened by the scans after --from up to and including --to. By default the
two latest completed scans of the provider of the latest one.

-o markdown writes a change report to paste into a ticket or a pull request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json", "markdown"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				fromScan, toScan, err := resolveScans(ctx, st, from, to)
				if err != nil {
					return err
				}
				rep, err := buildChanges(ctx, st, fromScan, toScan)
				if err != nil {
					return withCode(ExitError, err)
				}
				switch format {
				case "json":
					return writeJSON(g.stdout, rep)
				case "markdown":
					return rep.writeMarkdown(g.stdout)
				}
				return rep.writeTable(g.stdout)
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the earlier scan ID (default: the completed scan before --to)")
	cmd.Flags().StringVar(&to, "to", "", "the later scan ID (default: the latest completed scan)")
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table, json or markdown")
	return cmd
}

// resolveScans finds the two scans to compare.
func resolveScans(ctx context.Context, st store.Store, from, to string) (store.Scan, store.Scan, error) {
	get := func(id, flag string) (store.Scan, error) {
		sc, err := st.GetScan(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return sc, usageError("%s: no scan %q", flag, id)
		}
		if err != nil {
			return sc, withCode(ExitError, err)
		}
		return sc, nil
	}
	latest := func(f store.ScanFilter) (store.Scan, bool, error) {
		f.Status, f.Limit = store.ScanCompleted, 1
		scans, err := st.ListScans(ctx, f)
		if err != nil {
			return store.Scan{}, false, withCode(ExitError, err)
		}
		if len(scans) == 0 {
			return store.Scan{}, false, nil
		}
		return scans[0], true, nil
	}
	var fromScan, toScan store.Scan
	var err error
	if from != "" {
		if fromScan, err = get(from, "--from"); err != nil {
			return fromScan, toScan, err
		}
	}
	switch {
	case to != "":
		if toScan, err = get(to, "--to"); err != nil {
			return fromScan, toScan, err
		}
	default:
		ok := false
		if toScan, ok, err = latest(store.ScanFilter{Provider: fromScan.Provider}); err != nil {
			return fromScan, toScan, err
		} else if !ok {
			return fromScan, toScan, usageError("no completed scan to compare (run a scan first)")
		}
	}
	if from == "" {
		ok := false
		if fromScan, ok, err = latest(store.ScanFilter{Provider: toScan.Provider, Before: toScan.ID}); err != nil {
			return fromScan, toScan, err
		} else if !ok {
			return fromScan, toScan, usageError("scan %s is the first completed %s scan: nothing to compare it with", toScan.ID, toScan.Provider)
		}
	}
	if fromScan.ID >= toScan.ID {
		return fromScan, toScan, usageError("--from %s is not older than --to %s", fromScan.ID, toScan.ID)
	}
	return fromScan, toScan, nil
}

// changeReport is what changed between two scans.
type changeReport struct {
	From     scanRef             `json:"from"`
	To       scanRef             `json:"to"`
	Summary  changeSummary       `json:"summary"`
	Assets   []assetChangeView   `json:"assets"`
	Findings []findingChangeView `json:"findings"`
}

type scanRef struct {
	ID        string           `json:"id"`
	Provider  string           `json:"provider"`
	Status    store.ScanStatus `json:"status"`
	StartedAt time.Time        `json:"startedAt"`
}

type changeSummary struct {
	Added        int `json:"added"`
	Removed      int `json:"removed"`
	Changed      int `json:"changed"`
	Opened       int `json:"opened"`
	Resolved     int `json:"resolved"`
	Reopened     int `json:"reopened"`
	Suppressed   int `json:"suppressed"`
	Unsuppressed int `json:"unsuppressed"`
}

type assetChangeView struct {
	UID     string                `json:"uid"`
	Kind    store.AssetChangeKind `json:"kind"`
	Type    string                `json:"type"`
	Name    string                `json:"name,omitempty"`
	Account string                `json:"account"`
	Region  string                `json:"region"`
	Changes []configdiff.Change   `json:"changes,omitempty"`
}

type findingChangeView struct {
	Transition  finding.Transition `json:"transition"`
	Reason      string             `json:"reason,omitempty"`
	At          time.Time          `json:"at"`
	ScanID      string             `json:"scanId"`
	Fingerprint string             `json:"fingerprint"`
	CheckID     string             `json:"checkId"`
	Severity    string             `json:"severity"`
	AssetUID    string             `json:"assetUid"`
	AssetName   string             `json:"assetName,omitempty"`
	Account     string             `json:"account"`
	Region      string             `json:"region"`
	// Status is the finding's status now.
	Status finding.State `json:"status"`
}

func buildChanges(ctx context.Context, st store.Store, from, to store.Scan) (*changeReport, error) {
	rep := &changeReport{
		From:     scanRef{from.ID, from.Provider, from.Status, from.StartedAt},
		To:       scanRef{to.ID, to.Provider, to.Status, to.StartedAt},
		Assets:   []assetChangeView{},
		Findings: []findingChangeView{},
	}
	assets, err := st.AssetChanges(ctx, from.ID, to.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range assets {
		a := c.To
		if a == nil {
			a = c.From
		}
		if a.Provider != to.Provider {
			continue // another provider's scans interleaved
		}
		v := assetChangeView{UID: c.UID, Kind: c.Kind, Type: a.Type, Name: a.Name, Account: a.Account, Region: a.Region}
		switch c.Kind {
		case store.AssetAdded:
			rep.Summary.Added++
		case store.AssetRemoved:
			rep.Summary.Removed++
		case store.AssetChanged:
			rep.Summary.Changed++
			v.Changes = configdiff.Assets(c.From, c.To)
		}
		rep.Assets = append(rep.Assets, v)
	}
	changes, err := st.FindingChanges(ctx, from.ID, to.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		f := c.Finding
		if f.Provider != to.Provider {
			continue
		}
		switch c.Transition {
		case finding.Opened:
			rep.Summary.Opened++
		case finding.Resolved:
			rep.Summary.Resolved++
		case finding.Reopened:
			rep.Summary.Reopened++
		case finding.NewlySuppressed:
			rep.Summary.Suppressed++
		case finding.Unsuppressed:
			rep.Summary.Unsuppressed++
		}
		rep.Findings = append(rep.Findings, findingChangeView{
			Transition: c.Transition, Reason: c.Reason, At: c.At, ScanID: c.ScanID, Fingerprint: f.Fingerprint,
			CheckID: f.CheckID, Severity: f.Severity, AssetUID: f.AssetUID, AssetName: f.AssetName,
			Account: f.Account, Region: f.Region, Status: f.Status,
		})
	}
	return rep, nil
}

// maxFieldLines bounds the field changes a table or markdown report shows
// per resource; JSON has them all.
const maxFieldLines = 20

func (r *changeReport) writeTable(w io.Writer) error {
	ew := &report.ErrWriter{W: w}
	s := r.Summary
	fmt.Fprintf(ew, "Changes from scan %s (%s, started %s) to scan %s (started %s)\n",
		r.From.ID, r.From.Provider, stamp(r.From.StartedAt), r.To.ID, stamp(r.To.StartedAt))
	fmt.Fprintf(ew, "\nRESOURCES: %d added, %d removed, %d changed\n", s.Added, s.Removed, s.Changed)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, a := range r.Assets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.Kind, a.Type, resource(a.UID, a.Name), clean(a.Account, 40), clean(a.Region, 30))
	}
	tw.Flush()
	for _, a := range r.Assets {
		if len(a.Changes) == 0 {
			continue
		}
		fmt.Fprintf(ew, "\n  %s:\n", resource(a.UID, a.Name))
		for i, c := range a.Changes {
			if i == maxFieldLines {
				fmt.Fprintf(ew, "    … and %d more (-o json lists them all)\n", len(a.Changes)-i)
				break
			}
			fmt.Fprintf(ew, "    %s\n", clean(c.String(), 300))
		}
	}
	fmt.Fprintf(ew, "\nFINDINGS: %d opened, %d resolved, %d reopened", s.Opened, s.Resolved, s.Reopened)
	if s.Suppressed+s.Unsuppressed > 0 {
		fmt.Fprintf(ew, ", %d suppressed, %d no longer suppressed", s.Suppressed, s.Unsuppressed)
	}
	fmt.Fprintln(ew)
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, f := range r.Findings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Transition, f.Severity, clean(f.CheckID, 80), resource(f.AssetUID, f.AssetName),
			clean(f.Account, 40), clean(f.Region, 30), clean(f.Reason, 80))
	}
	tw.Flush()
	return ew.Err
}

func (r *changeReport) writeMarkdown(w io.Writer) error {
	ew := &report.ErrWriter{W: w}
	s := r.Summary
	fmt.Fprintf(ew, "# Changes between two %s scans\n\n", md(r.To.Provider))
	fmt.Fprintf(ew, "From scan %s (started %s) to scan %s (started %s).\n\n",
		code(r.From.ID), stamp(r.From.StartedAt), code(r.To.ID), stamp(r.To.StartedAt))
	fmt.Fprintf(ew, "## Resources: %d added, %d removed, %d changed\n\n", s.Added, s.Removed, s.Changed)
	if len(r.Assets) > 0 {
		fmt.Fprintln(ew, "| Change | Type | Resource | Account | Region |")
		fmt.Fprintln(ew, "|---|---|---|---|---|")
		for _, a := range r.Assets {
			name := code(a.UID)
			if a.Name != "" && a.Name != a.UID {
				name += " (" + md(a.Name) + ")"
			}
			fmt.Fprintf(ew, "| %s | %s | %s | %s | %s |\n", a.Kind, md(a.Type), name, md(a.Account), md(a.Region))
		}
		fmt.Fprintln(ew)
	}
	for _, a := range r.Assets {
		if len(a.Changes) == 0 {
			continue
		}
		fmt.Fprintf(ew, "### %s\n\n", code(a.UID))
		for i, c := range a.Changes {
			if i == maxFieldLines {
				fmt.Fprintf(ew, "- … and %d more\n", len(a.Changes)-i)
				break
			}
			switch c.Kind {
			case configdiff.Added:
				fmt.Fprintf(ew, "- added %s: %s\n", code(c.Path), code(configdiff.Value(c.To, 200)))
			case configdiff.Removed:
				fmt.Fprintf(ew, "- removed %s: %s\n", code(c.Path), code(configdiff.Value(c.From, 200)))
			default:
				fmt.Fprintf(ew, "- changed %s: %s → %s\n", code(c.Path), code(configdiff.Value(c.From, 100)), code(configdiff.Value(c.To, 100)))
			}
		}
		fmt.Fprintln(ew)
	}
	fmt.Fprintf(ew, "## Findings: %d opened, %d resolved, %d reopened\n\n", s.Opened, s.Resolved, s.Reopened)
	if len(r.Findings) > 0 {
		fmt.Fprintln(ew, "| Transition | Severity | Check | Resource | Account | Region | Reason |")
		fmt.Fprintln(ew, "|---|---|---|---|---|---|---|")
		for _, f := range r.Findings {
			fmt.Fprintf(ew, "| %s | %s | %s | %s | %s | %s | %s |\n", f.Transition, md(f.Severity), code(f.CheckID), code(f.AssetUID),
				md(f.Account), md(f.Region), md(f.Reason))
		}
	}
	return ew.Err
}

// md makes text safe in a Markdown table cell: one line, no HTML, no
// column breaks, no emphasis.
func md(s string) string {
	s = clean(s, 200)
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'", "[", `\[`, "]", `\]`).Replace(s)
}

// code renders text as inline code; a backtick inside would end it.
func code(s string) string {
	return "`" + strings.NewReplacer("`", "'", "|", `\|`).Replace(clean(s, 300)) + "`"
}
