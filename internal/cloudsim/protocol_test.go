package cloudsim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
	"go.uber.org/goleak"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// everyService is one call per simulated API, each with the error code and
// HTTP status that API uses for an explicit deny.
func everyService(cfg aws.Config, acct string) []struct {
	action     string
	call       func() error
	denyCode   string
	denyStatus int
} {
	return []struct {
		action     string
		call       func() error
		denyCode   string
		denyStatus int
	}{
		{"ec2:DescribeVpcs", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			return err
		}, "UnauthorizedOperation", 403},
		{"iam:ListUsers", func() error {
			_, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}, "AccessDenied", 403},
		{"sts:GetCallerIdentity", func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "AccessDenied", 403},
		{"rds:DescribeDBInstances", func() error {
			_, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			return err
		}, "AccessDenied", 403},
		{"cloudtrail:DescribeTrails", func() error {
			_, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			return err
		}, "AccessDeniedException", 400},
		{"kms:ListKeys", func() error {
			_, err := kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{})
			return err
		}, "AccessDeniedException", 400},
		{"config:DescribeConfigurationRecorders", func() error {
			_, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
			return err
		}, "AccessDeniedException", 400},
		{"organizations:DescribeOrganization", func() error {
			_, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return err
		}, "AccessDeniedException", 400},
		{"guardduty:ListDetectors", func() error {
			_, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
			return err
		}, "AccessDeniedException", 403},
		{"s3:ListAllMyBuckets", func() error {
			_, err := s3Client(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "AccessDenied", 403},
		{"ecr:DescribeRepositories", func() error {
			_, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
			return err
		}, "AccessDeniedException", 400},
		{"eks:ListClusters", func() error {
			_, err := eks.NewFromConfig(cfg).ListClusters(ctx, &eks.ListClustersInput{})
			return err
		}, "AccessDeniedException", 403},
		{"es:ListDomainNames", func() error {
			_, err := opensearch.NewFromConfig(cfg).ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
			return err
		}, "AccessDeniedException", 403},
		{"elasticloadbalancing:DescribeListeners", func() error {
			_, err := elbv2.NewFromConfig(cfg).DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String("arn:none")})
			if code, _ := apiErrCode(err); code == "LoadBalancerNotFound" {
				return nil
			}
			return err
		}, "AccessDenied", 403},
		{"elasticloadbalancing:DescribeLoadBalancerAttributes", func() error {
			_, err := elb.NewFromConfig(cfg).DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("none")})
			if code, _ := apiErrCode(err); code == "LoadBalancerNotFound" {
				return nil
			}
			return err
		}, "AccessDenied", 403},
		{"lambda:ListFunctions", func() error {
			_, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			return err
		}, "AccessDeniedException", 403},
		{"s3:GetAccountPublicAccessBlock", func() error {
			_, err := s3controlClient(cfg).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
			if code, _ := apiErrCode(err); code == "NoSuchPublicAccessBlockConfiguration" {
				return nil
			}
			return err
		}, "AccessDenied", 403},
	}
}

// oneAccountWorld is an account in an organization of its own, with
// us-east-1 enabled and nothing in it.
func oneAccountWorld() *cloudsim.World {
	return &cloudsim.World{
		Organization:   &cloudsim.Organization{MasterAccountId: "123456789012"},
		DefaultAccount: "123456789012",
		Accounts:       []*cloudsim.Account{{Id: "123456789012", Regions: map[string]*cloudsim.Region{"us-east-1": {}}}},
	}
}

func TestDenyAnswersEachProtocolsAccessDenied(t *testing.T) {
	w := oneAccountWorld()
	s := start(t, w)
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	calls := everyService(cfg, "123456789012")
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s before the deny: %v", c.action, err)
		}
	}
	s.Update(func(w *cloudsim.World) {
		for _, c := range calls {
			w.Accounts[0].Deny = append(w.Accounts[0].Deny, c.action)
		}
	})
	for _, c := range calls {
		t.Run(c.action, func(t *testing.T) { wantErr(t, c.call(), c.denyCode, c.denyStatus) })
	}
	if got := s.Stats().Denied; got != int64(len(calls)) {
		t.Errorf("Stats.Denied = %d, want %d", got, len(calls))
	}
	// Wildcards.
	s.Update(func(w *cloudsim.World) { w.Accounts[0].Deny = []string{"ec2:Describe*"} })
	_, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	wantErr(t, err, "UnauthorizedOperation", 403)
	_, err = ec2.NewFromConfig(cfg).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	check(t, err)
}

// rawCall sends a signed request the simulator does not serve and returns
// the response.
func rawCall(t *testing.T, s *cloudsim.Server, method, path, service string, header map[string]string, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	check(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAANY/20260101/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	check(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestUnknownOperations(t *testing.T) {
	s := start(t, oneAccountWorld())
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	jsonTarget := func(target string) map[string]string {
		return map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
	}
	tests := []struct {
		name, method, path, service string
		header                      map[string]string
		body                        string
		status                      int
		contains                    string
	}{
		{"ec2", "POST", "/", "ec2", form, "Action=DescribeImages&Version=2016-11-15", 400, "<Code>InvalidAction</Code>"},
		{"iam", "POST", "/", "iam", form, "Action=ListSAMLProviders&Version=2010-05-08", 400, "<Code>InvalidAction</Code>"},
		{"sts", "POST", "/", "sts", form, "Action=GetSessionToken&Version=2011-06-15", 400, "<Code>InvalidAction</Code>"},
		{"rds", "POST", "/", "rds", form, "Action=DescribeDBSnapshots&Version=2014-10-31", 400, "<Code>InvalidAction</Code>"},
		{"elbv2", "POST", "/", "elasticloadbalancing", form, "Action=DescribeTargetGroups&Version=2015-12-01", 400, "<Code>InvalidAction</Code>"},
		{"elb", "POST", "/", "elasticloadbalancing", form, "Action=DescribeListeners&Version=2012-06-01", 400, "<Code>InvalidAction</Code>"},
		{"ecr", "POST", "/", "ecr", jsonTarget("AmazonEC2ContainerRegistry_V20150921.DescribeImages"), "{}", 400, `"UnknownOperationException"`},
		{"eks", "GET", "/clusters/prod/node-groups", "eks", nil, "", 404, `"UnknownOperationException"`},
		{"lambda", "GET", "/2015-03-31/functions/f/configuration", "lambda", nil, "", 404, `"UnknownOperationException"`},
		{"opensearch", "GET", "/2021-01-01/opensearch/upgradeDomain", "es", nil, "", 404, `"UnknownOperationException"`},
		{"kms", "POST", "/", "kms", jsonTarget("TrentService.ListAliases"), "{}", 400, `"UnknownOperationException"`},
		{"cloudtrail", "POST", "/", "cloudtrail", jsonTarget("CloudTrail_20131101.ListTrails"), "{}", 400, `"UnknownOperationException"`},
		{"config", "POST", "/", "config", jsonTarget("StarlingDoveService.DescribeDeliveryChannels"), "{}", 400, `"UnknownOperationException"`},
		{"organizations", "POST", "/", "organizations", jsonTarget("AWSOrganizationsV20161128.ListRoots"), "{}", 400, `"UnknownOperationException"`},
		{"json target of another service", "POST", "/", "kms", jsonTarget("StarlingDoveService.DescribeConfigurationRecorders"), "{}", 400, `"UnknownOperationException"`},
		{"guardduty", "POST", "/detector/abc/findings", "guardduty", nil, "{}", 404, `"UnknownOperationException"`},
		{"s3", "GET", "/some-bucket/some-key", "s3", nil, "", 501, "<Code>NotImplemented</Code>"},
		{"s3control", "GET", "/v20180820/accesspoint", "s3", map[string]string{"X-Amz-Account-Id": "123456789012"}, "", 501, "<Code>NotImplemented</Code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := rawCall(t, s, tc.method, tc.path, tc.service, tc.header, tc.body)
			if status != tc.status || !strings.Contains(body, tc.contains) {
				t.Errorf("HTTP %d %s, want %d with %s", status, body, tc.status, tc.contains)
			}
		})
	}
	// The AWS CLI's fully qualified CloudTrail target is understood.
	status, body, _ := rawCall(t, s, "POST", "/", "cloudtrail", jsonTarget("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails"), "{}")
	if status != 200 || !strings.Contains(body, `"trailList":[]`) {
		t.Errorf("CLI target: HTTP %d %s", status, body)
	}
	// Unsigned requests are refused.
	req, _ := http.NewRequest("POST", s.URL()+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	check(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(raw), "MissingAuthenticationToken") {
		t.Errorf("unsigned: HTTP %d %s", resp.StatusCode, raw)
	}
}

func TestTimestampsShiftWithTheClock(t *testing.T) {
	w := loadWorld(t, "basic.yaml")
	later := asOf.Add(30 * 24 * time.Hour)
	s := start(t, w, cloudsim.WithClock(func() time.Time { return later }))
	cfg := sdkConfig(t, s, prodKey, "us-east-1")
	shift := 30 * 24 * time.Hour

	u, err := iam.NewFromConfig(cfg).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	check(t, err)
	if want := time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC).Add(shift); !aws.ToTime(u.User.CreateDate).Equal(want) {
		t.Errorf("user CreateDate = %v, want %v", u.User.CreateDate, want)
	}
	k, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")})
	check(t, err)
	if want := asOf.Add(shift); !aws.ToTime(k.KeyMetadata.CreationDate).Equal(want) {
		t.Errorf("key CreationDate (defaulted to asOf) = %v, want %v", k.KeyMetadata.CreationDate, want)
	}
	rs, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	check(t, err)
	if want := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(shift); !aws.ToTime(rs.ConfigurationRecordersStatus[0].LastStartTime).Equal(want) {
		t.Errorf("recorder LastStartTime = %v", rs.ConfigurationRecordersStatus[0].LastStartTime)
	}
	d, err := guardduty.NewFromConfig(cfg).GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("12abc34d567e8fa901bc2d34eexample")})
	check(t, err)
	if aws.ToString(d.CreatedAt) != "2026-01-31T00:00:00.000Z" {
		t.Errorf("detector createdAt = %s", aws.ToString(d.CreatedAt))
	}
	im := iam.NewFromConfig(cfg)
	_, err = im.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	check(t, err)
	rep, err := im.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	check(t, err)
	if !strings.Contains(string(rep.Content), "alice,arn:aws:iam::222222222222:user/alice,2024-02-09T09:00:00+00:00") || !aws.ToTime(rep.GeneratedTime).Equal(later) {
		t.Errorf("report not shifted: %s (generated %v)", rep.Content, rep.GeneratedTime)
	}
}

func TestStatsAndOperations(t *testing.T) {
	w := loadWorld(t, "basic.yaml")
	s := start(t, w)
	cfg := sdkConfig(t, s, prodKey, "eu-west-1")
	_, err := s3Client(cfg).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("prod-data-222222222222")})
	check(t, err)
	_, err = s3Client(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	check(t, err)
	_, err = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	_, err = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	_, err = s3controlClient(cfg).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(prodID)})
	check(t, err)
	st := s.Stats()
	if want := []string{"ec2:DescribeVpcs", "s3:GetAccountPublicAccessBlock", "s3:GetEncryptionConfiguration", "s3:ListAllMyBuckets"}; !slices.Equal(st.ActionNames(), want) {
		t.Errorf("actions = %v, want %v", st.ActionNames(), want)
	}
	if st.Requests["ec2.DescribeVpcs"] != 2 || st.Requests["s3control.GetPublicAccessBlock"] != 1 || st.Total != 5 {
		t.Errorf("requests = %v (total %d)", st.Requests, st.Total)
	}
	for _, tc := range []struct{ service, op, action string }{
		{"s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
		{"s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		{"s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
		{"s3", "ListBuckets", "s3:ListAllMyBuckets"},
		{"iam", "GenerateCredentialReport", "iam:GenerateCredentialReport"},
		{"config", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus"},
	} {
		if got, ok := cloudsim.IAMAction(tc.service, tc.op); !ok || got != tc.action {
			t.Errorf("IAMAction(%s, %s) = %q", tc.service, tc.op, got)
		}
	}
	if n := len(cloudsim.Operations()); n < 55 {
		t.Errorf("only %d operations listed", n)
	}
}

func apiErrCode(err error) (string, bool) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), true
	}
	return "", false
}

func TestServe(t *testing.T) {
	w := loadWorld(t, "basic.yaml")
	cctx, cancel := context.WithCancel(ctx)
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- cloudsim.Serve(cctx, w, "127.0.0.1:0", &out, "") }()
	var text string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if text = out.String(); strings.Contains(text, "parapet scan aws") {
			break
		}
	}
	var url, key, secret, region string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "export ") {
			_, err := fmt.Sscanf(line, "export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s", &key, &secret, &region)
			check(t, err)
		}
		if rest, ok := strings.CutPrefix(line, "parapet scan aws --endpoint-url "); ok {
			url = rest
		}
	}
	if url == "" || key != mgmtKey || secret != "test-secret" || region != "us-east-1" {
		t.Fatalf("Serve printed:\n%s", text)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region), config.WithBaseEndpoint(url),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}),
		config.WithCredentialsProvider(staticCreds(key, secret, "")))
	check(t, err)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	check(t, err)
	if aws.ToString(id.Account) != mgmtID {
		t.Errorf("account %s", aws.ToString(id.Account))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := oneAccountWorld()
	w.Faults.Latency = 200 * time.Millisecond
	s := cloudsim.NewServer(w)
	_, err := s.Start("127.0.0.1:0")
	check(t, err)
	hc := cloudsim.HTTPClient()
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	cfg.HTTPClient = hc
	// One call completes, one is cut off by Close while it waits out the
	// injected latency.
	s.SetFaults(cloudsim.Faults{})
	_, err = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	s.SetFaults(cloudsim.Faults{Latency: time.Hour})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	}()
	time.Sleep(50 * time.Millisecond)
	check(t, s.Close())
	<-done
	hc.CloseIdleConnections()
}

// TestWorldDocListsEveryOperation keeps docs/world.md's table of served
// operations in step with the server.
func TestWorldDocListsEveryOperation(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "world.md"))
	check(t, err)
	rows := len(regexp.MustCompile("(?m)^\\| [a-z0-9]+ \\| [A-Za-z]+ \\| `[a-z0-9-]+:[A-Za-z]+` \\|").FindAllString(string(doc), -1))
	for _, o := range cloudsim.Operations() {
		row := fmt.Sprintf("| %s | %s | `%s` |", o.Service, o.Name, o.Action)
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/world.md does not list %s", row)
		}
	}
	if rows != len(cloudsim.Operations()) {
		t.Errorf("docs/world.md lists %d operations, the server serves %d", rows, len(cloudsim.Operations()))
	}
}
