package checktest

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/finding"
)

func TestGoodChecks(t *testing.T) {
	T(t, os.DirFS("testdata/good"), ".")
}

func TestRunGood(t *testing.T) {
	rep, err := Run(os.DirFS("testdata"), "good", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range rep.Cases {
		got = append(got, fmt.Sprintf("%s|%s|%d|%s|%s|%s", c.CheckID, c.File, c.Line, c.Name, c.Expected, c.Got))
	}
	want := []string{
		"test-iam-access-keys-rotated|good/iam/testdata/test-iam-access-keys-rotated.pass.yaml|3|recent key|PASS|PASS",
		"test-iam-access-keys-rotated|good/iam/testdata/test-iam-access-keys-rotated.pass.yaml|8|old key that is inactive|PASS|PASS",
		"test-iam-access-keys-rotated|good/iam/testdata/test-iam-access-keys-rotated.pass.yaml|12|no keys|PASS|PASS",
		"test-iam-access-keys-rotated|good/iam/testdata/test-iam-access-keys-rotated.fail.yaml|3|key of 91 days|FAIL|FAIL",
		"test-s3-public-access-block|good/s3/testdata/test-s3-public-access-block.pass.yaml|2|all four settings on|PASS|PASS",
		"test-s3-public-access-block|good/s3/testdata/test-s3-public-access-block.pass.yaml|10|policy could not be read, but it is not needed|PASS|PASS",
		"test-s3-public-access-block|good/s3/testdata/test-s3-public-access-block.pass.yaml|15|setting could not be read|ERROR|ERROR",
		"test-s3-public-access-block|good/s3/testdata/test-s3-public-access-block.fail.yaml|2|no setting|FAIL|FAIL",
		"test-s3-public-access-block|good/s3/testdata/test-s3-public-access-block.fail.yaml|5|policies not blocked|FAIL|FAIL",
		"test-sg-no-ssh-from-internet|good/ec2/testdata/test-sg-no-ssh-from-internet.pass.yaml|2|ssh from the VPC only|PASS|PASS",
		"test-sg-no-ssh-from-internet|good/ec2/testdata/test-sg-no-ssh-from-internet.pass.yaml|14|https from anywhere|PASS|PASS",
		"test-sg-no-ssh-from-internet|good/ec2/testdata/test-sg-no-ssh-from-internet.pass.yaml|19|EC2-Classic group is out of scope|NOT_APPLICABLE|NOT_APPLICABLE",
		"test-sg-no-ssh-from-internet|good/ec2/testdata/test-sg-no-ssh-from-internet.fail.yaml|2|ssh from anywhere|FAIL|FAIL",
		"test-sg-no-ssh-from-internet|good/ec2/testdata/test-sg-no-ssh-from-internet.fail.yaml|7|all traffic from anywhere over IPv6|FAIL|FAIL",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !rep.OK() || rep.Passed() != len(want) || rep.Failed() != 0 {
		t.Errorf("report: ok=%v passed=%d failed=%d", rep.OK(), rep.Passed(), rep.Failed())
	}
}

func TestRunBad(t *testing.T) {
	dir := filepath.Join("testdata", "bad")
	rep, err := RunDir(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "broken.yaml")+`:3:11: unknown severity "urgent"`) {
		t.Errorf("load error: %v", err)
	}
	failed := map[string]Case{}
	for _, c := range rep.Cases {
		if !c.OK() {
			failed[c.CheckID+"|"+c.Name+"|"+filepath.Base(c.File)] = c
		}
	}
	expect := []struct {
		key, file string
		line      int
		msg       string
	}{
		{"test-missing-fixtures|fixture present", "testdata/test-missing-fixtures.pass.yaml", 0,
			"missing fixture " + filepath.Join(dir, "testdata", "test-missing-fixtures.pass.yaml") + ": every check ships with a passing and a failing fixture"},
		{"test-wrong-expectation|not encrypted but listed as passing", "testdata/test-wrong-expectation.pass.yaml", 4,
			`got FAIL; evidence: {"config.Encrypted":false}`},
		{"test-malformed-fixture|fixture valid", "testdata/test-malformed-fixture.pass.yaml", 0,
			filepath.Join(dir, "testdata", "test-malformed-fixture.pass.yaml") + `:3:5: unknown key "confg" in test case`},
		{"test-renamed-away|fixture has a check", "testdata/test-renamed-away.pass.yaml", 0,
			`has no check with id "test-renamed-away" in ` + dir},
	}
	for _, e := range expect {
		c, ok := failed[e.key+"|"+path.Base(e.file)]
		if !ok {
			t.Errorf("no failing case %s; failures: %v", e.key, keys(failed))
			continue
		}
		if c.File != filepath.Join(dir, filepath.FromSlash(e.file)) || c.Line != e.line || !strings.Contains(c.Message, e.msg) {
			t.Errorf("%s: got %s:%d %q\nwant %s:%d containing %q", e.key, c.File, c.Line, c.Message, e.file, e.line, e.msg)
		}
	}
	// The malformed fail fixture reports both of its problems.
	var malformedFail string
	for _, c := range rep.Cases {
		if strings.HasSuffix(c.File, "test-malformed-fixture.fail.yaml") {
			malformedFail = c.Message
		}
	}
	for _, w := range []string{":1:6: now must be an RFC 3339 timestamp", ":5:13: expect may only be NOT_APPLICABLE or ERROR"} {
		if !strings.Contains(malformedFail, w) {
			t.Errorf("malformed fail fixture message lacks %q: %s", w, malformedFail)
		}
	}
	if rep.OK() || rep.Passed() != 2 {
		t.Errorf("passed %d (want 2: the good halves of test-wrong-expectation), ok=%v", rep.Passed(), rep.OK())
	}
	for _, c := range rep.Cases {
		if c.CheckID == "test-broken" {
			t.Errorf("a check that did not load was run: %+v", c)
		}
	}
}

func keys(m map[string]Case) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestParseFixtureErrors(t *testing.T) {
	c := loadOne(t)
	cases := []struct {
		name, src, want string
	}{
		{"empty", "", "f.yaml: fixture is empty"},
		{"not a mapping", "- a\n", "f.yaml:1:1: a fixture is a mapping"},
		{"no assets", "now: 2026-01-01T00:00:00Z\n", `f.yaml:1:1: missing required key "assets"`},
		{"empty assets", "assets: []\n", "f.yaml:1:9: assets must be a non-empty list"},
		{"case without name", "assets:\n  - config: {}\n", "f.yaml:2:5: test case needs a name"},
		{"tags not strings", "assets:\n  - name: x\n    tags: {a: [1]}\n", `f.yaml:3:15: tag "a" must be a string`},
		{"config not a mapping", "assets:\n  - name: x\n    config: [1]\n", "f.yaml:3:13: config must be a mapping"},
		{"error without reason", "assets:\n  - name: x\n    errors: [{path: Policy}]\n", "f.yaml:3:14: an error needs a code or a message"},
		{"bad status", "assets:\n  - name: x\n    expect: MAYBE\n", `f.yaml:3:13: unknown status "MAYBE"`},
		{"only not-applicable cases", "assets:\n  - name: x\n    expect: NOT_APPLICABLE\n", "f.yaml:2:3: no case expects PASS"},
		{"yaml syntax", "assets: [\n", "f.yaml: YAML syntax:"},
		{"duplicate config key", "assets:\n  - name: x\n    config: {A: 1, A: 2}\n", `f.yaml:3:20: duplicate key "A"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseFixture("f.yaml", []byte(tc.src), c, finding.Pass)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestFixtureValues(t *testing.T) {
	c := loadOne(t)
	src := `now: 2026-02-03T04:05:06Z
assets:
  - name: typed values
    uid: u-1
    account: "000000000001"
    region: eu-central-1
    config:
      Int: 5
      Float: 1.5
      WholeFloat: 2.0
      Bool: true
      Null: null
      Time: 2025-01-01T00:00:00Z
      Quoted: "22"
      List: [1, a]
`
	fx, err := parseFixture("f.yaml", []byte(src), c, finding.Pass)
	if err != nil {
		t.Fatal(err)
	}
	a := fx.cases[0].asset
	cfg := a.Config
	want := map[string]any{"Int": int64(5), "Float": 1.5, "WholeFloat": int64(2), "Bool": true, "Null": nil,
		"Time": "2025-01-01T00:00:00Z", "Quoted": "22", "List": []any{int64(1), "a"}}
	if fmt.Sprintf("%#v", cfg) != fmt.Sprintf("%#v", want) {
		t.Errorf("config %#v\nwant   %#v", cfg, want)
	}
	if a.UID != "u-1" || a.Account != "000000000001" || a.Region != "eu-central-1" || a.Provider != "aws" ||
		a.Type != c.ResourceType || a.Name != "typed values" || fx.now.Format("2006-01-02T15:04:05Z07:00") != "2026-02-03T04:05:06Z" {
		t.Errorf("asset %+v now %v", a, fx.now)
	}
}

func loadOne(t *testing.T) *check.Check {
	t.Helper()
	cs, err := check.LoadDir("testdata/good/s3")
	if err != nil || len(cs) != 1 {
		t.Fatalf("%d checks, %v", len(cs), err)
	}
	return cs[0]
}

// The CLI loads a directory with check.LoadDir (File includes the
// directory) and runs it on os.DirFS of that directory.
func TestRunWithLoadDirChecks(t *testing.T) {
	dir := filepath.Join("testdata", "good")
	cs, err := check.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(os.DirFS(dir), ".", cs)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Passed() != 14 {
		t.Fatalf("passed %d failed %d", rep.Passed(), rep.Failed())
	}
	want := filepath.Join(dir, "ec2", "testdata", "test-sg-no-ssh-from-internet.fail.yaml")
	found := false
	for _, c := range rep.Cases {
		found = found || c.File == want
	}
	if !found {
		t.Errorf("no case names %s: %+v", want, rep.Cases[0])
	}
}
