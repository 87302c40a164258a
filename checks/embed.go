// Package checks holds Parapet's built-in checks: one YAML file per check
// under aws/<service>/, each with its pass and fail fixtures in the
// service's testdata directory. The fixtures are embedded too, so that
// `parapet checks test` can run them from the binary.
package checks

import "embed"

// FS holds the built-in checks under the directory "aws".
//
//go:embed aws
var FS embed.FS

// Root is the directory of FS that holds the AWS checks.
const Root = "aws"
