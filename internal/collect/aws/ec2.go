package aws

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/secrets"
)

var ec2Service = service{
	name: "ec2",
	actions: []string{
		"ec2:DescribeVpcs",
		"ec2:DescribeSubnets",
		"ec2:DescribeSecurityGroups",
		"ec2:DescribeInstances",
		"ec2:DescribeVolumes",
		"ec2:DescribeFlowLogs",
		"ec2:GetEbsEncryptionByDefault",
		"ec2:DescribeInstanceAttribute",
		"ec2:DescribeSnapshots",
		"ec2:DescribeSnapshotAttribute",
	},
	types:   []string{awsshape.TypeVPC, awsshape.TypeSubnet, awsshape.TypeSecurityGroup, awsshape.TypeInstance, awsshape.TypeVolume, awsshape.TypeSnapshot},
	account: []string{"Regions"},
	collect: collectEC2,
}

// ec2API is the part of the EC2 client the collector uses.
type ec2API interface {
	ec2.DescribeVpcsAPIClient
	ec2.DescribeSubnetsAPIClient
	ec2.DescribeSecurityGroupsAPIClient
	ec2.DescribeInstancesAPIClient
	ec2.DescribeVolumesAPIClient
	ec2.DescribeFlowLogsAPIClient
	ec2.DescribeSnapshotsAPIClient
	GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	DescribeInstanceAttribute(context.Context, *ec2.DescribeInstanceAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceAttributeOutput, error)
	DescribeSnapshotAttribute(context.Context, *ec2.DescribeSnapshotAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error)
}

func collectEC2(ctx context.Context, u *unit) {
	var (
		api                                                ec2API = u.ec2(u.region)
		r                                                         = u.region
		vpcs                                               []ec2types.Vpc
		subnets                                            []ec2types.Subnet
		groups                                             []ec2types.SecurityGroup
		instances                                          []ec2types.Instance
		volumes                                            []ec2types.Volume
		flowLogs                                           []ec2types.FlowLog
		snapshots                                          []ec2types.Snapshot
		vpcErr, subnetErr, sgErr, instErr, volErr, flowErr error
		snapErr                                            error
	)
	collect.Parallel(ctx,
		func(ctx context.Context) {
			p := ec2.NewDescribeVpcsPaginator(api, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(1000)})
			vpcErr = paginate(ctx, u, r, "ec2:DescribeVpcs", p,
				func(o *ec2.DescribeVpcsOutput) { vpcs = append(vpcs, o.Vpcs...) })
		},
		func(ctx context.Context) {
			p := ec2.NewDescribeSubnetsPaginator(api, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(1000)})
			subnetErr = paginate(ctx, u, r, "ec2:DescribeSubnets", p,
				func(o *ec2.DescribeSubnetsOutput) { subnets = append(subnets, o.Subnets...) })
		},
		func(ctx context.Context) {
			p := ec2.NewDescribeSecurityGroupsPaginator(api, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1000)})
			sgErr = paginate(ctx, u, r, "ec2:DescribeSecurityGroups", p,
				func(o *ec2.DescribeSecurityGroupsOutput) { groups = append(groups, o.SecurityGroups...) })
		},
		func(ctx context.Context) {
			p := ec2.NewDescribeInstancesPaginator(api, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
			instErr = paginate(ctx, u, r, "ec2:DescribeInstances", p,
				func(o *ec2.DescribeInstancesOutput) {
					for _, res := range o.Reservations {
						instances = append(instances, res.Instances...)
					}
				})
		},
		func(ctx context.Context) {
			p := ec2.NewDescribeVolumesPaginator(api, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(500)})
			volErr = paginate(ctx, u, r, "ec2:DescribeVolumes", p,
				func(o *ec2.DescribeVolumesOutput) { volumes = append(volumes, o.Volumes...) })
		},
		func(ctx context.Context) {
			p := ec2.NewDescribeFlowLogsPaginator(api, &ec2.DescribeFlowLogsInput{MaxResults: aws.Int32(1000)})
			flowErr = paginate(ctx, u, r, "ec2:DescribeFlowLogs", p,
				func(o *ec2.DescribeFlowLogsOutput) { flowLogs = append(flowLogs, o.FlowLogs...) })
		},
		func(ctx context.Context) {
			// Only the account's own snapshots: those shared with it or
			// public belong to (and are checked in) other accounts.
			p := ec2.NewDescribeSnapshotsPaginator(api, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, MaxResults: aws.Int32(1000)})
			snapErr = paginate(ctx, u, r, "ec2:DescribeSnapshots", p,
				func(o *ec2.DescribeSnapshotsOutput) { snapshots = append(snapshots, o.Snapshots...) })
		},
		func(ctx context.Context) {
			var out *ec2.GetEbsEncryptionByDefaultOutput
			err := u.call(ctx, r, "ec2:GetEbsEncryptionByDefault", func(ctx context.Context) (err error) {
				out, err = api.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
				return err
			})
			if err != nil {
				u.failed(err, "", r, nil)
				u.acct.failRegion(r, "EbsEncryptionByDefault", err)
				return
			}
			u.acct.setEBS(r, boolean(out.EbsEncryptionByDefault))
		},
	)

	m := u.meta(r)
	for _, e := range []struct {
		err error
		typ string
	}{{vpcErr, awsshape.TypeVPC}, {subnetErr, awsshape.TypeSubnet}, {sgErr, awsshape.TypeSecurityGroup},
		{instErr, awsshape.TypeInstance}, {volErr, awsshape.TypeVolume}, {snapErr, awsshape.TypeSnapshot}} {
		if e.err != nil {
			u.listFailed(e.err, e.typ)
		}
	}
	// Without the flow log listing, every VPC's FlowLogs is unknown.
	var flowFieldErr *asset.FieldError
	if flowErr != nil {
		fe := u.fieldError(flowErr, "FlowLogs", "", r)
		flowFieldErr = &fe
	}
	byVpc := map[string][]ec2types.FlowLog{}
	for _, f := range flowLogs {
		byVpc[str(f.ResourceId)] = append(byVpc[str(f.ResourceId)], f)
	}
	for _, v := range vpcs {
		u.emit(adaptVPC(m, v, byVpc[str(v.VpcId)], flowFieldErr))
	}
	for _, s := range subnets {
		u.emit(adaptSubnet(m, s))
	}
	for _, g := range groups {
		u.emit(adaptSecurityGroup(m, g))
	}
	for _, v := range volumes {
		u.emit(adaptVolume(m, v))
	}
	collect.Parallel(ctx,
		func(ctx context.Context) {
			collect.ForEach(ctx, instances, u.c.opts.ServiceConcurrency, func(ctx context.Context, i ec2types.Instance) {
				if ud, ok := u.fetchUserData(ctx, api, i); ok {
					u.emit(adaptInstance(m, i, ud))
				}
			})
		},
		func(ctx context.Context) {
			collect.ForEach(ctx, snapshots, u.c.opts.ServiceConcurrency, func(ctx context.Context, s ec2types.Snapshot) {
				if d, ok := u.fetchSnapshot(ctx, api, s); ok {
					u.emit(adaptSnapshot(m, d))
				}
			})
		},
	)
}

// instanceUserData is what an instance's user data tells, without the text
// itself: it often holds secrets and goes nowhere.
type instanceUserData struct {
	Has bool
	// Secrets is nil when the user data could not be read or decoded.
	Secrets []secrets.Finding
	Errors  []asset.FieldError
}

// userDataPaths are the Config paths user data fills.
var userDataPaths = []string{"HasUserData", "UserDataSecrets"}

// fetchUserData reads and scans an instance's user data. ok is false when
// the instance is gone since the listing.
func (u *unit) fetchUserData(ctx context.Context, api ec2API, i ec2types.Instance) (instanceUserData, bool) {
	var out *ec2.DescribeInstanceAttributeOutput
	err := u.call(ctx, u.region, "ec2:DescribeInstanceAttribute", func(ctx context.Context) (err error) {
		out, err = api.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{
			InstanceId: i.InstanceId, Attribute: ec2types.InstanceAttributeNameUserData,
		})
		return err
	})
	if hasCode(err, "InvalidInstanceID.NotFound") {
		return instanceUserData{}, false
	}
	if err != nil {
		fe := u.fieldError(err, userDataPaths[0], u.meta(u.region).arn("ec2", "instance/"+str(i.InstanceId)), u.region)
		return instanceUserData{Errors: fieldErrors(fe, userDataPaths...)}, true
	}
	var v *string
	if out.UserData != nil {
		v = out.UserData.Value
	}
	return scanUserData(v), true
}

// maxUserData bounds decompressed user data: EC2 takes 16 KB, which gzip
// can expand; anything past this is not scanned.
const maxUserData = 1 << 20

// scanUserData decodes user data as EC2 returns it (base64, possibly of
// gzip, which cloud-init accepts) and reports the secrets in it. The
// decoded text never leaves this function.
func scanUserData(encoded *string) instanceUserData {
	if encoded == nil || *encoded == "" {
		return instanceUserData{Secrets: []secrets.Finding{}}
	}
	ud := instanceUserData{Has: true}
	raw, err := base64.StdEncoding.DecodeString(*encoded)
	if err == nil && bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(raw)); err == nil {
			raw, err = io.ReadAll(io.LimitReader(zr, maxUserData))
		}
	}
	if err != nil {
		ud.Errors = []asset.FieldError{{Path: "UserDataSecrets", Action: "ec2:DescribeInstanceAttribute",
			Code: string(collect.CodeInvalidResponse), Message: fmt.Sprintf("user data cannot be decoded: %v", err)}}
		return ud
	}
	ud.Secrets = secrets.ScanText(string(raw))
	if ud.Secrets == nil {
		ud.Secrets = []secrets.Finding{}
	}
	return ud
}

// snapshotData is a snapshot with its createVolumePermission attribute.
type snapshotData struct {
	Snapshot ec2types.Snapshot
	// Permissions is nil when the attribute could not be read.
	Permissions []ec2types.CreateVolumePermission
	Errors      []asset.FieldError
}

// snapshotSharingPaths are the Config paths the permissions fill.
var snapshotSharingPaths = []string{"Public", "SharedWithAccounts"}

func snapshotARN(m meta, id string) string {
	// Snapshot ARNs carry no account.
	return fmt.Sprintf("arn:%s:ec2:%s::snapshot/%s", m.Partition, m.Region, id)
}

// fetchSnapshot reads who may create volumes from a snapshot. ok is false
// when the snapshot is gone since the listing.
func (u *unit) fetchSnapshot(ctx context.Context, api ec2API, s ec2types.Snapshot) (snapshotData, bool) {
	d := snapshotData{Snapshot: s}
	var out *ec2.DescribeSnapshotAttributeOutput
	err := u.call(ctx, u.region, "ec2:DescribeSnapshotAttribute", func(ctx context.Context) (err error) {
		out, err = api.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
			SnapshotId: s.SnapshotId, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		})
		return err
	})
	switch {
	case hasCode(err, "InvalidSnapshot.NotFound"):
		return d, false
	case err != nil:
		fe := u.fieldError(err, snapshotSharingPaths[0], snapshotARN(u.meta(u.region), str(s.SnapshotId)), u.region)
		d.Errors = fieldErrors(fe, snapshotSharingPaths...)
	default:
		d.Permissions = append([]ec2types.CreateVolumePermission{}, out.CreateVolumePermissions...)
	}
	return d, true
}

func adaptSnapshot(m meta, d snapshotData) (asset.Asset, error) {
	s := d.Snapshot
	id := str(s.SnapshotId)
	shape := awsshape.Snapshot{
		SnapshotId:  id,
		VolumeId:    str(s.VolumeId),
		VolumeSize:  i32(s.VolumeSize),
		Encrypted:   boolean(s.Encrypted),
		KmsKeyId:    str(s.KmsKeyId),
		OwnerId:     orID(str(s.OwnerId), m.Account),
		State:       string(s.State),
		StartTime:   timeString(s.StartTime),
		Description: str(s.Description),
	}
	if d.Permissions != nil {
		shape.SharedWithAccounts = []string{}
		for _, p := range d.Permissions {
			if p.Group == ec2types.PermissionGroupAll {
				shape.Public = true
			}
			if a := str(p.UserId); a != "" && !slices.Contains(shape.SharedWithAccounts, a) {
				shape.SharedWithAccounts = append(shape.SharedWithAccounts, a)
			}
		}
		slices.Sort(shape.SharedWithAccounts)
	}
	var rels []asset.Relation
	if isARN(shape.KmsKeyId) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KmsKeyId})
	}
	tags, name := ec2Tags(s.Tags)
	return build(m, awsshape.TypeSnapshot, snapshotARN(m, id), orID(name, id), tags, shape, rels, d.Errors)
}

// ec2Tags converts EC2 tags and returns the Name tag.
func ec2Tags(tags []ec2types.Tag) (map[string]string, string) {
	m := map[string]string{}
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m, m["Name"]
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

func adaptVPC(m meta, v ec2types.Vpc, flowLogs []ec2types.FlowLog, flowErr *asset.FieldError) (asset.Asset, error) {
	id := str(v.VpcId)
	shape := awsshape.VPC{
		VpcId:     id,
		CidrBlock: str(v.CidrBlock),
		IsDefault: boolean(v.IsDefault),
		State:     string(v.State),
		OwnerId:   orID(str(v.OwnerId), m.Account),
	}
	for _, f := range flowLogs {
		shape.FlowLogs = append(shape.FlowLogs, awsshape.FlowLog{
			FlowLogId:          str(f.FlowLogId),
			FlowLogStatus:      str(f.FlowLogStatus),
			DeliverLogsStatus:  str(f.DeliverLogsStatus),
			TrafficType:        string(f.TrafficType),
			LogDestinationType: string(f.LogDestinationType),
			LogDestination:     str(f.LogDestination),
		})
	}
	sort.Slice(shape.FlowLogs, func(i, j int) bool { return shape.FlowLogs[i].FlowLogId < shape.FlowLogs[j].FlowLogId })
	var errs []asset.FieldError
	if flowErr != nil {
		errs = append(errs, *flowErr)
	}
	tags, name := ec2Tags(v.Tags)
	return build(m, awsshape.TypeVPC, m.arn("ec2", "vpc/"+id), orID(name, id), tags, shape, nil, errs)
}

func adaptSubnet(m meta, s ec2types.Subnet) (asset.Asset, error) {
	id := str(s.SubnetId)
	shape := awsshape.Subnet{
		SubnetId:            id,
		VpcId:               str(s.VpcId),
		CidrBlock:           str(s.CidrBlock),
		AvailabilityZone:    str(s.AvailabilityZone),
		MapPublicIpOnLaunch: boolean(s.MapPublicIpOnLaunch),
		DefaultForAz:        boolean(s.DefaultForAz),
		State:               string(s.State),
	}
	uid := str(s.SubnetArn)
	if uid == "" {
		uid = m.arn("ec2", "subnet/"+id)
	}
	var rels []asset.Relation
	if shape.VpcId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcId)})
	}
	tags, name := ec2Tags(s.Tags)
	return build(m, awsshape.TypeSubnet, uid, orID(name, id), tags, shape, rels, nil)
}

func adaptSecurityGroup(m meta, g ec2types.SecurityGroup) (asset.Asset, error) {
	id := str(g.GroupId)
	shape := awsshape.SecurityGroup{
		GroupId:             id,
		GroupName:           str(g.GroupName),
		Description:         str(g.Description),
		VpcId:               str(g.VpcId),
		OwnerId:             orID(str(g.OwnerId), m.Account),
		IpPermissions:       ipPermissions(g.IpPermissions),
		IpPermissionsEgress: ipPermissions(g.IpPermissionsEgress),
	}
	uid := str(g.SecurityGroupArn)
	if uid == "" {
		uid = m.arn("ec2", "security-group/"+id)
	}
	var rels []asset.Relation
	if shape.VpcId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcId)})
	}
	tags, _ := ec2Tags(g.Tags)
	return build(m, awsshape.TypeSecurityGroup, uid, orID(shape.GroupName, id), tags, shape, rels, nil)
}

func ipPermissions(in []ec2types.IpPermission) []awsshape.IpPermission {
	out := make([]awsshape.IpPermission, 0, len(in))
	for _, p := range in {
		sp := awsshape.IpPermission{IpProtocol: str(p.IpProtocol)}
		// "-1" means every protocol and port: ports are meaningless there,
		// and the shape promises null.
		if sp.IpProtocol != "-1" {
			if p.FromPort != nil {
				v := int64(*p.FromPort)
				sp.FromPort = &v
			}
			if p.ToPort != nil {
				v := int64(*p.ToPort)
				sp.ToPort = &v
			}
		}
		for _, r := range p.IpRanges {
			sp.IpRanges = append(sp.IpRanges, awsshape.IpRange{CidrIp: str(r.CidrIp), Description: str(r.Description)})
		}
		for _, r := range p.Ipv6Ranges {
			sp.Ipv6Ranges = append(sp.Ipv6Ranges, awsshape.Ipv6Range{CidrIpv6: str(r.CidrIpv6), Description: str(r.Description)})
		}
		for _, r := range p.PrefixListIds {
			sp.PrefixListIds = append(sp.PrefixListIds, awsshape.PrefixListId{PrefixListId: str(r.PrefixListId)})
		}
		for _, r := range p.UserIdGroupPairs {
			sp.UserIdGroupPairs = append(sp.UserIdGroupPairs, awsshape.UserIdGroupPair{GroupId: str(r.GroupId), UserId: str(r.UserId)})
		}
		out = append(out, sp)
	}
	return out
}

func adaptInstance(m meta, i ec2types.Instance, ud instanceUserData) (asset.Asset, error) {
	id := str(i.InstanceId)
	shape := awsshape.Instance{
		InstanceId:       id,
		InstanceType:     string(i.InstanceType),
		ImageId:          str(i.ImageId),
		VpcId:            str(i.VpcId),
		SubnetId:         str(i.SubnetId),
		PrivateIpAddress: str(i.PrivateIpAddress),
		PublicIpAddress:  str(i.PublicIpAddress),
		LaunchTime:       timeString(i.LaunchTime),
		HasUserData:      ud.Has,
		UserDataSecrets:  ud.Secrets,
	}
	if i.State != nil {
		shape.State.Name = string(i.State.Name)
	}
	if i.IamInstanceProfile != nil {
		shape.IamInstanceProfile = &awsshape.IamInstanceProfile{Arn: str(i.IamInstanceProfile.Arn), Id: str(i.IamInstanceProfile.Id)}
	}
	if mo := i.MetadataOptions; mo != nil {
		shape.MetadataOptions = awsshape.MetadataOptions{
			HttpTokens:              string(mo.HttpTokens),
			HttpEndpoint:            string(mo.HttpEndpoint),
			HttpPutResponseHopLimit: i32(mo.HttpPutResponseHopLimit),
		}
	}
	if i.Monitoring != nil {
		shape.Monitoring.State = string(i.Monitoring.State)
	}
	var rels []asset.Relation
	if shape.SubnetId != "" {
		rels = append(rels, asset.Relation{Type: RelInSubnet, Target: m.arn("ec2", "subnet/"+shape.SubnetId)})
	}
	if shape.VpcId != "" {
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcId)})
	}
	for _, g := range i.SecurityGroups {
		shape.SecurityGroups = append(shape.SecurityGroups, awsshape.GroupIdentifier{GroupId: str(g.GroupId), GroupName: str(g.GroupName)})
		rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+str(g.GroupId))})
	}
	for _, b := range i.BlockDeviceMappings {
		bd := awsshape.BlockDeviceMapping{DeviceName: str(b.DeviceName)}
		if b.Ebs != nil {
			bd.VolumeId = str(b.Ebs.VolumeId)
		}
		shape.BlockDeviceMappings = append(shape.BlockDeviceMappings, bd)
	}
	tags, name := ec2Tags(i.Tags)
	return build(m, awsshape.TypeInstance, m.arn("ec2", "instance/"+id), orID(name, id), tags, shape, rels, ud.Errors)
}

func adaptVolume(m meta, v ec2types.Volume) (asset.Asset, error) {
	id := str(v.VolumeId)
	shape := awsshape.Volume{
		VolumeId:         id,
		Size:             i32(v.Size),
		VolumeType:       string(v.VolumeType),
		Encrypted:        boolean(v.Encrypted),
		KmsKeyId:         str(v.KmsKeyId),
		State:            string(v.State),
		AvailabilityZone: str(v.AvailabilityZone),
		SnapshotId:       str(v.SnapshotId),
		CreateTime:       timeString(v.CreateTime),
	}
	var rels []asset.Relation
	for _, a := range v.Attachments {
		shape.Attachments = append(shape.Attachments, awsshape.VolumeAttachment{
			InstanceId: str(a.InstanceId), Device: str(a.Device), State: string(a.State),
		})
		if a.InstanceId != nil {
			rels = append(rels, asset.Relation{Type: RelAttachedTo, Target: m.arn("ec2", "instance/"+*a.InstanceId)})
		}
	}
	if isARN(shape.KmsKeyId) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KmsKeyId})
	}
	tags, name := ec2Tags(v.Tags)
	return build(m, awsshape.TypeVolume, m.arn("ec2", "volume/"+id), orID(name, id), tags, shape, rels, nil)
}
