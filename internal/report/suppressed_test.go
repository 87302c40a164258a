package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/finding"
)

// A suppressed failure is listed with its exception, apart from failures;
// the scan's effect on findings is summed up under the title.
func TestTableShowsSuppressedAndFindings(t *testing.T) {
	r := sample()
	sup := r.Results[1]
	sup.Status, sup.ExceptionID, sup.AssetName = finding.Suppressed, "EXC-42", "accepted-bucket"
	r.Results = append(r.Results, sup)
	r.Findings = &finding.ReconcileSummary{Evaluated: 4, Opened: 2, Resolved: 1, Reopened: 1, Suppressed: 1, DeletedAssets: 3}
	var buf bytes.Buffer
	if err := (tableWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Findings: 2 opened, 1 resolved, 1 reopened, 1 suppressed, 0 no longer suppressed; 3 assets deleted",
		"SUPPRESSED BY EXCEPTIONS (1",
		"EXC-42",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	failed := out[strings.Index(out, "FAILED CHECKS"):strings.Index(out, "SUPPRESSED BY")]
	if strings.Contains(failed, "accepted-bucket") {
		t.Errorf("a suppressed result is listed as failed:\n%s", failed)
	}

	buf.Reset()
	if err := (csvWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if last[1] != "SUPPRESSED" || last[len(last)-1] != "EXC-42" || rows[0][len(rows[0])-1] != "exception_id" {
		t.Errorf("csv row %v", last)
	}
}
