package hcl

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parapet-dev/parapet/internal/iac"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

func TestLoadJSON(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		addrs []string
		attrs []attrWant
		res   []resWant
		supp  []tfmodel.Suppression
		diags []diagWant
	}{
		{
			name: ".tf.json mixed with .tf: variables, locals, providers, count, for_each, dynamic, data, modules, overrides",
			dir:  "json_mixed",
			addrs: []string{"aws_kms_key.logs", "aws_s3_bucket_versioning.logs", "aws_s3_bucket.logs",
				"aws_s3_bucket.copies[0]", "aws_s3_bucket.copies[1]", `aws_s3_bucket.each["a"]`, `aws_s3_bucket.each["b"]`,
				"aws_security_group.ssh", "data.aws_caller_identity.me", "module.log.aws_s3_bucket_logging.this"},
			attrs: []attrWant{
				// .tf reads JSON variables and locals, and an override in JSON.
				{"aws_kms_key.logs", "description", "prod logs"},
				{"aws_kms_key.logs", "deletion_window_in_days", int64(7)},
				{"aws_s3_bucket_versioning.logs", "bucket", refOf("aws_s3_bucket.logs", "id")},
				{"aws_s3_bucket_versioning.logs", "versioning_configuration.0.status", "Enabled"},
				// JSON strings are templates; objects are read as written.
				{"aws_s3_bucket.logs", "bucket", "prod-acme-logs"},
				{"aws_s3_bucket.logs", "tags", map[string]any{"Name": "logs", "Env": "prod"}},
				{"aws_s3_bucket.logs", "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.kms_master_key_id",
					refOf("aws_kms_key.logs", "arn")},
				{"aws_s3_bucket.copies[1]", "bucket", "prod-acme-copy-1"},
				{`aws_s3_bucket.each["b"]`, "bucket", "B"},
				{`aws_s3_bucket.each["b"]`, "escaped", "${each.key}"},
				{"aws_security_group.ssh", "ingress.0.cidr_blocks", []any{"0.0.0.0/0"}},
				{"aws_security_group.ssh", "egress", []any{
					map[string]any{"from_port": int64(443), "to_port": int64(443), "protocol": "tcp"},
					map[string]any{"from_port": int64(80), "to_port": int64(80), "protocol": "tcp"}}},
				{"module.log.aws_s3_bucket_logging.this", "target_bucket", refOf("aws_s3_bucket.logs", "id")},
				{"module.log.aws_s3_bucket_logging.this", "target_prefix", unknownLike("data.aws_caller_identity.me is read at apply")},
			},
			res: []resWant{
				{addr: "aws_kms_key.logs", file: "main.tf", start: 5, end: 8},
				{addr: "aws_s3_bucket.logs", file: "main.tf.json", start: 9, end: 21, provider: "aws", region: "eu-west-1", checkIndexAndOther: true},
				{addr: "aws_s3_bucket.copies[1]", file: "main.tf.json", start: 22, end: 27, provider: "aws.use1", region: "us-east-1", index: int64(1), checkIndexAndOther: true},
				{addr: "aws_security_group.ssh", file: "main.tf.json", start: 35, end: 51},
				{addr: "module.log.aws_s3_bucket_logging.this", file: "modules/log/main.tf.json", start: 5, end: 9},
			},
			supp: []tfmodel.Suppression{{CheckID: "aws-s3-bucket-access-logging", Reason: "this bucket holds the logs",
				Address: "aws_s3_bucket.logs", File: "main.tf.json", Line: 10}},
		},
		{
			name:  "malformed .tf.json files are reported and the rest of the module is read",
			dir:   "json_malformed",
			addrs: []string{"aws_s3_bucket.ok"},
			diags: []diagWant{
				{iac.SevError, "broken.tf.json", 5, "Trailing comma"},
				{iac.SevError, "shape.tf.json", 3, "Incorrect JSON value type"},
				{iac.SevError, "shape.tf.json", 3, "Missing block label"},
				{iac.SevError, "template.tf.json", 5, "Unclosed template interpolation"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, diags := LoadDir(context.Background(), filepath.Join("testdata", tc.dir), Options{})
			checkDiags(t, diags, tc.diags)
			if !reflect.DeepEqual(addresses(m), tc.addrs) {
				t.Errorf("addresses:\n got %q\nwant %q", addresses(m), tc.addrs)
			}
			checkResources(t, m, tc.attrs, tc.res)
			if !reflect.DeepEqual(m.Suppressions, tc.supp) {
				t.Errorf("suppressions:\n got %+v\nwant %+v", m.Suppressions, tc.supp)
			}
		})
	}
}

// Variables in JSON: defaults are literal (Terraform reads them without
// evaluating), types are parsed from their strings, and each is located
// in the JSON file.
func TestJSONVariables(t *testing.T) {
	m, _ := LoadDir(context.Background(), filepath.Join("testdata", "json_mixed"), Options{})
	var got []string
	for _, v := range m.Variables {
		got = append(got, v.Module+":"+v.Name)
	}
	if want := []string{":env", ":names", ":literal", "module.log:bucket", "module.log:owner"}; !reflect.DeepEqual(got, want) {
		t.Errorf("variables %q, want %q", got, want)
	}
	for _, v := range m.Variables {
		switch v.Name {
		case "literal":
			if v.Default != "${not.interpolated}" || v.File != "variables.tf.json" || v.StartLine != 12 || v.EndLine != 14 {
				t.Errorf("literal: %+v", v)
			}
		case "names":
			if !reflect.DeepEqual(v.Default, []any{"a", "b"}) {
				t.Errorf("names default %#v", v.Default)
			}
		}
	}
	var provs []string
	for _, p := range m.Providers {
		provs = append(provs, p.Name+"."+p.Alias+"@"+p.File)
	}
	if want := []string{"aws.@main.tf", "aws.use1@main.tf.json"}; !reflect.DeepEqual(provs, want) {
		t.Errorf("providers %q, want %q", provs, want)
	}
}
