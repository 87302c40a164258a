package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

var rdsService = service{
	name: "rds",
	actions: []string{
		"rds:DescribeDBInstances",
	},
	types:   []string{awsshape.TypeDBInstance},
	collect: collectRDS,
}

func collectRDS(ctx context.Context, u *unit) {
	var api rds.DescribeDBInstancesAPIClient = u.rds(u.region)
	m := u.meta(u.region)
	p := rds.NewDescribeDBInstancesPaginator(api, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
	// Instances are emitted page by page: a later failed page still
	// leaves the earlier ones (and the diagnostic marks the gap).
	if err := paginate(ctx, u, u.region, "rds:DescribeDBInstances", p.HasMorePages,
		func(ctx context.Context) (*rds.DescribeDBInstancesOutput, error) { return p.NextPage(ctx) },
		func(o *rds.DescribeDBInstancesOutput) {
			for _, db := range o.DBInstances {
				u.emit(adaptDBInstance(m, db))
			}
		}); err != nil {
		u.listFailed(err)
	}
}

func adaptDBInstance(m meta, db rdstypes.DBInstance) (asset.Asset, error) {
	shape := awsshape.DBInstance{
		DBInstanceIdentifier:             str(db.DBInstanceIdentifier),
		DBInstanceArn:                    str(db.DBInstanceArn),
		DbiResourceId:                    str(db.DbiResourceId),
		Engine:                           str(db.Engine),
		EngineVersion:                    str(db.EngineVersion),
		DBInstanceClass:                  str(db.DBInstanceClass),
		DBInstanceStatus:                 str(db.DBInstanceStatus),
		PubliclyAccessible:               boolean(db.PubliclyAccessible),
		StorageEncrypted:                 boolean(db.StorageEncrypted),
		KmsKeyId:                         str(db.KmsKeyId),
		MultiAZ:                          boolean(db.MultiAZ),
		BackupRetentionPeriod:            i32(db.BackupRetentionPeriod),
		DeletionProtection:               boolean(db.DeletionProtection),
		AutoMinorVersionUpgrade:          boolean(db.AutoMinorVersionUpgrade),
		IAMDatabaseAuthenticationEnabled: boolean(db.IAMDatabaseAuthenticationEnabled),
		InstanceCreateTime:               timeString(db.InstanceCreateTime),
	}
	if shape.DBInstanceArn == "" {
		shape.DBInstanceArn = m.arn("rds", "db:"+shape.DBInstanceIdentifier)
	}
	var rels []asset.Relation
	if g := db.DBSubnetGroup; g != nil {
		shape.VpcId = str(g.VpcId)
	}
	if shape.VpcId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcId)})
	}
	for _, sg := range db.VpcSecurityGroups {
		id := str(sg.VpcSecurityGroupId)
		shape.VpcSecurityGroups = append(shape.VpcSecurityGroups, awsshape.VpcSecurityGroupRef{VpcSecurityGroupId: id, Status: str(sg.Status)})
		rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+id)})
	}
	sort.Slice(shape.VpcSecurityGroups, func(i, j int) bool {
		return shape.VpcSecurityGroups[i].VpcSecurityGroupId < shape.VpcSecurityGroups[j].VpcSecurityGroupId
	})
	if e := db.Endpoint; e != nil {
		shape.Endpoint = &awsshape.DBEndpoint{Address: str(e.Address), Port: i32(e.Port)}
	}
	if isARN(shape.KmsKeyId) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KmsKeyId})
	}
	tags := map[string]string{}
	for _, t := range db.TagList {
		tags[str(t.Key)] = str(t.Value)
	}
	return build(m, awsshape.TypeDBInstance, shape.DBInstanceArn, shape.DBInstanceIdentifier, tags, shape, rels, nil)
}
