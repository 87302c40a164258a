package finding

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event types of exceptions, for the outbox.
const (
	EventExceptionRequested = "exception.requested"
	EventExceptionApproved  = "exception.approved"
	EventExceptionRejected  = "exception.rejected"
	EventExceptionRevoked   = "exception.revoked"
	EventExceptionExpired   = "exception.expired"
	EventExceptionChanged   = "exception.changed"
	// EventExceptionExpiring is sent once, ExpiringNoticeDays before an
	// approved exception expires.
	EventExceptionExpiring = "exception.expiring"
	// EventExceptionReviewDue is sent once when an open exception's
	// review date arrives.
	EventExceptionReviewDue = "exception.review_due"
)

// StateEvent is the event type of a change into state s.
func StateEvent(s ExceptionState) string { return "exception." + string(s) }

func refuse(id, field, format string, args ...any) error {
	return &InvalidError{ID: id, Problems: []Problem{{field, fmt.Sprintf(format, args...)}}}
}

// Request makes e a new request at now: state requested, created now
// (unless set), nothing approved or closed, valid under p, and expiring
// after now.
func Request(e Exception, p *Policy, sevs CheckSeverities, now time.Time) (Exception, ExceptionChange, error) {
	e.State = ExceptionRequested
	if e.Created.IsZero() {
		e.Created = now
	}
	e.ApprovedBy, e.ApproverRole, e.ApprovedAt = "", "", time.Time{}
	e.ClosedBy, e.ClosedAt, e.ClosedReason = "", time.Time{}, ""
	e.Notices, e.Revision = Notices{}, 0
	if err := ValidateException(&e, p, sevs); err != nil {
		return Exception{}, ExceptionChange{}, err
	}
	if !e.Expires.After(now) {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "expires", "%s is not in the future", stamp(e.Expires))
	}
	return e, ExceptionChange{ExceptionID: e.ID, At: now, Actor: e.RequestedBy, To: ExceptionRequested, Reason: e.Reason}, nil
}

// fixed is the check severity lookup of an exception already requested:
// its severity was settled then, and every later decision is judged at it.
func fixed(e *Exception) CheckSeverities {
	return func(string) (string, bool) { return e.Severity, e.Severity != "" }
}

// Approve records the approval of a requested exception by `by` acting in
// role at now. The role must be configured and allowed for the
// exception's severity, the approver may not be the requester (unless
// the policy allows it), the exception must not have expired, and it must
// still be within the policy's maximum duration.
func Approve(e Exception, by, role, comment string, p *Policy, now time.Time) (Exception, ExceptionChange, error) {
	if e.State != ExceptionRequested {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "state", "is %s; only a requested exception can be approved", e.State)
	}
	if !now.Before(e.Expires) {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "expires", "passed at %s; request a new exception", stamp(e.Expires))
	}
	if strings.TrimSpace(by) == "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "approvedBy", "required: who approves")
	}
	e.State, e.ApprovedBy, e.ApproverRole, e.ApprovedAt = ExceptionApproved, by, role, now
	if err := ValidateException(&e, p, fixed(&e)); err != nil {
		return Exception{}, ExceptionChange{}, err
	}
	return e, ExceptionChange{ExceptionID: e.ID, At: now, Actor: by, Role: role, From: ExceptionRequested, To: ExceptionApproved, Reason: comment}, nil
}

// Reject records the refusal of a requested exception by `by`, who must
// hold a role allowed to approve it: rejecting is the same decision.
func Reject(e Exception, by, role, reason string, p *Policy, now time.Time) (Exception, ExceptionChange, error) {
	if e.State != ExceptionRequested {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "state", "is %s; only a requested exception can be rejected", e.State)
	}
	if strings.TrimSpace(by) == "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "closedBy", "required: who rejects")
	}
	if strings.TrimSpace(reason) == "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "closedReason", "required: say why the exception is rejected")
	}
	if why := p.refuseRole(role, e.Severity); why != "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "role", "%s", why)
	}
	e.State, e.ClosedBy, e.ClosedAt, e.ClosedReason = ExceptionRejected, by, now, reason
	return e, ExceptionChange{ExceptionID: e.ID, At: now, Actor: by, Role: role, From: ExceptionRequested, To: ExceptionRejected, Reason: reason}, nil
}

// Revoke ends a requested or approved exception before its expiry. Anyone
// identified may revoke: it only narrows what is accepted. role is
// recorded when given.
func Revoke(e Exception, by, role, reason string, now time.Time) (Exception, ExceptionChange, error) {
	if e.State != ExceptionRequested && e.State != ExceptionApproved {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "state", "is %s; only a requested or approved exception can be revoked", e.State)
	}
	if strings.TrimSpace(by) == "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "closedBy", "required: who revokes")
	}
	if strings.TrimSpace(reason) == "" {
		return Exception{}, ExceptionChange{}, refuse(e.ID, "closedReason", "required: say why the exception is revoked")
	}
	from := e.State
	e.State, e.ClosedBy, e.ClosedAt, e.ClosedReason = ExceptionRevoked, by, now, reason
	return e, ExceptionChange{ExceptionID: e.ID, At: now, Actor: by, Role: role, From: from, To: ExceptionRevoked, Reason: reason}, nil
}

// Declaration is the outcome of declaring an exception as code.
type Declaration struct {
	Exception Exception
	// Change is the audit entry; nil when the declaration changes nothing.
	Change *ExceptionChange
	// Created is set for an exception the store did not hold.
	Created bool
	// Changed names the fields that differ from the stored exception.
	Changed []string
	// Note explains a declaration that was ignored.
	Note string
}

// Declare applies a declared exception (from a file) over the stored one
// (prev, nil when none), declared by actor at now. The declaration is the
// truth, once valid: it may create an exception in any state, approve a
// requested one or change an open one, as long as ValidateException
// accepts it. It may not:
//   - reopen a closed exception: a file still saying "approved" after the
//     exception expired is left alone (Note says so) when it declares
//     nothing else, and refused when it changes anything (a renewal is a
//     new exception, with a new ID and a new approval);
//   - create or change an open exception whose expiry is not after now.
//
// Notices and Source absent from the declaration keep their stored
// values.
func Declare(prev *Exception, next Exception, actor, source string, p *Policy, sevs CheckSeverities, now time.Time) (Declaration, error) {
	if next.State == "" {
		next.State = ExceptionRequested
	}
	if next.Created.IsZero() {
		switch {
		case prev != nil:
			next.Created = prev.Created
		case !next.ApprovedAt.IsZero() && next.ApprovedAt.Before(now):
			// A file declaring a past approval was created by then.
			next.Created = next.ApprovedAt
		default:
			next.Created = now
		}
	}
	if next.Source == "" {
		next.Source = source
		if prev != nil && prev.Source != "" {
			next.Source = prev.Source
		}
	}
	if prev != nil && next.Notices == (Notices{}) {
		next.Notices = prev.Notices
	}
	if prev != nil && prev.State.Closed() {
		// A file written before the exception closed still declares it
		// open: that is history, not a change. Checked before validation,
		// so that a policy changed since does not refuse old history.
		if next.Severity == "" {
			next.Severity = prev.Severity
		}
		next.Revision = prev.Revision
		changed := changedFields(prev, &next)
		if !onlyClosing(changed) {
			return Declaration{}, refuse(next.ID, "state", "is %s in the store; a closed exception does not change or reopen (declare a new exception with a new ID); differs in %s",
				prev.State, strings.Join(changed, ", "))
		}
		d := Declaration{Exception: *prev}
		if next.State != prev.State {
			d.Note = fmt.Sprintf("%s is %s in the store; the file's state %q is left as history", prev.ID, prev.State, next.State)
		}
		return d, nil
	}
	if err := ValidateException(&next, p, sevs); err != nil {
		return Declaration{}, err
	}
	d := Declaration{Exception: next}
	if prev == nil {
		if !next.State.Closed() && !next.Expires.After(now) {
			return Declaration{}, refuse(next.ID, "expires", "%s is not in the future; a %s exception would expire at once", stamp(next.Expires), next.State)
		}
		d.Created = true
		d.Changed = []string{"*"}
		d.Change = &ExceptionChange{ExceptionID: next.ID, At: now, Actor: actor, Role: next.ApproverRole, To: next.State,
			Reason: "declared in " + next.Source}
		if next.State == ExceptionRequested {
			d.Change.Role = ""
		}
		return d, nil
	}
	next.Revision = prev.Revision
	d.Exception = next
	d.Changed = changedFields(prev, &next)
	if len(d.Changed) == 0 {
		return d, nil
	}
	if !next.State.Closed() && !next.Expires.After(now) {
		return Declaration{}, refuse(next.ID, "expires", "%s is not in the future", stamp(next.Expires))
	}
	d.Change = &ExceptionChange{ExceptionID: next.ID, At: now, Actor: actor, From: prev.State, To: next.State,
		Reason: fmt.Sprintf("declared in %s (changed: %s)", source, strings.Join(d.Changed, ", "))}
	if next.State == ExceptionApproved && prev.State != ExceptionApproved {
		d.Change.Role = next.ApproverRole
	}
	return d, nil
}

// onlyClosing reports whether fields are only those that closing an
// exception (or the store's bookkeeping) changes.
func onlyClosing(fields []string) bool {
	for _, f := range fields {
		switch f {
		case "state", "closedBy", "closedAt", "closedReason", "notices", "source":
		default:
			return false
		}
	}
	return true
}

// changedFields names the top-level fields of the declaration that differ.
func changedFields(a, b *Exception) []string {
	am, bm := fieldsOf(a), fieldsOf(b)
	var out []string
	for _, k := range sortedKeys(bm) {
		if string(am[k]) != string(bm[k]) {
			out = append(out, k)
		}
	}
	for _, k := range sortedKeys(am) {
		if _, ok := bm[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func fieldsOf(e *Exception) map[string]json.RawMessage {
	c := *e
	c.Revision = 0
	c.Created, c.Expires, c.ReviewDate = c.Created.UTC(), c.Expires.UTC(), c.ReviewDate.UTC()
	c.ApprovedAt, c.ClosedAt = c.ApprovedAt.UTC(), c.ClosedAt.UTC()
	c.Notices = Notices{c.Notices.Expiring.UTC(), c.Notices.ReviewDue.UTC()}
	b, _ := json.Marshal(c) // strings, times and maps of strings always encode
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	return m
}
