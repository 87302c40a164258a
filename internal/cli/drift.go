package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/drift"
	"github.com/parapet-dev/parapet/internal/iac/terraform"
	"github.com/parapet-dev/parapet/internal/store"
)

func newDriftCmd(g *globals) *cobra.Command {
	var (
		statePath, planPath string
		accounts            []string
		format              string
	)
	cmd := &cobra.Command{
		Use:   "drift (--state FILE | --plan FILE)",
		Short: "Compare Terraform state or a plan with the cloud inventory",
		Long: `Compare what Terraform manages (a terraform.tfstate, or the planned
values of 'terraform show -json plan.out') with the inventory of the latest
scan in the store ('parapet scan aws' first):

  unmanaged  resources in the cloud that no code manages (of the types and
             regions the state covers)
  missing    resources in the state that the cloud no longer has
  changed    attributes changed outside Terraform, field by field

Exit codes: 0 no drift; 3 drift found; 1 error; 2 bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (statePath == "") == (planPath == "") {
				return usageError("give exactly one of --state and --plan")
			}
			ctx := cmd.Context()
			code, err := loadCode(ctx, g, statePath, planPath)
			if err != nil {
				return withCode(ExitError, err)
			}
			st, _, err := g.openStore(ctx)
			if err != nil {
				return withCode(ExitError, err)
			}
			defer st.Close()
			live, err := st.Assets(ctx, store.AssetFilter{Provider: awsshape.Provider, Accounts: splitList(accounts), Types: drift.Types()})
			if err != nil {
				return withCode(ExitError, err)
			}
			if len(live) == 0 {
				return withCode(ExitError, fmt.Errorf("the store holds no AWS inventory: run 'parapet scan aws' first"))
			}
			rep := drift.Compare(code, live)
			if err := writeDrift(g.stdout, format, &rep); err != nil {
				return err
			}
			if !rep.Clean() {
				return withCode(ExitFindings, nil)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&statePath, "state", "", "Terraform state file (terraform.tfstate, or 'terraform show -json' of it)")
	f.StringVar(&planPath, "plan", "", "Terraform plan JSON ('terraform show -json plan.out')")
	f.StringSliceVar(&accounts, "account", nil, "compare with the inventory of these accounts only")
	f.StringVarP(&format, "output", "o", "table", "table, json or markdown")
	return cmd
}

func loadCode(ctx context.Context, g *globals, statePath, planPath string) ([]asset.Asset, error) {
	if statePath != "" {
		as, diags, err := terraform.LoadState(statePath)
		if err != nil {
			return nil, err
		}
		for _, d := range diags {
			fmt.Fprintln(g.stderr, "parapet:", d)
		}
		return as, nil
	}
	res, err := terraform.NewPlanLoader(terraform.Options{Now: g.now}).Load(ctx, planPath)
	if err != nil {
		return nil, err
	}
	for _, d := range res.Diagnostics {
		fmt.Fprintln(g.stderr, "parapet:", d)
	}
	return res.Assets, nil
}

func writeDrift(w io.Writer, format string, r *drift.Report) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "table", "markdown":
		md := format == "markdown"
		var b strings.Builder
		section := func(title string, n int) {
			if md {
				fmt.Fprintf(&b, "\n## %s (%d)\n\n", title, n)
			} else {
				fmt.Fprintf(&b, "\n%s (%d)\n", strings.ToUpper(title), n)
			}
		}
		row := func(cols ...string) {
			if md {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(cols, " | "))
			} else {
				fmt.Fprintln(&b, strings.Join(cols, "\t"))
			}
		}
		header := func(cols ...string) {
			row(cols...)
			if md {
				row(strings.Split(strings.Repeat("---,", len(cols)-1)+"---", ",")...)
			}
		}
		if md {
			fmt.Fprintln(&b, "# Drift between code and cloud")
		}
		section("Changed outside the code", len(r.Changed))
		if len(r.Changed) > 0 {
			header("TYPE", "ID", "ADDRESS", "CHANGE")
			for _, c := range r.Changed {
				for _, ch := range c.Changes {
					row(c.Type, c.ID, c.Address, cellText(ch.String(), md))
				}
			}
		}
		section("Unmanaged (in the cloud, not in the code)", len(r.Unmanaged))
		if len(r.Unmanaged) > 0 {
			header("TYPE", "ID", "ACCOUNT", "REGION")
			for _, it := range r.Unmanaged {
				row(it.Type, it.ID, it.Account, it.Region)
			}
		}
		section("Missing (in the code, not in the cloud)", len(r.Missing))
		if len(r.Missing) > 0 {
			header("TYPE", "ID", "ADDRESS")
			for _, it := range r.Missing {
				row(it.Type, it.ID, it.Address)
			}
		}
		if r.Skipped > 0 {
			fmt.Fprintf(&b, "\n%d resources of the code could not be compared (identifier unknown or type not compared).\n", r.Skipped)
		}
		if md {
			_, err := io.WriteString(w, b.String())
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if _, err := io.WriteString(tw, b.String()); err != nil {
			return err
		}
		return tw.Flush()
	default:
		return usageError("-o: unknown format %q (table, json or markdown)", format)
	}
}

// cellText keeps a Markdown table cell in one piece.
func cellText(s string, md bool) string {
	if md {
		return strings.ReplaceAll(s, "|", `\|`)
	}
	return s
}
