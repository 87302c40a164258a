package tfmap

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

const sslOnlyPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}`

func sslOnlyDoc() map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource":  []any{"arn:aws:s3:::logs", "arn:aws:s3:::logs/*"},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}},
	}
}

func privateACL() *awsshape.BucketAcl {
	return &awsshape.BucketAcl{Grants: []awsshape.Grant{{Grantee: awsshape.Grantee{Type: "CanonicalUser"}, Permission: "FULL_CONTROL"}}}
}

func TestS3Bucket(t *testing.T) {
	bucketRef := ref("aws_s3_bucket.logs", "id")
	tests := []struct {
		name string
		rs   []*tfmodel.Resource
		want awsshape.Bucket
		errs []string
	}{
		{
			name: "bare bucket gets AWS defaults",
			rs:   []*tfmodel.Resource{res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"})},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: privateACL()},
		},
		{
			name: "split resources joined by reference",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"}),
				res("aws_s3_bucket_public_access_block", "logs", map[string]any{
					"bucket": bucketRef, "block_public_acls": true, "ignore_public_acls": true,
					"block_public_policy": true, "restrict_public_buckets": true}),
				res("aws_s3_bucket_policy", "logs", map[string]any{"bucket": bucketRef, "policy": sslOnlyPolicy}),
				res("aws_s3_bucket_acl", "logs", map[string]any{"bucket": bucketRef, "acl": "log-delivery-write"}),
				res("aws_s3_bucket_versioning", "logs", map[string]any{"bucket": bucketRef,
					"versioning_configuration": blk(map[string]any{"status": "Enabled", "mfa_delete": "Disabled"})}),
				res("aws_s3_bucket_server_side_encryption_configuration", "logs", map[string]any{"bucket": bucketRef,
					"rule": blk(map[string]any{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": blk(map[string]any{
						"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key.s3", "arn")})})}),
				res("aws_s3_bucket_logging", "logs", map[string]any{"bucket": bucketRef,
					"target_bucket": "audit", "target_prefix": "logs/"}),
				res("aws_s3_account_public_access_block", "this", map[string]any{"block_public_acls": true}),
			},
			want: awsshape.Bucket{
				Name: "logs", Region: "eu-west-1",
				PublicAccessBlock:        &awsshape.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
				AccountPublicAccessBlock: &awsshape.PublicAccessBlock{BlockPublicAcls: true},
				Policy:                   sslOnlyDoc(),
				Acl: &awsshape.BucketAcl{Grants: []awsshape.Grant{
					{Grantee: awsshape.Grantee{Type: "CanonicalUser"}, Permission: "FULL_CONTROL"},
					{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/s3/LogDelivery"}, Permission: "WRITE"},
					{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/s3/LogDelivery"}, Permission: "READ_ACP"},
				}},
				ServerSideEncryptionConfiguration: &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{{
					BucketKeyEnabled:                   true,
					ApplyServerSideEncryptionByDefault: &awsshape.EncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: "${aws_kms_key.s3.arn}"},
				}}},
				Versioning:     awsshape.Versioning{Status: "Enabled", MFADelete: "Disabled"},
				LoggingEnabled: &awsshape.LoggingEnabled{TargetBucket: "audit", TargetPrefix: "logs/"},
			},
		},
		{
			name: "split resources joined by literal bucket name (a state)",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs", "id": "logs", "arn": "arn:aws:s3:::logs"}),
				res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": "logs",
					"versioning_configuration": blk(map[string]any{"status": "Suspended"})}),
				res("aws_s3_bucket_versioning", "other", map[string]any{"bucket": "another-bucket",
					"versioning_configuration": blk(map[string]any{"status": "Enabled"})}),
			},
			want: awsshape.Bucket{Name: "logs", Arn: "arn:aws:s3:::logs", Region: "eu-west-1", Acl: privateACL(),
				Versioning: awsshape.Versioning{Status: "Suspended"}},
		},
		{
			name: "split versioning Disabled is never-enabled",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"}),
				res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": bucketRef,
					"versioning_configuration": blk(map[string]any{"status": "Disabled"})}),
			},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: privateACL()},
		},
		{
			name: "inline style of provider v3",
			rs: []*tfmodel.Resource{res("aws_s3_bucket", "logs", map[string]any{
				"bucket": "logs", "acl": "public-read", "policy": sslOnlyPolicy,
				"versioning": blk(map[string]any{"enabled": true}),
				"logging":    blk(map[string]any{"target_bucket": "audit"}),
				"server_side_encryption_configuration": blk(map[string]any{"rule": blk(map[string]any{
					"apply_server_side_encryption_by_default": blk(map[string]any{"sse_algorithm": "AES256"})})}),
			})},
			want: awsshape.Bucket{
				Name: "logs", Region: "eu-west-1", Policy: sslOnlyDoc(),
				Acl: &awsshape.BucketAcl{Grants: []awsshape.Grant{
					{Grantee: awsshape.Grantee{Type: "CanonicalUser"}, Permission: "FULL_CONTROL"},
					{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: "READ"},
				}},
				ServerSideEncryptionConfiguration: &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{{
					ApplyServerSideEncryptionByDefault: &awsshape.EncryptionByDefault{SSEAlgorithm: "AES256"}}}},
				Versioning:     awsshape.Versioning{Status: "Enabled", MFADelete: "Disabled"},
				LoggingEnabled: &awsshape.LoggingEnabled{TargetBucket: "audit"},
			},
		},
		{
			name: "inline grants",
			rs: []*tfmodel.Resource{res("aws_s3_bucket", "logs", map[string]any{
				"bucket": "logs",
				"grant": blks(
					map[string]any{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permissions": list("READ", "READ_ACP")},
					map[string]any{"type": "CanonicalUser", "id": "abc", "permissions": list("FULL_CONTROL")}),
			})},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: &awsshape.BucketAcl{Grants: []awsshape.Grant{
				{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, Permission: "READ"},
				{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, Permission: "READ_ACP"},
				{Grantee: awsshape.Grantee{Type: "CanonicalUser", ID: "abc"}, Permission: "FULL_CONTROL"},
			}}},
		},
		{
			name: "split ACL with access_control_policy",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"}),
				res("aws_s3_bucket_acl", "a", map[string]any{"bucket": bucketRef, "access_control_policy": blk(map[string]any{
					"owner": blk(map[string]any{"id": "owner-id"}),
					"grant": blks(map[string]any{"permission": "READ", "grantee": blk(map[string]any{
						"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"})}),
				})}),
			},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: &awsshape.BucketAcl{
				Owner:  awsshape.Owner{ID: "owner-id"},
				Grants: []awsshape.Grant{{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: "READ"}},
			}},
		},
		{
			name: "unknown values leave fields zero with FieldErrors",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": unknown("var.name has no value"), "policy": unknown("")}),
				res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": bucketRef,
					"versioning_configuration": blk(map[string]any{"status": unknown("var.versioning has no value")})}),
				res("aws_s3_bucket_public_access_block", "p", map[string]any{"bucket": bucketRef, "block_public_acls": unknown("")}),
			},
			want: awsshape.Bucket{Region: "eu-west-1", Acl: privateACL(),
				PublicAccessBlock: &awsshape.PublicAccessBlock{}},
			errs: []string{"Name:Unknown", "Policy:Unknown", "PublicAccessBlock.BlockPublicAcls:Unknown", "Versioning.Status:Unknown"},
		},
		{
			name: "a policy that is not JSON",
			rs:   []*tfmodel.Resource{res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs", "policy": "Allow everything"})},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: privateACL()},
			errs: []string{"Policy:InvalidPolicy"},
		},
		{
			name: "policy from an aws_iam_policy_document the evaluator left unknown",
			rs: []*tfmodel.Resource{
				res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"}),
				res("aws_s3_bucket_policy", "p", map[string]any{"bucket": bucketRef,
					"policy": unknown("data.aws_iam_policy_document.ssl is read at apply")}),
				data("aws_iam_policy_document", "ssl", map[string]any{"statement": blk(map[string]any{
					"sid": "DenyInsecureTransport", "effect": "Deny", "actions": list("s3:*"),
					"resources":  list("arn:aws:s3:::logs", "arn:aws:s3:::logs/*"),
					"principals": blk(map[string]any{"type": "*", "identifiers": list("*")}),
					"condition":  blk(map[string]any{"test": "Bool", "variable": "aws:SecureTransport", "values": list("false")}),
				})}),
			},
			want: awsshape.Bucket{Name: "logs", Region: "eu-west-1", Acl: privateACL(), Policy: sslOnlyDoc()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := one(t, "aws_s3_bucket.logs", tt.rs...)
			sameConfig(t, a.Config, tt.want)
			if got := errPaths(a); !slices.Equal(got, tt.errs) {
				t.Errorf("errors = %v, want %v", got, tt.errs)
			}
			if a.Type != awsshape.TypeS3Bucket || a.Provider != "aws" || a.Region != "eu-west-1" {
				t.Errorf("asset header = %s %s %s", a.Type, a.Provider, a.Region)
			}
		})
	}
}

func TestS3BucketAssetHeader(t *testing.T) {
	a := one(t, "aws_s3_bucket.logs", res("aws_s3_bucket", "logs", map[string]any{
		"bucket": "my-logs", "tags": map[string]any{"team": "data"}}))
	if a.UID != "terraform:.#aws_s3_bucket.logs" || a.Name != "my-logs" || !reflect.DeepEqual(a.Tags, map[string]string{"team": "data"}) {
		t.Errorf("header = %q %q %v", a.UID, a.Name, a.Tags)
	}
	if a.Source.File != "main.tf" || a.Source.StartLine != 10 || a.Source.EndLine != 20 || a.Source.Kind != "terraform" {
		t.Errorf("source = %+v", a.Source)
	}
	if a.Hash == "" || a.Hash != a.ComputeHash() {
		t.Error("hash not computed")
	}
	// No name: Terraform generates one; the address names the asset.
	b := one(t, "aws_s3_bucket.gen", res("aws_s3_bucket", "gen", map[string]any{"bucket_prefix": "gen-"}))
	if b.Name != "aws_s3_bucket.gen" || b.Config["Name"] != "" || len(b.Errors) != 0 {
		t.Errorf("generated name: %q %v %v", b.Name, b.Config["Name"], b.Errors)
	}
}

func TestUnjoinableChildWarns(t *testing.T) {
	as, diags := mapAll(t,
		res("aws_s3_bucket", "logs", map[string]any{"bucket": "logs"}),
		res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": unknown("var.bucket has no value"),
			"versioning_configuration": blk(map[string]any{"status": "Enabled"})}))
	if len(diags) != 1 || diags[0].Severity != "warning" || diags[0].File != "main.tf" || diags[0].Line != 10 {
		t.Fatalf("diags = %v", diags)
	}
	if got := byAddr(as)["aws_s3_bucket.logs"].Config["Versioning"]; !reflect.DeepEqual(got, map[string]any{"Status": "", "MFADelete": ""}) {
		t.Errorf("versioning = %v", got)
	}
}
