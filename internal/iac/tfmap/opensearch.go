package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_opensearch_domain", mapSearchDomain)
	register("aws_elasticsearch_domain", mapSearchDomain)
	joined("aws_opensearch_domain_policy", "aws_elasticsearch_domain_policy")
}

// mapSearchDomain maps an OpenSearch or Elasticsearch domain with its
// access policy (inline access_policies or a *_domain_policy resource).
// Omitted blocks take CreateDomain's defaults: no encryption at rest or
// between nodes, HTTPS not enforced, a public endpoint, no fine-grained
// access control, no log publishing.
func mapSearchDomain(m *mapping) {
	a, r := m.a, m.r
	es := r.Type == "aws_elasticsearch_domain"
	name := a.str("domain_name", "DomainName")
	d := awsshape.OpenSearchDomain{
		DomainName:           name,
		ARN:                  a.known("arn"),
		LogPublishingOptions: map[string]awsshape.LogPublishing{},
	}
	if es {
		// The provider's default version is 1.5.
		if v := a.strOr("elasticsearch_version", "EngineVersion", "1.5"); v != "" {
			d.EngineVersion = "Elasticsearch_" + v
		}
	} else {
		d.EngineVersion = a.str("engine_version", "EngineVersion") // omitted: the latest at apply
	}

	policyType := "aws_opensearch_domain_policy"
	if es {
		policyType = "aws_elasticsearch_domain_policy"
	}
	if ps := m.ix.linked(policyType, "domain_name", r, idsOf(r, "domain_name")...); len(ps) > 0 {
		d.AccessPolicies = m.on(ps[0]).policy("access_policies", "AccessPolicies")
	} else {
		d.AccessPolicies = a.policy("access_policies", "AccessPolicies")
	}

	if e, ok := a.block("encrypt_at_rest", "EncryptionAtRestOptions"); ok {
		d.EncryptionAtRestOptions = awsshape.EncryptionAtRest{
			Enabled:  e.boolean("enabled", "EncryptionAtRestOptions.Enabled", false),
			KmsKeyId: e.str("kms_key_id", "EncryptionAtRestOptions.KmsKeyId"),
		}
		m.relate(relEncryptedWith, e.raw("kms_key_id"))
	}
	if n, ok := a.block("node_to_node_encryption", "NodeToNodeEncryptionOptions"); ok {
		d.NodeToNodeEncryptionOptions.Enabled = n.boolean("enabled", "NodeToNodeEncryptionOptions.Enabled", false)
	}
	if o, ok := a.block("domain_endpoint_options", "DomainEndpointOptions"); ok {
		// Within the block the provider defaults enforce_https to true;
		// the TLS policy omitted is AWS's default, known once created.
		d.DomainEndpointOptions = awsshape.DomainEndpointOptions{
			EnforceHTTPS:      o.boolean("enforce_https", "DomainEndpointOptions.EnforceHTTPS", true),
			TLSSecurityPolicy: o.str("tls_security_policy", "DomainEndpointOptions.TLSSecurityPolicy"),
		}
	}
	if v, ok := a.block("vpc_options", "VPCOptions"); ok {
		d.VPCOptions = &awsshape.DomainVPCOptions{
			VPCId:            v.known("vpc_id"),
			SubnetIds:        sortedSet(v.strs("subnet_ids", "VPCOptions.SubnetIds")),
			SecurityGroupIds: sortedSet(v.strs("security_group_ids", "VPCOptions.SecurityGroupIds")),
		}
		for _, g := range v.values("security_group_ids", "VPCOptions.SecurityGroupIds") {
			m.relate(relSecurityGroup, g)
		}
	}
	if s, ok := a.block("advanced_security_options", "AdvancedSecurityOptions"); ok {
		d.AdvancedSecurityOptions = awsshape.AdvancedSecurityOptions{
			Enabled:                     s.boolean("enabled", "AdvancedSecurityOptions.Enabled", false),
			InternalUserDatabaseEnabled: s.boolean("internal_user_database_enabled", "AdvancedSecurityOptions.InternalUserDatabaseEnabled", false),
		}
	}
	for _, l := range a.blocks("log_publishing_options", "LogPublishingOptions") {
		typ := l.str("log_type", "LogPublishingOptions")
		if typ == "" {
			continue
		}
		d.LogPublishingOptions[typ] = awsshape.LogPublishing{
			Enabled:                   l.boolean("enabled", "LogPublishingOptions", true),
			CloudWatchLogsLogGroupArn: l.str("cloudwatch_log_group_arn", "LogPublishingOptions"),
		}
	}
	if c, ok := a.block("cluster_config", "ClusterZoneAwareness"); ok {
		d.ClusterZoneAwareness = c.boolean("zone_awareness_enabled", "ClusterZoneAwareness", false)
	}
	// Every domain takes automated snapshots (hourly, or daily at
	// snapshot_options' hour on old Elasticsearch) unless an operator
	// pauses them, which configuration cannot do.
	d.AutomatedSnapshotEnabled = true
	m.emit(awsshape.TypeOpenSearch, name, d)
}
