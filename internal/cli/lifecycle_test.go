package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/configdiff"
	"github.com/parapet-dev/parapet/internal/finding"
)

// simClock is the tests' clock, moved by hand.
type simClock struct{ t time.Time }

func (c *simClock) now() time.Time { return c.t }

// lifecycleEnv is the demo organization served by the simulator, and a
// store the CLI scans it into.
type lifecycleEnv struct {
	t     *testing.T
	srv   *cloudsim.Server
	url   string
	db    string
	clock *simClock
}

func newLifecycleEnv(t *testing.T) *lifecycleEnv {
	isolateAWS(t)
	w, err := cloudsim.DemoWorld()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().Truncate(time.Second)
	// The simulator's clock stays put: it shifts every served timestamp by
	// (now - asOf), so a moving clock would change every configuration.
	srv := cloudsim.NewServer(w, cloudsim.WithClock(func() time.Time { return start }))
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	key, secret := srv.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	return &lifecycleEnv{t: t, srv: srv, url: url, db: filepath.Join(t.TempDir(), "p.db"), clock: &simClock{start}}
}

// run executes a command line at the env's clock.
func (e *lifecycleEnv) run(args ...string) (int, string, string) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	code := execute(context.Background(), append(args, "--db", e.db), &out, &errOut, "test", e.clock.now)
	return code, out.String(), errOut.String()
}

// mustRun fails the test unless the command exits with want.
func (e *lifecycleEnv) mustRun(want int, args ...string) string {
	e.t.Helper()
	code, out, errOut := e.run(args...)
	if code != want {
		e.t.Fatalf("parapet %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, errOut, out)
	}
	return out
}

type scanReport struct {
	ScanID   string                    `json:"scanId"`
	Findings *finding.ReconcileSummary `json:"findings"`
	Results  []finding.Result          `json:"results"`
}

// scan advances the clock a day and scans the organization.
func (e *lifecycleEnv) scan(wantCode int, extra ...string) scanReport {
	e.t.Helper()
	e.clock.t = e.clock.t.Add(24 * time.Hour)
	args := append([]string{"scan", "aws", "--endpoint-url", e.url, "--org", "--role", demoRole, "-o", "json", "--no-progress", "--fail-on", "none"}, extra...)
	var r scanReport
	if err := json.Unmarshal([]byte(e.mustRun(wantCode, args...)), &r); err != nil {
		e.t.Fatal(err)
	}
	if r.Findings == nil {
		e.t.Fatal("the scan report has no findings summary")
	}
	return r
}

// transitions is a reconcile summary without the evaluation count.
func transitions(s *finding.ReconcileSummary) finding.ReconcileSummary {
	c := *s
	c.Evaluated = 0
	return c
}

func (e *lifecycleEnv) findings(args ...string) map[string]finding.Finding {
	e.t.Helper()
	var out struct {
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, append([]string{"findings", "list", "-o", "json"}, args...)...)), &out); err != nil {
		e.t.Fatal(err)
	}
	m := map[string]finding.Finding{}
	for _, f := range out.Findings {
		m[f.CheckID+" "+f.AssetUID] = f
	}
	return m
}

func (e *lifecycleEnv) finding(key string) finding.Finding {
	e.t.Helper()
	f, ok := e.findings("--status", "all")[key]
	if !ok {
		e.t.Fatalf("no finding %s", key)
	}
	return f
}

// update changes the account's world.
func (e *lifecycleEnv) update(account string, fn func(a *cloudsim.Account)) {
	e.srv.Update(func(w *cloudsim.World) {
		for _, a := range w.Accounts {
			if a.Id == account {
				fn(a)
				return
			}
		}
		e.t.Fatalf("no account %s", account)
	})
}

func group(a *cloudsim.Account, region, id string) *ec2types.SecurityGroup {
	for i := range a.Regions[region].SecurityGroups {
		if g := &a.Regions[region].SecurityGroups[i]; aws.ToString(g.GroupId) == id {
			return g
		}
	}
	panic("no security group " + id)
}

const (
	prodAccount = "222222222222"
	bastionSG   = "arn:aws:ec2:us-east-1:222222222222:security-group/sg-0b0b00000000002"
	sshFinding  = "aws-ec2-sg-internet-ssh " + bastionSG
	oldVolume   = "arn:aws:ec2:us-east-1:222222222222:volume/vol-0b0b00000000002"
	volFinding  = "aws-ec2-volume-encrypted " + oldVolume
	euVPC       = "arn:aws:ec2:eu-west-1:222222222222:vpc/vpc-0b0b00000000002"
	euFinding   = "aws-vpc-flow-logs " + euVPC
	website     = "arn:aws:s3:::prod-website-222222222222"
	webFinding  = "aws-s3-bucket-policy-public " + website
)

// TestFindingLifecycleOnTheSimulator scans the demo organization while
// changing it: a fix resolves, a relapse reopens, a deletion resolves, a
// scan of one region leaves the other alone, a denied call is an error
// that resolves nothing, and the commands that read findings, history
// and changes say exactly that.
func TestFindingLifecycleOnTheSimulator(t *testing.T) {
	e := newLifecycleEnv(t)
	expected := expectedDemoFailures(t)

	// Day 1: every seeded misconfiguration opens a finding.
	s1 := e.scan(ExitOK)
	if got := transitions(s1.Findings); got != (finding.ReconcileSummary{Opened: len(expected)}) {
		t.Fatalf("first scan: %+v, want %d opened", got, len(expected))
	}
	open := e.findings()
	var keys []string
	for k, f := range open {
		keys = append(keys, k)
		if f.Status != finding.StateOpen || !f.FirstSeen.Equal(e.clock.t) {
			t.Errorf("%s: %+v", k, f)
		}
	}
	slices.Sort(keys)
	if strings.Join(keys, "\n") != strings.Join(expected, "\n") {
		t.Errorf("open findings differ from the seeded failures\nmissing: %v\nunexpected: %v", diff(expected, keys), diff(keys, expected))
	}

	// Day 2: the bastion no longer admits SSH from anywhere.
	var bastionRules []ec2types.IpPermission
	e.update(prodAccount, func(a *cloudsim.Account) {
		g := group(a, "us-east-1", "sg-0b0b00000000002")
		bastionRules, g.IpPermissions = g.IpPermissions, nil
	})
	s2 := e.scan(ExitOK)
	if got := transitions(s2.Findings); got != (finding.ReconcileSummary{Resolved: 1}) {
		t.Errorf("after the fix: %+v, want 1 resolved", got)
	}
	if f := e.finding(sshFinding); f.Status != finding.StateResolved || f.ResolvedReason != finding.ReasonPassed || !f.ResolvedAt.Equal(e.clock.t) {
		t.Errorf("fixed finding %+v", f)
	}

	// Day 3: someone opens it again.
	e.update(prodAccount, func(a *cloudsim.Account) { group(a, "us-east-1", "sg-0b0b00000000002").IpPermissions = bastionRules })
	s3 := e.scan(ExitOK)
	if got := transitions(s3.Findings); got != (finding.ReconcileSummary{Reopened: 1}) {
		t.Errorf("after the relapse: %+v, want 1 reopened", got)
	}
	if f := e.finding(sshFinding); f.Status != finding.StateOpen || f.ReopenCount != 1 || !f.OpenedAt.Equal(e.clock.t) {
		t.Errorf("reopened finding %+v", f)
	}

	// Day 4: the old volume is deleted and the EU VPC gets flow logs, but
	// the scan covers us-east-1 only: the deletion is seen, the EU fix is
	// not (nothing of eu-west-1 was re-evaluated or listed).
	e.update(prodAccount, func(a *cloudsim.Account) {
		us := a.Regions["us-east-1"]
		us.Volumes = slices.DeleteFunc(us.Volumes, func(v ec2types.Volume) bool { return aws.ToString(v.VolumeId) == "vol-0b0b00000000002" })
		eu := a.Regions["eu-west-1"]
		eu.FlowLogs = append(eu.FlowLogs, ec2types.FlowLog{FlowLogId: aws.String("fl-0b0b00000000002"), ResourceId: aws.String("vpc-0b0b00000000002"),
			FlowLogStatus: aws.String("ACTIVE"), DeliverLogsStatus: aws.String("SUCCESS"), TrafficType: ec2types.TrafficTypeAll,
			LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::ok-orders-222222222222")})
	})
	s4 := e.scan(ExitOK, "--regions", "us-east-1")
	if got := transitions(s4.Findings); got != (finding.ReconcileSummary{Resolved: 1, DeletedAssets: 1}) {
		t.Errorf("after the deletion, one region scanned: %+v, want 1 resolved, 1 asset deleted", got)
	}
	if f := e.finding(volFinding); f.Status != finding.StateResolved || f.ResolvedReason != finding.ReasonDeleted {
		t.Errorf("finding of the deleted volume %+v", f)
	}
	if f := e.finding(euFinding); f.Status != finding.StateOpen || f.LastScanID != s3.ScanID {
		t.Errorf("a us-east-1 scan touched the eu-west-1 finding: %+v", f)
	}

	// Day 5: a full scan sees the EU fix.
	s5 := e.scan(ExitOK)
	if got := transitions(s5.Findings); got != (finding.ReconcileSummary{Resolved: 1}) {
		t.Errorf("full scan after the EU fix: %+v, want 1 resolved", got)
	}
	if f := e.finding(euFinding); f.Status != finding.StateResolved {
		t.Errorf("EU flow logs finding %+v", f)
	}

	// Day 6: production denies reading bucket policies and listing
	// security groups. Errors, not passes: nothing resolves, nothing is
	// taken as deleted.
	e.update(prodAccount, func(a *cloudsim.Account) { a.Deny = []string{"s3:GetBucketPolicy", "ec2:DescribeSecurityGroups"} })
	s6 := e.scan(ExitError)
	if got := transitions(s6.Findings); got != (finding.ReconcileSummary{}) {
		t.Errorf("scan with denied calls: %+v, want no change", got)
	}
	errs := 0
	for _, r := range s6.Results {
		if r.Status == finding.Error {
			errs++
		}
	}
	if errs == 0 {
		t.Error("no ERROR result from denied calls")
	}
	web := e.finding(webFinding)
	if web.Status != finding.StateOpen || web.LastStatus != finding.Error || web.LastScanID != s6.ScanID {
		t.Errorf("public website finding after the denied policy read: %+v", web)
	}
	if f := e.finding(sshFinding); f.Status != finding.StateOpen || f.LastScanID != s5.ScanID {
		t.Errorf("an unlisted security group's finding changed: %+v", f)
	}
	history := e.mustRun(ExitOK, "assets", "history", bastionSG)
	if !strings.Contains(history, "3 versions") || strings.Contains(history, "deleted") {
		t.Errorf("bastion history after its listing was denied:\n%s", history)
	}
	show := e.mustRun(ExitOK, "findings", "show", finding.Fingerprint("aws-s3-bucket-policy-public", website))
	for _, want := range []string{"ERROR", "REMEDIATION", "HISTORY", "CONFIGURATION", "opened", "s3:GetBucketPolicy"} {
		if !strings.Contains(show, want) {
			t.Errorf("findings show lacks %q:\n%s", want, show)
		}
	}

	// Day 7: the open findings, with their ages.
	e.clock.t = e.clock.t.Add(24 * time.Hour)
	table := e.mustRun(ExitOK, "findings", "list")
	lines := strings.Split(table, "\n")
	for _, col := range []string{"AGE", "FIRST SEEN", "LAST SEEN", "STATUS", "REOPENED"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("findings list header lacks %s: %s", col, lines[0])
		}
	}
	ageOf := func(uid string) []string {
		for _, l := range lines {
			if strings.Contains(l, uid) {
				return strings.Fields(l)
			}
		}
		t.Fatalf("findings list lacks %s:\n%s", uid, table)
		return nil
	}
	// Columns: fingerprint, severity, status, age, first seen (2), last
	// seen (2), reopened.
	if f := ageOf(bastionSG + " (bastion)"); f[3] != "4d" || f[8] != "1" {
		t.Errorf("reopened finding's row: %v (want age 4d since its reopening, reopened 1)", f)
	}
	if f := ageOf(website); f[3] != "6d" || f[8] != "0" {
		t.Errorf("website finding's row: %v (want age 6d)", f)
	}
	if strings.Contains(table, oldVolume) {
		t.Error("a resolved finding is listed as open")
	}

	// The change report between the first two scans names exactly the
	// bastion's rule and its finding.
	var d12 changeReport
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "diff", "--from", s1.ScanID, "--to", s2.ScanID, "-o", "json")), &d12); err != nil {
		t.Fatal(err)
	}
	if len(d12.Assets) != 1 || d12.Assets[0].UID != bastionSG || d12.Assets[0].Kind != "changed" ||
		len(d12.Assets[0].Changes) != 1 || d12.Assets[0].Changes[0].Path != "config.IpPermissions[0]" || d12.Assets[0].Changes[0].Kind != configdiff.Removed {
		t.Errorf("resources changed between scans 1 and 2: %+v", d12.Assets)
	}
	if len(d12.Findings) != 1 || d12.Findings[0].Transition != finding.Resolved || d12.Findings[0].AssetUID != bastionSG {
		t.Errorf("findings changed between scans 1 and 2: %+v", d12.Findings)
	}
	mdReport := e.mustRun(ExitOK, "diff", "--from", s3.ScanID, "--to", s4.ScanID, "-o", "markdown")
	for _, want := range []string{"1 removed", "vol-0b0b00000000002", "resource deleted", "| resolved |"} {
		if !strings.Contains(mdReport, want) {
			t.Errorf("markdown change report lacks %q:\n%s", want, mdReport)
		}
	}
	// By default: the two latest scans. The denied scan changed the
	// production buckets (their policies are now unknown) and nothing
	// about findings.
	var d56 changeReport
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "diff", "-o", "json")), &d56); err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, a := range d56.Assets {
		changed = append(changed, string(a.Kind)+" "+a.UID)
	}
	want := []string{"changed arn:aws:s3:::ok-orders-222222222222", "changed " + website}
	if d56.From.ID != s5.ScanID || d56.To.ID != s6.ScanID || !slices.Equal(changed, want) || len(d56.Findings) != 0 {
		t.Errorf("default diff %s → %s: assets %v, findings %+v; want %v and none", d56.From.ID, d56.To.ID, changed, d56.Findings, want)
	}

	// The bastion's configuration history, field by field.
	out := e.mustRun(ExitOK, "assets", "diff", bastionSG)
	if !strings.Contains(out, "+ config.IpPermissions[0]") || !strings.Contains(out, "0.0.0.0/0") {
		t.Errorf("assets diff:\n%s", out)
	}
	out = e.mustRun(ExitOK, "assets", "diff", bastionSG, "--from", s1.ScanID, "--to", s2.ScanID)
	if !strings.Contains(out, "- config.IpPermissions[0]") {
		t.Errorf("assets diff between scans:\n%s", out)
	}

	// The outbox has every transition; one reopening.
	var events []struct {
		Type    string `json:"type"`
		Subject string `json:"subject"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "events", "list", "--type", "finding.reopened", "-o", "json")), &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Subject != finding.Fingerprint("aws-ec2-sg-internet-ssh", bastionSG) {
		t.Errorf("reopened events %+v", events)
	}

	var stats struct {
		Open         int            `json:"open"`
		Resolved     int            `json:"resolved"`
		Remediations int            `json:"remediations"`
		OpenBySev    map[string]int `json:"openBySeverity"`
		MTTR         float64        `json:"meanTimeToRemediateSeconds"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "findings", "stats", "-o", "json")), &stats); err != nil {
		t.Fatal(err)
	}
	// Resolutions: the bastion (1 day open), the volume (3 days), the EU
	// VPC (4 days).
	if stats.Open != len(expected)-2 || stats.Resolved != 2 || stats.Remediations != 3 || stats.MTTR != (8*24*time.Hour/3).Seconds() {
		t.Errorf("stats %+v", stats)
	}
}

// The read commands reject bad input clearly.
func TestFindingsCommandsUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"findings", "list", "--status", "closed"}, ExitUsage},
		{[]string{"findings", "list", "--severity", "severe"}, ExitUsage},
		{[]string{"findings", "list", "--since", "yesterday"}, ExitUsage},
		{[]string{"findings", "list", "-o", "xml"}, ExitUsage},
		{[]string{"findings", "show", "0000000000000000"}, ExitUsage},
		{[]string{"assets", "history", "arn:none"}, ExitUsage},
		{[]string{"diff"}, ExitUsage},
		{[]string{"events", "list", "--since", "soon"}, ExitUsage},
		{[]string{"findings", "list"}, ExitOK},
		{[]string{"findings", "stats"}, ExitOK},
		{[]string{"events", "list"}, ExitOK},
	} {
		if code, _, errOut := run(t, append(tc.args, "--db", db)...); code != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.want, errOut)
		}
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "30s", 5 * time.Minute: "5m", 5*time.Hour + 12*time.Minute: "5h12m", 2 * time.Hour: "2h",
		3*24*time.Hour + 4*time.Hour: "3d4h", 7 * 24 * time.Hour: "7d", -time.Second: "-",
	} {
		if got := age(d); got != want {
			t.Errorf("age(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-01T00:00:00Z": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-02":           time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		"7d":                   now.AddDate(0, 0, -7),
		"36h":                  now.Add(-36 * time.Hour),
	} {
		got, err := parseWhen(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseWhen(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "7x"} {
		if _, err := parseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q) accepted", bad)
		}
	}
}

// A failure an exception accepts never fails a run.
func TestSuppressedNeverFailsTheRun(t *testing.T) {
	rs := []finding.Result{{CheckID: "c", Severity: "critical", Status: finding.Suppressed, ExceptionID: "EXC-1"}}
	th, err := parseFailOn("low")
	if err != nil {
		t.Fatal(err)
	}
	if err := exitFor(rs, th); err != nil {
		t.Errorf("a SUPPRESSED critical result failed the run: %v", err)
	}
	rs[0].Status = finding.Fail
	if err := exitFor(rs, th); err == nil {
		t.Error("the same result as FAIL did not fail the run")
	}
}
