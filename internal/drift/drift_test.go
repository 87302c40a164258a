package drift

import (
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func bucket(uid, name string, src asset.SourceKind, cfg map[string]any) asset.Asset {
	c := map[string]any{"Name": name, "Region": "us-east-1", "CreationDate": ""}
	for k, v := range cfg {
		c[k] = v
	}
	return asset.Asset{UID: uid, Type: awsshape.TypeS3Bucket, Name: name, Region: "us-east-1", Config: c, Source: asset.Source{Kind: src}}
}

func TestCompare(t *testing.T) {
	code := []asset.Asset{
		bucket("terraform:.#aws_s3_bucket.a", "a", asset.SourceSnapshot, map[string]any{"Versioning": map[string]any{"Status": "Enabled"}}),
		bucket("terraform:.#aws_s3_bucket.gone", "gone", asset.SourceSnapshot, nil),
		// Its name is only known at apply: it cannot be matched.
		{UID: "terraform:.#aws_s3_bucket.later", Type: awsshape.TypeS3Bucket, Config: map[string]any{"Name": ""},
			Errors: []asset.FieldError{{Path: "Name", Code: "Unknown"}}},
		// Types drift does not compare are ignored.
		{UID: "terraform:.#provider.aws", Type: "iac.terraform.provider", Config: map[string]any{"Name": "aws"}},
	}
	live := []asset.Asset{
		bucket("arn:aws:s3:::a", "a", asset.SourceAPI, map[string]any{"Versioning": map[string]any{"Status": "Suspended"}, "CreationDate": "2026-01-01T00:00:00Z",
			"PolicyStatus": map[string]any{"IsPublic": false}}),
		bucket("arn:aws:s3:::manual", "manual", asset.SourceAPI, nil),
		// Another region than the code's: not blamed on this state.
		func() asset.Asset {
			a := bucket("arn:aws:s3:::elsewhere", "elsewhere", asset.SourceAPI, nil)
			a.Region = "eu-west-1"
			return a
		}(),
		// A type the code does not use: not blamed either.
		{UID: "arn:aws:ec2:us-east-1:1:volume/vol-1", Type: awsshape.TypeVolume, Region: "us-east-1", Config: map[string]any{"VolumeId": "vol-1"}},
	}
	r := Compare(code, live)
	if len(r.Missing) != 1 || r.Missing[0].ID != "gone" || r.Missing[0].Address != "aws_s3_bucket.gone" {
		t.Errorf("missing: %+v", r.Missing)
	}
	if len(r.Unmanaged) != 1 || r.Unmanaged[0].ID != "manual" {
		t.Errorf("unmanaged: %+v", r.Unmanaged)
	}
	if r.Skipped != 1 {
		t.Errorf("skipped %d, want 1 (the unknown name)", r.Skipped)
	}
	if len(r.Changed) != 1 || len(r.Changed[0].Changes) != 1 || r.Changed[0].Changes[0].Path != "Versioning.Status" {
		t.Fatalf("changed: %+v (API-only fields such as CreationDate and PolicyStatus are not drift)", r.Changed)
	}
	if r.Clean() {
		t.Error("report with drift reads as clean")
	}
}

func TestIgnoredPaths(t *testing.T) {
	for path, want := range map[string]bool{
		"CreationDate":               true,
		"State":                      true,
		"State.Name":                 true,
		"Versioning.Status":          false,
		"IpPermissions[0].FromPort":  false,
		"AccessKeys[0].LastUsedDate": true,
		"PolicyStatus.IsPublic":      true,
	} {
		if got := ignored(path); got != want {
			t.Errorf("ignored(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestTypesAreRegistered(t *testing.T) {
	for _, typ := range Types() {
		if _, ok := asset.LookupType(typ); !ok {
			t.Errorf("drift compares %s, which is not a registered type", typ)
		}
		if !strings.HasPrefix(typ, "aws.") {
			t.Errorf("%s: only cloud types have a live form", typ)
		}
	}
}
