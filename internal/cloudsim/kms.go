package cloudsim

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func init() {
	register("kms", true,
		op("ListKeys", kmsListKeys),
		op("DescribeKey", kmsDescribeKey),
		op("GetKeyRotationStatus", kmsGetKeyRotationStatus),
		op("ListResourceTags", kmsListResourceTags),
	)
}

func kmsListKeys(c *call) error {
	var in kms.ListKeysInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	keys := c.regionState().Keys
	p, err := c.paginate(len(keys), aws.ToString(in.Marker), int(aws.ToInt32(in.Limit)), 100, 1, 1000)
	if err != nil {
		return err
	}
	out := &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{}}
	for _, k := range keys[p.start:p.end] {
		out.Keys = append(out.Keys, kmstypes.KeyListEntry{KeyId: k.KeyId, KeyArn: k.Arn})
	}
	if p.next != "" {
		out.NextMarker, out.Truncated = aws.String(p.next), true
	}
	return c.writeOutput(out)
}

// findKey resolves a key ID or key ARN in the call's region.
func (c *call) findKey(id string) (*Key, error) {
	for _, k := range c.regionState().Keys {
		if aws.ToString(k.KeyId) == id || aws.ToString(k.Arn) == id {
			return k, nil
		}
	}
	if strings.HasPrefix(id, "alias/") {
		return nil, errorf(400, "NotFoundException", "Alias arn:aws:kms:%s:%s:%s is not found.", c.region, c.ident.account.Id, id)
	}
	arn := id
	if !strings.HasPrefix(arn, "arn:") {
		arn = "arn:aws:kms:" + c.region + ":" + c.ident.account.Id + ":key/" + id
	}
	return nil, errorf(400, "NotFoundException", "Key '%s' does not exist", arn)
}

func kmsDescribeKey(c *call) error {
	var in kms.DescribeKeyInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	k, err := c.findKey(aws.ToString(in.KeyId))
	if err != nil {
		return err
	}
	md := k.KeyMetadata
	return c.writeOutput(&kms.DescribeKeyOutput{KeyMetadata: &md})
}

func kmsGetKeyRotationStatus(c *call) error {
	var in kms.GetKeyRotationStatusInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	k, err := c.findKey(aws.ToString(in.KeyId))
	if err != nil {
		return err
	}
	switch k.KeyState {
	case kmstypes.KeyStatePendingDeletion, kmstypes.KeyStatePendingImport, kmstypes.KeyStateUnavailable:
		return errorf(400, "KMSInvalidStateException", "%s is %s.", aws.ToString(k.Arn), k.KeyState)
	}
	// Automatic rotation exists only for symmetric keys with KMS-made
	// material in the default key store.
	if k.KeySpec != kmstypes.KeySpecSymmetricDefault || k.Origin != kmstypes.OriginTypeAwsKms || aws.ToString(k.CustomKeyStoreId) != "" {
		return errorf(400, "UnsupportedOperationException", "%s origin or key spec does not support automatic key rotation.", aws.ToString(k.Arn))
	}
	out := &kms.GetKeyRotationStatusOutput{KeyId: k.Arn, KeyRotationEnabled: k.KeyRotationEnabled}
	if k.KeyRotationEnabled {
		out.RotationPeriodInDays = k.RotationPeriodInDays
		if out.RotationPeriodInDays == nil {
			out.RotationPeriodInDays = aws.Int32(365)
		}
		out.NextRotationDate = k.NextRotationDate
	}
	return c.writeOutput(out)
}

func kmsListResourceTags(c *call) error {
	var in kms.ListResourceTagsInput
	if err := c.decodeJSON(&in); err != nil {
		return err
	}
	k, err := c.findKey(aws.ToString(in.KeyId))
	if err != nil {
		return err
	}
	p, err := c.paginate(len(k.Tags), aws.ToString(in.Marker), int(aws.ToInt32(in.Limit)), 50, 1, 50)
	if err != nil {
		return err
	}
	out := &kms.ListResourceTagsOutput{Tags: append([]kmstypes.Tag{}, k.Tags[p.start:p.end]...)}
	if p.next != "" {
		out.NextMarker, out.Truncated = aws.String(p.next), true
	}
	return c.writeOutput(out)
}
