package cloudformation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

// defaultPorts are the ports RDS gives each engine family.
var defaultPorts = []struct {
	prefix string
	port   int64
}{
	{"aurora-postgresql", 5432}, {"postgres", 5432}, {"aurora", 3306}, {"mysql", 3306},
	{"mariadb", 3306}, {"oracle", 1521}, {"sqlserver", 1433}, {"db2", 50000},
	{"docdb", 27017}, {"neptune", 8182},
}

func defaultPort(engine string) int64 {
	e := strings.ToLower(engine)
	for _, d := range defaultPorts {
		if strings.HasPrefix(e, d.prefix) {
			return d.port
		}
	}
	return 0
}

// dbName is a DB instance's or cluster's identifier (RDS lower-cases it),
// or its rendering when CloudFormation generates it.
func (m *rmap) dbName() string {
	if n, ok := m.t.physicalName(m.r); ok {
		m.name = n
		return n
	}
	return "${" + m.r.id + "}"
}

// mapDBInstance maps AWS::RDS::DBInstance to aws.rds.db_instance. An
// Aurora instance (DBClusterIdentifier) takes its engine, encryption,
// backups and security groups from its cluster.
func mapDBInstance(m *rmap) any {
	t, r := m.t, m.r
	id := m.dbName()
	m.tags = m.tagsFrom("Tags")
	db := awsshape.DBInstance{
		DBInstanceIdentifier:             id,
		DBInstanceArn:                    t.arnOf("rds", true, "db:"+id),
		DbiResourceId:                    "${" + r.id + ".DbiResourceId}",
		Engine:                           strings.ToLower(m.str("Engine", "Engine", "")),
		EngineVersion:                    m.str("EngineVersion", "EngineVersion", ""),
		DBInstanceClass:                  m.str("DBInstanceClass", "DBInstanceClass", ""),
		DBInstanceStatus:                 "available",
		KmsKeyId:                         m.str("KmsKeyId", "KmsKeyId", ""),
		MultiAZ:                          m.boolean("MultiAZ", "MultiAZ", false),
		DeletionProtection:               m.boolean("DeletionProtection", "DeletionProtection", false),
		AutoMinorVersionUpgrade:          m.boolean("AutoMinorVersionUpgrade", "AutoMinorVersionUpgrade", true),
		IAMDatabaseAuthenticationEnabled: m.boolean("IAMDatabaseAuthenticationEnabled", "EnableIAMDatabaseAuthentication", false),
	}
	key, _ := m.get("KmsKeyId")
	m.relate(relEncryptedWith, key)

	var cluster *rmap
	clusterRef, inCluster := m.get("DBClusterIdentifier")
	if inCluster {
		if c := t.target(clusterRef, "AWS::RDS::DBCluster"); c != nil {
			cluster = m.other(c)
		}
	}
	// inherited reads a setting an Aurora instance takes from its cluster.
	inherited := func(fieldPath string, read func(src *rmap)) bool {
		if !inCluster {
			return false
		}
		if cluster == nil {
			s, _ := scalarText(clusterRef)
			m.unknown(fieldPath, unknown{reason: fmt.Sprintf("%s comes from DB cluster %s, defined outside the template", fieldPath, s)})
			return true
		}
		read(cluster)
		return true
	}
	if db.Engine == "" {
		inherited("Engine", func(c *rmap) { db.Engine = strings.ToLower(c.str("Engine", "Engine", "")) })
	}

	_, replica := m.get("SourceDBInstanceIdentifier")
	snapshot, fromSnapshot := m.get("DBSnapshotIdentifier")
	switch enc, set := m.get("StorageEncrypted"); {
	case set && enc != nil:
		db.StorageEncrypted = m.toBool("StorageEncrypted", "StorageEncrypted", enc, true, false)
	case inherited("StorageEncrypted", func(c *rmap) { db.StorageEncrypted = c.clusterEncrypted() }):
	case replica:
		m.unknown("StorageEncrypted", unknown{reason: "StorageEncrypted is not set: a read replica is encrypted like its source"})
	case fromSnapshot && snapshot != nil:
		m.unknown("StorageEncrypted", unknown{reason: "StorageEncrypted is not set: the instance is encrypted like its snapshot"})
	default:
		db.StorageEncrypted = false // RDS default
	}

	switch v, set := m.get("BackupRetentionPeriod"); {
	case set && v != nil:
		db.BackupRetentionPeriod = m.toInt("BackupRetentionPeriod", "BackupRetentionPeriod", v, true, 0)
	case inherited("BackupRetentionPeriod", func(c *rmap) {
		db.BackupRetentionPeriod = c.integer("BackupRetentionPeriod", "BackupRetentionPeriod", 1)
	}):
	case replica:
		db.BackupRetentionPeriod = 0 // replicas keep no automated backups by default
	default:
		db.BackupRetentionPeriod = 1 // RDS default
	}

	db.PubliclyAccessible = m.rdsPublic()

	var groups []any
	if v, ok := m.get("VPCSecurityGroups"); ok && v != nil {
		groups = m.anyList("VpcSecurityGroups", "VPCSecurityGroups", v)
	} else {
		inherited("VpcSecurityGroups", func(c *rmap) {
			v, _ := c.get("VpcSecurityGroupIds")
			groups = c.anyList("VpcSecurityGroups", "VpcSecurityGroupIds", v)
		})
	}
	for _, g := range groups {
		db.VpcSecurityGroups = append(db.VpcSecurityGroups, awsshape.VpcSecurityGroupRef{VpcSecurityGroupId: t.idText(g), Status: "active"})
		m.relate(relSecurityGroup, g)
	}
	sort.Slice(db.VpcSecurityGroups, func(i, j int) bool {
		return db.VpcSecurityGroups[i].VpcSecurityGroupId < db.VpcSecurityGroups[j].VpcSecurityGroupId
	})
	if vpc := m.dbVPC(); vpc != nil {
		db.VpcId = t.idText(vpc)
		m.relate(relInVPC, vpc)
	}
	db.Endpoint = &awsshape.DBEndpoint{
		Address: "${" + r.id + ".Endpoint.Address}",
		Port:    m.integer("Endpoint.Port", "Port", defaultPort(db.Engine)),
	}
	if cluster != nil {
		m.absorb(cluster, "")
	}
	return db
}

// anyList reads a list property as values (to keep references).
func (m *rmap) anyList(fieldPath, prop string, v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for _, e := range x {
			if u, ok := e.(unknown); ok {
				m.unknown(fieldPath, u)
			}
		}
		return x
	case unknown:
		m.unknown(fieldPath, x)
	case opaque:
		m.unknown(fieldPath, unknown{reason: prop + " is " + x.text})
	default:
		m.invalid(fieldPath, prop, v, "a list")
	}
	return nil
}

// clusterEncrypted reads a cluster's StorageEncrypted, with its default.
func (m *rmap) clusterEncrypted() bool {
	if v, ok := m.get("StorageEncrypted"); ok && v != nil {
		return m.toBool("StorageEncrypted", "StorageEncrypted", v, true, false)
	}
	for _, from := range []string{"SnapshotIdentifier", "SourceDBClusterIdentifier", "RestoreToTime"} {
		if v, ok := m.get(from); ok && v != nil {
			m.unknown("StorageEncrypted", unknown{reason: "StorageEncrypted is not set: a restored cluster is encrypted like its source"})
			return false
		}
	}
	// Aurora Serverless v1 is always encrypted; otherwise RDS's default
	// is unencrypted.
	return strings.EqualFold(m.str("StorageEncrypted", "EngineMode", ""), "serverless")
}

// dbSubnetVPC resolves the VPC of a DB subnet group property, when the
// group and its subnets are in the template.
func (m *rmap) dbVPC() any {
	t := m.t
	sgv, ok := m.get("DBSubnetGroupName")
	if !ok {
		return nil
	}
	group := t.target(sgv, "AWS::RDS::DBSubnetGroup", "AWS::Neptune::DBSubnetGroup", "AWS::DocDB::DBSubnetGroup")
	if group == nil {
		return nil
	}
	subnets, _ := t.props(group)["SubnetIds"].([]any)
	for _, s := range subnets {
		if vpc, found := t.subnetVPC(s); found {
			return vpc
		}
	}
	return nil
}

// rdsPublic reads PubliclyAccessible. Unset, RDS makes the instance public
// when the VPC of its subnets has an internet gateway: the default VPC
// (no DBSubnetGroupName) has one as AWS creates it; for a VPC of the
// template, an AWS::EC2::VPCGatewayAttachment of an internet gateway says.
func (m *rmap) rdsPublic() bool {
	t := m.t
	if v, ok := m.get("PubliclyAccessible"); ok && v != nil {
		return m.toBool("PubliclyAccessible", "PubliclyAccessible", v, true, false)
	}
	sgv, ok := m.get("DBSubnetGroupName")
	if !ok || sgv == nil {
		return true
	}
	const why = "PubliclyAccessible is not set: the default depends on whether the VPC of the DB subnet group has an internet gateway"
	vpc := m.dbVPC()
	vr := t.target(vpc, "AWS::EC2::VPC")
	if vr == nil {
		m.unknown("PubliclyAccessible", unknown{reason: why + ", and that VPC is not in the template"})
		return false
	}
	public, uncertain := false, (*resource)(nil)
	t.each("AWS::EC2::VPCGatewayAttachment", func(a *resource) {
		p := t.props(a)
		if t.target(p["VpcId"], "AWS::EC2::VPC") != vr || p["InternetGatewayId"] == nil {
			return
		}
		if a.cond == triUnknown {
			uncertain = a
			return
		}
		public = true
	})
	if !public && uncertain != nil {
		m.unknown("PubliclyAccessible", unknown{reason: why + ": " + uncertain.id + " exists only if " + uncertain.condWhy})
	}
	return public
}

// mapDBCluster maps AWS::RDS::DBCluster, AWS::DocDB::DBCluster and
// AWS::Neptune::DBCluster to aws.rds.db_cluster (aws.neptune.db_cluster).
func mapDBCluster(m *rmap) any {
	t, r := m.t, m.r
	id := m.dbName()
	m.tags = m.tagsFrom("Tags")
	c := awsshape.DBCluster{
		DBClusterIdentifier: id,
		DBClusterArn:        t.arnOf("rds", true, "cluster:"+id),
		DbClusterResourceId: "${" + r.id + ".DBClusterResourceId}",
		EngineVersion:       m.str("EngineVersion", "EngineVersion", ""),
		Status:              "available",
		KmsKeyId:            m.str("KmsKeyId", "KmsKeyId", ""),
		StorageEncrypted:    m.clusterEncrypted(),
		// RDS, Neptune and DocumentDB keep one day of backups by default.
		BackupRetentionPeriod:        m.integer("BackupRetentionPeriod", "BackupRetentionPeriod", 1),
		DeletionProtection:           m.boolean("DeletionProtection", "DeletionProtection", false),
		PubliclyAccessible:           m.boolean("PubliclyAccessible", "PubliclyAccessible", false),
		EnabledCloudwatchLogsExports: m.strs("EnabledCloudwatchLogsExports", "EnableCloudwatchLogsExports"),
		CopyTagsToSnapshot:           m.boolean("CopyTagsToSnapshot", "CopyTagsToSnapshot", false),
	}
	key, _ := m.get("KmsKeyId")
	m.relate(relEncryptedWith, key)
	instanceType := "AWS::RDS::DBInstance"
	switch r.typ {
	case "AWS::Neptune::DBCluster":
		c.Engine = "neptune"
		c.DbClusterResourceId = "${" + r.id + ".ClusterResourceId}"
		c.IAMDatabaseAuthenticationEnabled = m.boolean("IAMDatabaseAuthenticationEnabled", "IamAuthEnabled", false)
		instanceType = "AWS::Neptune::DBInstance"
	case "AWS::DocDB::DBCluster":
		c.Engine = "docdb"
		c.DbClusterResourceId = "${" + r.id + ".ClusterResourceId}"
		instanceType = "AWS::DocDB::DBInstance"
	default:
		c.Engine = strings.ToLower(m.str("Engine", "Engine", ""))
		c.IAMDatabaseAuthenticationEnabled = m.boolean("IAMDatabaseAuthenticationEnabled", "EnableIAMDatabaseAuthentication", false)
	}
	groups, _ := m.get("VpcSecurityGroupIds")
	for _, g := range m.anyList("VpcSecurityGroupIds", "VpcSecurityGroupIds", groups) {
		c.VpcSecurityGroupIds = append(c.VpcSecurityGroupIds, t.idText(g))
		m.relate(relSecurityGroup, g)
	}
	// A Multi-AZ DB cluster (RDS engines with DBClusterInstanceClass) spans
	// three zones; an Aurora, Neptune or DocumentDB cluster is Multi-AZ
	// once it has a second instance, which the service places in another
	// zone.
	if _, ok := m.get("DBClusterInstanceClass"); ok && !strings.HasPrefix(c.Engine, "aurora") {
		c.MultiAZ = true
	} else {
		n := 0
		t.each(instanceType, func(i *resource) {
			if t.target(t.props(i)["DBClusterIdentifier"], r.typ) == r {
				n++
			}
		})
		c.MultiAZ = n >= 2
	}
	return c
}
