package cloudformation

import (
	"fmt"
	"strings"
	"testing"
)

// bigTemplate writes a template of n groups of joined resources: a bucket
// with its policy, a security group with a separate ingress rule, a role
// with a managed policy, and an instance on a launch template.
func bigTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env: {Type: String, Default: prod}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "bucket-%[1]d-${Env}"
      VersioningConfiguration: {Status: !If [IsProd, Enabled, Suspended]}
  Policy%[1]d:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket%[1]d
      PolicyDocument:
        Statement: [{Effect: Deny, Principal: "*", Action: "s3:*", Resource: !Sub "${Bucket%[1]d.Arn}/*", Condition: {Bool: {"aws:SecureTransport": false}}}]
  Sg%[1]d:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: sg-%[1]d
      GroupDescription: group %[1]d
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
  Rule%[1]d:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupName: sg-%[1]d, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
  Role%[1]d:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
      ManagedPolicyArns: [!Ref Managed%[1]d]
  Managed%[1]d:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
  Template%[1]d:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {MetadataOptions: {HttpTokens: required}}
  Instance%[1]d:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      LaunchTemplate: {LaunchTemplateId: !Ref Template%[1]d, Version: "1"}
      SecurityGroupIds: [!Ref Sg%[1]d]
`, i)
	}
	return []byte(b.String())
}

// BenchmarkLoad measures a template of 500 resources (CloudFormation's
// limit), 62 groups of eight.
func BenchmarkLoad(b *testing.B) {
	src := bigTemplate(62)
	l := New(Options{})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		assets, diags := l.loadBytes("big.yaml", "big.yaml", src, true)
		if len(diags) != 0 || len(assets) != 62*5+1 {
			b.Fatalf("%d assets, diagnostics %v", len(assets), diags)
		}
	}
}
