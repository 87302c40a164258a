package tfmap

import (
	"sort"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

func init() {
	register("aws_db_instance", mapDBInstance)
	register("aws_rds_cluster_instance", mapDBInstance)
	register("aws_rds_cluster", mapDBCluster)
	register("aws_neptune_cluster", mapDBCluster)
	register("aws_docdb_cluster", mapDBCluster)
}

// mapDBInstance maps an RDS DB instance with the defaults CreateDBInstance
// applies: not encrypted, not public, not Multi-AZ, backups kept 1 day (0
// for a read replica), no deletion protection, minor upgrades on.
// Encryption of a replica, of a restored snapshot and of an Aurora
// instance comes from its source or cluster. DescribeDBInstances lists
// Aurora instances (aws_rds_cluster_instance) too, with their cluster's
// storage, backup and deletion settings.
func mapDBInstance(m *mapping) {
	a := m.a
	name := a.str("identifier", "DBInstanceIdentifier") // omitted: generated at apply
	replica := a.has("replicate_source_db")
	db := awsshape.DBInstance{
		DBInstanceIdentifier:             name,
		DBInstanceArn:                    a.known("arn"),
		DbiResourceId:                    a.known("resource_id"),
		Engine:                           a.str("engine", "Engine"),
		EngineVersion:                    a.str("engine_version", "EngineVersion"),
		DBInstanceClass:                  a.str("instance_class", "DBInstanceClass"),
		DBInstanceStatus:                 "available",
		PubliclyAccessible:               a.boolean("publicly_accessible", "PubliclyAccessible", false),
		KmsKeyId:                         a.str("kms_key_id", "KmsKeyId"),
		MultiAZ:                          a.boolean("multi_az", "MultiAZ", false),
		DeletionProtection:               a.boolean("deletion_protection", "DeletionProtection", false),
		AutoMinorVersionUpgrade:          a.boolean("auto_minor_version_upgrade", "AutoMinorVersionUpgrade", true),
		IAMDatabaseAuthenticationEnabled: a.boolean("iam_database_authentication_enabled", "IAMDatabaseAuthenticationEnabled", false),
		VpcSecurityGroups:                []awsshape.VpcSecurityGroupRef{},
	}
	if v := a.known("engine_version_actual"); v != "" {
		db.EngineVersion = v
	}
	retention := int64(1)
	if replica {
		retention = 0
	}
	db.BackupRetentionPeriod = a.integer("backup_retention_period", "BackupRetentionPeriod", retention)

	cluster := a.raw("cluster_identifier")
	switch {
	case a.has("storage_encrypted"):
		db.StorageEncrypted = a.boolean("storage_encrypted", "StorageEncrypted", false)
	case cluster != nil:
		// An Aurora instance's storage is the cluster's.
		if t := m.ix.cluster(cluster); t != nil {
			ca := attrs{m: m, vals: t.Attributes, at: t.Address + "."}
			db.StorageEncrypted = clusterEncrypted(ca, t.Type, "StorageEncrypted")
			if db.KmsKeyId == "" {
				db.KmsKeyId, _ = stringOf(t.Attributes["kms_key_id"])
			}
			if !a.has("backup_retention_period") {
				db.BackupRetentionPeriod = ca.integer("backup_retention_period", "BackupRetentionPeriod", 1)
			}
			if !a.has("deletion_protection") {
				db.DeletionProtection = ca.boolean("deletion_protection", "DeletionProtection", false)
			}
		} else {
			m.unknown("StorageEncrypted", "cluster_identifier", "inherited from a cluster not defined here")
		}
	case replica:
		db.StorageEncrypted = m.inheritedEncryption(a.raw("replicate_source_db"), "replicate_source_db", "aws_db_instance")
	case a.has("snapshot_identifier"):
		m.unknown("StorageEncrypted", "snapshot_identifier", "inherited from the snapshot")
	case a.has("s3_import") || a.has("restore_to_point_in_time"):
		m.unknown("StorageEncrypted", "restore_to_point_in_time", "inherited from the source")
	}
	for _, g := range a.values("vpc_security_group_ids", "VpcSecurityGroups") {
		id, ok := stringOf(g)
		if !ok {
			a.unusable("vpc_security_group_ids", "VpcSecurityGroups", g)
			continue
		}
		db.VpcSecurityGroups = append(db.VpcSecurityGroups, awsshape.VpcSecurityGroupRef{VpcSecurityGroupId: id, Status: "active"})
		m.relate(relSecurityGroup, g)
	}
	sort.Slice(db.VpcSecurityGroups, func(i, j int) bool {
		return db.VpcSecurityGroups[i].VpcSecurityGroupId < db.VpcSecurityGroups[j].VpcSecurityGroupId
	})
	m.relate(relEncryptedWith, a.raw("kms_key_id"))
	m.emit(awsshape.TypeDBInstance, name, db)
}

// inheritedEncryption is the encryption of the DB instance a replica or
// restore copies, when it is one of this configuration.
func (m *mapping) inheritedEncryption(src any, arg, typ string) bool {
	t, _, ok := m.ix.resolve(src)
	if !ok {
		if s, isStr := src.(string); isStr {
			for _, c := range m.ix.byType[typ] {
				if c.Attributes["identifier"] == s || c.Attributes["arn"] == s {
					t, ok = c, true
					break
				}
			}
		}
	}
	if !ok || t.Type != typ || t == m.r {
		m.unknown("StorageEncrypted", arg, "inherited from a source not defined here")
		return false
	}
	if m.ix.arg(t, "storage_encrypted") == nil {
		m.unknown("StorageEncrypted", arg, "inherited from "+t.Address+", whose encryption is not set")
		return false
	}
	return attrs{m: m, vals: t.Attributes, at: t.Address + "."}.boolean("storage_encrypted", "StorageEncrypted", false)
}

// clusterEncrypted is a cluster's storage encryption: as asked, always for
// Aurora Serverless v1, else off (CreateDBCluster's default).
func clusterEncrypted(a attrs, typ, field string) bool {
	if a.has("storage_encrypted") {
		return a.boolean("storage_encrypted", field, false)
	}
	if typ == "aws_rds_cluster" && a.known("engine_mode") == "serverless" {
		return true
	}
	for _, arg := range []string{"snapshot_identifier", "replication_source_identifier", "restore_to_point_in_time", "s3_import"} {
		if a.has(arg) {
			a.m.unknown(field, a.at+arg, "inherited from the source")
			return false
		}
	}
	return false
}

// mapDBCluster maps an Aurora (aws_rds_cluster), Neptune or DocumentDB
// cluster, with CreateDBCluster's defaults.
func mapDBCluster(m *mapping) {
	a, r := m.a, m.r
	typ, engine, kmsArg, logsArg := awsshape.TypeDBCluster, "aurora", "kms_key_id", "enabled_cloudwatch_logs_exports"
	switch r.Type {
	case "aws_neptune_cluster":
		typ, engine, kmsArg, logsArg = awsshape.TypeNeptuneCluster, "neptune", "kms_key_arn", "enable_cloudwatch_logs_exports"
	case "aws_docdb_cluster":
		engine = "docdb"
	}
	name := a.str("cluster_identifier", "DBClusterIdentifier")
	c := awsshape.DBCluster{
		DBClusterIdentifier:              name,
		DBClusterArn:                     a.known("arn"),
		DbClusterResourceId:              a.known("cluster_resource_id"),
		Engine:                           a.strOr("engine", "Engine", engine),
		EngineVersion:                    a.str("engine_version", "EngineVersion"),
		Status:                           "available",
		KmsKeyId:                         a.str(kmsArg, "KmsKeyId"),
		BackupRetentionPeriod:            a.integer("backup_retention_period", "BackupRetentionPeriod", 1),
		DeletionProtection:               a.boolean("deletion_protection", "DeletionProtection", false),
		IAMDatabaseAuthenticationEnabled: a.boolean("iam_database_authentication_enabled", "IAMDatabaseAuthenticationEnabled", false),
		PubliclyAccessible:               a.boolean("publicly_accessible", "PubliclyAccessible", false),
		EnabledCloudwatchLogsExports:     sortedSet(a.strs(logsArg, "EnabledCloudwatchLogsExports")),
		VpcSecurityGroupIds:              sortedSet(a.strs("vpc_security_group_ids", "VpcSecurityGroupIds")),
		CopyTagsToSnapshot:               a.boolean("copy_tags_to_snapshot", "CopyTagsToSnapshot", false),
	}
	if v := a.known("engine_version_actual"); v != "" {
		c.EngineVersion = v
	}
	c.StorageEncrypted = clusterEncrypted(a, r.Type, "StorageEncrypted")
	// Aurora keeps storage in three zones whatever the instances; the
	// API's MultiAZ says whether the cluster has instances in more than
	// one zone. RDS places the readers of this configuration's instances
	// in other zones than the writer unless told otherwise.
	c.MultiAZ = len(m.ix.clusterInstances(r)) > 1
	for _, g := range a.values("vpc_security_group_ids", "VpcSecurityGroupIds") {
		m.relate(relSecurityGroup, g)
	}
	m.relate(relEncryptedWith, a.raw(kmsArg))
	m.emit(typ, name, c)
}

// cluster returns the cluster a cluster_identifier names, when it is one
// of this configuration.
func (ix *index) cluster(v any) *tfmodel.Resource {
	if t, _, ok := ix.resolve(v); ok {
		switch t.Type {
		case "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster":
			return t
		}
		return nil
	}
	if s, ok := v.(string); ok && s != "" {
		for _, typ := range []string{"aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"} {
			for _, c := range ix.byType[typ] {
				if c.Attributes["cluster_identifier"] == s || c.Attributes["id"] == s {
					return c
				}
			}
		}
	}
	return nil
}

// clusterInstances are the instances of this configuration in a cluster.
func (ix *index) clusterInstances(cluster *tfmodel.Resource) []*tfmodel.Resource {
	var out []*tfmodel.Resource
	ids := idsOf(cluster, "cluster_identifier", "id")
	for _, t := range []string{"aws_rds_cluster_instance", "aws_neptune_cluster_instance", "aws_docdb_cluster_instance"} {
		out = append(out, ix.linked(t, "cluster_identifier", cluster, ids...)...)
	}
	return out
}
