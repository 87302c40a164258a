package cloudsim

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

func init() {
	register("organizations", false,
		op("ListAccounts", orgListAccounts),
		op("DescribeOrganization", orgDescribeOrganization),
	)
}

func (c *call) organization() (*Organization, error) {
	if c.world.Organization == nil {
		return nil, errorf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	return c.world.Organization, nil
}

func orgDescribeOrganization(c *call) error {
	o, err := c.organization()
	if err != nil {
		return err
	}
	return c.writeOutput(&organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{
		Id:                 aws.String(o.Id),
		Arn:                aws.String(o.Arn),
		FeatureSet:         orgtypes.OrganizationFeatureSet(o.FeatureSet),
		MasterAccountId:    aws.String(o.MasterAccountId),
		MasterAccountArn:   aws.String(o.MasterAccountArn),
		MasterAccountEmail: aws.String(o.MasterAccountEmail),
		AvailablePolicyTypes: []orgtypes.PolicyTypeSummary{
			{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled},
		},
	}})
}

func orgListAccounts(c *call) error {
	o, err := c.organization()
	if err != nil {
		return err
	}
	if c.ident.account.Id != o.MasterAccountId {
		return errorf(400, "AccessDeniedException", "You don't have permissions to access this resource.")
	}
	var in organizations.ListAccountsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	accounts := c.world.Accounts
	p, err := c.paginate(len(accounts), aws.ToString(in.NextToken), int(aws.ToInt32(in.MaxResults)), 20, 1, 20)
	if err != nil {
		return err
	}
	out := &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{}}
	for _, a := range accounts[p.start:p.end] {
		out.Accounts = append(out.Accounts, orgtypes.Account{
			Id:              aws.String(a.Id),
			Arn:             aws.String("arn:aws:organizations::" + o.MasterAccountId + ":account/" + o.Id + "/" + a.Id),
			Email:           aws.String(a.Email),
			Name:            aws.String(a.Name),
			Status:          orgtypes.AccountStatus(a.Status),
			State:           orgtypes.AccountState(a.Status),
			JoinedMethod:    orgtypes.AccountJoinedMethod(a.JoinedMethod),
			JoinedTimestamp: a.JoinedTimestamp,
		})
	}
	if p.next != "" {
		out.NextToken = aws.String(p.next)
	}
	return c.writeOutput(out)
}
