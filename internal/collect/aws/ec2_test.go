package aws

import (
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

const arnPrefix = "arn:aws:ec2:us-east-1:111122223333:"

func TestAdaptSecurityGroup(t *testing.T) {
	tests := []struct {
		name string
		in   ec2types.SecurityGroup
		want func(t *testing.T) asset.Asset
	}{
		{
			name: "rules, all-traffic egress, tags",
			in: ec2types.SecurityGroup{
				GroupId: p("sg-1"), GroupName: p("web"), Description: p("web tier"), VpcId: p("vpc-1"), OwnerId: p("111122223333"),
				IpPermissions: []ec2types.IpPermission{{
					IpProtocol: p("tcp"), FromPort: p(int32(443)), ToPort: p(int32(443)),
					IpRanges:         []ec2types.IpRange{{CidrIp: p("0.0.0.0/0"), Description: p("any")}},
					Ipv6Ranges:       []ec2types.Ipv6Range{{CidrIpv6: p("::/0")}},
					PrefixListIds:    []ec2types.PrefixListId{{PrefixListId: p("pl-1")}},
					UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: p("sg-2"), UserId: p("111122223333")}},
				}},
				IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: p("-1"), FromPort: p(int32(-1)), ToPort: p(int32(-1)),
					IpRanges: []ec2types.IpRange{{CidrIp: p("0.0.0.0/0")}}}},
				Tags: []ec2types.Tag{{Key: p("env"), Value: p("prod")}},
			},
			want: func(t *testing.T) asset.Asset {
				return asset.Asset{
					UID: arnPrefix + "security-group/sg-1", Region: "us-east-1", Type: awsshape.TypeSecurityGroup, Name: "web",
					Tags: map[string]string{"env": "prod"},
					Config: cfg(t, awsshape.SecurityGroup{
						GroupId: "sg-1", GroupName: "web", Description: "web tier", VpcId: "vpc-1", OwnerId: "111122223333",
						IpPermissions: []awsshape.IpPermission{{
							IpProtocol: "tcp", FromPort: p(int64(443)), ToPort: p(int64(443)),
							IpRanges:         []awsshape.IpRange{{CidrIp: "0.0.0.0/0", Description: "any"}},
							Ipv6Ranges:       []awsshape.Ipv6Range{{CidrIpv6: "::/0"}},
							PrefixListIds:    []awsshape.PrefixListId{{PrefixListId: "pl-1"}},
							UserIdGroupPairs: []awsshape.UserIdGroupPair{{GroupId: "sg-2", UserId: "111122223333"}},
						}},
						IpPermissionsEgress: []awsshape.IpPermission{{IpProtocol: "-1", IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0"}}}},
					}),
					Relations: []asset.Relation{{Type: RelInVPC, Target: arnPrefix + "vpc/vpc-1"}},
				}
			},
		},
		{
			name: "given ARN, no rules, owner defaults to the account",
			in:   ec2types.SecurityGroup{GroupId: p("sg-9"), SecurityGroupArn: p("arn:aws:ec2:us-east-1:111122223333:security-group/sg-9")},
			want: func(t *testing.T) asset.Asset {
				return asset.Asset{
					UID: arnPrefix + "security-group/sg-9", Region: "us-east-1", Type: awsshape.TypeSecurityGroup, Name: "sg-9",
					Config: cfg(t, awsshape.SecurityGroup{GroupId: "sg-9", OwnerId: "111122223333"}),
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adaptSecurityGroup(testMeta, tt.in)
			wantAsset(t, got, err, tt.want(t))
		})
	}
	// The null ports of an all-traffic rule are what checks rely on.
	a, _ := adaptSecurityGroup(testMeta, tests[0].in)
	egress := a.Config["IpPermissionsEgress"].([]any)[0].(map[string]any)
	if egress["FromPort"] != nil || egress["ToPort"] != nil {
		t.Errorf("all-traffic rule ports = %v/%v, want null", egress["FromPort"], egress["ToPort"])
	}
}

func TestAdaptInstance(t *testing.T) {
	in := ec2types.Instance{
		InstanceId: p("i-1"), InstanceType: ec2types.InstanceTypeT3Micro, ImageId: p("ami-1"),
		State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
		VpcId: p("vpc-1"), SubnetId: p("subnet-1"), PrivateIpAddress: p("10.0.1.5"), PublicIpAddress: p("203.0.113.5"),
		IamInstanceProfile:  &ec2types.IamInstanceProfile{Arn: p("arn:aws:iam::111122223333:instance-profile/app"), Id: p("AIP1")},
		MetadataOptions:     &ec2types.InstanceMetadataOptionsResponse{HttpTokens: ec2types.HttpTokensStateRequired, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled, HttpPutResponseHopLimit: p(int32(2))},
		SecurityGroups:      []ec2types.GroupIdentifier{{GroupId: p("sg-1"), GroupName: p("web")}, {GroupId: p("sg-2"), GroupName: p("ssh")}},
		BlockDeviceMappings: []ec2types.InstanceBlockDeviceMapping{{DeviceName: p("/dev/xvda"), Ebs: &ec2types.EbsInstanceBlockDevice{VolumeId: p("vol-1")}}},
		LaunchTime:          ts("2026-01-02T03:04:05Z"),
		Monitoring:          &ec2types.Monitoring{State: ec2types.MonitoringStateDisabled},
		Tags:                []ec2types.Tag{{Key: p("Name"), Value: p("app-1")}},
	}
	want := asset.Asset{
		UID: arnPrefix + "instance/i-1", Region: "us-east-1", Type: awsshape.TypeInstance, Name: "app-1",
		Tags: map[string]string{"Name": "app-1"},
		Config: cfg(t, awsshape.Instance{
			InstanceId: "i-1", InstanceType: "t3.micro", ImageId: "ami-1", State: awsshape.InstanceState{Name: "running"},
			VpcId: "vpc-1", SubnetId: "subnet-1", PrivateIpAddress: "10.0.1.5", PublicIpAddress: "203.0.113.5",
			IamInstanceProfile:  &awsshape.IamInstanceProfile{Arn: "arn:aws:iam::111122223333:instance-profile/app", Id: "AIP1"},
			MetadataOptions:     awsshape.MetadataOptions{HttpTokens: "required", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 2},
			SecurityGroups:      []awsshape.GroupIdentifier{{GroupId: "sg-1", GroupName: "web"}, {GroupId: "sg-2", GroupName: "ssh"}},
			BlockDeviceMappings: []awsshape.BlockDeviceMapping{{DeviceName: "/dev/xvda", VolumeId: "vol-1"}},
			LaunchTime:          "2026-01-02T03:04:05Z",
			Monitoring:          awsshape.Monitoring{State: "disabled"},
		}),
		Relations: []asset.Relation{
			{Type: RelSecurityGroup, Target: arnPrefix + "security-group/sg-1"},
			{Type: RelSecurityGroup, Target: arnPrefix + "security-group/sg-2"},
			{Type: RelInSubnet, Target: arnPrefix + "subnet/subnet-1"},
			{Type: RelInVPC, Target: arnPrefix + "vpc/vpc-1"},
		},
	}
	got, err := adaptInstance(testMeta, in, instanceUserData{})
	wantAsset(t, got, err, want)

	// A bare instance (no profile, no network) still has every key.
	got, err = adaptInstance(testMeta, ec2types.Instance{InstanceId: p("i-2")}, instanceUserData{})
	wantAsset(t, got, err, asset.Asset{
		UID: arnPrefix + "instance/i-2", Region: "us-east-1", Type: awsshape.TypeInstance, Name: "i-2",
		Config: cfg(t, awsshape.Instance{InstanceId: "i-2"}),
	})
	if got.Config["IamInstanceProfile"] != nil {
		t.Error("IamInstanceProfile should be null without a profile")
	}
}

func TestAdaptVolume(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111122223333:key/k1"
	got, err := adaptVolume(testMeta, ec2types.Volume{
		VolumeId: p("vol-1"), Size: p(int32(8)), VolumeType: ec2types.VolumeTypeGp3, Encrypted: p(true), KmsKeyId: p(key),
		State: ec2types.VolumeStateInUse, AvailabilityZone: p("us-east-1a"), CreateTime: ts("2026-01-01T00:00:00Z"),
		Attachments: []ec2types.VolumeAttachment{{InstanceId: p("i-1"), Device: p("/dev/xvda"), State: ec2types.VolumeAttachmentStateAttached}},
	})
	wantAsset(t, got, err, asset.Asset{
		UID: arnPrefix + "volume/vol-1", Region: "us-east-1", Type: awsshape.TypeVolume, Name: "vol-1",
		Config: cfg(t, awsshape.Volume{
			VolumeId: "vol-1", Size: 8, VolumeType: "gp3", Encrypted: true, KmsKeyId: key, State: "in-use",
			AvailabilityZone: "us-east-1a", CreateTime: "2026-01-01T00:00:00Z",
			Attachments: []awsshape.VolumeAttachment{{InstanceId: "i-1", Device: "/dev/xvda", State: "attached"}},
		}),
		Relations: []asset.Relation{{Type: RelAttachedTo, Target: arnPrefix + "instance/i-1"}, {Type: RelEncryptedWith, Target: key}},
	})
}

func TestAdaptVPCAndSubnet(t *testing.T) {
	vpc := ec2types.Vpc{VpcId: p("vpc-1"), CidrBlock: p("10.0.0.0/16"), IsDefault: p(false), State: ec2types.VpcStateAvailable, OwnerId: p("111122223333")}
	logs := []ec2types.FlowLog{
		{FlowLogId: p("fl-2"), ResourceId: p("vpc-1"), FlowLogStatus: p("ACTIVE"), TrafficType: ec2types.TrafficTypeReject, LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: p("arn:aws:s3:::logs")},
		{FlowLogId: p("fl-1"), ResourceId: p("vpc-1"), FlowLogStatus: p("ACTIVE"), DeliverLogsStatus: p("SUCCESS"), TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs},
	}
	flowErr := asset.FieldError{Path: "FlowLogs", Action: "ec2:DescribeFlowLogs", Code: "AccessDenied", Message: "UnauthorizedOperation: no"}
	tests := []struct {
		name    string
		logs    []ec2types.FlowLog
		flowErr *asset.FieldError
		want    awsshape.VPC
		errs    []asset.FieldError
	}{
		{"with flow logs, sorted", logs, nil, awsshape.VPC{VpcId: "vpc-1", CidrBlock: "10.0.0.0/16", State: "available", OwnerId: "111122223333",
			FlowLogs: []awsshape.FlowLog{
				{FlowLogId: "fl-1", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL", LogDestinationType: "cloud-watch-logs"},
				{FlowLogId: "fl-2", FlowLogStatus: "ACTIVE", TrafficType: "REJECT", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::logs"},
			}}, nil},
		{"flow logs unknown", nil, &flowErr, awsshape.VPC{VpcId: "vpc-1", CidrBlock: "10.0.0.0/16", State: "available", OwnerId: "111122223333"}, []asset.FieldError{flowErr}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adaptVPC(testMeta, vpc, tt.logs, tt.flowErr)
			wantAsset(t, got, err, asset.Asset{
				UID: arnPrefix + "vpc/vpc-1", Region: "us-east-1", Type: awsshape.TypeVPC, Name: "vpc-1",
				Config: cfg(t, tt.want), Errors: tt.errs,
			})
		})
	}

	got, err := adaptSubnet(testMeta, ec2types.Subnet{SubnetId: p("subnet-1"), VpcId: p("vpc-1"), CidrBlock: p("10.0.1.0/24"),
		AvailabilityZone: p("us-east-1a"), MapPublicIpOnLaunch: p(true), DefaultForAz: p(false), State: ec2types.SubnetStateAvailable,
		Tags: []ec2types.Tag{{Key: p("Name"), Value: p("public-a")}}})
	wantAsset(t, got, err, asset.Asset{
		UID: arnPrefix + "subnet/subnet-1", Region: "us-east-1", Type: awsshape.TypeSubnet, Name: "public-a",
		Tags: map[string]string{"Name": "public-a"},
		Config: cfg(t, awsshape.Subnet{SubnetId: "subnet-1", VpcId: "vpc-1", CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a",
			MapPublicIpOnLaunch: true, State: "available"}),
		Relations: []asset.Relation{{Type: RelInVPC, Target: arnPrefix + "vpc/vpc-1"}},
	})
}
