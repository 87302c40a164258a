package engine

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/finding"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mk(id, typ, when, assert string) *check.Check {
	return &check.Check{ID: id, Title: id, Severity: check.High, ResourceType: typ, When: when, Assert: assert,
		File: "testdata/" + id + ".yaml", WhenLine: 5, AssertLine: 6}
}

func bucket(cfg map[string]any) *asset.Asset {
	return &asset.Asset{UID: "arn:aws:s3:::b", Provider: "aws", Account: "111122223333", Region: "eu-west-1",
		Type: awsshape.TypeS3Bucket, Name: "b", Tags: map[string]string{"env": "prod"}, Config: cfg}
}

func mustNew(t *testing.T, cs ...*check.Check) *Engine {
	t.Helper()
	e, err := New(cs)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEvaluateStatuses(t *testing.T) {
	pab := map[string]any{"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": true}
	cases := []struct {
		name     string
		when     string
		assert   string
		cfg      map[string]any
		status   finding.Status
		message  string // substring
		evidence map[string]any
	}{
		{name: "pass", assert: `resource.config.PublicAccessBlock != null && resource.config.PublicAccessBlock.BlockPublicAcls`,
			cfg: map[string]any{"PublicAccessBlock": pab}, status: finding.Pass,
			evidence: map[string]any{"config.PublicAccessBlock": pab}},
		{name: "fail", assert: `resource.config.PublicAccessBlock != null && resource.config.PublicAccessBlock.BlockPublicPolicy`,
			cfg: map[string]any{"PublicAccessBlock": pab}, status: finding.Fail,
			evidence: map[string]any{"config.PublicAccessBlock": pab}},
		{name: "fail on null", assert: `resource.config.PublicAccessBlock != null`,
			cfg: map[string]any{"PublicAccessBlock": nil}, status: finding.Fail,
			evidence: map[string]any{"config.PublicAccessBlock": nil}},
		{name: "not applicable", when: `resource.tags["env"] == "dev"`, assert: `resource.config.Versioning.Status == "Enabled"`,
			cfg: map[string]any{}, status: finding.NotApplicable, message: "when condition is false",
			evidence: map[string]any{"tags.env": "prod"}},
		{name: "applicable", when: `resource.tags.env == "prod"`, assert: `resource.config.Versioning.Status == "Enabled"`,
			cfg: map[string]any{"Versioning": map[string]any{"Status": "Enabled"}}, status: finding.Pass,
			evidence: map[string]any{"tags.env": "prod", "config.Versioning.Status": "Enabled"}},
		{name: "missing key is an error", assert: `resource.config.Versioning.Status == "Enabled"`,
			cfg: map[string]any{}, status: finding.Error, message: "assert: no such key: Versioning",
			evidence: map[string]any{"config.Versioning.Status": nil}},
		{name: "error in when", when: `resource.config.Versioning.Status == "Enabled"`, assert: `true`,
			cfg: map[string]any{}, status: finding.Error, message: "when: no such key: Versioning"},
		{name: "null list is an error", assert: `!sg_open_to_internet(resource.config.Policy, 22)`,
			cfg: map[string]any{"Policy": nil}, status: finding.Error, message: "sg_open_to_internet: permissions must be a list, got null"},
		{name: "helper error", assert: `!iam_allows_admin(resource.config.Policy)`,
			cfg: map[string]any{"Policy": "{broken"}, status: finding.Error, message: "iam_allows_admin: policy document is not valid JSON"},
		{name: "error beats a false disjunct", assert: `resource.config.Name == "x" && resource.config.Missing`,
			cfg: map[string]any{"Name": "y"}, status: finding.Fail}, // CEL short-circuits: the false side decides
		{name: "dyn result that is not a bool", assert: `resource.config.Name`,
			cfg: map[string]any{"Name": "y"}, status: finding.Error, message: "not a bool"},
		{name: "now is injected", assert: `days_since(resource.config.CreationDate, now) == 59`,
			cfg: map[string]any{"CreationDate": "2026-01-01T00:00:00Z"}, status: finding.Pass},
		{name: "whole resource", assert: `size(resource) == 8 && "config" in resource && resource.uid == "arn:aws:s3:::b"`,
			cfg: map[string]any{}, status: finding.Pass},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustNew(t, mk("c", awsshape.TypeS3Bucket, tc.when, tc.assert))
			rs := e.Evaluate(bucket(tc.cfg), now)
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			r := rs[0]
			if r.Status != tc.status || !strings.Contains(r.Message, tc.message) {
				t.Fatalf("got %s %q; want %s %q", r.Status, r.Message, tc.status, tc.message)
			}
			if tc.evidence != nil && !reflect.DeepEqual(r.Evidence, tc.evidence) {
				t.Errorf("evidence %v, want %v", r.Evidence, tc.evidence)
			}
			want := finding.Result{CheckID: "c", Severity: "high", AssetUID: "arn:aws:s3:::b", AssetType: awsshape.TypeS3Bucket,
				AssetName: "b", Provider: "aws", Account: "111122223333", Region: "eu-west-1", EvaluatedAt: now}
			r.Status, r.Message, r.Evidence = "", "", nil
			if !reflect.DeepEqual(r, want) {
				t.Errorf("result fields %+v\nwant %+v", r, want)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	denied := func(path string) asset.FieldError {
		return asset.FieldError{Path: path, Action: "s3:GetBucketPolicy", Code: "AccessDenied", Message: "Access Denied"}
	}
	cases := []struct {
		name    string
		when    string
		assert  string
		errs    []asset.FieldError
		status  finding.Status
		message string
	}{
		{"read field missing", "", `!iam_public_principal(resource.config.Policy)`, []asset.FieldError{denied("Policy")},
			finding.Error, "not evaluated: config.Policy could not be collected (s3:GetBucketPolicy: AccessDenied: Access Denied)"},
		{"deeper part missing", "", `!iam_public_principal(resource.config.Policy)`, []asset.FieldError{denied("Policy.Statement")},
			finding.Error, "config.Policy.Statement could not be collected"},
		{"read is deeper than the missing part", "", `resource.config.Versioning.Status == "Enabled"`, []asset.FieldError{denied("Versioning")},
			finding.Error, "config.Versioning could not be collected"},
		{"indexed path", "", `resource.config.Regions.all(r, r.EbsEncryptionByDefault)`, []asset.FieldError{denied("Regions[2]")},
			finding.Error, "config.Regions[2] could not be collected"},
		{"config prefix tolerated", "", `!iam_public_principal(resource.config.Policy)`, []asset.FieldError{denied("config.Policy")},
			finding.Error, "config.Policy could not be collected"},
		{"whole asset", "", `resource.tags.env == "prod"`, []asset.FieldError{{Message: "throttled"}},
			finding.Error, "not evaluated: the asset could not be collected (throttled)"},
		{"sibling field is fine", "", `resource.config.PolicyStatus == null`, []asset.FieldError{denied("Policy")},
			finding.Pass, ""},
		{"tags unaffected by a config error", "", `resource.tags.env == "prod"`, []asset.FieldError{denied("Policy")},
			finding.Pass, ""},
		{"reading all of config", "", `size(resource.config) == 1`, []asset.FieldError{denied("Policy")},
			finding.Error, "config.Policy could not be collected"},
		{"when reads the missing part", `resource.config.Policy != null`, `true`, []asset.FieldError{denied("Policy")},
			finding.Error, "config.Policy could not be collected"},
		{"not applicable before the missing part matters", `resource.tags.env == "dev"`, `resource.config.Policy == null`, []asset.FieldError{denied("Policy")},
			finding.NotApplicable, "when condition is false"},
		{"applicable and missing", `resource.tags.env == "prod"`, `resource.config.Policy == null`, []asset.FieldError{denied("Policy")},
			finding.Error, "config.Policy could not be collected"},
		{"two errors", "", `resource.config.Policy == null && resource.config.Acl == null`, []asset.FieldError{denied("Policy"), {Path: "Acl", Code: "Throttling", Message: "Rate exceeded"}},
			finding.Error, "config.Policy could not be collected (s3:GetBucketPolicy: AccessDenied: Access Denied); config.Acl could not be collected (Throttling: Rate exceeded)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustNew(t, mk("c", awsshape.TypeS3Bucket, tc.when, tc.assert))
			a := bucket(map[string]any{"Policy": nil, "PolicyStatus": nil, "Acl": nil,
				"Versioning": map[string]any{"Status": "Enabled"}, "Regions": []any{}})
			a.Errors = tc.errs
			r := e.Evaluate(a, now)[0]
			if r.Status != tc.status || !strings.Contains(r.Message, tc.message) {
				t.Fatalf("got %s %q; want %s %q", r.Status, r.Message, tc.status, tc.message)
			}
		})
	}
}

func TestOverlaps(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"Policy", "Policy", true},
		{"Policy", "Policy.Statement", true},
		{"Policy.Statement", "Policy", true},
		{"Policy", "PolicyStatus", false},
		{"Regions", "Regions[0].GuardDutyDetectors", true},
		{"Acl", "Policy", false},
	}
	for _, tc := range cases {
		if got := overlaps(tc.a, tc.b); got != tc.want {
			t.Errorf("overlaps(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestGap(t *testing.T) {
	e := mustNew(t,
		mk("sg-1", awsshape.TypeSecurityGroup, "", "true"),
		mk("sg-2", awsshape.TypeSecurityGroup, "", "true"),
		mk("s3-1", awsshape.TypeS3Bucket, "", "true"),
		mk("vol-1", awsshape.TypeVolume, "", "true"),
	)
	d := collect.Diagnostic{Provider: "aws", Account: "111122223333", Region: "eu-west-1", Service: "ec2",
		Action: "ec2:DescribeSecurityGroups", ResourceTypes: []string{awsshape.TypeSecurityGroup, awsshape.TypeVolume, "aws.ec2.unknown"},
		Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}
	rs := e.Gap(d, now)
	var got []string
	for _, r := range rs {
		got = append(got, r.CheckID+" "+r.AssetUID)
		if r.Status != finding.Error || r.Severity != "high" || r.EvaluatedAt != now || r.Account != d.Account || r.Region != d.Region || r.Provider != "aws" {
			t.Errorf("bad gap result %+v", r)
		}
		want := "not evaluated: " + r.AssetType + " resources in 111122223333/eu-west-1 could not be collected (ec2:DescribeSecurityGroups: UnauthorizedOperation: You are not authorized to perform this operation.)"
		if r.Message != want {
			t.Errorf("message %q\nwant    %q", r.Message, want)
		}
	}
	want := []string{
		"sg-1 aws:111122223333:eu-west-1:aws.ec2.security_group:*",
		"sg-2 aws:111122223333:eu-west-1:aws.ec2.security_group:*",
		"vol-1 aws:111122223333:eu-west-1:aws.ec2.volume:*",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if rs := e.Gap(collect.Diagnostic{Provider: "aws", Message: "x"}, now); len(rs) != 0 {
		t.Errorf("diagnostic without resource types produced %d results", len(rs))
	}
}

func TestNewErrors(t *testing.T) {
	good := mk("good", awsshape.TypeS3Bucket, "", "true")
	badAssert := mk("bad-assert", awsshape.TypeS3Bucket, "", "resource.config.X ==")
	badWhen := mk("bad-when", awsshape.TypeS3Bucket, "nosuch()", "true")
	dup := mk("good", awsshape.TypeVolume, "", "true")
	dup.File = "custom/good.yaml"
	noType := mk("no-type", "", "", "true")
	e, err := New([]*check.Check{good, badAssert, badWhen, dup, noType})
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		"testdata/bad-assert.yaml:6: assert: 1:21: Syntax error",
		"testdata/bad-when.yaml:5: when: 1:7: undeclared reference to 'nosuch'",
		`custom/good.yaml: duplicate check id "good": already defined in testdata/good.yaml`,
		`testdata/no-type.yaml: check "no-type" has no resource type`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if len(e.Checks()) != 1 || e.Checks()[0] != good {
		t.Errorf("engine holds %d checks, want only the good one", len(e.Checks()))
	}
}

func TestChecksFilterAndLookup(t *testing.T) {
	a := mk("a", awsshape.TypeS3Bucket, "", `resource.config.Name == "b"`)
	b := mk("b", awsshape.TypeS3Bucket, "", "false")
	c := mk("c", awsshape.TypeVolume, "", "true")
	e := mustNew(t, a, b, c)
	if got, ok := e.Check("b"); !ok || got != b {
		t.Error("Check(b)")
	}
	if _, ok := e.Check("zzz"); ok {
		t.Error("Check(zzz) found")
	}
	f := e.Filter(func(c *check.Check) bool { return c.ID != "b" })
	if len(f.Checks()) != 2 || !f.HasChecksFor(awsshape.TypeVolume) {
		t.Errorf("filter kept %d checks", len(f.Checks()))
	}
	rs := f.Evaluate(bucket(map[string]any{"Name": "b"}), now)
	if len(rs) != 1 || rs[0].CheckID != "a" || rs[0].Status != finding.Pass {
		t.Errorf("filtered evaluation: %+v", rs)
	}
	if f.byID["a"] != e.byID["a"] {
		t.Error("filter recompiled instead of sharing")
	}
	if rs := e.Evaluate(&asset.Asset{Type: awsshape.TypeKMSKey}, now); rs != nil {
		t.Errorf("no checks for the type, got %v", rs)
	}
	dst := make([]finding.Result, 0, 8)
	dst = e.AppendResults(dst, bucket(map[string]any{"Name": "b"}), now)
	dst = e.AppendResults(dst, bucket(map[string]any{"Name": "x"}), now)
	if len(dst) != 4 || dst[2].Status != finding.Fail {
		t.Errorf("AppendResults: %+v", dst)
	}
	r, ok := e.EvaluateCheck("c", &asset.Asset{Type: awsshape.TypeVolume}, now)
	if !ok || r.Status != finding.Pass {
		t.Errorf("EvaluateCheck: %v %+v", ok, r)
	}
	if _, ok := e.EvaluateCheck("c", bucket(nil), now); ok {
		t.Error("EvaluateCheck ran a check on another resource type")
	}
}

func TestNilTagsAndConfig(t *testing.T) {
	e := mustNew(t, mk("c", awsshape.TypeS3Bucket, "", `resource.tags.size() == 0 && resource.config.size() == 0 && !has(resource.tags.env)`))
	r := e.Evaluate(&asset.Asset{Type: awsshape.TypeS3Bucket}, now)[0]
	if r.Status != finding.Pass {
		t.Errorf("got %s %s", r.Status, r.Message)
	}
}

func TestConcurrentEvaluate(t *testing.T) {
	e := mustNew(t,
		mk("pab", awsshape.TypeS3Bucket, "", `resource.config.PublicAccessBlock != null && resource.config.PublicAccessBlock.BlockPublicAcls`),
		mk("age", awsshape.TypeS3Bucket, `resource.config.CreationDate != ""`, `days_since(resource.config.CreationDate, now) < 365`),
	)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				block := (i+g)%2 == 0
				a := bucket(map[string]any{"PublicAccessBlock": map[string]any{"BlockPublicAcls": block}, "CreationDate": "2025-06-01T00:00:00Z"})
				a.UID = fmt.Sprintf("b-%d-%d", g, i)
				at := now.Add(time.Duration(i) * 24 * time.Hour)
				rs := e.Evaluate(a, at)
				want := finding.Fail
				if block {
					want = finding.Pass
				}
				wantAge := finding.Pass
				if at.Sub(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) >= 365*24*time.Hour {
					wantAge = finding.Fail
				}
				if rs[0].Status != want || rs[0].AssetUID != a.UID || rs[1].Status != wantAge || !rs[1].EvaluatedAt.Equal(at) {
					t.Errorf("goroutine %d iteration %d: %+v", g, i, rs)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestEvidenceSharing(t *testing.T) {
	e := mustNew(t,
		mk("a", awsshape.TypeVolume, "", `resource.config.Encrypted`),
		mk("b", awsshape.TypeVolume, "", `resource.config.Encrypted || resource.config.Size > 0`),
		mk("c", awsshape.TypeVolume, "", `resource.config.Size > 1 || resource.config.Encrypted`),
	)
	vol := func(uid string, size int64) *asset.Asset {
		return &asset.Asset{UID: uid, Type: awsshape.TypeVolume, Config: map[string]any{"Encrypted": true, "Size": size}}
	}
	r1 := e.Evaluate(vol("v1", 8), now)
	r2 := e.Evaluate(vol("v2", 16), now)
	ptr := func(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }
	if !reflect.DeepEqual(r1[1].Evidence, map[string]any{"config.Encrypted": true, "config.Size": int64(8)}) ||
		!reflect.DeepEqual(r2[2].Evidence, map[string]any{"config.Encrypted": true, "config.Size": int64(16)}) {
		t.Fatalf("evidence %v / %v", r1[1].Evidence, r2[2].Evidence)
	}
	if ptr(r1[1].Evidence) != ptr(r1[2].Evidence) {
		t.Error("checks reading the same fields of one asset do not share evidence")
	}
	if ptr(r1[1].Evidence) == ptr(r2[1].Evidence) {
		t.Error("evidence with different values is shared between assets")
	}
	if ptr(r1[0].Evidence) != ptr(r2[0].Evidence) || !reflect.DeepEqual(r1[0].Evidence, map[string]any{"config.Encrypted": true}) {
		t.Error("a one-field scalar evidence is not interned across assets")
	}
}
