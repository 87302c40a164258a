package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	awscollect "github.com/parapet-dev/parapet/internal/collect/aws"
)

func newAWSCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "AWS helpers",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "policy",
		Short: "Print the least-privilege, read-only IAM policy Parapet needs to scan AWS",
		Long: `Print an IAM policy document granting exactly the read-only actions the
AWS collectors call, generated from the collectors' own declarations. Attach
it to the role or user Parapet runs as (and to the role it assumes in member
accounts with --org or --accounts).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			doc, err := awscollect.Policy()
			if err != nil {
				return withCode(ExitError, err)
			}
			_, err = fmt.Fprintln(g.stdout, string(doc))
			return err
		},
	})
	return cmd
}
