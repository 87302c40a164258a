package finding

import (
	"fmt"
	"testing"
)

// BenchmarkExceptionSetSuppress measures one failing result checked
// against 1,000 approved exceptions spread over 100 checks (what every
// FAIL of a scan costs).
func BenchmarkExceptionSetSuppress(b *testing.B) {
	var exs []Exception
	for i := range 1000 {
		e := approved()
		e.ID = fmt.Sprintf("EXC-%04d", i)
		e.Scope = Scope{Checks: []string{fmt.Sprintf("c-%d", i%100)}, Assets: []string{fmt.Sprintf("arn:aws:s3:::bucket-%d-*", i)},
			Tags: map[string][]string{"env": {"dev", "re:^test"}}}
		exs = append(exs, e)
	}
	set, err := NewExceptionSet(exs, "parapet:exception")
	if err != nil {
		b.Fatal(err)
	}
	r := failure("c-7", "arn:aws:s3:::bucket-907-logs", "bucket-907-logs", "111111111111", "us-east-1")
	tags := map[string]string{"env": "test-2"}
	if id, ok := set.Suppress(r, tags, xday(2)); !ok || id != "EXC-0907" {
		b.Fatalf("Suppress = %q, %v", id, ok)
	}
	b.ResetTimer()
	for range b.N {
		set.Suppress(r, tags, xday(2))
	}
}
