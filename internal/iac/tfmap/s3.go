package tfmap

import (
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

func init() {
	register("aws_s3_bucket", mapS3Bucket)
	joined("aws_s3_bucket_public_access_block", "aws_s3_bucket_policy", "aws_s3_bucket_acl",
		"aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration",
		"aws_s3_bucket_logging", "aws_s3_account_public_access_block")
}

// S3 ACL grantee group URIs.
const (
	allUsersURI      = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI     = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logDeliveryURI   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	granteeGroup     = "Group"
	granteeCanonical = "CanonicalUser"
)

// mapS3Bucket maps a bucket with its settings, written either inline
// (provider v3: acl, policy, versioning {}, logging {},
// server_side_encryption_configuration {}) or as the separate resources of
// provider v4 and later, which take precedence when both are present (a
// state records the inline attributes as computed copies).
func mapS3Bucket(m *mapping) {
	a, r := m.a, m.r
	name := a.str("bucket", "Name") // omitted: Terraform generates one at apply
	shape := awsshape.Bucket{
		Name:   name,
		Arn:    a.known("arn"),
		Region: m.ix.region(r),
	}
	ids := idsOf(r, "bucket", "id")
	child := func(t string) *tfmodel.Resource {
		cs := m.ix.linked(t, "bucket", r, ids...)
		if len(cs) == 0 {
			return nil
		}
		if len(cs) > 1 {
			m.ix.warnOnce("dup\x00"+t+r.Address, cs[1], "more than one %s for %s: the first (%s) is used", t, r.Address, cs[0].Address)
		}
		return cs[0]
	}

	if c := child("aws_s3_bucket_public_access_block"); c != nil {
		shape.PublicAccessBlock = publicAccessBlock(m.on(c), "PublicAccessBlock")
	}
	// The account setting applies to every bucket of the account.
	if accts := m.ix.byType["aws_s3_account_public_access_block"]; len(accts) > 0 {
		shape.AccountPublicAccessBlock = publicAccessBlock(m.on(accts[0]), "AccountPublicAccessBlock")
	}

	if c := child("aws_s3_bucket_policy"); c != nil {
		shape.Policy = m.on(c).policy("policy", "Policy")
	} else {
		shape.Policy = a.policy("policy", "Policy")
	}

	if c := child("aws_s3_bucket_acl"); c != nil {
		shape.Acl = splitACL(m.on(c))
	} else {
		shape.Acl = inlineACL(a)
	}

	if c := child("aws_s3_bucket_server_side_encryption_configuration"); c != nil {
		shape.ServerSideEncryptionConfiguration = sseConfig(m.on(c))
	} else if b, ok := a.block("server_side_encryption_configuration", "ServerSideEncryptionConfiguration"); ok {
		shape.ServerSideEncryptionConfiguration = sseConfig(b)
	}
	// No configuration leaves the field null. S3 has encrypted new objects
	// with SSE-S3 by default since January 2023, but the check on default
	// encryption asks for it to be written down, as its description says.
	if sse := shape.ServerSideEncryptionConfiguration; sse != nil {
		for _, rule := range sse.Rules {
			if d := rule.ApplyServerSideEncryptionByDefault; d != nil && d.KMSMasterKeyID != "" {
				m.relateString(relEncryptedWith, d.KMSMasterKeyID)
			}
		}
	}

	if c := child("aws_s3_bucket_versioning"); c != nil {
		shape.Versioning = splitVersioning(m.on(c))
	} else if b, ok := a.block("versioning", "Versioning"); ok {
		shape.Versioning = inlineVersioning(b)
	}

	if c := child("aws_s3_bucket_logging"); c != nil {
		shape.LoggingEnabled = logging(m.on(c))
	} else if b, ok := a.block("logging", "LoggingEnabled"); ok {
		shape.LoggingEnabled = logging(b)
	}

	m.emit(awsshape.TypeS3Bucket, name, shape)
}

// on reads the arguments of a joined resource, recording its problems on
// this mapping (the asset they configure).
func (m *mapping) on(r *tfmodel.Resource) attrs {
	return attrs{m: m, vals: r.Attributes, at: r.Address + "."}
}

// relateString relates to a KMS key or other target given as a string
// that may be a rendered reference.
func (m *mapping) relateString(typ, s string) {
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
		inner := strings.TrimSuffix(strings.TrimPrefix(s, "${"), "}")
		if i := strings.LastIndex(inner, "."); i > 0 {
			if t := m.ix.byAddr[inner[:i]]; t != nil {
				m.rels = append(m.rels, asset.Relation{Type: typ, Target: m.ix.uid(t.Address)})
			}
		}
		return
	}
	if strings.HasPrefix(s, "arn:") {
		m.rels = append(m.rels, asset.Relation{Type: typ, Target: s})
	}
}

// publicAccessBlock reads an aws_s3_bucket_public_access_block or
// aws_s3_account_public_access_block; every setting defaults to false.
func publicAccessBlock(a attrs, field string) *awsshape.PublicAccessBlock {
	return &awsshape.PublicAccessBlock{
		BlockPublicAcls:       a.boolean("block_public_acls", field+".BlockPublicAcls", false),
		IgnorePublicAcls:      a.boolean("ignore_public_acls", field+".IgnorePublicAcls", false),
		BlockPublicPolicy:     a.boolean("block_public_policy", field+".BlockPublicPolicy", false),
		RestrictPublicBuckets: a.boolean("restrict_public_buckets", field+".RestrictPublicBuckets", false),
	}
}

// cannedACL expands a canned ACL into the grants S3 reports for it. The
// owner's canonical ID is known only once the bucket exists. ok is false
// for a name S3 does not accept.
func cannedACL(name string) (*awsshape.BucketAcl, bool) {
	owner := awsshape.Grant{Grantee: awsshape.Grantee{Type: granteeCanonical}, Permission: "FULL_CONTROL"}
	group := func(uri, perm string) awsshape.Grant {
		return awsshape.Grant{Grantee: awsshape.Grantee{Type: granteeGroup, URI: uri}, Permission: perm}
	}
	acl := &awsshape.BucketAcl{Grants: []awsshape.Grant{owner}}
	switch name {
	case "private", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read":
		// The object-only ACLs leave a bucket private; aws-exec-read adds
		// a grant to an AWS service account, not to a public group.
	case "public-read":
		acl.Grants = append(acl.Grants, group(allUsersURI, "READ"))
	case "public-read-write":
		acl.Grants = append(acl.Grants, group(allUsersURI, "READ"), group(allUsersURI, "WRITE"))
	case "authenticated-read":
		acl.Grants = append(acl.Grants, group(authUsersURI, "READ"))
	case "log-delivery-write":
		acl.Grants = append(acl.Grants, group(logDeliveryURI, "WRITE"), group(logDeliveryURI, "READ_ACP"))
	default:
		return nil, false
	}
	return acl, true
}

// inlineACL reads provider v3's acl (canned) or grant blocks. A bucket
// without either is private: its owner has FULL_CONTROL.
func inlineACL(a attrs) *awsshape.BucketAcl {
	grants := a.blocks("grant", "Acl")
	if len(grants) == 0 {
		return aclFromCanned(a, a.strOr("acl", "Acl", "private"))
	}
	acl := &awsshape.BucketAcl{Grants: []awsshape.Grant{}}
	for _, g := range grants {
		grantee := awsshape.Grantee{
			Type: canonicalGranteeType(g.str("type", "Acl")),
			ID:   g.str("id", "Acl"),
			URI:  g.str("uri", "Acl"),
		}
		for _, p := range g.strs("permissions", "Acl") {
			acl.Grants = append(acl.Grants, awsshape.Grant{Grantee: grantee, Permission: p})
		}
	}
	return acl
}

func aclFromCanned(a attrs, name string) *awsshape.BucketAcl {
	if name == "" {
		return nil // unknown: recorded by the read
	}
	acl, ok := cannedACL(name)
	if !ok {
		a.m.invalid("Acl", a.at+"acl", "unknown canned ACL "+name)
		return nil
	}
	return acl
}

// splitACL reads aws_s3_bucket_acl: a canned acl, or an
// access_control_policy with an owner and grants.
func splitACL(a attrs) *awsshape.BucketAcl {
	p, ok := a.block("access_control_policy", "Acl")
	if !ok {
		return aclFromCanned(a, a.strOr("acl", "Acl", "private"))
	}
	acl := &awsshape.BucketAcl{Grants: []awsshape.Grant{}}
	if o, ok := p.block("owner", "Acl"); ok {
		acl.Owner = awsshape.Owner{ID: o.str("id", "Acl"), DisplayName: o.str("display_name", "Acl")}
	}
	for _, g := range p.blocks("grant", "Acl") {
		grant := awsshape.Grant{Permission: g.str("permission", "Acl")}
		if ge, ok := g.block("grantee", "Acl"); ok {
			grant.Grantee = awsshape.Grantee{
				Type:         canonicalGranteeType(ge.str("type", "Acl")),
				ID:           ge.str("id", "Acl"),
				URI:          ge.str("uri", "Acl"),
				DisplayName:  ge.str("display_name", "Acl"),
				EmailAddress: ge.str("email_address", "Acl"),
			}
		}
		acl.Grants = append(acl.Grants, grant)
	}
	return acl
}

// canonicalGranteeType spells a grantee type as the S3 API does.
func canonicalGranteeType(t string) string {
	switch strings.ToLower(t) {
	case "canonicaluser":
		return granteeCanonical
	case "group":
		return granteeGroup
	case "amazoncustomerbyemail":
		return "AmazonCustomerByEmail"
	}
	return t
}

// sseConfig reads rule { apply_server_side_encryption_by_default {...}
// bucket_key_enabled }, the same in both styles.
func sseConfig(a attrs) *awsshape.ServerSideEncryptionConfiguration {
	const f = "ServerSideEncryptionConfiguration"
	sse := &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{}}
	for _, rule := range a.blocks("rule", f) {
		er := awsshape.EncryptionRule{BucketKeyEnabled: rule.boolean("bucket_key_enabled", f, false)}
		if d, ok := rule.block("apply_server_side_encryption_by_default", f); ok {
			er.ApplyServerSideEncryptionByDefault = &awsshape.EncryptionByDefault{
				SSEAlgorithm:   d.str("sse_algorithm", f),
				KMSMasterKeyID: d.str("kms_master_key_id", f),
			}
		}
		sse.Rules = append(sse.Rules, er)
	}
	return sse
}

// splitVersioning reads aws_s3_bucket_versioning. Status "Disabled" is
// for a bucket that never had versioning, which S3 reports as no status;
// MFADelete is reported only once it was set.
func splitVersioning(a attrs) awsshape.Versioning {
	vc, _ := a.block("versioning_configuration", "Versioning")
	status := vc.str("status", "Versioning.Status")
	if status == "Disabled" {
		status = ""
	}
	return awsshape.Versioning{Status: status, MFADelete: vc.str("mfa_delete", "Versioning.MFADelete")}
}

// inlineVersioning reads provider v3's versioning { enabled mfa_delete }.
// The provider configures versioning on a new bucket only when enabled or
// mfa_delete is true, and then always sends MFADelete.
func inlineVersioning(a attrs) awsshape.Versioning {
	enabled := a.boolean("enabled", "Versioning.Status", false)
	mfa := a.boolean("mfa_delete", "Versioning.MFADelete", false)
	if !enabled && !mfa {
		return awsshape.Versioning{}
	}
	v := awsshape.Versioning{Status: "Suspended", MFADelete: "Disabled"}
	if enabled {
		v.Status = "Enabled"
	}
	if mfa {
		v.MFADelete = "Enabled"
	}
	return v
}

// logging reads target_bucket and target_prefix, the same in both styles.
func logging(a attrs) *awsshape.LoggingEnabled {
	return &awsshape.LoggingEnabled{
		TargetBucket: a.str("target_bucket", "LoggingEnabled"),
		TargetPrefix: a.str("target_prefix", "LoggingEnabled"),
	}
}
