package cloudformation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/iac"
)

func TestRegistered(t *testing.T) {
	l, err := iac.Lookup("cloudformation")
	if err != nil {
		t.Fatal(err)
	}
	if l.Framework() != Framework {
		t.Errorf("Framework() = %q", l.Framework())
	}
}

func TestDetect(t *testing.T) {
	l := New(Options{})
	for _, c := range []struct {
		path, head string
		want       bool
	}{
		{"stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", true},
		{"stack.json", `{"AWSTemplateFormatVersion": "2010-09-09"}`, true},
		{"cdk.out/App.template.json", `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`, true},
		{"stack.template", "Resources:\n  B:\n    Type: 'AWS::S3::Bucket'\n", true},
		{"stack.yml", "Resources:\n  B:\n    Type: AWS::EC2::VPC\n", true},
		{"compose.yaml", "services:\n  web:\n    image: nginx\n", false},
		{"k8s.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Resources\n", false},
		{"main.tf", "AWSTemplateFormatVersion", false},
		{"notes.yaml", "Resources: [] # Type: AWS\n", false},
	} {
		if got := l.Detect(c.path, []byte(c.head)); got != c.want {
			t.Errorf("Detect(%s, %q) = %v, want %v", c.path, c.head, got, c.want)
		}
	}
}

// TestIntrinsics evaluates every intrinsic function, in short form (YAML)
// and long form (JSON): both templates must give the same values.
func TestIntrinsics(t *testing.T) {
	wantTags := map[string]string{
		"ref":          "prod",
		"sub":          "prod-${Literal}-${AWS::Region}",
		"subvars":      "prod/${Key.Arn}",
		"getatt":       "${Key.Arn}",
		"getattlist":   "${Key.KeyId}",
		"refres":       "${Key}",
		"if":           "yes-prod",
		"not":          "not-dev",
		"join":         "a-prod-3",
		"select":       "b",
		"split":        "z",
		"map":          "100",
		"mapagree":     "gold",
		"base64":       "aGVsbG8=",
		"cidr":         "10.0.2.0/24",
		"azs":          "${Fn::Select(0, ${Fn::GetAZs(${AWS::Region})})}",
		"andfalse":     "b",
		"samebranches": "same",
		"nested":       "prod!",
		// Left out, known only at deploy time: mapdiffer (FindInMap on
		// an unknown key whose entries differ), import, and, or;
		// novalue is removed by AWS::NoValue.
	}
	for _, c := range []struct {
		file       string
		start, end int
	}{
		{"intrinsics.yaml", 26, 56},
		{"intrinsics.json", 24, 56},
	} {
		t.Run(c.file, func(t *testing.T) {
			res := load(t, c.file, nil)
			if len(res.Diagnostics) != 0 {
				t.Errorf("diagnostics: %v", res.Diagnostics)
			}
			b := find(t, res, "Data")
			if !same(b.Tags, wantTags) {
				t.Errorf("tags:\n got %s\nwant %s", js(b.Tags), js(wantTags))
			}
			if b.Name != "data-prod" || b.UID != "cloudformation:"+c.file+"#Data" {
				t.Errorf("name %q uid %q", b.Name, b.UID)
			}
			if b.Source != (asset.Source{Kind: asset.SourceCloudFormation, File: filepath.Join("testdata", c.file), StartLine: c.start, EndLine: c.end}) {
				t.Errorf("source %+v, want lines %d-%d", b.Source, c.start, c.end)
			}
			expectConfig(t, b, map[string]any{"Name": "data-prod", "Versioning.Status": ""})
			expectErrors(t, b, "Versioning.Status=Unknown")
			if msg := errorMessage(b, "Versioning.Status"); msg != "condition ProdAndTeam: parameter Team has no default: known only at deploy time" {
				t.Errorf("unknown message %q", msg)
			}
		})
	}
}

func TestParameters(t *testing.T) {
	for _, c := range []struct {
		name                    string
		params                  map[string]string
		want                    map[string]any
		tags                    map[string]string
		bucket, region, account string
		errors                  []string
	}{
		{
			name:   "defaults",
			want:   map[string]any{"Name": "${Bucket}", "Versioning.Status": "Enabled", "Region": ""},
			tags:   map[string]string{"subnets": "subnet-1;subnet-2", "region": "${AWS::Region}"},
			bucket: "Bucket",
			errors: []string{"Name=Unknown", "Arn=Unknown"},
		},
		{
			name: "overrides",
			params: map[string]string{"BucketName": "my-bucket", "Versioned": "Suspended", "AmiId": "ami-1",
				"Subnets": "subnet-9", "AWS::Region": "eu-west-1", "AWS::AccountId": "111122223333", "AWS::Partition": "aws"},
			want:   map[string]any{"Name": "my-bucket", "Arn": "arn:aws:s3:::my-bucket", "Versioning.Status": "Suspended", "Region": "eu-west-1"},
			tags:   map[string]string{"ami": "ami-1", "subnets": "subnet-9", "region": "eu-west-1"},
			bucket: "my-bucket", region: "eu-west-1", account: "111122223333",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := load(t, "parameters.yaml", c.params)
			b := find(t, res, "Bucket")
			expectConfig(t, b, c.want)
			expectErrors(t, b, c.errors...)
			if !same(b.Tags, c.tags) {
				t.Errorf("tags %s, want %s", js(b.Tags), js(c.tags))
			}
			if b.Name != c.bucket || b.Region != c.region || b.Account != c.account {
				t.Errorf("name/region/account = %q/%q/%q", b.Name, b.Region, b.Account)
			}
		})
	}
	res := load(t, "parameters.yaml", nil)
	for id, want := range map[string]map[string]any{
		"BucketName": {"Name": "BucketName", "Type": "String", "NoEcho": false, "HasDefault": false, "Secrets": []any{}},
		"DbPassword": {"NoEcho": true, "HasDefault": true, "Secrets": []any{map[string]any{"Kind": "password", "Location": "DbPassword"}}},
		"ApiToken":   {"NoEcho": true, "Secrets": []any{}},
		"AmiId":      {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"},
	} {
		p := find(t, res, id)
		if p.Type != codeshape.TypeCFNParameter || p.Provider != codeshape.Provider {
			t.Errorf("%s: type %s provider %s", id, p.Type, p.Provider)
		}
		expectConfig(t, p, want)
	}
	if p := find(t, res, "DbPassword"); p.Source.StartLine != 11 || p.Source.EndLine != 14 {
		t.Errorf("DbPassword lines %d-%d, want 11-14", p.Source.StartLine, p.Source.EndLine)
	}
}

func TestConditions(t *testing.T) {
	res := load(t, "conditions.yaml", nil)
	if has(res, "ProdOnly") {
		t.Error("ProdOnly is created only in prod, Env defaults to dev")
	}
	find(t, res, "Maybe") // emitted, with a warning
	expectDiag(t, res, "conditions.yaml", 17, iac.SevWarning, "resource Maybe is created only if condition ModeOn holds")
	a := find(t, res, "Always")
	expectConfig(t, a, map[string]any{"Policy.Statement[0].Effect": "Deny"})
	expectErrors(t, a, "Policy=Unknown")
	if msg := errorMessage(a, "Policy"); !strings.Contains(msg, "MaybePolicy exists only if condition ModeOn: parameter Mode has no default") {
		t.Errorf("message %q", msg)
	}
}

func TestSuppressions(t *testing.T) {
	res := load(t, "suppressions.yaml", nil)
	const logs = "cloudformation:suppressions.yaml#Logs"
	for _, c := range []struct {
		id, reason, resource string
		line                 int
	}{
		{"Logs/ignore/aws-s3-bucket-versioning", "logs are write-once", logs, 3},
		{"Logs/ignore/aws-s3-bucket-access-logging", "", logs, 4},
		{"Logs/ignore/aws-s3-bucket-ssl-only", "only read by a VPC endpoint", logs, 10},
		{"Logs/ignore/aws-s3-bucket-acl-public", "", logs, 12},
		{"Other/ignore/aws-s3-bucket-ssl-only", "", "cloudformation:suppressions.yaml#Other", 19},
	} {
		s := find(t, res, c.id)
		if s.Type != codeshape.TypeSuppression || s.Provider != codeshape.Provider {
			t.Errorf("%s: type %s provider %s", c.id, s.Type, s.Provider)
		}
		check := c.id[strings.LastIndex(c.id, "/")+1:]
		expectConfig(t, s, map[string]any{"CheckID": check, "Reason": c.reason, "Resource": c.resource})
		if s.Source.StartLine != c.line {
			t.Errorf("%s: line %d, want %d", c.id, s.Source.StartLine, c.line)
		}
	}
	n := 0
	for _, a := range res.Assets {
		if a.Type == codeshape.TypeSuppression {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d suppressions, want 5 (the comment above a blank line applies to nothing)", n)
	}
}

// TestDirectory scans a tree: templates in any subdirectory, JSON and
// YAML; other files skipped silently; a syntax error reported with its
// line while the other templates are still read.
func TestDirectory(t *testing.T) {
	res := load(t, "tree", nil)
	var got []string
	for _, a := range res.Assets {
		got = append(got, a.UID)
	}
	want := []string{"cloudformation:good.yaml#Bucket", "cloudformation:nested/app.template#Bucket"}
	if !same(got, want) {
		t.Errorf("assets %v, want %v", got, want)
	}
	if len(res.Diagnostics) != 1 {
		t.Errorf("diagnostics %v, want one for broken.yaml", res.Diagnostics)
	}
	expectDiag(t, res, "broken.yaml", 5, iac.SevError, "cannot parse template: did not find expected ',' or ']'")
	b := find(t, res, "Bucket")
	if b.Source.File != filepath.Join("testdata", "tree", "good.yaml") {
		t.Errorf("source file %q", b.Source.File)
	}
	if n := find(t, res, "Bucket"); n.Name != "Bucket" {
		t.Errorf("name %q", n.Name)
	}
}

func TestMalformed(t *testing.T) {
	res := load(t, "malformed.yaml", nil)
	for _, d := range []struct {
		line int
		text string
	}{
		{7, "unsupported intrinsic function Foo"},
		{9, "malformed Fn::Select: expected a non-negative index"},
		{10, `Fn::GetAtt of undefined resource "Missing"`},
		{12, `Ref to undefined parameter or resource "Nowhere"`},
		{13, "Fn::Select index 7 is out of range"},
		{14, "unsupported intrinsic function Fn::Unheard"},
		{3, "resource Bucket: PublicAccessBlockConfiguration.BlockPublicAcls must be a boolean, got a list"},
		{3, `resource Bucket: PublicAccessBlockConfiguration.IgnorePublicAcls must be a boolean, got "yes please"`},
		{21, `undefined condition "Undefined"`},
	} {
		expectDiag(t, res, "malformed.yaml", d.line, iac.SevWarning, d.text)
	}
	b := find(t, res, "Bucket")
	expectErrors(t, b, "Versioning.Status=Unknown", "LoggingEnabled.TargetBucket=Unknown", "LoggingEnabled.TargetPrefix=Unknown",
		"PublicAccessBlock.BlockPublicAcls=Invalid", "PublicAccessBlock.IgnorePublicAcls=Invalid")
	if len(b.Tags) != 0 {
		t.Errorf("tags %v: all three values are unknown", b.Tags)
	}
	expectErrors(t, find(t, res, "Deep"), "Name=Unknown", "Arn=Unknown")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	l := New(Options{})
	if _, err := l.Load(context.Background(), filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a path that does not exist must be an error")
	}
	for _, c := range []struct {
		name, text string
		line       int
		sev, msg   string
	}{
		{"empty.yaml", "", 0, iac.SevError, "empty document"},
		{"list.yaml", "- a\n- b\n", 1, iac.SevWarning, "not a CloudFormation template"},
		{"tab.yaml", "AWSTemplateFormatVersion: x\nResources:\n\tB: 1\n", 3, iac.SevError, "cannot parse template"},
		{"two.yaml", "AWSTemplateFormatVersion: x\n---\nb: 1\n", 1, iac.SevWarning, "several YAML documents"},
		{"json.json", "{\"AWSTemplateFormatVersion\": \"x\",\n \"Resources\": {\n", 0, iac.SevError, "cannot parse template"},
		{"notmap.yaml", "AWSTemplateFormatVersion: x\nResources:\n  B: text\n  C:\n    Properties: {}\n", 3, iac.SevWarning, "resource B must be a map"},
	} {
		res, err := l.Load(context.Background(), write(c.name, c.text))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		found := false
		for _, d := range res.Diagnostics {
			if d.Severity == c.sev && strings.Contains(d.Message, c.msg) && (c.line == 0 || d.Line == c.line) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %s %q at line %d in %v", c.name, c.sev, c.msg, c.line, res.Diagnostics)
		}
	}
}

// TestAliasBombs feeds templates whose YAML aliases expand to billions of
// nodes, wherever the loader walks nodes: they must be cut short (a
// regression would hang this test), with a diagnostic where evaluation
// was stopped.
func TestAliasBombs(t *testing.T) {
	// bomb defines anchors n0..n29, each holding two aliases of the
	// previous one: *n29 stands for 2^30 nodes.
	bomb := func(block bool) string {
		var b strings.Builder
		// P has no value, so nothing short-circuits.
		b.WriteString("AWSTemplateFormatVersion: x\nParameters: {P: {Type: String}}\nX0: &n0 [{Fn::Equals: [!Ref P, a]}, {Fn::Equals: [!Ref P, b]}]\n")
		for i := 1; i < 30; i++ {
			if block {
				fmt.Fprintf(&b, "X%d: &n%d\n  - Fn::And: *n%d\n  - Fn::Or: *n%d\n", i, i, i-1, i-1)
			} else {
				fmt.Fprintf(&b, "X%d: &n%d [*n%d, *n%d]\n", i, i, i-1, i-1)
			}
		}
		return b.String()
	}
	for _, c := range []struct {
		name, text string
		limit      bool // evaluation stops with a diagnostic
	}{
		{"flow list in a property", bomb(false) + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [{Key: k, Value: !Join ['', *n29]}]\n", true},
		{"block list in metadata", bomb(true) + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata: *n29\n", false},
		{"condition", bomb(true) + "Conditions:\n  C:\n    Fn::And: *n29\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: C\n", true},
		{"user data", bomb(true) + "Resources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: !If [Undefined, *n29, x]\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assets, diags := New(Options{}).loadBytes("bomb.yaml", "bomb.yaml", []byte(c.text), true)
			limited := false
			for _, d := range diags {
				if strings.Contains(d.Message, "internal error") {
					t.Fatal(d)
				}
				if d.Severity == iac.SevError && strings.Contains(d.Message, "too large to evaluate") {
					limited = true
				}
			}
			if limited != c.limit {
				t.Errorf("evaluation limit reported: %v, want %v (%v)", limited, c.limit, diags)
			}
			if len(assets) != 2 {
				t.Errorf("%d assets, want the parameter and the resource", len(assets))
			}
		})
	}
}

func TestShapesRegistered(t *testing.T) {
	for typ, mp := range mappers {
		if _, ok := asset.LookupType(mp.assetType); !ok {
			t.Errorf("%s maps to unregistered type %s", typ, mp.assetType)
		}
	}
	if _, ok := asset.LookupType(awsshape.TypeNeptuneCluster); !ok {
		t.Error("neptune type not registered")
	}
}

func TestEndLine(t *testing.T) {
	src := `A: [it's, "a ] \" x", 'b '' ]', # c ]
  {k: v}]
B: |
  line
    more

  last
C: {x: 1}
D:
  - a
  - "multi
    line"
E: end
`
	root, _, err := parseDocument([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lines := splitLines([]byte(src))
	for key, want := range map[string]int{"A": 2, "B": 7, "C": 8, "D": 12, "E": 13} {
		if got := endLine(field(root, key), lines); got != want {
			t.Errorf("%s ends on line %d, want %d", key, got, want)
		}
	}
}

// TestRequiredMissing checks that a required document left out reads as
// malformed (ERROR), not as an empty, harmless one.
func TestRequiredMissing(t *testing.T) {
	src := "AWSTemplateFormatVersion: x\nResources:\n  R:\n    Type: AWS::IAM::Role\n  B:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties: {Bucket: !Ref B}\n"
	assets, diags := New(Options{}).loadBytes("req.yaml", "req.yaml", []byte(src), true)
	res := &iac.Result{Assets: assets, Diagnostics: diags}
	expectErrors(t, find(t, res, "R"), "AssumeRolePolicyDocument=Invalid")
	expectErrors(t, find(t, res, "B"), "Policy=Invalid")
	expectDiag(t, res, "req.yaml", 3, iac.SevWarning, "resource R: AssumeRolePolicyDocument must be set")
	expectDiag(t, res, "req.yaml", 7, iac.SevWarning, "resource P: PolicyDocument must be set")
}
