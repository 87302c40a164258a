package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/checktest"
)

func newChecksCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List, show and test checks",
	}
	var format, resource string
	var sevs []string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the built-in checks and those of --checks-dir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cs, err := g.loadChecks()
			if err != nil {
				return err
			}
			want := map[check.Severity]bool{}
			for _, s := range splitList(sevs) {
				sev, err := check.ParseSeverity(s)
				if err != nil {
					return usageError("--severity: %v", err)
				}
				want[sev] = true
			}
			var shown []*check.Check
			for _, c := range cs {
				if (len(want) == 0 || want[c.Severity]) && (resource == "" || c.ResourceType == resource) {
					shown = append(shown, c)
				}
			}
			sort.Slice(shown, func(i, j int) bool { return shown[i].ID < shown[j].ID })
			switch format {
			case "json":
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(shown)
			case "table":
				tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tRESOURCE\tTITLE")
				for _, c := range shown {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.ResourceType, c.Title)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(g.stderr, "%d checks\n", len(shown))
				return nil
			default:
				return usageError("-o: unknown format %q (table or json)", format)
			}
		},
	}
	list.Flags().StringVarP(&format, "output", "o", "table", "table or json")
	list.Flags().StringVar(&resource, "resource", "", "only checks of this resource type (e.g. aws.s3.bucket)")
	list.Flags().StringSliceVar(&sevs, "severity", nil, "only these severities")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a check: what it tests, why it matters, how to fix it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cs, err := g.loadChecks()
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.ID == args[0] {
					return writeCheck(g, c)
				}
			}
			return usageError("no check %q (see 'parapet checks list')", args[0])
		},
	}

	test := &cobra.Command{
		Use:   "test DIR",
		Short: "Run a check directory's fixtures (testdata/<id>.pass.yaml and .fail.yaml)",
		Long: `Load every check in DIR and evaluate its fixtures: each asset in
testdata/<id>.pass.yaml must PASS and each in testdata/<id>.fail.yaml must
FAIL. Prints one line per case and exits 1 if any case does not match.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, loadErr := checktest.RunDir(args[0])
			werr := writeTestReport(g, rep)
			switch {
			case loadErr != nil:
				return withCode(ExitError, loadErr)
			case werr != nil:
				return withCode(ExitError, werr)
			case !rep.OK():
				return withCode(ExitError, fmt.Errorf("%d of %d fixture cases did not get the expected result", rep.Failed(), len(rep.Cases)))
			}
			return nil
		},
	}
	cmd.AddCommand(list, show, test)
	return cmd
}

func writeCheck(g *globals, c *check.Check) error {
	w := g.stdout
	fmt.Fprintf(w, "%s  [%s]  %s\n", c.ID, c.Severity, c.Title)
	fmt.Fprintf(w, "resource: %s\n", c.ResourceType)
	if c.File != "" {
		fmt.Fprintf(w, "defined in: %s\n", c.File)
	}
	section := func(name, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fmt.Fprintf(w, "\n%s\n", name)
		for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	section("DESCRIPTION", c.Description)
	section("RISK", c.Risk)
	section("REMEDIATION", c.Remediation.Text)
	section("CLI", c.Remediation.CLI)
	section("TERRAFORM", c.Remediation.Terraform)
	section("WHEN", c.When)
	section("ASSERT", c.Assert)
	if len(c.References) > 0 {
		section("REFERENCES", strings.Join(c.References, "\n"))
	}
	return nil
}

// writeTestReport prints one line per fixture case, failures with the
// reason, then the totals.
func writeTestReport(g *globals, rep checktest.Report) error {
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tCHECK\tFIXTURE\tCASE\tEXPECTED\tGOT")
	for _, c := range rep.Cases {
		verdict := "ok"
		if !c.OK() {
			verdict = "FAIL"
		}
		where := c.File
		if c.Line > 0 {
			where = fmt.Sprintf("%s:%d", c.File, c.Line)
		}
		got := string(c.Got)
		if got == "" {
			got = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", verdict, c.CheckID, where, c.Name, c.Expected, got)
		if !c.OK() && c.Message != "" {
			fmt.Fprintf(tw, "\t\t\t  %s\t\t\n", c.Message)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(g.stdout, "\n%d cases: %d passed, %d failed\n", len(rep.Cases), rep.Passed(), rep.Failed())
	return err
}
