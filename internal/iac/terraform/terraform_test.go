package terraform

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/iac"
)

var fixedNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func load(t *testing.T, path string) *iac.Result {
	t.Helper()
	l := NewConfigLoader(Options{Now: func() time.Time { return fixedNow }})
	res, err := l.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func builtinEngine(t *testing.T) *engine.Engine {
	t.Helper()
	var all []*check.Check
	for _, root := range checks.Roots() {
		cs, err := check.LoadFS(checks.FS, root)
		if err != nil {
			t.Fatalf("load checks: %v", err)
		}
		all = append(all, cs...)
	}
	e, err := engine.New(all)
	if err != nil {
		t.Fatalf("compile checks: %v", err)
	}
	return e
}

func evaluate(e *engine.Engine, as []asset.Asset) map[string][]finding.Result {
	by := map[string][]finding.Result{}
	for i := range as {
		for _, r := range e.Evaluate(&as[i], fixedNow) {
			by[r.CheckID] = append(by[r.CheckID], r)
		}
	}
	return by
}

func statuses(rs []finding.Result) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.AssetUID+"="+string(r.Status)+" "+r.Message)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func has(rs []finding.Result, s finding.Status) bool {
	return slices.ContainsFunc(rs, func(r finding.Result) bool { return r.Status == s })
}

// fixtureChecks are broken by testdata/bad and kept by testdata/good.
var fixtureChecks = []string{
	"aws-s3-bucket-policy-public", "aws-s3-bucket-ssl-only", "aws-s3-bucket-versioning", "aws-s3-bucket-access-logging",
	"aws-s3-bucket-acl-public", "aws-s3-bucket-public-access-block", "aws-s3-bucket-default-encryption",
	"aws-ec2-sg-internet-ssh", "aws-ec2-sg-internet-rdp", "aws-ec2-sg-internet-all-traffic", "aws-ec2-sg-internet-postgres",
	"aws-ec2-sg-default-restricts-all", "aws-ec2-instance-imdsv2", "aws-ec2-instance-user-data-secrets", "aws-ec2-volume-encrypted",
	"aws-vpc-flow-logs", "aws-vpc-subnet-auto-public-ip",
	"aws-iam-role-admin-access", "aws-iam-role-trust-public", "aws-iam-user-admin-access", "aws-iam-user-direct-policies",
	"aws-kms-key-rotation",
	"aws-rds-instance-encrypted", "aws-rds-instance-public", "aws-rds-instance-backup-retention", "aws-rds-instance-deletion-protection",
	"aws-cloudtrail-trail-cloudwatch-logs", "aws-cloudtrail-trail-kms-encryption", "aws-cloudtrail-trail-log-file-validation",
	"aws-cloudtrail-trail-multi-region",
	"aws-lambda-function-policy-public", "aws-lambda-function-tracing", "aws-lambda-function-deprecated-runtime", "aws-lambda-function-env-secrets",
	"aws-ecr-repository-tag-immutability", "aws-ecr-repository-lifecycle-policy", "aws-ecr-repository-kms-encryption", "aws-ecr-repository-scan-on-push",
	"aws-elbv2-drop-invalid-headers", "aws-elbv2-http-redirects-to-https", "aws-elbv2-deletion-protection", "aws-elbv2-access-logs",
	"iac-terraform-provider-credentials", "iac-terraform-variable-default-secret", "iac-suppression-reason",
}

func TestBuiltinChecksOnFixtures(t *testing.T) {
	e := builtinEngine(t)
	for _, id := range fixtureChecks {
		if _, ok := e.Check(id); !ok {
			t.Errorf("no built-in check %s", id)
		}
	}
	for _, tc := range []struct {
		dir  string
		want finding.Status
	}{{"testdata/bad", finding.Fail}, {"testdata/good", finding.Pass}} {
		t.Run(tc.dir, func(t *testing.T) {
			res := load(t, tc.dir)
			for _, d := range res.Diagnostics {
				t.Errorf("diagnostic: %s", d)
			}
			by := evaluate(e, res.Assets)
			for _, id := range fixtureChecks {
				if !has(by[id], tc.want) {
					t.Errorf("%s: want a %s, got %s", id, tc.want, statuses(by[id]))
				}
			}
			for id, rs := range by {
				for _, r := range rs {
					switch {
					case r.Status == finding.Error && id != "aws-iam-user-unused-password":
						t.Errorf("%s on %s: ERROR %s", id, r.AssetUID, r.Message)
					case tc.want == finding.Pass && r.Status == finding.Fail:
						t.Errorf("%s on %s: FAIL", id, r.AssetUID)
					}
				}
			}
		})
	}
}

func TestUnknownValuesAreErrors(t *testing.T) {
	res := load(t, "testdata/unknown")
	by := evaluate(builtinEngine(t), res.Assets)
	for _, id := range []string{"aws-rds-instance-encrypted", "aws-ec2-sg-internet-ssh", "aws-iam-role-trust-public"} {
		if len(by[id]) != 1 || by[id][0].Status != finding.Error || !strings.Contains(by[id][0].Message, "known only at apply time") {
			t.Errorf("%s: %s", id, statuses(by[id]))
		}
	}
	// Fields of the same assets that are known are evaluated.
	if !has(by["aws-rds-instance-public"], finding.Pass) || !has(by["aws-ec2-sg-default-restricts-all"], finding.NotApplicable) {
		t.Errorf("known fields: %s / %s", statuses(by["aws-rds-instance-public"]), statuses(by["aws-ec2-sg-default-restricts-all"]))
	}
}

func TestTreeOfConfigurations(t *testing.T) {
	res := load(t, "testdata/tree")
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics: %v", res.Diagnostics)
	}
	got := map[string]string{}
	for _, a := range res.Assets {
		got[a.UID] = a.Region + " " + a.Source.File
		if !a.CollectedAt.Equal(fixedNow) || a.Source.Kind != asset.SourceTerraform {
			t.Errorf("%s: collected %v kind %s", a.UID, a.CollectedAt, a.Source.Kind)
		}
	}
	want := map[string]string{
		"terraform:envs/dev#module.logs.aws_s3_bucket.this":  "us-east-1 modules/bucket/main.tf",
		"terraform:envs/dev#aws_s3_bucket.scratch":           "us-east-1 envs/dev/main.tf",
		"terraform:envs/dev#provider.aws":                    " envs/dev/main.tf",
		"terraform:envs/prod#module.logs.aws_s3_bucket.this": "eu-west-1 modules/bucket/main.tf",
		"terraform:envs/prod#provider.aws":                   " envs/prod/main.tf",
		"terraform:envs/prod#module.logs.var.name":           " modules/bucket/main.tf",
		"terraform:envs/dev#module.logs.var.name":            " modules/bucket/main.tf",
	}
	if len(got) != len(want) {
		t.Errorf("assets = %v", got)
	}
	for uid, w := range want {
		if got[uid] != w {
			t.Errorf("%s = %q, want %q", uid, got[uid], w)
		}
	}
}

func TestSingleFile(t *testing.T) {
	res := load(t, "testdata/good/modules/bucket/main.tf")
	var uids []string
	for _, a := range res.Assets {
		uids = append(uids, a.UID)
		if a.Source.File != "main.tf" {
			t.Errorf("%s in %s", a.UID, a.Source.File)
		}
	}
	if !slices.Contains(uids, "terraform:main.tf#aws_s3_bucket.this") {
		t.Errorf("uids = %v", uids)
	}
}

func TestRegistered(t *testing.T) {
	l, err := iac.Lookup(FrameworkConfig)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Detect("x/main.tf", nil) || l.Detect("x/plan.json", []byte(`{"format_version":"1.2"}`)) {
		t.Error("Detect")
	}
	if _, err := l.Load(context.Background(), "testdata/does-not-exist"); err == nil {
		t.Error("missing path is not an error")
	}
}
