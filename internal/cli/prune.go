package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/store"
)

func newPruneCmd(g *globals) *cobra.Command {
	var (
		olderThan, format string
		dryRun            bool
	)
	cmd := &cobra.Command{
		Use:   "prune --older-than AGE",
		Short: "Delete old scans, results, asset versions and events from the store",
		Long: `Delete from the store what is older than --older-than (a duration back such
as 90d, or a date): the scans started before it with their results (the
latest scan of each provider always stays), the asset versions that stopped
being current before it, the resources found deleted before it, and the
outbox events before it.

Findings, their transitions (opened, resolved, reopened, suppressed) and
exceptions with their audit trail are kept whatever their age, so ages,
time to remediate, new/resolved per day and change reports read the same
afterwards; a finding's history loses only the evaluations that changed
nothing. --dry-run counts without deleting.`,
		Example: `  parapet prune --older-than 90d --dry-run
  parapet prune --older-than 2026-01-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			if olderThan == "" {
				return usageError("--older-than is required: how old data must be to go (e.g. 90d)")
			}
			before, err := parseWhen(olderThan, g.now().UTC())
			if err != nil {
				return usageError("--older-than: %v", err)
			}
			return g.withStore(cmd.Context(), func(st store.Store) error {
				sum, err := st.Prune(cmd.Context(), store.PruneRequest{Before: before, DryRun: dryRun})
				if err != nil {
					return withCode(ExitError, err)
				}
				if format == "json" {
					return writeJSON(g.stdout, struct {
						Before time.Time `json:"before"`
						DryRun bool      `json:"dryRun"`
						store.PruneSummary
					}{before, dryRun, sum})
				}
				verb := "Deleted"
				if dryRun {
					verb = "Would delete"
				}
				_, err = fmt.Fprintf(g.stdout, "%s what is older than %s: %d scans, %d results, %d asset versions, %d deleted resources, %d events.\n",
					verb, stamp(before), sum.Scans, sum.Results, sum.AssetVersions, sum.Assets, sum.Events)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&olderThan, "older-than", "", "delete what is older than this duration back (90d, 720h) or time (YYYY-MM-DD, RFC 3339); required")
	f.BoolVar(&dryRun, "dry-run", false, "count what would be deleted, delete nothing")
	f.StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}
