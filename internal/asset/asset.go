// Package asset holds the provider-neutral resource model every source
// (cloud APIs, infrastructure as code, snapshots) produces and every check
// evaluates.
package asset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Region used for resources that belong to no region (IAM, the account).
const Global = "global"

// SourceKind says where an asset's configuration came from.
type SourceKind string

const (
	SourceAPI            SourceKind = "api"
	SourceTerraform      SourceKind = "terraform"
	SourcePlan           SourceKind = "plan"
	SourceCloudFormation SourceKind = "cloudformation"
	SourceSnapshot       SourceKind = "snapshot"
)

// Source locates the origin of an asset; File and lines are set for IaC.
type Source struct {
	Kind      SourceKind `json:"kind"`
	File      string     `json:"file,omitempty"`
	StartLine int        `json:"startLine,omitempty"`
	EndLine   int        `json:"endLine,omitempty"`
}

// Relation is a typed edge to another asset, e.g. an instance "in_subnet".
type Relation struct {
	Type   string `json:"type"`
	Target string `json:"target"`
}

// FieldError records a part of Config that could not be collected. Checks
// reading that part evaluate to ERROR instead of silently passing.
type FieldError struct {
	// Path is the dotted Config path that is missing or incomplete
	// ("Policy", "Regions"); empty means the whole asset.
	Path    string `json:"path"`
	Action  string `json:"action,omitempty"` // IAM action of the failed call
	Code    string `json:"code,omitempty"`   // provider error code, e.g. AccessDenied
	Message string `json:"message"`
}

// Asset is one cloud resource (or account) in canonical form.
type Asset struct {
	UID         string            `json:"uid"`
	Provider    string            `json:"provider"`
	Account     string            `json:"account"`
	Region      string            `json:"region"`
	Type        string            `json:"type"`
	Name        string            `json:"name"`
	Tags        map[string]string `json:"tags,omitempty"`
	Config      map[string]any    `json:"config"`
	Relations   []Relation        `json:"relations,omitempty"`
	Source      Source            `json:"source"`
	CollectedAt time.Time         `json:"collectedAt"`
	Hash        string            `json:"hash"`
	Errors      []FieldError      `json:"errors,omitempty"`
}

// ComputeHash returns a content hash over everything that describes the
// resource's state (not when or how it was collected), so an unchanged
// resource hashes the same on every scan.
func (a *Asset) ComputeHash() string {
	h := sha256.New()
	// encoding/json sorts map keys, which makes the encoding canonical.
	_ = json.NewEncoder(h).Encode(struct {
		UID       string            `json:"uid"`
		Type      string            `json:"type"`
		Name      string            `json:"name"`
		Tags      map[string]string `json:"tags"`
		Config    map[string]any    `json:"config"`
		Relations []Relation        `json:"relations"`
		Errors    []FieldError      `json:"errors"`
	}{a.UID, a.Type, a.Name, a.Tags, a.Config, a.Relations, a.Errors})
	return hex.EncodeToString(h.Sum(nil))
}

// Complete reports whether every part of the asset was collected.
func (a *Asset) Complete() bool { return len(a.Errors) == 0 }
