package cloudformation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary text to the loader: it must never panic (a
// recovered panic shows as an "internal error" diagnostic), and what it
// returns must be well formed.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	json, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range append(files, json...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"AWSTemplateFormatVersion: x\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Sub '${B.Arn}'}\n",
		"Resources: {A: {Type: AWS::EC2::Subnet, Properties: {CidrBlock: !Select [0, !Cidr [!GetAtt A.CidrBlock, 1, 1]]}}}",
		"AWSTemplateFormatVersion: x\nConditions: {C: !Condition C}\nResources: {B: {Type: AWS::S3::Bucket, Condition: C}}",
		"AWSTemplateFormatVersion: x\nResources: {S: {Type: AWS::EC2::SecurityGroup, Properties: {SecurityGroupIngress: [{IpProtocol: !If [C, 1, 2]}]}}}",
		`{"AWSTemplateFormatVersion": 1, "Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": [1]}}}}}`,
		"AWSTemplateFormatVersion: x\nA: &a\n  - Fn::And: [{Condition: C}]\nB: &b\n  - *a\n  - *a\nConditions: {C: {Fn::Or: *b}}\nResources:\n  I:\n    Type: AWS::EC2::Instance\n    Metadata: *b\n    Properties: {UserData: !If [C, *b, *a]}\n",
	} {
		f.Add([]byte(s))
	}
	l := New(Options{})
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		assets, diags := l.loadBytes("fuzz.yaml", "fuzz.yaml", src, true)
		for _, d := range diags {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("%s", d)
			}
		}
		for _, a := range assets {
			if !strings.HasPrefix(a.UID, "cloudformation:fuzz.yaml#") || a.Type == "" || a.Hash != a.ComputeHash() || a.Config == nil {
				t.Fatalf("malformed asset %+v", a)
			}
			if a.Source.StartLine < 1 || a.Source.EndLine < a.Source.StartLine {
				t.Fatalf("%s: lines %d-%d", a.UID, a.Source.StartLine, a.Source.EndLine)
			}
		}
	})
}
