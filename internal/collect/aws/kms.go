package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var kmsService = service{
	name: "kms",
	actions: []string{
		"kms:ListKeys",
		"kms:DescribeKey",
		"kms:GetKeyRotationStatus",
		"kms:ListResourceTags",
	},
	types:   []string{awsshape.TypeKMSKey},
	collect: collectKMS,
}

// kmsAPI is the part of the KMS client the collector uses.
type kmsAPI interface {
	kms.ListKeysAPIClient
	kms.ListResourceTagsAPIClient
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

// keyData is everything read about one key.
type keyData struct {
	Entry kmstypes.KeyListEntry
	// Metadata is nil when DescribeKey failed (Errors say why).
	Metadata *kmstypes.KeyMetadata
	// Rotation is nil when rotation does not apply to the key or could
	// not be read.
	Rotation *kms.GetKeyRotationStatusOutput
	Tags     []kmstypes.Tag
	Errors   []asset.FieldError
}

func collectKMS(ctx context.Context, u *unit) {
	var api kmsAPI = u.kms(u.region)
	r := u.region
	var keys []kmstypes.KeyListEntry
	p := kms.NewListKeysPaginator(api, &kms.ListKeysInput{Limit: aws.Int32(1000)})
	if err := paginate(ctx, u, r, "kms:ListKeys", p,
		func(o *kms.ListKeysOutput) { keys = append(keys, o.Keys...) }); err != nil {
		u.listFailed(err)
	}
	m := u.meta(r)
	collect.ForEach(ctx, keys, u.c.opts.ServiceConcurrency, func(ctx context.Context, k kmstypes.KeyListEntry) {
		d, ok := u.fetchKey(ctx, api, k)
		if ok {
			u.emit(adaptKey(m, d))
		}
	})
}

// rotationApplies tells whether automatic rotation exists for a key:
// only symmetric encryption keys whose material KMS generated.
func rotationApplies(md *kmstypes.KeyMetadata) bool {
	return md.KeySpec == kmstypes.KeySpecSymmetricDefault && md.Origin == kmstypes.OriginTypeAwsKms
}

func (u *unit) fetchKey(ctx context.Context, api kmsAPI, k kmstypes.KeyListEntry) (keyData, bool) {
	r := u.region
	uid := str(k.KeyArn)
	d := keyData{Entry: k}
	var out *kms.DescribeKeyOutput
	err := u.call(ctx, r, "kms:DescribeKey", func(ctx context.Context) (err error) {
		out, err = api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		return err
	})
	if hasCode(err, "NotFoundException") {
		return d, false // deleted since the listing
	}
	if err != nil {
		// Every field but the ID comes from DescribeKey.
		d.Errors = append(d.Errors, u.fieldError(err, "", uid, r))
		return d, true
	}
	d.Metadata = out.KeyMetadata
	if d.Metadata == nil {
		return d, true
	}
	if rotationApplies(d.Metadata) {
		var rot *kms.GetKeyRotationStatusOutput
		err := u.call(ctx, r, "kms:GetKeyRotationStatus", func(ctx context.Context) (err error) {
			rot, err = api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
			return err
		})
		if err != nil {
			d.Errors = append(d.Errors, u.fieldError(err, "KeyRotationEnabled", uid, r))
		} else {
			d.Rotation = rot
		}
	}
	if d.Metadata.KeyManager == kmstypes.KeyManagerTypeAws {
		// AWS managed keys cannot carry tags: no call to spend.
		return d, true
	}
	var tags []kmstypes.Tag
	p := kms.NewListResourceTagsPaginator(api, &kms.ListResourceTagsInput{KeyId: k.KeyId, Limit: aws.Int32(50)})
	err = paginate(ctx, u, r, "kms:ListResourceTags", p,
		func(o *kms.ListResourceTagsOutput) { tags = append(tags, o.Tags...) })
	switch {
	case hasCode(err, "NotFoundException"):
		return d, false // deleted since DescribeKey
	case err != nil:
		d.Errors = append(d.Errors, u.fieldError(err, "Tags", uid, r))
	default:
		d.Tags = tags
	}
	return d, true
}

func adaptKey(m meta, d keyData) (asset.Asset, error) {
	shape := awsshape.Key{KeyId: str(d.Entry.KeyId), Arn: str(d.Entry.KeyArn)}
	if md := d.Metadata; md != nil {
		shape.KeyId = str(md.KeyId)
		if a := str(md.Arn); a != "" {
			shape.Arn = a
		}
		shape.Description = str(md.Description)
		shape.KeyManager = string(md.KeyManager)
		shape.KeyState = string(md.KeyState)
		shape.KeySpec = string(md.KeySpec)
		shape.KeyUsage = string(md.KeyUsage)
		shape.Origin = string(md.Origin)
		shape.Enabled = md.Enabled
		shape.MultiRegion = boolean(md.MultiRegion)
		shape.CreationDate = timeString(md.CreationDate)
		shape.DeletionDate = timeString(md.DeletionDate)
	}
	if d.Rotation != nil {
		on := d.Rotation.KeyRotationEnabled
		shape.KeyRotationEnabled = &on
	}
	tags := map[string]string{}
	for _, t := range d.Tags {
		tags[str(t.TagKey)] = str(t.TagValue)
	}
	errs := append([]asset.FieldError(nil), d.Errors...)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return build(m, awsshape.TypeKMSKey, shape.Arn, shape.KeyId, tags, shape, nil, errs)
}
