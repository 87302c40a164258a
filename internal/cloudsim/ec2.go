package cloudsim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register("ec2", true,
		op("DescribeRegions", ec2DescribeRegions),
		op("DescribeSecurityGroups", ec2DescribeSecurityGroups),
		op("DescribeInstances", ec2DescribeInstances),
		op("DescribeVpcs", ec2DescribeVpcs),
		op("DescribeSubnets", ec2DescribeSubnets),
		op("DescribeFlowLogs", ec2DescribeFlowLogs),
		op("GetEbsEncryptionByDefault", ec2GetEbsEncryptionByDefault),
		op("DescribeVolumes", ec2DescribeVolumes),
	)
}

func (c *call) regionState() *Region { return c.ident.account.Regions[c.region] }

// ec2Filter is one Filter.N of an EC2 Describe call.
type ec2Filter struct {
	name   string
	values []string
}

func (c *call) ec2Filters() []ec2Filter {
	var out []ec2Filter
	for i := 1; ; i++ {
		name := c.form.Get(fmt.Sprintf("Filter.%d.Name", i))
		if name == "" {
			return out
		}
		f := ec2Filter{name: name}
		for j := 1; ; j++ {
			v, ok := c.form[fmt.Sprintf("Filter.%d.Value.%d", i, j)]
			if !ok {
				break
			}
			f.values = append(f.values, v[0])
		}
		out = append(out, f)
	}
}

// attrFunc returns the values of a filterable attribute of a resource;
// ok is false for a filter name the resource does not support.
type attrFunc[T any] func(x *T, name string) (vals []string, ok bool)

// ec2Select returns the items matching the requested IDs and filters,
// in order, or the EC2 error for an unknown ID or filter.
func ec2Select[T any](c *call, items []T, id func(*T) string, ids []string, notFound string, attr attrFunc[T]) ([]*T, error) {
	filters := c.ec2Filters()
	want := map[string]bool{}
	for _, x := range ids {
		want[x] = true
	}
	found := map[string]bool{}
	var out []*T
	for i := range items {
		x := &items[i]
		if len(ids) > 0 && !want[id(x)] {
			continue
		}
		found[id(x)] = true
		ok := true
		for _, f := range filters {
			vals, known := attr(x, f.name)
			if !known {
				return nil, errorf(400, "InvalidParameterValue", "The filter '%s' is invalid", f.name)
			}
			if !anyMatch(f.values, vals) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, x)
		}
	}
	for _, x := range ids {
		if !found[x] {
			return nil, errorf(400, notFound, "The ID '%s' does not exist", x)
		}
	}
	return out, nil
}

// anyMatch reports whether one of the filter's values (with * and ?
// wildcards) matches one of the resource's values.
func anyMatch(patterns, vals []string) bool {
	for _, p := range patterns {
		for _, v := range vals {
			if wildcardMatch(p, v) {
				return true
			}
		}
	}
	return false
}

func tagAttr(tags []ec2types.Tag, name string) ([]string, bool) {
	if name == "tag-key" {
		var keys []string
		for _, t := range tags {
			keys = append(keys, aws.ToString(t.Key))
		}
		return keys, true
	}
	if k, ok := strings.CutPrefix(name, "tag:"); ok {
		for _, t := range tags {
			if aws.ToString(t.Key) == k {
				return []string{aws.ToString(t.Value)}, true
			}
		}
		return nil, true
	}
	return nil, false
}

func strs(ps ...*string) []string {
	var out []string
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func boolStr(b *bool) []string { return []string{strconv.FormatBool(aws.ToBool(b))} }

// ec2Page applies MaxResults/NextToken (5 to 1000, everything when
// MaxResults is absent) to n items.
func (c *call) ec2Page(n int) (page, error) {
	limit, err := c.formInt("MaxResults")
	if err != nil {
		return page{}, err
	}
	return c.paginate(n, c.form.Get("NextToken"), limit, 0, 5, 1000)
}

// ec2PageOf returns the page of sel a Describe call asks for, and the
// token of the next.
func ec2PageOf[T any](c *call, sel []*T) ([]T, *string, error) {
	p, err := c.ec2Page(len(sel))
	if err != nil {
		return nil, nil, err
	}
	out := make([]T, 0, p.end-p.start)
	for _, v := range sel[p.start:p.end] {
		out = append(out, *v)
	}
	return out, nextToken(p), nil
}

func nextToken(p page) *string {
	if p.next == "" {
		return nil
	}
	return aws.String(p.next)
}

func ec2DescribeRegions(c *call) error {
	names := make([]string, 0, len(c.ident.account.Regions))
	for n := range c.ident.account.Regions {
		names = append(names, n)
	}
	sort.Strings(names)
	regions := make([]ec2types.Region, len(names))
	for i, n := range names {
		regions[i] = ec2types.Region{
			RegionName:  aws.String(n),
			Endpoint:    aws.String("ec2." + n + ".amazonaws.com"),
			OptInStatus: aws.String("opt-in-not-required"),
		}
	}
	sel, err := ec2Select(c, regions, func(r *ec2types.Region) string { return aws.ToString(r.RegionName) },
		c.formList("RegionName"), "InvalidParameterValue",
		func(r *ec2types.Region, name string) ([]string, bool) {
			switch name {
			case "region-name":
				return strs(r.RegionName), true
			case "endpoint":
				return strs(r.Endpoint), true
			case "opt-in-status":
				return strs(r.OptInStatus), true
			}
			return nil, false
		})
	if err != nil {
		return err
	}
	out := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{}}
	for _, r := range sel {
		out.Regions = append(out.Regions, *r)
	}
	return c.writeOutput(out)
}

func ec2DescribeSecurityGroups(c *call) error {
	// Groups are asked for by ID or, in a default VPC, by name.
	ids, byName := c.formList("GroupId"), false
	if len(ids) == 0 {
		ids = c.formList("GroupName")
		byName = len(ids) > 0
	}
	r := c.regionState()
	sel, err := ec2Select(c, r.SecurityGroups, func(g *ec2types.SecurityGroup) string {
		if byName {
			return aws.ToString(g.GroupName)
		}
		return aws.ToString(g.GroupId)
	}, ids, "InvalidGroup.NotFound", func(g *ec2types.SecurityGroup, name string) ([]string, bool) {
		switch name {
		case "group-id":
			return strs(g.GroupId), true
		case "group-name":
			return strs(g.GroupName), true
		case "vpc-id":
			return strs(g.VpcId), true
		case "owner-id":
			return strs(g.OwnerId), true
		case "description":
			return strs(g.Description), true
		}
		return tagAttr(g.Tags, name)
	})
	if err != nil {
		return err
	}
	items, next, err := ec2PageOf(c, sel)
	if err != nil {
		return err
	}
	return c.writeOutput(&ec2.DescribeSecurityGroupsOutput{SecurityGroups: items, NextToken: next})
}

func ec2DescribeInstances(c *call) error {
	r := c.regionState()
	sel, err := ec2Select(c, r.Instances, func(i *ec2types.Instance) string { return aws.ToString(i.InstanceId) },
		c.formList("InstanceId"), "InvalidInstanceID.NotFound",
		func(i *ec2types.Instance, name string) ([]string, bool) {
			switch name {
			case "instance-id":
				return strs(i.InstanceId), true
			case "instance-type":
				return []string{string(i.InstanceType)}, true
			case "instance-state-name":
				if i.State != nil {
					return []string{string(i.State.Name)}, true
				}
				return nil, true
			case "vpc-id":
				return strs(i.VpcId), true
			case "subnet-id":
				return strs(i.SubnetId), true
			case "image-id":
				return strs(i.ImageId), true
			case "owner-id":
				return []string{c.ident.account.Id}, true
			case "availability-zone":
				if i.Placement != nil {
					return strs(i.Placement.AvailabilityZone), true
				}
				return nil, true
			case "instance.group-id":
				var ids []string
				for _, g := range i.SecurityGroups {
					ids = append(ids, aws.ToString(g.GroupId))
				}
				return ids, true
			}
			return tagAttr(i.Tags, name)
		})
	if err != nil {
		return err
	}
	p, err := c.ec2Page(len(sel))
	if err != nil {
		return err
	}
	out := &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{}, NextToken: nextToken(p)}
	for _, in := range sel[p.start:p.end] {
		out.Reservations = append(out.Reservations, ec2types.Reservation{
			ReservationId: aws.String("r-" + stableHex(17, c.ident.account.Id, aws.ToString(in.InstanceId))),
			OwnerId:       aws.String(c.ident.account.Id),
			Groups:        []ec2types.GroupIdentifier{},
			Instances:     []ec2types.Instance{*in},
		})
	}
	return c.writeOutput(out)
}

func ec2DescribeVpcs(c *call) error {
	r := c.regionState()
	sel, err := ec2Select(c, r.Vpcs, func(v *ec2types.Vpc) string { return aws.ToString(v.VpcId) },
		c.formList("VpcId"), "InvalidVpcID.NotFound",
		func(v *ec2types.Vpc, name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return strs(v.VpcId), true
			case "cidr", "cidr-block-association.cidr-block":
				return strs(v.CidrBlock), true
			case "is-default":
				return boolStr(v.IsDefault), true
			case "state":
				return []string{string(v.State)}, true
			case "owner-id":
				return strs(v.OwnerId), true
			}
			return tagAttr(v.Tags, name)
		})
	if err != nil {
		return err
	}
	items, next, err := ec2PageOf(c, sel)
	if err != nil {
		return err
	}
	return c.writeOutput(&ec2.DescribeVpcsOutput{Vpcs: items, NextToken: next})
}

func ec2DescribeSubnets(c *call) error {
	r := c.regionState()
	sel, err := ec2Select(c, r.Subnets, func(s *ec2types.Subnet) string { return aws.ToString(s.SubnetId) },
		c.formList("SubnetId"), "InvalidSubnetID.NotFound",
		func(s *ec2types.Subnet, name string) ([]string, bool) {
			switch name {
			case "subnet-id":
				return strs(s.SubnetId), true
			case "vpc-id":
				return strs(s.VpcId), true
			case "availability-zone":
				return strs(s.AvailabilityZone), true
			case "cidr-block":
				return strs(s.CidrBlock), true
			case "default-for-az":
				return boolStr(s.DefaultForAz), true
			case "map-public-ip-on-launch":
				return boolStr(s.MapPublicIpOnLaunch), true
			case "state":
				return []string{string(s.State)}, true
			case "owner-id":
				return strs(s.OwnerId), true
			}
			return tagAttr(s.Tags, name)
		})
	if err != nil {
		return err
	}
	items, next, err := ec2PageOf(c, sel)
	if err != nil {
		return err
	}
	return c.writeOutput(&ec2.DescribeSubnetsOutput{Subnets: items, NextToken: next})
}

func ec2DescribeFlowLogs(c *call) error {
	r := c.regionState()
	sel, err := ec2Select(c, r.FlowLogs, func(f *ec2types.FlowLog) string { return aws.ToString(f.FlowLogId) },
		c.formList("FlowLogId"), "InvalidFlowLogId.NotFound",
		func(f *ec2types.FlowLog, name string) ([]string, bool) {
			switch name {
			case "flow-log-id":
				return strs(f.FlowLogId), true
			case "resource-id":
				return strs(f.ResourceId), true
			case "traffic-type":
				return []string{string(f.TrafficType)}, true
			case "log-destination-type":
				return []string{string(f.LogDestinationType)}, true
			case "deliver-log-status":
				return strs(f.DeliverLogsStatus), true
			case "log-group-name":
				return strs(f.LogGroupName), true
			}
			return tagAttr(f.Tags, name)
		})
	if err != nil {
		return err
	}
	limit, err := c.formInt("MaxResults")
	if err != nil {
		return err
	}
	p, err := c.paginate(len(sel), c.form.Get("NextToken"), limit, 0, 1, 1000)
	if err != nil {
		return err
	}
	out := &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{}, NextToken: nextToken(p)}
	for _, f := range sel[p.start:p.end] {
		out.FlowLogs = append(out.FlowLogs, *f)
	}
	return c.writeOutput(out)
}

func ec2GetEbsEncryptionByDefault(c *call) error {
	return c.writeOutput(&ec2.GetEbsEncryptionByDefaultOutput{
		EbsEncryptionByDefault: aws.Bool(c.regionState().EbsEncryptionByDefault),
		SseType:                ec2types.SSETypeSseEbs,
	})
}

func ec2DescribeVolumes(c *call) error {
	r := c.regionState()
	sel, err := ec2Select(c, r.Volumes, func(v *ec2types.Volume) string { return aws.ToString(v.VolumeId) },
		c.formList("VolumeId"), "InvalidVolume.NotFound",
		func(v *ec2types.Volume, name string) ([]string, bool) {
			switch name {
			case "volume-id":
				return strs(v.VolumeId), true
			case "volume-type":
				return []string{string(v.VolumeType)}, true
			case "status":
				return []string{string(v.State)}, true
			case "encrypted":
				return boolStr(v.Encrypted), true
			case "availability-zone":
				return strs(v.AvailabilityZone), true
			case "attachment.instance-id":
				var ids []string
				for _, a := range v.Attachments {
					ids = append(ids, aws.ToString(a.InstanceId))
				}
				return ids, true
			}
			return tagAttr(v.Tags, name)
		})
	if err != nil {
		return err
	}
	items, next, err := ec2PageOf(c, sel)
	if err != nil {
		return err
	}
	return c.writeOutput(&ec2.DescribeVolumesOutput{Volumes: items, NextToken: next})
}
