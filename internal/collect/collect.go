// Package collect defines how sources of assets plug into a scan: the
// Collector interface, what a collector reports while it runs (assets,
// diagnostics, progress), and the shared machinery for bounding concurrency.
package collect

import (
	"context"
	"errors"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
)

// Collector produces assets for a scope. Collect returns an error only when
// nothing could be collected at all (bad credentials, unreachable
// organization); every partial failure is reported to the sink as a
// Diagnostic and the collection goes on.
type Collector interface {
	// Provider names the cloud, e.g. "aws".
	Provider() string
	Collect(ctx context.Context, sink Sink) error
}

// Sink receives what a collector finds. Implementations must be safe for
// concurrent use: collectors call it from many goroutines.
type Sink interface {
	Asset(a asset.Asset)
	Diagnostic(d Diagnostic)
	// Progress reports units of work: planned adds to the total, done to
	// the completed count.
	Progress(planned, done int)
	// Covered reports that a listing was complete: every asset of the
	// coverage's types in its account and region was reported. Only then
	// may an asset stored from an earlier scan and missing from this one be
	// taken as deleted. A collector that cannot vouch for completeness
	// (a failed or cancelled listing) does not call it.
	Covered(c Coverage)
}

// Coverage is a scope a collector listed completely.
type Coverage struct {
	Provider string `json:"provider"`
	Account  string `json:"account"`
	// Region is the region listed; empty means every region of the
	// account (a global listing, such as IAM or S3 buckets).
	Region        string   `json:"region,omitempty"`
	ResourceTypes []string `json:"resourceTypes"`
}

// Diagnostic records something that could not be collected and why.
type Diagnostic struct {
	Provider string `json:"provider"`
	Account  string `json:"account,omitempty"`
	Region   string `json:"region,omitempty"`
	Service  string `json:"service,omitempty"`
	// Action is the IAM action of the failed call, e.g. "s3:GetBucketPolicy".
	Action string `json:"action,omitempty"`
	// Resource is the UID of the resource being read, when there was one.
	Resource string `json:"resource,omitempty"`
	// ResourceTypes lists the asset types left incomplete in this
	// account/region: checks on those types evaluate to ERROR for the scope.
	// Empty when the failure only affected fields of an asset that was still
	// emitted (and carries matching asset.FieldErrors).
	ResourceTypes []string  `json:"resourceTypes,omitempty"`
	Code          string    `json:"code,omitempty"`
	Message       string    `json:"message"`
	Time          time.Time `json:"time"`
}

// ErrNoCredentials is returned when a collector cannot authenticate at all.
var ErrNoCredentials = errors.New("no usable credentials")
