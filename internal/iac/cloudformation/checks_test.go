package cloudformation

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
)

// builtinEngine compiles the built-in checks (those present when the test
// runs): the AWS checks, and the code-only ones when they exist.
func builtinEngine(t *testing.T) *engine.Engine {
	t.Helper()
	all, err := check.LoadFS(checks.FS, "aws")
	if err != nil {
		t.Fatalf("load built-in checks: %v", err)
	}
	if _, err := fs.Stat(checks.FS, "iac"); err == nil {
		code, err := check.LoadFS(checks.FS, "iac")
		if err != nil {
			t.Fatalf("load code checks: %v", err)
		}
		if all, err = check.Merge(all, code); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	e, err := engine.New(all)
	if err != nil {
		t.Fatalf("compile built-in checks: %v", err)
	}
	return e
}

// evaluate loads a template of testdata/checks and runs every check on
// every asset.
func evaluate(t *testing.T, file string) (*engine.Engine, []asset.Asset, []finding.Result) {
	t.Helper()
	e := builtinEngine(t)
	res := load(t, filepath.Join("checks", file), nil)
	for _, d := range res.Diagnostics {
		t.Errorf("diagnostic: %s", d)
	}
	var results []finding.Result
	for i := range res.Assets {
		results = e.AppendResults(results, &res.Assets[i], testNow)
	}
	return e, res.Assets, results
}

// keyLines maps each resource and parameter of a block-style template to
// the line of its logical ID.
func keyLines(t *testing.T, file string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "checks", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") && strings.HasSuffix(l, ":") {
			out[strings.TrimSuffix(strings.TrimSpace(l), ":")] = n
		}
	}
	return out
}

// logicalID is the resource part of a UID: cloudformation:f.yaml#Res/...
func logicalID(uid string) string {
	_, id, _ := strings.Cut(uid, "#")
	id, _, _ = strings.Cut(id, "/")
	return id
}

// TestChecksApplyUnchanged runs the built-in checks, unchanged, on a
// template where everything is right: nothing fails and nothing is left
// unknown, so every result is PASS or NOT_APPLICABLE.
func TestChecksApplyUnchanged(t *testing.T) {
	e, assets, results := evaluate(t, "compliant.yaml")
	types := map[string]bool{}
	for _, a := range assets {
		types[a.Type] = true
		for _, fe := range a.Errors {
			// A user's creation date is only ever known once it exists.
			if fe.Path != "CreateDate" {
				t.Errorf("%s: field error %+v in a fully known template", a.UID, fe)
			}
		}
	}
	// Every resource type that has checks and that the loader maps is in
	// the template, so a new check on any of them is exercised here.
	for _, mp := range mappers {
		if e.HasChecksFor(mp.assetType) && !types[mp.assetType] {
			t.Errorf("compliant.yaml has no %s", mp.assetType)
		}
	}
	pass := 0
	for _, r := range results {
		switch r.Status {
		case finding.Pass:
			pass++
		case finding.NotApplicable:
		default:
			t.Errorf("%s on %s: %s %s (evidence %s)", r.CheckID, r.AssetUID, r.Status, r.Message, js(r.Evidence))
		}
	}
	if pass < 60 {
		t.Errorf("only %d checks passed: the template should exercise most of them", pass)
	}
}

// TestChecksFailOnMisconfiguration runs the built-in checks on a template
// where each resource is wrong in known ways: each of those checks fails,
// pointing at the resource's lines, and nothing is left unknown.
func TestChecksFailOnMisconfiguration(t *testing.T) {
	want := map[string][]string{
		"DbPassword": {"iac-cloudformation-parameter-default-secret", "iac-cloudformation-parameter-noecho"},
		"OpenBucket": {"aws-s3-bucket-acl-public", "aws-s3-bucket-policy-public", "aws-s3-bucket-public-access-block",
			"aws-s3-bucket-ssl-only", "aws-s3-bucket-versioning", "aws-s3-bucket-access-logging"},
		"OpenSg": {"aws-ec2-sg-internet-all-traffic", "aws-ec2-sg-internet-ssh", "aws-ec2-sg-internet-rdp",
			"aws-ec2-sg-internet-mysql", "aws-ec2-sg-internet-postgres", "aws-ec2-sg-internet-mssql",
			"aws-ec2-sg-internet-mongodb", "aws-ec2-sg-internet-redis", "aws-ec2-sg-internet-elasticsearch"},
		"Legacy":       {"aws-ec2-instance-imdsv2", "aws-ec2-instance-user-data-secrets", "iac-suppression-reason"},
		"PlainVolume":  {"aws-ec2-volume-encrypted"},
		"BareVpc":      {"aws-vpc-flow-logs"},
		"PublicSubnet": {"aws-vpc-subnet-auto-public-ip"},
		"PublicDb":     {"aws-rds-instance-public", "aws-rds-instance-encrypted", "aws-rds-instance-backup-retention", "aws-rds-instance-deletion-protection", "aws-rds-instance-auto-minor-upgrade"},
		"WeakCluster":  {"aws-rds-cluster-backup-retention", "aws-rds-cluster-deletion-protection", "aws-rds-cluster-encrypted", "aws-rds-cluster-iam-auth", "aws-rds-cluster-log-exports"},
		"WeakGraph":    {"aws-neptune-cluster-audit-logs", "aws-neptune-cluster-backup-retention", "aws-neptune-cluster-deletion-protection", "aws-neptune-cluster-encrypted", "aws-neptune-cluster-iam-auth"},
		"AdminRole":    {"aws-iam-role-admin-access", "aws-iam-role-trust-public"},
		"AdminGroup":   {"aws-iam-group-admin-access"},
		"AdminPolicy":  {"aws-iam-policy-admin-attached"},
		"WildPolicy":   {"aws-iam-policy-service-wildcard"},
		"Dev":          {"aws-iam-user-admin-access", "aws-iam-user-direct-policies"},
		"WeakKey":      {"aws-kms-key-rotation"},
		"LaxTrail":     {"aws-cloudtrail-trail-cloudwatch-logs", "aws-cloudtrail-trail-kms-encryption", "aws-cloudtrail-trail-log-file-validation", "aws-cloudtrail-trail-logging", "aws-cloudtrail-trail-multi-region"},
		"LaxRepo":      {"aws-ecr-repository-kms-encryption", "aws-ecr-repository-lifecycle-policy", "aws-ecr-repository-policy-public", "aws-ecr-repository-scan-on-push", "aws-ecr-repository-tag-immutability"},
		"OpenCluster":  {"aws-eks-cluster-control-plane-logging", "aws-eks-cluster-endpoint-public", "aws-eks-cluster-secrets-encryption"},
		"OpenDomain":   {"aws-opensearch-domain-audit-logs", "aws-opensearch-domain-encryption-at-rest", "aws-opensearch-domain-fine-grained-access", "aws-opensearch-domain-https-tls12", "aws-opensearch-domain-node-to-node-encryption", "aws-opensearch-domain-policy-public"},
		"WeakAlb":      {"aws-elbv2-access-logs", "aws-elbv2-deletion-protection", "aws-elbv2-drop-invalid-headers", "aws-elbv2-http-redirects-to-https", "aws-elbv2-listener-tls-policy"},
		"WeakClassic":  {"aws-elb-access-logs", "aws-elb-listener-encrypted"},
		"WeakFn":       {"aws-lambda-function-deprecated-runtime", "aws-lambda-function-env-secrets", "aws-lambda-function-tracing", "aws-lambda-function-policy-public", "aws-lambda-function-url-auth"},
	}
	e, _, results := evaluate(t, "misconfigured.yaml")
	lines := keyLines(t, "misconfigured.yaml")
	failed := map[string]map[string]finding.Result{}
	for _, r := range results {
		if r.Status == finding.Error {
			t.Errorf("%s on %s: ERROR %s", r.CheckID, r.AssetUID, r.Message)
		}
		if r.Status != finding.Fail {
			continue
		}
		id := logicalID(r.AssetUID)
		if failed[id] == nil {
			failed[id] = map[string]finding.Result{}
		}
		failed[id][r.CheckID] = r
	}
	for id, checkIDs := range want {
		for _, c := range checkIDs {
			if _, ok := e.Check(c); !ok {
				t.Errorf("%s: no built-in check %s", id, c)
				continue
			}
			r, ok := failed[id][c]
			if !ok {
				t.Errorf("%s: %s did not fail", id, c)
				continue
			}
			// Results point at the definition: the resource's lines (a
			// suppression's own line, just above it).
			if r.Location == nil || !strings.HasSuffix(r.Location.File, filepath.Join("checks", "misconfigured.yaml")) {
				t.Errorf("%s %s: location %+v", id, c, r.Location)
			} else if l := r.Location.StartLine; l != lines[id] && !(strings.HasPrefix(c, "iac-suppression") && l == lines[id]-1) {
				t.Errorf("%s %s: line %d, want %d", id, c, l, lines[id])
			}
		}
	}
	// A check failing where the test does not expect it is reported, so
	// that a mapping mistake does not hide behind an expected failure.
	var extra []string
	for id, byCheck := range failed {
		for c := range byCheck {
			if !contains(want[id], c) {
				extra = append(extra, id+" "+c)
			}
		}
	}
	sort.Strings(extra)
	for _, x := range extra {
		t.Errorf("unexpected failure: %s", x)
	}
}

// TestChecksErrorOnUnknown checks that a value known only at deploy time
// gives ERROR, with the reason, for the checks that read it, and leaves
// the others alone.
func TestChecksErrorOnUnknown(t *testing.T) {
	_, _, results := evaluate(t, "unknowns.yaml")
	status := map[string]finding.Result{}
	for _, r := range results {
		status[logicalID(r.AssetUID)+" "+r.CheckID] = r
	}
	for key, want := range map[string]finding.Status{
		"Bucket aws-s3-bucket-versioning":           finding.Error,
		"Bucket aws-s3-bucket-ssl-only":             finding.Pass,
		"Bucket aws-s3-bucket-access-logging":       finding.Pass,
		"Bucket aws-s3-bucket-public-access-block":  finding.Pass,
		"AdminSg aws-ec2-sg-internet-ssh":           finding.Error,
		"AdminSg aws-ec2-sg-internet-all-traffic":   finding.Error,
		"AdminSg aws-ec2-sg-default-restricts-all":  finding.NotApplicable,
		"Server aws-ec2-instance-imdsv2":            finding.Error,
		"Server aws-ec2-instance-user-data-secrets": finding.Pass,
	} {
		r, ok := status[key]
		if !ok {
			t.Errorf("%s: no result", key)
			continue
		}
		if r.Status != want {
			t.Errorf("%s: %s (%s), want %s", key, r.Status, r.Message, want)
		}
		if want == finding.Error && !strings.Contains(r.Message, "known only at deploy time") {
			t.Errorf("%s: message %q does not say why", key, r.Message)
		}
	}
	if m := status["Bucket aws-s3-bucket-versioning"].Message; !strings.Contains(m, "parameter VersioningStatus has no default") {
		t.Errorf("message %q does not name the parameter", m)
	}
}
