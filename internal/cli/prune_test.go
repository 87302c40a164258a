package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/store"
)

// Pruning the demo store a month on: the old scan goes with its results,
// the findings and their figures stay.
func TestPrune(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	first := e.scan(ExitOK)
	e.clock.t = e.clock.t.AddDate(0, 0, 40)
	e.scan(ExitOK)
	statsBefore := e.mustRun(ExitOK, "findings", "stats", "-o", "json")
	openBefore := len(e.findings())

	out := e.mustRun(ExitOK, "prune", "--older-than", "30d", "--dry-run")
	if !strings.HasPrefix(out, "Would delete what is older than") || !strings.Contains(out, " 1 scans,") {
		t.Errorf("dry run: %s", out)
	}
	var sum struct {
		DryRun bool `json:"dryRun"`
		store.PruneSummary
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "prune", "--older-than", "30d", "-o", "json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.DryRun || sum.Scans != 1 || sum.Results != len(first.Results) || sum.Events == 0 {
		t.Errorf("prune %+v, want 1 scan and its %d results", sum, len(first.Results))
	}
	if got := e.mustRun(ExitOK, "findings", "stats", "-o", "json"); got != statsBefore {
		t.Errorf("stats changed by the prune:\n%s\nwant\n%s", got, statsBefore)
	}
	if n := len(e.findings()); n != openBefore {
		t.Errorf("%d open findings after the prune, want %d", n, openBefore)
	}
	// Every finding still has its opening, though its result is gone.
	for key, f := range e.findings() {
		if out := e.mustRun(ExitOK, "findings", "show", f.Fingerprint); !strings.Contains(out, " "+string(finding.Opened)+" ") {
			t.Fatalf("finding %s lost its opening:\n%s", key, out)
		}
	}
	code, _, errOut := e.run("prune")
	if code != ExitUsage || !strings.Contains(errOut, "--older-than is required") {
		t.Errorf("prune without --older-than: exit %d: %s", code, errOut)
	}
	code, _, errOut = e.run("prune", "--older-than", "soon")
	if code != ExitUsage || !strings.Contains(errOut, "--older-than") {
		t.Errorf("prune --older-than soon: exit %d: %s", code, errOut)
	}
}
