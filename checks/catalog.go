package checks

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/check"
)

// Load parses and compiles the built-in checks of every root (see Roots).
// A check id defined under two roots is an error.
func Load() ([]*check.Check, error) {
	var sets [][]*check.Check
	var errs []error
	for _, root := range Roots() {
		cs, err := check.LoadFS(FS, root)
		if err != nil {
			errs = append(errs, err)
		}
		sets = append(sets, cs)
	}
	all, err := check.Merge(sets...)
	return all, errors.Join(append(errs, err)...)
}

// serviceNames are the headings of the catalogues' sections, keyed by the
// directory a check lives in.
var serviceNames = map[string]string{
	"account":        "Account baseline",
	"cloudtrail":     "CloudTrail",
	"ec2":            "EC2, EBS and security groups",
	"ecr":            "ECR",
	"eks":            "EKS",
	"elb":            "Elastic Load Balancing",
	"iam":            "IAM",
	"kms":            "KMS",
	"lambda":         "Lambda",
	"neptune":        "Neptune",
	"opensearch":     "OpenSearch Service",
	"rds":            "RDS and Aurora",
	"s3":             "S3",
	"vpc":            "VPC",
	"terraform":      "Terraform",
	"cloudformation": "CloudFormation",
	"suppression":    "Inline suppressions",
}

// page describes the catalogue of one root of FS.
type page struct {
	title string
	// intro is printed after the count of checks ("Parapet ships N ...").
	intro string
}

var pages = map[string]page{
	Root: {
		title: "Built-in AWS checks",
		intro: "AWS checks. Each is a YAML file under `checks/aws/<service>/` with\n" +
			"passing and failing fixtures in `testdata/`; `resource.config` follows the shape of the\n" +
			"resource type (see `internal/awsshape`). They run on live resources and, unchanged, on\n" +
			"the same resources declared in Terraform or CloudFormation.\n",
	},
	IaCRoot: {
		title: "Built-in infrastructure-as-code checks",
		intro: "checks of things that exist only in code: provider blocks, input\n" +
			"variables and parameters, and inline suppressions. Each is a YAML file under\n" +
			"`checks/iac/<source>/` with passing and failing fixtures in `testdata/`;\n" +
			"`resource.config` follows the shapes in `internal/codeshape`. The AWS checks\n" +
			"(docs/checks-aws.md) run on code too; these are the ones that only make sense there.\n",
	},
}

// service is the directory below the root directory that holds a check
// file ("aws/s3/x.yaml" -> "s3").
func service(c *check.Check) string {
	dir := path.Dir(c.File)
	if dir == "." || dir == rootOf(c) {
		return "other"
	}
	return path.Base(dir)
}

// rootOf is the root of FS a check was loaded from ("" when none).
func rootOf(c *check.Check) string {
	for _, r := range Roots() {
		if strings.HasPrefix(c.File, r+"/") {
			return r
		}
	}
	return ""
}

func serviceName(s string) string {
	if n, ok := serviceNames[s]; ok {
		return n
	}
	return s
}

// Catalog renders the Markdown catalogue of the AWS checks among cs
// (docs/checks-aws.md).
func Catalog(cs []*check.Check) []byte { return CatalogOf(Root, cs) }

// CatalogOf renders the Markdown catalogue of the checks among cs that
// were loaded from root (docs/checks-<root>.md): a summary table, then
// every check with its documentation, grouped by service and ordered by
// id, so the output is stable.
func CatalogOf(root string, cs []*check.Check) []byte {
	var sorted []*check.Check
	for _, c := range cs {
		if rootOf(c) == root {
			sorted = append(sorted, c)
		}
	}
	sort.Slice(sorted, func(i, j int) bool {
		si, sj := service(sorted[i]), service(sorted[j])
		if si != sj {
			return si < sj
		}
		return sorted[i].ID < sorted[j].ID
	})

	pg, ok := pages[root]
	if !ok {
		pg = page{title: "Built-in checks", intro: "checks.\n"}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", pg.title)
	fmt.Fprintf(&b, "<!-- Generated from checks/%s by checks.Catalog. Do not edit by hand:\n", root)
	b.WriteString("     go test ./checks -run TestCatalog -update -->\n\n")
	fmt.Fprintf(&b, "Parapet ships %d %s\n", len(sorted), pg.intro)

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
