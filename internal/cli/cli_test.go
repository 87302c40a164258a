package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/finding"
)

// run executes the command line as main does and returns the exit code
// and both outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, &out, &errOut, "test")
	return code, out.String(), errOut.String()
}

type jsonReport struct {
	ScanID  string           `json:"scanId"`
	Results []finding.Result `json:"results"`
}

func decodeReport(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("decode report: %v\n%s", err, s)
	}
	return r
}

// statuses maps "check asset" to the result status.
func statuses(r jsonReport) map[string]finding.Status {
	m := map[string]finding.Status{}
	for _, res := range r.Results {
		m[res.CheckID+" "+res.AssetUID] = res.Status
	}
	return m
}

func expectedDemoFailures(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "demo-expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func failures(r jsonReport) []string {
	var out []string
	for k, st := range statuses(r) {
		if st == finding.Fail {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// isolateAWS keeps the developer's own AWS configuration out of the tests.
func isolateAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
}

func demo(t *testing.T, extra ...string) jsonReport {
	t.Helper()
	isolateAWS(t)
	args := append([]string{"demo", "--db", filepath.Join(t.TempDir(), "p.db"), "-o", "json", "--no-progress"}, extra...)
	code, out, errOut := run(t, args...)
	if code != ExitOK {
		t.Fatalf("demo exit %d\n%s", code, errOut)
	}
	return decodeReport(t, out)
}

// The demo flags every seeded misconfiguration, nothing compliant, and
// nothing it could not evaluate.
func TestDemoFlagsExactlyTheSeededMisconfigurations(t *testing.T) {
	r := demo(t)
	got, want := failures(r), expectedDemoFailures(t)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("demo failures differ from testdata/demo-expected.txt\nmissing: %v\nunexpected: %v", diff(want, got), diff(got, want))
	}
	for _, res := range r.Results {
		if res.Status == finding.Error {
			t.Errorf("ERROR %s on %s: %s", res.CheckID, res.AssetUID, res.Message)
		}
	}
	// Every account of the demo, compliant or not, was evaluated.
	accounts := map[string]int{}
	for _, res := range r.Results {
		if res.Status == finding.Pass {
			accounts[res.Account]++
		}
	}
	for _, a := range []string{"111111111111", "222222222222", "333333333333"} {
		if accounts[a] == 0 {
			t.Errorf("no passing result in account %s: was it scanned?", a)
		}
	}
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// `parapet sim serve` in one terminal and `parapet scan aws --endpoint-url`
// in another give the demo's results.
func TestSimServeAndScanMatchDemo(t *testing.T) {
	want := statuses(demo(t))

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Execute(ctx, []string{"sim", "serve", "--addr", "127.0.0.1:0"}, pw, io.Discard, "test")
		pw.Close()
	}()
	var scanLine, exportLine string
	sc := bufio.NewScanner(pr)
	for sc.Scan() && scanLine == "" {
		l := sc.Text()
		if strings.HasPrefix(l, "export ") {
			exportLine = l
		}
		if strings.HasPrefix(l, "parapet scan aws ") {
			scanLine = l
		}
	}
	go io.Copy(io.Discard, pr)
	if scanLine == "" || exportLine == "" {
		cancel()
		t.Fatal("sim serve did not print the export and scan lines")
	}
	for _, kv := range strings.Fields(strings.TrimPrefix(exportLine, "export ")) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	args := append(strings.Fields(strings.TrimPrefix(scanLine, "parapet ")),
		"--db", filepath.Join(t.TempDir(), "p.db"), "-o", "json", "--fail-on", "none", "--no-progress")
	code, out, errOut := run(t, args...)
	cancel()
	if c := <-done; c != ExitOK {
		t.Errorf("sim serve exit %d", c)
	}
	if code != ExitOK {
		t.Fatalf("scan exit %d\n%s", code, errOut)
	}
	got := statuses(decodeReport(t, out))
	if len(got) != len(want) {
		t.Errorf("scan gave %d results, demo %d", len(got), len(want))
	}
	for k, st := range want {
		if got[k] != st {
			t.Errorf("%s: scan %s, demo %s", k, got[k], st)
		}
	}
}

// With 5% server errors, throttling and one-item pages, no result that is
// FAIL or ERROR without faults comes out PASS; retries make the results
// identical.
func TestDemoUnderFaults(t *testing.T) {
	clean := statuses(demo(t))
	w, err := cloudsim.DemoWorld()
	if err != nil {
		t.Fatal(err)
	}
	_ = w
	src, err := os.ReadFile(filepath.Join("..", "cloudsim", "worlds", "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	faulty := filepath.Join(t.TempDir(), "faulty.yaml")
	src = append(src, []byte("\nfaults:\n  latency: 1ms\n  throttle: {rate: 200, burst: 20}\n  errorRate: 0.05\n  pageSize: 1\n  seed: 7\n")...)
	if err := os.WriteFile(faulty, src, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got := statuses(demo(t, "--world", faulty))
	t.Logf("scan under faults took %s", time.Since(start))
	for k, st := range clean {
		g := got[k]
		if (st == finding.Fail || st == finding.Error) && g == finding.Pass {
			t.Errorf("%s: %s without faults, PASS with faults", k, st)
		} else if g != st {
			t.Errorf("%s: %s without faults, %q with faults", k, st, g)
		}
	}
	for k := range got {
		if _, ok := clean[k]; !ok {
			t.Errorf("%s: only with faults (%s)", k, got[k])
		}
	}
}

func TestExitCodes(t *testing.T) {
	isolateAWS(t)
	db := filepath.Join(t.TempDir(), "p.db")
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"findings at or above --fail-on", []string{"demo", "--db", db, "--fail-on", "high", "-o", "csv"}, ExitFindings},
		{"--fail-on none", []string{"demo", "--db", db, "--fail-on", "none", "-o", "csv"}, ExitOK},
		{"severity filter below threshold", []string{"demo", "--db", db, "--fail-on", "high", "-o", "csv"}, ExitFindings},
		{"unknown flag", []string{"demo", "--nope"}, ExitUsage},
		{"unknown command", []string{"nope"}, ExitUsage},
		{"bad --fail-on", []string{"demo", "--db", db, "--fail-on", "severe"}, ExitUsage},
		{"bad output format", []string{"demo", "--db", db, "-o", "pdf"}, ExitUsage},
		{"org without role", []string{"scan", "aws", "--org"}, ExitUsage},
		{"unknown check", []string{"scan", "aws", "--checks", "no-such-check", "--db", db}, ExitUsage},
		{"unknown check to show", []string{"checks", "show", "no-such-check"}, ExitUsage},
		{"missing world", []string{"demo", "--world", "/nonexistent/world.yaml", "--db", db}, ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _, errOut := run(t, c.args...); code != c.want {
				t.Errorf("exit %d, want %d\n%s", code, c.want, errOut)
			}
		})
	}
}

// A scan that cannot reach its endpoint completes with ERROR results and
// exit code 1; it never reports a clean pass.
func TestUnreachableEndpointIsAnError(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	code, out, errOut := run(t, "scan", "aws", "--endpoint-url", "http://127.0.0.1:1", "--regions", "us-east-1", "--max-attempts", "2",
		"--db", filepath.Join(t.TempDir(), "p.db"), "-o", "json", "--no-progress")
	if code != ExitError {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitError, out, errOut)
	}
	if out != "" {
		for _, res := range decodeReport(t, out).Results {
			if res.Status == finding.Pass {
				t.Errorf("PASS without any data: %s %s", res.CheckID, res.AssetUID)
			}
		}
	}
}

func TestChecksCommands(t *testing.T) {
	code, out, _ := run(t, "checks", "list")
	if code != ExitOK || !strings.Contains(out, "aws-s3-bucket-policy-public") {
		t.Fatalf("checks list: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "checks", "show", "aws-ec2-sg-internet-ssh")
	for _, want := range []string{"DESCRIPTION", "RISK", "REMEDIATION", "ASSERT"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("checks show lacks %s (exit %d)", want, code)
		}
	}
	code, out, _ = run(t, "checks", "test", filepath.Join("..", "..", "checks", "aws"))
	if code != ExitOK || !strings.Contains(out, " 0 failed") {
		t.Errorf("checks test on the built-ins: exit %d\n%s", code, out)
	}
}

func TestChecksTestReportsBrokenFixture(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "no-http.yaml"), `id: custom-no-http
title: Security group does not allow HTTP from the internet
severity: low
resource: aws.ec2.security_group
assert: "!sg_open_to_internet(resource.config.IpPermissions, 80)"
description: HTTP should go through the load balancer.
risk: Plain-text traffic.
remediation:
  text: Remove the rule.
`)
	// The "pass" fixture actually fails: the command must say so.
	writeFile(t, filepath.Join(dir, "testdata", "custom-no-http.pass.yaml"), `assets:
  - name: open to the world
    config: {GroupId: sg-1, GroupName: web, Description: "", VpcId: vpc-1, OwnerId: "1", IpPermissionsEgress: [],
      IpPermissions: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: 0.0.0.0/0}], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: []}]}
`)
	writeFile(t, filepath.Join(dir, "testdata", "custom-no-http.fail.yaml"), `assets:
  - name: open to the world
    config: {GroupId: sg-1, GroupName: web, Description: "", VpcId: vpc-1, OwnerId: "1", IpPermissionsEgress: [],
      IpPermissions: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: 0.0.0.0/0}], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: []}]}
`)
	code, out, _ := run(t, "checks", "test", dir)
	if code != ExitError || !strings.Contains(out, "1 failed") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestCustomChecksDir(t *testing.T) {
	isolateAWS(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "tagged.yaml"), `id: custom-bucket-owner-tag
title: S3 bucket has an owner tag
severity: low
resource: aws.s3.bucket
assert: "'owner' in resource.tags"
description: Every bucket names its owner.
risk: Nobody answers for an unowned bucket.
remediation:
  text: Tag the bucket with owner=<team>.
`)
	code, out, errOut := run(t, "demo", "--checks-dir", dir, "--db", filepath.Join(t.TempDir(), "p.db"), "-o", "json", "--no-progress")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	n := 0
	for _, res := range decodeReport(t, out).Results {
		if res.CheckID == "custom-bucket-owner-tag" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("custom check evaluated on %d buckets, want 5", n)
	}

	writeFile(t, filepath.Join(dir, "broken.yaml"), "id: broken\ntitle: x\nseverity: high\nresource: aws.s3.bucket\nassert: resource.config.Nme == 1\n")
	code, _, errOut = run(t, "checks", "list", "--checks-dir", dir)
	if code != ExitUsage || !strings.Contains(errOut, "broken.yaml:") {
		t.Errorf("broken custom check: exit %d\n%s", code, errOut)
	}
}

func TestAWSPolicy(t *testing.T) {
	code, out, _ := run(t, "aws", "policy")
	var doc struct {
		Version   string
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Statement) == 0 {
		t.Fatalf("aws policy: exit %d\n%s", code, out)
	}
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			if strings.Contains(a, "*") || strings.HasPrefix(a, "s3:Put") || strings.HasPrefix(a, "iam:Create") {
				t.Errorf("policy grants %s: not read-only least privilege", a)
			}
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The printed demo world is the one the demo scans, and edits to a copy
// reach a later demo run.
func TestSimWorldRoundTrip(t *testing.T) {
	code, out, _ := run(t, "sim", "world")
	if code != ExitOK || !strings.Contains(out, "o-parapetdemo") {
		t.Fatalf("sim world: exit %d", code)
	}
	edited := strings.Replace(out, "MfaActive: false", "MfaActive: true", 1)
	if edited == out {
		t.Fatal("the demo world no longer has a root user without MFA")
	}
	path := filepath.Join(t.TempDir(), "world.yaml")
	writeFile(t, path, edited)
	r := demo(t, "--world", path)
	for _, f := range failures(r) {
		if strings.HasPrefix(f, "aws-iam-root-mfa ") {
			t.Errorf("root MFA still fails after the edit: %s", f)
		}
	}
}

// Two scans of an unchanged world on the same day compare as unchanged:
// the simulator's timestamps do not creep with the clock, so a diff shows
// only real changes.
func TestUnchangedWorldDiffsToNothing(t *testing.T) {
	isolateAWS(t)
	db := filepath.Join(t.TempDir(), "p.db")
	day := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{day, day.Add(5*time.Hour + 17*time.Second)} {
		var out, errOut bytes.Buffer
		if code := execute(context.Background(), []string{"demo", "--db", db, "-o", "csv", "--no-progress"}, &out, &errOut, "test",
			func() time.Time { return at }); code != ExitOK {
			t.Fatalf("demo exit %d: %s", code, errOut.String())
		}
	}
	code, out, errOut := run(t, "diff", "--db", db, "-o", "json")
	if code != ExitOK {
		t.Fatalf("diff exit %d: %s", code, errOut)
	}
	var d struct {
		Assets []json.RawMessage `json:"assets"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Assets) != 0 {
		t.Errorf("an unchanged world shows %d changed assets:\n%s", len(d.Assets), out)
	}
}
