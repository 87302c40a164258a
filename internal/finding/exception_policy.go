package finding

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Policy is the governance of exceptions: who may approve what, and for
// how long. A deployment configures it (package config); DefaultPolicy is
// what applies without a configuration file.
type Policy struct {
	// ApproverRoles are the roles an approval may name.
	ApproverRoles []string
	// Approvers lists, per severity, the roles that may approve an
	// exception of that severity; a severity not listed may be approved
	// by any approver role.
	Approvers map[string][]string
	// MaxDuration is, per severity, the longest an exception may last
	// from its creation to its expiry.
	MaxDuration map[string]time.Duration
	// AllowSelfApproval lets a requester approve their own exception.
	AllowSelfApproval bool
	// ExpiringNoticeDays is how many days before its expiry an approved
	// exception emits exception.expiring; 0 disables the notice.
	ExpiringNoticeDays int
	// TagKey is the resource tag whose value names the exception a
	// by-tag exception applies to.
	TagKey string
}

const oneDay = 24 * time.Hour

// DefaultPolicy is the governance without configuration: roles local-ciso
// and global-ciso, critical exceptions approved by global-ciso only,
// critical at most 30 days, high 90, medium 180, low and informational
// 365, no self-approval, expiring notices 14 days ahead, tag key
// parapet:exception.
func DefaultPolicy() Policy {
	return Policy{
		ApproverRoles: []string{"local-ciso", "global-ciso"},
		Approvers:     map[string][]string{"critical": {"global-ciso"}},
		MaxDuration: map[string]time.Duration{
			"critical": 30 * oneDay, "high": 90 * oneDay, "medium": 180 * oneDay, "low": 365 * oneDay, "informational": 365 * oneDay,
		},
		ExpiringNoticeDays: 14,
		TagKey:             "parapet:exception",
	}
}

// RolesFor returns the roles that may approve an exception of severity
// sev.
func (p *Policy) RolesFor(sev string) []string {
	if roles, ok := p.Approvers[normSeverity(sev)]; ok {
		return roles
	}
	return p.ApproverRoles
}

// MaxFor returns the longest an exception of severity sev may last; 0
// when the policy sets none (Validate refuses such a policy).
func (p *Policy) MaxFor(sev string) time.Duration { return p.MaxDuration[normSeverity(sev)] }

// Validate checks that the policy is usable: roles named, approvals
// naming known roles, a positive maximum for every severity.
func (p *Policy) Validate() error {
	var errs []error
	if len(p.ApproverRoles) == 0 {
		errs = append(errs, errors.New("approverRoles: at least one role is needed"))
	}
	seen := map[string]bool{}
	for _, r := range p.ApproverRoles {
		switch {
		case strings.TrimSpace(r) == "":
			errs = append(errs, errors.New("approverRoles: empty role name"))
		case seen[r]:
			errs = append(errs, fmt.Errorf("approverRoles: %q is listed twice", r))
		}
		seen[r] = true
	}
	for sev, roles := range p.Approvers {
		if SeverityRank(sev) < 0 {
			errs = append(errs, fmt.Errorf("approvers: unknown severity %q", sev))
		}
		if len(roles) == 0 {
			errs = append(errs, fmt.Errorf("approvers.%s: no role may approve", sev))
		}
		for _, r := range roles {
			if !seen[r] {
				errs = append(errs, fmt.Errorf("approvers.%s: %q is not one of approverRoles (%s)", sev, r, strings.Join(p.ApproverRoles, ", ")))
			}
		}
	}
	for _, sev := range severityNames {
		if p.MaxDuration[sev] <= 0 {
			errs = append(errs, fmt.Errorf("maxDuration.%s: must be a positive number of days", sev))
		}
	}
	if p.ExpiringNoticeDays < 0 {
		errs = append(errs, errors.New("expiringNoticeDays: must not be negative"))
	}
	if strings.TrimSpace(p.TagKey) == "" {
		errs = append(errs, errors.New("tagKey: must not be empty"))
	}
	return errors.Join(errs...)
}

func normSeverity(s string) string {
	if r := SeverityRank(s); r >= 0 {
		return severityNames[r]
	}
	return strings.ToLower(s)
}

// CheckSeverities returns the severity of a check ID, and false for an
// unknown check.
type CheckSeverities func(checkID string) (string, bool)

// ScopeSeverity is the severity of an exception with scope s: the highest
// of its checks, critical when it covers every check. An unknown check is
// an error: its severity, and so who may approve it, is unknown.
func ScopeSeverity(s *Scope, sevs CheckSeverities) (string, error) {
	if s.AllChecks() {
		return "critical", nil
	}
	best := -1
	var unknown []string
	for _, id := range s.Checks {
		sev, ok := sevs(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		best = max(best, SeverityRank(sev))
	}
	if len(unknown) > 0 {
		return "", fmt.Errorf("unknown check %s (see 'parapet checks list'; custom checks need --checks-dir)", strings.Join(quoteAll(unknown), ", "))
	}
	if best < 0 {
		return "", errors.New("no checks")
	}
	return severityNames[best], nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// refuseRole says why role may not approve an exception of severity sev,
// or returns "".
func (p *Policy) refuseRole(role, sev string) string {
	if !slices.Contains(p.ApproverRoles, role) {
		return fmt.Sprintf("%q is not an approver role (configured: %s)", role, strings.Join(p.ApproverRoles, ", "))
	}
	if roles := p.RolesFor(sev); !slices.Contains(roles, role) {
		return fmt.Sprintf("a %s exception needs approval by %s; %q may not approve it", sev, strings.Join(roles, " or "), role)
	}
	return ""
}
