package checks

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/check"
)

// Load parses and compiles the built-in checks.
func Load() ([]*check.Check, error) { return check.LoadFS(FS, Root) }

// serviceNames are the headings of the catalogue's sections, keyed by the
// directory a check lives in.
var serviceNames = map[string]string{
	"account":    "Account baseline",
	"cloudtrail": "CloudTrail",
	"ec2":        "EC2 and security groups",
	"iam":        "IAM",
	"kms":        "KMS",
	"rds":        "RDS",
	"s3":         "S3",
	"vpc":        "VPC",
}

// service is the directory below the provider directory that holds a
// check file ("aws/s3/x.yaml" -> "s3").
func service(c *check.Check) string {
	dir := path.Dir(c.File)
	if dir == "." || dir == Root {
		return "other"
	}
	return path.Base(dir)
}

func serviceName(s string) string {
	if n, ok := serviceNames[s]; ok {
		return n
	}
	return s
}

// Catalog renders the Markdown catalogue of checks (docs/checks-aws.md):
// a summary table, then every check with its documentation, grouped by
// service and ordered by id, so the output is stable.
func Catalog(cs []*check.Check) []byte {
	sorted := append([]*check.Check(nil), cs...)
	sort.Slice(sorted, func(i, j int) bool {
		si, sj := service(sorted[i]), service(sorted[j])
		if si != sj {
			return si < sj
		}
		return sorted[i].ID < sorted[j].ID
	})

	var b bytes.Buffer
	b.WriteString("# Built-in AWS checks\n\n")
	b.WriteString("<!-- Generated from checks/aws by checks.Catalog. Do not edit by hand:\n")
	b.WriteString("     go test ./checks -run TestCatalog -update -->\n\n")
	fmt.Fprintf(&b, "Parapet ships %d AWS checks. Each is a YAML file under `checks/aws/<service>/` with\n", len(sorted))
	b.WriteString("passing and failing fixtures in `testdata/`; `resource.config` follows the shape of the\n")
	b.WriteString("resource type (see `internal/awsshape`).\n\n")

	counts := map[check.Severity]int{}
	for _, c := range sorted {
		counts[c.Severity]++
	}
	b.WriteString("| Severity | Checks |\n|---|---|\n")
	for s := check.Critical; s >= check.Informational; s-- {
		if counts[s] > 0 {
			fmt.Fprintf(&b, "| %s | %d |\n", s, counts[s])
		}
	}
	b.WriteString("\n")

	b.WriteString("| ID | Severity | Resource | Title |\n|---|---|---|---|\n")
	for _, c := range sorted {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | `%s` | %s |\n", c.ID, c.ID, c.Severity, c.ResourceType, cell(c.Title))
	}

	current := ""
	for _, c := range sorted {
		if s := service(c); s != current {
			current = s
			fmt.Fprintf(&b, "\n## %s\n", serviceName(s))
		}
		writeCheck(&b, c)
	}
	return b.Bytes()
}

func writeCheck(b *bytes.Buffer, c *check.Check) {
	fmt.Fprintf(b, "\n### %s\n\n", c.ID)
	fmt.Fprintf(b, "**%s**\n\n", oneLine(c.Title))
	fmt.Fprintf(b, "- Severity: %s\n- Resource: `%s`\n- Source: `checks/%s`\n\n", c.Severity, c.ResourceType, c.File)
	fmt.Fprintf(b, "%s\n\n", para(c.Description))
	fmt.Fprintf(b, "**Risk.** %s\n\n", para(c.Risk))
	if c.When != "" {
		fmt.Fprintf(b, "Applies when:\n\n```cel\n%s\n```\n\n", strings.TrimSpace(c.When))
	}
	fmt.Fprintf(b, "Passes when:\n\n```cel\n%s\n```\n\n", strings.TrimSpace(c.Assert))
	fmt.Fprintf(b, "**Remediation.** %s\n", para(c.Remediation.Text))
	if cli := strings.TrimSpace(c.Remediation.CLI); cli != "" {
		fmt.Fprintf(b, "\n```sh\n%s\n```\n", cli)
	}
	if tf := strings.TrimSpace(c.Remediation.Terraform); tf != "" {
		fmt.Fprintf(b, "\n```hcl\n%s\n```\n", tf)
	}
	if len(c.References) > 0 {
		b.WriteString("\nReferences:\n\n")
		for _, r := range c.References {
			fmt.Fprintf(b, "- <%s>\n", r)
		}
	}
}

// para trims a folded YAML paragraph; blank lines inside it stay.
func para(s string) string { return strings.TrimSpace(s) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cell makes text safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }
