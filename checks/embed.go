// Package checks holds Parapet's built-in checks, one YAML file per check,
// each with its pass and fail fixtures in a testdata directory beside it:
//
//   - aws/<service>/: checks of AWS resources. They run on the live cloud
//     and, unchanged, on the same resources declared in Terraform or
//     CloudFormation.
//   - iac/<source>/: checks of things that exist only in code (provider
//     blocks, input variables and parameters, inline suppressions).
//
// The fixtures are embedded too, so that `parapet checks test` can run them
// from the binary.
package checks

import (
	"embed"

	// The resource types the checks are written against must be
	// registered before the checks are parsed.
	_ "github.com/parapet-dev/parapet/internal/awsshape"
	_ "github.com/parapet-dev/parapet/internal/codeshape"
)

// FS holds the built-in checks under the directories "aws" and "iac".
//
//go:embed aws iac
var FS embed.FS

// Root is the directory of FS that holds the AWS checks.
const Root = "aws"

// IaCRoot is the directory of FS that holds the code-only checks.
const IaCRoot = "iac"

// Roots lists every directory of FS that holds checks, AWS first.
func Roots() []string { return []string{Root, IaCRoot} }
