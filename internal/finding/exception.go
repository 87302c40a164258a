package finding

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// ExceptionState is where an exception is in its life:
//
//	requested ──approve──► approved ──(expires)──► expired
//	    │                     │
//	    ├──reject──► rejected └──revoke──► revoked
//	    ├──revoke──► revoked (withdrawn)
//	    └──(expires)──► expired
//
// Only an approved exception that has not expired suppresses anything.
type ExceptionState string

const (
	ExceptionRequested ExceptionState = "requested"
	ExceptionApproved  ExceptionState = "approved"
	ExceptionRejected  ExceptionState = "rejected"
	ExceptionExpired   ExceptionState = "expired"
	ExceptionRevoked   ExceptionState = "revoked"
)

var exceptionStates = []ExceptionState{ExceptionRequested, ExceptionApproved, ExceptionRejected, ExceptionExpired, ExceptionRevoked}

// Valid reports whether s is a known state.
func (s ExceptionState) Valid() bool { return slices.Contains(exceptionStates, s) }

// Closed reports whether s is final: nothing moves an exception out of it.
func (s ExceptionState) Closed() bool {
	return s == ExceptionRejected || s == ExceptionExpired || s == ExceptionRevoked
}

// ParseExceptionState accepts a state name in any case.
func ParseExceptionState(s string) (ExceptionState, error) {
	st := ExceptionState(strings.ToLower(strings.TrimSpace(s)))
	if !st.Valid() {
		return "", fmt.Errorf("unknown exception state %q (want requested, approved, rejected, expired or revoked)", s)
	}
	return st, nil
}

// AnyCheck is the Checks entry of an exception that covers every check.
const AnyCheck = "*"

// Scope says which failing results an exception accepts. Fields are
// AND-ed; within a list any value matches; an empty list matches
// everything. Values of Assets, Accounts, Regions and Tags are patterns:
// a literal, a glob (* any run of characters, ? one character), or
// "re:" and a regular expression (RE2) that may match anywhere in the
// value. Asset patterns match the resource's UID; a "re:" asset pattern
// also matches the resource's name.
type Scope struct {
	// Checks lists check IDs, or is ["*"] for every check.
	Checks   []string `json:"checks" yaml:"checks"`
	Assets   []string `json:"assets,omitempty" yaml:"assets,omitempty"`
	Accounts []string `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	Regions  []string `json:"regions,omitempty" yaml:"regions,omitempty"`
	// Tags selects resources by tag: every key must be present with a
	// value matching one of its patterns.
	Tags map[string][]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// ByTag limits the exception to resources whose exception tag (the
	// policy's TagKey) names this exception's ID, besides the fields
	// above.
	ByTag bool `json:"byTag,omitempty" yaml:"byTag,omitempty"`
	// Except removes resources from the scope: one matching every field
	// Except sets is not covered.
	Except *ScopeExcept `json:"except,omitempty" yaml:"except,omitempty"`
}

// ScopeExcept is the part of a scope an exception does not cover.
type ScopeExcept struct {
	Assets   []string            `json:"assets,omitempty" yaml:"assets,omitempty"`
	Accounts []string            `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	Regions  []string            `json:"regions,omitempty" yaml:"regions,omitempty"`
	Tags     map[string][]string `json:"tags,omitempty" yaml:"tags,omitempty"`
}

func (x *ScopeExcept) empty() bool {
	return x == nil || (len(x.Assets) == 0 && len(x.Accounts) == 0 && len(x.Regions) == 0 && len(x.Tags) == 0)
}

// UsesTags reports whether matching the scope needs the resource's tags.
func (s *Scope) UsesTags() bool {
	return s.ByTag || len(s.Tags) > 0 || (s.Except != nil && len(s.Except.Tags) > 0)
}

// AllChecks reports whether the scope covers every check.
func (s *Scope) AllChecks() bool { return slices.Contains(s.Checks, AnyCheck) }

// Exception is an accepted risk: failures of its scope are SUPPRESSED
// while it is approved and unexpired. It is governed: requested by one
// person, approved by another holding a role allowed to approve its
// severity, and it always expires.
type Exception struct {
	ID    string `json:"id" yaml:"id"`
	Scope Scope  `json:"scope" yaml:"scope"`
	// Severity is derived: the highest severity of the checks it covers
	// (critical for every check). It decides who may approve it and for
	// how long.
	Severity    string    `json:"severity" yaml:"severity"`
	Reason      string    `json:"reason" yaml:"reason"`
	RequestedBy string    `json:"requestedBy" yaml:"requestedBy"`
	Created     time.Time `json:"created" yaml:"created"`
	Expires     time.Time `json:"expires" yaml:"expires"`
	// ReviewDate, when set, is when someone should look at the exception
	// again; an exception.review_due event is emitted then.
	ReviewDate time.Time      `json:"reviewDate,omitzero" yaml:"reviewDate,omitempty"`
	State      ExceptionState `json:"state" yaml:"state"`

	ApprovedBy   string    `json:"approvedBy,omitempty" yaml:"approvedBy,omitempty"`
	ApproverRole string    `json:"approverRole,omitempty" yaml:"approverRole,omitempty"`
	ApprovedAt   time.Time `json:"approvedAt,omitzero" yaml:"approvedAt,omitempty"`
	// ClosedBy, ClosedAt and ClosedReason record the rejection,
	// revocation or expiry.
	ClosedBy     string    `json:"closedBy,omitempty" yaml:"closedBy,omitempty"`
	ClosedAt     time.Time `json:"closedAt,omitzero" yaml:"closedAt,omitempty"`
	ClosedReason string    `json:"closedReason,omitempty" yaml:"closedReason,omitempty"`

	// Source says where the exception was declared: "cli", a file, or an
	// imported mutelist.
	Source  string  `json:"source,omitempty" yaml:"source,omitempty"`
	Notices Notices `json:"notices,omitzero" yaml:"notices,omitempty"`

	// Revision counts the stored versions; a write names the revision it
	// read, so two concurrent changes cannot both succeed. It is store
	// metadata, not part of the declaration.
	Revision int `json:"-" yaml:"-"`
}

// Notices remember which one-time notifications were sent, by the date
// they were about: a new expiry or review date sends a new one.
type Notices struct {
	// Expiring is the expiry the exception.expiring event announced.
	Expiring time.Time `json:"expiring,omitzero" yaml:"expiring,omitempty"`
	// ReviewDue is the review date the exception.review_due event
	// announced.
	ReviewDue time.Time `json:"reviewDue,omitzero" yaml:"reviewDue,omitempty"`
}

// Active reports whether the exception suppresses failures at now.
func (e *Exception) Active(now time.Time) bool {
	return e.State == ExceptionApproved && now.Before(e.Expires)
}

// ExceptionChange is one entry of an exception's audit trail: who moved
// it from one state to another (or changed it within a state), when, and
// why.
type ExceptionChange struct {
	ExceptionID string         `json:"exceptionId"`
	At          time.Time      `json:"at"`
	Actor       string         `json:"actor"`
	Role        string         `json:"role,omitempty"`
	From        ExceptionState `json:"from,omitempty"` // empty on creation
	To          ExceptionState `json:"to"`
	Reason      string         `json:"reason,omitempty"`
}

// Actor names the system in audit entries it writes itself (expiry).
const SystemActor = "parapet"

// Severities, lowest first, as checks name them.
var severityNames = []string{"informational", "low", "medium", "high", "critical"}

// SeverityRank orders severity names (informational 0 to critical 4);
// -1 for an unknown name. "info" is informational.
func SeverityRank(s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "info" {
		return 0
	}
	return slices.Index(severityNames, s)
}

// SeverityNames returns the severity names, lowest first.
func SeverityNames() []string { return slices.Clone(severityNames) }
