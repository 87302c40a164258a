package cloudformation

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

// Grantee URIs of S3's predefined groups.
const (
	allUsersURI      = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI     = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logDeliveryGroup = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// mapBucket maps AWS::S3::Bucket, with the AWS::S3::BucketPolicy that
// names it, to aws.s3.bucket.
func mapBucket(m *rmap) any {
	t, r := m.t, m.r
	name, known := t.physicalName(r)
	if known {
		m.name = name
	} else {
		name = "${" + r.id + "}"
		if v, set := m.get("BucketName"); set && v != nil {
			// Written, but known only at deploy time.
			m.str("Name", "BucketName", "")
			m.str("Arn", "BucketName", "")
		}
	}
	b := awsshape.Bucket{
		Name:   name,
		Arn:    "arn:" + t.pseudo("AWS::Partition").text + ":s3:::" + name,
		Region: t.region(),
		// AccountPublicAccessBlock is the account's setting, which no
		// template holds: null (not set), so checks rely on the bucket's
		// own setting and never pass on an assumed account setting.
		// PolicyStatus is S3's own verdict on a deployed policy: null too;
		// checks read the policy document itself.
	}

	if v, ok := m.get("PublicAccessBlockConfiguration"); ok && v != nil {
		const p = "PublicAccessBlockConfiguration."
		b.PublicAccessBlock = &awsshape.PublicAccessBlock{
			BlockPublicAcls:       m.boolean("PublicAccessBlock.BlockPublicAcls", p+"BlockPublicAcls", false),
			IgnorePublicAcls:      m.boolean("PublicAccessBlock.IgnorePublicAcls", p+"IgnorePublicAcls", false),
			BlockPublicPolicy:     m.boolean("PublicAccessBlock.BlockPublicPolicy", p+"BlockPublicPolicy", false),
			RestrictPublicBuckets: m.boolean("PublicAccessBlock.RestrictPublicBuckets", p+"RestrictPublicBuckets", false),
		}
	} else {
		// Since April 2023 S3 turns all four settings on for new buckets.
		b.PublicAccessBlock = &awsshape.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	}

	var policies []*resource
	t.each("AWS::S3::BucketPolicy", func(p *resource) {
		if pp := t.props(p); pp != nil && t.target(pp["Bucket"], "AWS::S3::Bucket") == r {
			policies = append(policies, p)
		}
	})
	if len(policies) > 1 {
		t.warnf(policies[len(policies)-1].key, "bucket %s has %d bucket policies; a bucket holds one, the last is used", r.id, len(policies))
	}
	if n := len(policies); n > 0 {
		pm := m.other(policies[n-1])
		b.Policy = pm.document("Policy", "PolicyDocument")
		if v, ok := pm.get("PolicyDocument"); !ok || v == nil {
			pm.invalid("Policy", "PolicyDocument", nil, "set (it is required)")
		}
		m.absorb(pm, "Policy")
		m.conditional("Policy", policies[n-1])
	}

	canned := m.str("Acl", "AccessControl", "Private")
	b.Acl = cannedACL(canned)
	if b.Acl == nil {
		m.invalid("Acl", "AccessControl", canned, "a canned ACL (Private, PublicRead, ...)")
	}

	if v, ok := m.get("BucketEncryption"); ok && v != nil {
		sse := &awsshape.ServerSideEncryptionConfiguration{}
		const path = "BucketEncryption.ServerSideEncryptionConfiguration"
		for _, it := range m.items("ServerSideEncryptionConfiguration", path) {
			rule := awsshape.EncryptionRule{BucketKeyEnabled: m.toBool("ServerSideEncryptionConfiguration", path+".BucketKeyEnabled", it["BucketKeyEnabled"], true, false)}
			if def, ok := it["ServerSideEncryptionByDefault"].(map[string]any); ok {
				key := def["KMSMasterKeyID"]
				rule.ApplyServerSideEncryptionByDefault = &awsshape.EncryptionByDefault{
					SSEAlgorithm:   m.toStr("ServerSideEncryptionConfiguration", path+".SSEAlgorithm", def["SSEAlgorithm"], true, ""),
					KMSMasterKeyID: m.toStr("ServerSideEncryptionConfiguration", path+".KMSMasterKeyID", key, key != nil, ""),
				}
				m.relate(relEncryptedWith, key)
			} else if u, isU := it["ServerSideEncryptionByDefault"].(unknown); isU {
				m.unknown("ServerSideEncryptionConfiguration", u)
			}
			sse.Rules = append(sse.Rules, rule)
		}
		b.ServerSideEncryptionConfiguration = sse
	} else {
		// Since January 2023 S3 encrypts every new bucket with SSE-S3.
		b.ServerSideEncryptionConfiguration = &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{
			{ApplyServerSideEncryptionByDefault: &awsshape.EncryptionByDefault{SSEAlgorithm: "AES256"}},
		}}
	}

	// A bucket whose versioning was never configured reports no status.
	b.Versioning.Status = m.str("Versioning.Status", "VersioningConfiguration.Status", "")

	if v, ok := m.get("LoggingConfiguration"); ok && v != nil {
		if u, isU := v.(unknown); isU {
			m.unknown("LoggingEnabled", u)
		} else {
			// Without a destination, S3 delivers the logs to the bucket itself.
			b.LoggingEnabled = &awsshape.LoggingEnabled{
				TargetBucket: m.str("LoggingEnabled.TargetBucket", "LoggingConfiguration.DestinationBucketName", name),
				TargetPrefix: m.str("LoggingEnabled.TargetPrefix", "LoggingConfiguration.LogFilePrefix", ""),
			}
		}
	}
	m.tags = m.tagsFrom("Tags")
	return b
}

// cannedACL expands a canned ACL into the grants S3 lists for it. The
// owner is the deploying account, whose canonical ID no template holds.
func cannedACL(name string) *awsshape.BucketAcl {
	owner := awsshape.Grant{Grantee: awsshape.Grantee{Type: "CanonicalUser"}, Permission: "FULL_CONTROL"}
	group := func(uri, perm string) awsshape.Grant {
		return awsshape.Grant{Grantee: awsshape.Grantee{Type: "Group", URI: uri}, Permission: perm}
	}
	grants := []awsshape.Grant{owner}
	switch name {
	case "Private", "BucketOwnerRead", "BucketOwnerFullControl":
		// Object-level ACLs; on a bucket they grant the owner only.
	case "PublicRead":
		grants = append(grants, group(allUsersURI, "READ"))
	case "PublicReadWrite":
		grants = append(grants, group(allUsersURI, "READ"), group(allUsersURI, "WRITE"))
	case "AuthenticatedRead":
		grants = append(grants, group(authUsersURI, "READ"))
	case "LogDeliveryWrite":
		grants = append(grants, group(logDeliveryGroup, "WRITE"), group(logDeliveryGroup, "READ_ACP"))
	case "AwsExecRead":
		// Amazon EC2's canonical user may read (to fetch AMI bundles).
		grants = append(grants, awsshape.Grant{Grantee: awsshape.Grantee{Type: "CanonicalUser"}, Permission: "READ"})
	case "":
		// Unknown: the field error is already recorded.
	default:
		return nil
	}
	return &awsshape.BucketAcl{Grants: grants}
}

// other reads the properties of a resource joined into this one; its
// field errors are moved into this one's with absorb.
func (m *rmap) other(r *resource) *rmap {
	o := &rmap{t: m.t, r: r, p: m.t.props(r)}
	if o.p == nil {
		o.p = map[string]any{}
	}
	return o
}

// absorb moves the field errors of a joined resource into m; fieldPath is
// what it feeds, unknown when its Properties as a whole are.
func (m *rmap) absorb(o *rmap, fieldPath string) {
	if o.r.pWhole != nil {
		m.unknown(fieldPath, unknown{reason: o.r.id + " " + o.r.pWhole.reason})
	}
	m.errs = append(m.errs, o.errs...)
	o.errs = nil
}
