package aws

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// benchAccount is the account of the benchmark world.
const benchAccount = "555555555555"

// benchWorld builds one account with exactly 5,000 resources in two
// regions. Cheap-to-list EC2 resources make up most of the count; the
// resources that cost several calls each (IAM principals, buckets, keys)
// decide the time, so their numbers are chosen to load several throttled
// scopes (IAM, S3 in each region, KMS in each region) at once.
func benchWorld() *cloudsim.World {
	const (
		users, roles, groups, policies = 40, 40, 10, 20 // 110, global
		bucketsPerRegion               = 50             // 100
		keysPerRegion                  = 100            // 200
		dbsPerRegion                   = 100            // 200
		trailsPerRegion                = 2              // 4
		vpcs, subnets, sgs, instances  = 100, 300, 900, 500
		volumes                        = 393 // EC2: 2 x 2,193
	)
	doc := func(action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	acct := &cloudsim.Account{Id: benchAccount, Name: "bench", Email: "bench@example.com", Regions: map[string]*cloudsim.Region{}}
	iam := &acct.IAM
	iam.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14)}
	for i := range policies {
		iam.Policies = append(iam.Policies, &cloudsim.Policy{Policy: iamtypes.Policy{PolicyName: aws.String(fmt.Sprintf("policy-%02d", i))}, Document: doc("s3:Get*")})
	}
	managed := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/PowerUserAccess"}
	for i := range groups {
		iam.Groups = append(iam.Groups, &cloudsim.Group{
			Group:            iamtypes.Group{GroupName: aws.String(fmt.Sprintf("group-%02d", i))},
			AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String(managed[i%len(managed)])}},
		})
	}
	for i := range users {
		name := fmt.Sprintf("user-%02d", i)
		iam.Users = append(iam.Users, &cloudsim.User{
			User:             iamtypes.User{UserName: aws.String(name), CreateDate: &day},
			LoginProfile:     &iamtypes.LoginProfile{CreateDate: &day},
			AccessKeys:       []cloudsim.AccessKey{{AccessKeyMetadata: iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(fmt.Sprintf("AKIABENCH%011d", i)), Status: iamtypes.StatusTypeActive, CreateDate: &day}}},
			Groups:           []string{fmt.Sprintf("group-%02d", i%groups)},
			AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String(fmt.Sprintf("arn:aws:iam::%s:policy/policy-%02d", benchAccount, i%policies))}},
			InlinePolicies:   []cloudsim.InlinePolicy{{PolicyName: "inline", PolicyDocument: doc("ec2:Describe*")}},
		})
	}
	for i := range roles {
		iam.Roles = append(iam.Roles, &cloudsim.Role{
			Role: iamtypes.Role{RoleName: aws.String(fmt.Sprintf("role-%02d", i)),
				AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)},
			AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String(managed[i%len(managed)])}},
			InlinePolicies:   []cloudsim.InlinePolicy{{PolicyName: "inline", PolicyDocument: doc("logs:*")}},
		})
	}
	for ri, region := range []string{"us-east-1", "eu-west-1"} {
		r := &cloudsim.Region{EbsEncryptionByDefault: ri == 0}
		acct.Regions[region] = r
		for i := range bucketsPerRegion {
			acct.S3.Buckets = append(acct.S3.Buckets, &cloudsim.Bucket{
				Name: fmt.Sprintf("bench-%s-%03d", region, i), Region: region,
				Versioning: &cloudsim.BucketVersioning{Status: s3types.BucketVersioningStatusEnabled},
				Tags:       []s3types.Tag{{Key: aws.String("n"), Value: aws.String(fmt.Sprint(i))}},
			})
		}
		for i := range vpcs {
			r.Vpcs = append(r.Vpcs, ec2types.Vpc{VpcId: aws.String(fmt.Sprintf("vpc-%d%05d", ri, i)), CidrBlock: aws.String("10.0.0.0/16")})
		}
		for i := range subnets {
			r.Subnets = append(r.Subnets, ec2types.Subnet{SubnetId: aws.String(fmt.Sprintf("subnet-%d%05d", ri, i)),
				VpcId: aws.String(fmt.Sprintf("vpc-%d%05d", ri, i%vpcs)), CidrBlock: aws.String("10.0.1.0/24"), AvailabilityZone: aws.String(region + "a")})
		}
		for i := range sgs {
			r.SecurityGroups = append(r.SecurityGroups, ec2types.SecurityGroup{GroupId: aws.String(fmt.Sprintf("sg-%d%05d", ri, i)),
				GroupName: aws.String(fmt.Sprintf("sg-%d", i)), Description: aws.String("bench"), VpcId: aws.String(fmt.Sprintf("vpc-%d%05d", ri, i%vpcs)),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
					IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
		}
		for i := range instances {
			r.Instances = append(r.Instances, ec2types.Instance{InstanceId: aws.String(fmt.Sprintf("i-%d%05d", ri, i)), InstanceType: ec2types.InstanceTypeT3Micro,
				SubnetId: aws.String(fmt.Sprintf("subnet-%d%05d", ri, i%subnets)), VpcId: aws.String(fmt.Sprintf("vpc-%d%05d", ri, (i%subnets)%vpcs)),
				State:          &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
				SecurityGroups: []ec2types.GroupIdentifier{{GroupId: aws.String(fmt.Sprintf("sg-%d%05d", ri, i%sgs))}}})
		}
		for i := range volumes {
			r.Volumes = append(r.Volumes, ec2types.Volume{VolumeId: aws.String(fmt.Sprintf("vol-%d%05d", ri, i)), Size: aws.Int32(8),
				VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(true), AvailabilityZone: aws.String(region + "a")})
		}
		for i := range keysPerRegion {
			spec := kmstypes.KeySpecSymmetricDefault
			if i%10 == 9 {
				spec = kmstypes.KeySpecRsa2048
			}
			r.Keys = append(r.Keys, &cloudsim.Key{KeyMetadata: kmstypes.KeyMetadata{
				KeyId: aws.String(fmt.Sprintf("%08d-0000-0000-0000-%012d", ri, i)), KeyManager: kmstypes.KeyManagerTypeCustomer,
				KeySpec: spec, KeyState: kmstypes.KeyStateEnabled, Origin: kmstypes.OriginTypeAwsKms, Enabled: true},
				KeyRotationEnabled: i%2 == 0})
		}
		for i := range dbsPerRegion {
			r.DBInstances = append(r.DBInstances, rdstypes.DBInstance{DBInstanceIdentifier: aws.String(fmt.Sprintf("db-%d-%03d", ri, i)),
				Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"), StorageEncrypted: aws.Bool(i%3 != 0)})
		}
		for i := range trailsPerRegion {
			r.Trails = append(r.Trails, &cloudsim.Trail{Trail: cttypes.Trail{Name: aws.String(fmt.Sprintf("trail-%s-%d", region, i)),
				S3BucketName: aws.String(fmt.Sprintf("bench-%s-000", region))}})
		}
	}
	return &cloudsim.World{Accounts: []*cloudsim.Account{acct}, DefaultAccount: benchAccount}
}

// scopeCounter is an HTTP transport that counts, per throttled scope
// (region and service, as the simulator keys its token buckets), the calls
// accepted and the calls answered with a throttling error.
type scopeCounter struct {
	next      *http.Transport
	mu        sync.Mutex
	accepted  map[string]int
	throttled map[string]int
	last      map[string]time.Time // when the scope's last call returned
}

var throttleCodes = []string{"RequestLimitExceeded", "Throttling", "TooManyRequestsException", "SlowDown"}

func (c *scopeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	scope := "?"
	// Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, ...
	if _, cred, ok := strings.Cut(req.Header.Get("Authorization"), "Credential="); ok {
		if parts := strings.Split(strings.SplitN(cred, ",", 2)[0], "/"); len(parts) >= 4 {
			svc := parts[3]
			if svc == "s3" && strings.HasPrefix(req.URL.Path, "/v20180820/") {
				svc = "s3control"
			}
			scope = parts[2] + "/" + svc
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	throttled := false
	if resp.StatusCode >= 400 {
		body, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		for _, code := range throttleCodes {
			if bytes.Contains(body, []byte(code)) {
				throttled = true
			}
		}
	}
	c.mu.Lock()
	if throttled {
		c.throttled[scope]++
	} else {
		c.accepted[scope]++
	}
	c.last[scope] = time.Now()
	c.mu.Unlock()
	return resp, nil
}

// BenchmarkCollect5000 collects the 5,000-resource account from a
// simulator adding 20 ms to every call and throttling at 50 requests per
// second per (account, region, service) with a burst of 50. It reports
// the wall time against the lower bound the rate limit sets: for each
// scope, (accepted calls - burst) / rate; the bound is the largest. Any
// diagnostic fails the benchmark: throttling must be absorbed.
//
//	go test -run '^$' -bench Collect5000 -benchtime 1x ./internal/collect/aws/
func BenchmarkCollect5000(b *testing.B) {
	// default is what New chooses; the others are the alternatives that
	// were measured while tuning (run them by name).
	variants := []struct {
		name string
		opts Options
	}{
		{"default", Options{}},
		{"service-2", Options{ServiceConcurrency: 2}},
		{"service-4", Options{ServiceConcurrency: 4}},
		{"service-16", Options{ServiceConcurrency: 16}},
		{"service-32", Options{ServiceConcurrency: 32}},
		{"adaptive-8", Options{AdaptiveRetry: true}},
		{"adaptive-32", Options{AdaptiveRetry: true, ServiceConcurrency: 32}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) { benchmarkCollect(b, v.opts) })
	}
}

func benchmarkCollect(b *testing.B, opts Options) {
	const rate, burst = 50.0, 50
	// A custom HTTP client cannot take the environment's CA bundle; the
	// simulator is plain HTTP anyway.
	b.Setenv("AWS_CA_BUNDLE", "")
	faults := cloudsim.Faults{Latency: 20 * time.Millisecond, ThrottleRate: rate, ThrottleBurst: burst}
	for b.Loop() {
		w := benchWorld()
		if err := w.Validate(); err != nil {
			b.Fatal(err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256
		counter := &scopeCounter{next: tr, accepted: map[string]int{}, throttled: map[string]int{}, last: map[string]time.Time{}}
		start := time.Now()
		opts.HTTPClient = &http.Client{Transport: counter}
		run := simulate(b, w, faults, opts)
		tr.CloseIdleConnections()
		if run.err != nil {
			b.Fatal(run.err)
		}
		if n := len(run.rec.diags); n > 0 {
			b.Fatalf("%d diagnostics surfaced, e.g. %s", n, run.rec.diagKeys()[0])
		}
		if n := len(run.rec.assets); n != 5001 {
			b.Fatalf("%d assets, want 5,000 resources and the account", n)
		}
		var (
			bound      time.Duration
			worst      string
			throttled  int
			scopeNotes []string
		)
		for _, scope := range slices.Sorted(maps.Keys(counter.accepted)) {
			n := counter.accepted[scope]
			d := time.Duration(float64(max(0, n-burst)) / rate * float64(time.Second))
			if d > bound {
				bound, worst = d, scope
			}
			throttled += counter.throttled[scope]
			if n+counter.throttled[scope] > 100 {
				scopeNotes = append(scopeNotes, fmt.Sprintf("%s %d accepted, %d throttled, done at %.2fs;", scope, n,
					counter.throttled[scope], counter.last[scope].Sub(start).Seconds()))
			}
		}
		b.ReportMetric(run.elapsed.Seconds(), "wall-s")
		b.ReportMetric(bound.Seconds(), "bound-s")
		b.ReportMetric(run.elapsed.Seconds()/bound.Seconds(), "x-bound")
		b.ReportMetric(float64(throttled), "throttled")
		b.ReportMetric(float64(run.stats.Total), "calls")
		b.Logf("wall %v, bound %v (%s), %.2fx; busy scopes: %s",
			run.elapsed.Round(time.Millisecond), bound, worst, run.elapsed.Seconds()/bound.Seconds(), strings.Join(scopeNotes, " "))
	}
}
