package cloudsim

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

func init() {
	register("cloudtrail", true,
		op("DescribeTrails", ctDescribeTrails),
		op("GetTrailStatus", ctGetTrailStatus),
		op("GetEventSelectors", ctGetEventSelectors),
		op("ListTags", ctListTags),
	)
}

// visibleTrails returns the trails CloudTrail shows an account in the
// call's region: those whose home is this region, then (shadows) the
// account's multi-region trails from other regions and the organization
// trails of the management account.
func (c *call) visibleTrails(shadows bool) []*Trail {
	a := c.ident.account
	var out []*Trail
	if r := a.Regions[c.region]; r != nil {
		out = append(out, r.Trails...)
	}
	if !shadows {
		return out
	}
	others := func(acct *Account, orgOnly bool) {
		names := make([]string, 0, len(acct.Regions))
		for n := range acct.Regions {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			for _, t := range acct.Regions[n].Trails {
				if orgOnly && !aws.ToBool(t.IsOrganizationTrail) {
					continue
				}
				home := n == c.region
				if acct == a && home {
					continue // already listed
				}
				if aws.ToBool(t.IsMultiRegionTrail) || home {
					out = append(out, t)
				}
			}
		}
	}
	others(a, false)
	if o := c.world.Organization; o != nil && o.MasterAccountId != a.Id {
		if m := c.idx.accounts[o.MasterAccountId]; m != nil {
			others(m, true)
		}
	}
	return out
}

// findTrail resolves a trail name (a trail homed in this region) or ARN
// (any trail visible here).
func (c *call) findTrail(name string) (*Trail, error) {
	if strings.HasPrefix(name, "arn:") {
		for _, t := range c.visibleTrails(true) {
			if aws.ToString(t.TrailARN) == name {
				return t, nil
			}
		}
	} else {
		for _, t := range c.visibleTrails(false) {
			if aws.ToString(t.Name) == name {
				return t, nil
			}
		}
	}
	return nil, errorf(400, "TrailNotFoundException", "Unknown trail: %s for the user: %s", name, c.ident.account.Id)
}

func ctDescribeTrails(c *call) error {
	var in cloudtrail.DescribeTrailsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	want := map[string]bool{}
	for _, n := range in.TrailNameList {
		want[n] = true
	}
	out := &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{}}
	for _, t := range c.visibleTrails(shadows) {
		if len(want) > 0 && !want[aws.ToString(t.Name)] && !want[aws.ToString(t.TrailARN)] {
			continue
		}
		out.TrailList = append(out.TrailList, t.Trail)
	}
	return c.writeOutput(out)
}

func ctGetTrailStatus(c *call) error {
	var in cloudtrail.GetTrailStatusInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	t, err := c.findTrail(aws.ToString(in.Name))
	if err != nil {
		return err
	}
	out := &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(false)}
	if t.Status != nil {
		s := *t.Status
		if s.IsLogging == nil {
			s.IsLogging = aws.Bool(false)
		}
		out = &s
	}
	return c.writeOutput(out)
}

func ctGetEventSelectors(c *call) error {
	var in cloudtrail.GetEventSelectorsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	t, err := c.findTrail(aws.ToString(in.TrailName))
	if err != nil {
		return err
	}
	out := &cloudtrail.GetEventSelectorsOutput{TrailARN: t.TrailARN}
	if len(t.AdvancedEventSelectors) > 0 {
		out.AdvancedEventSelectors = t.AdvancedEventSelectors
	} else {
		out.EventSelectors = t.EventSelectors
	}
	return c.writeOutput(out)
}

// ctListTags answers the tags of trails, named by ARN (at most 20), in
// the region where CloudTrail lists them.
func ctListTags(c *call) error {
	var in cloudtrail.ListTagsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	if n := len(in.ResourceIdList); n == 0 || n > 20 {
		return c.invalidParameter("1 validation error detected: Value at 'resourceIdList' failed to satisfy constraint: Member must have length between 1 and 20")
	}
	out := &cloudtrail.ListTagsOutput{ResourceTagList: []cttypes.ResourceTag{}}
	for _, id := range in.ResourceIdList {
		if !strings.HasPrefix(id, "arn:") {
			return errorf(400, "CloudTrailARNInvalidException", "%s is not a valid CloudTrail ARN.", id)
		}
		t, err := c.findTrail(id)
		if err != nil {
			return errorf(400, "ResourceNotFoundException", "Resource not found: %s", id)
		}
		out.ResourceTagList = append(out.ResourceTagList, cttypes.ResourceTag{
			ResourceId: t.TrailARN, TagsList: append([]cttypes.Tag{}, t.Tags...),
		})
	}
	return c.writeOutput(out)
}
