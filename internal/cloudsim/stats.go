package cloudsim

import (
	"maps"
	"sort"
	"sync"
)

// Stats counts what the simulator has served since it started.
type Stats struct {
	// Total is every request received, recognised or not.
	Total int64
	// Requests counts calls per "service.Operation", e.g.
	// "ec2.DescribeInstances" or "s3control.GetPublicAccessBlock".
	Requests map[string]int64
	// Actions counts calls per IAM action they require, e.g.
	// "s3:GetEncryptionConfiguration", whatever their outcome.
	Actions map[string]int64
	// Throttled, InjectedErrors and Denied count calls answered with a
	// throttling error, an injected 5xx, and an access-denied error
	// from a world Deny list.
	Throttled      int64
	InjectedErrors int64
	Denied         int64
}

// ActionNames returns the IAM actions exercised, sorted.
func (s Stats) ActionNames() []string {
	names := make([]string, 0, len(s.Actions))
	for a := range s.Actions {
		names = append(names, a)
	}
	sort.Strings(names)
	return names
}

type statsCollector struct {
	mu sync.Mutex
	s  Stats
}

func newStatsCollector() *statsCollector {
	return &statsCollector{s: Stats{Requests: map[string]int64{}, Actions: map[string]int64{}}}
}

func (c *statsCollector) update(fn func(s *Stats)) {
	c.mu.Lock()
	fn(&c.s)
	c.mu.Unlock()
}

func (c *statsCollector) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Requests = maps.Clone(c.s.Requests)
	s.Actions = maps.Clone(c.s.Actions)
	return s
}
