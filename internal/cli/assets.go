package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/configdiff"
	"github.com/parapet-dev/parapet/internal/store"
)

func newAssetsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "assets",
		Short: "The configuration history of collected resources",
		Long: `Every collected resource keeps each configuration it has had: a scan that
finds it unchanged adds no version, a change adds one, and a resource found
deleted keeps its versions.`,
	}
	cmd.AddCommand(newAssetsHistoryCmd(g), newAssetsDiffCmd(g))
	return cmd
}

func newAssetsHistoryCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "history UID",
		Short: "List the configurations a resource has had, oldest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			return g.withStore(cmd.Context(), func(st store.Store) error {
				vs, err := assetVersions(cmd.Context(), st, args[0])
				if err != nil {
					return err
				}
				if format == "json" {
					return writeJSON(g.stdout, vs)
				}
				return writeVersions(g.stdout, vs)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func assetVersions(ctx context.Context, st store.Store, uid string) ([]store.AssetVersion, error) {
	vs, err := st.AssetVersions(ctx, uid)
	if errors.Is(err, store.ErrNotFound) {
		return nil, usageError("no asset %q has been collected", uid)
	}
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	return vs, nil
}

func writeVersions(w io.Writer, vs []store.AssetVersion) error {
	a := vs[len(vs)-1].Asset
	fmt.Fprintf(w, "%s (%s, %s, account %s, region %s): %d versions\n", clean(a.UID, 160), clean(a.Name, 80), a.Type,
		clean(a.Account, 40), clean(a.Region, 40), len(vs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFIRST SEEN\tLAST SEEN\tFIRST SCAN\tLAST SCAN\tHASH\tENDED")
	for i, v := range vs {
		ended := "-"
		switch {
		case v.DeletedScanID != "":
			ended = "deleted " + stamp(v.DeletedAt)
		case i < len(vs)-1:
			ended = "changed"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, stamp(v.FirstSeen), stamp(v.LastSeen), v.FirstScanID, v.LastScanID,
			short(v.Asset.Hash), ended)
	}
	return tw.Flush()
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

func newAssetsDiffCmd(g *globals) *cobra.Command {
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "diff UID",
		Short: "Show what changed in a resource's configuration, field by field",
		Long: `Compare two configurations of a resource: by default its previous one and its
current one. --from and --to pick the configuration a resource had at a time
(RFC 3339) or as a scan saw it (a scan ID).

Each line is one field: "+" added, "-" removed, "~" changed, with dotted
paths; list elements are matched by an identifying key when they have one
(config.IpPermissions[0].IpRanges[CidrIp=0.0.0.0/0]).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.withStore(ctx, func(st store.Store) error {
				vs, err := assetVersions(ctx, st, args[0])
				if err != nil {
					return err
				}
				ti := len(vs) - 1
				if to != "" {
					if ti, err = versionAt(ctx, st, vs, to, "--to"); err != nil {
						return err
					}
				}
				fi := ti - 1
				if from != "" {
					if fi, err = versionAt(ctx, st, vs, from, "--from"); err != nil {
						return err
					}
				}
				if fi < 0 {
					fmt.Fprintf(g.stdout, "%s had no configuration before version %d (first seen %s).\n", clean(args[0], 160), ti+1, stamp(vs[ti].FirstSeen))
					return nil
				}
				changes := configdiff.Assets(&vs[fi].Asset, &vs[ti].Asset)
				if format == "json" {
					return writeJSON(g.stdout, map[string]any{
						"uid": args[0], "from": versionRef(vs, fi), "to": versionRef(vs, ti), "changes": changes,
					})
				}
				fmt.Fprintf(g.stdout, "%s\n  from version %d (first seen %s, scan %s)\n  to   version %d (first seen %s, scan %s)\n",
					clean(args[0], 160), fi+1, stamp(vs[fi].FirstSeen), vs[fi].FirstScanID, ti+1, stamp(vs[ti].FirstSeen), vs[ti].FirstScanID)
				if len(changes) == 0 {
					fmt.Fprintln(g.stdout, "No difference.")
					return nil
				}
				for _, c := range changes {
					fmt.Fprintln(g.stdout, "  "+clean(c.String(), 400))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "configuration at this time (RFC 3339) or scan ID (default: the previous one)")
	cmd.Flags().StringVar(&to, "to", "", "configuration at this time (RFC 3339) or scan ID (default: the current one)")
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table or json")
	return cmd
}

func versionRef(vs []store.AssetVersion, i int) map[string]any {
	v := vs[i]
	return map[string]any{"version": i + 1, "firstSeen": v.FirstSeen, "firstScanId": v.FirstScanID, "hash": v.Asset.Hash}
}

// versionAt is the index of the version current at a time or as of a
// scan: the latest one first seen then or before.
func versionAt(ctx context.Context, st store.Store, vs []store.AssetVersion, when, flag string) (int, error) {
	var at func(v store.AssetVersion) bool
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		at = func(v store.AssetVersion) bool { return !v.FirstSeen.After(t) }
	} else {
		if _, err := st.GetScan(ctx, when); errors.Is(err, store.ErrNotFound) {
			return 0, usageError("%s: %q is neither an RFC 3339 time nor a known scan ID", flag, when)
		} else if err != nil {
			return 0, withCode(ExitError, err)
		}
		// Scan IDs order as their scans started.
		at = func(v store.AssetVersion) bool { return v.FirstScanID <= when }
	}
	i := -1
	for k, v := range vs {
		if at(v) {
			i = k
		}
	}
	if i < 0 {
		return 0, usageError("%s: the asset had not been collected yet at %s (first seen %s)", flag, when, stamp(vs[0].FirstSeen))
	}
	return i, nil
}
