package cloudsim_test

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// sizes of the generated world.
const (
	nAccounts  = 45
	nSGs       = 2500
	nInstances = 1200
	nUsers     = 1500
	nRoles     = 300
	nKeys      = 250
	nBuckets   = 300
	nDBs       = 150
	nDetectors = 120
)

// bigWorld builds, in Go, an organization whose first account holds
// thousands of resources.
func bigWorld() *cloudsim.World {
	w := &cloudsim.World{Organization: &cloudsim.Organization{MasterAccountId: "100000000000"}, DefaultAccount: "100000000000"}
	for i := 0; i < nAccounts; i++ {
		w.Accounts = append(w.Accounts, &cloudsim.Account{Id: fmt.Sprintf("1%011d", i), Regions: map[string]*cloudsim.Region{"us-east-1": {}, "eu-west-1": {}}})
	}
	a := w.Accounts[0]
	r := a.Regions["us-east-1"]
	r.Vpcs = []ec2types.Vpc{{VpcId: aws.String("vpc-1"), CidrBlock: aws.String("10.0.0.0/16")}}
	for i := 0; i < 40; i++ {
		r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String(fmt.Sprintf("subnet-%04d", i)), VpcId: aws.String("vpc-1")})
	}
	for i := 0; i < nSGs; i++ {
		r.SecurityGroups = append(r.SecurityGroups, ec2types.SecurityGroup{
			GroupId: aws.String(fmt.Sprintf("sg-%05d", i)), GroupName: aws.String(fmt.Sprintf("g%d", i)), VpcId: aws.String("vpc-1"),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(int32(i % 65535)), ToPort: aws.Int32(int32(i % 65535)), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}},
		})
	}
	for i := 0; i < nInstances; i++ {
		r.Instances = append(r.Instances, ec2types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%05d", i)), InstanceType: ec2types.InstanceTypeT3Micro, SubnetId: aws.String(fmt.Sprintf("subnet-%04d", i%40))})
	}
	for i := 0; i < nKeys; i++ {
		r.Keys = append(r.Keys, &cloudsim.Key{KeyMetadata: kmstypes.KeyMetadata{KeyId: aws.String(fmt.Sprintf("key-%04d", i))}})
	}
	for i := 0; i < nDBs; i++ {
		r.DBInstances = append(r.DBInstances, rdstypes.DBInstance{DBInstanceIdentifier: aws.String(fmt.Sprintf("db-%04d", i)), Engine: aws.String("postgres")})
	}
	for i := 0; i < nDetectors; i++ {
		r.Detectors = append(r.Detectors, &cloudsim.Detector{DetectorId: fmt.Sprintf("det%04d", i)})
	}
	for i := 0; i < nUsers; i++ {
		a.IAM.Users = append(a.IAM.Users, &cloudsim.User{User: iamtypes.User{UserName: aws.String(fmt.Sprintf("user-%05d", i))}})
	}
	for i := 0; i < nRoles; i++ {
		a.IAM.Roles = append(a.IAM.Roles, &cloudsim.Role{Role: iamtypes.Role{RoleName: aws.String(fmt.Sprintf("role-%04d", i))}})
	}
	for i := 0; i < nBuckets; i++ {
		a.S3.Buckets = append(a.S3.Buckets, &cloudsim.Bucket{Name: fmt.Sprintf("bucket-%04d", i)})
	}
	return w
}

// collect runs a paginator to the end and returns the IDs in order and the
// number of pages.
func collect[O any](t *testing.T, more func() bool, next func() (O, error), ids func(O) []string) ([]string, int) {
	t.Helper()
	var all []string
	pages := 0
	for more() {
		out, err := next()
		check(t, err)
		pages++
		all = append(all, ids(out)...)
		if pages > 100000 {
			t.Fatal("pagination does not end")
		}
	}
	return all, pages
}

func seq(prefix string, n int, width int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%0*d", prefix, width, i)
	}
	return out
}

func TestPaginationOverThousands(t *testing.T) {
	w := bigWorld()
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w)
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	e, im := ec2.NewFromConfig(cfg), iam.NewFromConfig(cfg)

	tests := []struct {
		name      string
		run       func() ([]string, int)
		want      []string
		wantPages int
	}{
		{"ec2 security groups, 7 a page", func() ([]string, int) {
			p := ec2.NewDescribeSecurityGroupsPaginator(e, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(7)})
			return collect(t, p.HasMorePages, func() (*ec2.DescribeSecurityGroupsOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeSecurityGroupsOutput) []string {
					var ids []string
					for _, g := range o.SecurityGroups {
						ids = append(ids, aws.ToString(g.GroupId))
					}
					return ids
				})
		}, seq("sg-", nSGs, 5), (nSGs + 6) / 7},
		{"ec2 instances, 50 a page", func() ([]string, int) {
			p := ec2.NewDescribeInstancesPaginator(e, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(50)})
			return collect(t, p.HasMorePages, func() (*ec2.DescribeInstancesOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeInstancesOutput) []string {
					var ids []string
					for _, r := range o.Reservations {
						for _, i := range r.Instances {
							ids = append(ids, aws.ToString(i.InstanceId))
						}
					}
					return ids
				})
		}, seq("i-", nInstances, 5), nInstances / 50},
		{"iam users, default page of 100", func() ([]string, int) {
			p := iam.NewListUsersPaginator(im, &iam.ListUsersInput{})
			return collect(t, p.HasMorePages, func() (*iam.ListUsersOutput, error) { return p.NextPage(ctx) },
				func(o *iam.ListUsersOutput) []string {
					var ids []string
					for _, u := range o.Users {
						ids = append(ids, aws.ToString(u.UserName))
					}
					return ids
				})
		}, seq("user-", nUsers, 5), nUsers / 100},
		{"iam roles, 13 a page", func() ([]string, int) {
			p := iam.NewListRolesPaginator(im, &iam.ListRolesInput{MaxItems: aws.Int32(13)})
			return collect(t, p.HasMorePages, func() (*iam.ListRolesOutput, error) { return p.NextPage(ctx) },
				func(o *iam.ListRolesOutput) []string {
					var ids []string
					for _, r := range o.Roles {
						ids = append(ids, aws.ToString(r.RoleName))
					}
					return ids
				})
		}, seq("role-", nRoles, 4), (nRoles + 12) / 13},
		{"kms keys, 9 a page", func() ([]string, int) {
			p := kms.NewListKeysPaginator(kms.NewFromConfig(cfg), &kms.ListKeysInput{Limit: aws.Int32(9)})
			return collect(t, p.HasMorePages, func() (*kms.ListKeysOutput, error) { return p.NextPage(ctx) },
				func(o *kms.ListKeysOutput) []string {
					var ids []string
					for _, k := range o.Keys {
						ids = append(ids, aws.ToString(k.KeyId))
					}
					return ids
				})
		}, seq("key-", nKeys, 4), (nKeys + 8) / 9},
		{"s3 buckets, 17 a page", func() ([]string, int) {
			p := s3.NewListBucketsPaginator(s3Client(cfg), &s3.ListBucketsInput{MaxBuckets: aws.Int32(17)})
			return collect(t, p.HasMorePages, func() (*s3.ListBucketsOutput, error) { return p.NextPage(ctx) },
				func(o *s3.ListBucketsOutput) []string {
					var ids []string
					for _, b := range o.Buckets {
						ids = append(ids, aws.ToString(b.Name))
					}
					return ids
				})
		}, seq("bucket-", nBuckets, 4), (nBuckets + 16) / 17},
		{"rds instances, 20 a page", func() ([]string, int) {
			p := rds.NewDescribeDBInstancesPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
			return collect(t, p.HasMorePages, func() (*rds.DescribeDBInstancesOutput, error) { return p.NextPage(ctx) },
				func(o *rds.DescribeDBInstancesOutput) []string {
					var ids []string
					for _, d := range o.DBInstances {
						ids = append(ids, aws.ToString(d.DBInstanceIdentifier))
					}
					return ids
				})
		}, seq("db-", nDBs, 4), (nDBs + 19) / 20},
		{"guardduty detectors, 7 a page", func() ([]string, int) {
			p := guardduty.NewListDetectorsPaginator(guardduty.NewFromConfig(cfg), &guardduty.ListDetectorsInput{MaxResults: aws.Int32(7)})
			return collect(t, p.HasMorePages, func() (*guardduty.ListDetectorsOutput, error) { return p.NextPage(ctx) },
				func(o *guardduty.ListDetectorsOutput) []string { return o.DetectorIds })
		}, seq("det", nDetectors, 4), (nDetectors + 6) / 7},
		{"organization accounts, 4 a page", func() ([]string, int) {
			p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(cfg), &organizations.ListAccountsInput{MaxResults: aws.Int32(4)})
			return collect(t, p.HasMorePages, func() (*organizations.ListAccountsOutput, error) { return p.NextPage(ctx) },
				func(o *organizations.ListAccountsOutput) []string {
					var ids []string
					for _, a := range o.Accounts {
						ids = append(ids, aws.ToString(a.Id))
					}
					return ids
				})
		}, seq("1", nAccounts, 11), (nAccounts + 3) / 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, pages := tc.run()
			if !slices.Equal(got, tc.want) {
				t.Errorf("collected %d items, want %d (first difference hidden in %d pages)", len(got), len(tc.want), pages)
			}
			if pages != tc.wantPages {
				t.Errorf("pages = %d, want %d", pages, tc.wantPages)
			}
		})
	}

	// Requests outside AWS's limits, and tokens the server never issued.
	_, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(2)})
	wantErr(t, err, "InvalidParameterValue", 400)
	_, err = im.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	wantErr(t, err, "ValidationError", 400)
	_, err = e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{NextToken: aws.String("garbage")})
	wantErr(t, err, "InvalidParameterValue", 400)
	_, err = kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{Marker: aws.String("garbage")})
	wantErr(t, err, "InvalidMarkerException", 400)
}

func TestTruncatedPagesFault(t *testing.T) {
	w := bigWorld()
	s := start(t, w, cloudsim.WithFaults(cloudsim.Faults{PageSize: 3}))
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	e := ec2.NewFromConfig(cfg)

	// Without MaxResults EC2 returns everything, unless pages are capped.
	first, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	check(t, err)
	if len(first.Subnets) != 3 || first.NextToken == nil {
		t.Fatalf("capped page = %d subnets, next %v", len(first.Subnets), first.NextToken)
	}
	// A larger MaxResults is capped too, and the paginator still sees all.
	p := ec2.NewDescribeSubnetsPaginator(e, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(100)})
	ids, pages := collect(t, p.HasMorePages, func() (*ec2.DescribeSubnetsOutput, error) { return p.NextPage(ctx) },
		func(o *ec2.DescribeSubnetsOutput) []string {
			var ids []string
			for _, s := range o.Subnets {
				ids = append(ids, aws.ToString(s.SubnetId))
			}
			return ids
		})
	if !slices.Equal(ids, seq("subnet-", 40, 4)) || pages != 14 {
		t.Errorf("subnets = %d in %d pages", len(ids), pages)
	}
	users, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
	check(t, err)
	if len(users.Users) != 3 || !users.IsTruncated {
		t.Errorf("IAM page = %d users, truncated %v", len(users.Users), users.IsTruncated)
	}
	buckets, err := s3Client(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	check(t, err)
	if len(buckets.Buckets) != 3 || buckets.ContinuationToken == nil {
		t.Errorf("S3 page = %d buckets", len(buckets.Buckets))
	}
	// Lifting the fault at runtime.
	s.SetFaults(cloudsim.Faults{})
	all, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	check(t, err)
	if len(all.Subnets) != 40 || all.NextToken != nil {
		t.Errorf("uncapped = %d subnets", len(all.Subnets))
	}
}

// BenchmarkDescribeSecurityGroups measures a page of 1000 groups through
// the real SDK client.
func BenchmarkDescribeSecurityGroups(b *testing.B) {
	s := start(b, bigWorld())
	e := ec2.NewFromConfig(sdkConfig(b, s, "AKIAANY", "us-east-1"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1000)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParallelCalls measures small calls from many goroutines.
func BenchmarkParallelCalls(b *testing.B) {
	s := start(b, bigWorld())
	cfg := sdkConfig(b, s, "AKIAANY", "us-east-1")
	im := iam.NewFromConfig(cfg)
	var once sync.Once
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := im.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); err != nil {
				once.Do(func() { b.Error(err) })
			}
		}
	})
}

// BenchmarkHandlerDescribeSecurityGroups measures the server alone
// answering a page of 1000 groups (no network, no SDK decoding).
func BenchmarkHandlerDescribeSecurityGroups(b *testing.B) {
	s := cloudsim.NewServer(bigWorld())
	h := s.Handler()
	body := "Action=DescribeSecurityGroups&Version=2016-11-15&MaxResults=1000"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAANY/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
		}
	}
}
