// Package finding holds what evaluation produces: results of a check on an
// asset, and (built on them) findings with their lifecycle.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Status is the outcome of one check on one asset.
type Status string

const (
	Pass          Status = "PASS"
	Fail          Status = "FAIL"
	NotApplicable Status = "NOT_APPLICABLE"
	// Error means the check could not be evaluated: the data it reads could
	// not be collected, or evaluation failed. It is never a pass.
	Error  Status = "ERROR"
	Manual Status = "MANUAL"
	// Suppressed is a failure an exception accepts (Result.ExceptionID
	// names it). It is shown, but it never fails a run.
	Suppressed Status = "SUPPRESSED"
)

// ParseStatus accepts a status name in any case.
func ParseStatus(s string) (Status, error) {
	for _, st := range []Status{Pass, Fail, NotApplicable, Error, Manual, Suppressed} {
		if equalFold(string(st), s) {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (want PASS, FAIL, NOT_APPLICABLE, ERROR, MANUAL or SUPPRESSED)", s)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Result is the evaluation of one check against one asset (or, for a
// collection gap, against the scope that could not be collected).
type Result struct {
	CheckID   string `json:"checkId"`
	Severity  string `json:"severity"`
	AssetUID  string `json:"assetUid"`
	AssetType string `json:"assetType"`
	AssetName string `json:"assetName,omitempty"`
	Provider  string `json:"provider"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Status    Status `json:"status"`
	// Message explains ERROR and NOT_APPLICABLE outcomes.
	Message string `json:"message,omitempty"`
	// Location is where the asset is defined, for infrastructure as code.
	Location *Location `json:"location,omitempty"`
	// Evidence holds the values the check's expressions read, keyed by
	// their path in the asset (e.g. "config.PublicAccessBlock").
	Evidence    map[string]any `json:"evidence,omitempty"`
	EvaluatedAt time.Time      `json:"evaluatedAt"`
	// ExceptionID names the exception that suppresses a SUPPRESSED result.
	ExceptionID string `json:"exceptionId,omitempty"`
}

// Location is a place in a source file.
type Location struct {
	File      string `json:"file"`
	StartLine int    `json:"startLine,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
}

// Fingerprint identifies the finding a result belongs to.
func (r *Result) Fingerprint() string { return Fingerprint(r.CheckID, r.AssetUID) }

// Fingerprint is stable across scans: a check on the same asset is the same
// finding. It is short enough to type on a command line.
func Fingerprint(checkID, assetUID string) string {
	h := sha256.Sum256([]byte(checkID + "\x00" + assetUID))
	return hex.EncodeToString(h[:8])
}
