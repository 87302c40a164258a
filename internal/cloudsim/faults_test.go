package cloudsim_test

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
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
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// retrying is an SDK retryer patient enough to get through injected
// faults, with short backoffs to keep the tests quick.
func retrying() func(*config.LoadOptions) error {
	return config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 50
			o.MaxBackoff = 20 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	})
}

func TestThrottlingPerProtocol(t *testing.T) {
	w := oneAccountWorld()
	w.Accounts[0].Regions["eu-west-1"] = &cloudsim.Region{}
	w.Faults = cloudsim.Faults{ThrottleRate: 0.5, ThrottleBurst: 2}
	s := start(t, w)
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"ec2", func() error { _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); return err }, "RequestLimitExceeded", 503},
		{"iam", func() error { _, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{}); return err }, "Throttling", 400},
		{"kms", func() error { _, err := kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{}); return err }, "ThrottlingException", 400},
		{"s3", func() error { _, err := s3Client(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}); return err }, "SlowDown", 503},
		{"s3control", func() error {
			_, err := s3controlClient(cfg).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})
			if code, _ := apiErrCode(err); code == "NoSuchPublicAccessBlockConfiguration" {
				return nil
			}
			return err
		}, "SlowDown", 503},
		{"guardduty", func() error {
			_, err := guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
			return err
		}, "TooManyRequestsException", 429},
		{"ecr", func() error {
			_, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
			return err
		}, "ThrottlingException", 400},
		{"eks", func() error { _, err := eks.NewFromConfig(cfg).ListClusters(ctx, &eks.ListClustersInput{}); return err }, "TooManyRequestsException", 429},
		{"opensearch", func() error {
			_, err := opensearch.NewFromConfig(cfg).ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
			return err
		}, "TooManyRequestsException", 429},
		{"lambda", func() error {
			_, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			return err
		}, "TooManyRequestsException", 429},
		{"elbv2", func() error {
			_, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
			return err
		}, "Throttling", 400},
		{"elb", func() error {
			_, err := elb.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
			return err
		}, "Throttling", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The burst passes, the next call is throttled.
			check(t, tc.call())
			check(t, tc.call())
			wantErr(t, tc.call(), tc.code, tc.status)
		})
	}
	// Buckets are per account, region and service.
	_, err := ec2.NewFromConfig(sdkConfig(t, s, "AKIAANY", "eu-west-1")).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	if got := s.Stats().Throttled; got != int64(len(tests)) {
		t.Errorf("Stats.Throttled = %d, want %d", got, len(tests))
	}
}

func TestThrottlingWithRetriesSucceeds(t *testing.T) {
	w := oneAccountWorld()
	w.Faults = cloudsim.Faults{ThrottleRate: 100, ThrottleBurst: 1}
	s := start(t, w)
	e := ec2.NewFromConfig(sdkConfig(t, s, "AKIAANY", "us-east-1", retrying()))
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				if _, err := e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
					failed.Add(1)
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	if failed.Load() != 0 || st.Throttled == 0 {
		t.Errorf("failed %d, throttled %d: the retryer should ride through throttling", failed.Load(), st.Throttled)
	}
	if st.Requests["ec2.DescribeVpcs"] != 40+st.Throttled {
		t.Errorf("requests %d = 40 successes + %d throttled?", st.Requests["ec2.DescribeVpcs"], st.Throttled)
	}
}

// failurePattern makes n calls without retries and records which failed.
func failurePattern(t *testing.T, f cloudsim.Faults, n int) (string, *cloudsim.Server) {
	s := start(t, oneAccountWorld(), cloudsim.WithFaults(f))
	im := iam.NewFromConfig(sdkConfig(t, s, "AKIAANY", "us-east-1"))
	pattern := make([]byte, n)
	for i := range pattern {
		_, err := im.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		pattern[i] = '.'
		if err != nil {
			code, status := apiErr(t, err)
			switch {
			case code == "InternalFailure" && status == 500, code == "ServiceUnavailable" && status == 503:
				pattern[i] = 'x'
			default:
				t.Fatalf("unexpected error %s %d", code, status)
			}
		}
	}
	return string(pattern), s
}

func TestInjectedServerErrors(t *testing.T) {
	const n = 400
	f := cloudsim.Faults{ErrorRate: 0.25, Seed: 42}
	a, s := failurePattern(t, f, n)
	b, _ := failurePattern(t, f, n)
	if a != b {
		t.Errorf("the same seed gave different failures:\n%s\n%s", a, b)
	}
	failed := 0
	for _, c := range a {
		if c == 'x' {
			failed++
		}
	}
	if frac := float64(failed) / n; frac < 0.18 || frac > 0.32 {
		t.Errorf("failed fraction %.2f, want about 0.25", frac)
	}
	if got := s.Stats().InjectedErrors; got != int64(failed) {
		t.Errorf("Stats.InjectedErrors = %d, want %d", got, failed)
	}
	// The SDK retries 5xx answers.
	s.SetFaults(f)
	e := ec2.NewFromConfig(sdkConfig(t, s, "AKIAANY", "us-east-1", retrying()))
	for i := 0; i < 50; i++ {
		if _, err := e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatalf("with retries: %v", err)
		}
	}
}

func TestLatency(t *testing.T) {
	s := start(t, oneAccountWorld(), cloudsim.WithFaults(cloudsim.Faults{Latency: 200 * time.Millisecond}))
	e := ec2.NewFromConfig(sdkConfig(t, s, "AKIAANY", "us-east-1"))
	t0 := time.Now()
	_, err := e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	if d := time.Since(t0); d < 200*time.Millisecond {
		t.Errorf("call took %v with 200ms latency", d)
	}
	s.SetFaults(cloudsim.Faults{})
	t0 = time.Now()
	_, err = e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	if d := time.Since(t0); d >= 200*time.Millisecond {
		t.Errorf("call took %v after latency was removed", d)
	}
}

// TestConcurrentCalls runs hundreds of SDK calls in parallel across
// services while the world and the faults change (run with -race).
func TestConcurrentCalls(t *testing.T) {
	w := bigWorld()
	s := start(t, w)
	cfg := sdkConfig(t, s, "AKIAANY", "us-east-1")
	e, im, k := ec2.NewFromConfig(cfg), iam.NewFromConfig(cfg), kms.NewFromConfig(cfg)
	s3c := s3Client(cfg)
	calls := []func() error{
		func() error {
			_, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(20)})
			return err
		},
		func() error {
			_, err := e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(10)})
			return err
		},
		func() error { _, err := im.ListUsers(ctx, &iam.ListUsersInput{}); return err },
		func() error { _, err := im.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); return err },
		func() error { _, err := k.ListKeys(ctx, &kms.ListKeysInput{}); return err },
		func() error {
			_, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10)})
			return err
		},
		func() error {
			_, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("bucket-0001")})
			return err
		},
	}
	const n = 600
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 300) // 300 requests in flight at once
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := calls[i%len(calls)](); err != nil {
				errs <- fmt.Errorf("call %d: %w", i, err)
			}
		}(i)
	}
	// Meanwhile: world updates, fault changes, stats reads.
	stop := make(chan struct{})
	var side sync.WaitGroup
	side.Add(1)
	go func() {
		defer side.Done()
		rng := rand.New(rand.NewSource(1))
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.Update(func(w *cloudsim.World) {
				w.Accounts[0].Regions["us-east-1"].EbsEncryptionByDefault = rng.Intn(2) == 0
			})
			s.SetFaults(cloudsim.Faults{PageSize: 5 + rng.Intn(5)})
			_ = s.Stats()
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	close(stop)
	side.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := s.Stats(); st.Total != n {
		t.Errorf("Stats.Total = %d, want %d", st.Total, n)
	}
}
