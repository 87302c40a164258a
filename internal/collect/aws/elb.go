package aws

import (
	"context"
	"sort"

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
	},
	types:   []string{awsshape.TypeClassicELB},
	collect: collectELB,
}

// elbAPI is the part of the classic ELB client the collector uses.
type elbAPI interface {
	elb.DescribeLoadBalancersAPIClient
	DescribeLoadBalancerAttributes(context.Context, *elb.DescribeLoadBalancerAttributesInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error)
}

// classicPaths are the Config paths DescribeLoadBalancerAttributes fills.
var classicPaths = []string{"AccessLogEnabled", "AccessLogBucket", "CrossZoneLoadBalancing"}

func collectELB(ctx context.Context, u *unit) {
	var api elbAPI = u.elb(u.region)
	var lbs []elbtypes.LoadBalancerDescription
	p := elb.NewDescribeLoadBalancersPaginator(api, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(400)})
	if err := paginate(ctx, u, u.region, "elasticloadbalancing:DescribeLoadBalancers", p.HasMorePages,
		func(ctx context.Context) (*elb.DescribeLoadBalancersOutput, error) { return p.NextPage(ctx) },
		func(o *elb.DescribeLoadBalancersOutput) { lbs = append(lbs, o.LoadBalancerDescriptions...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	collect.ForEach(ctx, lbs, u.c.opts.ServiceConcurrency, func(ctx context.Context, lb elbtypes.LoadBalancerDescription) {
		var out *elb.DescribeLoadBalancerAttributesOutput
		err := u.call(ctx, u.region, "elasticloadbalancing:DescribeLoadBalancerAttributes", func(ctx context.Context) (err error) {
			out, err = api.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: lb.LoadBalancerName})
			return err
		})
		switch {
		case hasCode(err, "LoadBalancerNotFound"):
			// Deleted since the listing.
		case err != nil:
			fe := u.fieldError(err, classicPaths[0], classicARN(m, str(lb.LoadBalancerName)), u.region)
			u.emit(adaptClassicLoadBalancer(m, lb, nil, fieldErrors(fe, classicPaths...)))
		default:
			u.emit(adaptClassicLoadBalancer(m, lb, out.LoadBalancerAttributes, nil))
		}
	})
}

func classicARN(m meta, name string) string {
	return m.arn("elasticloadbalancing", "loadbalancer/"+name)
}

func adaptClassicLoadBalancer(m meta, lb elbtypes.LoadBalancerDescription, attrs *elbtypes.LoadBalancerAttributes, errs []asset.FieldError) (asset.Asset, error) {
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
	return build(m, awsshape.TypeClassicELB, classicARN(m, shape.LoadBalancerName), shape.LoadBalancerName, nil, shape, rels, errs)
}
