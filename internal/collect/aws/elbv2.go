package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// elbv2Service reads Application, Network and Gateway Load Balancers.
var elbv2Service = service{
	name: "elbv2",
	actions: []string{
		"elasticloadbalancing:DescribeLoadBalancers",
		"elasticloadbalancing:DescribeListeners",
		"elasticloadbalancing:DescribeLoadBalancerAttributes",
		"elasticloadbalancing:DescribeTags",
	},
	types:   []string{awsshape.TypeLoadBalancer},
	collect: collectELBv2,
}

// elbv2API is the part of the ELBv2 client the collector uses.
type elbv2API interface {
	elbv2.DescribeLoadBalancersAPIClient
	elbv2.DescribeListenersAPIClient
	DescribeLoadBalancerAttributes(context.Context, *elbv2.DescribeLoadBalancerAttributesInput, ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error)
	DescribeTags(context.Context, *elbv2.DescribeTagsInput, ...func(*elbv2.Options)) (*elbv2.DescribeTagsOutput, error)
}

// loadBalancerData is everything read about one load balancer.
type loadBalancerData struct {
	LoadBalancer elbv2types.LoadBalancer
	// Listeners and Attributes are nil when they could not be read.
	Listeners  []elbv2types.Listener
	Attributes []elbv2types.LoadBalancerAttribute
	Tags       []elbv2types.Tag
	Errors     []asset.FieldError
}

// lbAttributePaths are the Config paths DescribeLoadBalancerAttributes
// fills.
var lbAttributePaths = []string{"AccessLogsEnabled", "AccessLogsBucket", "DropInvalidHeaderFields", "DeletionProtection", "DesyncMitigationMode"}

func collectELBv2(ctx context.Context, u *unit) {
	var api elbv2API = u.elbv2(u.region)
	var lbs []elbv2types.LoadBalancer
	p := elbv2.NewDescribeLoadBalancersPaginator(api, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(400)})
	if err := paginate(ctx, u, u.region, "elasticloadbalancing:DescribeLoadBalancers", p,
		func(o *elbv2.DescribeLoadBalancersOutput) { lbs = append(lbs, o.LoadBalancers...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	arns := make([]string, len(lbs))
	for i, lb := range lbs {
		arns[i] = str(lb.LoadBalancerArn)
	}
	tags := describeTags(ctx, u, arns, func(ctx context.Context, batch []string) (map[string][]elbv2types.Tag, error) {
		out, err := api.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: batch})
		if err != nil {
			return nil, err
		}
		got := map[string][]elbv2types.Tag{}
		for _, td := range out.TagDescriptions {
			got[str(td.ResourceArn)] = td.Tags
		}
		return got, nil
	})
	collect.ForEach(ctx, lbs, u.c.opts.ServiceConcurrency, func(ctx context.Context, lb elbv2types.LoadBalancer) {
		lbTags, ok, tagErr := tags.of(str(lb.LoadBalancerArn))
		if !ok {
			return // deleted since the listing
		}
		d, ok := u.fetchLoadBalancer(ctx, api, lb)
		if !ok {
			return
		}
		d.Tags = lbTags
		if tagErr != nil {
			d.Errors = append(d.Errors, u.fieldError(tagErr, "Tags", str(lb.LoadBalancerArn), u.region))
		}
		u.emit(adaptLoadBalancer(m, d))
	})
}

// fetchLoadBalancer reads a load balancer's listeners and attributes. ok
// is false when it is gone since the listing.
func (u *unit) fetchLoadBalancer(ctx context.Context, api elbv2API, lb elbv2types.LoadBalancer) (loadBalancerData, bool) {
	d := loadBalancerData{LoadBalancer: lb}
	uid := str(lb.LoadBalancerArn)
	var listeners []elbv2types.Listener
	p := elbv2.NewDescribeListenersPaginator(api, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn, PageSize: aws.Int32(400)})
	err := paginate(ctx, u, u.region, "elasticloadbalancing:DescribeListeners", p,
		func(o *elbv2.DescribeListenersOutput) { listeners = append(listeners, o.Listeners...) })
	switch {
	case hasCode(err, "LoadBalancerNotFound"):
		return d, false
	case err != nil:
		d.Errors = append(d.Errors, u.fieldError(err, "Listeners", uid, u.region))
	default:
		d.Listeners = append([]elbv2types.Listener{}, listeners...)
	}
	var out *elbv2.DescribeLoadBalancerAttributesOutput
	err = u.call(ctx, u.region, "elasticloadbalancing:DescribeLoadBalancerAttributes", func(ctx context.Context) (err error) {
		out, err = api.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
		return err
	})
	switch {
	case hasCode(err, "LoadBalancerNotFound"):
		return d, false
	case err != nil:
		fe := u.fieldError(err, lbAttributePaths[0], uid, u.region)
		d.Errors = append(d.Errors, fieldErrors(fe, lbAttributePaths...)...)
	default:
		d.Attributes = append([]elbv2types.LoadBalancerAttribute{}, out.Attributes...)
	}
	return d, true
}

func adaptLoadBalancer(m meta, d loadBalancerData) (asset.Asset, error) {
	lb := d.LoadBalancer
	shape := awsshape.LoadBalancer{
		LoadBalancerName: str(lb.LoadBalancerName),
		LoadBalancerArn:  str(lb.LoadBalancerArn),
		Type:             string(lb.Type),
		Scheme:           string(lb.Scheme),
		DNSName:          str(lb.DNSName),
		VpcId:            str(lb.VpcId),
		SecurityGroups:   sortedCopy(lb.SecurityGroups),
	}
	var rels []asset.Relation
	if shape.VpcId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcId)})
	}
	for _, sg := range shape.SecurityGroups {
		rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+sg)})
	}
	if d.Listeners != nil {
		shape.Listeners = []awsshape.Listener{}
		for _, l := range d.Listeners {
			sl := awsshape.Listener{ListenerArn: str(l.ListenerArn), Port: i32(l.Port), Protocol: string(l.Protocol),
				SslPolicy: str(l.SslPolicy), Certificates: []string{}, DefaultActions: []awsshape.ListenerAction{}}
			for _, c := range l.Certificates {
				sl.Certificates = append(sl.Certificates, str(c.CertificateArn))
			}
			sort.Strings(sl.Certificates)
			actions := append([]elbv2types.Action(nil), l.DefaultActions...)
			sort.SliceStable(actions, func(i, j int) bool { return i32(actions[i].Order) < i32(actions[j].Order) })
			for _, a := range actions {
				sa := awsshape.ListenerAction{Type: string(a.Type)}
				if a.RedirectConfig != nil {
					sa.RedirectProtocol = str(a.RedirectConfig.Protocol)
				}
				sl.DefaultActions = append(sl.DefaultActions, sa)
			}
			shape.Listeners = append(shape.Listeners, sl)
		}
		sort.Slice(shape.Listeners, func(i, j int) bool {
			a, b := shape.Listeners[i], shape.Listeners[j]
			if a.Port != b.Port {
				return a.Port < b.Port
			}
			return a.ListenerArn < b.ListenerArn
		})
	}
	for _, a := range d.Attributes {
		v := str(a.Value)
		switch str(a.Key) {
		case "access_logs.s3.enabled":
			shape.AccessLogsEnabled = v == "true"
		case "access_logs.s3.bucket":
			shape.AccessLogsBucket = v
		case "routing.http.drop_invalid_header_fields.enabled":
			shape.DropInvalidHeaderFields = v == "true"
		case "deletion_protection.enabled":
			shape.DeletionProtection = v == "true"
		case "routing.http.desync_mitigation_mode":
			shape.DesyncMitigationMode = v
		}
	}
	if shape.AccessLogsEnabled && shape.AccessLogsBucket != "" {
		rels = append(rels, asset.Relation{Type: RelDeliversTo, Target: "arn:" + m.Partition + ":s3:::" + shape.AccessLogsBucket})
	}
	tags := map[string]string{}
	for _, t := range d.Tags {
		tags[str(t.Key)] = str(t.Value)
	}
	return build(m, awsshape.TypeLoadBalancer, shape.LoadBalancerArn, shape.LoadBalancerName, tags, shape, rels, d.Errors)
}
