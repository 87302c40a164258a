package finding

import (
	"fmt"
	"time"
)

// SweepStep is what the passage of time does to one exception.
type SweepStep struct {
	// Exception is the exception after the step; its Revision is the one
	// it was read at.
	Exception Exception
	// Change is the audit entry of a change of state; nil for notices.
	Change *ExceptionChange
	// Events are the event types to emit, in order.
	Events []string
	// Reopen is set when the exception stopped suppressing: the findings
	// it suppressed open again at once.
	Reopen bool
}

// Sweep is the passage of time up to now over exs:
//   - a requested or approved exception whose expiry has come is expired
//     (exception.expired; an approved one's findings reopen);
//   - an approved exception within the policy's ExpiringNoticeDays of its
//     expiry sends exception.expiring, once for each expiry date;
//   - an open exception whose review date has come sends
//     exception.review_due, once for each review date.
//
// Closed exceptions are left alone. Sweeping again at the same time
// returns nothing.
func Sweep(exs []Exception, now time.Time, p *Policy) []SweepStep {
	var out []SweepStep
	for _, e := range exs {
		if e.State.Closed() {
			continue
		}
		st := SweepStep{Exception: e}
		if !now.Before(e.Expires) {
			from := e.State
			st.Exception.State = ExceptionExpired
			st.Exception.ClosedBy, st.Exception.ClosedAt = SystemActor, now
			st.Exception.ClosedReason = fmt.Sprintf("expired at %s", stamp(e.Expires))
			st.Change = &ExceptionChange{ExceptionID: e.ID, At: now, Actor: SystemActor, From: from, To: ExceptionExpired,
				Reason: st.Exception.ClosedReason}
			st.Events = []string{EventExceptionExpired}
			st.Reopen = from == ExceptionApproved
			out = append(out, st)
			continue
		}
		if e.State == ExceptionApproved && p.ExpiringNoticeDays > 0 && !e.Notices.Expiring.Equal(e.Expires) &&
			!now.Before(e.Expires.Add(-time.Duration(p.ExpiringNoticeDays)*oneDay)) {
			st.Exception.Notices.Expiring = e.Expires
			st.Events = append(st.Events, EventExceptionExpiring)
		}
		if !e.ReviewDate.IsZero() && !e.Notices.ReviewDue.Equal(e.ReviewDate) && !now.Before(e.ReviewDate) {
			st.Exception.Notices.ReviewDue = e.ReviewDate
			st.Events = append(st.Events, EventExceptionReviewDue)
		}
		if len(st.Events) > 0 {
			out = append(out, st)
		}
	}
	return out
}
