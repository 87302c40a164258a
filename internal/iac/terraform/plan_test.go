package terraform

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/iac"
)

func TestPlan(t *testing.T) {
	l, err := iac.Lookup(FrameworkPlan)
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile("testdata/plan/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if !l.Detect("plan.json", head[:200]) || !l.Detect("plan.json", head) || l.Detect("x.json", []byte(`{"AWSTemplateFormatVersion":"2010-09-09"}`)) {
		t.Error("Detect")
	}
	pl := NewPlanLoader(Options{Now: func() time.Time { return fixedNow }})
	for _, path := range []string{"testdata/plan/plan.json", "testdata/plan"} {
		res, err := pl.Load(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnostics {
			t.Errorf("%s: diagnostic %s", path, d)
		}
		by := evaluate(builtinEngine(t), res.Assets)
		for id, want := range map[string]finding.Status{
			"aws-s3-bucket-versioning":         finding.Pass, // a separate resource, joined by reference
			"aws-s3-bucket-default-encryption": finding.Fail,
			"aws-ec2-sg-internet-ssh":          finding.Fail,
			"aws-ec2-instance-imdsv2":          finding.Fail, // metadata_options left to AWS: tokens optional
		} {
			if len(by[id]) != 1 || by[id][0].Status != want {
				t.Errorf("%s: %s: want %s, got %s", path, id, want, statuses(by[id]))
			}
		}
		for id, rs := range by {
			for _, r := range rs {
				if r.Status == finding.Error {
					t.Errorf("%s: %s on %s: ERROR %s", path, id, r.AssetUID, r.Message)
				}
			}
		}
		for _, a := range res.Assets {
			if a.Source.Kind != asset.SourcePlan || a.UID[:len("terraform:plan.json#")] != "terraform:plan.json#" || !a.CollectedAt.Equal(fixedNow) {
				t.Errorf("%s: %s %s %v", path, a.UID, a.Source.Kind, a.CollectedAt)
			}
		}
	}
}

func TestLoadState(t *testing.T) {
	as, diags, err := LoadState("testdata/state/terraform.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 0 {
		t.Errorf("diags = %v", diags)
	}
	by := evaluate(builtinEngine(t), as)
	for id, want := range map[string]finding.Status{
		"aws-s3-bucket-versioning":         finding.Pass,
		"aws-s3-bucket-default-encryption": finding.Pass, // the state records S3's default encryption
		"aws-ec2-sg-internet-ssh":          finding.Fail,
	} {
		if len(by[id]) != 1 || by[id][0].Status != want {
			t.Errorf("%s: want %s, got %s", id, want, statuses(by[id]))
		}
	}
	for _, a := range as {
		if a.Source.Kind != asset.SourceSnapshot {
			t.Errorf("%s: kind %s", a.UID, a.Source.Kind)
		}
		if a.UID == "terraform:terraform.tfstate#aws_security_group.web" &&
			(a.Account != "111122223333" || a.Config["GroupId"] != "sg-0123456789abcdef0") {
			t.Errorf("group = %q %v", a.Account, a.Config["GroupId"])
		}
	}
	if _, _, err := LoadState("testdata/missing.tfstate"); err == nil {
		t.Error("a missing state is no error")
	}
}
