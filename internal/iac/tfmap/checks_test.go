package tfmap

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/checks"
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// builtinEngine compiles every built-in check (AWS and code-only).
func builtinEngine(t *testing.T) *engine.Engine {
	t.Helper()
	var all []*check.Check
	for _, root := range []string{"aws", "iac"} {
		cs, err := check.LoadFS(checks.FS, root)
		if err != nil {
			t.Fatalf("load checks %s: %v", root, err)
		}
		all = append(all, cs...)
	}
	e, err := engine.New(all)
	if err != nil {
		t.Fatalf("compile checks: %v", err)
	}
	return e
}

// outcomes evaluates every check on every asset: check ID -> statuses.
func outcomes(t *testing.T, e *engine.Engine, as []asset.Asset) (map[string][]finding.Result, []finding.Result) {
	t.Helper()
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	by := map[string][]finding.Result{}
	var all []finding.Result
	for i := range as {
		for _, r := range e.Evaluate(&as[i], now) {
			by[r.CheckID] = append(by[r.CheckID], r)
			all = append(all, r)
		}
	}
	return by, all
}

// badModule is a deliberately misconfigured configuration: each resource
// breaks the checks listed in mustFail.
func badModule() *tfmodel.Module {
	publicRead := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bad/*"}]}`
	return &tfmodel.Module{
		Resources: []*tfmodel.Resource{
			res("aws_s3_bucket", "bad", map[string]any{"bucket": "bad", "acl": "public-read", "policy": publicRead}),
			res("aws_security_group", "open", map[string]any{"name": "open", "ingress": blk(map[string]any{
				"from_port": int64(0), "to_port": int64(0), "protocol": "-1", "cidr_blocks": list("0.0.0.0/0"), "ipv6_cidr_blocks": list("::/0")})}),
			res("aws_default_security_group", "default", map[string]any{"vpc_id": ref("aws_vpc.main", "id"),
				"ingress": blk(map[string]any{"from_port": int64(0), "to_port": int64(0), "protocol": "-1", "self": true})}),
			res("aws_instance", "app", map[string]any{"ami": "ami-1", "instance_type": "t3.micro",
				"user_data": "#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"}),
			res("aws_ebs_volume", "plain", map[string]any{"availability_zone": "eu-west-1a", "size": int64(8)}),
			res("aws_ebs_snapshot", "plain", map[string]any{"volume_id": ref("aws_ebs_volume.plain", "id")}),
			res("aws_snapshot_create_volume_permission", "public", map[string]any{"snapshot_id": ref("aws_ebs_snapshot.plain", "id"), "account_id": "all"}),
			res("aws_snapshot_create_volume_permission", "shared", map[string]any{"snapshot_id": ref("aws_ebs_snapshot.plain", "id"), "account_id": "444455556666"}),
			res("aws_vpc", "main", map[string]any{"cidr_block": "10.0.0.0/16"}),
			res("aws_subnet", "public", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "cidr_block": "10.0.0.0/24", "map_public_ip_on_launch": true}),
			res("aws_iam_role", "admin", map[string]any{"name": "admin",
				"assume_role_policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`}),
			res("aws_iam_role_policy_attachment", "admin", map[string]any{"role": ref("aws_iam_role.admin", "name"), "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
			res("aws_iam_role", "ci", map[string]any{"name": "ci", "assume_role_policy": ref("data.aws_iam_policy_document.ci", "json")}),
			data("aws_iam_policy_document", "ci", map[string]any{"statement": blk(map[string]any{
				"actions":    list("sts:AssumeRoleWithWebIdentity"),
				"principals": blk(map[string]any{"type": "Federated", "identifiers": list("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com")}),
				"condition":  blk(map[string]any{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": list("sts.amazonaws.com")}),
			})}),
			res("aws_iam_user", "alice", map[string]any{"name": "alice"}),
			res("aws_iam_user_login_profile", "alice", map[string]any{"user": ref("aws_iam_user.alice", "name")}),
			res("aws_iam_user_policy", "alice", map[string]any{"user": ref("aws_iam_user.alice", "name"), "name": "all", "policy": adminPolicy}),
			res("aws_iam_group", "ops", map[string]any{"name": "ops"}),
			res("aws_iam_group_policy_attachment", "ops", map[string]any{"group": ref("aws_iam_group.ops", "name"), "policy_arn": ref("aws_iam_policy.star", "arn")}),
			res("aws_iam_policy", "star", map[string]any{"name": "star", "policy": adminPolicy}),
			res("aws_iam_policy", "s3all", map[string]any{"name": "s3all", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}),
			res("aws_iam_role_policy_attachment", "s3all", map[string]any{"role": ref("aws_iam_role.ci", "name"), "policy_arn": ref("aws_iam_policy.s3all", "arn")}),
			res("aws_kms_key", "norotate", nil),
			res("aws_db_instance", "db", map[string]any{"identifier": "db", "engine": "postgres", "publicly_accessible": true,
				"auto_minor_version_upgrade": false, "backup_retention_period": int64(1)}),
			res("aws_rds_cluster", "aurora", map[string]any{"cluster_identifier": "aurora", "engine": "aurora-mysql"}),
			res("aws_neptune_cluster", "graph", map[string]any{"cluster_identifier": "graph"}),
			res("aws_ecr_repository", "repo", map[string]any{"name": "repo"}),
			res("aws_ecr_repository_policy", "repo", map[string]any{"repository": ref("aws_ecr_repository.repo", "name"),
				"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}`}),
			res("aws_eks_cluster", "k8s", map[string]any{"name": "k8s", "role_arn": "arn:aws:iam::111122223333:role/eks",
				"vpc_config": blk(map[string]any{"subnet_ids": list("subnet-1")})}),
			res("aws_opensearch_domain", "search", map[string]any{"domain_name": "search",
				"access_policies": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:*"}]}`}),
			res("aws_lb", "web", map[string]any{"name": "web"}),
			res("aws_lb_listener", "http", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(80), "protocol": "HTTP",
				"default_action": blk(map[string]any{"type": "forward"})}),
			res("aws_lb_listener", "https", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(443), "protocol": "HTTPS",
				"certificate_arn": "arn:aws:acm:eu-west-1:111122223333:certificate/1", "default_action": blk(map[string]any{"type": "forward"})}),
			res("aws_elb", "classic", map[string]any{"name": "classic", "listener": blk(map[string]any{
				"lb_port": int64(80), "lb_protocol": "http", "instance_port": int64(80), "instance_protocol": "http"})}),
			res("aws_lambda_function", "fn", map[string]any{"function_name": "fn", "runtime": "python3.8", "handler": "h", "role": "arn:aws:iam::1:role/l",
				"environment": blk(map[string]any{"variables": map[string]any{"DB_PASSWORD": "correct-horse-battery"}})}),
			res("aws_lambda_permission", "anyone", map[string]any{"function_name": ref("aws_lambda_function.fn", "function_name"), "principal": "*"}),
			res("aws_lambda_function_url", "fn", map[string]any{"function_name": ref("aws_lambda_function.fn", "function_name"), "authorization_type": "NONE"}),
			res("aws_cloudtrail", "trail", map[string]any{"name": "trail", "s3_bucket_name": "trail-logs", "enable_logging": false}),
		},
		Providers: []*tfmodel.Provider{{Name: "aws", Attributes: map[string]any{"region": "eu-west-1",
			"access_key": "AKIAABCDEFGHIJKLMNOP", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, File: "main.tf", StartLine: 1}},
		Variables:    []*tfmodel.Variable{{Name: "db_password", Default: "hunter2hunter2", HasDefault: true, File: "main.tf", StartLine: 5}},
		Suppressions: []tfmodel.Suppression{{CheckID: "aws-s3-bucket-versioning", Address: "aws_s3_bucket.bad", File: "main.tf", Line: 9}},
	}
}

// mustFail are the checks badModule breaks (and goodModule passes).
var mustFail = []string{
	"aws-s3-bucket-policy-public", "aws-s3-bucket-ssl-only", "aws-s3-bucket-versioning", "aws-s3-bucket-access-logging",
	"aws-s3-bucket-acl-public", "aws-s3-bucket-public-access-block", "aws-s3-bucket-default-encryption",
	"aws-ec2-sg-internet-ssh", "aws-ec2-sg-internet-rdp", "aws-ec2-sg-internet-all-traffic", "aws-ec2-sg-internet-mysql",
	"aws-ec2-sg-internet-postgres", "aws-ec2-sg-internet-redis", "aws-ec2-sg-internet-mongodb", "aws-ec2-sg-internet-mssql",
	"aws-ec2-sg-internet-elasticsearch", "aws-ec2-sg-default-restricts-all",
	"aws-ec2-instance-imdsv2", "aws-ec2-instance-user-data-secrets", "aws-ec2-volume-encrypted",
	"aws-ec2-snapshot-encrypted", "aws-ec2-snapshot-public", "aws-ec2-snapshot-shared",
	"aws-vpc-flow-logs", "aws-vpc-subnet-auto-public-ip",
	"aws-iam-role-admin-access", "aws-iam-role-trust-public", "aws-iam-role-trust-github-oidc-unscoped",
	"aws-iam-user-admin-access", "aws-iam-user-direct-policies", "aws-iam-user-console-mfa",
	"aws-iam-group-admin-access", "aws-iam-policy-admin-attached", "aws-iam-policy-service-wildcard",
	"aws-kms-key-rotation",
	"aws-rds-instance-encrypted", "aws-rds-instance-public", "aws-rds-instance-backup-retention",
	"aws-rds-instance-deletion-protection", "aws-rds-instance-auto-minor-upgrade",
	"aws-rds-cluster-encrypted", "aws-rds-cluster-backup-retention", "aws-rds-cluster-deletion-protection",
	"aws-rds-cluster-iam-auth", "aws-rds-cluster-log-exports",
	"aws-neptune-cluster-encrypted", "aws-neptune-cluster-iam-auth", "aws-neptune-cluster-audit-logs",
	"aws-neptune-cluster-backup-retention", "aws-neptune-cluster-deletion-protection",
	"aws-ecr-repository-policy-public", "aws-ecr-repository-tag-immutability", "aws-ecr-repository-lifecycle-policy",
	"aws-ecr-repository-kms-encryption", "aws-ecr-repository-scan-on-push",
	"aws-eks-cluster-endpoint-public", "aws-eks-cluster-control-plane-logging", "aws-eks-cluster-secrets-encryption",
	"aws-opensearch-domain-https-tls12", "aws-opensearch-domain-policy-public", "aws-opensearch-domain-audit-logs",
	"aws-opensearch-domain-node-to-node-encryption", "aws-opensearch-domain-fine-grained-access", "aws-opensearch-domain-encryption-at-rest",
	"aws-elbv2-drop-invalid-headers", "aws-elbv2-http-redirects-to-https", "aws-elbv2-deletion-protection",
	"aws-elbv2-access-logs", "aws-elbv2-listener-tls-policy", "aws-elb-access-logs", "aws-elb-listener-encrypted",
	"aws-lambda-function-policy-public", "aws-lambda-function-tracing", "aws-lambda-function-deprecated-runtime",
	"aws-lambda-function-url-auth", "aws-lambda-function-env-secrets",
	"aws-cloudtrail-trail-cloudwatch-logs", "aws-cloudtrail-trail-logging", "aws-cloudtrail-trail-kms-encryption",
	"aws-cloudtrail-trail-log-file-validation", "aws-cloudtrail-trail-multi-region",
	"iac-terraform-provider-credentials", "iac-terraform-variable-default-secret", "iac-suppression-reason",
}

// mayError are checks that read dates IAM sets when it creates a user:
// they cannot be evaluated before apply.
var mayError = map[string]bool{"aws-iam-user-unused-password": true}

// goodModule is the compliant version of badModule.
func goodModule() *tfmodel.Module {
	sslOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::good","arn:aws:s3:::good/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	b := ref("aws_s3_bucket.good", "id")
	kms := ref("aws_kms_key.main", "arn")
	return &tfmodel.Module{
		Resources: []*tfmodel.Resource{
			res("aws_s3_bucket", "good", map[string]any{"bucket": "good"}),
			res("aws_s3_bucket_public_access_block", "good", map[string]any{"bucket": b, "block_public_acls": true,
				"ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}),
			res("aws_s3_bucket_policy", "good", map[string]any{"bucket": b, "policy": sslOnly}),
			res("aws_s3_bucket_versioning", "good", map[string]any{"bucket": b, "versioning_configuration": blk(map[string]any{"status": "Enabled"})}),
			res("aws_s3_bucket_logging", "good", map[string]any{"bucket": b, "target_bucket": "logs"}),
			res("aws_s3_bucket_server_side_encryption_configuration", "good", map[string]any{"bucket": b, "rule": blk(map[string]any{
				"apply_server_side_encryption_by_default": blk(map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": kms})})}),
			res("aws_security_group", "web", map[string]any{"name": "web", "vpc_id": ref("aws_vpc.main", "id")}),
			res("aws_vpc_security_group_ingress_rule", "https", map[string]any{"security_group_id": ref("aws_security_group.web", "id"),
				"ip_protocol": "tcp", "from_port": int64(443), "to_port": int64(443), "cidr_ipv4": "0.0.0.0/0"}),
			res("aws_vpc_security_group_ingress_rule", "ssh", map[string]any{"security_group_id": ref("aws_security_group.web", "id"),
				"ip_protocol": "tcp", "from_port": int64(22), "to_port": int64(22), "cidr_ipv4": "10.20.0.0/16"}),
			res("aws_default_security_group", "default", map[string]any{"vpc_id": ref("aws_vpc.main", "id")}),
			res("aws_instance", "app", map[string]any{"ami": "ami-1", "instance_type": "t3.micro", "subnet_id": ref("aws_subnet.private", "id"),
				"vpc_security_group_ids": list(ref("aws_security_group.web", "id")),
				"metadata_options":       blk(map[string]any{"http_tokens": "required"}),
				"root_block_device":      blk(map[string]any{"encrypted": true, "kms_key_id": kms})}),
			res("aws_ebs_volume", "data", map[string]any{"availability_zone": "eu-west-1a", "size": int64(8), "encrypted": true}),
			res("aws_ebs_snapshot", "data", map[string]any{"volume_id": ref("aws_ebs_volume.data", "id")}),
			res("aws_vpc", "main", map[string]any{"cidr_block": "10.0.0.0/16"}),
			res("aws_flow_log", "main", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "traffic_type": "ALL", "log_destination": ref("aws_s3_bucket.good", "arn"), "log_destination_type": "s3"}),
			res("aws_subnet", "private", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "cidr_block": "10.0.1.0/24"}),
			res("aws_iam_role", "app", map[string]any{"name": "app", "assume_role_policy": trust,
				"inline_policy": blk(map[string]any{"name": "read", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::good/*"}]}`})}),
			res("aws_iam_role", "ci", map[string]any{"name": "ci", "assume_role_policy": ref("data.aws_iam_policy_document.ci", "json")}),
			data("aws_iam_policy_document", "ci", map[string]any{"statement": blk(map[string]any{
				"actions":    list("sts:AssumeRoleWithWebIdentity"),
				"principals": blk(map[string]any{"type": "Federated", "identifiers": list("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com")}),
				"condition": blks(
					map[string]any{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": list("sts.amazonaws.com")},
					map[string]any{"test": "StringLike", "variable": "token.actions.githubusercontent.com:sub", "values": list("repo:org/app:ref:refs/heads/main")}),
			})}),
			res("aws_iam_policy", "deploy", map[string]any{"name": "deploy", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"*"}]}`}),
			res("aws_iam_role_policy_attachment", "deploy", map[string]any{"role": ref("aws_iam_role.ci", "name"), "policy_arn": ref("aws_iam_policy.deploy", "arn")}),
			res("aws_iam_user", "bot", map[string]any{"name": "bot"}),
			res("aws_iam_group", "ops", map[string]any{"name": "ops"}),
			res("aws_iam_group_policy_attachment", "ops", map[string]any{"group": ref("aws_iam_group.ops", "name"), "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
			res("aws_kms_key", "main", map[string]any{"enable_key_rotation": true}),
			res("aws_db_instance", "db", map[string]any{"identifier": "db", "engine": "postgres", "storage_encrypted": true, "kms_key_id": kms,
				"backup_retention_period": int64(14), "deletion_protection": true}),
			res("aws_rds_cluster", "aurora", map[string]any{"cluster_identifier": "aurora", "engine": "aurora-mysql", "storage_encrypted": true,
				"backup_retention_period": int64(7), "deletion_protection": true, "iam_database_authentication_enabled": true,
				"enabled_cloudwatch_logs_exports": list("audit", "error")}),
			res("aws_neptune_cluster", "graph", map[string]any{"cluster_identifier": "graph", "storage_encrypted": true, "backup_retention_period": int64(7),
				"deletion_protection": true, "iam_database_authentication_enabled": true, "enable_cloudwatch_logs_exports": list("audit")}),
			res("aws_ecr_repository", "repo", map[string]any{"name": "repo", "image_tag_mutability": "IMMUTABLE",
				"image_scanning_configuration": blk(map[string]any{"scan_on_push": true}),
				"encryption_configuration":     blk(map[string]any{"encryption_type": "KMS", "kms_key": kms})}),
			res("aws_ecr_lifecycle_policy", "repo", map[string]any{"repository": ref("aws_ecr_repository.repo", "name"), "policy": "{}"}),
			res("aws_eks_cluster", "k8s", map[string]any{"name": "k8s", "role_arn": "arn:aws:iam::111122223333:role/eks",
				"enabled_cluster_log_types": list("api", "audit", "authenticator"),
				"vpc_config":                blk(map[string]any{"subnet_ids": list("subnet-1"), "endpoint_private_access": true, "public_access_cidrs": list("203.0.113.0/24")}),
				"encryption_config":         blk(map[string]any{"resources": list("secrets"), "provider": blk(map[string]any{"key_arn": kms})})}),
			res("aws_opensearch_domain", "search", map[string]any{"domain_name": "search", "engine_version": "OpenSearch_2.13",
				"encrypt_at_rest":           blk(map[string]any{"enabled": true}),
				"node_to_node_encryption":   blk(map[string]any{"enabled": true}),
				"domain_endpoint_options":   blk(map[string]any{"enforce_https": true, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}),
				"advanced_security_options": blk(map[string]any{"enabled": true}),
				"vpc_options":               blk(map[string]any{"subnet_ids": list("subnet-1")}),
				"log_publishing_options":    blk(map[string]any{"log_type": "AUDIT_LOGS", "cloudwatch_log_group_arn": "arn:aws:logs:eu-west-1:1:log-group:a"})}),
			res("aws_opensearch_domain", "public", map[string]any{"domain_name": "public",
				"encrypt_at_rest":           blk(map[string]any{"enabled": true}),
				"node_to_node_encryption":   blk(map[string]any{"enabled": true}),
				"domain_endpoint_options":   blk(map[string]any{"tls_security_policy": "Policy-Min-TLS-1-2-PFS-2023-10"}),
				"advanced_security_options": blk(map[string]any{"enabled": true}),
				"access_policies":           `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"es:*"}]}`,
				"log_publishing_options":    blk(map[string]any{"log_type": "AUDIT_LOGS", "cloudwatch_log_group_arn": "arn:aws:logs:eu-west-1:1:log-group:a"})}),
			res("aws_lb", "web", map[string]any{"name": "web", "drop_invalid_header_fields": true, "enable_deletion_protection": true,
				"access_logs": blk(map[string]any{"bucket": "logs", "enabled": true})}),
			res("aws_lb_listener", "http", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(80), "protocol": "HTTP",
				"default_action": blk(map[string]any{"type": "redirect", "redirect": blk(map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"})})}),
			res("aws_lb_listener", "https", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(443), "protocol": "HTTPS",
				"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificate_arn": "arn:aws:acm:eu-west-1:111122223333:certificate/1",
				"default_action": blk(map[string]any{"type": "forward"})}),
			res("aws_elb", "classic", map[string]any{"name": "classic", "listener": blk(map[string]any{
				"lb_port": int64(443), "lb_protocol": "https", "instance_port": int64(80), "instance_protocol": "http", "ssl_certificate_id": "arn:aws:acm:eu-west-1:1:certificate/1"}),
				"access_logs": blk(map[string]any{"bucket": "logs"})}),
			res("aws_lambda_function", "fn", map[string]any{"function_name": "fn", "runtime": "python3.12", "handler": "h", "role": "arn:aws:iam::1:role/l",
				"tracing_config": blk(map[string]any{"mode": "Active"}),
				"environment":    blk(map[string]any{"variables": map[string]any{"STAGE": "prod", "DB_PASSWORD": ref("aws_ssm_parameter.db", "value")}})}),
			res("aws_lambda_permission", "s3", map[string]any{"function_name": ref("aws_lambda_function.fn", "function_name"), "principal": "s3.amazonaws.com",
				"source_arn": ref("aws_s3_bucket.good", "arn"), "source_account": "111122223333"}),
			res("aws_lambda_function_url", "fn", map[string]any{"function_name": ref("aws_lambda_function.fn", "function_name"), "authorization_type": "AWS_IAM"}),
			res("aws_cloudtrail", "trail", map[string]any{"name": "trail", "s3_bucket_name": ref("aws_s3_bucket.good", "id"), "is_multi_region_trail": true,
				"enable_log_file_validation": true, "kms_key_id": kms, "cloud_watch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:trail:*"}),
		},
		Providers: []*tfmodel.Provider{{Name: "aws", Attributes: map[string]any{"region": "eu-west-1"}, File: "main.tf", StartLine: 1}},
		Variables: []*tfmodel.Variable{{Name: "db_password", Sensitive: true, File: "main.tf", StartLine: 5},
			{Name: "instance_type", Default: "t3.micro", HasDefault: true, File: "main.tf", StartLine: 7}},
		Suppressions: []tfmodel.Suppression{{CheckID: "aws-s3-bucket-versioning", Reason: "write-once", Address: "aws_s3_bucket.good", File: "main.tf", Line: 9}},
	}
}

func TestBuiltinChecksApplyUnchanged(t *testing.T) {
	e := builtinEngine(t)
	for _, id := range mustFail {
		if _, ok := e.Check(id); !ok {
			t.Errorf("no built-in check %s", id)
		}
	}
	mapMod := func(mod *tfmodel.Module) []asset.Asset {
		for _, r := range mod.Resources {
			r.Region = "eu-west-1"
		}
		as, diags := Map(mod, Options{Root: testRoot, Source: asset.SourceTerraform})
		if len(diags) != 0 {
			t.Fatalf("diagnostics: %v", diags)
		}
		return as
	}

	bad, badAll := outcomes(t, e, mapMod(badModule()))
	for _, id := range mustFail {
		if !hasStatus(bad[id], finding.Fail) {
			t.Errorf("bad: %s did not fail: %s", id, describeResults(bad[id]))
		}
	}
	for _, r := range badAll {
		if r.Status == finding.Error && !mayError[r.CheckID] {
			t.Errorf("bad: %s on %s: ERROR %s", r.CheckID, r.AssetUID, r.Message)
		}
	}

	good, goodAll := outcomes(t, e, mapMod(goodModule()))
	for _, id := range mustFail {
		if id == "aws-iam-user-console-mfa" {
			// Terraform cannot enable an MFA device: a user it gives a
			// console password never has one, so the compliant module
			// gives none (NOT_APPLICABLE).
			continue
		}
		if !hasStatus(good[id], finding.Pass) {
			t.Errorf("good: %s did not pass: %s", id, describeResults(good[id]))
		}
	}
	for _, r := range goodAll {
		if r.Status == finding.Error || r.Status == finding.Fail {
			t.Errorf("good: %s on %s: %s %s", r.CheckID, r.AssetUID, r.Status, r.Message)
		}
	}
}

// TestUnknownIsError: a check reading a field known only at apply time
// reports ERROR, never PASS or FAIL.
func TestUnknownIsError(t *testing.T) {
	e := builtinEngine(t)
	as, _ := mapAll(t,
		res("aws_db_instance", "db", map[string]any{"identifier": "db", "storage_encrypted": unknown("var.encrypted has no value")}),
		res("aws_security_group", "sg", map[string]any{"name": "sg", "ingress": blk(map[string]any{
			"from_port": int64(22), "to_port": int64(22), "protocol": "tcp", "cidr_blocks": unknown("var.admin_cidrs has no value")})}),
		res("aws_s3_bucket", "b", map[string]any{"bucket": "b", "policy": unknown("derived from aws_iam_role.x.arn (known after apply)")}),
	)
	by, _ := outcomes(t, e, as)
	for _, id := range []string{"aws-rds-instance-encrypted", "aws-ec2-sg-internet-ssh", "aws-s3-bucket-ssl-only", "aws-s3-bucket-policy-public"} {
		if len(by[id]) != 1 || by[id][0].Status != finding.Error || !strings.Contains(by[id][0].Message, "known only at apply time") {
			t.Errorf("%s: %s", id, describeResults(by[id]))
		}
	}
	if r := by["aws-rds-instance-public"]; len(r) != 1 || r[0].Status != finding.Pass {
		t.Errorf("known field of the same asset: %s", describeResults(r))
	}
}

func hasStatus(rs []finding.Result, s finding.Status) bool {
	for _, r := range rs {
		if r.Status == s {
			return true
		}
	}
	return false
}

func describeResults(rs []finding.Result) string {
	if len(rs) == 0 {
		return "no results"
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.AssetUID+"="+string(r.Status)+" "+r.Message)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
