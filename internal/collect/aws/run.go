package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

// service is one AWS service as the collector sees it. Services are a
// plain list (services.go); each declares every IAM action its calls need,
// the asset types it produces, and the account-asset paths it fills.
type service struct {
	name string
	// global services run once per account; the others once per region.
	global bool
	// actions lists the IAM action of every call the service makes.
	actions []string
	// types are the asset types the service emits.
	types []string
	// account lists the aws.account Config paths the service fills.
	account []string
	collect func(ctx context.Context, u *unit)
}

// accountRun is the state of one account's scan.
type accountRun struct {
	c         *Collector
	sink      collect.Sink
	cfg       aws.Config
	account   string
	partition string
	home      string // region of global services
	target    target
	regions   []string

	calls    *collect.Limiter          // in-flight calls in the account
	services *collect.AdaptiveLimiters // in-flight calls per region and API

	clientsMu sync.Mutex
	clients   map[string]any

	acct   *accountBuilder
	docs   *docCache
	s3pab  onceResult[*awsshape.PublicAccessBlock]
	trails *trailSet
}

func newAccountRun(c *Collector, sink collect.Sink, cfg aws.Config, partition string, t target) *accountRun {
	return &accountRun{
		c:         c,
		sink:      sink,
		cfg:       cfg,
		account:   t.ID,
		partition: partition,
		home:      partitionHome(partition),
		target:    t,
		calls:     collect.NewLimiter(c.opts.CallConcurrency),
		services:  collect.NewAdaptiveLimiters(c.opts.ServiceConcurrency, throttleCooldown),
		clients:   map[string]any{},
		acct:      newAccountBuilder(t),
		docs:      newDocCache(),
		trails:    newTrailSet(),
	}
}

func (r *accountRun) setRegions(regions []string) {
	r.regions = slices.Clone(regions)
	slices.Sort(r.regions)
	r.acct.setRegions(r.regions)
}

// meta is what every adapt function needs besides the SDK output.
func (r *accountRun) meta(region string) meta {
	return meta{Partition: r.partition, Account: r.account, Region: region, Time: r.c.opts.Now().UTC()}
}

// unit is one unit of work: a service in an account and region ("" for
// global services).
type unit struct {
	*accountRun
	svc    *service
	region string

	// gaps holds the types a failure left incomplete, and unemitted is
	// set when a listed resource could not be turned into an asset: the
	// unit then cannot vouch that its listing was complete.
	gapMu     sync.Mutex
	gaps      map[string]bool
	unemitted bool
}

func (r *accountRun) unit(s *service, region string) *unit {
	return &unit{accountRun: r, svc: s, region: region}
}

// callError is a failed call with the IAM action it needed.
type callError struct {
	action string
	err    error
}

func (e *callError) Error() string { return e.action + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// actionOf returns the IAM action recorded on err, or fallback.
func actionOf(err error, fallback string) string {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.action
	}
	return fallback
}

// call runs one API call in region under the account's and the (region,
// API) concurrency limits. Retries happen inside fn (the SDK retryer), so
// a slot is held while a throttled call backs off: that, and the limit
// shrinking on throttles, is the back-pressure that keeps a large account
// from stampeding one API.
func (u *unit) call(ctx context.Context, region, action string, fn func(context.Context) error) error {
	api, _, _ := strings.Cut(action, ":")
	l := u.services.Get(scopeKey(region, api))
	if err := l.Acquire(ctx); err != nil {
		return &callError{action: action, err: err}
	}
	defer l.Release()
	if err := u.calls.Acquire(ctx); err != nil {
		return &callError{action: action, err: err}
	}
	defer u.calls.Release()
	if err := fn(ctx); err != nil {
		return &callError{action: action, err: err}
	}
	l.Succeeded()
	return nil
}

// throttleCooldown is the least time between two halvings of a scope's
// concurrency: about one round trip to AWS.
const throttleCooldown = 100 * time.Millisecond

// scopeKey names a throttling scope of an account: a region and an API,
// by its IAM prefix (S3 Control shares S3's).
func scopeKey(region, api string) string { return region + "/" + api }

// pager is an SDK paginator (ec2.DescribeVpcsPaginator, ...): every
// service's has these two methods, over its own options type.
type pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (O, error)
}

// paginate asks p for pages until it has no more, each page one call
// under the unit's retry and rate limits, handing every page to each. A
// failed page ends the listing with its error.
func paginate[O, Opt any](ctx context.Context, u *unit, region, action string, p pager[O, Opt], each func(O)) error {
	for p.HasMorePages() {
		var out O
		err := u.call(ctx, region, action, func(ctx context.Context) (err error) {
			out, err = p.NextPage(ctx)
			return err
		})
		if err != nil {
			return err
		}
		each(out)
	}
	return nil
}

// diagRegion is the Diagnostic region of a unit: global services report
// asset.Global.
func (u *unit) diagRegion(region string) string {
	if region != "" {
		return region
	}
	if u.svc.global || u.region == "" {
		return asset.Global
	}
	return u.region
}

// failed reports a failed call. types names the asset types left
// incomplete in the scope (empty when only fields of an emitted asset are
// missing: those carry FieldErrors). region "" with types means every
// region of the account.
func (u *unit) failed(err error, resource, region string, types []string) collect.ErrorInfo {
	info := classify(err)
	action := actionOf(err, "")
	svc := u.svc.name
	if u.svc == &discovery {
		svc, _, _ = strings.Cut(action, ":")
	}
	d := collect.Diagnostic{
		Provider:      awsshape.Provider,
		Account:       u.account,
		Region:        region,
		Service:       svc,
		Action:        action,
		Resource:      resource,
		ResourceTypes: slices.Clone(types),
		Code:          string(info.Code),
		Message:       info.String(),
		Time:          u.c.opts.Now().UTC(),
	}
	if len(types) > 0 {
		u.gapMu.Lock()
		if u.gaps == nil {
			u.gaps = map[string]bool{}
		}
		for _, t := range types {
			u.gaps[t] = true
		}
		u.gapMu.Unlock()
	}
	u.sink.Diagnostic(d)
	return info
}

// listFailed reports a failed listing: the unit's types (or the ones
// given) are incomplete in the unit's region.
func (u *unit) listFailed(err error, types ...string) {
	if len(types) == 0 {
		types = u.svc.types
	}
	u.failed(err, "", u.diagRegion(""), types)
}

// fieldError reports a failed per-resource call and returns the
// FieldError to attach to the asset at path.
func (u *unit) fieldError(err error, path, resource, region string) asset.FieldError {
	info := u.failed(err, resource, u.diagRegion(region), nil)
	return fieldErrorOf(err, path, info)
}

func fieldErrorOf(err error, path string, info collect.ErrorInfo) asset.FieldError {
	return asset.FieldError{Path: path, Action: actionOf(err, ""), Code: string(info.Code), Message: info.String()}
}

// emit hands an adapted asset to the sink, or reports why it could not be
// built.
func (u *unit) emit(a asset.Asset, err error) {
	if err != nil {
		u.sink.Diagnostic(collect.Diagnostic{
			Provider: awsshape.Provider, Account: u.account, Region: u.diagRegion(""), Service: u.svc.name,
			Code: string(collect.CodeInvalidResponse), Message: err.Error(), Time: u.c.opts.Now().UTC(),
		})
		u.gapMu.Lock()
		u.unemitted = true
		u.gapMu.Unlock()
		return
	}
	u.sink.Asset(a)
}

// reportCoverage tells the sink, once the unit has run, which of its
// types it listed completely in its account and region (every region for
// a global service), so that assets missing from them can be taken as
// deleted. A cancelled unit, or one that could not emit something it
// listed, vouches for nothing.
func (u *unit) reportCoverage(ctx context.Context) {
	if ctx.Err() != nil || len(u.svc.types) == 0 {
		return
	}
	u.gapMu.Lock()
	defer u.gapMu.Unlock()
	if u.unemitted {
		return
	}
	var types []string
	for _, t := range u.svc.types {
		if !u.gaps[t] {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		return
	}
	region := u.region
	if u.svc.global {
		region = ""
	}
	u.sink.Covered(collect.Coverage{Provider: awsshape.Provider, Account: u.account, Region: region, ResourceTypes: types})
}

// onceResult computes a value once per account, shared by every unit that
// needs it (the account's S3 public access block feeds both the buckets
// and the account asset).
type onceResult[T any] struct {
	once sync.Once
	val  T
	err  error
}

func (o *onceResult[T]) get(fn func() (T, error)) (T, error) {
	o.once.Do(func() { o.val, o.err = fn() })
	return o.val, o.err
}

// sortFieldErrors orders errors so that an asset hashes the same whatever
// order concurrent calls finished in.
func sortFieldErrors(errs []asset.FieldError) []asset.FieldError {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Path != errs[j].Path {
			return errs[i].Path < errs[j].Path
		}
		return errs[i].Message < errs[j].Message
	})
	return errs
}

// notCollected is the FieldError for an account path whose service was
// not selected.
func notCollected(path, svc string) asset.FieldError {
	return asset.FieldError{Path: path, Code: string(collect.CodeNotCollected),
		Message: fmt.Sprintf("service %s was not selected for this scan", svc)}
}
