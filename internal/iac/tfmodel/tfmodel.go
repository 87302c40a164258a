// Package tfmodel is the meeting point of Terraform's three inputs and the
// code that maps them to assets: an HCL configuration (evaluated), a plan
// (terraform show -json) and a state file all become Resources whose
// attributes are plain JSON-like values, so one set of mappers serves all.
package tfmodel

// Unknown stands for a value Terraform only knows at apply time (a
// variable without a value, a computed attribute with no reference to
// follow, a data source). Mappers must never read it as a concrete value:
// they record the field as unknown so checks reading it report ERROR
// rather than guessing.
type Unknown struct {
	// Reason says why, for the person reading the result, e.g.
	// "var.encrypted has no value" or "known after apply".
	Reason string
}

// Ref is a reference to an attribute of another resource that is computed
// at apply time (aws_kms_key.main.arn, aws_s3_bucket.logs.id). It is known
// to be set, and Address lets mappers join split resources (a public
// access block to its bucket) before anything exists.
type Ref struct {
	Address   string // "aws_s3_bucket.logs", "module.net.aws_vpc.main[0]"
	Attribute string // "id", "arn", ...
}

// Resource is one resource instance (after count/for_each expansion).
//
// Attributes hold JSON-like values: string, bool, int64, float64, nil,
// []any, map[string]any, Unknown or Ref. Nested blocks (including dynamic
// blocks, once expanded) are always []any of map[string]any, in source
// order, whether written once or many times.
type Resource struct {
	Mode    string // "managed" or "data"
	Type    string // aws_s3_bucket
	Name    string // logs
	Address string // module.app.aws_s3_bucket.logs["a"]
	// Module is the module path ("" for the root module), e.g. "module.app".
	Module string
	// Index is nil, an int64 (count) or a string (for_each key).
	Index any
	// Provider is the provider configuration address, e.g. "aws" or
	// "aws.west"; Region its region when known.
	Provider string
	Region   string

	Attributes map[string]any

	// Where the resource block is written.
	File      string
	StartLine int
	EndLine   int
}

// Provider is a provider configuration block with its evaluated
// arguments (credentials included: callers must never print them).
type Provider struct {
	Name       string // aws
	Alias      string
	Module     string
	Attributes map[string]any
	File       string
	StartLine  int
	EndLine    int
}

// Variable is a variable block. Default holds the evaluated default (nil
// when there is none).
type Variable struct {
	Name       string
	Module     string
	Default    any
	HasDefault bool
	Sensitive  bool
	File       string
	StartLine  int
	EndLine    int
}

// Suppression is an inline `# parapet:ignore:<check-id> <reason>` comment
// attached to the resource block it precedes or sits in.
type Suppression struct {
	CheckID string
	Reason  string
	Address string // the resource it applies to
	File    string
	Line    int
}

// Module is everything read from one configuration, plan or state.
type Module struct {
	Resources    []*Resource
	Providers    []*Provider
	Variables    []*Variable
	Suppressions []Suppression
}
