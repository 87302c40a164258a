package tfmap

import (
	"reflect"
	"testing"

	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// TestStylesAgree builds the same resource in each style Terraform
// allows (separate resources of provider v4+, inline arguments and blocks
// of older providers, rule resources of both generations) and asserts
// they map to identical Config.
func TestStylesAgree(t *testing.T) {
	bucket := func(extra map[string]any) *tfmodel.Resource {
		a := map[string]any{"bucket": "logs"}
		for k, v := range extra {
			a[k] = v
		}
		return res("aws_s3_bucket", "logs", a)
	}
	b := ref("aws_s3_bucket.logs", "id")
	sse := blk(map[string]any{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": blk(map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/s3"})})
	role := func(extra map[string]any) *tfmodel.Resource {
		a := map[string]any{"name": "app", "assume_role_policy": trust}
		for k, v := range extra {
			a[k] = v
		}
		return res("aws_iam_role", "app", a)
	}
	policy := res("aws_iam_policy", "p", map[string]any{"name": "p", "policy": adminPolicy})
	rule := map[string]any{"from_port": int64(5432), "to_port": int64(5432), "protocol": "tcp", "cidr_blocks": list("0.0.0.0/0", "10.0.0.0/8"), "ipv6_cidr_blocks": list("::/0")}
	domainPolicy := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttpGet"}]}`

	pairs := []struct {
		name, addr string
		styles     [][]*tfmodel.Resource
	}{
		{"s3 policy", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_policy", "p", map[string]any{"bucket": b, "policy": sslOnlyPolicy})},
			{bucket(map[string]any{"policy": sslOnlyPolicy})},
		}},
		{"s3 canned acl", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_acl", "a", map[string]any{"bucket": b, "acl": "authenticated-read"})},
			{bucket(map[string]any{"acl": "authenticated-read"})},
		}},
		{"s3 versioning", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": b, "versioning_configuration": blk(map[string]any{"status": "Enabled", "mfa_delete": "Enabled"})})},
			{bucket(map[string]any{"versioning": blk(map[string]any{"enabled": true, "mfa_delete": true})})},
		}},
		{"s3 versioning off", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_versioning", "v", map[string]any{"bucket": b, "versioning_configuration": blk(map[string]any{"status": "Disabled"})})},
			{bucket(map[string]any{"versioning": blk(map[string]any{"enabled": false})})},
			{bucket(nil)},
		}},
		{"s3 encryption", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_server_side_encryption_configuration", "e", map[string]any{"bucket": b, "rule": sse})},
			{bucket(map[string]any{"server_side_encryption_configuration": blk(map[string]any{"rule": sse})})},
		}},
		{"s3 logging", "aws_s3_bucket.logs", [][]*tfmodel.Resource{
			{bucket(nil), res("aws_s3_bucket_logging", "l", map[string]any{"bucket": "logs", "target_bucket": "audit", "target_prefix": "s3/"})},
			{bucket(map[string]any{"logging": blk(map[string]any{"target_bucket": "audit", "target_prefix": "s3/"})})},
		}},
		{"security group rules", "aws_security_group.db", [][]*tfmodel.Resource{
			{res("aws_security_group", "db", map[string]any{"name": "db", "ingress": blk(rule)})},
			{res("aws_security_group", "db", map[string]any{"name": "db"}),
				res("aws_security_group_rule", "r", func() map[string]any {
					m := map[string]any{"type": "ingress", "security_group_id": ref("aws_security_group.db", "id")}
					for k, v := range rule {
						m[k] = v
					}
					return m
				}())},
			{res("aws_security_group", "db", map[string]any{"name": "db"}),
				res("aws_vpc_security_group_ingress_rule", "a", map[string]any{"security_group_id": ref("aws_security_group.db", "id"), "ip_protocol": "tcp", "from_port": int64(5432), "to_port": int64(5432), "cidr_ipv4": "0.0.0.0/0"}),
				res("aws_vpc_security_group_ingress_rule", "b", map[string]any{"security_group_id": ref("aws_security_group.db", "id"), "ip_protocol": "6", "from_port": int64(5432), "to_port": int64(5432), "cidr_ipv4": "10.0.0.0/8"}),
				res("aws_vpc_security_group_ingress_rule", "c", map[string]any{"security_group_id": ref("aws_security_group.db", "id"), "ip_protocol": "tcp", "from_port": int64(5432), "to_port": int64(5432), "cidr_ipv6": "::/0"})},
		}},
		{"role inline policy", "aws_iam_role.app", [][]*tfmodel.Resource{
			{role(map[string]any{"inline_policy": blk(map[string]any{"name": "admin", "policy": adminPolicy})})},
			{role(nil), res("aws_iam_role_policy", "admin", map[string]any{"role": ref("aws_iam_role.app", "name"), "name": "admin", "policy": adminPolicy})},
		}},
		{"role managed policies", "aws_iam_role.app", [][]*tfmodel.Resource{
			{role(map[string]any{"managed_policy_arns": list(ref("aws_iam_policy.p", "arn"))}), policy},
			{role(nil), policy, res("aws_iam_role_policy_attachment", "a", map[string]any{"role": ref("aws_iam_role.app", "name"), "policy_arn": ref("aws_iam_policy.p", "arn")})},
			{role(nil), policy, res("aws_iam_policy_attachment", "a", map[string]any{"name": "a", "roles": list(ref("aws_iam_role.app", "name")), "policy_arn": ref("aws_iam_policy.p", "arn")})},
		}},
		{"opensearch access policy", "aws_opensearch_domain.d", [][]*tfmodel.Resource{
			{res("aws_opensearch_domain", "d", map[string]any{"domain_name": "d", "access_policies": domainPolicy})},
			{res("aws_opensearch_domain", "d", map[string]any{"domain_name": "d"}),
				res("aws_opensearch_domain_policy", "p", map[string]any{"domain_name": ref("aws_opensearch_domain.d", "domain_name"), "access_policies": domainPolicy})},
		}},
		{"load balancer listeners", "aws_lb.web", [][]*tfmodel.Resource{
			{res("aws_lb", "web", map[string]any{"name": "web"}), res("aws_lb_listener", "l", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(80), "protocol": "HTTP", "default_action": blk(map[string]any{"type": "forward"})})},
			{res("aws_lb", "web", map[string]any{"name": "web"}), res("aws_alb_listener", "l", map[string]any{"load_balancer_arn": ref("aws_lb.web", "arn"), "port": int64(80), "default_action": blk(map[string]any{"type": "forward"})})},
		}},
		{"policy as JSON and as a policy document", "aws_iam_policy.p", [][]*tfmodel.Resource{
			{res("aws_iam_policy", "p", map[string]any{"name": "p", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]}]}`})},
			{res("aws_iam_policy", "p", map[string]any{"name": "p", "policy": ref("data.aws_iam_policy_document.d", "json")}),
				data("aws_iam_policy_document", "d", map[string]any{"statement": blk(map[string]any{"actions": list("s3:GetObject"), "resources": list("arn:aws:s3:::a/*", "arn:aws:s3:::b/*")})})},
		}},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			var first map[string]any
			for i, rs := range p.styles {
				a := one(t, p.addr, rs...)
				if len(a.Errors) != 0 {
					t.Errorf("style %d: errors %v", i, a.Errors)
				}
				if i == 0 {
					first = a.Config
					continue
				}
				if !reflect.DeepEqual(first, a.Config) {
					t.Errorf("style %d differs from style 0:\n%s\nvs\n%s", i, js(a.Config), js(first))
				}
			}
		})
	}
}
