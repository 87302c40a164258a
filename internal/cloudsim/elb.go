package cloudsim

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Elastic Load Balancing has two APIs on one endpoint and one IAM prefix:
// v2 (2015-12-01: Application, Network and Gateway Load Balancers) and
// the classic one (2012-06-01). Both name some operations alike.
func init() {
	register("elbv2", true,
		opAction("DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", elbv2DescribeLoadBalancers),
		opAction("DescribeListeners", "elasticloadbalancing:DescribeListeners", elbv2DescribeListeners),
		opAction("DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes", elbv2DescribeLoadBalancerAttributes),
		opAction("DescribeTags", "elasticloadbalancing:DescribeTags", elbv2DescribeTags),
	)
	register("elb", true,
		opAction("DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", elbDescribeLoadBalancers),
		opAction("DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancerAttributes", elbDescribeLoadBalancerAttributes),
		opAction("DescribeTags", "elasticloadbalancing:DescribeTags", elbDescribeTags),
	)
}

// elbPage applies Marker/PageSize (1 to 400, 400 when absent) to n items.
func (c *call) elbPage(n int) (page, error) {
	limit, err := c.formInt("PageSize")
	if err != nil {
		return page{}, err
	}
	return c.paginate(n, c.form.Get("Marker"), limit, 400, 1, 400)
}

func lbNotFound() error {
	return errorf(400, "LoadBalancerNotFound", "One or more load balancers not found")
}

func (c *call) findLoadBalancer(arn string) *LoadBalancer {
	for _, lb := range c.regionState().LoadBalancers {
		if aws.ToString(lb.LoadBalancerArn) == arn {
			return lb
		}
	}
	return nil
}

func elbv2DescribeLoadBalancers(c *call) error {
	arns, names := c.formList("LoadBalancerArns"), c.formList("Names")
	if len(arns) > 0 && len(names) > 0 {
		return c.invalidParameter("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	all := c.regionState().LoadBalancers
	sel := all
	if len(arns) > 0 || len(names) > 0 {
		key := func(lb *LoadBalancer) string { return aws.ToString(lb.LoadBalancerName) }
		if len(arns) > 0 {
			key = func(lb *LoadBalancer) string { return aws.ToString(lb.LoadBalancerArn) }
		}
		sel = nil
		for _, want := range append(arns, names...) {
			var found *LoadBalancer
			for _, lb := range all {
				if key(lb) == want {
					found = lb
				}
			}
			if found == nil {
				return lbNotFound()
			}
			sel = append(sel, found)
		}
	}
	p, err := c.elbPage(len(sel))
	if err != nil {
		return err
	}
	out := &elbv2.DescribeLoadBalancersOutput{LoadBalancers: []elbv2types.LoadBalancer{}, NextMarker: nextToken(p)}
	for _, lb := range sel[p.start:p.end] {
		out.LoadBalancers = append(out.LoadBalancers, lb.LoadBalancer)
	}
	return c.writeOutput(out)
}

func elbv2DescribeListeners(c *call) error {
	lbArn, listenerArns := c.form.Get("LoadBalancerArn"), c.formList("ListenerArns")
	var sel []elbv2types.Listener
	switch {
	case lbArn != "" && len(listenerArns) > 0, lbArn == "" && len(listenerArns) == 0:
		return c.invalidParameter("You must specify either listener ARNs or a load balancer ARN")
	case lbArn != "":
		lb := c.findLoadBalancer(lbArn)
		if lb == nil {
			return lbNotFound()
		}
		sel = lb.Listeners
	default:
		for _, want := range listenerArns {
			found := false
			for _, lb := range c.regionState().LoadBalancers {
				for _, l := range lb.Listeners {
					if aws.ToString(l.ListenerArn) == want {
						sel, found = append(sel, l), true
					}
				}
			}
			if !found {
				return errorf(400, "ListenerNotFound", "One or more listeners not found")
			}
		}
	}
	p, err := c.elbPage(len(sel))
	if err != nil {
		return err
	}
	out := &elbv2.DescribeListenersOutput{Listeners: []elbv2types.Listener{}, NextMarker: nextToken(p)}
	out.Listeners = append(out.Listeners, sel[p.start:p.end]...)
	return c.writeOutput(out)
}

func elbv2DescribeLoadBalancerAttributes(c *call) error {
	lb := c.findLoadBalancer(c.form.Get("LoadBalancerArn"))
	if lb == nil {
		return lbNotFound()
	}
	return c.writeOutput(&elbv2.DescribeLoadBalancerAttributesOutput{
		Attributes: append([]elbv2types.LoadBalancerAttribute{}, lb.Attributes...),
	})
}

func (c *call) findClassic(name string) (*ClassicLoadBalancer, error) {
	for _, lb := range c.regionState().ClassicLoadBalancers {
		if aws.ToString(lb.LoadBalancerName) == name {
			return lb, nil
		}
	}
	return nil, errorf(400, "LoadBalancerNotFound", "There is no ACTIVE Load Balancer named '%s'", name)
}

func elbDescribeLoadBalancers(c *call) error {
	sel := c.regionState().ClassicLoadBalancers
	if names := c.formList("LoadBalancerNames"); len(names) > 0 {
		sel = nil
		for _, n := range names {
			lb, err := c.findClassic(n)
			if err != nil {
				return err
			}
			sel = append(sel, lb)
		}
	}
	p, err := c.elbPage(len(sel))
	if err != nil {
		return err
	}
	out := &elb.DescribeLoadBalancersOutput{LoadBalancerDescriptions: []elbtypes.LoadBalancerDescription{}, NextMarker: nextToken(p)}
	for _, lb := range sel[p.start:p.end] {
		out.LoadBalancerDescriptions = append(out.LoadBalancerDescriptions, lb.LoadBalancerDescription)
	}
	return c.writeOutput(out)
}

func elbDescribeLoadBalancerAttributes(c *call) error {
	lb, err := c.findClassic(c.form.Get("LoadBalancerName"))
	if err != nil {
		return err
	}
	return c.writeOutput(&elb.DescribeLoadBalancerAttributesOutput{LoadBalancerAttributes: lb.Attributes})
}

// describeTagsMax is the most load balancers one DescribeTags call names,
// in either API.
const describeTagsMax = 20

// elbv2DescribeTags answers the tags of load balancers by ARN (target
// groups, listeners and rules are not modelled with tags).
func elbv2DescribeTags(c *call) error {
	arns := c.formList("ResourceArns")
	if n := len(arns); n == 0 || n > describeTagsMax {
		return c.invalidParameter("1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must have length between 1 and %d", describeTagsMax)
	}
	out := &elbv2.DescribeTagsOutput{TagDescriptions: []elbv2types.TagDescription{}}
	for _, arn := range arns {
		lb := c.findLoadBalancer(arn)
		if lb == nil {
			switch {
			case strings.Contains(arn, ":listener/"):
				return errorf(400, "ListenerNotFound", "One or more listeners not found")
			case strings.Contains(arn, ":targetgroup/"):
				return errorf(400, "TargetGroupNotFound", "One or more target groups not found")
			}
			return lbNotFound()
		}
		out.TagDescriptions = append(out.TagDescriptions, elbv2types.TagDescription{
			ResourceArn: lb.LoadBalancerArn, Tags: append([]elbv2types.Tag{}, lb.Tags...),
		})
	}
	return c.writeOutput(out)
}

func elbDescribeTags(c *call) error {
	names := c.formList("LoadBalancerNames")
	if n := len(names); n == 0 || n > describeTagsMax {
		return c.invalidParameter("1 validation error detected: Value at 'loadBalancerNames' failed to satisfy constraint: Member must have length between 1 and %d", describeTagsMax)
	}
	out := &elb.DescribeTagsOutput{TagDescriptions: []elbtypes.TagDescription{}}
	for _, n := range names {
		lb, err := c.findClassic(n)
		if err != nil {
			return err
		}
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{
			LoadBalancerName: lb.LoadBalancerName, Tags: append([]elbtypes.Tag{}, lb.Tags...),
		})
	}
	return c.writeOutput(out)
}
