package cloudsim

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func init() {
	register("rds", true,
		op("DescribeDBInstances", rdsDescribeDBInstances),
	)
}

func rdsDescribeDBInstances(c *call) error {
	dbs := c.regionState().DBInstances
	var sel []*rdstypes.DBInstance
	id := c.form.Get("DBInstanceIdentifier")
	for i := range dbs {
		db := &dbs[i]
		if id == "" || aws.ToString(db.DBInstanceIdentifier) == id || aws.ToString(db.DBInstanceArn) == id {
			sel = append(sel, db)
		}
	}
	if id != "" && len(sel) == 0 {
		return errorf(404, "DBInstanceNotFound", "DBInstance %s not found.", id)
	}
	limit, err := c.formInt("MaxRecords")
	if err != nil {
		return err
	}
	p, err := c.paginate(len(sel), c.form.Get("Marker"), limit, 100, 20, 100)
	if err != nil {
		return err
	}
	out := &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{}, Marker: nextToken(p)}
	for _, db := range sel[p.start:p.end] {
		out.DBInstances = append(out.DBInstances, *db)
	}
	return c.writeOutput(out)
}

func init() {
	register("rds", true,
		op("DescribeDBClusters", rdsDescribeDBClusters),
	)
}

// rdsFilter is one Filters.Filter.N of an RDS Describe call.
type rdsFilter struct {
	name   string
	values []string
}

func (c *call) rdsFilters() []rdsFilter {
	var out []rdsFilter
	for i := 1; ; i++ {
		name := c.form.Get(fmt.Sprintf("Filters.Filter.%d.Name", i))
		if name == "" {
			return out
		}
		out = append(out, rdsFilter{name: name, values: c.formList(fmt.Sprintf("Filters.Filter.%d.Values.Value", i))})
	}
}

// rdsDescribeDBClusters serves Aurora, Neptune and DocumentDB clusters
// alike: the Neptune and DocumentDB SDK clients call this same operation,
// adding an engine filter.
func rdsDescribeDBClusters(c *call) error {
	filters := c.rdsFilters()
	for _, f := range filters {
		switch f.name {
		case "db-cluster-id", "db-cluster-resource-id", "engine":
		default:
			return errorf(400, "InvalidParameterValue", "Unrecognized filter name: %s", f.name)
		}
	}
	id := c.form.Get("DBClusterIdentifier")
	var sel []*rdstypes.DBCluster
	found := false
	clusters := c.regionState().DBClusters
	for i := range clusters {
		db := &clusters[i]
		if id != "" && aws.ToString(db.DBClusterIdentifier) != id && aws.ToString(db.DBClusterArn) != id {
			continue
		}
		found = true
		ok := true
		for _, f := range filters {
			var vals []string
			switch f.name {
			case "db-cluster-id":
				vals = strs(db.DBClusterIdentifier, db.DBClusterArn)
			case "db-cluster-resource-id":
				vals = strs(db.DbClusterResourceId)
			case "engine":
				vals = strs(db.Engine)
			}
			ok = ok && slices.ContainsFunc(f.values, func(v string) bool { return slices.Contains(vals, v) })
		}
		if ok {
			sel = append(sel, db)
		}
	}
	if id != "" && !found {
		return errorf(404, "DBClusterNotFoundFault", "DBCluster %s not found.", id)
	}
	limit, err := c.formInt("MaxRecords")
	if err != nil {
		return err
	}
	p, err := c.paginate(len(sel), c.form.Get("Marker"), limit, 100, 20, 100)
	if err != nil {
		return err
	}
	out := &rds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{}, Marker: nextToken(p)}
	for _, db := range sel[p.start:p.end] {
		out.DBClusters = append(out.DBClusters, *db)
	}
	return c.writeOutput(out)
}
