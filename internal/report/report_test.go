package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() *Report {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	res := func(id, sev, acct, uid string, st finding.Status, msg string) finding.Result {
		return finding.Result{CheckID: id, Severity: sev, AssetUID: uid, AssetType: "aws.s3.bucket", AssetName: uid,
			Provider: "aws", Account: acct, Region: "us-east-1", Status: st, Message: msg, EvaluatedAt: at,
			Evidence: map[string]any{"config.Name": uid}}
	}
	return &Report{
		ScanID: "scan-1", Provider: "aws", Started: at, Finished: at.Add(1500 * time.Millisecond), Assets: 3,
		Results: []finding.Result{
			withLocation(res("aws-s3-versioning", "low", "222222222222", "logs", finding.Fail, ""), "stacks/app/main.tf", 12, 20),
			res("aws-s3-public-policy", "critical", "222222222222", "=cmd|' /C calc'!A0", finding.Fail, ""),
			res("aws-s3-public-policy", "critical", "111111111111", "private", finding.Pass, ""),
			res("aws-s3-public-policy", "critical", "111111111111", "denied", finding.Error, "AccessDenied: s3:GetBucketPolicy\nnot allowed"),
			res("aws-s3-versioning", "low", "111111111111", "private", finding.NotApplicable, ""),
		},
		Diagnostics: []collect.Diagnostic{{Provider: "aws", Account: "111111111111", Region: "us-east-1", Service: "s3",
			Action: "s3:GetBucketPolicy", Resource: "arn:aws:s3:::denied", Code: "AccessDenied", Message: "not allowed", Time: at}},
		Checks: map[string]*check.Check{
			"aws-s3-public-policy": {ID: "aws-s3-public-policy", Title: "Bucket policy does not allow public access"},
			"aws-s3-versioning":    {ID: "aws-s3-versioning", Title: "Bucket versioning is enabled"},
		},
	}
}

func withLocation(r finding.Result, file string, start, end int) finding.Result {
	r.Location = &finding.Location{File: file, StartLine: start, EndLine: end}
	return r
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			w, err := Lookup(format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, sample()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "sample."+format+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s:\n%s", format, path, buf.String())
			}
		})
	}
}

func TestTableListsWorstFirst(t *testing.T) {
	var buf bytes.Buffer
	if err := (tableWriter{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	crit := strings.Index(out, "aws-s3-public-policy")
	low := strings.Index(out, "aws-s3-versioning")
	if crit < 0 || low < 0 || crit > low {
		t.Fatalf("critical failure not listed before low one:\n%s", out)
	}
	if strings.Contains(out, "AccessDenied: s3:GetBucketPolicy\n") {
		t.Fatal("multi-line message broke the table")
	}
	for _, want := range []string{"COULD NOT EVALUATE (1", "COULD NOT COLLECT (1", "FAILURES BY SEVERITY", "RESULTS BY ACCOUNT"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestJSONHasEveryResultAndSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := (jsonWriter{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []finding.Result `json:"results"`
		Summary Summary          `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Results) != 5 || got.Summary.ByStatus[finding.Fail] != 2 || got.Summary.FailBySev["critical"] != 1 {
		t.Fatalf("unexpected JSON: %d results, summary %+v", len(got.Results), got.Summary)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := (csvWriter{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want header + 5", len(rows))
	}
	for _, row := range rows[1:] {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+@", rune(c[0])) {
				t.Errorf("cell %q would run as a formula", c)
			}
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	if _, err := Lookup("pdf"); err == nil || !strings.Contains(err.Error(), "table") {
		t.Fatalf("want error listing formats, got %v", err)
	}
}

func TestTableStripsEscapeSequences(t *testing.T) {
	r := sample()
	r.Results[0].AssetName = "evil\x1b[2J\x1b]0;pwned\x07name"
	var buf bytes.Buffer
	if err := (tableWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07") {
		t.Fatal("control characters from a resource name reached the terminal")
	}
}

func TestSARIF(t *testing.T) {
	var buf bytes.Buffer
	if err := (sarifWriter{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || len(run.Results) != 3 || len(run.Tool.Driver.Rules) != 2 {
		t.Fatalf("version %s, %d results, %d rules; want 2.1.0, 3 (two FAIL, one ERROR), 2", log.Version, len(run.Results), len(run.Tool.Driver.Rules))
	}
	var located int
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		if pl := r.Locations[0].PhysicalLocation; pl != nil {
			located++
			if pl.ArtifactLocation.URI != "stacks/app/main.tf" || pl.Region.StartLine != 12 || pl.Region.EndLine != 20 {
				t.Errorf("location %+v", pl)
			}
			if r.Level != "note" {
				t.Errorf("low severity is level %s, want note", r.Level)
			}
		}
	}
	if located != 1 {
		t.Errorf("%d results with a file location, want 1", located)
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := (junitWriter{}).Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tests != 5 || got.Failures != 2 || got.Errors != 1 || got.Skipped != 1 || len(got.Suites) != 2 {
		t.Fatalf("tests %d failures %d errors %d skipped %d suites %d", got.Tests, got.Failures, got.Errors, got.Skipped, len(got.Suites))
	}
}
