package tfmap

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
	"github.com/parapet-dev/parapet/internal/secrets"
)

func TestCodeAssets(t *testing.T) {
	mod := &tfmodel.Module{
		Resources: []*tfmodel.Resource{res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"})},
		Providers: []*tfmodel.Provider{
			{Name: "aws", Attributes: map[string]any{"region": "eu-west-1", "access_key": "AKIAABCDEFGHIJKLMNOP",
				"secret_key":  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				"assume_role": []any{map[string]any{"role_arn": "arn:aws:iam::1:role/x", "external_id": unknown("")}}},
				File: "providers.tf", StartLine: 1, EndLine: 5},
			{Name: "aws", Alias: "west", Attributes: map[string]any{"region": "us-west-2", "token": ref("vault_generic_secret.t", "data")}, File: "providers.tf", StartLine: 7},
			{Name: "github", Module: "module.ci", Attributes: map[string]any{"token": "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"}, File: "modules/ci/main.tf", StartLine: 1},
		},
		Variables: []*tfmodel.Variable{
			{Name: "db_password", Default: "hunter2hunter2", HasDefault: true, Sensitive: true, File: "variables.tf", StartLine: 3},
			{Name: "settings", Default: map[string]any{"api_key": "abcdef123456", "size": int64(3)}, HasDefault: true, File: "variables.tf", StartLine: 9},
			{Name: "region", File: "variables.tf", StartLine: 12},
		},
		Suppressions: []tfmodel.Suppression{
			{CheckID: "aws-s3-bucket-versioning", Reason: "write-once logs", Address: "aws_s3_bucket.logs", File: "main.tf", Line: 9},
			{CheckID: "aws-s3-bucket-access-logging", Address: "aws_s3_bucket.logs", File: "/src/infra/main.tf", Line: 9},
		},
	}
	as, diags := Map(mod, Options{Root: testRoot, Source: asset.SourceTerraform})
	if len(diags) != 0 {
		t.Fatalf("diags = %v", diags)
	}
	idx := byAddr(as)
	type want struct {
		typ, name string
		cfg       any
	}
	cases := map[string]want{
		"provider.aws": {codeshape.TypeTerraformProvider, "aws", codeshape.TerraformProvider{Name: "aws", Region: "eu-west-1", Secrets: []secrets.Finding{
			{Kind: "aws-access-key-id", Location: "access_key"}, {Kind: "aws-secret-access-key", Location: "secret_key"}}}},
		"provider.aws.west":                           {codeshape.TypeTerraformProvider, "aws.west", codeshape.TerraformProvider{Name: "aws", Alias: "west", Region: "us-west-2"}},
		"module.ci.provider.github":                   {codeshape.TypeTerraformProvider, "github", codeshape.TerraformProvider{Name: "github", Secrets: []secrets.Finding{{Kind: "github-token", Location: "token"}}}},
		"var.db_password":                             {codeshape.TypeTerraformVariable, "var.db_password", codeshape.TerraformVariable{Name: "db_password", Sensitive: true, HasDefault: true, Secrets: []secrets.Finding{{Kind: "password", Location: "db_password"}}}},
		"var.settings":                                {codeshape.TypeTerraformVariable, "var.settings", codeshape.TerraformVariable{Name: "settings", HasDefault: true, Secrets: []secrets.Finding{{Kind: "token", Location: "settings.api_key"}}}},
		"var.region":                                  {codeshape.TypeTerraformVariable, "var.region", codeshape.TerraformVariable{Name: "region"}},
		"parapet:ignore:aws-s3-bucket-versioning":     {codeshape.TypeSuppression, "aws-s3-bucket-versioning", codeshape.Suppression{CheckID: "aws-s3-bucket-versioning", Reason: "write-once logs", Resource: "terraform:.#aws_s3_bucket.logs"}},
		"parapet:ignore:aws-s3-bucket-access-logging": {codeshape.TypeSuppression, "aws-s3-bucket-access-logging", codeshape.Suppression{CheckID: "aws-s3-bucket-access-logging", Resource: "terraform:.#aws_s3_bucket.logs"}},
	}
	for addr, w := range cases {
		a, ok := idx[addr]
		if !ok {
			t.Errorf("missing %s (have %v)", addr, keys(idx))
			continue
		}
		if a.Type != w.typ || a.Name != w.name || a.Provider != "iac" {
			t.Errorf("%s: %s %q %s", addr, a.Type, a.Name, a.Provider)
		}
		sameConfig(t, a.Config, w.cfg)
	}
	// Suppressions are named by file and line, relative to the root.
	var uids []string
	for _, a := range as {
		if a.Type == codeshape.TypeSuppression {
			uids = append(uids, a.UID)
		}
	}
	if want := []string{"terraform:main.tf:9#parapet:ignore:aws-s3-bucket-versioning", "terraform:main.tf:9#parapet:ignore:aws-s3-bucket-access-logging"}; !slices.Equal(uids, want) {
		t.Errorf("suppression UIDs = %v", uids)
	}
}

func TestAssetHeaders(t *testing.T) {
	mod := &tfmodel.Module{
		Resources: []*tfmodel.Resource{
			{Mode: "managed", Type: "aws_s3_bucket", Name: "b", Address: "module.store.aws_s3_bucket.b[\"x\"]", Module: "module.store",
				Provider: "aws.eu", Attributes: map[string]any{"bucket": "x", "tags": map[string]any{"env": "prod", "owner": "me"}},
				File: "modules/store/main.tf", StartLine: 3, EndLine: 8},
			{Mode: "managed", Type: "aws_iam_role", Name: "r", Address: "aws_iam_role.r", Provider: "aws.eu",
				Attributes: map[string]any{"name": "r"}, File: "envs/prod/main.tf", StartLine: 1},
			{Mode: "managed", Type: "aws_route53_zone", Name: "z", Address: "aws_route53_zone.z", Attributes: map[string]any{}},
			{Mode: "managed", Type: "aws_route53_zone", Name: "y", Address: "aws_route53_zone.y", Attributes: map[string]any{}},
		},
		Providers: []*tfmodel.Provider{{Name: "aws", Alias: "eu", Attributes: map[string]any{
			"region": "eu-central-1", "allowed_account_ids": []any{"111122223333"},
			"default_tags": []any{map[string]any{"tags": map[string]any{"env": "default", "cost": "1"}}}}, File: "envs/prod/providers.tf"}},
	}
	as, _ := Map(mod, Options{Root: testRoot, Source: asset.SourcePlan})
	if len(as) != 3 {
		t.Fatalf("%d assets", len(as))
	}
	b := as[0]
	if b.UID != `terraform:envs/prod#module.store.aws_s3_bucket.b["x"]` || b.Region != "eu-central-1" || b.Account != "111122223333" || b.Source.Kind != asset.SourcePlan {
		t.Errorf("bucket header = %q %q %q %q", b.UID, b.Region, b.Account, b.Source.Kind)
	}
	if want := map[string]string{"env": "prod", "owner": "me", "cost": "1"}; !reflect.DeepEqual(b.Tags, want) {
		t.Errorf("tags = %v", b.Tags)
	}
	if as[1].Region != asset.Global {
		t.Errorf("IAM region = %q", as[1].Region)
	}
	if got := Skipped(mod); !reflect.DeepEqual(got, map[string]int{"aws_route53_zone": 2}) {
		t.Errorf("skipped = %v", got)
	}
	if !Supported("aws_s3_bucket_versioning") || !Supported("aws_s3_bucket") || Supported("aws_route53_zone") {
		t.Error("Supported")
	}

	// A file root names the UIDs.
	as, _ = Map(mod, Options{Root: "/src/plan.json", Source: asset.SourcePlan})
	if as[0].UID != `terraform:plan.json#module.store.aws_s3_bucket.b["x"]` {
		t.Errorf("file root UID = %q", as[0].UID)
	}
}

func TestInvalidValues(t *testing.T) {
	as, diags := mapAll(t,
		res("aws_db_instance", "db", map[string]any{"identifier": list("x"), "storage_encrypted": "maybe", "backup_retention_period": "seven"}),
		res("aws_s3_bucket", "b", map[string]any{"bucket": "b", "acl": "world-readable"}),
	)
	idx := byAddr(as)
	if got := errPaths(idx["aws_db_instance.db"]); !slices.Equal(got, []string{"BackupRetentionPeriod:InvalidValue", "DBInstanceIdentifier:InvalidValue", "StorageEncrypted:InvalidValue"}) {
		t.Errorf("db errors = %v", got)
	}
	if got := errPaths(idx["aws_s3_bucket.b"]); !slices.Equal(got, []string{"Acl:InvalidValue"}) {
		t.Errorf("bucket errors = %v", got)
	}
	if len(diags) != 4 {
		t.Fatalf("diags = %v", diags)
	}
	for _, d := range diags {
		if d.Severity != iac.SevWarning || d.File != "main.tf" || d.Line != 10 {
			t.Errorf("diag = %s", d)
		}
	}
}

func TestStateAttributes(t *testing.T) {
	// A state knows IDs, ARNs, merged tags and a bucket's own region.
	b := res("aws_s3_bucket", "b", map[string]any{"bucket": "b", "id": "b", "arn": "arn:aws:s3:::b", "region": "ap-south-1",
		"tags_all": map[string]any{"owner": "x", "env": "prod"}, "tags": map[string]any{"env": "prod"}})
	k := res("aws_kms_key", "k", map[string]any{"key_id": "1234", "arn": "arn:aws:kms:eu-west-1:111122223333:key/1234"})
	as, _ := Map(&tfmodel.Module{Resources: []*tfmodel.Resource{b, k}}, Options{Root: "/tmp/terraform.tfstate", Source: asset.SourceSnapshot})
	idx := byAddr(as)
	ba := idx["aws_s3_bucket.b"]
	if ba.UID != "terraform:terraform.tfstate#aws_s3_bucket.b" || ba.Region != "ap-south-1" || ba.Config["Region"] != "ap-south-1" ||
		ba.Config["Arn"] != "arn:aws:s3:::b" || !reflect.DeepEqual(ba.Tags, map[string]string{"owner": "x", "env": "prod"}) {
		t.Errorf("bucket = %s %s %v %v", ba.UID, ba.Region, ba.Config["Arn"], ba.Tags)
	}
	if ka := idx["aws_kms_key.k"]; ka.Account != "111122223333" || ka.Config["KeyId"] != "1234" {
		t.Errorf("key = %q %v", ka.Account, ka.Config["KeyId"])
	}
}

func TestStaticPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "",
		"module.a":                     "module.a",
		"module.a[0]":                  "module.a",
		`module.a["x.y]"].module.b[1]`: "module.a.module.b",
	} {
		if got := staticPath(in); got != want {
			t.Errorf("staticPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMapperPanicIsADiagnostic(t *testing.T) {
	registry["parapet_test_panic"] = func(m *mapping) { panic("boom") }
	defer delete(registry, "parapet_test_panic")
	as, diags := mapAll(t, res("parapet_test_panic", "x", nil), res("aws_s3_bucket", "b", map[string]any{"bucket": "b"}))
	if len(as) != 1 || len(diags) != 1 || diags[0].Severity != iac.SevError || diags[0].Line != 10 {
		t.Errorf("assets %d, diags %v", len(as), diags)
	}
}

// TestPlanComputedAttributes: in a plan, an attribute the configuration
// leaves to the provider is unknown without an expression; it maps like
// an omitted argument. A configured value the plan cannot know stays an
// error.
func TestPlanComputedAttributes(t *testing.T) {
	bare := unknown("known after apply")
	mod := func() *tfmodel.Module {
		return &tfmodel.Module{Resources: []*tfmodel.Resource{
			res("aws_s3_bucket", "b", map[string]any{"bucket": "b", "versioning": bare, "server_side_encryption_configuration": bare,
				"acl": bare, "grant": bare, "policy": bare, "logging": bare, "arn": bare}),
			res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
				"versioning_configuration": blk(map[string]any{"status": "Enabled", "mfa_delete": bare})}),
			res("aws_security_group", "sg", map[string]any{"name": "sg", "ingress": bare, "egress": bare}),
			res("aws_vpc_security_group_ingress_rule", "r", map[string]any{"security_group_id": ref("aws_security_group.sg", "id"),
				"ip_protocol": "tcp", "from_port": int64(443), "to_port": int64(443), "cidr_ipv4": "10.0.0.0/8"}),
			res("aws_instance", "i", map[string]any{"ami": "ami-1", "metadata_options": bare,
				"associate_public_ip_address": bare, "subnet_id": unknown("known after apply (from aws_subnet.a.id)")}),
		}}
	}
	as, _ := Map(mod(), Options{Root: "/tmp/plan.json", Source: asset.SourcePlan})
	idx := byAddr(as)
	b := idx["aws_s3_bucket.b"]
	sameConfig(t, b.Config, awsshape.Bucket{Name: "b", Acl: privateACL(), Versioning: awsshape.Versioning{Status: "Enabled"}})
	sg := idx["aws_security_group.sg"]
	if len(sg.Errors) != 0 || len(field(sg.Config, "IpPermissions").([]any)) != 1 {
		t.Errorf("sg = %v %v", sg.Errors, sg.Config["IpPermissions"])
	}
	in := idx["aws_instance.i"]
	if got := field(in.Config, "MetadataOptions.HttpTokens"); got != "optional" {
		t.Errorf("tokens = %v", got)
	}
	if got := errPaths(in); !slices.Equal(got, []string{"PublicIpAddress:Unknown", "SubnetId:Unknown"}) {
		t.Errorf("instance errors = %v", got)
	}
	// The same values read from a configuration are unknown values.
	as, _ = Map(mod(), Options{Root: testRoot, Source: asset.SourceTerraform})
	if got := errPaths(byAddr(as)["aws_s3_bucket.b"]); !slices.Equal(got, []string{"Acl:Unknown", "Acl:Unknown", "LoggingEnabled:Unknown", "Policy:Unknown", "ServerSideEncryptionConfiguration:Unknown", "Versioning.MFADelete:Unknown"}) {
		t.Errorf("configuration errors = %v", got)
	}
}
