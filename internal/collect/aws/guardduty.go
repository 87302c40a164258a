package aws

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

// guarddutyService reads GuardDuty detectors, which only feed the account
// asset.
var guarddutyService = service{
	name: "guardduty",
	actions: []string{
		"guardduty:ListDetectors",
		"guardduty:GetDetector",
	},
	account: []string{"Regions"},
	collect: collectGuardDuty,
}

// guarddutyAPI is the part of the GuardDuty client the collector uses.
type guarddutyAPI interface {
	guardduty.ListDetectorsAPIClient
	GetDetector(context.Context, *guardduty.GetDetectorInput, ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
}

func collectGuardDuty(ctx context.Context, u *unit) {
	var api guarddutyAPI = u.guardduty(u.region)
	r := u.region
	var ids []string
	p := guardduty.NewListDetectorsPaginator(api, &guardduty.ListDetectorsInput{MaxResults: aws.Int32(50)})
	if err := paginate(ctx, u, r, "guardduty:ListDetectors", p,
		func(o *guardduty.ListDetectorsOutput) { ids = append(ids, o.DetectorIds...) }); err != nil {
		u.failed(err, awsshape.AccountUID(u.account), r, nil)
		u.acct.failRegion(r, "GuardDutyDetectors", err)
		return
	}
	slices.Sort(ids)
	ds := []awsshape.GuardDutyDetector{}
	failed := false
	for _, id := range ids {
		var out *guardduty.GetDetectorOutput
		err := u.call(ctx, r, "guardduty:GetDetector", func(ctx context.Context) (err error) {
			out, err = api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
			return err
		})
		if err != nil {
			u.failed(err, awsshape.AccountUID(u.account), r, nil)
			u.acct.failRegion(r, "GuardDutyDetectors", err)
			failed = true
			continue
		}
		ds = append(ds, guardDutyDetector(id, out))
	}
	if !failed {
		u.acct.setDetectors(r, ds)
	}
}

func guardDutyDetector(id string, out *guardduty.GetDetectorOutput) awsshape.GuardDutyDetector {
	return awsshape.GuardDutyDetector{
		DetectorId:                 id,
		Status:                     string(out.Status),
		FindingPublishingFrequency: string(out.FindingPublishingFrequency),
	}
}
