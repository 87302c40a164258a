package cloudsim

import (
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
