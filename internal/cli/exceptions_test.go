package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/finding"
)

// isolateUser keeps the developer's own configuration and identity out of
// the tests.
func isolateUser(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("PARAPET_CONFIG", "")
	t.Setenv(EnvUser, "")
}

// status returns the result of a check on an asset in a scan report.
func (r scanReport) result(t *testing.T, key string) finding.Result {
	t.Helper()
	for _, res := range r.Results {
		if res.CheckID+" "+res.AssetUID == key {
			return res
		}
	}
	t.Fatalf("the scan has no result %s", key)
	return finding.Result{}
}

type eventView struct {
	ID      int64           `json:"id"`
	Type    string          `json:"type"`
	Subject string          `json:"subject"`
	Payload json.RawMessage `json:"payload"`
}

func (e *lifecycleEnv) events(types ...string) []eventView {
	e.t.Helper()
	var out []eventView
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "events", "list", "--type", strings.Join(types, ","), "-o", "json")), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *lifecycleEnv) exception(id string) (finding.Exception, int) {
	e.t.Helper()
	var out struct {
		Exceptions []struct {
			finding.Exception
			Suppresses int `json:"suppresses"`
		} `json:"exceptions"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "exceptions", "list", "-o", "json")), &out); err != nil {
		e.t.Fatal(err)
	}
	for _, x := range out.Exceptions {
		if x.ID == id {
			return x.Exception, x.Suppresses
		}
	}
	e.t.Fatalf("no exception %s", id)
	return finding.Exception{}, 0
}

// The whole life from the command line, on the simulated organization:
// request, a refused self-approval, approval suppressing the finding at
// once (visible with --include-suppressed, out of the open counts),
// expiry by the clock alone reopening the finding with its events, and
// the next scan leaving it open.
func TestExceptionLifecycleFromTheCLI(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	e.scan(ExitOK)

	out := e.mustRun(ExitOK, "exceptions", "request", "--as", "alice", "--check", "aws-ec2-sg-internet-ssh", "--asset", bastionSG,
		"--reason", "bastion stays reachable until the VPN is live", "--expires", "10d", "--review", "5d")
	if !strings.Contains(out, "Requested exception EXC-0001 (high") {
		t.Fatalf("request: %s", out)
	}
	code, _, errOut := e.run("exceptions", "approve", "EXC-0001", "--as", "alice", "--role", "local-ciso")
	if code != ExitUsage || !strings.Contains(errOut, "alice requested this exception and may not approve it") {
		t.Errorf("self-approval: exit %d: %s", code, errOut)
	}
	t.Setenv(EnvUser, "bob") // identity from the environment
	out = e.mustRun(ExitOK, "exceptions", "approve", "EXC-0001", "--role", "local-ciso", "--comment", "ok until March")
	t.Setenv(EnvUser, "")
	if !strings.Contains(out, "1 finding suppressed at once") {
		t.Errorf("approve: %s", out)
	}
	// The approval suppresses the finding at once.
	if f, ok := e.findings("--include-suppressed")[sshFinding]; !ok || f.Status != finding.StateSuppressed || f.ExceptionID != "EXC-0001" {
		t.Errorf("after the approval: %+v", f)
	}
	x, _ := e.exception("EXC-0001")
	if x.State != finding.ExceptionApproved || x.ApprovedBy != "bob" || x.ApproverRole != "local-ciso" || x.RequestedBy != "alice" {
		t.Fatalf("approved exception %+v", x)
	}
	expires := x.Expires

	// The next scan agrees: the bastion's SSH result is suppressed, and
	// only it, and no finding moves.
	s2 := e.scan(ExitOK)
	if r := s2.result(t, sshFinding); r.Status != finding.Suppressed || r.ExceptionID != "EXC-0001" {
		t.Errorf("result under the exception %+v", r)
	}
	if got := transitions(s2.Findings); got != (finding.ReconcileSummary{}) {
		t.Errorf("second scan %+v, want no transition", got)
	}
	if r := s2.result(t, "aws-ec2-sg-internet-ssh arn:aws:ec2:us-east-1:333333333333:security-group/sg-0c0c00000000001"); r.Status != finding.Fail {
		t.Errorf("another group's SSH finding %+v", r)
	}
	if _, ok := e.findings()[sshFinding]; ok {
		t.Error("a suppressed finding is listed as open")
	}
	f, ok := e.findings("--include-suppressed")[sshFinding]
	if !ok || f.Status != finding.StateSuppressed || f.ExceptionID != "EXC-0001" {
		t.Errorf("with --include-suppressed: %+v", f)
	}
	table := e.mustRun(ExitOK, "findings", "list", "--include-suppressed")
	if !strings.Contains(strings.Split(table, "\n")[0], "EXCEPTION") || !strings.Contains(table, "EXC-0001") {
		t.Errorf("findings table does not name the exception:\n%s", table)
	}
	var stats struct {
		Open, Suppressed int
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "findings", "stats", "-o", "json")), &stats); err != nil {
		t.Fatal(err)
	}
	if expected := len(expectedDemoFailures(t)); stats.Suppressed != 1 || stats.Open != expected-1 {
		t.Errorf("stats: %d open, %d suppressed; want %d and 1", stats.Open, stats.Suppressed, expected-1)
	}
	var xs struct {
		Active             int            `json:"active"`
		ActiveBySeverity   map[string]int `json:"activeBySeverity"`
		SuppressedFindings int            `json:"suppressedFindings"`
		Expiring           []struct {
			ID string `json:"id"`
		} `json:"expiring"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "exceptions", "stats", "-o", "json")), &xs); err != nil {
		t.Fatal(err)
	}
	if xs.Active != 1 || xs.ActiveBySeverity["high"] != 1 || xs.SuppressedFindings != 1 || len(xs.Expiring) != 1 || xs.Expiring[0].ID != "EXC-0001" {
		t.Errorf("exception stats %+v", xs)
	}
	show := e.mustRun(ExitOK, "exceptions", "show", "EXC-0001")
	for _, want := range []string{"AUDIT TRAIL", "alice", "bob", "local-ciso", "ok until March", "SUPPRESSED FINDINGS (1)", bastionSG} {
		if !strings.Contains(show, want) {
			t.Errorf("exceptions show lacks %q:\n%s", want, show)
		}
	}

	// The review date comes: any command sends the notice, once.
	e.clock.t = x.ReviewDate.Add(time.Minute)
	e.mustRun(ExitOK, "exceptions", "list")
	e.mustRun(ExitOK, "findings", "list")
	if ev := e.events("exception.review_due"); len(ev) != 1 || ev[0].Subject != "EXC-0001" {
		t.Errorf("review notices %+v", ev)
	}

	// The clock passes the expiry: the next command reopens the finding,
	// without a scan.
	e.clock.t = expires.Add(time.Minute)
	code, listOut, errOut := e.run("findings", "list", "-o", "json")
	if code != ExitOK || !strings.Contains(errOut, "exception EXC-0001 expired") || !strings.Contains(errOut, "1 finding reopened") {
		t.Errorf("findings list after the expiry: exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(listOut, bastionSG) {
		t.Error("the reopened finding is not listed as open")
	}
	if f := e.finding(sshFinding); f.Status != finding.StateOpen || f.ExceptionID != "" || !f.ChangedAt.Equal(e.clock.t) {
		t.Errorf("finding after the expiry %+v", f)
	}
	var types []string
	for _, ev := range e.events("exception.requested", "exception.approved", "exception.expiring", "exception.review_due", "exception.expired") {
		types = append(types, ev.Type)
	}
	if want := []string{"exception.requested", "exception.approved", "exception.expiring", "exception.review_due", "exception.expired"}; !slices.Equal(types, want) {
		t.Errorf("exception events %v, want %v", types, want)
	}
	if un := e.events("finding.unsuppressed"); len(un) != 1 || un[0].Subject != finding.Fingerprint("aws-ec2-sg-internet-ssh", bastionSG) {
		t.Errorf("unsuppressed events %+v", un)
	}
	if x, _ := e.exception("EXC-0001"); x.State != finding.ExceptionExpired {
		t.Errorf("exception after the expiry: %s", x.State)
	}

	// Nothing suppresses it now.
	s3 := e.scan(ExitOK)
	if r := s3.result(t, sshFinding); r.Status != finding.Fail {
		t.Errorf("after the expiry the result is %s", r.Status)
	}
	if got := transitions(s3.Findings); got != (finding.ReconcileSummary{}) {
		t.Errorf("scan after the expiry changed findings: %+v", got)
	}
}

func (e *lifecycleEnv) writeFile(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// The same life declared as code: a YAML request, then the YAML approval,
// suppression, a lossless export and re-import, expiry and reopening.
func TestExceptionLifecycleFromYAML(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	e.scan(ExitOK)
	created := e.clock.t.Format(time.RFC3339)
	expires := e.clock.t.Add(20 * 24 * time.Hour)
	doc := func(approval string) string {
		return fmt.Sprintf(`# Reviewed in git like any control.
exceptions:
  - id: EXC-REPORTS
    scope:
      checks: [aws-ec2-volume-encrypted]
      assets: ["%s"]
      accounts: ["%s"]
    reason: >
      The old reports volume is copied to an encrypted one and deleted
      before the end of the month.
    requestedBy: alice
    created: %s
    expires: %s
%s`, oldVolume, prodAccount, created, expires.Format(time.RFC3339), approval)
	}
	requestFile := e.writeFile("request.yaml", doc(""))
	out := e.mustRun(ExitOK, "exceptions", "import", requestFile, "--as", "alice")
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "EXC-REPORTS created requested") {
		t.Errorf("import of the request:\n%s", out)
	}
	if r := e.scan(ExitOK).result(t, volFinding); r.Status != finding.Fail {
		t.Errorf("a requested exception suppressed: %s", r.Status)
	}

	approvedAt := e.clock.t.Format(time.RFC3339)
	approveFile := e.writeFile("approve.yaml", doc(fmt.Sprintf("    state: approved\n    approvedBy: bob\n    approverRole: local-ciso\n    approvedAt: %s\n", approvedAt)))
	out = e.mustRun(ExitOK, "exceptions", "import", approveFile, "--as", "carol")
	if !strings.Contains(out, "requested → approved") || !strings.Contains(out, "1 finding suppressed") {
		t.Errorf("import of the approval:\n%s", out)
	}
	if f := e.finding(volFinding); f.Status != finding.StateSuppressed || f.ExceptionID != "EXC-REPORTS" {
		t.Errorf("finding after the import of the approval: %+v", f)
	}
	if r := e.scan(ExitOK).result(t, volFinding); r.Status != finding.Suppressed || r.ExceptionID != "EXC-REPORTS" {
		t.Errorf("approved in YAML: %+v", r)
	}

	// Export → import changes nothing, in both formats; the file is the
	// format import reads.
	for _, format := range []string{"yaml", "json"} {
		exported := filepath.Join(t.TempDir(), "export."+format)
		e.mustRun(ExitOK, "exceptions", "export", "-o", format, "--output-file", exported)
		out := e.mustRun(ExitOK, "exceptions", "import", exported, "--as", "carol")
		if !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
			t.Errorf("re-import of the %s export:\n%s", format, out)
		}
	}
	exported := e.mustRun(ExitOK, "exceptions", "export")
	for _, want := range []string{"id: EXC-REPORTS", "state: approved", "approvedBy: bob", "severity: medium", "requestedBy: alice"} {
		if !strings.Contains(exported, want) {
			t.Errorf("export lacks %q:\n%s", want, exported)
		}
	}

	// Expiry: the finding reopens at the next command, with its events.
	e.clock.t = expires
	e.mustRun(ExitOK, "exceptions", "list")
	if f := e.finding(volFinding); f.Status != finding.StateOpen {
		t.Errorf("finding after the expiry: %s", f.Status)
	}
	if ev := e.events("exception.expired"); len(ev) != 1 || ev[0].Subject != "EXC-REPORTS" {
		t.Errorf("expired events %+v", ev)
	}
	// The file in git still says approved: importing it again is history,
	// not a renewal.
	out = e.mustRun(ExitOK, "exceptions", "import", approveFile, "--as", "carol")
	if !strings.Contains(out, "unchanged") || !strings.Contains(out, "is expired in the store") {
		t.Errorf("re-import after the expiry:\n%s", out)
	}
	if x, _ := e.exception("EXC-REPORTS"); x.State != finding.ExceptionExpired {
		t.Errorf("state after re-import %s", x.State)
	}
	if r := e.scan(ExitOK).result(t, volFinding); r.Status != finding.Fail {
		t.Errorf("after the expiry: %s", r.Status)
	}
}

// Bad exception files are refused with every problem and its line, and
// nothing is written.
func TestExceptionImportErrors(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	now := e.clock.t
	good := func(id, extra string) string {
		return fmt.Sprintf(`  - id: %s
    scope: {checks: [aws-ec2-volume-encrypted], assets: ["%s"]}
    reason: r
    requestedBy: alice
%s`, id, oldVolume, extra)
	}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"malformed YAML", "exceptions:\n  - id: A\n    scope: {checks: [x]\n", []string{"bad.yaml:3: YAML syntax"}},
		{"unknown key", "exceptions:\n" + good("A", "    expires: 2030-01-01\n    approver: bob\n"), []string{`bad.yaml:7: unknown key "approver"`}},
		{"governance", "exceptions:\n" +
			good("NO-EXPIRY", "") +
			good("SELF", fmt.Sprintf("    expires: %s\n    state: approved\n    approvedBy: alice\n    approverRole: local-ciso\n    approvedAt: %s\n",
				now.AddDate(0, 0, 10).Format(time.RFC3339), now.Format(time.RFC3339))) +
			good("NO-APPROVER", fmt.Sprintf("    expires: %s\n    state: approved\n", now.AddDate(0, 0, 10).Format(time.RFC3339))) +
			good("TOO-LONG", fmt.Sprintf("    expires: %s\n", now.AddDate(1, 0, 0).Format(time.RFC3339))) +
			`  - id: EVERYTHING
    scope: {checks: ["*"]}
    reason: r
    requestedBy: alice
    expires: ` + now.AddDate(0, 0, 5).Format(time.RFC3339) + "\n",
			[]string{"bad.yaml:2: exception NO-EXPIRY: expires: required", "bad.yaml:12: exception SELF: approvedBy: alice requested this exception",
				"bad.yaml:20: exception NO-APPROVER: approvedBy: required", "bad.yaml:20: exception NO-APPROVER: approverRole: required",
				"bad.yaml:25: exception TOO-LONG: expires: wider than allowed", "bad.yaml:27: exception EVERYTHING: scope: wider than allowed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.writeFile("bad.yaml", tc.src)
			code, _, errOut := e.run("exceptions", "import", p, "--as", "carol")
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			errOut = strings.ReplaceAll(errOut, p, "bad.yaml")
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("errors lack %q:\n%s", w, errOut)
				}
			}
		})
	}
	if out := e.mustRun(ExitOK, "exceptions", "list"); !strings.Contains(out, "No exceptions") {
		t.Errorf("refused imports wrote:\n%s", out)
	}
}

// A resource tag applies an exception only inside the exception's scope:
// it never silences another check or a resource out of scope.
func TestTagException(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	const (
		sandbox   = "333333333333"
		defaultSG = "arn:aws:ec2:us-east-1:333333333333:security-group/sg-0c0c00000000001"
	)
	e.mustRun(ExitOK, "exceptions", "request", "--as", "alice", "--id", "EXC-TAG", "--check", "aws-ec2-sg-internet-ssh", "--account", sandbox,
		"--by-tag", "--reason", "sandbox groups the team tags", "--expires", "30d")

	s1 := e.scan(ExitOK)
	if r := s1.result(t, "aws-ec2-sg-internet-ssh "+defaultSG); r.Status != finding.Fail {
		t.Errorf("untagged group: %s", r.Status)
	}
	tag := func(account, region, id string) {
		e.update(account, func(a *cloudsim.Account) {
			g := group(a, region, id)
			g.Tags = append(g.Tags, ec2types.Tag{Key: aws.String("parapet:exception"), Value: aws.String("EXC-TAG")})
		})
	}
	tag(sandbox, "us-east-1", "sg-0c0c00000000001")
	tag(prodAccount, "us-east-1", "sg-0b0b00000000002")
	// A requested exception suppresses nothing, tagged or not.
	if r := e.scan(ExitOK).result(t, "aws-ec2-sg-internet-ssh "+defaultSG); r.Status != finding.Fail {
		t.Errorf("tagged group under a requested exception: %s", r.Status)
	}

	// The approval suppresses at once the tagged finding in its scope,
	// and only it.
	if out := e.mustRun(ExitOK, "exceptions", "approve", "EXC-TAG", "--as", "bob", "--role", "global-ciso"); !strings.Contains(out, "1 finding suppressed at once") {
		t.Errorf("approval of the tagged exception: %s", out)
	}
	all := e.findings("--include-suppressed")
	for fp, want := range map[string]finding.State{
		"aws-ec2-sg-internet-ssh " + defaultSG:   finding.StateSuppressed,
		"aws-ec2-sg-internet-redis " + defaultSG: finding.StateOpen,
		sshFinding:                               finding.StateOpen,
	} {
		if f, ok := all[fp]; !ok || f.Status != want {
			t.Errorf("after the approval, %s: %+v, want %s", fp, f, want)
		}
	}
	s2 := e.scan(ExitOK)
	if r := s2.result(t, "aws-ec2-sg-internet-ssh "+defaultSG); r.Status != finding.Suppressed || r.ExceptionID != "EXC-TAG" {
		t.Errorf("tagged group in scope: %+v", r)
	}
	if r := s2.result(t, "aws-ec2-sg-internet-redis "+defaultSG); r.Status != finding.Fail {
		t.Errorf("the tag silenced another check: %s", r.Status)
	}
	if r := s2.result(t, sshFinding); r.Status != finding.Fail {
		t.Errorf("the tag silenced a group of another account: %s", r.Status)
	}
}

// A Prowler mutelist migrates: mapped entries become exceptions (here
// approved at import) suppressing at once what the mutelist muted,
// unmapped ones are reported, and the next scan agrees.
func TestMutelistImport(t *testing.T) {
	isolateUser(t)
	e := newLifecycleEnv(t)
	ml := e.writeFile("mutelist.yaml", `Mutelist:
  Accounts:
    "222222222222":
      Checks:
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22":
          Regions: ["us-east-1"]
          Resources: ["sg-0b0b00000000002"]
          Description: "Bastion host"
        "iam_user_hardware_mfa_enabled":
          Regions: ["*"]
          Resources: ["*"]
`)
	e.scan(ExitOK)
	code, out, errOut := e.run("exceptions", "import-mutelist", ml, "--as", "alice", "--expires", "max", "--approve-as", "bob", "--role", "local-ciso")
	if code != ExitOK || !strings.Contains(out, "1 created") || !strings.Contains(out, "1 finding suppressed") ||
		!strings.Contains(errOut, ":9: check \"iam_user_hardware_mfa_enabled\"") {
		t.Fatalf("import-mutelist: exit %d\n%s\n%s", code, out, errOut)
	}
	var list struct {
		Exceptions []finding.Exception `json:"exceptions"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(ExitOK, "exceptions", "list", "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Exceptions) != 1 {
		t.Fatalf("exceptions %+v", list.Exceptions)
	}
	x := list.Exceptions[0]
	if x.State != finding.ExceptionApproved || !strings.HasPrefix(x.ID, "MUTE-") || !x.Expires.Equal(e.clock.t.Add(90*24*time.Hour)) ||
		!strings.HasPrefix(x.Reason, "Bastion host") {
		t.Errorf("imported exception %+v", x)
	}
	if r := e.scan(ExitOK).result(t, sshFinding); r.Status != finding.Suppressed || r.ExceptionID != x.ID {
		t.Errorf("muted result %+v", r)
	}
	// Importing again updates the same exception rather than adding one.
	if out := e.mustRun(ExitOK, "exceptions", "import-mutelist", ml, "--as", "alice", "--expires", x.Expires.Format(time.RFC3339),
		"--approve-as", "bob", "--role", "local-ciso"); !strings.Contains(out, x.ID) || strings.Contains(out, "1 created") {
		t.Errorf("second import:\n%s", out)
	}
}

func TestExceptionsCommandsUsage(t *testing.T) {
	isolateUser(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	badConfig := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(badConfig, []byte("exceptions:\n  maxDuration:\n    high: forever\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	req := []string{"exceptions", "request", "--as", "alice", "--check", "aws-ec2-sg-internet-ssh", "--reason", "r"}
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{append(req, "--expires", "soon"), ExitUsage, "--expires"},
		{req, ExitUsage, "--expires: required"},
		{[]string{"exceptions", "request", "--as", "alice", "--check", "aws-ec2-sg-internet-ssh", "--expires", "5d"}, ExitUsage, "reason: required"},
		{[]string{"exceptions", "request", "--as", "alice", "--check", "no-such-check", "--reason", "r", "--expires", "5d"}, ExitUsage, `unknown check "no-such-check"`},
		{[]string{"exceptions", "request", "--as", "alice", "--check", "*", "--reason", "r", "--expires", "5d"}, ExitUsage, "wider than allowed"},
		{append(req, "--expires", "120d"), ExitUsage, "a high exception lasts at most 90d"},
		{append(req, "--expires", "5d", "--tag", "novalue"), ExitUsage, "KEY=VALUE"},
		{[]string{"exceptions", "approve", "EXC-0404", "--as", "bob", "--role", "local-ciso"}, ExitUsage, "no such exception"},
		{[]string{"exceptions", "approve", "EXC-0404", "--as", "bob"}, ExitUsage, "--role is required"},
		{[]string{"exceptions", "revoke", "EXC-0404", "--as", "bob", "--reason", "x"}, ExitUsage, "no such exception"},
		{[]string{"exceptions", "show", "EXC-0404"}, ExitUsage, "no exception"},
		{[]string{"exceptions", "export", "-o", "xml"}, ExitUsage, "unknown output format"},
		{[]string{"exceptions", "list", "--state", "pending"}, ExitUsage, "unknown exception state"},
		{[]string{"exceptions", "import-mutelist", "x.yaml"}, ExitUsage, "--expires: required"},
		{[]string{"exceptions", "list", "--config", badConfig}, ExitUsage, badConfig + ":3: exceptions.maxDuration.high"},
		{[]string{"findings", "list", "--config", badConfig}, ExitUsage, badConfig + ":3"},
		{[]string{"exceptions", "list", "--config", filepath.Join(dir, "absent.yaml")}, ExitUsage, "absent.yaml"},
		{append(req, "--expires", "5d"), ExitOK, ""},
		{[]string{"exceptions", "stats"}, ExitOK, ""},
	} {
		code, _, errOut := run(t, append(tc.args, "--db", db)...)
		if code != tc.want || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, code, tc.want, tc.msg, errOut)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-12-01":           time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		"2026-12-01T10:00:00Z": time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		"90d":                  now.AddDate(0, 0, 90),
		"12w":                  now.AddDate(0, 0, 84),
		"36h":                  now.Add(36 * time.Hour),
	} {
		got, useMax, err := parseExpiry(in, now)
		if err != nil || useMax || !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %s, %v, %v; want %s", in, got, useMax, err, want)
		}
	}
	if _, useMax, err := parseExpiry("max", now); err != nil || !useMax {
		t.Errorf("max: %v, %v", useMax, err)
	}
	for _, bad := range []string{"", "soon", "-3d", "0d", "-1h"} {
		if _, _, err := parseExpiry(bad, now); err == nil {
			t.Errorf("parseExpiry(%q) accepted", bad)
		}
	}
}
