package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

// s3controlAPI is the part of the S3 Control client the collector uses.
type s3controlAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// accountPublicAccessBlock reads the account-level S3 Block Public Access
// setting once per account. nil with no error means it was never
// configured. The outcome is recorded on the account asset.
func (r *accountRun) accountPublicAccessBlock(ctx context.Context, u *unit) (*awsshape.PublicAccessBlock, error) {
	return r.s3pab.get(func() (*awsshape.PublicAccessBlock, error) {
		var api s3controlAPI = r.s3control()
		var out *s3control.GetPublicAccessBlockOutput
		err := u.call(ctx, r.home, "s3:GetAccountPublicAccessBlock", func(ctx context.Context) (err error) {
			out, err = api.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(r.account)})
			return err
		})
		if hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
			return nil, nil
		}
		if err != nil {
			u.failed(err, awsshape.AccountUID(r.account), asset.Global, nil)
			r.acct.fail("S3PublicAccessBlock", "s3:GetAccountPublicAccessBlock", err)
			return nil, err
		}
		pab := pabFromControl(out.PublicAccessBlockConfiguration)
		r.acct.setS3PAB(pab)
		return pab, nil
	})
}

func pabFromControl(c *s3ctypes.PublicAccessBlockConfiguration) *awsshape.PublicAccessBlock {
	if c == nil {
		return nil
	}
	return &awsshape.PublicAccessBlock{
		BlockPublicAcls:       boolean(c.BlockPublicAcls),
		IgnorePublicAcls:      boolean(c.IgnorePublicAcls),
		BlockPublicPolicy:     boolean(c.BlockPublicPolicy),
		RestrictPublicBuckets: boolean(c.RestrictPublicBuckets),
	}
}
