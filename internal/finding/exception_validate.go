package finding

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// exceptionIDPattern keeps IDs usable as resource tag values on every
// cloud and on a command line.
var exceptionIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)

// ValidID reports whether id can name an exception.
func ValidID(id string) bool { return exceptionIDPattern.MatchString(id) }

// InvalidError is an exception refused by validation or by the policy,
// with every problem found.
type InvalidError struct {
	ID       string
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "exception %s refused:", e.ID)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// ValidateException checks an exception against the rules every
// exception obeys and against the policy, and sets its derived Severity.
// It refuses, with every reason:
//   - an ID that is not 1-64 letters, digits, '.', '_', ':' or '-';
//   - a scope without checks, with unknown or repeated checks, "*" mixed
//     with check IDs, a pattern that does not compile or matches every
//     value, a tag selector without values;
//   - a scope wider than allowed: every check ("*") without assets,
//     accounts or a tag selector to narrow it (regions, byTag and except
//     do not narrow enough);
//   - a stated severity other than the derived one;
//   - no reason, no requester, no creation time, no expiry, an expiry not
//     after creation, a review date outside creation..expiry;
//   - for requested and approved exceptions, an expiry further from
//     creation than the policy's maximum for the severity;
//   - an approved exception without approver, role or approval time, with
//     a role that is not configured or may not approve the severity, or
//     approved by its requester (unless the policy allows self-approval);
//   - approval fields on a requested or rejected exception, and closing
//     fields missing on a closed one or present on an open one.
//
// Rules about the present (an expiry still ahead, who is acting) belong
// to the transitions (Request, Approve ...), not to this check, so that
// an exported history imports again.
func ValidateException(e *Exception, p *Policy, sevs CheckSeverities) error {
	var probs []Problem
	add := func(field, format string, args ...any) {
		probs = append(probs, Problem{field, fmt.Sprintf(format, args...)})
	}
	if !ValidID(e.ID) {
		add("id", "%q is not a valid ID: 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit", e.ID)
	}
	if !e.State.Valid() {
		add("state", "unknown state %q (want requested, approved, rejected, expired or revoked)", e.State)
	}

	s := &e.Scope
	checksOK := true
	switch {
	case len(s.Checks) == 0:
		add("scope.checks", "name at least one check ID, or \"*\" for every check")
		checksOK = false
	case s.AllChecks() && len(s.Checks) > 1:
		add("scope.checks", "\"*\" already covers every check; list no other")
		checksOK = false
	}
	seen := map[string]bool{}
	for i, c := range s.Checks {
		switch {
		case strings.TrimSpace(c) == "":
			add(fmt.Sprintf("scope.checks[%d]", i), "empty check ID")
			checksOK = false
		case seen[c]:
			add(fmt.Sprintf("scope.checks[%d]", i), "%q is listed twice", c)
		}
		seen[c] = true
	}
	sev := ""
	if checksOK {
		var err error
		if sev, err = ScopeSeverity(s, sevs); err != nil {
			add("scope.checks", "%v", err)
		}
	}
	if sev != "" {
		if e.Severity != "" && normSeverity(e.Severity) != sev {
			add("severity", "is derived from the checks the exception covers: %s, not %q", sev, e.Severity)
		}
		e.Severity = sev
	}
	if _, errs := compileException(e); len(errs) > 0 {
		probs = append(probs, errs...)
	}
	if s.AllChecks() && len(s.Assets) == 0 && len(s.Accounts) == 0 && len(s.Tags) == 0 {
		add("scope", "wider than allowed: an exception of every check (\"*\") must be narrowed by assets, accounts or a tag selector (regions, byTag and except alone do not narrow it enough)")
	}

	if strings.TrimSpace(e.Reason) == "" {
		add("reason", "required: say why the risk is accepted")
	}
	if strings.TrimSpace(e.RequestedBy) == "" {
		add("requestedBy", "required")
	}
	if e.Created.IsZero() {
		add("created", "required")
	}
	switch {
	case e.Expires.IsZero():
		add("expires", "required: every exception expires")
	case !e.Created.IsZero() && !e.Expires.After(e.Created):
		add("expires", "%s is not after the creation (%s)", stamp(e.Expires), stamp(e.Created))
	case sev != "" && (e.State == ExceptionRequested || e.State == ExceptionApproved):
		if limit := p.MaxFor(sev); e.Expires.Sub(e.Created) > limit {
			add("expires", "wider than allowed: %s is %s after the creation; a %s exception lasts at most %s (maxDuration.%s)",
				stamp(e.Expires), Days(e.Expires.Sub(e.Created)), sev, Days(limit), sev)
		}
	}
	if !e.ReviewDate.IsZero() && !e.Created.IsZero() && !e.Expires.IsZero() &&
		(!e.ReviewDate.After(e.Created) || e.ReviewDate.After(e.Expires)) {
		add("reviewDate", "%s is not between the creation (%s) and the expiry (%s)", stamp(e.ReviewDate), stamp(e.Created), stamp(e.Expires))
	}

	approval := e.ApprovedBy != "" || e.ApproverRole != "" || !e.ApprovedAt.IsZero()
	closing := e.ClosedBy != "" || !e.ClosedAt.IsZero() || e.ClosedReason != ""
	switch e.State {
	case ExceptionRequested, ExceptionRejected:
		if approval {
			add("approvedBy", "a %s exception has no approval (approvedBy, approverRole and approvedAt must be empty)", e.State)
		}
	case ExceptionApproved:
		if strings.TrimSpace(e.ApprovedBy) == "" {
			add("approvedBy", "required: an approved exception names who approved it")
		}
		if strings.TrimSpace(e.ApproverRole) == "" {
			add("approverRole", "required: an approved exception names the role its approver acted in (%s)", strings.Join(p.ApproverRoles, ", "))
		} else if sev != "" {
			if why := p.refuseRole(e.ApproverRole, sev); why != "" {
				add("approverRole", "%s", why)
			}
		}
		if e.ApprovedAt.IsZero() {
			add("approvedAt", "required")
		} else if (!e.Created.IsZero() && e.ApprovedAt.Before(e.Created)) || (!e.Expires.IsZero() && !e.ApprovedAt.Before(e.Expires)) {
			add("approvedAt", "%s is not between the creation and the expiry", stamp(e.ApprovedAt))
		}
		if e.ApprovedBy != "" && SameActor(e.ApprovedBy, e.RequestedBy) && !p.AllowSelfApproval {
			add("approvedBy", "%s requested this exception and may not approve it (allowSelfApproval is off)", e.ApprovedBy)
		}
	}
	if e.State.Closed() {
		if e.ClosedAt.IsZero() {
			add("closedAt", "required: when the exception was %s", e.State)
		}
		if e.State != ExceptionExpired && strings.TrimSpace(e.ClosedBy) == "" {
			add("closedBy", "required: who %s the exception", verbOf(e.State))
		}
	} else if e.State.Valid() && closing {
		add("closedAt", "a %s exception is not closed (closedBy, closedAt and closedReason must be empty)", e.State)
	}

	if len(probs) > 0 {
		return &InvalidError{ID: e.ID, Problems: probs}
	}
	return nil
}

func verbOf(s ExceptionState) string {
	if s == ExceptionRejected {
		return "rejected"
	}
	return "revoked"
}

// SameActor compares identities as people type them: case and
// surrounding space do not matter.
func SameActor(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Days renders a duration in days ("30d"), rounding part days up.
func Days(d time.Duration) string { return fmt.Sprintf("%dd", int((d+oneDay-1)/oneDay)) }

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
