package mutelist

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/finding"
)

// Every Parapet check the table names exists among the built-in checks.
func TestEquivalentsExist(t *testing.T) {
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range cs {
		known[c.ID] = true
	}
	for prowler, ids := range equivalents {
		if len(ids) == 0 {
			t.Errorf("%s maps to nothing", prowler)
		}
		for _, id := range ids {
			if !known[id] {
				t.Errorf("%s maps to unknown check %s", prowler, id)
			}
		}
	}
}

var now = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func convert(t *testing.T, src string) Converted {
	t.Helper()
	entries, err := Parse("ml.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sev := map[string]string{}
	cs, err := checks.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		sev[c.ID] = c.Severity.String()
	}
	return Convert(entries, Options{
		File: "ml.yaml", RequestedBy: "alice", Now: now,
		Severities: func(id string) (string, bool) { s, ok := sev[id]; return s, ok },
		Expires: func(sev string) time.Time {
			if sev == "critical" {
				return now.AddDate(0, 0, 30)
			}
			return now.AddDate(0, 0, 90)
		},
	})
}

func TestConvert(t *testing.T) {
	for _, tc := range []struct {
		name  string
		entry string // the body of one check of account 222222222222
		check string
		scope *finding.Scope // nil: skipped
		warn  string
	}{
		{"one security group", `{Regions: [us-east-1], Resources: [sg-0b0b], Description: bastion}`,
			"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
			&finding.Scope{Checks: []string{"aws-ec2-sg-internet-ssh"}, Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}, Assets: []string{"re:sg-0b0b"}}, ""},
		{"wildcards are no condition", `{Regions: ["*"], Resources: ["*"]}`, "s3_bucket_object_versioning",
			&finding.Scope{Checks: []string{"aws-s3-bucket-versioning"}, Accounts: []string{"222222222222"}}, ""},
		{"a leading star and regex regions", `{Regions: ["eu-.*"], Resources: ["*-logs"]}`, "s3_bucket_object_versioning",
			&finding.Scope{Checks: []string{"aws-s3-bucket-versioning"}, Accounts: []string{"222222222222"}, Regions: []string{"re:eu-.*"}, Assets: []string{"re:.*-logs"}}, ""},
		{"one Prowler check, two Parapet checks", `{Regions: ["*"], Resources: [public-site]}`, "s3_bucket_public_access",
			&finding.Scope{Checks: []string{"aws-s3-bucket-acl-public", "aws-s3-bucket-policy-public"}, Accounts: []string{"222222222222"}, Assets: []string{"re:public-site"}}, ""},
		{"old lambda names", `{Regions: ["*"], Resources: [fn]}`, "lambda_function_url_public",
			&finding.Scope{Checks: []string{"aws-lambda-function-url-auth"}, Accounts: []string{"222222222222"}, Assets: []string{"re:fn"}}, ""},
		{"a check pattern", `{Regions: ["*"], Resources: [x]}`, "elbv2_.*_protection",
			&finding.Scope{Checks: []string{"aws-elbv2-deletion-protection"}, Accounts: []string{"222222222222"}, Assets: []string{"re:x"}}, "is a pattern"},
		{"tags", `{Regions: ["*"], Resources: ["*"], Tags: ["env=dev|env=test", "team=.*"]}`, "kms_cmk_rotation_enabled",
			&finding.Scope{Checks: []string{"aws-kms-key-rotation"}, Accounts: []string{"222222222222"},
				Tags: map[string][]string{"env": {"re:^(?:dev)", "re:^(?:test)"}, "team": {"*"}}}, ""},
		{"exceptions", `{Regions: ["*"], Resources: ["*"], Exceptions: {Regions: [eu-west-1], Resources: [prod]}}`, "kms_cmk_rotation_enabled",
			&finding.Scope{Checks: []string{"aws-kms-key-rotation"}, Accounts: []string{"222222222222"},
				Except: &finding.ScopeExcept{Regions: []string{"eu-west-1"}, Assets: []string{"re:prod"}}}, ""},
		{"no equivalent", `{Regions: ["*"], Resources: ["*"]}`, "iam_user_hardware_mfa_enabled", nil, "no Parapet check is equivalent"},
		{"empty resources mute nothing", `{Regions: ["*"], Resources: []}`, "kms_cmk_rotation_enabled", nil, "mutes nothing"},
		{"tags over two keys", `{Regions: ["*"], Resources: ["*"], Tags: ["Name=a | Env=b"]}`, "kms_cmk_rotation_enabled", nil, "different keys"},
		{"a regex RE2 cannot run", `{Regions: ["*"], Resources: ["(?<=x)y"]}`, "kms_cmk_rotation_enabled", nil, "RE2"},
		{"exceptions matching everything", `{Regions: ["*"], Resources: ["*"], Exceptions: {Regions: ["*"]}}`, "kms_cmk_rotation_enabled", nil, "match every resource"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "Mutelist:\n  Accounts:\n    \"222222222222\":\n      Checks:\n        \"" + tc.check + "\": " + tc.entry + "\n"
			got := convert(t, src)
			warnings := strings.Join(got.Warnings, "\n")
			if (tc.warn == "") != (warnings == "") || !strings.Contains(warnings, tc.warn) {
				t.Errorf("warnings %q, want %q", warnings, tc.warn)
			}
			if tc.warn != "" && !strings.HasPrefix(warnings, "ml.yaml:5: ") {
				t.Errorf("warning not located at the entry: %q", warnings)
			}
			if tc.scope == nil {
				if len(got.Exceptions) != 0 {
					t.Errorf("imported %+v", got.Exceptions[0].Exception)
				}
				return
			}
			if len(got.Exceptions) != 1 {
				t.Fatalf("%d exceptions", len(got.Exceptions))
			}
			e := got.Exceptions[0].Exception
			if !reflect.DeepEqual(e.Scope, *tc.scope) {
				t.Errorf("scope\n got %+v\nwant %+v", e.Scope, *tc.scope)
			}
			if !strings.HasPrefix(e.ID, "MUTE-") || e.State != finding.ExceptionRequested || e.RequestedBy != "alice" || !strings.Contains(e.Reason, "ml.yaml (line 5)") {
				t.Errorf("exception %+v", e)
			}
		})
	}
}

// The converted scope mutes what Prowler muted: checked on results.
func TestConvertedScopeMatches(t *testing.T) {
	got := convert(t, `Mutelist:
  Accounts:
    "*":
      Checks:
        "s3_bucket_object_versioning":
          Regions: ["eu-west-1", "us-east-1"]
          Resources: ["logs"]
          Tags: ["env=dev"]
          Exceptions:
            Accounts: ["111111111111"]
`)
	if len(got.Exceptions) != 1 {
		t.Fatalf("%+v", got)
	}
	e := got.Exceptions[0].Exception
	e.State, e.ApprovedBy, e.ApproverRole, e.ApprovedAt = finding.ExceptionApproved, "bob", "local-ciso", now
	set, err := finding.NewExceptionSet([]finding.Exception{e}, "parapet:exception")
	if err != nil {
		t.Fatal(err)
	}
	r := func(uid, name, account, region string) *finding.Result {
		return &finding.Result{CheckID: "aws-s3-bucket-versioning", AssetUID: uid, AssetName: name, Account: account, Region: region, Status: finding.Fail}
	}
	dev := map[string]string{"env": "development"}
	for _, tc := range []struct {
		name string
		r    *finding.Result
		tags map[string]string
		want bool
	}{
		{"a bucket containing logs", r("arn:aws:s3:::ci-logs", "ci-logs", "222222222222", "us-east-1"), dev, true},
		{"another region", r("arn:aws:s3:::ci-logs", "ci-logs", "222222222222", "ap-south-1"), dev, false},
		{"no matching tag", r("arn:aws:s3:::ci-logs", "ci-logs", "222222222222", "us-east-1"), map[string]string{"env": "prod"}, false},
		{"the excepted account", r("arn:aws:s3:::ci-logs", "ci-logs", "111111111111", "us-east-1"), dev, false},
		{"another bucket", r("arn:aws:s3:::data", "data", "222222222222", "us-east-1"), dev, false},
	} {
		if _, ok := set.Suppress(tc.r, tc.tags, now); ok != tc.want {
			t.Errorf("%s: suppressed %v, want %v", tc.name, ok, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "ml.yaml:1: the file is empty"},
		{"no Mutelist", "Other: {}\n", `ml.yaml:1: unknown key "Other"`},
		{"no Checks", "Mutelist:\n  Accounts:\n    \"1\": {}\n", "ml.yaml:3: account 1 needs Checks"},
		{"missing Regions", "Mutelist:\n  Accounts:\n    \"1\":\n      Checks:\n        c: {Resources: [x]}\n", "ml.yaml:5: check c of account 1 needs Regions"},
		{"unknown key", "Mutelist:\n  Accounts:\n    \"1\":\n      Checks:\n        c: {Regions: [x], Resources: [x], Region: y}\n", `ml.yaml:5: unknown key "Region"`},
		{"syntax", "Mutelist:\n  Accounts: [\n", "ml.yaml:3: YAML syntax"},
	} {
		_, err := Parse("ml.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
