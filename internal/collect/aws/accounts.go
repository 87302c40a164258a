package aws

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/parapet-dev/parapet/internal/collect"
)

// discovery declares the calls made to find accounts and regions. They
// run before any service, in the caller's account (STS, Organizations) or
// in each scanned account (AssumeRole, DescribeRegions).
var discovery = service{
	name: "discovery",
	actions: []string{
		"sts:GetCallerIdentity",
		"sts:AssumeRole",
		"organizations:ListAccounts",
		"organizations:DescribeOrganization",
		"ec2:DescribeRegions",
	},
}

// identity is who the base credentials are.
type identity struct {
	Account   string
	Partition string
	Arn       string
}

func callerIdentity(ctx context.Context, cfg aws.Config) (identity, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return identity{}, &callError{action: "sts:GetCallerIdentity", err: err}
	}
	id := identity{Account: aws.ToString(out.Account), Arn: aws.ToString(out.Arn), Partition: "aws"}
	if a, err := arn.Parse(id.Arn); err == nil {
		id.Partition = a.Partition
	}
	return id, nil
}

// discoverAccounts returns the accounts to scan, sorted by ID.
func (c *Collector) discoverAccounts(ctx context.Context, cfg aws.Config, me identity) ([]target, error) {
	byID := map[string]*target{}
	add := func(t target) {
		t.Assume = t.ID != me.Account
		if old, ok := byID[t.ID]; ok {
			// Keep the organization's details for an account also listed
			// explicitly.
			if old.Name == "" {
				*old = t
			}
			return
		}
		byID[t.ID] = &t
	}
	if c.opts.Org {
		org := organizations.NewFromConfig(cfg)
		d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if err != nil {
			return nil, &callError{action: "organizations:DescribeOrganization", err: err}
		}
		orgID := ""
		if d.Organization != nil {
			orgID = aws.ToString(d.Organization.Id)
		}
		p := organizations.NewListAccountsPaginator(org, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, &callError{action: "organizations:ListAccounts", err: err}
			}
			for _, a := range page.Accounts {
				if !accountActive(a) {
					continue
				}
				add(target{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), OrgID: orgID})
			}
		}
	}
	for _, id := range c.opts.Accounts {
		add(target{ID: id})
	}
	if !c.opts.Org && len(c.opts.Accounts) == 0 {
		add(target{ID: me.Account})
	}
	out := make([]target, 0, len(byID))
	for _, t := range byID {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// accountActive reads the account state, falling back to the older Status
// field for APIs that only fill that one.
func accountActive(a orgtypes.Account) bool {
	if a.State != "" {
		return a.State == orgtypes.AccountStateActive
	}
	return a.Status == orgtypes.AccountStatusActive
}

// roleARN is the ARN of the scan role in an account.
func roleARN(partition, account, role string) string {
	role = strings.Trim(role, "/")
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, role)
}

// collectAccount scans one account: credentials, regions, every selected
// service in every region, then the account asset.
func (c *Collector) collectAccount(ctx context.Context, sink collect.Sink, base aws.Config, me identity, t target) error {
	cfg := base.Copy()
	r := newAccountRun(c, sink, cfg, me.Partition, t)
	if t.Assume {
		u := r.unit(&discovery, "")
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), roleARN(me.Partition, t.ID, c.opts.Role),
			func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "parapet"
				if c.opts.ExternalID != "" {
					o.ExternalID = aws.String(c.opts.ExternalID)
				}
			})
		cache := aws.NewCredentialsCache(provider)
		err := u.call(ctx, r.home, "sts:AssumeRole", func(ctx context.Context) error {
			_, err := cache.Retrieve(ctx)
			return err
		})
		if err != nil {
			// Nothing in the account can be read: all of it is an ERROR
			// scope (region "" is every region).
			u.failed(err, "", "", c.allTypes())
			return err
		}
		r.cfg.Credentials = cache
	}

	regions := c.opts.Regions
	if len(regions) == 0 {
		var err error
		regions, err = r.enabledRegions(ctx)
		if err != nil {
			r.unit(&discovery, "").failed(err, "", "", c.regionalTypes())
			r.acct.fail("Regions", "ec2:DescribeRegions", err)
		}
	}
	r.setRegions(regions)

	var units []*unit
	for _, s := range c.active {
		if s.global {
			units = append(units, r.unit(s, ""))
			continue
		}
		for _, region := range r.regions {
			units = append(units, r.unit(s, region))
		}
	}
	sink.Progress(len(units), 0)
	collect.ForEach(ctx, units, len(units), func(ctx context.Context, u *unit) {
		u.svc.collect(ctx, u)
		u.reportCoverage(ctx)
		sink.Progress(0, 1)
	})
	if c.selected["cloudtrail"] {
		r.finishTrails(ctx)
	}
	r.emitAccount()
	return nil
}

// enabledRegions asks EC2 which regions the account has enabled.
func (r *accountRun) enabledRegions(ctx context.Context) ([]string, error) {
	u := r.unit(&discovery, "")
	client := r.ec2(r.home)
	var out *ec2.DescribeRegionsOutput
	err := u.call(ctx, r.home, "ec2:DescribeRegions", func(ctx context.Context) (err error) {
		out, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		return err
	})
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, reg := range out.Regions {
		if name := aws.ToString(reg.RegionName); name != "" {
			regions = append(regions, name)
		}
	}
	slices.Sort(regions)
	return regions, nil
}
