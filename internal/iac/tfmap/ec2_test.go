package tfmap

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
	"github.com/parapet-dev/parapet/internal/secrets"
)

func sg(extra map[string]any) *tfmodel.Resource {
	attrs := map[string]any{"name": "web", "vpc_id": ref("aws_vpc.main", "id")}
	for k, v := range extra {
		attrs[k] = v
	}
	return res("aws_security_group", "web", attrs)
}

var sgID = ref("aws_security_group.web", "id")

func TestSecurityGroupRules(t *testing.T) {
	ssh := awsshape.IpPermission{IpProtocol: "tcp", FromPort: ptr(int64(22)), ToPort: ptr(int64(22)),
		IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0", Description: "ssh"}}}
	tests := []struct {
		name      string
		rs        []*tfmodel.Resource
		in, out   []awsshape.IpPermission
		errs      []string
		groupName string
	}{
		{
			name: "inline ingress",
			rs: []*tfmodel.Resource{sg(map[string]any{"ingress": blk(map[string]any{
				"from_port": int64(22), "to_port": int64(22), "protocol": "tcp", "cidr_blocks": list("0.0.0.0/0"), "description": "ssh"})})},
			in: []awsshape.IpPermission{ssh},
		},
		{
			name: "aws_security_group_rule",
			rs: []*tfmodel.Resource{sg(nil), res("aws_security_group_rule", "ssh", map[string]any{
				"type": "ingress", "security_group_id": sgID, "from_port": int64(22), "to_port": int64(22),
				"protocol": "6", "cidr_blocks": list("0.0.0.0/0"), "description": "ssh"})},
			in: []awsshape.IpPermission{ssh},
		},
		{
			name: "aws_vpc_security_group_ingress_rule",
			rs: []*tfmodel.Resource{sg(nil), res("aws_vpc_security_group_ingress_rule", "ssh", map[string]any{
				"security_group_id": sgID, "from_port": int64(22), "to_port": int64(22),
				"ip_protocol": "TCP", "cidr_ipv4": "0.0.0.0/0", "description": "ssh"})},
			in: []awsshape.IpPermission{ssh},
		},
		{
			name: "sources of one port range merge into one permission; all protocols have no ports",
			rs: []*tfmodel.Resource{
				sg(map[string]any{
					"ingress": blks(
						map[string]any{"from_port": int64(443), "to_port": int64(443), "protocol": "tcp", "cidr_blocks": list("10.0.0.0/8")},
						map[string]any{"from_port": int64(0), "to_port": int64(0), "protocol": "-1", "self": true},
					),
					"egress": blk(map[string]any{"from_port": int64(0), "to_port": int64(0), "protocol": "all", "cidr_blocks": list("0.0.0.0/0")}),
				}),
				res("aws_vpc_security_group_ingress_rule", "v6", map[string]any{"security_group_id": sgID,
					"from_port": int64(443), "to_port": int64(443), "ip_protocol": "tcp", "cidr_ipv6": "::/0"}),
				res("aws_security_group_rule", "from_app", map[string]any{"type": "ingress", "security_group_id": sgID,
					"from_port": int64(443), "to_port": int64(443), "protocol": "tcp",
					"source_security_group_id": ref("aws_security_group.app", "id")}),
				res("aws_security_group_rule", "pl", map[string]any{"type": "ingress", "security_group_id": sgID,
					"from_port": int64(443), "to_port": int64(443), "protocol": "tcp", "prefix_list_ids": list("pl-123")}),
				// The same rule once more (a state lists it in the group too).
				res("aws_security_group_rule", "dup", map[string]any{"type": "ingress", "security_group_id": sgID,
					"from_port": int64(443), "to_port": int64(443), "protocol": "tcp", "cidr_blocks": list("10.0.0.0/8")}),
			},
			in: []awsshape.IpPermission{
				{IpProtocol: "-1", UserIdGroupPairs: []awsshape.UserIdGroupPair{{GroupId: "${aws_security_group.web.id}"}}},
				{IpProtocol: "tcp", FromPort: ptr(int64(443)), ToPort: ptr(int64(443)),
					IpRanges:         []awsshape.IpRange{{CidrIp: "10.0.0.0/8"}},
					Ipv6Ranges:       []awsshape.Ipv6Range{{CidrIpv6: "::/0"}},
					PrefixListIds:    []awsshape.PrefixListId{{PrefixListId: "pl-123"}},
					UserIdGroupPairs: []awsshape.UserIdGroupPair{{GroupId: "${aws_security_group.app.id}"}}},
			},
			out: []awsshape.IpPermission{{IpProtocol: "-1", IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0"}}}},
		},
		{
			name: "egress rule resource and a rule of another group",
			rs: []*tfmodel.Resource{sg(nil),
				res("aws_vpc_security_group_egress_rule", "all", map[string]any{"security_group_id": sgID, "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}),
				res("aws_security_group_rule", "other", map[string]any{"type": "ingress", "security_group_id": ref("aws_security_group.other", "id"),
					"from_port": int64(22), "to_port": int64(22), "protocol": "tcp", "cidr_blocks": list("0.0.0.0/0")}),
			},
			out: []awsshape.IpPermission{{IpProtocol: "-1", IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0"}}}},
		},
		{
			name: "unknown CIDRs and ports",
			rs: []*tfmodel.Resource{sg(map[string]any{"ingress": blk(map[string]any{
				"from_port": int64(22), "to_port": int64(22), "protocol": "tcp", "cidr_blocks": list(unknown("var.cidr has no value"))})}),
				res("aws_security_group_rule", "e", map[string]any{"type": "egress", "security_group_id": sgID,
					"from_port": unknown(""), "to_port": int64(80), "protocol": "tcp", "cidr_blocks": list("0.0.0.0/0")}),
			},
			errs: []string{"IpPermissions:Unknown", "IpPermissionsEgress:Unknown"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := one(t, "aws_security_group.web", tt.rs...)
			want := awsshape.SecurityGroup{GroupName: "web", Description: "Managed by Terraform", VpcId: "${aws_vpc.main.id}",
				IpPermissions: tt.in, IpPermissionsEgress: tt.out}
			sameConfig(t, a.Config, want)
			if got := errPaths(a); !slices.Equal(got, tt.errs) {
				t.Errorf("errors = %v, want %v", got, tt.errs)
			}
		})
	}
}

func TestDefaultSecurityGroup(t *testing.T) {
	a := one(t, "aws_default_security_group.default", res("aws_default_security_group", "default", map[string]any{"vpc_id": "vpc-1"}))
	sameConfig(t, a.Config, awsshape.SecurityGroup{GroupName: "default", Description: "default VPC security group", VpcId: "vpc-1"})
	if a.Name != "aws_default_security_group.default" {
		t.Errorf("name = %q", a.Name)
	}
}

func TestInstance(t *testing.T) {
	const awsKey = "AKIAABCDEFGHIJKLMNOP"
	tests := []struct {
		name    string
		attrs   map[string]any
		extra   []*tfmodel.Resource
		check   func(t *testing.T, in awsshape.Instance)
		errs    []string
		volumes map[string]bool // suffix -> encrypted
	}{
		{
			name:  "defaults",
			attrs: map[string]any{"ami": "ami-1", "instance_type": "t3.micro"},
			check: func(t *testing.T, in awsshape.Instance) {
				want := awsshape.Instance{ImageId: "ami-1", InstanceType: "t3.micro", State: awsshape.InstanceState{Name: "running"},
					PublicIpAddress: "${aws_instance.app.public_ip}",
					MetadataOptions: awsshape.MetadataOptions{HttpTokens: "optional", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1},
					SecurityGroups:  []awsshape.GroupIdentifier{{GroupName: "default"}},
					Monitoring:      awsshape.Monitoring{State: "disabled"}, BlockDeviceMappings: []awsshape.BlockDeviceMapping{{}},
				}
				if !reflect.DeepEqual(config(t, in), config(t, want)) {
					t.Errorf("got %+v\nwant %+v", in, want)
				}
			},
			volumes: map[string]bool{"/root_block_device": false},
		},
		{
			name: "IMDSv2, private subnet, groups, user data with a key, encrypted volumes",
			attrs: map[string]any{
				"ami": "ami-1", "instance_type": "t3.micro", "subnet_id": ref("aws_subnet.private", "id"),
				"vpc_security_group_ids": list(ref("aws_security_group.web", "id")), "monitoring": true,
				"metadata_options":     blk(map[string]any{"http_tokens": "required", "http_put_response_hop_limit": int64(2)}),
				"user_data":            "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=" + awsKey + "\n",
				"root_block_device":    blk(map[string]any{"encrypted": true}),
				"ebs_block_device":     blk(map[string]any{"device_name": "/dev/sdh", "volume_size": int64(100), "encrypted": false}),
				"iam_instance_profile": ref("aws_iam_instance_profile.app", "name"),
			},
			extra: []*tfmodel.Resource{
				res("aws_subnet", "private", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "cidr_block": "10.0.1.0/24"}),
				res("aws_security_group", "web", map[string]any{"name": "web"}),
				res("aws_iam_instance_profile", "app", map[string]any{"name": "app"}),
			},
			check: func(t *testing.T, in awsshape.Instance) {
				if in.MetadataOptions != (awsshape.MetadataOptions{HttpTokens: "required", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 2}) {
					t.Errorf("metadata = %+v", in.MetadataOptions)
				}
				if in.PublicIpAddress != "" || in.VpcId != "${aws_vpc.main.id}" || in.SubnetId != "${aws_subnet.private.id}" {
					t.Errorf("network = %q %q %q", in.PublicIpAddress, in.VpcId, in.SubnetId)
				}
				if !reflect.DeepEqual(in.SecurityGroups, []awsshape.GroupIdentifier{{GroupId: "${aws_security_group.web.id}", GroupName: "web"}}) {
					t.Errorf("groups = %+v", in.SecurityGroups)
				}
				if !in.HasUserData || !reflect.DeepEqual(in.UserDataSecrets, []secrets.Finding{{Kind: "aws-access-key-id", Location: "line 2", Line: 2}}) {
					t.Errorf("user data = %v %+v", in.HasUserData, in.UserDataSecrets)
				}
				if in.IamInstanceProfile == nil || in.IamInstanceProfile.Arn != "${aws_iam_instance_profile.app.arn}" {
					t.Errorf("profile = %+v", in.IamInstanceProfile)
				}
				if in.Monitoring.State != "enabled" || len(in.BlockDeviceMappings) != 2 || in.BlockDeviceMappings[1].DeviceName != "/dev/sdh" {
					t.Errorf("monitoring/devices = %+v %+v", in.Monitoring, in.BlockDeviceMappings)
				}
			},
			volumes: map[string]bool{"/root_block_device": true, "/ebs_block_device[/dev/sdh]": false},
		},
		{
			name: "public subnet, base64 user data, EBS default encryption on",
			attrs: map[string]any{"ami": "ami-1", "subnet_id": ref("aws_subnet.public", "id"),
				"user_data_base64": "cGFzc3dvcmQ9aHVudGVyMjIyMgo="}, // password=hunter2222
			extra: []*tfmodel.Resource{
				res("aws_subnet", "public", map[string]any{"map_public_ip_on_launch": true}),
				res("aws_ebs_encryption_by_default", "on", map[string]any{}),
			},
			check: func(t *testing.T, in awsshape.Instance) {
				if in.PublicIpAddress != "${aws_instance.app.public_ip}" {
					t.Errorf("public ip = %q", in.PublicIpAddress)
				}
				if len(in.UserDataSecrets) != 1 || in.UserDataSecrets[0].Kind != "password" {
					t.Errorf("secrets = %+v", in.UserDataSecrets)
				}
			},
			volumes: map[string]bool{"/root_block_device": true},
		},
		{
			name:  "explicit no public IP; unknown tokens and user data built at apply",
			attrs: map[string]any{"associate_public_ip_address": false, "user_data": ref("data.cloudinit_config.app", "rendered"), "metadata_options": blk(map[string]any{"http_tokens": unknown("var.tokens has no value")})},
			check: func(t *testing.T, in awsshape.Instance) {
				if in.PublicIpAddress != "" || !in.HasUserData || in.MetadataOptions.HttpTokens != "" {
					t.Errorf("got %+v", in)
				}
			},
			errs:    []string{"MetadataOptions.HttpTokens:Unknown", "UserDataSecrets:Unknown"},
			volumes: map[string]bool{"/root_block_device": false},
		},
		{
			name:  "metadata from a launch template of the configuration; subnet defined elsewhere",
			attrs: map[string]any{"subnet_id": "subnet-123", "launch_template": blk(map[string]any{"id": ref("aws_launch_template.lt", "id")})},
			extra: []*tfmodel.Resource{res("aws_launch_template", "lt", map[string]any{"metadata_options": blk(map[string]any{"http_endpoint": "disabled"})})},
			check: func(t *testing.T, in awsshape.Instance) {
				if in.MetadataOptions.HttpEndpoint != "disabled" || len(in.SecurityGroups) != 0 {
					t.Errorf("got %+v", in)
				}
			},
			errs:    []string{"PublicIpAddress:Unknown"},
			volumes: map[string]bool{"/root_block_device": false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := append([]*tfmodel.Resource{res("aws_instance", "app", tt.attrs)}, tt.extra...)
			as, _ := mapAll(t, rs...)
			idx := byAddr(as)
			a := idx["aws_instance.app"]
			var in awsshape.Instance
			decode(t, a.Config, &in)
			tt.check(t, in)
			if got := errPaths(a); !slices.Equal(got, tt.errs) {
				t.Errorf("errors = %v, want %v", got, tt.errs)
			}
			n := 0
			for addr, v := range idx {
				if v.Type == awsshape.TypeVolume {
					n++
					enc, ok := tt.volumes[addr[len("aws_instance.app"):]]
					if !ok {
						t.Errorf("unexpected volume %s", addr)
						continue
					}
					if v.Config["Encrypted"] != enc || field(v.Config, "State") != "in-use" {
						t.Errorf("%s: encrypted = %v, want %v", addr, v.Config["Encrypted"], enc)
					}
					if len(v.Relations) == 0 || v.Relations[0].Target != "terraform:.#aws_instance.app" {
						t.Errorf("%s relations = %v", addr, v.Relations)
					}
				}
			}
			if n != len(tt.volumes) {
				t.Errorf("%d volumes, want %d", n, len(tt.volumes))
			}
		})
	}
}

func TestVolumeAndSnapshot(t *testing.T) {
	as, _ := mapAll(t,
		res("aws_ebs_volume", "data", map[string]any{"availability_zone": "eu-west-1a", "size": int64(10), "encrypted": true, "kms_key_id": ref("aws_kms_key.k", "arn")}),
		res("aws_volume_attachment", "att", map[string]any{"device_name": "/dev/sdf", "volume_id": ref("aws_ebs_volume.data", "id"), "instance_id": ref("aws_instance.app", "id")}),
		res("aws_ebs_snapshot", "snap", map[string]any{"volume_id": ref("aws_ebs_volume.data", "id")}),
		res("aws_snapshot_create_volume_permission", "share", map[string]any{"snapshot_id": ref("aws_ebs_snapshot.snap", "id"), "account_id": "111122223333"}),
		res("aws_ebs_volume", "plain", map[string]any{"availability_zone": "eu-west-1a", "size": int64(5)}),
		res("aws_ebs_snapshot", "plainsnap", map[string]any{"volume_id": ref("aws_ebs_volume.plain", "id")}),
		res("aws_snapshot_create_volume_permission", "pub", map[string]any{"snapshot_id": ref("aws_ebs_snapshot.plainsnap", "id"), "account_id": "all"}),
		res("aws_ebs_volume", "fromsnap", map[string]any{"availability_zone": "eu-west-1a", "snapshot_id": ref("aws_ebs_snapshot.snap", "id")}),
		res("aws_ebs_volume", "external", map[string]any{"availability_zone": "eu-west-1a", "snapshot_id": "snap-0123"}),
		res("aws_ebs_snapshot", "ext", map[string]any{"volume_id": "vol-0123"}),
	)
	idx := byAddr(as)
	sameConfig(t, idx["aws_ebs_volume.data"].Config, awsshape.Volume{Size: 10, VolumeType: "gp2", Encrypted: true, KmsKeyId: "${aws_kms_key.k.arn}",
		State: "in-use", AvailabilityZone: "eu-west-1a",
		Attachments: []awsshape.VolumeAttachment{{InstanceId: "${aws_instance.app.id}", Device: "/dev/sdf", State: "attached"}}})
	sameConfig(t, idx["aws_ebs_snapshot.snap"].Config, awsshape.Snapshot{VolumeId: "${aws_ebs_volume.data.id}", VolumeSize: 10,
		Encrypted: true, KmsKeyId: "${aws_kms_key.k.arn}", State: "completed", SharedWithAccounts: []string{"111122223333"}})
	sameConfig(t, idx["aws_ebs_snapshot.plainsnap"].Config, awsshape.Snapshot{VolumeId: "${aws_ebs_volume.plain.id}", VolumeSize: 5,
		State: "completed", Public: true})
	if idx["aws_ebs_volume.fromsnap"].Config["Encrypted"] != true || len(idx["aws_ebs_volume.fromsnap"].Errors) != 0 {
		t.Errorf("volume from an encrypted snapshot: %v %v", idx["aws_ebs_volume.fromsnap"].Config["Encrypted"], idx["aws_ebs_volume.fromsnap"].Errors)
	}
	for _, addr := range []string{"aws_ebs_volume.external", "aws_ebs_snapshot.ext"} {
		if got := errPaths(idx[addr]); !slices.Equal(got, []string{"Encrypted:Unknown"}) {
			t.Errorf("%s errors = %v", addr, got)
		}
	}
}

func TestVPCAndSubnet(t *testing.T) {
	as, _ := mapAll(t,
		res("aws_vpc", "main", map[string]any{"cidr_block": "10.0.0.0/16", "tags": map[string]any{"Name": "main"}}),
		res("aws_flow_log", "main", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "traffic_type": "ALL",
			"log_destination_type": "s3", "log_destination": ref("aws_s3_bucket.flow", "arn")}),
		res("aws_vpc", "bare", map[string]any{"cidr_block": unknown("ipam")}),
		res("aws_default_vpc", "default", nil),
		res("aws_subnet", "a", map[string]any{"vpc_id": ref("aws_vpc.main", "id"), "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}),
		res("aws_default_subnet", "b", map[string]any{"availability_zone": "eu-west-1b"}),
	)
	idx := byAddr(as)
	main := idx["aws_vpc.main"]
	sameConfig(t, main.Config, awsshape.VPC{CidrBlock: "10.0.0.0/16", State: "available", FlowLogs: []awsshape.FlowLog{{
		FlowLogStatus: "ACTIVE", TrafficType: "ALL", LogDestinationType: "s3", LogDestination: "${aws_s3_bucket.flow.arn}"}}})
	if main.Name != "main" {
		t.Errorf("name = %q", main.Name)
	}
	if got := errPaths(idx["aws_vpc.bare"]); !slices.Equal(got, []string{"CidrBlock:Unknown"}) || len(field(idx["aws_vpc.bare"].Config, "FlowLogs").([]any)) != 0 {
		t.Errorf("bare vpc: %v", got)
	}
	if idx["aws_default_vpc.default"].Config["IsDefault"] != true {
		t.Error("default VPC not default")
	}
	sameConfig(t, idx["aws_subnet.a"].Config, awsshape.Subnet{VpcId: "${aws_vpc.main.id}", CidrBlock: "10.0.1.0/24", AvailabilityZone: "eu-west-1a", State: "available"})
	if got := idx["aws_subnet.a"].Relations; len(got) != 1 || got[0].Target != "terraform:.#aws_vpc.main" || got[0].Type != "in_vpc" {
		t.Errorf("relations = %v", got)
	}
	sameConfig(t, idx["aws_default_subnet.b"].Config, awsshape.Subnet{AvailabilityZone: "eu-west-1b", MapPublicIpOnLaunch: true, DefaultForAz: true, State: "available"})
}
