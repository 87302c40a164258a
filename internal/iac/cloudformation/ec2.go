package cloudformation

import (
	"encoding/base64"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// idAttr is the GetAtt attribute equal to what Ref returns (the ID), so
// both render alike: !GetAtt Sg.GroupId and !Ref Sg are "${Sg}".
var idAttr = map[string]string{
	"AWS::EC2::SecurityGroup":  "GroupId",
	"AWS::EC2::Subnet":         "SubnetId",
	"AWS::EC2::VPC":            "VpcId",
	"AWS::EC2::LaunchTemplate": "LaunchTemplateId",
	"AWS::KMS::Key":            "KeyId",
}

// idText renders a value that holds an ID.
func (t *template) idText(v any) string {
	if o, ok := v.(opaque); ok && o.res != "" && !o.known {
		if r := t.byID[o.res]; r != nil && (o.attr == "" || o.attr == idAttr[r.typ]) {
			return "${" + r.id + "}"
		}
	}
	s, _ := scalarText(v)
	return s
}

// ec2Name is the Name tag, which the EC2 collectors use as the name.
func ec2Name(tags map[string]string) string { return tags["Name"] }

// subnetVPC returns the VPC of a subnet value, when the subnet is in the
// template.
func (t *template) subnetVPC(subnet any) (vpc any, found bool) {
	s := t.target(subnet, "AWS::EC2::Subnet")
	if s == nil {
		return nil, false
	}
	v, ok := t.props(s)["VpcId"]
	return v, ok
}

// mapInstance maps AWS::EC2::Instance (with the AWS::EC2::LaunchTemplate it
// launches from) to aws.ec2.instance.
func mapInstance(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	m.name = ec2Name(m.tags)
	in := awsshape.Instance{
		InstanceId: "${" + r.id + "}",
		// A created instance runs; the stack waits for it.
		State: awsshape.InstanceState{Name: "running"},
	}

	// Settings not written on the instance come from its launch template.
	var lt *rmap
	var ltOutside *unknown
	if v, ok := m.get("LaunchTemplate"); ok && v != nil {
		ref, _ := lookup(v, "LaunchTemplateId")
		if ref == nil {
			ref, _ = lookup(v, "LaunchTemplateName")
		}
		if res := t.target(ref, "AWS::EC2::LaunchTemplate"); res != nil {
			lt = m.other(res)
			data, _ := lt.get("LaunchTemplateData")
			if dm, isMap := data.(map[string]any); isMap {
				lt.p = dm
			} else {
				if u, isU := data.(unknown); isU {
					ltOutside = &u
				}
				lt.p = map[string]any{}
			}
		} else if u, isU := v.(unknown); isU {
			ltOutside = &u
		} else if u, isU := ref.(unknown); isU {
			ltOutside = &u
		} else {
			s, _ := scalarText(ref)
			ltOutside = &unknown{reason: fmt.Sprintf("launch template %s is defined outside the template", s)}
		}
	}
	// pick returns where a setting is written: the instance, else its
	// launch template; nil when neither writes it.
	pick := func(instKey, ltKey string) (*rmap, string) {
		if v, ok := m.get(instKey); ok && v != nil {
			return m, instKey
		}
		if lt != nil {
			if v, ok := lt.get(ltKey); ok && v != nil {
				return lt, ltKey
			}
		}
		return nil, ""
	}
	// outside records a setting that an external launch template may hold.
	outside := func(fieldPath string) bool {
		if ltOutside != nil {
			m.unknown(fieldPath, *ltOutside)
			return true
		}
		return false
	}

	if src, key := pick("InstanceType", "InstanceType"); src != nil {
		in.InstanceType = src.str("InstanceType", key, "")
	} else if !outside("InstanceType") {
		in.InstanceType = "m1.small" // CloudFormation's documented default
	}
	if src, key := pick("ImageId", "ImageId"); src != nil {
		in.ImageId = src.str("ImageId", key, "")
	} else {
		outside("ImageId")
	}

	// EC2's defaults: tokens optional (IMDSv1 allowed), endpoint on, one
	// hop. Assumed: an AMI without ImdsSupport v2.0 and no account-level
	// metadata defaults, neither of which a template holds.
	in.MetadataOptions = awsshape.MetadataOptions{HttpTokens: "optional", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1}
	if src, key := pick("MetadataOptions", "MetadataOptions"); src != nil {
		in.MetadataOptions = awsshape.MetadataOptions{
			HttpTokens:              src.str("MetadataOptions.HttpTokens", key+".HttpTokens", "optional"),
			HttpEndpoint:            src.str("MetadataOptions.HttpEndpoint", key+".HttpEndpoint", "enabled"),
			HttpPutResponseHopLimit: src.integer("MetadataOptions.HttpPutResponseHopLimit", key+".HttpPutResponseHopLimit", 1),
		}
	} else if outside("MetadataOptions") {
		in.MetadataOptions = awsshape.MetadataOptions{}
	}

	if src, key := pick("UserData", "UserData"); src != nil {
		in.HasUserData, in.UserDataSecrets = src.userData("HasUserData", key)
	} else {
		outside("HasUserData")
	}

	if src, key := pick("IamInstanceProfile", "IamInstanceProfile"); src != nil {
		in.IamInstanceProfile = src.instanceProfile(key)
	} else {
		outside("IamInstanceProfile")
	}

	if src, key := pick("Monitoring", "Monitoring"); src != nil {
		on := false
		if src == m {
			on = m.boolean("Monitoring.State", key, false)
		} else {
			on = src.boolean("Monitoring.State", key+".Enabled", false)
		}
		in.Monitoring.State = map[bool]string{true: "enabled", false: "disabled"}[on]
	} else if !outside("Monitoring.State") {
		in.Monitoring.State = "disabled"
	}

	// Network: the primary interface may carry the subnet, groups and
	// public address instead of the instance.
	var nic map[string]any
	nicSrc := m
	for _, src := range []*rmap{m, lt} {
		if src == nil {
			continue
		}
		for _, it := range src.items("SubnetId", "NetworkInterfaces") {
			if idx, _ := scalarText(it["DeviceIndex"]); idx == "0" || idx == "" {
				nic, nicSrc = it, src
				break
			}
		}
		if nic != nil {
			break
		}
	}
	subnet, hasSubnet := m.get("SubnetId")
	if !hasSubnet && nic != nil {
		subnet, hasSubnet = nic["SubnetId"]
	}
	subnetUnknown, _ := subnet.(unknown)
	if subnetUnknown.reason != "" {
		m.unknown("SubnetId", subnetUnknown)
		hasSubnet, subnet = false, nil
	} else if hasSubnet && subnet != nil {
		in.SubnetId = t.idText(subnet)
		m.relate(relInSubnet, subnet)
		if vpc, ok := t.subnetVPC(subnet); ok {
			in.VpcId = t.idText(vpc)
			m.relate(relInVPC, vpc)
		}
	}
	in.PrivateIpAddress = m.str("PrivateIpAddress", "PrivateIpAddress", "${"+r.id+".PrivateIp}")

	// Public address: the primary interface says, else the subnet's
	// MapPublicIpOnLaunch, else (no subnet) the default subnet of the
	// default VPC, which maps public addresses.
	public := "${" + r.id + ".PublicIp}"
	if ap, ok := nic["AssociatePublicIpAddress"]; ok && ap != nil {
		if !nicSrc.toBool("PublicIpAddress", "NetworkInterfaces.AssociatePublicIpAddress", ap, true, false) {
			public = ""
		}
	} else if subnetUnknown.reason != "" {
		m.unknown("PublicIpAddress", subnetUnknown)
	} else if !hasSubnet && ltOutside != nil {
		// The outside launch template may place it in a subnet.
		m.unknown("SubnetId", *ltOutside)
		m.unknown("PublicIpAddress", *ltOutside)
	} else if hasSubnet && subnet != nil {
		if s := t.target(subnet, "AWS::EC2::Subnet"); s != nil {
			sm := m.other(s)
			if !sm.boolean("PublicIpAddress", "MapPublicIpOnLaunch", false) {
				public = ""
			}
			m.absorb(sm, "PublicIpAddress")
		} else {
			public = ""
			m.unknown("PublicIpAddress", unknown{reason: fmt.Sprintf("subnet %s is defined outside the template", t.idText(subnet))})
		}
	}
	in.PublicIpAddress = public

	in.SecurityGroups = m.instanceGroups(pick, nic, nicSrc, outside)

	for _, it := range m.items("BlockDeviceMappings", "BlockDeviceMappings") {
		in.BlockDeviceMappings = append(in.BlockDeviceMappings, awsshape.BlockDeviceMapping{
			DeviceName: m.toStr("BlockDeviceMappings", "BlockDeviceMappings.DeviceName", it["DeviceName"], true, ""),
		})
	}
	for _, it := range m.items("BlockDeviceMappings", "Volumes") {
		in.BlockDeviceMappings = append(in.BlockDeviceMappings, awsshape.BlockDeviceMapping{
			DeviceName: m.toStr("BlockDeviceMappings", "Volumes.Device", it["Device"], true, ""),
			VolumeId:   t.idText(it["VolumeId"]),
		})
	}
	if lt != nil {
		m.absorb(lt, "")
	}
	return in
}

// hasError tells whether a field error was already recorded at a path.
func hasError(m *rmap, fieldPath string) bool {
	for _, e := range m.errs {
		if e.Path == fieldPath {
			return true
		}
	}
	return false
}

// instanceGroups lists an instance's security groups. Without any, EC2
// puts the instance in its VPC's default group.
func (m *rmap) instanceGroups(pick func(string, string) (*rmap, string), nic map[string]any, nicSrc *rmap, outside func(string) bool) []awsshape.GroupIdentifier {
	t := m.t
	var out []awsshape.GroupIdentifier
	addID := func(v any) {
		if u, isU := v.(unknown); isU {
			m.unknown("SecurityGroups", u)
			return
		}
		g := awsshape.GroupIdentifier{GroupId: t.idText(v)}
		if sg := t.target(v, "AWS::EC2::SecurityGroup"); sg != nil {
			g.GroupName = t.groupName(sg)
		}
		m.relate(relSecurityGroup, v)
		out = append(out, g)
	}
	addName := func(v any) {
		if u, isU := v.(unknown); isU {
			m.unknown("SecurityGroups", u)
			return
		}
		g := awsshape.GroupIdentifier{}
		if sg := t.target(v, "AWS::EC2::SecurityGroup"); sg != nil {
			g.GroupId, g.GroupName = "${"+sg.id+"}", t.groupName(sg)
			m.relate(relSecurityGroup, opaque{res: sg.id})
		} else {
			g.GroupName, _ = scalarText(v)
		}
		out = append(out, g)
	}
	listOf := func(src *rmap, key string, fn func(any)) bool {
		v, _ := src.get(key)
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				fn(e)
			}
		case unknown:
			m.unknown("SecurityGroups", x)
		case opaque:
			m.unknown("SecurityGroups", unknown{reason: key + " is " + x.text})
		default:
			src.invalid("SecurityGroups", key, v, "a list")
		}
		return true
	}
	set := false
	if src, key := pick("SecurityGroupIds", "SecurityGroupIds"); src != nil {
		set = listOf(src, key, addID)
	}
	if src, key := pick("SecurityGroups", "SecurityGroups"); src != nil {
		set = listOf(src, key, addName)
	}
	if nic != nil {
		for _, key := range []string{"GroupSet", "Groups"} {
			if v, ok := nic[key]; ok && v != nil {
				tmp := &rmap{t: t, r: nicSrc.r, p: map[string]any{key: v}}
				set = listOf(tmp, key, addID)
				nicSrc.errs = append(nicSrc.errs, tmp.errs...)
			}
		}
	}
	if !set && !outside("SecurityGroups") {
		out = append(out, awsshape.GroupIdentifier{GroupName: "default"})
	}
	return out
}

// groupName is a security group's name, or its rendering when
// CloudFormation generates it.
func (t *template) groupName(sg *resource) string {
	if n, ok := t.physicalName(sg); ok {
		return n
	}
	return "${" + sg.id + ".GroupName}"
}

// instanceProfile reads IamInstanceProfile: a name (on an instance) or
// {Arn | Name} (in a launch template).
func (m *rmap) instanceProfile(key string) *awsshape.IamInstanceProfile {
	t := m.t
	v, _ := m.get(key)
	if pm, ok := v.(map[string]any); ok {
		if a, ok := pm["Arn"]; ok && a != nil {
			v = a
		} else {
			v = pm["Name"]
		}
	}
	if u, ok := v.(unknown); ok {
		m.unknown("IamInstanceProfile", u)
		return nil
	}
	if ip := t.target(v, "AWS::IAM::InstanceProfile"); ip != nil {
		return &awsshape.IamInstanceProfile{Arn: "${" + ip.id + ".Arn}"}
	}
	s := m.toStr("IamInstanceProfile", key, v, true, "")
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "arn:") {
		return &awsshape.IamInstanceProfile{Arn: s}
	}
	return &awsshape.IamInstanceProfile{Arn: t.arnOf("iam", false, "instance-profile/"+s)}
}

// userData reads UserData (base64 text) and scans it for hard-coded
// secrets; the text itself is never kept. When the text is only known at
// deploy time, the literal parts written in the template are scanned.
func (m *rmap) userData(fieldPath, key string) (bool, []secrets.Finding) {
	v, _ := m.get(key)
	node := field(m.r.propsNode, key)
	if m.r.typ == "AWS::EC2::LaunchTemplate" {
		node = field(field(m.r.propsNode, "LaunchTemplateData"), key)
	}
	switch x := v.(type) {
	case unknown:
		if n := deref(node); n != nil {
			if name, _, ok := intrinsic(n, false); ok && name == "Fn::If" {
				m.unknown(fieldPath, x) // whether there is user data at all
			}
		}
		return true, scanLiterals(node)
	case opaque:
		return true, nil
	}
	s := m.toStr(fieldPath, key, v, true, "")
	if s == "" {
		return false, nil
	}
	text := s
	if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil {
		text = string(dec)
	} else {
		m.t.warnf(node, "resource %s: UserData is not base64 (wrap it in Fn::Base64); scanned as written", m.r.id)
	}
	return true, secrets.ScanText(text)
}

// scanLiterals scans each literal string under a node for secrets (at
// most maxLiterals nodes, aliases included).
func scanLiterals(n *yaml.Node) []secrets.Finding {
	const maxLiterals = 10000
	var out []secrets.Finding
	budget := maxLiterals
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = deref(n)
		if n == nil || depth > maxDepth || budget <= 0 {
			return
		}
		budget--
		if n.Kind == yaml.ScalarNode {
			out = append(out, secrets.ScanText(n.Value)...)
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// mapVolume maps AWS::EC2::Volume, with its attachments, to aws.ec2.volume.
func mapVolume(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	m.name = ec2Name(m.tags)
	v := awsshape.Volume{
		VolumeId:         "${" + r.id + "}",
		Size:             m.integer("Size", "Size", 0),
		VolumeType:       m.str("VolumeType", "VolumeType", "gp2"), // the EC2 default
		KmsKeyId:         m.str("KmsKeyId", "KmsKeyId", ""),
		AvailabilityZone: m.str("AvailabilityZone", "AvailabilityZone", ""),
		SnapshotId:       m.str("SnapshotId", "SnapshotId", ""),
	}
	key, _ := m.get("KmsKeyId")
	m.relate(relEncryptedWith, key)
	if enc, ok := m.get("Encrypted"); ok && enc != nil {
		v.Encrypted = m.toBool("Encrypted", "Encrypted", enc, true, false)
	} else if v.SnapshotId != "" {
		m.unknown("Encrypted", unknown{reason: "Encrypted is not set: the volume takes the encryption of snapshot " + v.SnapshotId})
	}
	// Otherwise unencrypted, assuming the region's EBS encryption by
	// default is off: no template sets it, and the account asset's check
	// (aws-ec2-ebs-default-encryption) covers it.
	if _, ok := m.get("Size"); !ok && v.SnapshotId != "" {
		m.unknown("Size", unknown{reason: "Size is not set: it is the size of snapshot " + v.SnapshotId})
	}

	t.each("AWS::EC2::VolumeAttachment", func(a *resource) {
		am := m.other(a)
		if t.target(am.p["VolumeId"], "AWS::EC2::Volume") != r {
			return
		}
		v.Attachments = append(v.Attachments, awsshape.VolumeAttachment{
			InstanceId: t.idText(am.p["InstanceId"]),
			Device:     am.str("Attachments", "Device", ""),
			State:      "attached",
		})
		m.relate(relAttachedTo, am.p["InstanceId"])
		m.absorb(am, "Attachments")
		m.conditional("Attachments", a)
	})
	t.each("AWS::EC2::Instance", func(inst *resource) {
		im := m.other(inst)
		for _, it := range im.items("Attachments", "Volumes") {
			if t.target(it["VolumeId"], "AWS::EC2::Volume") != r {
				continue
			}
			v.Attachments = append(v.Attachments, awsshape.VolumeAttachment{
				InstanceId: "${" + inst.id + "}",
				Device:     im.toStr("Attachments", "Volumes.Device", it["Device"], true, ""),
				State:      "attached",
			})
			m.relate(relAttachedTo, opaque{res: inst.id})
			m.conditional("Attachments", inst)
		}
		m.absorb(im, "Attachments")
	})
	v.State = "available"
	if len(v.Attachments) > 0 {
		v.State = "in-use"
	}
	return v
}

// mapSubnet maps AWS::EC2::Subnet to aws.ec2.subnet.
func mapSubnet(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	m.name = ec2Name(m.tags)
	vpc, _ := m.get("VpcId")
	m.relate(relInVPC, vpc)
	return awsshape.Subnet{
		SubnetId:            "${" + r.id + "}",
		VpcId:               t.idText(vpc),
		CidrBlock:           m.str("CidrBlock", "CidrBlock", ""),
		AvailabilityZone:    m.str("AvailabilityZone", "AvailabilityZone", "${"+r.id+".AvailabilityZone}"),
		MapPublicIpOnLaunch: m.boolean("MapPublicIpOnLaunch", "MapPublicIpOnLaunch", false),
		State:               "available",
	}
}

// mapVPC maps AWS::EC2::VPC, with the AWS::EC2::FlowLog resources that
// watch it, to aws.ec2.vpc.
func mapVPC(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	m.name = ec2Name(m.tags)
	v := awsshape.VPC{
		VpcId:     "${" + r.id + "}",
		CidrBlock: m.str("CidrBlock", "CidrBlock", "${"+r.id+".CidrBlock}"),
		State:     "available",
		OwnerId:   t.pseudo("AWS::AccountId").text,
	}
	t.each("AWS::EC2::FlowLog", func(f *resource) {
		fm := m.other(f)
		if typ, _ := fm.p["ResourceType"].(string); typ != "VPC" {
			return
		}
		ids := []any{fm.p["ResourceId"]}
		if list, ok := fm.p["ResourceIds"].([]any); ok {
			ids = list
		}
		for _, id := range ids {
			if t.target(id, "AWS::EC2::VPC") != r {
				continue
			}
			dest := fm.str("FlowLogs", "LogDestination", "")
			if dest == "" {
				dest = fm.str("FlowLogs", "LogGroupName", "")
			}
			v.FlowLogs = append(v.FlowLogs, awsshape.FlowLog{
				FlowLogId: "${" + f.id + "}",
				// A flow log CloudFormation created is active; delivery
				// problems only show once it runs.
				FlowLogStatus:      "ACTIVE",
				TrafficType:        fm.str("FlowLogs", "TrafficType", "ALL"),
				LogDestinationType: fm.str("FlowLogs", "LogDestinationType", "cloud-watch-logs"),
				LogDestination:     dest,
			})
			m.absorb(fm, "FlowLogs")
			m.conditional("FlowLogs", f)
			break
		}
	})
	return v
}
