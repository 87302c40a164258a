package aws

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// retryBase is the first retry's delay. It is shorter than the SDK's one
// second because the collector also shrinks a throttled scope's
// concurrency (AdaptiveLimiter): the retries of a scope that is being
// throttled are already few, and a long first delay would leave the scope
// idle at the end of a scan.
const retryBase = 100 * time.Millisecond

// backoff is an exponential backoff with equal jitter (half fixed, half
// random, so no retry comes back at once) that reports throttles to the
// scope's limiter.
type backoff struct {
	max        time.Duration
	throttle   retry.IsErrorThrottle
	onThrottle func()
}

func (b *backoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if b.onThrottle != nil && b.throttle.IsErrorThrottle(err) == aws.TrueTernary {
		b.onThrottle()
	}
	d := b.max
	if attempt < 30 {
		d = min(b.max, retryBase<<attempt)
	}
	return d/2 + rand.N(d/2+1), nil
}

// retryer returns the retryer of the account's clients of one API in one
// region, wired to that scope's concurrency limiter.
func (r *accountRun) retryer(api, region string) aws.Retryer {
	return r.c.retryer(r.services.Get(scopeKey(region, api)).Throttled)
}
