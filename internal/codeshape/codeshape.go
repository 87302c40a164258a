// Package codeshape defines the asset types that exist only in
// infrastructure as code: provider configurations, input variables and
// parameters (where credentials get hard-coded), and inline suppressions
// (so that one without a reason can be reported like any other finding).
package codeshape

import (
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// Provider is the provider name of code-only assets.
const Provider = "iac"

// Canonical type names.
const (
	TypeTerraformProvider = "iac.terraform.provider"
	TypeTerraformVariable = "iac.terraform.variable"
	TypeCFNParameter      = "iac.cloudformation.parameter"
	TypeSuppression       = "iac.suppression"
)

// TerraformProvider is a provider block, e.g. provider "aws" { ... }.
type TerraformProvider struct {
	Name   string `json:"Name"`
	Alias  string `json:"Alias,omitempty"`
	Region string `json:"Region,omitempty"`
	// Secrets lists credentials written into the block (never the values).
	Secrets []secrets.Finding `json:"Secrets"`
}

// TerraformVariable is a variable block.
type TerraformVariable struct {
	Name       string `json:"Name"`
	Sensitive  bool   `json:"Sensitive"`
	HasDefault bool   `json:"HasDefault"`
	// Secrets lists credentials in the default value.
	Secrets []secrets.Finding `json:"Secrets"`
}

// CFNParameter is a CloudFormation template parameter.
type CFNParameter struct {
	Name       string `json:"Name"`
	Type       string `json:"Type"`
	NoEcho     bool   `json:"NoEcho"`
	HasDefault bool   `json:"HasDefault"`
	// Secrets lists credentials in the default value.
	Secrets []secrets.Finding `json:"Secrets"`
}

// Suppression is an inline suppression comment or metadata entry, e.g.
// `# parapet:ignore:aws-s3-bucket-versioning logs are write-once`.
type Suppression struct {
	CheckID string `json:"CheckID"`
	Reason  string `json:"Reason"`
	// Resource is the UID of the asset the suppression applies to.
	Resource string `json:"Resource"`
}

func init() {
	for _, t := range []asset.TypeInfo{
		{Name: TypeTerraformProvider, Description: "A Terraform provider block.", Shape: TerraformProvider{}},
		{Name: TypeTerraformVariable, Description: "A Terraform input variable.", Shape: TerraformVariable{}},
		{Name: TypeCFNParameter, Description: "A CloudFormation template parameter.", Shape: CFNParameter{}},
		{Name: TypeSuppression, Description: "An inline suppression of a check in infrastructure as code.", Shape: Suppression{}},
	} {
		t.Provider = Provider
		asset.RegisterType(t)
	}
}
