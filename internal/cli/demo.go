package cli

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/spf13/cobra"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	awscollect "github.com/parapet-dev/parapet/internal/collect/aws"
	"github.com/parapet-dev/parapet/internal/store"
)

func newDemoCmd(g *globals) *cobra.Command {
	var (
		worldFile string
		out       outputFlags
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Scan a simulated AWS organization end to end",
		Long: `Start Parapet's cloud simulator on loopback with the built-in demo
organization (or --world FILE), scan it through the real AWS collectors and
SDK, store the results and print the report. Nothing leaves this machine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			w, err := loadWorld(worldFile)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			e, err := g.engine(checkFilter{})
			if err != nil {
				return err
			}
			srv := cloudsim.NewServer(w, cloudsim.WithClock(g.now))
			url, err := srv.Start("127.0.0.1:0")
			if err != nil {
				return withCode(ExitError, fmt.Errorf("start the simulator: %w", err))
			}
			defer srv.Close()
			key, secret := srv.Credentials()
			opts := awscollect.Options{
				EndpointURL: url,
				Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
			}
			if w.Organization != nil {
				opts.Org, opts.Role = true, demoRole
			}
			fmt.Fprintf(g.stderr, "Simulating %s at %s; scanning it through the AWS collectors.\n", describeWorld(w), url)
			col, err := awscollect.New(opts)
			if err != nil {
				return withCode(ExitError, err)
			}
			return g.scanAndReport(ctx, col, e, store.Scope{Filters: scopeFilters(nil, opts.Org, url)}, out)
		},
	}
	cmd.Flags().StringVar(&worldFile, "world", "", "world file to simulate instead of the built-in demo organization")
	out.register(cmd, "none")
	return cmd
}

// demoRole is the role the demo scan assumes in member accounts; every
// member of a world scanned with 'parapet demo' must have it.
const demoRole = "ParapetAudit"

func describeWorld(w *cloudsim.World) string {
	regions := map[string]bool{}
	for _, a := range w.Accounts {
		for r := range a.Regions {
			regions[r] = true
		}
	}
	return fmt.Sprintf("%d accounts in %d regions", len(w.Accounts), len(regions))
}

func loadWorld(file string) (*cloudsim.World, error) {
	if file == "" {
		return cloudsim.DemoWorld()
	}
	return cloudsim.LoadWorld(file)
}

func newSimCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the cloud simulator",
	}
	var worldFile, addr string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve a simulated cloud on loopback until interrupted",
		Long: `Serve the AWS APIs for the organization described in a world file (see
docs/world.md; default: the built-in demo organization). Point the AWS CLI,
an SDK or 'parapet scan aws --endpoint-url' at the printed URL.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := loadWorld(worldFile)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			var flags string
			if w.Organization != nil {
				flags = "--org --role " + demoRole
			}
			if err := cloudsim.Serve(cmd.Context(), w, addr, g.stdout, flags); err != nil {
				return withCode(ExitError, err)
			}
			return nil
		},
	}
	serve.Flags().StringVar(&worldFile, "world", "", "world file (default: the built-in demo organization)")
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:4566", "address to listen on")
	world := &cobra.Command{
		Use:   "world",
		Short: "Print the demo organization's world file, to copy and edit",
		Long: `Print the world file of the built-in demo organization. Edit a copy and
pass it to 'parapet demo --world FILE' or 'parapet sim serve --world FILE'
(the format is in docs/world.md); 'parapet diff' then shows what changed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := g.stdout.Write(cloudsim.DemoWorldYAML())
			return err
		},
	}
	cmd.AddCommand(serve, world)
	return cmd
}
