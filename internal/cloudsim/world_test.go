package cloudsim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

func TestParseBasicWorld(t *testing.T) {
	w := loadWorld(t, "basic.yaml")
	if !w.AsOf.Equal(asOf) {
		t.Errorf("asOf = %v", w.AsOf)
	}
	if len(w.Accounts) != 2 || w.Organization.MasterAccountId != mgmtID {
		t.Fatalf("accounts/organization not read: %+v", w.Organization)
	}
	prod := w.Accounts[1]
	if got := prod.Deny; len(got) != 1 || got[0] != "s3:GetBucketPolicy" {
		t.Errorf("Deny = %v", got)
	}
	// Policy documents written as YAML become JSON, in the order written.
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`
	if got := prod.IAM.Users[0].InlinePolicies[0].PolicyDocument; got != want {
		t.Errorf("inline policy = %s", got)
	}
	// Derived fields are filled in.
	if got := aws.ToString(prod.IAM.Users[0].Arn); got != "arn:aws:iam::222222222222:user/alice" {
		t.Errorf("user ARN = %s", got)
	}
	if got := aws.ToString(prod.IAM.Roles[0].Arn); got != "arn:aws:iam::222222222222:role/security/ParapetAudit" {
		t.Errorf("role ARN = %s", got)
	}
	sg := prod.Regions["us-east-1"].SecurityGroups[0]
	if aws.ToString(sg.OwnerId) != prodID || aws.ToInt32(sg.IpPermissions[0].FromPort) != 443 {
		t.Errorf("security group = %+v", sg)
	}
	// Config's lowerCamel member names decode too.
	rec := prod.Regions["us-east-1"].ConfigurationRecorders[0]
	if aws.ToString(rec.Name) != "default" || !rec.RecordingGroup.AllSupported || !rec.Status.Recording {
		t.Errorf("recorder = %+v", rec)
	}
}

func TestParseWorldErrors(t *testing.T) {
	const head = "accounts:\n  - Id: \"123456789012\"\n"
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"syntax", "accounts: [\n", []string{"bad.yaml:"}},
		{"empty", "# nothing\n", []string{"bad.yaml:1: the world file is empty"}},
		{"not a mapping", "- 1\n", []string{"bad.yaml:1:", "expected a mapping"}},
		{"unknown top-level key", "acounts: []\n", []string{`bad.yaml:1: unknown top-level key "acounts"`}},
		{"unknown account field", head + "    Nmae: x\n", []string{`bad.yaml:3: accounts[0]: unknown field "Nmae" (did you mean Name?)`}},
		{"unknown field far from any", head + "    Colour: x\n", []string{`bad.yaml:3: accounts[0]: unknown field "Colour" (known fields: Deny, Email,`}},
		{"bad type", head + "    Regions:\n      us-east-1:\n        SecurityGroups:\n          - GroupId: sg-1\n            IpPermissions:\n              - {IpProtocol: tcp, FromPort: abc}\n",
			[]string{`bad.yaml:8: accounts[0].Regions[us-east-1].SecurityGroups[0].IpPermissions[0].FromPort: expected an integer, got "abc"`}},
		{"bool expected", head + "    Regions:\n      us-east-1:\n        EbsEncryptionByDefault: yes please\n",
			[]string{"bad.yaml:5:", "EbsEncryptionByDefault: expected true or false"}},
		{"bad timestamp", "asOf: yesterday\n", []string{"bad.yaml:1: asOf: expected an RFC 3339 timestamp"}},
		{"enum typo", head + "    Regions:\n      us-east-1:\n        Instances:\n          - {InstanceId: i-1, MetadataOptions: {HttpTokens: requred}}\n",
			[]string{`bad.yaml:6:`, `HttpTokens: unknown value "requred"`, "required"}},
		{"duplicate IDs", head + "    Regions:\n      us-east-1:\n        Vpcs:\n          - {VpcId: vpc-1}\n          - {VpcId: vpc-1}\n",
			[]string{"bad.yaml:7: accounts[0].Regions[us-east-1].Vpcs[1].VpcId: duplicate VPC vpc-1 (first at line 6)"}},
		{"duplicate account", "accounts:\n  - Id: \"123456789012\"\n  - Id: \"123456789012\"\n", []string{"bad.yaml:3: accounts[1].Id: duplicate account Id 123456789012 (first at line 2)"}},
		{"bad account id", "accounts:\n  - Id: \"12345\"\n", []string{"bad.yaml:2: accounts[0].Id: account Id must be 12 digits"}},
		{"bucket in unlisted region", head + "    Regions: {us-east-1: {}}\n    S3:\n      Buckets:\n        - {Name: my-bucket, Region: eu-west-3}\n",
			[]string{"bad.yaml:6: accounts[0].S3.Buckets[0].Region: region eu-west-3 is not one of the account's Regions"}},
		{"missing attached policy", head + "    IAM:\n      Roles:\n        - RoleName: r\n          AttachedPolicies:\n            - PolicyArn: arn:aws:iam::123456789012:policy/nope\n",
			[]string{`bad.yaml:7: accounts[0].IAM.Roles[0].AttachedPolicies[0].PolicyArn: policy "arn:aws:iam::123456789012:policy/nope" does not exist`}},
		{"unknown group", head + "    IAM:\n      Users:\n        - {UserName: u, Groups: [admins]}\n",
			[]string{`bad.yaml:5: accounts[0].IAM.Users[0].Groups[0]: group "admins" is not one of the account's Groups`}},
		{"subnet in unknown VPC", head + "    Regions:\n      us-east-1:\n        Subnets:\n          - {SubnetId: subnet-1, VpcId: vpc-404}\n",
			[]string{"bad.yaml:6: accounts[0].Regions[us-east-1].Subnets[0].VpcId: VPC vpc-404 is not one of this region's Vpcs"}},
		{"bad region name", head + "    Regions: {mars-1: {}}\n", []string{`bad.yaml:3: accounts[0].Regions[mars-1]: "mars-1" is not a region name`}},
		{"credential for unknown account", "credentials:\n  - {AccessKeyId: AKIA1, Account: \"999999999999\"}\n",
			[]string{`bad.yaml:2: credentials[0].Account: account "999999999999" is not in accounts`}},
		{"invalid policy JSON", head + "    IAM:\n      Policies:\n        - {PolicyName: p, Document: '{not json'}\n",
			[]string{"bad.yaml:5: accounts[0].IAM.Policies[0].Document: policy document is not valid JSON"}},
		{"bad deny", head + "    Deny: [GetBucketPolicy]\n", []string{`bad.yaml:3: accounts[0].Deny[0]: expected an IAM action`}},
		{"management account missing", "organization: {MasterAccountId: \"999999999999\"}\n" + head,
			[]string{"bad.yaml:1: organization.MasterAccountId: account 999999999999 is not in accounts"}},
		{"bad fault", "faults: {latency: fast}\n", []string{"bad.yaml:1: faults.Latency: expected a duration"}},
		{"every problem is reported", head + "    Nmae: x\n    Emial: y\n", []string{"bad.yaml:3:", "bad.yaml:4:"}},
		{"user data of an unknown instance", head + "    Regions:\n      us-east-1:\n        InstanceUserData: {i-404: \"#!/bin/sh\"}\n",
			[]string{"bad.yaml:5: accounts[0].Regions[us-east-1].InstanceUserData[i-404]: instance i-404 is not one of this region's Instances"}},
		{"snapshot permission", head + "    Regions:\n      us-east-1:\n        Snapshots:\n          - {SnapshotId: snap-1, CreateVolumePermissions: [{UserId: bob}]}\n",
			[]string{"bad.yaml:6: accounts[0].Regions[us-east-1].Snapshots[0].CreateVolumePermissions[0]: expected Group: all or a 12-digit UserId"}},
		{"snapshot of another owner", head + "    Regions:\n      us-east-1:\n        Snapshots:\n          - {SnapshotId: snap-1, OwnerId: \"999999999999\"}\n",
			[]string{"Snapshots[0].OwnerId: a snapshot belongs to the account it is listed in"}},
		{"cluster without engine", head + "    Regions:\n      us-east-1:\n        DBClusters:\n          - {DBClusterIdentifier: c}\n",
			[]string{"bad.yaml:6: accounts[0].Regions[us-east-1].DBClusters[0]: Engine is required"}},
		{"repository policy not JSON", head + "    Regions:\n      us-east-1:\n        Repositories:\n          - {RepositoryName: r, LifecyclePolicy: '{rules'}\n",
			[]string{"bad.yaml:6: accounts[0].Regions[us-east-1].Repositories[0].LifecyclePolicy: policy document is not valid JSON"}},
		{"duplicate function", head + "    Regions:\n      us-east-1:\n        Functions:\n          - {FunctionName: f}\n          - {FunctionName: f}\n",
			[]string{"bad.yaml:7: accounts[0].Regions[us-east-1].Functions[1].FunctionName: duplicate function f (first at line 6)"}},
		{"two URLs for one qualifier", head + "    Regions:\n      us-east-1:\n        Functions:\n          - {FunctionName: f, FunctionUrls: [{AuthType: NONE}, {AuthType: AWS_IAM}]}\n",
			[]string{"Functions[0].FunctionUrls[1].Qualifier: a second URL for qualifier"}},
		{"function URL auth typo", head + "    Regions:\n      us-east-1:\n        Functions:\n          - {FunctionName: f, FunctionUrls: [{AuthType: none}]}\n",
			[]string{`AuthType: unknown value "none"`}},
		{"listener without port", head + "    Regions:\n      us-east-1:\n        LoadBalancers:\n          - {LoadBalancerName: lb, Listeners: [{Protocol: HTTP}]}\n",
			[]string{"LoadBalancers[0].Listeners[0]: Port and Protocol are required"}},
		{"load balancer in unknown VPC", head + "    Regions:\n      us-east-1:\n        ClassicLoadBalancers:\n          - {LoadBalancerName: lb, VPCId: vpc-404}\n",
			[]string{"ClassicLoadBalancers[0].VPCId: VPC vpc-404 is not one of this region's Vpcs"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cloudsim.ParseWorld("bad.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestParseFaults(t *testing.T) {
	w, err := cloudsim.ParseWorld("f.yaml", []byte("faults:\n  latency: 20ms\n  throttle: {rate: 50, burst: 10}\n  errorRate: 0.05\n  pageSize: 2\n  seed: 7\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := cloudsim.Faults{Latency: 20 * time.Millisecond, ThrottleRate: 50, ThrottleBurst: 10, ErrorRate: 0.05, PageSize: 2, Seed: 7}
	if w.Faults != want {
		t.Errorf("faults = %+v, want %+v", w.Faults, want)
	}
}

func TestValidateWorldBuiltInGo(t *testing.T) {
	w := &cloudsim.World{Accounts: []*cloudsim.Account{{
		Id:      "123456789012",
		Regions: map[string]*cloudsim.Region{"us-east-1": {Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1")}, {VpcId: aws.String("vpc-1")}}}},
		IAM: cloudsim.IAM{Users: []*cloudsim.User{{
			User:             iamtypes.User{UserName: aws.String("u")},
			AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}},
		}}},
	}}}
	err := w.Validate()
	if err == nil || !strings.Contains(err.Error(), "world: accounts[0].Regions[us-east-1].Vpcs[1].VpcId: duplicate VPC vpc-1") {
		t.Fatalf("Validate = %v", err)
	}
	w.Accounts[0].Regions["us-east-1"].Vpcs = w.Accounts[0].Regions["us-east-1"].Vpcs[:1]
	if err := w.Validate(); err != nil {
		t.Fatalf("valid world: %v", err)
	}
}
