package aws

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

func TestBackoff(t *testing.T) {
	throttles := 0
	b := &backoff{max: 2 * time.Second, throttle: retry.IsErrorThrottles(retry.DefaultThrottles), onThrottle: func() { throttles++ }}
	tests := []struct {
		attempt  int
		err      error
		min, max time.Duration
		throttle bool
	}{
		{1, apiErrorStub{"Throttling", "slow down"}, 100 * time.Millisecond, 200 * time.Millisecond, true},
		{2, apiErrorStub{"SlowDown", ""}, 200 * time.Millisecond, 400 * time.Millisecond, true},
		{3, apiErrorStub{"InternalError", ""}, 400 * time.Millisecond, 800 * time.Millisecond, false},
		{6, errors.New("connection reset"), time.Second, 2 * time.Second, false},
		{64, apiErrorStub{"RequestLimitExceeded", ""}, time.Second, 2 * time.Second, true},
	}
	for _, tt := range tests {
		before := throttles
		for range 50 {
			d, err := b.BackoffDelay(tt.attempt, tt.err)
			if err != nil || d < tt.min || d > tt.max {
				t.Fatalf("attempt %d: delay %v (%v), want within [%v, %v]", tt.attempt, d, err, tt.min, tt.max)
			}
		}
		if got := throttles > before; got != tt.throttle {
			t.Errorf("attempt %d with %v: throttle reported = %v", tt.attempt, tt.err, got)
		}
	}
}
