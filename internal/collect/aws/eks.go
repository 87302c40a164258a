package aws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var eksService = service{
	name: "eks",
	actions: []string{
		"eks:ListClusters",
		"eks:DescribeCluster",
	},
	types:   []string{awsshape.TypeEKSCluster},
	collect: collectEKS,
}

// eksAPI is the part of the EKS client the collector uses.
type eksAPI interface {
	eks.ListClustersAPIClient
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
}

func collectEKS(ctx context.Context, u *unit) {
	var api eksAPI = u.eks(u.region)
	var names []string
	p := eks.NewListClustersPaginator(api, &eks.ListClustersInput{MaxResults: aws.Int32(100)})
	if err := paginate(ctx, u, u.region, "eks:ListClusters", p,
		func(o *eks.ListClustersOutput) { names = append(names, o.Clusters...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	collect.ForEach(ctx, names, u.c.opts.ServiceConcurrency, func(ctx context.Context, name string) {
		var out *eks.DescribeClusterOutput
		err := u.call(ctx, u.region, "eks:DescribeCluster", func(ctx context.Context) (err error) {
			out, err = api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			return err
		})
		switch {
		case hasCode(err, "ResourceNotFoundException"):
			// Deleted since the listing.
		case err != nil:
			// Every field but the name comes from DescribeCluster.
			arn := m.arn("eks", "cluster/"+name)
			u.emit(adaptEKSCluster(m, ekstypes.Cluster{Name: aws.String(name), Arn: aws.String(arn)}, []asset.FieldError{u.fieldError(err, "", arn, u.region)}))
		case out.Cluster != nil:
			u.emit(adaptEKSCluster(m, *out.Cluster, nil))
		}
	})
}

func adaptEKSCluster(m meta, c ekstypes.Cluster, errs []asset.FieldError) (asset.Asset, error) {
	shape := awsshape.EKSCluster{
		Name:             str(c.Name),
		Arn:              str(c.Arn),
		Version:          str(c.Version),
		Status:           string(c.Status),
		RoleArn:          str(c.RoleArn),
		EnabledLogTypes:  []string{},
		EncryptionConfig: []awsshape.EKSEncryptionConfig{},
		ResourcesVpcConfig: awsshape.EKSVpcConfig{
			SubnetIds: []string{}, SecurityGroupIds: []string{}, PublicAccessCidrs: []string{},
		},
	}
	if shape.Arn == "" {
		shape.Arn = m.arn("eks", "cluster/"+shape.Name)
	}
	var rels []asset.Relation
	if v := c.ResourcesVpcConfig; v != nil {
		shape.ResourcesVpcConfig = awsshape.EKSVpcConfig{
			VpcId:                 str(v.VpcId),
			SubnetIds:             sortedCopy(v.SubnetIds),
			SecurityGroupIds:      sortedCopy(v.SecurityGroupIds),
			EndpointPublicAccess:  v.EndpointPublicAccess,
			EndpointPrivateAccess: v.EndpointPrivateAccess,
			PublicAccessCidrs:     sortedCopy(v.PublicAccessCidrs),
		}
		if shape.ResourcesVpcConfig.VpcId != "" {
			rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.ResourcesVpcConfig.VpcId)})
		}
		for _, sg := range shape.ResourcesVpcConfig.SecurityGroupIds {
			rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+sg)})
		}
	}
	if l := c.Logging; l != nil {
		for _, setup := range l.ClusterLogging {
			if !boolean(setup.Enabled) {
				continue
			}
			for _, t := range setup.Types {
				if !slices.Contains(shape.EnabledLogTypes, string(t)) {
					shape.EnabledLogTypes = append(shape.EnabledLogTypes, string(t))
				}
			}
		}
		slices.Sort(shape.EnabledLogTypes)
	}
	for _, e := range c.EncryptionConfig {
		ec := awsshape.EKSEncryptionConfig{Resources: sortedCopy(e.Resources)}
		if e.Provider != nil {
			ec.KeyArn = str(e.Provider.KeyArn)
		}
		if isARN(ec.KeyArn) {
			rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: ec.KeyArn})
		}
		shape.EncryptionConfig = append(shape.EncryptionConfig, ec)
	}
	return build(m, awsshape.TypeEKSCluster, shape.Arn, shape.Name, c.Tags, shape, rels, errs)
}

// sortedCopy returns a sorted copy of a list, empty (not nil) for none.
func sortedCopy(in []string) []string {
	out := append([]string{}, in...)
	slices.Sort(out)
	return out
}
