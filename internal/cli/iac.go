package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/cloudformation"
	"github.com/parapet-dev/parapet/internal/iac/terraform"
	"github.com/parapet-dev/parapet/internal/store"
)

func newScanIaCCmd(g *globals) *cobra.Command {
	var (
		frameworks []string
		vars       []string
		varFiles   []string
		params     []string
		ids, sevs  []string
		out        outputFlags
		persist    bool
		softFail   bool
	)
	cmd := &cobra.Command{
		Use:   "iac PATH",
		Short: "Check Terraform configurations and plans and CloudFormation templates before they are applied",
		Long: `Evaluate the same checks Parapet runs on the cloud against infrastructure
as code: a Terraform directory tree (variables, tfvars, modules, count,
for_each, dynamic blocks), a Terraform plan (terraform show -json plan.out),
or CloudFormation templates (YAML or JSON). Every finding names its file
and lines. Without --framework, a directory is read for Terraform
configurations and CloudFormation templates (plans lying next to their
configuration would repeat it: name them, or use --framework plan), and a
file by the framework that recognises it.

Suppress a check on one resource with a comment above (or inside) it:
  # parapet:ignore:aws-s3-bucket-versioning logs are write-once
or, in CloudFormation, resource Metadata:
  Metadata: {parapet: {ignore: [{id: aws-s3-bucket-versioning, reason: logs are write-once}]}}
A suppression without a reason suppresses nothing and is itself reported.

Exit codes: 0 clean; 3 a check at or above --fail-on failed; 1 some files
could not be read or some checks could not be evaluated (values known only
at apply time, for example); 2 bad usage. --soft-fail always exits 0.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if _, err := os.Stat(path); err != nil {
				return usageError("%v", err)
			}
			varMap, err := keyValues("--var", vars)
			if err != nil {
				return err
			}
			paramMap, err := keyValues("--parameter", params)
			if err != nil {
				return err
			}
			loaders := map[string]iac.Loader{
				terraform.FrameworkConfig: terraform.NewConfigLoader(terraform.Options{Vars: varMap, VarFiles: varFiles, Now: g.now}),
				terraform.FrameworkPlan:   terraform.NewPlanLoader(terraform.Options{Now: g.now}),
				"cloudformation":          cloudformation.New(cloudformation.Options{Parameters: paramMap, Now: g.now}),
			}
			var chosen []iac.Loader
			for _, f := range splitList(frameworks) {
				l, ok := loaders[f]
				if !ok {
					return usageError("--framework: unknown framework %q (terraform, plan or cloudformation)", f)
				}
				chosen = append(chosen, l)
			}
			if chosen == nil {
				auto := []string{terraform.FrameworkConfig, terraform.FrameworkPlan, "cloudformation"}
				if fi, _ := os.Stat(path); fi.IsDir() {
					// A plan saved next to its configuration describes the
					// same resources: reading both would report every
					// finding twice. Plans are scanned when named.
					auto = []string{terraform.FrameworkConfig, "cloudformation"}
				}
				for _, f := range auto {
					chosen = append(chosen, loaders[f])
				}
			}
			e, err := g.engine(checkFilter{ids: splitList(ids), severities: splitList(sevs)})
			if err != nil {
				return err
			}
			col := &iac.Collector{Path: path, Loaders: chosen}
			return g.runScan(cmd.Context(), scanRun{
				collector: col, engine: e, out: out, persist: persist, suppressor: col, softFail: softFail,
				scope:      store.Scope{Checks: splitList(ids), Filters: map[string][]string{"path": {path}}},
				unreadable: col.Errors,
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&frameworks, "framework", nil, "terraform, plan or cloudformation (default: detect)")
	f.StringArrayVar(&vars, "var", nil, "Terraform variable NAME=VALUE (repeatable)")
	f.StringArrayVar(&varFiles, "var-file", nil, "Terraform variable file, after terraform.tfvars and *.auto.tfvars (repeatable)")
	f.StringArrayVar(&params, "parameter", nil, "CloudFormation parameter NAME=VALUE (repeatable)")
	f.StringSliceVar(&ids, "checks", nil, "only these check IDs")
	f.StringSliceVar(&sevs, "severity", nil, "only checks of these severities")
	f.BoolVar(&persist, "store", false, "also keep the scan, its assets and findings in the store")
	f.BoolVar(&softFail, "soft-fail", false, "report, but always exit 0 (e.g. while adopting Parapet in CI)")
	out.register(cmd, "low")
	cmd.Flags().Lookup("output").Usage = "output format: table, json, csv, sarif or junit"
	return cmd
}

// keyValues parses repeated NAME=VALUE flags.
func keyValues(flag string, vals []string) (map[string]string, error) {
	m := map[string]string{}
	for _, v := range vals {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return nil, usageError("%s %q: want NAME=VALUE", flag, v)
		}
		m[k] = val
	}
	return m, nil
}
