package cloudsim

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
)

func init() {
	register("config", true,
		op("DescribeConfigurationRecorders", configDescribeRecorders),
		op("DescribeConfigurationRecorderStatus", configDescribeRecorderStatus),
	)
}

// recorders returns the region's recorders, or only the named ones.
func (c *call) recorders(names []string) ([]*ConfigurationRecorder, error) {
	all := c.regionState().ConfigurationRecorders
	if len(names) == 0 {
		return all, nil
	}
	var out []*ConfigurationRecorder
	for _, n := range names {
		found := false
		for _, r := range all {
			if aws.ToString(r.Name) == n {
				out, found = append(out, r), true
			}
		}
		if !found {
			return nil, errorf(400, "NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", n)
		}
	}
	return out, nil
}

func configDescribeRecorders(c *call) error {
	var in configservice.DescribeConfigurationRecordersInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	recs, err := c.recorders(in.ConfigurationRecorderNames)
	if err != nil {
		return err
	}
	out := &configservice.DescribeConfigurationRecordersOutput{ConfigurationRecorders: []configtypes.ConfigurationRecorder{}}
	for _, r := range recs {
		out.ConfigurationRecorders = append(out.ConfigurationRecorders, r.ConfigurationRecorder)
	}
	return c.writeOutput(out)
}

func configDescribeRecorderStatus(c *call) error {
	var in configservice.DescribeConfigurationRecorderStatusInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	recs, err := c.recorders(in.ConfigurationRecorderNames)
	if err != nil {
		return err
	}
	out := &configservice.DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []configtypes.ConfigurationRecorderStatus{}}
	for _, r := range recs {
		st := configtypes.ConfigurationRecorderStatus{Name: r.Name}
		if r.Status != nil {
			st = *r.Status
			st.Name = r.Name
		}
		out.ConfigurationRecordersStatus = append(out.ConfigurationRecordersStatus, st)
	}
	return c.writeOutput(out)
}
