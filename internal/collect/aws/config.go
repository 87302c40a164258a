package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// configService reads AWS Config's recorders, which only feed the
// account asset.
var configService = service{
	name: "config",
	actions: []string{
		"config:DescribeConfigurationRecorders",
		"config:DescribeConfigurationRecorderStatus",
	},
	account: []string{"Regions"},
	collect: collectConfig,
}

// configAPI is the part of the AWS Config client the collector uses.
type configAPI interface {
	DescribeConfigurationRecorders(context.Context, *configservice.DescribeConfigurationRecordersInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
	DescribeConfigurationRecorderStatus(context.Context, *configservice.DescribeConfigurationRecorderStatusInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error)
}

func collectConfig(ctx context.Context, u *unit) {
	var api configAPI = u.configService(u.region)
	r := u.region
	var (
		recs            *configservice.DescribeConfigurationRecordersOutput
		status          *configservice.DescribeConfigurationRecorderStatusOutput
		recErr, statErr error
	)
	collect.Parallel(ctx,
		func(ctx context.Context) {
			recErr = u.call(ctx, r, "config:DescribeConfigurationRecorders", func(ctx context.Context) (err error) {
				recs, err = api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
				return err
			})
		},
		func(ctx context.Context) {
			statErr = u.call(ctx, r, "config:DescribeConfigurationRecorderStatus", func(ctx context.Context) (err error) {
				status, err = api.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
				return err
			})
		},
	)
	for _, err := range []error{recErr, statErr} {
		if err != nil {
			u.failed(err, awsshape.AccountUID(u.account), r, nil)
			u.acct.failRegion(r, "ConfigurationRecorders", err)
		}
	}
	if recErr != nil || statErr != nil {
		return
	}
	u.acct.setRecorders(r, configRecorders(recs.ConfigurationRecorders, status.ConfigurationRecordersStatus))
}

// configRecorders joins recorders with their status by name.
func configRecorders(recs []cfgtypes.ConfigurationRecorder, status []cfgtypes.ConfigurationRecorderStatus) []awsshape.ConfigRecorder {
	byName := map[string]cfgtypes.ConfigurationRecorderStatus{}
	for _, s := range status {
		byName[str(s.Name)] = s
	}
	out := []awsshape.ConfigRecorder{}
	for _, rec := range recs {
		cr := awsshape.ConfigRecorder{Name: str(rec.Name), RoleARN: str(rec.RoleARN)}
		if g := rec.RecordingGroup; g != nil {
			cr.RecordingGroup = awsshape.RecordingGroup{AllSupported: g.AllSupported, IncludeGlobalResourceTypes: g.IncludeGlobalResourceTypes}
			for _, t := range g.ResourceTypes {
				cr.RecordingGroup.ResourceTypes = append(cr.RecordingGroup.ResourceTypes, string(t))
			}
			sort.Strings(cr.RecordingGroup.ResourceTypes)
		}
		if s, ok := byName[cr.Name]; ok {
			cr.Recording = s.Recording
			cr.LastStatus = string(s.LastStatus)
		}
		out = append(out, cr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
