package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parapet-dev/parapet/internal/finding"
)

// ErrConflict is returned (wrapped) by SaveException when the stored
// exception is not at the revision the write was based on: someone else
// changed it (or created it) in between.
var ErrConflict = errors.New("changed concurrently")

// ExceptionWrite is one atomic change of an exception.
type ExceptionWrite struct {
	// Exception is the new state. Its Revision is the revision the
	// change was based on: 0 to create an exception that must not exist.
	Exception finding.Exception
	// Change, when set, is appended to the exception's audit trail.
	Change *finding.ExceptionChange
	// Events are appended to the outbox.
	Events []Event
}

// ExceptionFilter selects exceptions. Zero fields match everything; a
// list matches any of its values.
type ExceptionFilter struct {
	States []finding.ExceptionState
	IDs    []string
	Limit  int // 0 means no limit
}

// ValidateExceptionWrite checks what SaveException needs; backends call it
// first. The governance rules (package finding) are the caller's.
func ValidateExceptionWrite(w ExceptionWrite) error {
	e := &w.Exception
	switch {
	case !finding.ValidID(e.ID):
		return fmt.Errorf("save exception: invalid ID %q", e.ID)
	case !e.State.Valid():
		return fmt.Errorf("save exception %s: unknown state %q", e.ID, e.State)
	case e.Created.IsZero() || e.Expires.IsZero():
		return fmt.Errorf("save exception %s: zero creation or expiry time", e.ID)
	case e.Revision < 0:
		return fmt.Errorf("save exception %s: negative revision", e.ID)
	}
	if c := w.Change; c != nil {
		switch {
		case c.ExceptionID != e.ID:
			return fmt.Errorf("save exception %s: audit entry is about %q", e.ID, c.ExceptionID)
		case c.At.IsZero():
			return fmt.Errorf("save exception %s: audit entry without time", e.ID)
		case c.Actor == "":
			return fmt.Errorf("save exception %s: audit entry without actor", e.ID)
		case !c.To.Valid() || (c.From != "" && !c.From.Valid()):
			return fmt.Errorf("save exception %s: audit entry with unknown state %q → %q", e.ID, c.From, c.To)
		}
	}
	if err := ValidateEvents(w.Events); err != nil {
		return fmt.Errorf("save exception %s: %w", e.ID, err)
	}
	return nil
}

// ExceptionEvent is the payload of the exception.* events.
type ExceptionEvent struct {
	ID           string                 `json:"id"`
	State        finding.ExceptionState `json:"state"`
	Severity     string                 `json:"severity"`
	Scope        finding.Scope          `json:"scope"`
	Reason       string                 `json:"reason"`
	RequestedBy  string                 `json:"requestedBy"`
	ApprovedBy   string                 `json:"approvedBy,omitempty"`
	ApproverRole string                 `json:"approverRole,omitempty"`
	Expires      time.Time              `json:"expires"`
	ReviewDate   time.Time              `json:"reviewDate,omitzero"`
	// Actor and Comment describe the change that emitted the event.
	Actor   string `json:"actor,omitempty"`
	Comment string `json:"comment,omitempty"`
	// ReopenedFindings counts the findings that opened again because
	// the exception stopped suppressing them.
	ReopenedFindings int `json:"reopenedFindings,omitempty"`
}

// NewExceptionEvent builds an outbox event of type typ about e, at at.
func NewExceptionEvent(typ string, e *finding.Exception, at time.Time, actor, comment string, reopened int) Event {
	// Marshalling strings, times and string lists cannot fail.
	payload, _ := json.Marshal(ExceptionEvent{
		ID: e.ID, State: e.State, Severity: e.Severity, Scope: e.Scope, Reason: e.Reason, RequestedBy: e.RequestedBy,
		ApprovedBy: e.ApprovedBy, ApproverRole: e.ApproverRole, Expires: e.Expires, ReviewDate: e.ReviewDate,
		Actor: actor, Comment: comment, ReopenedFindings: reopened,
	})
	return Event{Type: typ, Time: at, Subject: e.ID, Payload: payload}
}
