package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/parapet-dev/parapet/internal/iac/hcl/hcltest"
)

// BenchmarkScanIaCTree runs `parapet scan iac` end to end on the generated
// tree of 1,000 .tf files and 10,000 resource blocks: load, evaluate every
// built-in check, report. Target: under 5 s for the tree.
//
//	go test -run '^$' -bench ScanIaCTree -benchtime 3x ./internal/cli/
func BenchmarkScanIaCTree(b *testing.B) {
	dir := b.TempDir()
	files, instances, err := hcltest.WriteTree(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var out, errOut bytes.Buffer
		code := Execute(context.Background(), []string{"scan", "iac", dir, "--framework", "terraform", "-o", "json", "--fail-on", "none", "--no-progress"}, &out, &errOut, "bench")
		if code != ExitOK && code != ExitError {
			b.Fatalf("exit %d: %s", code, errOut.String())
		}
		if out.Len() == 0 {
			b.Fatalf("no report: %s", errOut.String())
		}
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perOp, "s/tree")
	b.ReportMetric(float64(files)/perOp, "files/s")
	b.ReportMetric(float64(instances)/perOp, "resources/s")
}
