package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/store"
)

func newEventsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "The event outbox: what happened to findings, for notifications and other consumers",
	}
	var (
		types         []string
		since, format string
		after         int64
		limit         int
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List events, oldest first",
		Long: `List the events of the outbox, oldest first: finding.opened, finding.resolved,
finding.reopened, finding.suppressed and finding.unsuppressed, each with the
finding's fingerprint as subject and its details as payload. --after ID
continues from the last event a consumer saw.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			f := store.EventFilter{Types: splitList(types), AfterID: after, Limit: limit}
			if since != "" {
				t, err := parseWhen(since, g.now().UTC())
				if err != nil {
					return usageError("--since: %v", err)
				}
				f.Since = t
			}
			return g.withStore(cmd.Context(), func(st store.Store) error {
				es, err := st.Events(cmd.Context(), f)
				if err != nil {
					return withCode(ExitError, err)
				}
				if format == "json" {
					if es == nil {
						es = []store.Event{}
					}
					return writeJSON(g.stdout, es)
				}
				if len(es) == 0 {
					_, err := fmt.Fprintln(g.stdout, "No events match.")
					return err
				}
				tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tTIME\tTYPE\tSUBJECT\tPAYLOAD")
				for _, e := range es {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.ID, stamp(e.Time), clean(e.Type, 60), clean(e.Subject, 60), clean(string(e.Payload), 120))
				}
				return tw.Flush()
			})
		},
	}
	fl := list.Flags()
	fl.StringSliceVar(&types, "type", nil, "only events of these types (e.g. finding.opened)")
	fl.StringVar(&since, "since", "", "only events at or after this time or duration back (e.g. 24h, 7d)")
	fl.Int64Var(&after, "after", 0, "only events with a greater ID")
	fl.IntVar(&limit, "limit", 0, "list at most this many (0: all)")
	fl.StringVarP(&format, "output", "o", "table", "output format: table or json")
	cmd.AddCommand(list)
	return cmd
}
