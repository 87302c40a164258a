// Package aws collects AWS resources into canonical assets. Each service
// has its own file: it fetches through the AWS SDK for Go v2, then a pure
// adapt function turns the SDK output into an asset.Asset whose Config is
// the awsshape type. Every API call names the IAM action it needs, and the
// least-privilege read-only policy is generated from those names (Policy).
//
// What could not be read is reported, never left out silently:
//   - a failed listing is a collect.Diagnostic whose ResourceTypes name the
//     types left incomplete; its Region is the region, asset.Global for
//     IAM, or "" for every region of the account (a failed AssumeRole,
//     region discovery or bucket listing);
//   - a failed per-resource call is a Diagnostic without ResourceTypes
//     plus an asset.FieldError on the Config path it left unknown;
//   - "not configured" answers (NoSuchBucketPolicy, NoSuchEntity for the
//     password policy, ...) are not failures: the field is null.
//
// Throttling is absorbed: each (account, region, API) scope has an
// adaptive concurrency limit that halves on throttles, and the SDK's
// retryer backs off without a retry quota.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// Options configure a Collector. The zero value scans the caller's own
// account in every enabled region with the default credential chain.
type Options struct {
	// Profile selects a shared config profile (~/.aws/config).
	Profile string
	// Credentials, when set, replaces the default credential chain.
	Credentials aws.CredentialsProvider
	// Regions to scan; empty means every region enabled in each account
	// (EC2 DescribeRegions).
	Regions []string
	// EndpointURL sends every call to one endpoint (e.g. the simulator).
	EndpointURL string
	// Org discovers member accounts with Organizations ListAccounts (ACTIVE
	// accounts only) and scans each through Role.
	Org bool
	// Role is the name (optionally with a path) of the role assumed in
	// every account other than the caller's own.
	Role string
	// ExternalID is passed to AssumeRole when the role's trust policy
	// requires one.
	ExternalID string
	// Accounts is an explicit list of account IDs to scan (through Role,
	// except the caller's own account, which uses the base credentials).
	Accounts []string
	// Services restricts the scan to these services (see Services()).
	Services []string
	// MaxAttempts is how many times one call is attempted before its
	// failure is reported (default 10).
	MaxAttempts int
	// MaxBackoff caps the delay between attempts (default 20s).
	MaxBackoff time.Duration
	// AdaptiveRetry adds the SDK's client-side rate adaptation (aws/retry
	// adaptive mode) on top of the collector's own adaptive concurrency.
	// Off by default: in the benchmark it made scans 1.5-1.9x slower.
	AdaptiveRetry bool
	// AccountConcurrency is how many accounts are scanned at once (default 4).
	AccountConcurrency int
	// CallConcurrency bounds in-flight calls per account (default 64).
	CallConcurrency int
	// ServiceConcurrency is the most in-flight calls per account, region
	// and API, the scope AWS throttles (default 8). The bound in force
	// adapts: it halves when AWS throttles and grows back as calls pass.
	ServiceConcurrency int
	// HTTPClient replaces the SDK's default HTTP client. It must be an
	// *awshttp.BuildableClient for AWS_CA_BUNDLE to apply.
	HTTPClient aws.HTTPClient
	// Now is the clock stamped on assets and diagnostics (default time.Now).
	Now func() time.Time
	// ReportPollInterval is the first wait between polls for the IAM
	// credential report (default 250ms, doubling up to 4s).
	ReportPollInterval time.Duration
}

// Collector scans AWS accounts. It implements collect.Collector.
type Collector struct {
	opts     Options
	selected map[string]bool // service name → selected
	active   []*service      // selected services in declaration order
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@/-]{1,512}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// New validates the options and returns a collector.
func New(opts Options) (*Collector, error) {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = retry.DefaultMaxBackoff
	}
	if opts.AccountConcurrency <= 0 {
		opts.AccountConcurrency = 4
	}
	if opts.CallConcurrency <= 0 {
		opts.CallConcurrency = 64
	}
	if opts.ServiceConcurrency <= 0 {
		opts.ServiceConcurrency = 8
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReportPollInterval <= 0 {
		opts.ReportPollInterval = 250 * time.Millisecond
	}
	for _, id := range opts.Accounts {
		if !accountIDPattern.MatchString(id) {
			return nil, fmt.Errorf("account %q: an AWS account ID is 12 digits", id)
		}
	}
	for _, r := range opts.Regions {
		if !regionPattern.MatchString(r) {
			return nil, fmt.Errorf("region %q: not an AWS region name (e.g. us-east-1)", r)
		}
	}
	if (opts.Org || len(opts.Accounts) > 0) && opts.Role == "" {
		return nil, errors.New("a role name to assume is required to scan other accounts (Role)")
	}
	if opts.Role != "" && !roleNamePattern.MatchString(opts.Role) {
		return nil, fmt.Errorf("role %q: give the role's name (with its path, if any), not an ARN", opts.Role)
	}
	c := &Collector{opts: opts, selected: map[string]bool{}}
	known := map[string]bool{}
	for _, s := range services {
		known[s.name] = true
	}
	for _, name := range opts.Services {
		if !known[name] {
			return nil, fmt.Errorf("unknown AWS service %q (known: %s)", name, strings.Join(Services(), ", "))
		}
		c.selected[name] = true
	}
	for i := range services {
		s := &services[i]
		if len(opts.Services) == 0 {
			c.selected[s.name] = true
		}
		if c.selected[s.name] {
			c.active = append(c.active, s)
		}
	}
	return c, nil
}

// Services lists the service names Options.Services accepts.
func Services() []string {
	out := make([]string, 0, len(services))
	for _, s := range services {
		out = append(out, s.name)
	}
	return out
}

// Provider implements collect.Collector.
func (c *Collector) Provider() string { return awsshape.Provider }

// Collect scans every account in scope. It returns an error only when no
// account could be scanned at all; everything else is a Diagnostic.
func (c *Collector) Collect(ctx context.Context, sink collect.Sink) error {
	base, closeIdle, err := c.loadConfig(ctx)
	if err != nil {
		return err
	}
	defer closeIdle()
	me, err := callerIdentity(ctx, base)
	if err != nil {
		switch info := classify(err); info.Code {
		case collect.CodeUnauthenticated, collect.CodeAccessDenied:
			return fmt.Errorf("%w: %v", collect.ErrNoCredentials, err)
		case collect.CodeUnreachable:
			return fmt.Errorf("AWS is unreachable (check --endpoint-url, the network or proxy): %v", err)
		default:
			return fmt.Errorf("identify the caller: %v", err)
		}
	}
	targets, err := c.discoverAccounts(ctx, base, me)
	if err != nil {
		return err
	}
	var (
		mu     sync.Mutex
		failed []string
	)
	collect.ForEach(ctx, targets, c.opts.AccountConcurrency, func(ctx context.Context, t target) {
		if err := c.collectAccount(ctx, sink, base, me, t); err != nil {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("%s: %v", t.ID, err))
			mu.Unlock()
		}
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(failed) == len(targets) {
		sort.Strings(failed)
		return fmt.Errorf("no account could be scanned: %s", strings.Join(failed, "; "))
	}
	return nil
}

// loadConfig builds the base SDK configuration: credential chain or
// profile, retry policy, HTTP client and endpoint. closeIdle releases the
// connections of the HTTP client it built, once the scan is over.
func (c *Collector) loadConfig(ctx context.Context) (cfg aws.Config, closeIdle func(), err error) {
	o := c.opts
	var load []func(*config.LoadOptions) error
	if o.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Credentials != nil {
		load = append(load, config.WithCredentialsProvider(o.Credentials))
	}
	if o.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(o.EndpointURL))
	}
	closeIdle = func() {}
	hc := o.HTTPClient
	if hc == nil {
		// The SDK's default client, keeping more idle connections: one
		// host (an endpoint or a regional API) sees many concurrent calls,
		// and reopening connections would cost more than the calls. It
		// stays buildable so the loader can add a CA bundle to it.
		hc = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns = 2 * o.CallConcurrency * o.AccountConcurrency
			tr.MaxIdleConnsPerHost = o.CallConcurrency * o.AccountConcurrency
		})
	}
	load = append(load, config.WithHTTPClient(hc), config.WithRetryer(c.newRetryer))
	cfg, err = config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	// Freeze the client so that every service client shares one
	// connection pool, which the scan releases when it ends.
	if bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		frozen := bc.Freeze()
		cfg.HTTPClient = frozen
		if hcl, ok := frozen.(*http.Client); ok {
			if tr, ok := hcl.Transport.(*http.Transport); ok {
				closeIdle = tr.CloseIdleConnections
			}
		}
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
		if len(o.Regions) > 0 {
			cfg.Region = o.Regions[0]
		}
	}
	return cfg, closeIdle, nil
}

// newRetryer is the retryer of clients outside any throttling scope
// (STS, Organizations).
func (c *Collector) newRetryer() aws.Retryer { return c.retryer(nil) }

// retryer returns a retryer that tells onThrottle about every throttled
// attempt. Every (account, region, service) client has its own, matching
// the scope AWS throttles.
func (c *Collector) retryer(onThrottle func()) aws.Retryer {
	std := func(so *retry.StandardOptions) {
		so.MaxAttempts = c.opts.MaxAttempts
		so.MaxBackoff = c.opts.MaxBackoff
		// The default retry quota stops retrying once a burst of throttles
		// has drained it; a scan would then report throttling as a
		// collection failure. Backoff and the adaptive concurrency limit
		// pace the retries instead.
		so.RateLimiter = ratelimit.None
		so.Backoff = &backoff{max: c.opts.MaxBackoff, throttle: retry.IsErrorThrottles(so.Throttles), onThrottle: onThrottle}
	}
	if c.opts.AdaptiveRetry {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, std)
		})
	}
	return retry.NewStandard(std)
}

// target is one account to scan.
type target struct {
	ID, Name, Email, OrgID string
	// Assume is false for the caller's own account (base credentials).
	Assume bool
}

// partitionHome is the region global services (IAM, S3 listing) are
// called in, per partition.
func partitionHome(partition string) string {
	switch partition {
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	default:
		return "us-east-1"
	}
}

// allTypes lists every asset type the scan produces in an account, and
// regionalTypes those produced per region: the ResourceTypes of
// diagnostics that leave a whole account, or all its regions, uncollected.
func (c *Collector) allTypes() []string { return c.types(func(*service) bool { return true }, true) }

func (c *Collector) regionalTypes() []string {
	return c.types(func(s *service) bool { return !s.global }, false)
}

func (c *Collector) types(keep func(*service) bool, account bool) []string {
	var out []string
	for _, s := range c.active {
		if keep(s) {
			out = append(out, s.types...)
		}
	}
	if account {
		out = append(out, awsshape.TypeAccount)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var _ collect.Collector = (*Collector)(nil)
