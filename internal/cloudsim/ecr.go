package cloudsim

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

func init() {
	register("ecr", true,
		op("DescribeRepositories", ecrDescribeRepositories),
		op("GetRepositoryPolicy", ecrGetRepositoryPolicy),
		op("GetLifecyclePolicy", ecrGetLifecyclePolicy),
		op("ListTagsForResource", ecrListTagsForResource),
	)
}

// ecrRegistry checks that a call names the caller's own registry (or
// none): the simulator has no cross-account registry access.
func (c *call) ecrRegistry(id *string) error {
	if r := aws.ToString(id); r != "" && r != c.ident.account.Id {
		return errorf(400, "InvalidParameterException", "Invalid parameter at 'registryId': the registry %s is not the caller's", r)
	}
	return nil
}

func (c *call) findRepository(name string) (*Repository, error) {
	for _, r := range c.regionState().Repositories {
		if aws.ToString(r.RepositoryName) == name {
			return r, nil
		}
	}
	return nil, errorf(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", name, c.ident.account.Id)
}

func ecrDescribeRepositories(c *call) error {
	var in ecr.DescribeRepositoriesInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	if err := c.ecrRegistry(in.RegistryId); err != nil {
		return err
	}
	if len(in.RepositoryNames) > 0 && (in.MaxResults != nil || in.NextToken != nil) {
		return c.invalidParameter("Invalid parameter: maxResults and nextToken cannot be used with repositoryNames")
	}
	var sel []*Repository
	if len(in.RepositoryNames) > 0 {
		for _, n := range in.RepositoryNames {
			r, err := c.findRepository(n)
			if err != nil {
				return err
			}
			sel = append(sel, r)
		}
	} else {
		sel = c.regionState().Repositories
	}
	p, err := c.paginate(len(sel), aws.ToString(in.NextToken), int(aws.ToInt32(in.MaxResults)), 100, 1, 1000)
	if err != nil {
		return err
	}
	out := &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{}, NextToken: nextToken(p)}
	for _, r := range sel[p.start:p.end] {
		out.Repositories = append(out.Repositories, r.Repository)
	}
	return c.writeOutput(out)
}

func ecrGetRepositoryPolicy(c *call) error {
	var in ecr.GetRepositoryPolicyInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	if err := c.ecrRegistry(in.RegistryId); err != nil {
		return err
	}
	r, err := c.findRepository(aws.ToString(in.RepositoryName))
	if err != nil {
		return err
	}
	if r.Policy == "" {
		return errorf(400, "RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '%s' in the registry with id '%s'", aws.ToString(r.RepositoryName), c.ident.account.Id)
	}
	return c.writeOutput(&ecr.GetRepositoryPolicyOutput{
		RegistryId: r.RegistryId, RepositoryName: r.RepositoryName, PolicyText: aws.String(r.Policy),
	})
}

func ecrGetLifecyclePolicy(c *call) error {
	var in ecr.GetLifecyclePolicyInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	if err := c.ecrRegistry(in.RegistryId); err != nil {
		return err
	}
	r, err := c.findRepository(aws.ToString(in.RepositoryName))
	if err != nil {
		return err
	}
	if r.LifecyclePolicy == "" {
		return errorf(400, "LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'", aws.ToString(r.RepositoryName), c.ident.account.Id)
	}
	return c.writeOutput(&ecr.GetLifecyclePolicyOutput{
		RegistryId: r.RegistryId, RepositoryName: r.RepositoryName, LifecyclePolicyText: aws.String(r.LifecyclePolicy),
	})
}

func ecrListTagsForResource(c *call) error {
	var in ecr.ListTagsForResourceInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	arn := aws.ToString(in.ResourceArn)
	_, name, ok := strings.Cut(arn, ":repository/")
	if !strings.HasPrefix(arn, "arn:") || !ok {
		return c.invalidParameter("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN: %s'", arn)
	}
	for _, r := range c.regionState().Repositories {
		if aws.ToString(r.RepositoryArn) == arn {
			return c.writeOutput(&ecr.ListTagsForResourceOutput{Tags: append([]ecrtypes.Tag{}, r.Tags...)})
		}
	}
	return errorf(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", name, c.ident.account.Id)
}
