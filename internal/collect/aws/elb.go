package aws

import (
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// elbService reads Classic Load Balancers. Its IAM actions are named like
// ELBv2's: one elasticloadbalancing prefix covers both APIs.
var elbService = service{
	name: "elb",
	actions: []string{
		"elasticloadbalancing:DescribeLoadBalancers",
		"elasticloadbalancing:DescribeLoadBalancerAttributes",
		"elasticloadbalancing:DescribeTags",
	},
	types:   []string{awsshape.TypeClassicELB},
	collect: collectELB,
}

// elbAPI is the part of the classic ELB client the collector uses.
type elbAPI interface {
	elb.DescribeLoadBalancersAPIClient
	DescribeLoadBalancerAttributes(context.Context, *elb.DescribeLoadBalancerAttributesInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error)
	DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

// classicPaths are the Config paths DescribeLoadBalancerAttributes fills.
var classicPaths = []string{"AccessLogEnabled", "AccessLogBucket", "CrossZoneLoadBalancing"}

func collectELB(ctx context.Context, u *unit) {
	var api elbAPI = u.elb(u.region)
	var lbs []elbtypes.LoadBalancerDescription
	p := elb.NewDescribeLoadBalancersPaginator(api, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(400)})
	if err := paginate(ctx, u, u.region, "elasticloadbalancing:DescribeLoadBalancers", p,
		func(o *elb.DescribeLoadBalancersOutput) { lbs = append(lbs, o.LoadBalancerDescriptions...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	names := make([]string, len(lbs))
	for i, lb := range lbs {
		names[i] = str(lb.LoadBalancerName)
	}
	tags := describeTags(ctx, u, names, func(ctx context.Context, batch []string) (map[string][]elbtypes.Tag, error) {
		out, err := api.DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: batch})
		if err != nil {
			return nil, err
		}
		got := map[string][]elbtypes.Tag{}
		for _, td := range out.TagDescriptions {
			got[str(td.LoadBalancerName)] = td.Tags
		}
		return got, nil
	})
	collect.ForEach(ctx, lbs, u.c.opts.ServiceConcurrency, func(ctx context.Context, lb elbtypes.LoadBalancerDescription) {
		name := str(lb.LoadBalancerName)
		lbTags, ok, tagErr := tags.of(name)
		if !ok {
			return // deleted since the listing
		}
		var errs []asset.FieldError
		if tagErr != nil {
			errs = append(errs, u.fieldError(tagErr, "Tags", classicARN(m, name), u.region))
		}
		var out *elb.DescribeLoadBalancerAttributesOutput
		err := u.call(ctx, u.region, "elasticloadbalancing:DescribeLoadBalancerAttributes", func(ctx context.Context) (err error) {
			out, err = api.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: lb.LoadBalancerName})
			return err
		})
		switch {
		case hasCode(err, "LoadBalancerNotFound"):
			// Deleted since the listing.
		case err != nil:
			fe := u.fieldError(err, classicPaths[0], classicARN(m, name), u.region)
			u.emit(adaptClassicLoadBalancer(m, lb, nil, lbTags, append(errs, fieldErrors(fe, classicPaths...)...)))
		default:
			u.emit(adaptClassicLoadBalancer(m, lb, out.LoadBalancerAttributes, lbTags, errs))
		}
	})
}

// describeTagsMax is the most load balancers one DescribeTags call names,
// in either load balancing API.
const describeTagsMax = 20

// tagResult is what DescribeTags said about each load balancer of a
// listing, by name (classic) or ARN (v2).
type tagResult[T any] struct {
	mu   sync.Mutex
	tags map[string][]T
	errs map[string]error
}

// of returns a load balancer's tags or the error that kept them unread;
// ok is false when DescribeTags found it gone.
func (r *tagResult[T]) of(key string) (tags []T, ok bool, err error) {
	if err, failed := r.errs[key]; failed {
		return nil, true, err
	}
	tags, ok = r.tags[key]
	return tags, ok, nil
}

// describeTags reads the tags of load balancers in batches of
// describeTagsMax. DescribeTags fails a whole batch when one load
// balancer of it is gone, so such a batch is asked again one load balancer
// at a time: the others still get their tags, and the gone one is left
// out.
func describeTags[T any](ctx context.Context, u *unit, keys []string, fetch func(context.Context, []string) (map[string][]T, error)) *tagResult[T] {
	res := &tagResult[T]{tags: map[string][]T{}, errs: map[string]error{}}
	read := func(ctx context.Context, batch []string) error {
		var got map[string][]T
		err := u.call(ctx, u.region, "elasticloadbalancing:DescribeTags", func(ctx context.Context) (err error) {
			got, err = fetch(ctx, batch)
			return err
		})
		if err != nil {
			return err
		}
		res.mu.Lock()
		defer res.mu.Unlock()
		for _, k := range batch {
			// A load balancer the answer leaves out has no tags.
			res.tags[k] = got[k]
		}
		return nil
	}
	fail := func(batch []string, err error) {
		res.mu.Lock()
		defer res.mu.Unlock()
		for _, k := range batch {
			res.errs[k] = err
		}
	}
	collect.ForEach(ctx, slices.Collect(slices.Chunk(keys, describeTagsMax)), u.c.opts.ServiceConcurrency, func(ctx context.Context, batch []string) {
		err := read(ctx, batch)
		switch {
		case err == nil:
		case hasCode(err, "LoadBalancerNotFound") && len(batch) > 1:
			for _, k := range batch {
				one := []string{k}
				if err := read(ctx, one); err != nil && !hasCode(err, "LoadBalancerNotFound") {
					fail(one, err)
				}
			}
		case hasCode(err, "LoadBalancerNotFound"):
			// The only load balancer asked about is gone.
		default:
			fail(batch, err)
		}
	})
	return res
}

func classicARN(m meta, name string) string {
	return m.arn("elasticloadbalancing", "loadbalancer/"+name)
}

func adaptClassicLoadBalancer(m meta, lb elbtypes.LoadBalancerDescription, attrs *elbtypes.LoadBalancerAttributes, tags []elbtypes.Tag, errs []asset.FieldError) (asset.Asset, error) {
	shape := awsshape.ClassicLoadBalancer{
		LoadBalancerName:     str(lb.LoadBalancerName),
		DNSName:              str(lb.DNSName),
		Scheme:               str(lb.Scheme),
		VPCId:                str(lb.VPCId),
		SecurityGroups:       sortedCopy(lb.SecurityGroups),
		ListenerDescriptions: []awsshape.ClassicListener{},
	}
	for _, ld := range lb.ListenerDescriptions {
		if l := ld.Listener; l != nil {
			shape.ListenerDescriptions = append(shape.ListenerDescriptions, awsshape.ClassicListener{
				Protocol: str(l.Protocol), LoadBalancerPort: int64(l.LoadBalancerPort), InstanceProtocol: str(l.InstanceProtocol),
				InstancePort: i32(l.InstancePort), SSLCertificateId: str(l.SSLCertificateId),
			})
		}
	}
	sort.SliceStable(shape.ListenerDescriptions, func(i, j int) bool {
		return shape.ListenerDescriptions[i].LoadBalancerPort < shape.ListenerDescriptions[j].LoadBalancerPort
	})
	var rels []asset.Relation
	if shape.VPCId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VPCId)})
	}
	for _, sg := range shape.SecurityGroups {
		rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+sg)})
	}
	if attrs != nil {
		if a := attrs.AccessLog; a != nil {
			shape.AccessLogEnabled, shape.AccessLogBucket = a.Enabled, str(a.S3BucketName)
		}
		if c := attrs.CrossZoneLoadBalancing; c != nil {
			shape.CrossZoneLoadBalancing = c.Enabled
		}
	}
	if shape.AccessLogEnabled && shape.AccessLogBucket != "" {
		rels = append(rels, asset.Relation{Type: RelDeliversTo, Target: "arn:" + m.Partition + ":s3:::" + shape.AccessLogBucket})
	}
	tm := map[string]string{}
	for _, t := range tags {
		tm[str(t.Key)] = str(t.Value)
	}
	return build(m, awsshape.TypeClassicELB, classicARN(m, shape.LoadBalancerName), shape.LoadBalancerName, tm, shape, rels, errs)
}
