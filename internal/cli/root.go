// Package cli holds Parapet's commands: it turns flags into options for the
// packages that do the work, and results into output and exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README for CI use.
const (
	ExitOK       = 0 // ran; nothing at or above --fail-on failed, nothing errored
	ExitError    = 1 // could not run, or some checks could not be evaluated (ERROR)
	ExitUsage    = 2 // bad flags or arguments
	ExitFindings = 3 // at least one FAIL at or above --fail-on
)

// exitError carries an exit code up to Execute without printing twice.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to an error (nil err: exit silently).
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageError marks bad input from the user.
func usageError(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

// globals are the flags every command shares.
type globals struct {
	db        string
	config    string
	checksDir []string
	stdout    io.Writer
	stderr    io.Writer
	// now is the clock of scans, ages and time flags.
	now func() time.Time
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer, version string) int {
	return execute(ctx, args, stdout, stderr, version, time.Now)
}

// execute is Execute with the clock given, for tests.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer, version string, now func() time.Time) int {
	g := &globals{stdout: stdout, stderr: stderr, now: now}
	root := newRoot(g, version)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "parapet:", ee.err)
		}
		return ee.code
	}
	// Errors cobra produces itself (unknown flag, missing argument) are
	// usage errors.
	fmt.Fprintln(stderr, "parapet:", err)
	if isCobraUsage(err) {
		return ExitUsage
	}
	return ExitError
}

func newRoot(g *globals, version string) *cobra.Command {
	root := &cobra.Command{
		Use:   "parapet",
		Short: "Continuous cloud compliance: inventory, checks, findings",
		Long: `Parapet inventories cloud resources through the official SDKs, evaluates
them against security checks written in YAML and CEL, and records every
result so findings can be tracked from first sight to fix.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	root.PersistentFlags().StringVar(&g.db, "db", "", "path of the SQLite store (default: the per-user data directory, or $PARAPET_DB)")
	root.PersistentFlags().StringVar(&g.config, "config", "", "configuration file (default: parapet/config.yaml in the per-user config directory, or $PARAPET_CONFIG)")
	root.PersistentFlags().StringArrayVar(&g.checksDir, "checks-dir", nil, "directory of custom checks to load besides the built-in ones (repeatable)")
	root.AddCommand(
		newScanCmd(g),
		newDemoCmd(g),
		newSimCmd(g),
		newChecksCmd(g),
		newAWSCmd(g),
		newFindingsCmd(g),
		newAssetsCmd(g),
		newDiffCmd(g),
		newEventsCmd(g),
		newDriftCmd(g),
		newExceptionsCmd(g),
		newPruneCmd(g),
	)
	return root
}

// isCobraUsage recognises the argument errors cobra returns, which carry
// no type of their own. Flag errors are marked by SetFlagErrorFunc.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
