package cloudsim_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// asOf is the asOf of testdata/basic.yaml; tests run the server's clock at
// it so served timestamps equal the world's.
var asOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	mgmtKey = "AKIATESTMANAGEMENT01"
	prodKey = "AKIATESTPRODUCTION01"
	mgmtID  = "111111111111"
	prodID  = "222222222222"
)

func loadWorld(t testing.TB, name string) *cloudsim.World {
	t.Helper()
	w, err := cloudsim.LoadWorld(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("load world: %v", err)
	}
	return w
}

// start serves w on loopback with the clock stopped at asOf.
func start(t testing.TB, w *cloudsim.World, opts ...cloudsim.Option) *cloudsim.Server {
	t.Helper()
	opts = append([]cloudsim.Option{cloudsim.WithClock(func() time.Time { return asOf })}, opts...)
	s := cloudsim.NewServer(w, opts...)
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sdkConfig is an SDK configuration aimed at the server, loaded the way a
// collector loads it (config.LoadDefaultConfig with a base endpoint) but
// isolated from the machine's AWS files and environment. Retries are off
// unless a test asks for them.
func sdkConfig(t testing.TB, s *cloudsim.Server, key, region string, opts ...func(*config.LoadOptions) error) aws.Config {
	t.Helper()
	base := []func(*config.LoadOptions) error{
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithRegion(region),
		config.WithBaseEndpoint(s.URL()),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(key, "test-secret", "")),
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = cloudsim.HTTPClient()
	return cfg
}

func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// sameJSON fails unless want and got marshal to the same JSON. Comparing
// the world's SDK struct with the SDK's decoded output this way catches
// any member the wire encoding lost or misnamed.
func sameJSON(t testing.TB, what string, want, got any) {
	t.Helper()
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(w) != string(g) {
		t.Errorf("%s: decoded value differs from the world\nworld: %s\nsdk:   %s", what, w, g)
	}
}

var ctx = context.Background()

func staticCreds(key, secret, token string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(key, secret, token)
}

// syncClock is a settable clock for WithClock.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *syncClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// s3controlEndpoint is the endpoint resolver a collector must give the S3
// Control client to reach a custom base endpoint: the SDK's rules put the
// account ID in front of the host ({AccountId}.127.0.0.1:port, which does
// not resolve) whenever the operation requires an account ID. Clearing
// RequiresAccountId selects the plain custom-endpoint rule; the account
// still travels in the x-amz-account-id header.
type s3controlEndpoint struct{ s3control.EndpointResolverV2 }

func (r s3controlEndpoint) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	p.RequiresAccountId = nil
	return r.EndpointResolverV2.ResolveEndpoint(ctx, p)
}

func s3controlClient(cfg aws.Config) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		o.EndpointResolverV2 = s3controlEndpoint{s3control.NewDefaultEndpointResolverV2()}
	})
}
