package hcl

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// unknownLike matches a tfmodel.Unknown whose reason contains it.
type unknownLike string

type attrWant struct {
	addr, path string
	want       any
}

type resWant struct {
	addr, file         string
	start, end         int
	module, provider   string
	region             string
	index              any
	checkIndexAndOther bool
}

type diagWant struct {
	sev, file string
	line      int
	contains  string
}

// path walks a resource's attributes: "rule.0.apply_server_side_encryption_by_default.0.sse_algorithm".
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
			return nil, fmt.Errorf("cannot step %q into %T (%v)", step, v, v)
		}
	}
	return v, nil
}

func findRes(m *tfmodel.Module, addr string) *tfmodel.Resource {
	for _, r := range m.Resources {
		if r.Address == addr {
			return r
		}
	}
	return nil
}

func addresses(m *tfmodel.Module) []string {
	out := make([]string, 0, len(m.Resources))
	for _, r := range m.Resources {
		out = append(out, r.Address)
	}
	return out
}

func matches(got, want any) bool {
	if u, ok := want.(unknownLike); ok {
		g, ok := got.(tfmodel.Unknown)
		return ok && strings.Contains(g.Reason, string(u))
	}
	return reflect.DeepEqual(got, want)
}

func checkDiags(t *testing.T, got []iac.Diagnostic, want []diagWant) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, d := range got {
			if !used[i] && d.Severity == w.sev && d.File == w.file && (w.line == 0 || d.Line == w.line) &&
				strings.Contains(d.Message, w.contains) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing diagnostic %s %s:%d %q", w.sev, w.file, w.line, w.contains)
		}
	}
	for i, d := range got {
		if !used[i] {
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
}

func TestLoadDir(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		opts  Options
		addrs []string
		attrs []attrWant
		res   []resWant
		diags []diagWant
	}{
		{
			name:  "AWS provider v3 inline bucket",
			dir:   "s3_v3",
			addrs: []string{"aws_s3_bucket.logs"},
			attrs: []attrWant{
				{"aws_s3_bucket.logs", "bucket", "acme-logs"},
				{"aws_s3_bucket.logs", "acl", "log-delivery-write"},
				{"aws_s3_bucket.logs", "versioning", []any{map[string]any{"enabled": true, "mfa_delete": false}}},
				{"aws_s3_bucket.logs", "server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm", "AES256"},
				{"aws_s3_bucket.logs", "logging.0.target_bucket", "acme-audit"},
				{"aws_s3_bucket.logs", "tags", map[string]any{"Team": "platform"}},
			},
			res: []resWant{{addr: "aws_s3_bucket.logs", file: "main.tf", start: 6, end: 35, provider: "aws", region: "eu-west-1", checkIndexAndOther: true}},
		},
		{
			name: "AWS provider v4+ split bucket joins by reference",
			dir:  "s3_v4",
			addrs: []string{"aws_kms_key.data", "aws_s3_bucket.data", "aws_s3_bucket_public_access_block.data",
				"aws_s3_bucket_versioning.data", "aws_s3_bucket_server_side_encryption_configuration.data", "aws_s3_bucket_policy.data"},
			attrs: []attrWant{
				{"aws_s3_bucket_public_access_block.data", "bucket", tfmodel.Ref{Address: "aws_s3_bucket.data", Attribute: "id"}},
				{"aws_s3_bucket_public_access_block.data", "restrict_public_buckets", true},
				{"aws_s3_bucket_versioning.data", "versioning_configuration.0.status", "Enabled"},
				// A configured attribute of another resource resolves to its value.
				{"aws_s3_bucket_server_side_encryption_configuration.data", "bucket", "acme-data"},
				{"aws_s3_bucket_server_side_encryption_configuration.data", "rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id",
					tfmodel.Ref{Address: "aws_kms_key.data", Attribute: "arn"}},
				{"aws_s3_bucket_server_side_encryption_configuration.data", "rule.0.bucket_key_enabled", true},
				// A string built from a computed value is unknown, not a Ref.
				{"aws_s3_bucket_policy.data", "policy", unknownLike("derived from aws_s3_bucket.data.arn")},
			},
		},
		{
			name: "module tree with count, for_each, nested modules and provider aliases",
			dir:  "modules",
			addrs: []string{"aws_s3_bucket_policy.first",
				"module.bucket[0].aws_s3_bucket.this", "module.bucket[0].aws_s3_bucket_versioning.this", "module.bucket[0].module.log.aws_s3_bucket_logging.this",
				"module.bucket[1].aws_s3_bucket.this", "module.bucket[1].aws_s3_bucket_versioning.this", "module.bucket[1].module.log.aws_s3_bucket_logging.this",
				`module.site["blog"].aws_s3_bucket.this`, `module.site["blog"].aws_s3_bucket_versioning.this`, `module.site["blog"].module.log.aws_s3_bucket_logging.this`,
				`module.site["shop"].aws_s3_bucket.this`, `module.site["shop"].aws_s3_bucket_versioning.this`, `module.site["shop"].module.log.aws_s3_bucket_logging.this`,
				"module.net.aws_vpc.main", "module.net.aws_subnet.private[0]", "module.net.aws_subnet.private[1]"},
			attrs: []attrWant{
				{"module.bucket[0].aws_s3_bucket.this", "bucket", "data-0"},
				{"module.bucket[1].aws_s3_bucket.this", "bucket", "data-1"},
				{"module.bucket[0].aws_s3_bucket_versioning.this", "versioning_configuration.0.status", "Enabled"},
				{"module.bucket[1].aws_s3_bucket_versioning.this", "versioning_configuration.0.status", "Suspended"},
				{"module.bucket[1].aws_s3_bucket_versioning.this", "bucket", tfmodel.Ref{Address: "module.bucket[1].aws_s3_bucket.this", Attribute: "id"}},
				// Through a module input, two levels down.
				{"module.bucket[1].module.log.aws_s3_bucket_logging.this", "bucket", tfmodel.Ref{Address: "module.bucket[1].aws_s3_bucket.this", Attribute: "id"}},
				{"module.bucket[1].module.log.aws_s3_bucket_logging.this", "target_prefix", "modules/log/"},
				{`module.site["shop"].aws_s3_bucket_versioning.this`, "versioning_configuration.0.status", "Suspended"},
				// Through module outputs.
				{"aws_s3_bucket_policy.first", "bucket", tfmodel.Ref{Address: "module.bucket[0].aws_s3_bucket.this", Attribute: "id"}},
				{"aws_s3_bucket_policy.first", "note", "site-blog"},
				{"aws_s3_bucket_policy.first", "names", []any{"site-blog", "site-shop"}},
				{"module.net.aws_subnet.private[1]", "cidr_block", "10.0.1.0/24"},
				{"module.net.aws_subnet.private[0]", "vpc_id", tfmodel.Ref{Address: "module.net.aws_vpc.main", Attribute: "id"}},
			},
			res: []resWant{
				{addr: "module.bucket[1].aws_s3_bucket.this", file: "modules/bucket/main.tf", start: 10, end: 12,
					module: "module.bucket[1]", provider: "aws", region: "eu-central-1", checkIndexAndOther: true},
				{addr: `module.site["blog"].module.log.aws_s3_bucket_logging.this`, file: "modules/log/main.tf", start: 5, end: 9,
					module: `module.site["blog"].module.log`, provider: "aws.use1", region: "us-east-1", checkIndexAndOther: true},
				{addr: "module.net.aws_subnet.private[1]", file: "modules/net/main.tf", start: 13, end: 17,
					module: "module.net", provider: "aws", region: "eu-central-1", index: int64(1), checkIndexAndOther: true},
			},
		},
		{
			name:  "registry module from .terraform/modules and a missing git module",
			dir:   "registry",
			addrs: []string{"aws_flow_log.root", "module.vpc.aws_vpc.this", "module.vpc.module.flow.aws_flow_log.this"},
			attrs: []attrWant{
				{"module.vpc.aws_vpc.this", "tags.Name", "main"},
				{"aws_flow_log.root", "vpc_id", tfmodel.Ref{Address: "module.vpc.aws_vpc.this", Attribute: "id"}},
				{"module.vpc.module.flow.aws_flow_log.this", "vpc_id", tfmodel.Ref{Address: "module.vpc.aws_vpc.this", Attribute: "id"}},
				{"aws_flow_log.root", "other", unknownLike("module.gone is not available")},
			},
			res: []resWant{{addr: "module.vpc.module.flow.aws_flow_log.this", file: ".terraform/modules/vpc/modules/flow/main.tf",
				start: 3, end: 6, module: "module.vpc.module.flow", provider: "aws", checkIndexAndOther: true}},
			diags: []diagWant{
				{iac.SevWarning, "main.tf", 7, `module "gone": source "git::https://example.com/acme/gone.git?ref=v1" is not installed`},
				{iac.SevWarning, "main.tf", 17, `module "local_missing": source "./modules/not-here" is not present at modules/not-here`},
			},
		},
		{
			name:  "dynamic blocks, iterators, optional attributes and nesting",
			dir:   "dynamic",
			addrs: []string{"aws_security_group.web", "aws_security_group.unknown_rules", "aws_cloudfront_distribution.cdn"},
			attrs: []attrWant{
				{"aws_security_group.web", "ingress.0.from_port", int64(80)},
				{"aws_security_group.web", "ingress.1.from_port", int64(443)},
				{"aws_security_group.web", "ingress.1.cidr_blocks", []any{"0.0.0.0/0"}},
				{"aws_security_group.web", "ingress.1.description", "0: managed"},
				{"aws_security_group.web", "ingress.2.description", "1: ssh"},
				{"aws_security_group.web", "egress.0.protocol", "-1"},
				{"aws_security_group.unknown_rules", "ingress", unknownLike("var.unset_rules has no value")},
				{"aws_cloudfront_distribution.cdn", "origin.1.origin_id", "b"},
				{"aws_cloudfront_distribution.cdn", "origin.1.custom_header.1", map[string]any{"name": "X-Two", "value": "b-X-Two"}},
			},
		},
		{
			name: "variable precedence, conversion and missing values",
			dir:  "tfvars",
			opts: Options{
				VarFiles: []string{filepath.Join("testdata", "tfvars", "extra.tfvars")},
				Vars:     map[string]string{"d": "cli", "zones": `["a", "b"]`, "undeclared": "x"},
			},
			addrs: []string{"aws_ssm_parameter.p"},
			attrs: []attrWant{
				{"aws_ssm_parameter.p", "a", "auto-b"},
				{"aws_ssm_parameter.p", "b", "tfvars"},
				{"aws_ssm_parameter.p", "c", "varfile"},
				{"aws_ssm_parameter.p", "d", "cli"},
				{"aws_ssm_parameter.p", "e", "tfvars.json"},
				{"aws_ssm_parameter.p", "port", int64(8080)},
				{"aws_ssm_parameter.p", "zones", []any{"a", "b"}},
				{"aws_ssm_parameter.p", "password", "hunter2"},
				{"aws_ssm_parameter.p", "none", tfmodel.Unknown{Reason: "var.none has no value"}},
				{"aws_ssm_parameter.p", "label", unknownLike("var.none has no value")},
				{"aws_ssm_parameter.p", "settings", map[string]any{"name": "svc", "size": int64(10)}},
			},
			diags: []diagWant{
				{iac.SevWarning, "terraform.tfvars", 7, `undeclared variable "unknown_var"`},
				{iac.SevWarning, "-var undeclared", 0, `undeclared variable "undeclared"`},
			},
		},
		{
			name:  "reference cycles are warnings and their values unknown",
			dir:   "cycle",
			addrs: []string{"aws_security_group.a", "aws_security_group.b", "aws_s3_bucket.uses_cycle", "aws_s3_bucket.uses_echo"},
			attrs: []attrWant{
				{"aws_security_group.a", "name", "a"},
				{"aws_security_group.a", "description", unknownLike("reference cycle: aws_security_group.a → aws_security_group.b → aws_security_group.a")},
				{"aws_security_group.b", "description", unknownLike("reference cycle")},
				{"aws_s3_bucket.uses_cycle", "bucket", unknownLike("reference cycle: local.a → local.b → local.a")},
				{"aws_s3_bucket.uses_cycle", "other", "fine"},
				{"aws_s3_bucket.uses_echo", "bucket", unknownLike("module.echo.var.input")},
			},
			diags: []diagWant{
				{iac.SevWarning, "main.tf", 2, "reference cycle: local.a → local.b → local.a"},
				{iac.SevWarning, "main.tf", 7, "reference cycle: aws_security_group.a → aws_security_group.b → aws_security_group.a"},
				{iac.SevWarning, "echo/main.tf", 4, "reference cycle: module.echo.output.output → module.echo.var.input → module.echo.output.output"},
			},
		},
		{
			name:  "a syntax error loses one file, not the directory",
			dir:   "syntax_error",
			addrs: []string{"aws_s3_bucket.fine", "aws_s3_bucket.also_fine"},
			attrs: []attrWant{{"aws_s3_bucket.also_fine", "bucket", "still-read"}},
			res:   []resWant{{addr: "aws_s3_bucket.also_fine", file: "other.tf", start: 1, end: 3, provider: "aws", checkIndexAndOther: true}},
			diags: []diagWant{{iac.SevError, "bad.tf", 3, "Invalid expression"}},
		},
		{
			name: "expressions and built-in functions",
			dir:  "expressions",
			attrs: func() []attrWant {
				want := map[string]any{
					"for_list": []any{"DEV", "PROD"}, "for_map": map[string]any{"b": int64(20)}, "cond": "many",
					"heredoc": "hello dev\n", "tmpl": "Hello, world! [1] [2]\n", "file": "2012-10-17",
					"splat": []any{int64(1), int64(2)}, "concat": []any{"dev", "prod", "x"},
					"merge": map[string]any{"a": int64(1), "b": int64(2), "c": int64(3)}, "lookup": int64(0), "lookup2": int64(1),
					"keys": []any{"a", "b"}, "values": []any{int64(1), int64(2)}, "element": "prod", "length": int64(2),
					"join": "dev,prod", "split": []any{"a", "b"}, "format": "x-007", "lower": "abc", "upper": "ABC",
					"replace": "a_b_c", "replace_re": "a#b#", "contains": true, "coalesce": "y", "try": "fallback", "can": false,
					"tomap": map[string]any{"a": "1"}, "tolist": []any{"a"}, "toset": []any{"a", "b"}, "tostring": "5",
					"tonumber": int64(5), "jsonencode": `{"a":1}`, "jsondecode": []any{int64(1), int64(2)}, "b64": "aGk=", "b64d": "hi",
					"cidrsubnet": "10.0.2.0/24", "cidrsub6": "fd00:0:0:ff::/64", "cidrhost": "10.0.0.254", "netmask": "255.240.0.0",
					"subnets": []any{"10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"},
					"flatten": []any{"a", "b", "c"}, "distinct": []any{"a", "b"}, "zipmap": map[string]any{"a": int64(1), "b": int64(2)},
					"range": []any{int64(0), int64(1), int64(2)}, "min": int64(1), "max": int64(3), "abs": int64(4), "trimspace": "x",
					"regex": []any{"web"}, "regexall": int64(2), "startswith": true, "endswith": true, "one": "only", "sum": 6.5,
					"length_str": int64(5), "number": 1.5, "md5": "9dd4e461268c8034f5c8564e155c67a6", "cwd_module": ".",
					"workspace": "default", "nested_try": int64(2),
				}
				var out []attrWant
				for k, v := range want {
					out = append(out, attrWant{"test_thing.e", k, v})
				}
				return out
			}(),
		},
		{
			name:  "unknowns: unset variables, data sources, unsupported and impure functions",
			dir:   "unknowns",
			addrs: []string{"data.aws_caller_identity.current", "data.aws_iam_policy_document.p", "aws_s3_bucket.counted", "aws_s3_bucket.each", "aws_s3_bucket_policy.p", "aws_instance.web", "aws_ebs_snapshot.s", "aws_s3_bucket.odd"},
			attrs: []attrWant{
				{"aws_s3_bucket.counted", "bucket", unknownLike("count of aws_s3_bucket.counted is unknown: var.enabled has no value")},
				{"aws_s3_bucket.each", "bucket", unknownLike("var.names has no value")},
				{"aws_s3_bucket_policy.p", "bucket", tfmodel.Unknown{Reason: "data.aws_caller_identity.current is read at apply"}},
				{"aws_s3_bucket_policy.p", "policy", tfmodel.Unknown{Reason: "data.aws_iam_policy_document.p is read at apply"}},
				{"aws_s3_bucket_policy.p", "weird", unknownLike("function not_a_function is not supported")},
				{"aws_s3_bucket_policy.p", "prov", unknownLike("provider::aws::arn_parse is not supported")},
				{"aws_s3_bucket_policy.p", "stamp", unknownLike("timestamp() differs on every run")},
				{"data.aws_iam_policy_document.p", "statement.0.actions", []any{"s3:GetObject"}},
				{"aws_ebs_snapshot.s", "volume_id", unknownLike("aws_instance.web.root_block_device[0].volume_id is known after apply")},
				{"aws_ebs_snapshot.s", "size", true},
				{"aws_ebs_snapshot.s", "key", unknownLike("derived from a value known after apply")},
				{"aws_ebs_snapshot.s", "b64", unknownLike("derived from a value known after apply")},
				{"aws_ebs_snapshot.s", "upper", unknownLike("derived from aws_instance.web.arn")},
				// No placeholder text ever leaks out as a plain string.
				{"aws_s3_bucket.odd", "quoted", unknownLike("derived from aws_instance.web.id")},
				{"aws_s3_bucket.odd", "key", unknownLike("a key is derived from aws_instance.web.id")},
				{"aws_s3_bucket.odd", "big", unknownLike("out of range")},
			},
			res: []resWant{{addr: "aws_s3_bucket.counted", file: "main.tf", start: 17, end: 20, provider: "aws", index: nil, checkIndexAndOther: true}},
			diags: []diagWant{
				{iac.SevWarning, "main.tf", 17, "count of aws_s3_bucket.counted is unknown: var.enabled has no value; the resource is read once"},
				{iac.SevWarning, "main.tf", 22, "for_each of aws_s3_bucket.each is unknown"},
				{iac.SevWarning, "main.tf", 30, "function not_a_function is not supported"},
				{iac.SevWarning, "main.tf", 31, "function provider::aws::arn_parse is not supported"},
			},
		},
		{
			name: "edge cases: overrides, limits, file confinement, bad references, recursion",
			dir:  "edge",
			addrs: []string{"aws_s3_bucket.over", "aws_s3_bucket.huge", `aws_s3_bucket.list_each["x"]`, `aws_s3_bucket.list_each["y"]`,
				"aws_s3_bucket.outside", "aws_s3_bucket.badref", `aws_s3_bucket.chained["one"]`, `aws_s3_bucket.chained["two"]`,
				`aws_s3_bucket.over_each["one"]`, `aws_s3_bucket.over_each["two"]`, "module.self.aws_s3_bucket.inner"},
			attrs: []attrWant{
				{"aws_s3_bucket.over", "bucket", "overridden"},
				{"aws_s3_bucket.over", "acl", "private"},
				{"aws_s3_bucket.over", "versioning", []any{map[string]any{"enabled": true}}},
				{"aws_s3_bucket.huge", "bucket", unknownLike("too large to expand")},
				{`aws_s3_bucket.list_each["y"]`, "bucket", "y"},
				{"aws_s3_bucket.outside", "bucket", unknownLike("error")},
				{"aws_s3_bucket.badref", "bucket", unknownLike("var.nope is not declared")},
				{"aws_s3_bucket.badref", "x", unknownLike("aws_nothing.here is not declared")},
				// for_each over another resource: configured values and computed refs per instance.
				{`aws_s3_bucket.chained["two"]`, "bucket", "b2-copy"},
				{`aws_s3_bucket.chained["two"]`, "source", tfmodel.Ref{Address: `aws_s3_bucket.over_each["two"]`, Attribute: "arn"}},
			},
			diags: []diagWant{
				{iac.SevWarning, "self/main.tf", 1, `module "again" calls itself`},
				{iac.SevWarning, "main.tf", 10, "more than the 10000 instances"},
				{iac.SevWarning, "main.tf", 15, "is a list; Terraform needs a map or a set"},
				{iac.SevWarning, "main.tf", 20, "outside the scanned directory"},
				{iac.SevWarning, "main.tf", 21, "outside the scanned directory"},
				{iac.SevWarning, "main.tf", 25, `undeclared input variable "nope"`},
				{iac.SevWarning, "main.tf", 26, `undeclared local value "nope"`},
				{iac.SevWarning, "main.tf", 27, "undeclared resource aws_nothing.here"},
				{iac.SevWarning, "main.tf", 28, "Invalid operand"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, diags := LoadDir(context.Background(), filepath.Join("testdata", tc.dir), tc.opts)
			checkDiags(t, diags, tc.diags)
			if tc.addrs != nil && !reflect.DeepEqual(addresses(m), tc.addrs) {
				t.Errorf("addresses:\n got %q\nwant %q", addresses(m), tc.addrs)
			}
			checkResources(t, m, tc.attrs, tc.res)
		})
	}
}

// checkResources compares the module's resources with the attributes and
// placements wanted of them.
func checkResources(t *testing.T, m *tfmodel.Module, attrs []attrWant, res []resWant) {
	t.Helper()
	for _, a := range attrs {
		r := findRes(m, a.addr)
		if r == nil {
			t.Errorf("no resource %s", a.addr)
			continue
		}
		got, err := path(r.Attributes, a.path)
		if err != nil {
			t.Errorf("%s %s: %v", a.addr, a.path, err)
			continue
		}
		if !matches(got, a.want) {
			t.Errorf("%s %s = %#v, want %#v", a.addr, a.path, got, a.want)
		}
	}
	for _, w := range res {
		r := findRes(m, w.addr)
		if r == nil {
			t.Errorf("no resource %s", w.addr)
			continue
		}
		if r.File != w.file || r.StartLine != w.start || r.EndLine != w.end {
			t.Errorf("%s at %s:%d-%d, want %s:%d-%d", w.addr, r.File, r.StartLine, r.EndLine, w.file, w.start, w.end)
		}
		if w.checkIndexAndOther && (r.Module != w.module || r.Provider != w.provider || r.Region != w.region || !reflect.DeepEqual(r.Index, w.index)) {
			t.Errorf("%s: module %q provider %q region %q index %#v, want %q %q %q %#v",
				w.addr, r.Module, r.Provider, r.Region, r.Index, w.module, w.provider, w.region, w.index)
		}
	}
}

func TestSuppressions(t *testing.T) {
	m, diags := LoadDir(context.Background(), filepath.Join("testdata", "suppress"), Options{})
	want := []tfmodel.Suppression{
		{CheckID: "aws-s3-encryption", Reason: "encrypted by the bucket policy", Address: "aws_s3_bucket.a", File: "main.tf", Line: 1},
		{CheckID: "aws-s3-logging", Reason: "", Address: "aws_s3_bucket.a", File: "main.tf", Line: 2},
		{CheckID: "aws-s3-versioning", Reason: "versioning handled by backups", Address: "aws_s3_bucket.a", File: "main.tf", Line: 4},
		{CheckID: "aws-s3-versioning", Reason: "copies of a", Address: "aws_s3_bucket.c[0]", File: "main.tf", Line: 17},
		{CheckID: "aws-s3-versioning", Reason: "copies of a", Address: "aws_s3_bucket.c[1]", File: "main.tf", Line: 17},
	}
	if !reflect.DeepEqual(m.Suppressions, want) {
		t.Errorf("suppressions:\n got %+v\nwant %+v", m.Suppressions, want)
	}
	checkDiags(t, diags, []diagWant{
		{iac.SevWarning, "main.tf", 8, "parapet:ignore:aws-s3-public-access is not attached to a resource block"},
		{iac.SevWarning, "main.tf", 16, "needs an explicit check id"},
		{iac.SevWarning, "main.tf", 28, "needs an explicit check id"},
	})
	// Text inside strings and heredocs is not a comment.
	if d := findRes(m, "aws_s3_bucket.d"); d == nil || d.Attributes["description"] != "# parapet:ignore:not-a-comment" {
		t.Errorf("aws_s3_bucket.d not read as written: %+v", d)
	}
}

func TestVariablesAndProviders(t *testing.T) {
	m, _ := LoadDir(context.Background(), filepath.Join("testdata", "tfvars"), Options{})
	byName := map[string]*tfmodel.Variable{}
	for _, v := range m.Variables {
		byName[v.Name] = v
	}
	pw := byName["password"]
	if pw == nil || !pw.Sensitive || !pw.HasDefault || pw.Default != "hunter2" || pw.File != "variables.tf" || pw.StartLine != 16 || pw.EndLine != 20 {
		t.Errorf("password variable: %+v", pw)
	}
	if none := byName["none"]; none == nil || none.HasDefault || none.Default != nil || none.Sensitive {
		t.Errorf("none variable: %+v", none)
	}

	m, _ = LoadDir(context.Background(), filepath.Join("testdata", "modules"), Options{})
	var got []string
	for _, p := range m.Providers {
		got = append(got, fmt.Sprintf("%s/%s/%s/%v@%s:%d", p.Module, p.Name, p.Alias, p.Attributes["region"], p.File, p.StartLine))
	}
	want := []string{"/aws//eu-central-1@main.tf:1", "/aws/use1/us-east-1@main.tf:5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("providers %q, want %q", got, want)
	}
	var mods []string
	for _, v := range m.Variables {
		mods = append(mods, v.Module+":"+v.Name)
	}
	// Once per module path, not per instance.
	wantMods := []string{"module.bucket:name", "module.bucket:versioned", "module.bucket.module.log:bucket",
		"module.site:name", "module.site:versioned", "module.site.module.log:bucket", "module.net:cidr"}
	if !reflect.DeepEqual(mods, wantMods) {
		t.Errorf("variables %q, want %q", mods, wantMods)
	}
}

func TestBadDirectory(t *testing.T) {
	m, diags := LoadDir(context.Background(), filepath.Join("testdata", "does-not-exist"), Options{})
	if m == nil || len(m.Resources) != 0 || len(diags) != 1 || diags[0].Severity != iac.SevError {
		t.Fatalf("got %+v %v", m, diags)
	}
	_, diags = LoadDir(context.Background(), filepath.Join("testdata", "s3_v3", "main.tf"), Options{})
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "not a directory") {
		t.Fatalf("file as directory: %v", diags)
	}
	_, diags = LoadDir(context.Background(), filepath.Join("testdata", "s3_v3"), Options{VarFiles: []string{"testdata/none.tfvars"}})
	if len(diags) != 1 || diags[0].Severity != iac.SevError || !strings.Contains(diags[0].Message, "cannot read variables file") {
		t.Fatalf("missing var file: %v", diags)
	}
}

func TestCancelled(t *testing.T) {
	big := t.TempDir()
	mustWriteTree(t, big)
	tests := []struct {
		name string
		dir  string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"cancelled before start", filepath.Join("testdata", "modules"), func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}},
		{"deadline reached mid-load", big, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, diags := LoadDir(ctx, tc.dir, Options{})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v after cancellation", took)
			}
			found := false
			for _, d := range diags {
				found = found || (d.Severity == iac.SevError && strings.Contains(d.Message, "cancelled"))
			}
			if !found {
				t.Errorf("no cancellation diagnostic: %v", diags[:min(len(diags), 3)])
			}
		})
	}
}

func refOf(addr, attr string) tfmodel.Ref { return tfmodel.Ref{Address: addr, Attribute: attr} }

// Loading is reproducible: the same tree gives the same model and
// diagnostics, whatever Go's map order does.
func TestDeterministic(t *testing.T) {
	for _, dir := range []string{"modules", "cycle", "edge", "unknowns"} {
		m1, d1 := LoadDir(context.Background(), filepath.Join("testdata", dir), Options{})
		for range 5 {
			m2, d2 := LoadDir(context.Background(), filepath.Join("testdata", dir), Options{})
			if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(d1, d2) {
				t.Fatalf("%s: two loads differ", dir)
			}
		}
	}
}
