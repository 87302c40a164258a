package celenv

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func TestReads(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`resource.config.PublicAccessBlock != null && resource.config.PublicAccessBlock.BlockPublicAcls`,
			[]string{"config.PublicAccessBlock"}},
		{`resource.config.IpPermissions.exists(p, p.FromPort == 22 && p.IpRanges.size() > 0)`,
			[]string{"config.IpPermissions"}},
		{`resource.tags["env"] == "prod" && resource.name != ""`, []string{"name", "tags.env"}},
		{`has(resource.config.Policy) && iam_public_principal(resource.config.Policy)`, []string{"config.Policy"}},
		{`resource.config.?Policy.orValue(null) == null`, []string{"config.Policy"}},
		{`resource.config.Acl.Grants[0].Permission == "READ"`, []string{"config.Acl.Grants"}},
		{`resource.config.Regions.all(r, r.EbsEncryptionByDefault) && resource.config.Trails.size() > 0`,
			[]string{"config.Regions", "config.Trails"}},
		{`cel.bind(v, resource.config.Versioning, v.Status == "Enabled")`, []string{"config.Versioning"}},
		{`[1, 2].exists(resource, resource == 1)`, nil}, // shadowed: not the asset
		{`size(resource) == 8`, []string{"resource"}},
		{`resource.config.Versioning.Status == "Enabled" || resource.config.Versioning.MFADelete == "Enabled"`,
			[]string{"config.Versioning.MFADelete", "config.Versioning.Status"}},
		{`true`, nil},
	}
	for _, tc := range cases {
		x, err := Compile(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		var got []string
		for _, r := range x.Reads {
			got = append(got, Path{Segments: r}.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s\n reads %q\n want  %q", tc.expr, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		expr string
		line int
		col  int // 0-based byte column
		msg  string
	}{
		{`resorce.config.X`, 1, 0, "undeclared reference to 'resorce'"},
		{"resource.config.X &&\n  nosuch(1)", 2, 8, "undeclared reference to 'nosuch'"},
		{`resource.config.X ==`, 1, 20, "Syntax error"},
		{`cidr_is_public(1)`, 1, 14, "found no matching overload for 'cidr_is_public'"},
		{`1 + 1`, 1, 0, "must be a bool, but it is a int"},
		{`  `, 1, 0, "expression is empty"},
		{`"é" == 1`, 1, 5, "found no matching overload for '_==_'"},
	}
	for _, tc := range cases {
		_, err := Compile(tc.expr)
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Issues) == 0 {
			t.Fatalf("%q: want *Error, got %v", tc.expr, err)
		}
		is := ce.Issues[0]
		if is.Line != tc.line || is.Column != tc.col || !strings.Contains(is.Message, tc.msg) {
			t.Errorf("%q: got %d:%d %q; want %d:%d containing %q", tc.expr, is.Line, is.Column, is.Message, tc.line, tc.col, tc.msg)
		}
	}
}

func TestCompileCaches(t *testing.T) {
	a, err := Compile(`resource.config.Name != ""`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Compile(`resource.config.Name != ""`)
	if a != b {
		t.Error("second compile of the same text did not reuse the first")
	}
	p1, err := a.Program()
	p2, _ := b.Program()
	if err != nil || p1 != p2 {
		t.Errorf("program not shared: %v", err)
	}
}

func TestCheckFields(t *testing.T) {
	bucket, _ := asset.LookupType(awsshape.TypeS3Bucket)
	volume, _ := asset.LookupType(awsshape.TypeVolume)
	cases := []struct {
		name  string
		typ   asset.TypeInfo
		expr  string
		guard string
		want  string // substring of the first issue; empty for none
		col   int
	}{
		{"valid chain", bucket, `resource.config.PublicAccessBlock.BlockPublicAcls`, "", "", 0},
		{"typo with suggestion", bucket, `resource.config.PublicAcessBlock == null`, "",
			`resource.config (aws.s3.bucket) has no field "PublicAcessBlock"; did you mean "PublicAccessBlock"?`, 15},
		{"case typo", bucket, `resource.config.versioning.Status == "Enabled"`, "", `did you mean "Versioning"?`, 15},
		{"deep typo", bucket, `resource.config.Versioning.Stat == "Enabled"`, "", `resource.config.Versioning (aws.s3.bucket) has no field "Stat"; did you mean "Status"?`, 26},
		{"unknown resource field", bucket, `resource.conf.Name == ""`, "", `resource has no field "conf"`, 8},
		{"selecting on a list", bucket, `resource.config.Acl.Grants.Permission == "READ"`, "", `resource.config.Acl.Grants is a list`, 26},
		{"selecting on a string", bucket, `resource.config.Name.Length == 1`, "", `resource.config.Name is a string`, 20},
		{"free-form policy", bucket, `resource.config.Policy.Statement.size() > 0`, "", "", 0},
		{"any tag", bucket, `resource.tags.owner == "x"`, "", "", 0},
		{"tag value is a string", bucket, `resource.tags.owner.x == "x"`, "", "resource.tags.owner is a string", 19},
		{"omitempty field unguarded", volume, `resource.config.KmsKeyId != ""`, "",
			`resource.config.KmsKeyId is left out of the document when empty: test has(resource.config.KmsKeyId) first, or write resource.config.?KmsKeyId.orValue(...)`, 15},
		{"omitempty guarded by has", volume, `has(resource.config.KmsKeyId) && resource.config.KmsKeyId != ""`, "", "", 0},
		{"omitempty guarded by when", volume, `resource.config.KmsKeyId.startsWith("arn:")`, `has(resource.config.KmsKeyId)`, "", 0},
		{"omitempty optional", volume, `resource.config.?KmsKeyId.orValue("") != ""`, "", "", 0},
		{"has on an unknown field", volume, `has(resource.config.Kms)`, "", `has no field "Kms"`, 3}, // CEL places has() tests at the call
		{"whole resource", volume, `size(resource) > 0`, "", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := Compile(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			var guard *Expr
			if tc.guard != "" {
				if guard, err = Compile(tc.guard); err != nil {
					t.Fatal(err)
				}
			}
			issues := x.CheckFields(tc.typ, guard)
			if tc.want == "" {
				if len(issues) != 0 {
					t.Fatalf("unexpected issues: %+v", issues)
				}
				return
			}
			if len(issues) == 0 || !strings.Contains(issues[0].Message, tc.want) {
				t.Fatalf("got %+v; want %q", issues, tc.want)
			}
			if issues[0].Column != tc.col || issues[0].Line != 1 {
				t.Errorf("position %d:%d, want 1:%d", issues[0].Line, issues[0].Column, tc.col)
			}
		})
	}
}
