package aws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// opensearchService reads domains through the OpenSearch Service API,
// which answers OpenSearch and legacy Elasticsearch domains alike.
var opensearchService = service{
	name: "opensearch",
	actions: []string{
		"es:ListDomainNames",
		"es:DescribeDomains",
		"es:ListTags",
	},
	types:   []string{awsshape.TypeOpenSearch},
	collect: collectOpenSearch,
}

// opensearchAPI is the part of the OpenSearch client the collector uses.
type opensearchAPI interface {
	ListDomainNames(context.Context, *opensearch.ListDomainNamesInput, ...func(*opensearch.Options)) (*opensearch.ListDomainNamesOutput, error)
	DescribeDomains(context.Context, *opensearch.DescribeDomainsInput, ...func(*opensearch.Options)) (*opensearch.DescribeDomainsOutput, error)
	ListTags(context.Context, *opensearch.ListTagsInput, ...func(*opensearch.Options)) (*opensearch.ListTagsOutput, error)
}

// describeDomainsMax is the most domains one DescribeDomains call takes.
const describeDomainsMax = 5

func collectOpenSearch(ctx context.Context, u *unit) {
	var api opensearchAPI = u.opensearch(u.region)
	var list *opensearch.ListDomainNamesOutput
	err := u.call(ctx, u.region, "es:ListDomainNames", func(ctx context.Context) (err error) {
		list, err = api.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
		return err
	})
	if err != nil {
		u.listFailed(err)
		return
	}
	var names []string
	for _, d := range list.DomainNames {
		names = append(names, str(d.DomainName))
	}
	m := u.meta(u.region)
	collect.ForEach(ctx, slices.Collect(slices.Chunk(names, describeDomainsMax)), u.c.opts.ServiceConcurrency, func(ctx context.Context, batch []string) {
		var out *opensearch.DescribeDomainsOutput
		err := u.call(ctx, u.region, "es:DescribeDomains", func(ctx context.Context) (err error) {
			out, err = api.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: batch})
			return err
		})
		if err != nil {
			// Every field but the name comes from DescribeDomains.
			for _, name := range batch {
				arn := m.arn("es", "domain/"+name)
				fe := u.fieldError(err, "", arn, u.region)
				u.emit(adaptDomain(m, ostypes.DomainStatus{DomainName: &name, ARN: &arn}, nil, []asset.FieldError{fe}))
			}
			return
		}
		// A domain deleted since the listing is left out of the answer.
		for _, d := range out.DomainStatusList {
			var errs []asset.FieldError
			var tags *opensearch.ListTagsOutput
			arn := str(d.ARN)
			if arn == "" {
				arn = m.arn("es", "domain/"+str(d.DomainName))
			}
			err := u.call(ctx, u.region, "es:ListTags", func(ctx context.Context) (err error) {
				tags, err = api.ListTags(ctx, &opensearch.ListTagsInput{ARN: &arn})
				return err
			})
			switch {
			case hasCode(err, "ResourceNotFoundException"):
				continue // deleted since DescribeDomains
			case err != nil:
				errs = append(errs, u.fieldError(err, "Tags", arn, u.region))
			}
			var tl []ostypes.Tag
			if tags != nil {
				tl = tags.TagList
			}
			u.emit(adaptDomain(m, d, tl, errs))
		}
	})
}

func adaptDomain(m meta, d ostypes.DomainStatus, tags []ostypes.Tag, errs []asset.FieldError) (asset.Asset, error) {
	shape := awsshape.OpenSearchDomain{
		DomainName:               str(d.DomainName),
		ARN:                      str(d.ARN),
		EngineVersion:            str(d.EngineVersion),
		LogPublishingOptions:     map[string]awsshape.LogPublishing{},
		AutomatedSnapshotEnabled: true,
	}
	if shape.ARN == "" {
		shape.ARN = m.arn("es", "domain/"+shape.DomainName)
	}
	var rels []asset.Relation
	if e := d.EncryptionAtRestOptions; e != nil {
		shape.EncryptionAtRestOptions = awsshape.EncryptionAtRest{Enabled: boolean(e.Enabled), KmsKeyId: str(e.KmsKeyId)}
		if isARN(shape.EncryptionAtRestOptions.KmsKeyId) {
			rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.EncryptionAtRestOptions.KmsKeyId})
		}
	}
	if n := d.NodeToNodeEncryptionOptions; n != nil {
		shape.NodeToNodeEncryptionOptions.Enabled = boolean(n.Enabled)
	}
	if e := d.DomainEndpointOptions; e != nil {
		shape.DomainEndpointOptions = awsshape.DomainEndpointOptions{EnforceHTTPS: boolean(e.EnforceHTTPS), TLSSecurityPolicy: string(e.TLSSecurityPolicy)}
	}
	if v := d.VPCOptions; v != nil {
		shape.VPCOptions = &awsshape.DomainVPCOptions{VPCId: str(v.VPCId), SubnetIds: sortedCopy(v.SubnetIds), SecurityGroupIds: sortedCopy(v.SecurityGroupIds)}
		if shape.VPCOptions.VPCId != "" {
			rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VPCOptions.VPCId)})
		}
		for _, sg := range shape.VPCOptions.SecurityGroupIds {
			rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+sg)})
		}
	}
	if a := d.AdvancedSecurityOptions; a != nil {
		shape.AdvancedSecurityOptions = awsshape.AdvancedSecurityOptions{Enabled: boolean(a.Enabled), InternalUserDatabaseEnabled: boolean(a.InternalUserDatabaseEnabled)}
	}
	for k, l := range d.LogPublishingOptions {
		shape.LogPublishingOptions[k] = awsshape.LogPublishing{Enabled: boolean(l.Enabled), CloudWatchLogsLogGroupArn: str(l.CloudWatchLogsLogGroupArn)}
	}
	if c := d.ClusterConfig; c != nil {
		shape.ClusterZoneAwareness = boolean(c.ZoneAwarenessEnabled)
	}
	// Automated snapshots run unless an operator paused them.
	if p := d.AutomatedSnapshotPauseOptions; p != nil && boolean(p.Enabled) && (p.State == "" || p.State == ostypes.PauseStateActive) {
		shape.AutomatedSnapshotEnabled = false
	}
	errs = append([]asset.FieldError(nil), errs...)
	// An empty access policy is no policy.
	if doc := d.AccessPolicies; doc != nil && *doc != "" {
		if fe := policyField(doc, "AccessPolicies", "es:DescribeDomains", &shape.AccessPolicies); fe != nil {
			errs = append(errs, *fe)
		}
	}
	tm := map[string]string{}
	for _, t := range tags {
		tm[str(t.Key)] = str(t.Value)
	}
	return build(m, awsshape.TypeOpenSearch, shape.ARN, shape.DomainName, tm, shape, rels, errs)
}
