package aws

import (
	"context"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var rdsService = service{
	name: "rds",
	actions: []string{
		"rds:DescribeDBInstances",
		"rds:DescribeDBClusters",
	},
	types:   []string{awsshape.TypeDBInstance, awsshape.TypeDBCluster, awsshape.TypeNeptuneCluster},
	collect: collectRDS,
}

// rdsAPI is the part of the RDS client the collector uses.
type rdsAPI interface {
	rds.DescribeDBInstancesAPIClient
	rds.DescribeDBClustersAPIClient
}

func collectRDS(ctx context.Context, u *unit) {
	var api rdsAPI = u.rds(u.region)
	m := u.meta(u.region)
	collect.Parallel(ctx,
		func(ctx context.Context) {
			p := rds.NewDescribeDBInstancesPaginator(api, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
			// Instances are emitted page by page: a later failed page still
			// leaves the earlier ones (and the diagnostic marks the gap).
			if err := paginate(ctx, u, u.region, "rds:DescribeDBInstances", p,
				func(o *rds.DescribeDBInstancesOutput) {
					for _, db := range o.DBInstances {
						u.emit(adaptDBInstance(m, db))
					}
				}); err != nil {
				u.listFailed(err, awsshape.TypeDBInstance)
			}
		},
		func(ctx context.Context) {
			// One unfiltered listing answers Aurora, Neptune and DocumentDB
			// clusters: the Neptune and DocumentDB APIs are this same
			// operation with an engine filter.
			p := rds.NewDescribeDBClustersPaginator(api, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(100)})
			if err := paginate(ctx, u, u.region, "rds:DescribeDBClusters", p,
				func(o *rds.DescribeDBClustersOutput) {
					for _, c := range o.DBClusters {
						u.emit(adaptDBCluster(m, c))
					}
				}); err != nil {
				u.listFailed(err, awsshape.TypeDBCluster, awsshape.TypeNeptuneCluster)
			}
		},
	)
}

// clusterType is the asset type of a cluster: Neptune clusters have their
// own; Aurora and DocumentDB are RDS clusters.
func clusterType(engine string) string {
	if engine == "neptune" {
		return awsshape.TypeNeptuneCluster
	}
	return awsshape.TypeDBCluster
}

func adaptDBCluster(m meta, c rdstypes.DBCluster) (asset.Asset, error) {
	shape := awsshape.DBCluster{
		DBClusterIdentifier:              str(c.DBClusterIdentifier),
		DBClusterArn:                     str(c.DBClusterArn),
		DbClusterResourceId:              str(c.DbClusterResourceId),
		Engine:                           str(c.Engine),
		EngineVersion:                    str(c.EngineVersion),
		Status:                           str(c.Status),
		StorageEncrypted:                 boolean(c.StorageEncrypted),
		KmsKeyId:                         str(c.KmsKeyId),
		BackupRetentionPeriod:            i32(c.BackupRetentionPeriod),
		DeletionProtection:               boolean(c.DeletionProtection),
		IAMDatabaseAuthenticationEnabled: boolean(c.IAMDatabaseAuthenticationEnabled),
		MultiAZ:                          boolean(c.MultiAZ),
		PubliclyAccessible:               boolean(c.PubliclyAccessible),
		EnabledCloudwatchLogsExports:     append([]string{}, c.EnabledCloudwatchLogsExports...),
		VpcSecurityGroupIds:              []string{},
		CopyTagsToSnapshot:               boolean(c.CopyTagsToSnapshot),
		ClusterCreateTime:                timeString(c.ClusterCreateTime),
	}
	if shape.DBClusterArn == "" {
		shape.DBClusterArn = m.arn("rds", "cluster:"+shape.DBClusterIdentifier)
	}
	slices.Sort(shape.EnabledCloudwatchLogsExports)
	var rels []asset.Relation
	for _, sg := range c.VpcSecurityGroups {
		id := str(sg.VpcSecurityGroupId)
		shape.VpcSecurityGroupIds = append(shape.VpcSecurityGroupIds, id)
		rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+id)})
	}
	slices.Sort(shape.VpcSecurityGroupIds)
	if isARN(shape.KmsKeyId) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KmsKeyId})
	}
	tags := map[string]string{}
	for _, t := range c.TagList {
		tags[str(t.Key)] = str(t.Value)
	}
	return build(m, clusterType(shape.Engine), shape.DBClusterArn, shape.DBClusterIdentifier, tags, shape, rels, nil)
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
