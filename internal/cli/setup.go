package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/store"
	"github.com/parapet-dev/parapet/internal/store/sqlite"
)

// loadChecks returns the built-in checks plus those of every --checks-dir.
// A bad custom check stops the command: scanning without a check the user
// asked for would report a pass it never evaluated.
func (g *globals) loadChecks() ([]*check.Check, error) {
	all, err := checks.Load()
	if err != nil {
		return nil, fmt.Errorf("built-in checks: %w", err)
	}
	for _, dir := range g.checksDir {
		cs, err := check.LoadDir(dir)
		if err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("checks in %s:\n%w", dir, err))
		}
		all = append(all, cs...)
	}
	if err := check.Unique(all); err != nil {
		return nil, withCode(ExitUsage, err)
	}
	return all, nil
}

// checkFilter holds the flags that narrow which checks run.
type checkFilter struct {
	ids        []string
	severities []string
}

// engine compiles the loaded checks and applies the filter. Unknown check
// IDs and severities are usage errors rather than an empty, silent scan.
func (g *globals) engine(f checkFilter) (*engine.Engine, error) {
	cs, err := g.loadChecks()
	if err != nil {
		return nil, err
	}
	e, err := engine.New(cs)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	if len(f.ids) > 0 {
		want := map[string]bool{}
		for _, id := range f.ids {
			if _, ok := e.Check(id); !ok {
				return nil, usageError("unknown check %q (see 'parapet checks list')", id)
			}
			want[id] = true
		}
		e = e.Filter(func(c *check.Check) bool { return want[c.ID] })
	}
	if len(f.severities) > 0 {
		want := map[check.Severity]bool{}
		for _, s := range f.severities {
			sev, err := check.ParseSeverity(s)
			if err != nil {
				return nil, usageError("--severity: %v", err)
			}
			want[sev] = true
		}
		e = e.Filter(func(c *check.Check) bool { return want[c.Severity] })
	}
	return e, nil
}

// openStore opens the SQLite store at --db, $PARAPET_DB or the default
// per-user path.
func (g *globals) openStore(ctx context.Context) (store.Store, string, error) {
	path := g.db
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, "", fmt.Errorf("find the data directory (set --db): %w", err)
		}
		path = p
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", fmt.Errorf("open store %s: %w", path, err)
	}
	return st, path, nil
}

// splitList accepts both repeated flags and comma-separated values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// outputTarget returns where a report goes: --output-file or stdout.
func (g *globals) outputTarget(file string) (io.Writer, func() error, error) {
	if file == "" {
		return g.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, nil, err
	}
	return f, func() error {
		if err := f.Close(); err != nil {
			return errors.Join(fmt.Errorf("write %s", file), err)
		}
		return nil
	}, nil
}
