package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var ecrService = service{
	name: "ecr",
	actions: []string{
		"ecr:DescribeRepositories",
		"ecr:GetRepositoryPolicy",
		"ecr:GetLifecyclePolicy",
		"ecr:ListTagsForResource",
	},
	types:   []string{awsshape.TypeECRRepository},
	collect: collectECR,
}

// ecrAPI is the part of the ECR client the collector uses.
type ecrAPI interface {
	ecr.DescribeRepositoriesAPIClient
	GetRepositoryPolicy(context.Context, *ecr.GetRepositoryPolicyInput, ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error)
	GetLifecyclePolicy(context.Context, *ecr.GetLifecyclePolicyInput, ...func(*ecr.Options)) (*ecr.GetLifecyclePolicyOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
}

// repositoryData is everything read about one repository.
type repositoryData struct {
	Repository ecrtypes.Repository
	// Policy is nil when the repository has none (or it could not be
	// read: Errors say so).
	Policy       *string
	HasLifecycle bool
	Tags         []ecrtypes.Tag
	Errors       []asset.FieldError
}

func collectECR(ctx context.Context, u *unit) {
	var api ecrAPI = u.ecr(u.region)
	var repos []ecrtypes.Repository
	p := ecr.NewDescribeRepositoriesPaginator(api, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
	if err := paginate(ctx, u, u.region, "ecr:DescribeRepositories", p,
		func(o *ecr.DescribeRepositoriesOutput) { repos = append(repos, o.Repositories...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	collect.ForEach(ctx, repos, u.c.opts.ServiceConcurrency, func(ctx context.Context, r ecrtypes.Repository) {
		if d, ok := u.fetchRepository(ctx, api, r); ok {
			u.emit(adaptRepository(m, d))
		}
	})
}

// fetchRepository reads a repository's policies. ok is false when the
// repository is gone since the listing.
func (u *unit) fetchRepository(ctx context.Context, api ecrAPI, r ecrtypes.Repository) (repositoryData, bool) {
	d := repositoryData{Repository: r}
	uid := str(r.RepositoryArn)
	gone := false
	// get runs one call; the "not configured" codes leave the field at
	// its zero value, other failures become a FieldError at path.
	get := func(action, path string, fn func(context.Context) error, notConfigured ...string) {
		if gone {
			return
		}
		err := u.call(ctx, u.region, action, fn)
		switch {
		case err == nil, hasCode(err, notConfigured...):
		case hasCode(err, "RepositoryNotFoundException"):
			gone = true
		default:
			d.Errors = append(d.Errors, u.fieldError(err, path, uid, u.region))
		}
	}
	get("ecr:GetRepositoryPolicy", "Policy", func(ctx context.Context) error {
		out, err := api.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: r.RepositoryName, RegistryId: r.RegistryId})
		if err == nil {
			d.Policy = out.PolicyText
		}
		return err
	}, "RepositoryPolicyNotFoundException")
	get("ecr:GetLifecyclePolicy", "HasLifecyclePolicy", func(ctx context.Context) error {
		out, err := api.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: r.RepositoryName, RegistryId: r.RegistryId})
		if err == nil {
			d.HasLifecycle = str(out.LifecyclePolicyText) != ""
		}
		return err
	}, "LifecyclePolicyNotFoundException")
	get("ecr:ListTagsForResource", "Tags", func(ctx context.Context) error {
		out, err := api.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
		if err == nil {
			d.Tags = out.Tags
		}
		return err
	})
	return d, !gone
}

func adaptRepository(m meta, d repositoryData) (asset.Asset, error) {
	r := d.Repository
	shape := awsshape.ECRRepository{
		RepositoryName:     str(r.RepositoryName),
		RepositoryArn:      str(r.RepositoryArn),
		RepositoryUri:      str(r.RepositoryUri),
		ImageTagMutability: string(r.ImageTagMutability),
		HasLifecyclePolicy: d.HasLifecycle,
		CreatedAt:          timeString(r.CreatedAt),
	}
	if shape.RepositoryArn == "" {
		shape.RepositoryArn = m.arn("ecr", "repository/"+shape.RepositoryName)
	}
	if c := r.ImageScanningConfiguration; c != nil {
		shape.ImageScanningConfiguration.ScanOnPush = c.ScanOnPush
	}
	var rels []asset.Relation
	if e := r.EncryptionConfiguration; e != nil {
		shape.EncryptionConfiguration = awsshape.ECREncryption{EncryptionType: string(e.EncryptionType), KmsKey: str(e.KmsKey)}
		if isARN(shape.EncryptionConfiguration.KmsKey) {
			rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.EncryptionConfiguration.KmsKey})
		}
	}
	errs := append([]asset.FieldError(nil), d.Errors...)
	if fe := policyField(d.Policy, "Policy", "ecr:GetRepositoryPolicy", &shape.Policy); fe != nil {
		errs = append(errs, *fe)
	}
	tags := map[string]string{}
	for _, t := range d.Tags {
		tags[str(t.Key)] = str(t.Value)
	}
	return build(m, awsshape.TypeECRRepository, shape.RepositoryArn, shape.RepositoryName, tags, shape, rels, errs)
}
