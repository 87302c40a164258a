package aws

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var s3Service = service{
	name:   "s3",
	global: true,
	actions: []string{
		"s3:ListAllMyBuckets",
		"s3:GetBucketLocation",
		"s3:GetBucketPublicAccessBlock",
		"s3:GetBucketPolicy",
		"s3:GetBucketPolicyStatus",
		"s3:GetBucketAcl",
		"s3:GetEncryptionConfiguration",
		"s3:GetBucketVersioning",
		"s3:GetBucketLogging",
		"s3:GetBucketTagging",
		// S3 Control GetPublicAccessBlock (s3control.go).
		"s3:GetAccountPublicAccessBlock",
	},
	types:   []string{awsshape.TypeS3Bucket},
	account: []string{"S3PublicAccessBlock"},
	collect: collectS3,
}

// s3API is the part of the S3 client the collector uses.
type s3API interface {
	s3.ListBucketsAPIClient
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetBucketLogging(context.Context, *s3.GetBucketLoggingInput, ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
	GetBucketTagging(context.Context, *s3.GetBucketTaggingInput, ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
}

// bucketData is everything read about one bucket. A nil field with no
// matching error means "not configured".
type bucketData struct {
	Bucket                   s3types.Bucket
	Region                   string
	PublicAccessBlock        *s3types.PublicAccessBlockConfiguration
	AccountPublicAccessBlock *awsshape.PublicAccessBlock
	Policy                   *string
	PolicyStatus             *s3types.PolicyStatus
	Acl                      *s3.GetBucketAclOutput
	Encryption               *s3types.ServerSideEncryptionConfiguration
	Versioning               *s3.GetBucketVersioningOutput
	Logging                  *s3types.LoggingEnabled
	Tags                     []s3types.Tag
	Errors                   []asset.FieldError
}

func collectS3(ctx context.Context, u *unit) {
	// The account setting applies to every bucket; read it first (once
	// per account, shared with the account asset).
	accountPAB, accountPABErr := u.accountPublicAccessBlock(ctx, u)

	var home s3API = u.s3(u.home)
	var buckets []s3types.Bucket
	p := s3.NewListBucketsPaginator(home, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)})
	err := paginate(ctx, u, u.home, "s3:ListAllMyBuckets", p,
		func(o *s3.ListBucketsOutput) { buckets = append(buckets, o.Buckets...) })
	if err != nil {
		// Buckets live in every region: the whole account's buckets are
		// incomplete.
		u.failed(err, "", "", u.svc.types)
	}
	collect.ForEach(ctx, buckets, u.c.opts.CallConcurrency, func(ctx context.Context, b s3types.Bucket) {
		d, ok := u.fetchBucket(ctx, home, b)
		if !ok {
			return
		}
		d.AccountPublicAccessBlock = accountPAB
		if accountPABErr != nil {
			d.Errors = append(d.Errors, fieldErrorOf(accountPABErr, "AccountPublicAccessBlock", classify(accountPABErr)))
		}
		u.emit(adaptBucket(u.meta(d.Region), d))
	})
}

// bucketRegion maps a LocationConstraint to a region name.
func bucketRegion(loc s3types.BucketLocationConstraint) string {
	switch loc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	default:
		return string(loc)
	}
}

// fetchBucket reads one bucket's settings through a client of the
// bucket's own region. ok is false when the bucket cannot be emitted
// (it vanished, or its region is unknown).
func (u *unit) fetchBucket(ctx context.Context, home s3API, b s3types.Bucket) (bucketData, bool) {
	name := str(b.Name)
	uid := "arn:" + u.partition + ":s3:::" + name
	d := bucketData{Bucket: b, Region: str(b.BucketRegion)}
	if d.Region == "" {
		var out *s3.GetBucketLocationOutput
		err := u.call(ctx, u.home, "s3:GetBucketLocation", func(ctx context.Context) (err error) {
			out, err = home.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
			return err
		})
		if hasCode(err, "NoSuchBucket") {
			return d, false
		}
		if err != nil {
			// Without its region the bucket cannot be read or placed:
			// its checks are ERROR wherever it lives.
			u.failed(err, uid, "", u.svc.types)
			return d, false
		}
		d.Region = bucketRegion(out.LocationConstraint)
	}
	var (
		api    s3API = u.s3(d.Region)
		r            = d.Region
		bucket       = aws.String(name)
		gone   bool
	)
	// get runs one call; "not configured" codes leave the field null,
	// other failures become a FieldError at path.
	get := func(action, path string, fn func(context.Context) error, notConfigured ...string) {
		if gone {
			return
		}
		err := u.call(ctx, r, action, fn)
		switch {
		case err == nil, hasCode(err, notConfigured...):
		case hasCode(err, "NoSuchBucket"):
			gone = true
		default:
			d.Errors = append(d.Errors, u.fieldError(err, path, uid, r))
		}
	}
	get("s3:GetBucketPublicAccessBlock", "PublicAccessBlock", func(ctx context.Context) error {
		out, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
		if err == nil {
			d.PublicAccessBlock = out.PublicAccessBlockConfiguration
		}
		return err
	}, "NoSuchPublicAccessBlockConfiguration")
	get("s3:GetBucketPolicy", "Policy", func(ctx context.Context) error {
		out, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		if err == nil {
			d.Policy = out.Policy
		}
		return err
	}, "NoSuchBucketPolicy")
	get("s3:GetBucketPolicyStatus", "PolicyStatus", func(ctx context.Context) error {
		out, err := api.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: bucket})
		if err == nil {
			d.PolicyStatus = out.PolicyStatus
		}
		return err
	}, "NoSuchBucketPolicy")
	get("s3:GetBucketAcl", "Acl", func(ctx context.Context) error {
		out, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
		if err == nil {
			d.Acl = out
		}
		return err
	})
	get("s3:GetEncryptionConfiguration", "ServerSideEncryptionConfiguration", func(ctx context.Context) error {
		out, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
		if err == nil {
			d.Encryption = out.ServerSideEncryptionConfiguration
		}
		return err
	}, "ServerSideEncryptionConfigurationNotFoundError")
	get("s3:GetBucketVersioning", "Versioning", func(ctx context.Context) error {
		out, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
		if err == nil {
			d.Versioning = out
		}
		return err
	})
	get("s3:GetBucketLogging", "LoggingEnabled", func(ctx context.Context) error {
		out, err := api.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket})
		if err == nil {
			d.Logging = out.LoggingEnabled
		}
		return err
	})
	get("s3:GetBucketTagging", "Tags", func(ctx context.Context) error {
		out, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: bucket})
		if err == nil {
			d.Tags = out.TagSet
		}
		return err
	}, "NoSuchTagSet")
	return d, !gone
}

func pabFromS3(c *s3types.PublicAccessBlockConfiguration) *awsshape.PublicAccessBlock {
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

func adaptBucket(m meta, d bucketData) (asset.Asset, error) {
	name := str(d.Bucket.Name)
	uid := "arn:" + m.Partition + ":s3:::" + name
	shape := awsshape.Bucket{
		Name:                     name,
		Arn:                      uid,
		Region:                   d.Region,
		CreationDate:             timeString(d.Bucket.CreationDate),
		PublicAccessBlock:        pabFromS3(d.PublicAccessBlock),
		AccountPublicAccessBlock: d.AccountPublicAccessBlock,
	}
	errs := append([]asset.FieldError(nil), d.Errors...)
	if fe := policyField(d.Policy, "Policy", "s3:GetBucketPolicy", &shape.Policy); fe != nil {
		errs = append(errs, *fe)
	}
	if d.PolicyStatus != nil {
		shape.PolicyStatus = &awsshape.PolicyStatus{IsPublic: boolean(d.PolicyStatus.IsPublic)}
	}
	if d.Acl != nil {
		acl := &awsshape.BucketAcl{Grants: []awsshape.Grant{}}
		if o := d.Acl.Owner; o != nil {
			acl.Owner = awsshape.Owner{ID: str(o.ID), DisplayName: str(o.DisplayName)}
		}
		for _, g := range d.Acl.Grants {
			sg := awsshape.Grant{Permission: string(g.Permission)}
			if ge := g.Grantee; ge != nil {
				sg.Grantee = awsshape.Grantee{Type: string(ge.Type), ID: str(ge.ID), URI: str(ge.URI),
					DisplayName: str(ge.DisplayName), EmailAddress: str(ge.EmailAddress)}
			}
			acl.Grants = append(acl.Grants, sg)
		}
		shape.Acl = acl
	}
	var rels []asset.Relation
	if e := d.Encryption; e != nil {
		sse := &awsshape.ServerSideEncryptionConfiguration{}
		for _, r := range e.Rules {
			rule := awsshape.EncryptionRule{BucketKeyEnabled: boolean(r.BucketKeyEnabled)}
			if def := r.ApplyServerSideEncryptionByDefault; def != nil {
				rule.ApplyServerSideEncryptionByDefault = &awsshape.EncryptionByDefault{
					SSEAlgorithm: string(def.SSEAlgorithm), KMSMasterKeyID: str(def.KMSMasterKeyID)}
				if isARN(str(def.KMSMasterKeyID)) {
					rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: str(def.KMSMasterKeyID)})
				}
			}
			sse.Rules = append(sse.Rules, rule)
		}
		shape.ServerSideEncryptionConfiguration = sse
	}
	if v := d.Versioning; v != nil {
		shape.Versioning = awsshape.Versioning{Status: string(v.Status), MFADelete: string(v.MFADelete)}
	}
	if l := d.Logging; l != nil {
		shape.LoggingEnabled = &awsshape.LoggingEnabled{TargetBucket: str(l.TargetBucket), TargetPrefix: str(l.TargetPrefix)}
	}
	tags := map[string]string{}
	for _, t := range d.Tags {
		tags[str(t.Key)] = str(t.Value)
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return build(m, awsshape.TypeS3Bucket, uid, name, tags, shape, rels, errs)
}
