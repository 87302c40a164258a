package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_eks_cluster", mapEKSCluster)
}

// mapEKSCluster maps an EKS control plane. CreateCluster's defaults: the
// endpoint is public (to 0.0.0.0/0) and not private, no control plane
// logs, secrets not envelope-encrypted.
func mapEKSCluster(m *mapping) {
	a := m.a
	name := a.str("name", "Name")
	c := awsshape.EKSCluster{
		Name:             name,
		Arn:              a.known("arn"),
		Version:          a.str("version", "Version"), // omitted: the default version at apply
		Status:           "ACTIVE",
		RoleArn:          a.str("role_arn", "RoleArn"),
		EnabledLogTypes:  sortedSet(a.strs("enabled_cluster_log_types", "EnabledLogTypes")),
		EncryptionConfig: []awsshape.EKSEncryptionConfig{},
	}
	const f = "ResourcesVpcConfig"
	vc, _ := a.block("vpc_config", f)
	c.ResourcesVpcConfig = awsshape.EKSVpcConfig{
		VpcId:                 vc.known("vpc_id"),
		SubnetIds:             sortedSet(vc.strs("subnet_ids", f+".SubnetIds")),
		SecurityGroupIds:      sortedSet(vc.strs("security_group_ids", f+".SecurityGroupIds")),
		EndpointPublicAccess:  vc.boolean("endpoint_public_access", f+".EndpointPublicAccess", true),
		EndpointPrivateAccess: vc.boolean("endpoint_private_access", f+".EndpointPrivateAccess", false),
		PublicAccessCidrs:     sortedSet(vc.strs("public_access_cidrs", f+".PublicAccessCidrs")),
	}
	if !vc.has("public_access_cidrs") {
		c.ResourcesVpcConfig.PublicAccessCidrs = []string{"0.0.0.0/0"}
	}
	// The VPC is the one of the subnets, when they are subnets defined here.
	if c.ResourcesVpcConfig.VpcId == "" {
		for _, s := range vc.values("subnet_ids", f+".SubnetIds") {
			if v, ok := m.ix.attrOf(s, "vpc_id"); ok {
				c.ResourcesVpcConfig.VpcId, _ = stringOf(v)
				m.relate(relInVPC, v)
				break
			}
		}
	}
	for _, g := range vc.values("security_group_ids", f+".SecurityGroupIds") {
		m.relate(relSecurityGroup, g)
	}
	for _, e := range a.blocks("encryption_config", "EncryptionConfig") {
		p, _ := e.block("provider", "EncryptionConfig")
		c.EncryptionConfig = append(c.EncryptionConfig, awsshape.EKSEncryptionConfig{
			Resources: sortedSet(e.strs("resources", "EncryptionConfig")),
			KeyArn:    p.str("key_arn", "EncryptionConfig"),
		})
		m.relate(relEncryptedWith, p.raw("key_arn"))
	}
	m.emit(awsshape.TypeEKSCluster, name, c)
}
