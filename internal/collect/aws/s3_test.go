package aws

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func TestAdaptBucket(t *testing.T) {
	m := testMeta
	m.Region = "eu-west-1"
	bucket := s3types.Bucket{Name: p("logs"), CreationDate: ts("2025-02-01T00:00:00Z")}
	accountPAB := &awsshape.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	key := "arn:aws:kms:eu-west-1:111122223333:key/k1"
	denied := asset.FieldError{Path: "Policy", Action: "s3:GetBucketPolicy", Code: "AccessDenied", Message: "AccessDenied: no"}

	tests := []struct {
		name string
		in   bucketData
		want awsshape.Bucket
		tags map[string]string
		rels []asset.Relation
		errs []asset.FieldError
	}{
		{
			name: "nothing configured is null, not an error",
			in:   bucketData{Bucket: bucket, Region: "eu-west-1"},
			want: awsshape.Bucket{Name: "logs", Arn: "arn:aws:s3:::logs", Region: "eu-west-1", CreationDate: "2025-02-01T00:00:00Z"},
		},
		{
			name: "everything configured",
			in: bucketData{
				Bucket: bucket, Region: "eu-west-1",
				PublicAccessBlock:        &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: p(true), IgnorePublicAcls: p(false), BlockPublicPolicy: p(true), RestrictPublicBuckets: p(true)},
				AccountPublicAccessBlock: accountPAB,
				Policy:                   p(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}`),
				PolicyStatus:             &s3types.PolicyStatus{IsPublic: p(true)},
				Acl: &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: p("owner1")}, Grants: []s3types.Grant{
					{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: p("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionRead},
				}},
				Encryption: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: p(key)},
					BucketKeyEnabled:                   p(true),
				}}},
				Versioning: &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusDisabled},
				Logging:    &s3types.LoggingEnabled{TargetBucket: p("audit"), TargetPrefix: p("logs/")},
				Tags:       []s3types.Tag{{Key: p("team"), Value: p("sec")}},
			},
			want: awsshape.Bucket{
				Name: "logs", Arn: "arn:aws:s3:::logs", Region: "eu-west-1", CreationDate: "2025-02-01T00:00:00Z",
				PublicAccessBlock:        &awsshape.PublicAccessBlock{BlockPublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
				AccountPublicAccessBlock: accountPAB,
				Policy: map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}}},
				PolicyStatus: &awsshape.PolicyStatus{IsPublic: true},
				Acl: &awsshape.BucketAcl{Owner: awsshape.Owner{ID: "owner1"}, Grants: []awsshape.Grant{
					{Grantee: awsshape.Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: "READ"}}},
				ServerSideEncryptionConfiguration: &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{{
					ApplyServerSideEncryptionByDefault: &awsshape.EncryptionByDefault{SSEAlgorithm: "aws:kms", KMSMasterKeyID: key},
					BucketKeyEnabled:                   true}}},
				Versioning:     awsshape.Versioning{Status: "Enabled", MFADelete: "Disabled"},
				LoggingEnabled: &awsshape.LoggingEnabled{TargetBucket: "audit", TargetPrefix: "logs/"},
			},
			tags: map[string]string{"team": "sec"},
			rels: []asset.Relation{{Type: RelEncryptedWith, Target: key}},
		},
		{
			name: "unreadable policy is an error, not an absent policy",
			in:   bucketData{Bucket: bucket, Region: "eu-west-1", Errors: []asset.FieldError{denied}},
			want: awsshape.Bucket{Name: "logs", Arn: "arn:aws:s3:::logs", Region: "eu-west-1", CreationDate: "2025-02-01T00:00:00Z"},
			errs: []asset.FieldError{denied},
		},
		{
			name: "policy that is not JSON",
			in:   bucketData{Bucket: bucket, Region: "eu-west-1", Policy: p("{nope")},
			want: awsshape.Bucket{Name: "logs", Arn: "arn:aws:s3:::logs", Region: "eu-west-1", CreationDate: "2025-02-01T00:00:00Z"},
			errs: []asset.FieldError{{Path: "Policy", Action: "s3:GetBucketPolicy", Code: "InvalidResponse", Message: "policy document is not valid JSON"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adaptBucket(m, tt.in)
			wantAsset(t, got, err, asset.Asset{
				UID: "arn:aws:s3:::logs", Region: "eu-west-1", Type: awsshape.TypeS3Bucket, Name: "logs",
				Tags: tt.tags, Config: cfg(t, tt.want), Relations: tt.rels, Errors: tt.errs,
			})
		})
	}
}

func TestBucketRegion(t *testing.T) {
	for loc, want := range map[s3types.BucketLocationConstraint]string{"": "us-east-1", "EU": "eu-west-1", "eu-central-1": "eu-central-1"} {
		if got := bucketRegion(loc); got != want {
			t.Errorf("bucketRegion(%q) = %q, want %q", loc, got, want)
		}
	}
}

func TestPABFromControl(t *testing.T) {
	if pabFromControl(nil) != nil {
		t.Error("nil config should stay null")
	}
	got := pabFromControl(&s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: p(true), RestrictPublicBuckets: p(true)})
	want := awsshape.PublicAccessBlock{BlockPublicAcls: true, RestrictPublicBuckets: true}
	if *got != want {
		t.Errorf("got %+v, want %+v", *got, want)
	}
}

// TestS3ControlEndpoint checks the custom-endpoint fix for S3 Control: the
// account must travel in the x-amz-account-id header, not as a host label
// a loopback endpoint cannot resolve, while real AWS endpoints keep the
// SDK's default resolution.
func TestS3ControlEndpoint(t *testing.T) {
	var (
		mu   sync.Mutex
		host string
		acct string
		path string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		host, acct, path = r.Host, r.Header.Get("x-amz-account-id"), r.URL.Path
		mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = io.WriteString(w, `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`)
	}))
	defer srv.Close()

	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), BaseEndpoint: aws.String(srv.URL)}
	c, err := New(Options{EndpointURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := newAccountRun(c, nil, cfg, "aws", target{ID: "111122223333"})
	out, err := r.s3control().GetPublicAccessBlock(context.Background(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String("111122223333")})
	if err != nil {
		t.Fatalf("GetPublicAccessBlock through a custom endpoint: %v", err)
	}
	if !boolean(out.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Error("response not decoded")
	}
	if want := strings.TrimPrefix(srv.URL, "http://"); host != want || acct != "111122223333" || path != "/v20180820/configuration/publicAccessBlock" {
		t.Errorf("request went to host %q path %q with account header %q; want host %q", host, path, acct, want)
	}

	// Without a custom endpoint the SDK's own rules stay in charge.
	plain, _ := New(Options{})
	real := newAccountRun(plain, nil, aws.Config{Region: "us-east-1"}, "aws", target{ID: "111122223333"})
	if _, custom := real.s3control().Options().EndpointResolverV2.(s3controlEndpoint); custom {
		t.Error("the custom-endpoint resolver is installed for real AWS")
	}
	ep, err := s3control.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), s3control.EndpointParameters{
		Region: aws.String("us-east-1"), AccountId: aws.String("111122223333"), RequiresAccountId: aws.Bool(true),
		UseFIPS: aws.Bool(false), UseDualStack: aws.Bool(false)})
	if err != nil || ep.URI.Host != "111122223333.s3-control.us-east-1.amazonaws.com" {
		t.Errorf("real endpoint = %v, %v", ep.URI.Host, err)
	}
}
