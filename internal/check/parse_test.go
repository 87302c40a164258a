package check

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/parapet-dev/parapet/internal/awsshape"
)

const valid = `id: aws-s3-bucket-versioning
title: S3 bucket has versioning enabled
severity: medium
resource: aws.s3.bucket
when: resource.config.Name != ""
assert: |
  resource.config.Versioning.Status == "Enabled"
description: Versioning keeps every version of every object.
risk: Without it, an overwrite or delete cannot be undone.
remediation:
  text: Enable versioning on the bucket.
  cli: aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled
  terraform: |
    versioning_configuration { status = "Enabled" }
  action: s3-enable-versioning
references:
  - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
`

func TestParseValid(t *testing.T) {
	c, err := Parse("checks/s3.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	want := Check{
		ID: "aws-s3-bucket-versioning", Title: "S3 bucket has versioning enabled", Severity: Medium,
		ResourceType: "aws.s3.bucket", When: `resource.config.Name != ""`,
		Assert:      "resource.config.Versioning.Status == \"Enabled\"\n",
		Description: "Versioning keeps every version of every object.",
		Risk:        "Without it, an overwrite or delete cannot be undone.",
		Remediation: Remediation{Text: "Enable versioning on the bucket.",
			CLI:       "aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled",
			Terraform: "versioning_configuration { status = \"Enabled\" }\n", Action: "s3-enable-versioning"},
		References: []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"},
		File:       "checks/s3.yaml", WhenLine: 5, AssertLine: 7, idLine: 1,
	}
	if !equalCheck(*c, want) {
		t.Errorf("got  %+v\nwant %+v", *c, want)
	}
}

func equalCheck(a, b Check) bool { return reflect.DeepEqual(a, b) }

// edit replaces one line of the valid check (or, with old "", appends).
func edit(old, new string) string {
	if old == "" {
		return valid + new
	}
	if !strings.Contains(valid, old) {
		panic("edit: " + old)
	}
	return strings.Replace(valid, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // every line must appear in the error
	}{
		{"unknown key", edit("title:", "titel:"), []string{
			`x.yaml:2:1: unknown key "titel" in check (known keys: id, title, severity, resource, when, assert, description, risk, remediation, references)`,
			`x.yaml:1:1: missing required key "title"`}},
		{"missing risk", edit("risk: Without it, an overwrite or delete cannot be undone.\n", ""), []string{
			`x.yaml:1:1: missing required key "risk"`}},
		{"empty description", edit("description: Versioning keeps every version of every object.", "description: \"\""), []string{
			`x.yaml:8:14: description must not be empty`}},
		{"bad severity", edit("severity: medium", "severity: urgent"), []string{
			`x.yaml:3:11: unknown severity "urgent" (want one of informational, low, medium, high, critical)`}},
		{"unknown resource type", edit("resource: aws.s3.bucket", "resource: aws.s3.buckt"), []string{
			`x.yaml:4:11: unknown resource type "aws.s3.buckt"; did you mean "aws.s3.bucket"? (known types: aws.account,`}},
		{"bad id", edit("id: aws-s3-bucket-versioning", "id: AWS_S3--versioning"), []string{
			`x.yaml:1:5: invalid id "AWS_S3--versioning": use lowercase letters, digits and single dashes`}},
		{"id not a string", edit("id: aws-s3-bucket-versioning", "id: [a, b]"), []string{
			`x.yaml:1:5: id must be a string, got a list`}},
		{"duplicate key", edit("severity: medium", "severity: medium\nseverity: high"), []string{
			`x.yaml:4:1: duplicate key "severity" (first at line 3)`}},
		{"yaml syntax", edit("title: S3 bucket has versioning enabled", "title: [unclosed"), []string{
			`x.yaml:2: YAML syntax: did not find expected ',' or ']'`}},
		{"two documents", valid + "---\nid: other\n", []string{
			`x.yaml:18: a check file holds one check; found a second YAML document`}},
		{"not a mapping", "- id: x\n", []string{
			`x.yaml:1:1: a check is a mapping with keys id, title,`}},
		{"remediation without text", edit("  text: Enable versioning on the bucket.\n", ""), []string{
			`x.yaml:11:3: missing required key "text" in remediation`}},
		{"remediation unknown key", edit("  cli: aws", "  shell: aws"), []string{
			`x.yaml:12:3: unknown key "shell" in remediation (known keys: text, cli, terraform, action)`}},
		{"remediation as text", edit("remediation:\n  text: Enable versioning on the bucket.\n  cli: aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled\n  terraform: |\n    versioning_configuration { status = \"Enabled\" }\n  action: s3-enable-versioning\n", "remediation: enable it\n"), []string{
			`x.yaml:10:14: remediation must be a mapping with keys text, cli, terraform, action; got a scalar`}},
		{"reference not a URL", edit("  - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html", "  - see the docs"), []string{
			`x.yaml:17:5: reference "see the docs" is not an http(s) URL`}},
		{"CEL error in a block", edit("  resource.config.Versioning.Status == \"Enabled\"", "  resource.config.Versioning.Status == \"Enabled\" &&\n    nosuch(resource)"), []string{
			`x.yaml:8:11: assert: undeclared reference to 'nosuch' (expression 2:9)`}},
		{"CEL error on one line", edit(`when: resource.config.Name != ""`, `when: resource.config.Name != "" && 1`), []string{
			`x.yaml:5:37: when: expected type 'bool' but found 'int' (expression 1:31)`}},
		{"CEL error in quotes", edit(`when: resource.config.Name != ""`, `when: "resource.config.Name != 'x' && resorce.x"`), []string{
			`x.yaml:5:39: when: undeclared reference to 'resorce' (did you mean 'resource'?) (expression 1:32)`}},
		{"CEL syntax error", edit(`when: resource.config.Name != ""`, `when: resource.config.Name !=`), []string{
			`x.yaml:5:30: when: Syntax error: mismatched input '<EOF>'`}},
		{"misspelt field", edit("  resource.config.Versioning.Status == \"Enabled\"", "  resource.config.Versioning.Statu == \"Enabled\""), []string{
			`x.yaml:7:29: assert: resource.config.Versioning (aws.s3.bucket) has no field "Statu"; did you mean "Status"? (expression 1:27)`}},
		{"not a bool", edit("  resource.config.Versioning.Status == \"Enabled\"", "  resource.config.Name + \"x\""), []string{
			`x.yaml:7:3: assert: expression must be a bool, but it is a string (expression 1:1)`}},
		{"empty when", edit(`when: resource.config.Name != ""`, `when: ""`), []string{
			`x.yaml:5:7: when must not be empty`}},
		{"several problems at once", edit("severity: medium", "severity: urgent\nowner: me"), []string{
			`x.yaml:3:11: unknown severity "urgent"`, `x.yaml:4:1: unknown key "owner"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("x.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; parsed %+v", c)
			}
			if c != nil {
				t.Errorf("a check was returned with the error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain\n  %s\ngot\n  %s", w, strings.ReplaceAll(err.Error(), "\n", "\n  "))
				}
			}
		})
	}
	if _, err := Parse("empty.yaml", nil); err == nil || err.Error() != "empty.yaml: file is empty" {
		t.Errorf("empty file: %v", err)
	}
}

func TestParseFoldedExpressionPosition(t *testing.T) {
	src := edit("assert: |\n  resource.config.Versioning.Status == \"Enabled\"", "assert: >\n  resource.config.Versioning.Status == \"Enabled\" &&\n  nosuch(1)")
	_, err := Parse("f.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "f.yaml:8:9: assert: undeclared reference to 'nosuch' (expression 1:57)") {
		t.Errorf("got %v", err)
	}
}

func checkFile(id string) string {
	return strings.Replace(valid, "id: aws-s3-bucket-versioning", "id: "+id, 1)
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"aws/s3/versioning.yaml":                 {Data: []byte(checkFile("a-one"))},
		"aws/s3/other.yml":                       {Data: []byte(checkFile("a-two"))},
		"aws/s3/README.md":                       {Data: []byte("# not a check")},
		"aws/s3/testdata/a-one.pass.yaml":        {Data: []byte("assets: []")},
		"aws/ec2/broken.yaml":                    {Data: []byte(edit("severity: medium", "severity: nope"))},
		"aws/ec2/dup.yaml":                       {Data: []byte(checkFile("a-one"))},
		"aws/ec2/sg.yaml":                        {Data: []byte(checkFile("a-three"))},
		"aws/.hidden/x.yaml":                     {Data: []byte("garbage: [")},
		"aws/ec2/testdata/nested/not-check.yaml": {Data: []byte("garbage: [")},
	}
	checks, err := LoadFS(fsys, "aws")
	var ids []string
	for _, c := range checks {
		ids = append(ids, c.ID+"@"+c.File)
	}
	// WalkDir visits in lexical order: ec2 before s3, so the duplicate in
	// s3 is the one rejected.
	want := "a-three@aws/ec2/sg.yaml a-one@aws/ec2/dup.yaml a-two@aws/s3/other.yml"
	if got := strings.Join(sortedStrings(ids), " "); got != strings.Join(sortedStrings(strings.Fields(want)), " ") {
		t.Errorf("loaded %s\nwant   %s", got, want)
	}
	if err == nil {
		t.Fatal("no error for the broken and duplicate files")
	}
	for _, w := range []string{
		`aws/ec2/broken.yaml:3:11: unknown severity "nope"`,
		`aws/s3/versioning.yaml:1: duplicate check id "a-one": already defined in aws/ec2/dup.yaml:1`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 2 {
		t.Errorf("want 2 problems, got %d:\n%v", n, err)
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestLoadDirAndMerge(t *testing.T) {
	builtin := t.TempDir()
	custom := t.TempDir()
	write := func(dir, name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(builtin, "a.yaml", checkFile("x-a"))
	write(builtin, "b.yaml", checkFile("x-b"))
	write(custom, "mine.yaml", checkFile("x-b"))
	write(custom, "c.yaml", checkFile("x-c"))
	b, err := LoadDir(builtin)
	if err != nil || len(b) != 2 {
		t.Fatalf("builtin: %d checks, %v", len(b), err)
	}
	if b[0].File != filepath.Join(builtin, "a.yaml") {
		t.Errorf("File = %s", b[0].File)
	}
	c, err := LoadDir(custom)
	if err != nil || len(c) != 2 {
		t.Fatalf("custom: %d checks, %v", len(c), err)
	}
	all, err := Merge(b, c)
	if len(all) != 3 {
		t.Errorf("merged %d checks, want 3", len(all))
	}
	want := filepath.Join(custom, "mine.yaml") + `:1: duplicate check id "x-b": already defined in ` + filepath.Join(builtin, "b.yaml") + ":1"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 1 {
		t.Errorf("error is not a positioned *Error: %#v", err)
	}
	if _, err := LoadDir(filepath.Join(custom, "missing")); err == nil {
		t.Error("no error for a missing directory")
	}
}

func TestUnique(t *testing.T) {
	a, _ := Parse("one.yaml", []byte(checkFile("same-id")))
	b, _ := Parse("two.yaml", []byte(checkFile("same-id")))
	c, _ := Parse("three.yaml", []byte(checkFile("other-id")))
	if err := Unique([]*Check{a, c}); err != nil {
		t.Errorf("unique ids: %v", err)
	}
	err := Unique([]*Check{a, c, b})
	if err == nil || err.Error() != `two.yaml:1: duplicate check id "same-id": already defined in one.yaml:1` {
		t.Errorf("got %v", err)
	}
}
