package aws

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

var cloudtrailService = service{
	name: "cloudtrail",
	actions: []string{
		"cloudtrail:DescribeTrails",
		"cloudtrail:GetTrailStatus",
		"cloudtrail:GetEventSelectors",
		"cloudtrail:ListTags",
	},
	types:   []string{awsshape.TypeTrail},
	account: []string{"Trails"},
	collect: collectCloudTrail,
}

// cloudtrailAPI is the part of the CloudTrail client the collector uses.
type cloudtrailAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(context.Context, *cloudtrail.GetEventSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
	cloudtrail.ListTagsAPIClient
}

// trailSet makes sure every trail is read once per account, from its
// home region, although DescribeTrails returns multi-region and
// organization trails in every region.
type trailSet struct {
	mu      sync.Mutex
	seen    map[string]cttypes.Trail
	claimed map[string]bool
}

func newTrailSet() *trailSet {
	return &trailSet{seen: map[string]cttypes.Trail{}, claimed: map[string]bool{}}
}

func (s *trailSet) see(t cttypes.Trail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[str(t.TrailARN)]; !ok {
		s.seen[str(t.TrailARN)] = t
	}
}

// claim returns true the first time it is called for a trail.
func (s *trailSet) claim(arn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claimed[arn] {
		return false
	}
	s.claimed[arn] = true
	return true
}

// unclaimed returns the trails seen but never read (their home region was
// not scanned), sorted by ARN.
func (s *trailSet) unclaimed() []cttypes.Trail {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []cttypes.Trail
	for _, a := range slices.Sorted(maps.Keys(s.seen)) {
		if !s.claimed[a] {
			out = append(out, s.seen[a])
		}
	}
	return out
}

func collectCloudTrail(ctx context.Context, u *unit) {
	var api cloudtrailAPI = u.cloudtrail(u.region)
	var out *cloudtrail.DescribeTrailsOutput
	err := u.call(ctx, u.region, "cloudtrail:DescribeTrails", func(ctx context.Context) (err error) {
		out, err = api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
		return err
	})
	if err != nil {
		u.listFailed(err)
		// The account's trail list may miss trails homed here.
		fe := fieldErrorOf(err, "Trails", classify(err))
		fe.Message = u.region + ": " + fe.Message
		u.acct.addError(fe)
		return
	}
	for _, t := range out.TrailList {
		u.trails.see(t)
	}
	for _, t := range out.TrailList {
		if str(t.HomeRegion) == u.region && u.trails.claim(str(t.TrailARN)) {
			u.readTrail(ctx, api, t)
		}
	}
}

// finishTrails reads trails whose home region was not scanned (e.g. an
// organization trail homed in a region this scan left out).
func (r *accountRun) finishTrails(ctx context.Context) {
	for _, t := range r.trails.unclaimed() {
		home := str(t.HomeRegion)
		if home == "" || !r.trails.claim(str(t.TrailARN)) {
			continue
		}
		u := r.unit(&cloudtrailService, home)
		u.readTrail(ctx, r.cloudtrail(home), t)
	}
}

// readTrail reads a trail's status and selectors in its home region,
// records it on the account, and emits it when the account owns it.
func (u *unit) readTrail(ctx context.Context, api cloudtrailAPI, t cttypes.Trail) {
	trailARN := str(t.TrailARN)
	home := str(t.HomeRegion)
	owned := false
	if a, err := arn.Parse(trailARN); err == nil {
		owned = a.AccountID == u.account
	}
	var (
		status *cloudtrail.GetTrailStatusOutput
		sel    *cloudtrail.GetEventSelectorsOutput
		errs   []asset.FieldError
	)
	err := u.call(ctx, home, "cloudtrail:GetTrailStatus", func(ctx context.Context) (err error) {
		status, err = api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailARN)})
		return err
	})
	if err != nil {
		fe := u.fieldError(err, "IsLogging", trailARN, home)
		errs = append(errs, fe)
		fe.Path = "LatestDeliveryError"
		errs = append(errs, fe)
	}
	err = u.call(ctx, home, "cloudtrail:GetEventSelectors", func(ctx context.Context) (err error) {
		sel, err = api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(trailARN)})
		return err
	})
	if err != nil {
		fe := u.fieldError(err, "EventSelectors", trailARN, home)
		errs = append(errs, fe)
		fe.Path = "AdvancedEventSelectors"
		errs = append(errs, fe)
	}
	shape := trailShape(t, status, sel)
	u.acct.addTrail(shape)
	for _, fe := range errs {
		if fe.Path == "LatestDeliveryError" || fe.Path == "AdvancedEventSelectors" {
			continue // one account error per failed call is enough
		}
		fe.Message = str(t.Name) + " " + fe.Path + ": " + fe.Message
		fe.Path = "Trails"
		u.acct.addError(fe)
	}
	if !owned {
		return // another account's trail: its tags are its owner's to read
	}
	tags, err := u.trailTags(ctx, api, home, trailARN)
	if err != nil {
		errs = append(errs, u.fieldError(err, "Tags", trailARN, home))
	}
	u.emit(adaptTrail(u.meta(home), shape, tags, errs))
}

// trailTags reads a trail's tags in its home region, where CloudTrail
// keeps them.
func (u *unit) trailTags(ctx context.Context, api cloudtrailAPI, home, trailARN string) ([]cttypes.Tag, error) {
	var tags []cttypes.Tag
	p := cloudtrail.NewListTagsPaginator(api, &cloudtrail.ListTagsInput{ResourceIdList: []string{trailARN}})
	err := paginate(ctx, u, home, "cloudtrail:ListTags", p,
		func(o *cloudtrail.ListTagsOutput) {
			for _, rt := range o.ResourceTagList {
				if str(rt.ResourceId) == trailARN {
					tags = append(tags, rt.TagsList...)
				}
			}
		})
	return tags, err
}

// trailShape joins a trail with its status and selectors; status or sel
// are nil when they could not be read.
func trailShape(t cttypes.Trail, status *cloudtrail.GetTrailStatusOutput, sel *cloudtrail.GetEventSelectorsOutput) awsshape.Trail {
	s := awsshape.Trail{
		Name:                       str(t.Name),
		TrailARN:                   str(t.TrailARN),
		HomeRegion:                 str(t.HomeRegion),
		IsMultiRegionTrail:         boolean(t.IsMultiRegionTrail),
		IsOrganizationTrail:        boolean(t.IsOrganizationTrail),
		IncludeGlobalServiceEvents: boolean(t.IncludeGlobalServiceEvents),
		LogFileValidationEnabled:   boolean(t.LogFileValidationEnabled),
		S3BucketName:               str(t.S3BucketName),
		KmsKeyId:                   str(t.KmsKeyId),
		CloudWatchLogsLogGroupArn:  str(t.CloudWatchLogsLogGroupArn),
		EventSelectors:             []awsshape.EventSelector{},
		AdvancedEventSelectors:     []awsshape.AdvancedEventSelector{},
	}
	if status != nil {
		s.IsLogging = boolean(status.IsLogging)
		s.LatestDeliveryError = str(status.LatestDeliveryError)
	}
	if sel != nil {
		for _, e := range sel.EventSelectors {
			es := awsshape.EventSelector{
				ReadWriteType:           string(e.ReadWriteType),
				IncludeManagementEvents: boolean(e.IncludeManagementEvents),
				DataResources:           []awsshape.DataResource{},
			}
			for _, d := range e.DataResources {
				es.DataResources = append(es.DataResources, awsshape.DataResource{Type: str(d.Type), Values: slices.Clone(d.Values)})
			}
			s.EventSelectors = append(s.EventSelectors, es)
		}
		for _, a := range sel.AdvancedEventSelectors {
			as := awsshape.AdvancedEventSelector{Name: str(a.Name), FieldSelectors: []awsshape.FieldSelector{}}
			for _, f := range a.FieldSelectors {
				as.FieldSelectors = append(as.FieldSelectors, awsshape.FieldSelector{
					Field:         str(f.Field),
					Equals:        slices.Clone(f.Equals),
					NotEquals:     slices.Clone(f.NotEquals),
					StartsWith:    slices.Clone(f.StartsWith),
					NotStartsWith: slices.Clone(f.NotStartsWith),
				})
			}
			s.AdvancedEventSelectors = append(s.AdvancedEventSelectors, as)
		}
	}
	return s
}

func adaptTrail(m meta, shape awsshape.Trail, tags []cttypes.Tag, errs []asset.FieldError) (asset.Asset, error) {
	tm := map[string]string{}
	for _, t := range tags {
		tm[str(t.Key)] = str(t.Value)
	}
	var rels []asset.Relation
	if shape.S3BucketName != "" {
		rels = append(rels, asset.Relation{Type: RelDeliversTo, Target: "arn:" + m.Partition + ":s3:::" + shape.S3BucketName})
	}
	if isARN(shape.KmsKeyId) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KmsKeyId})
	}
	return build(m, awsshape.TypeTrail, shape.TrailARN, shape.Name, tm, shape, rels, errs)
}
