package tfplan

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// unknownLike matches a tfmodel.Unknown whose reason contains it.
type unknownLike string

type attrWant struct {
	addr, path string
	want       any
}

func path(v any, p string) (any, error) {
	for _, step := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[step]
			if !ok {
				return nil, fmt.Errorf("no key %q", step)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no index %q in a list of %d", step, len(x))
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("cannot step %q into %T", step, v)
		}
	}
	return v, nil
}

func find(m *tfmodel.Module, addr string) *tfmodel.Resource {
	for _, r := range m.Resources {
		if r.Address == addr {
			return r
		}
	}
	return nil
}

func checkAttrs(t *testing.T, m *tfmodel.Module, attrs []attrWant) {
	t.Helper()
	for _, a := range attrs {
		r := find(m, a.addr)
		if r == nil {
			t.Errorf("no resource %s", a.addr)
			continue
		}
		got, err := path(r.Attributes, a.path)
		if err != nil {
			t.Errorf("%s %s: %v", a.addr, a.path, err)
			continue
		}
		ok := reflect.DeepEqual(got, a.want)
		if u, isU := a.want.(unknownLike); isU {
			g, isUnknown := got.(tfmodel.Unknown)
			ok = isUnknown && strings.Contains(g.Reason, string(u))
		}
		if !ok {
			t.Errorf("%s %s = %#v, want %#v", a.addr, a.path, got, a.want)
		}
	}
}

type resMeta struct {
	addr, module, provider, region string
	index                          any
}

func checkMeta(t *testing.T, m *tfmodel.Module, want []resMeta) {
	t.Helper()
	for _, w := range want {
		r := find(m, w.addr)
		if r == nil {
			t.Errorf("no resource %s", w.addr)
			continue
		}
		got := resMeta{r.Address, r.Module, r.Provider, r.Region, r.Index}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: got %+v, want %+v", w.addr, got, w)
		}
		if r.File != "" || r.StartLine != 0 {
			t.Errorf("%s: plans and states carry no file position, got %s:%d", w.addr, r.File, r.StartLine)
		}
	}
}

func addresses(m *tfmodel.Module) []string {
	var out []string
	for _, r := range m.Resources {
		out = append(out, r.Address)
	}
	return out
}

func ref(addr, attr string) tfmodel.Ref { return tfmodel.Ref{Address: addr, Attribute: attr} }

func TestLoadPlan(t *testing.T) {
	m, diags, err := LoadPlan(filepath.Join("testdata", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	wantAddrs := []string{"aws_instance.web[0]", "aws_instance.web[1]", "aws_kms_key.data", "aws_s3_bucket.data",
		`aws_s3_bucket.multi["a"]`, `aws_s3_bucket.multi["b"]`, "aws_s3_bucket_policy.data", "aws_s3_bucket_public_access_block.data",
		"aws_s3_bucket_server_side_encryption_configuration.data", `aws_s3_bucket_versioning.multi["a"]`, `aws_s3_bucket_versioning.multi["b"]`,
		"aws_security_group.web", "module.logs.aws_s3_bucket_logging.this", `module.site["blog"].aws_s3_bucket.this`,
		`module.site["blog"].aws_s3_bucket_public_access_block.this`}
	// The deleted bucket is in resource_changes only and must not appear.
	if got := addresses(m); !reflect.DeepEqual(got, wantAddrs) {
		t.Errorf("addresses:\n got %q\nwant %q", got, wantAddrs)
	}
	checkAttrs(t, m, []attrWant{
		{"aws_s3_bucket.data", "bucket", "acme-data"},
		{"aws_s3_bucket.data", "tags", map[string]any{"Team": "platform"}},
		{"aws_s3_bucket.data", "id", tfmodel.Unknown{Reason: "known after apply"}},
		{"aws_s3_bucket.data", "versioning", tfmodel.Unknown{Reason: "known after apply"}},
		{"aws_kms_key.data", "enable_key_rotation", true},
		// Split resources join through the configuration's references.
		{"aws_s3_bucket_public_access_block.data", "bucket", ref("aws_s3_bucket.data", "id")},
		{"aws_s3_bucket_public_access_block.data", "restrict_public_buckets", true},
		{"aws_s3_bucket_server_side_encryption_configuration.data", "bucket", "acme-data"},
		{"aws_s3_bucket_server_side_encryption_configuration.data", "rule.0.apply_server_side_encryption_by_default.0.sse_algorithm", "aws:kms"},
		{"aws_s3_bucket_server_side_encryption_configuration.data", "rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id", ref("aws_kms_key.data", "arn")},
		{"aws_s3_bucket_server_side_encryption_configuration.data", "rule.0.bucket_key_enabled", nil},
		// A plan lists references, not expressions: a value built around
		// one attribute resolves like the attribute itself.
		{"aws_s3_bucket_policy.data", "policy", ref("aws_s3_bucket.data", "arn")},
		// A dynamic index resolves to the instance with the same key.
		{`aws_s3_bucket_versioning.multi["b"]`, "bucket", ref(`aws_s3_bucket.multi["b"]`, "")},
		{`aws_s3_bucket_versioning.multi["b"]`, "versioning_configuration.0.status", "Enabled"},
		{`aws_s3_bucket_versioning.multi["b"]`, "versioning_configuration.0.mfa_delete", tfmodel.Unknown{Reason: "known after apply"}},
		// Through a module variable to the caller's argument.
		{"module.logs.aws_s3_bucket_logging.this", "bucket", ref("aws_s3_bucket.data", "id")},
		{"module.logs.aws_s3_bucket_logging.this", "target_grant", []any{}},
		{`module.site["blog"].aws_s3_bucket_public_access_block.this`, "bucket", ref(`module.site["blog"].aws_s3_bucket.this`, "id")},
		{`module.site["blog"].aws_s3_bucket_public_access_block.this`, "block_public_policy", false},
		{"aws_security_group.web", "ingress.0.from_port", int64(443)},
		{"aws_security_group.web", "ingress.0.cidr_blocks", []any{"0.0.0.0/0"}},
		{"aws_security_group.web", "egress", tfmodel.Unknown{Reason: "known after apply"}},
		{"aws_instance.web[1]", "root_block_device.0.encrypted", true},
		{"aws_instance.web[1]", "root_block_device.0.volume_id", tfmodel.Unknown{Reason: "known after apply"}},
		{"aws_instance.web[0]", "vpc_security_group_ids", ref("aws_security_group.web", "id")},
	})
	checkMeta(t, m, []resMeta{
		{"aws_s3_bucket.data", "", "aws", "eu-west-1", nil},
		{"aws_instance.web[1]", "", "aws.west", "us-west-2", int64(1)},
		{`aws_s3_bucket.multi["a"]`, "", "aws", "eu-west-1", "a"},
		// Modules inherit the root's default configuration.
		{"module.logs.aws_s3_bucket_logging.this", "module.logs", "aws", "eu-west-1", nil},
		{`module.site["blog"].aws_s3_bucket.this`, `module.site["blog"]`, "aws", "eu-west-1", nil},
	})

	var vars []string
	for _, v := range m.Variables {
		vars = append(vars, fmt.Sprintf("%s:%s default=%v has=%v sensitive=%v", v.Module, v.Name, v.Default, v.HasDefault, v.Sensitive))
	}
	wantVars := []string{":bucket_name default=<nil> has=false sensitive=false", ":db_password default=<nil> has=false sensitive=true",
		":region default=eu-west-1 has=true sensitive=false", "module.logs:bucket_id default=<nil> has=false sensitive=false",
		"module.site:name default=<nil> has=false sensitive=false"}
	if !reflect.DeepEqual(vars, wantVars) {
		t.Errorf("variables:\n got %q\nwant %q", vars, wantVars)
	}
	var provs []string
	for _, p := range m.Providers {
		provs = append(provs, fmt.Sprintf("%s/%s/%s/%v", p.Module, p.Name, p.Alias, p.Attributes["region"]))
	}
	if want := []string{"/aws//eu-west-1", "/aws/west/us-west-2"}; !reflect.DeepEqual(provs, want) {
		t.Errorf("providers %q, want %q", provs, want)
	}
}

func TestLoadPlanLegacyModuleKeys(t *testing.T) {
	m, _, err := LoadPlan(filepath.Join("testdata", "plan-legacy.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkMeta(t, m, []resMeta{{"module.foo.aws_sqs_queue.q", "module.foo", "module.foo.aws", "sa-east-1", nil}})
	checkAttrs(t, m, []attrWant{
		{"module.foo.aws_sqs_queue.q", "message_retention_seconds", int64(345600)},
		{"module.foo.aws_sqs_queue.q", "kms_master_key_id", nil},
		{"module.foo.aws_sqs_queue.q", "arn", tfmodel.Unknown{Reason: "known after apply"}},
	})
	if len(m.Providers) != 1 || m.Providers[0].Module != "module.foo" || m.Providers[0].Attributes["region"] != "sa-east-1" {
		t.Errorf("providers: %+v", m.Providers)
	}
}

func TestLoadState(t *testing.T) {
	m, diags, err := LoadState(filepath.Join("testdata", "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	want := []string{"data.aws_caller_identity.current", "aws_db_instance.main", "aws_instance.web[0]", "aws_instance.web[1]",
		"aws_s3_bucket.data", "aws_s3_bucket_public_access_block.data", `module.site["blog"].aws_s3_bucket.this`,
		"module.provider_tools.aws_sns_topic.alerts"}
	// The deposed database instance is an object awaiting destruction.
	if got := addresses(m); !reflect.DeepEqual(got, want) {
		t.Errorf("addresses:\n got %q\nwant %q", got, want)
	}
	checkAttrs(t, m, []attrWant{
		{"aws_s3_bucket.data", "server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm", "AES256"},
		{"aws_s3_bucket.data", "versioning.0.enabled", false},
		{"aws_s3_bucket.data", "acl", nil},
		{"aws_s3_bucket_public_access_block.data", "bucket", "acme-data"},
		{"aws_db_instance.main", "allocated_storage", int64(20)},
		{"aws_db_instance.main", "storage_encrypted", true},
		{"aws_instance.web[1]", "root_block_device.0.volume_size", 8.5},
		{"aws_instance.web[0]", "metadata_options.0.http_tokens", "optional"},
		{"data.aws_caller_identity.current", "account_id", "123456789012"},
	})
	checkMeta(t, m, []resMeta{
		{"aws_s3_bucket.data", "", "aws", "eu-west-1", nil},
		{"aws_instance.web[1]", "", "aws.west", "us-west-2", int64(1)},
		{`module.site["blog"].aws_s3_bucket.this`, `module.site["blog"]`, "aws", "eu-west-1", nil},
		{"module.provider_tools.aws_sns_topic.alerts", "module.provider_tools", "module.provider_tools.aws.mumbai", "ap-south-1", nil},
		{"aws_db_instance.main", "", "aws", "eu-west-1", nil},
	})
	if r := find(m, "data.aws_caller_identity.current"); r == nil || r.Mode != "data" {
		t.Errorf("data source mode: %+v", r)
	}
}

func TestLoadShowState(t *testing.T) {
	m, _, err := LoadState(filepath.Join("testdata", "show-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkAttrs(t, m, []attrWant{
		{"aws_s3_bucket.data", "versioning.0.enabled", false},
		{"module.net.aws_subnet.private[1]", "cidr_block", "10.0.1.0/24"},
	})
	checkMeta(t, m, []resMeta{{"module.net.aws_subnet.private[1]", "module.net", "aws", "eu-central-1", int64(1)}})
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		load    func(string) (*tfmodel.Module, error)
		file    string
		wantErr string
	}{
		{"missing plan", plan, "nope.json", "read plan"},
		{"garbage plan", plan, "garbage.json", "is not a Terraform JSON plan"},
		{"future plan format", plan, "plan-unsupported.json", "unsupported plan format version"},
		{"state given as plan", plan, "terraform.tfstate", "is not a Terraform JSON plan"},
		{"missing state", state, "nope.tfstate", "read state"},
		{"garbage state", state, "garbage.json", "is not a Terraform state file"},
		{"old state version", state, "state-v3.tfstate", "state version 3 is not supported"},
		{"plan given as state", state, "plan.json", "is not Terraform JSON state output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.load(filepath.Join("testdata", tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if m != nil {
				t.Fatalf("a module came with the error: %+v", m)
			}
		})
	}
}

func plan(p string) (*tfmodel.Module, error) {
	m, _, err := LoadPlan(p)
	return m, err
}

func state(p string) (*tfmodel.Module, error) {
	m, _, err := LoadState(p)
	return m, err
}

func TestAddressHelpers(t *testing.T) {
	steps := splitModule(`module.a["x.y"].module.b[2]`)
	if len(steps) != 2 || steps[0].name != "a" || steps[0].key != `["x.y"]` || steps[1].prefix != `module.a["x.y"].module.b[2]` {
		t.Errorf("splitModule: %+v", steps)
	}
	if got := staticModule(`module.a["x.y"].module.b[2]`); got != "module.a.module.b" {
		t.Errorf("staticModule: %q", got)
	}
	refs := map[string]resourceRef{
		"aws_s3_bucket.b.id":           {base: "aws_s3_bucket.b", attr: "id"},
		`aws_s3_bucket.b["k.x"].arn`:   {base: "aws_s3_bucket.b", index: `["k.x"]`, attr: "arn"},
		"aws_s3_bucket.b[0]":           {base: "aws_s3_bucket.b", index: "[0]"},
		"aws_instance.i.ebs[0].volume": {base: "aws_instance.i", attr: "ebs"},
	}
	for in, want := range refs {
		if got, ok := parseResourceRef(in); !ok || got != want {
			t.Errorf("parseResourceRef(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"var.x", "local.y", "module.m.out", "data.aws_ami.a.id", "each.key", "count"} {
		if _, ok := parseResourceRef(in); ok {
			t.Errorf("parseResourceRef(%q) accepted", in)
		}
	}
	provs := map[string]string{
		`provider["registry.terraform.io/hashicorp/aws"]`:                 "aws",
		`provider["registry.terraform.io/hashicorp/aws"].west`:            "aws.west",
		`module.provider.provider["registry.terraform.io/hashicorp/aws"]`: "module.provider.aws",
		"provider.aws":               "aws",
		"module.x.provider.aws.east": "module.x.aws.east",
	}
	for in, want := range provs {
		if got := stateProvider(in); got != want {
			t.Errorf("stateProvider(%q) = %q, want %q", in, got, want)
		}
	}
}
