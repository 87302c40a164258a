package tfmap

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
	"github.com/parapet-dev/parapet/internal/secrets"
)

func init() {
	register("aws_security_group", mapSecurityGroup)
	register("aws_default_security_group", mapSecurityGroup)
	register("aws_instance", mapInstance)
	register("aws_ebs_volume", mapVolume)
	register("aws_ebs_snapshot", mapSnapshot)
	joined("aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
		"aws_volume_attachment", "aws_snapshot_create_volume_permission", "aws_ebs_encryption_by_default")
}

const (
	fieldIngress = "IpPermissions"
	fieldEgress  = "IpPermissionsEgress"
)

// mapSecurityGroup maps a security group with its rules written inline
// (ingress {} / egress {}), as aws_security_group_rule resources, or as
// aws_vpc_security_group_ingress_rule / _egress_rule resources, merged
// into IpPermissions the way DescribeSecurityGroups lists them: one entry
// per protocol and port range, holding every source.
//
// Terraform removes the allow-all egress rule AWS adds to a new group (and
// every rule of a default group it adopts) unless the configuration
// declares it, so the rules are exactly the declared ones.
func mapSecurityGroup(m *mapping) {
	a, r := m.a, m.r
	isDefault := r.Type == "aws_default_security_group"
	shape := awsshape.SecurityGroup{
		GroupId: a.known("id"),
		VpcId:   a.str("vpc_id", "VpcId"),
		OwnerId: a.known("owner_id"),
	}
	if isDefault {
		// The default group of a VPC: its name and description are AWS's.
		shape.GroupName, shape.Description = "default", "default VPC security group"
	} else {
		// A group without a name gets one generated at apply
		// ("terraform-..."); AWS reserves "default", so no generated or
		// given name can be the default group's.
		shape.GroupName = a.str("name", "GroupName")
		shape.Description = a.strOr("description", "Description", "Managed by Terraform")
	}
	m.relate(relInVPC, a.raw("vpc_id"))

	self := shape.GroupId
	if self == "" {
		self = refString(tfmodel.Ref{Address: r.Address, Attribute: "id"})
	}
	in, out := &permSet{}, &permSet{}
	for _, b := range a.blocks("ingress", fieldIngress) {
		inlineRule(b, fieldIngress, self, in)
	}
	for _, b := range a.blocks("egress", fieldEgress) {
		inlineRule(b, fieldEgress, self, out)
	}
	ids := idsOf(r, "id")
	for _, c := range m.ix.linked("aws_security_group_rule", "security_group_id", r, ids...) {
		ruleResource(m.on(c), in, out)
	}
	for _, c := range m.ix.linked("aws_vpc_security_group_ingress_rule", "security_group_id", r, ids...) {
		vpcRule(m.on(c), fieldIngress, in)
	}
	for _, c := range m.ix.linked("aws_vpc_security_group_egress_rule", "security_group_id", r, ids...) {
		vpcRule(m.on(c), fieldEgress, out)
	}
	shape.IpPermissions, shape.IpPermissionsEgress = in.list(), out.list()
	name := shape.GroupName
	if isDefault {
		name = ""
	}
	m.emit(awsshape.TypeSecurityGroup, name, shape)
}

// inlineRule reads an ingress or egress block of aws_security_group (or
// aws_default_security_group).
func inlineRule(b attrs, field, self string, set *permSet) {
	key, ok := ruleKey(b, "protocol", field)
	if !ok {
		return
	}
	desc := b.str("description", field)
	for _, c := range b.strs("cidr_blocks", field) {
		set.add(key, srcIPv4, c, desc)
	}
	for _, c := range b.strs("ipv6_cidr_blocks", field) {
		set.add(key, srcIPv6, c, desc)
	}
	for _, p := range b.strs("prefix_list_ids", field) {
		set.add(key, srcPrefix, p, desc)
	}
	for _, g := range b.strs("security_groups", field) {
		set.add(key, srcGroup, g, desc)
	}
	if b.boolean("self", field, false) {
		set.add(key, srcGroup, self, desc)
	}
}

// ruleResource reads an aws_security_group_rule.
func ruleResource(b attrs, in, out *permSet) {
	var field string
	var set *permSet
	switch t := b.str("type", fieldIngress+"|"+fieldEgress); t {
	case "ingress":
		field, set = fieldIngress, in
	case "egress":
		field, set = fieldEgress, out
	case "":
		// Unknown type: the rule could be on either side.
		if u, ok := isUnknown(b.raw("type")); ok {
			b.m.unknown(fieldIngress, b.at+"type", u.Reason)
			b.m.unknown(fieldEgress, b.at+"type", u.Reason)
		}
		return
	default:
		b.m.invalid(fieldIngress, b.at+"type", "want ingress or egress, got "+t)
		return
	}
	key, ok := ruleKey(b, "protocol", field)
	if !ok {
		return
	}
	desc := b.str("description", field)
	for _, c := range b.strs("cidr_blocks", field) {
		set.add(key, srcIPv4, c, desc)
	}
	for _, c := range b.strs("ipv6_cidr_blocks", field) {
		set.add(key, srcIPv6, c, desc)
	}
	for _, p := range b.strs("prefix_list_ids", field) {
		set.add(key, srcPrefix, p, desc)
	}
	if g := b.str("source_security_group_id", field); g != "" {
		set.add(key, srcGroup, g, desc)
	}
	if b.boolean("self", field, false) {
		set.add(key, srcGroup, b.str("security_group_id", field), desc)
	}
}

// vpcRule reads an aws_vpc_security_group_ingress_rule or _egress_rule:
// one source per rule.
func vpcRule(b attrs, field string, set *permSet) {
	key, ok := ruleKey(b, "ip_protocol", field)
	if !ok {
		return
	}
	desc := b.str("description", field)
	if c := b.str("cidr_ipv4", field); c != "" {
		set.add(key, srcIPv4, c, desc)
	}
	if c := b.str("cidr_ipv6", field); c != "" {
		set.add(key, srcIPv6, c, desc)
	}
	if p := b.str("prefix_list_id", field); p != "" {
		set.add(key, srcPrefix, p, desc)
	}
	if g := b.str("referenced_security_group_id", field); g != "" {
		set.add(key, srcGroup, g, desc)
	}
}

// permKey is what DescribeSecurityGroups groups sources by.
type permKey struct {
	proto    string
	from, to *int64
}

func (k permKey) String() string {
	p := func(n *int64) string {
		if n == nil {
			return "-"
		}
		return fmt.Sprint(*n)
	}
	return k.proto + "|" + p(k.from) + "|" + p(k.to)
}

// ruleKey reads a rule's protocol and ports. ok is false when they are
// unknown (recorded on field).
func ruleKey(b attrs, protoArg, field string) (permKey, bool) {
	proto := b.str(protoArg, field)
	if proto == "" {
		return permKey{}, false
	}
	k := permKey{proto: normProtocol(proto)}
	from, ok1 := b.optInt("from_port", field)
	to, ok2 := b.optInt("to_port", field)
	if !ok1 || !ok2 {
		return permKey{}, false
	}
	switch k.proto {
	case "tcp", "udp", "icmp", "icmpv6":
		k.from, k.to = from, to
	}
	// "-1" (every protocol) and the other protocols have no ports: the
	// API lists them without FromPort/ToPort.
	return k, true
}

// normProtocol spells a protocol as EC2 lists it: names for TCP, UDP,
// ICMP and ICMPv6 (whatever number or case was written), "-1" for all.
func normProtocol(p string) string {
	switch l := strings.ToLower(strings.TrimSpace(p)); l {
	case "-1", "all":
		return "-1"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	case "58", "icmpv6":
		return "icmpv6"
	default:
		return l
	}
}

// Kinds of rule source.
const (
	srcIPv4 = iota
	srcIPv6
	srcPrefix
	srcGroup
)

// permSet merges rules into IpPermissions.
type permSet struct {
	perms map[string]*awsshape.IpPermission
	seen  map[string]bool
}

func (s *permSet) add(k permKey, kind int, value, desc string) {
	if value == "" {
		return
	}
	if s.perms == nil {
		s.perms, s.seen = map[string]*awsshape.IpPermission{}, map[string]bool{}
	}
	ks := k.String()
	p := s.perms[ks]
	if p == nil {
		p = &awsshape.IpPermission{IpProtocol: k.proto, FromPort: k.from, ToPort: k.to}
		s.perms[ks] = p
	}
	// The same source twice (a state lists separately managed rules in
	// the group's own ingress too) is one rule.
	dup := fmt.Sprintf("%s|%d|%s", ks, kind, value)
	if s.seen[dup] {
		return
	}
	s.seen[dup] = true
	switch kind {
	case srcIPv4:
		p.IpRanges = append(p.IpRanges, awsshape.IpRange{CidrIp: value, Description: desc})
	case srcIPv6:
		p.Ipv6Ranges = append(p.Ipv6Ranges, awsshape.Ipv6Range{CidrIpv6: value, Description: desc})
	case srcPrefix:
		p.PrefixListIds = append(p.PrefixListIds, awsshape.PrefixListId{PrefixListId: value})
	case srcGroup:
		pair := awsshape.UserIdGroupPair{GroupId: value}
		// "account/sg-..." names a group of another account.
		if acct, id, ok := strings.Cut(value, "/"); ok && !strings.HasPrefix(value, "${") {
			pair = awsshape.UserIdGroupPair{GroupId: id, UserId: acct}
		}
		p.UserIdGroupPairs = append(p.UserIdGroupPairs, pair)
	}
}

// list returns the permissions in a stable order (protocol, then ports),
// each source list sorted.
func (s *permSet) list() []awsshape.IpPermission {
	out := make([]awsshape.IpPermission, 0, len(s.perms))
	keys := make([]string, 0, len(s.perms))
	for k := range s.perms {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessPerm(s.perms[keys[i]], s.perms[keys[j]]) })
	for _, k := range keys {
		p := *s.perms[k]
		sort.Slice(p.IpRanges, func(i, j int) bool { return p.IpRanges[i].CidrIp < p.IpRanges[j].CidrIp })
		sort.Slice(p.Ipv6Ranges, func(i, j int) bool { return p.Ipv6Ranges[i].CidrIpv6 < p.Ipv6Ranges[j].CidrIpv6 })
		sort.Slice(p.PrefixListIds, func(i, j int) bool { return p.PrefixListIds[i].PrefixListId < p.PrefixListIds[j].PrefixListId })
		sort.Slice(p.UserIdGroupPairs, func(i, j int) bool { return p.UserIdGroupPairs[i].GroupId < p.UserIdGroupPairs[j].GroupId })
		out = append(out, p)
	}
	return out
}

func lessPerm(a, b *awsshape.IpPermission) bool {
	if a.IpProtocol != b.IpProtocol {
		return a.IpProtocol < b.IpProtocol
	}
	n := func(p *int64) int64 {
		if p == nil {
			return -2
		}
		return *p
	}
	if n(a.FromPort) != n(b.FromPort) {
		return n(a.FromPort) < n(b.FromPort)
	}
	return n(a.ToPort) < n(b.ToPort)
}

// mapInstance maps an instance, and the EBS volumes it creates (its root
// volume and each ebs_block_device), which the EC2 API lists as volumes
// of their own.
func mapInstance(m *mapping) {
	a := m.a
	shape := awsshape.Instance{
		InstanceId:   a.known("id"),
		InstanceType: a.str("instance_type", "InstanceType"),
		ImageId:      a.str("ami", "ImageId"),
		// Terraform waits until a new instance is running.
		State:            awsshape.InstanceState{Name: "running"},
		SubnetId:         a.str("subnet_id", "SubnetId"),
		PrivateIpAddress: a.str("private_ip", "PrivateIpAddress"),
	}
	if s := a.known("instance_state"); s != "" {
		shape.State.Name = s // a state knows better
	}
	m.relate(relInSubnet, a.raw("subnet_id"))
	if v, ok := m.ix.attrOf(a.raw("subnet_id"), "vpc_id"); ok {
		if s, ok := stringOf(v); ok {
			shape.VpcId = s
		}
		m.relate(relInVPC, v)
	}
	shape.PublicIpAddress = instancePublicIP(m)

	if p := a.raw("iam_instance_profile"); p != nil {
		prof := &awsshape.IamInstanceProfile{}
		if t, ref, ok := m.ix.resolve(p); ok {
			prof.Arn, _ = t.Attributes["arn"].(string)
			if prof.Arn == "" {
				prof.Arn = refString(tfmodel.Ref{Address: ref.Address, Attribute: "arn"})
			}
		} else if s := a.str("iam_instance_profile", "IamInstanceProfile"); strings.HasPrefix(s, "arn:") {
			prof.Arn = s
		}
		// A profile given by name has an ARN only AWS knows; the profile
		// is attached all the same.
		shape.IamInstanceProfile = prof
	}

	shape.MetadataOptions = instanceMetadata(m)
	if a.boolean("monitoring", "Monitoring.State", false) {
		shape.Monitoring.State = "enabled"
	} else {
		shape.Monitoring.State = "disabled"
	}

	for _, g := range a.values("vpc_security_group_ids", "SecurityGroups") {
		if _, ok := isUnknown(g); ok {
			a.unusable("vpc_security_group_ids", "SecurityGroups", g)
			continue
		}
		id, _ := stringOf(g)
		name, _ := m.ix.attrOf(g, "name")
		gn, _ := name.(string)
		shape.SecurityGroups = append(shape.SecurityGroups, awsshape.GroupIdentifier{GroupId: id, GroupName: gn})
		m.relate(relSecurityGroup, g)
	}
	for _, g := range a.values("security_groups", "SecurityGroups") {
		name, ok := m.ix.nameOf(g, "name")
		if !ok {
			a.unusable("security_groups", "SecurityGroups", g)
			continue
		}
		shape.SecurityGroups = append(shape.SecurityGroups, awsshape.GroupIdentifier{GroupName: name})
		m.relate(relSecurityGroup, g)
	}
	if len(shape.SecurityGroups) == 0 && !a.has("vpc_security_group_ids") && !a.has("security_groups") &&
		!a.has("network_interface") && !a.has("launch_template") {
		// Launched without a group, an instance gets its VPC's default one.
		shape.SecurityGroups = []awsshape.GroupIdentifier{{GroupName: "default"}}
	}

	shape.HasUserData, shape.UserDataSecrets = userData(a)

	// Volumes the instance creates.
	root, _ := a.block("root_block_device", "BlockDeviceMappings")
	shape.BlockDeviceMappings = append(shape.BlockDeviceMappings, awsshape.BlockDeviceMapping{
		DeviceName: root.known("device_name"), VolumeId: root.known("volume_id")})
	vols := []*mapping{instanceVolume(m, root, "/root_block_device", root.known("device_name"))}
	for _, b := range a.blocks("ebs_block_device", "BlockDeviceMappings") {
		dev := b.str("device_name", "BlockDeviceMappings")
		shape.BlockDeviceMappings = append(shape.BlockDeviceMappings, awsshape.BlockDeviceMapping{DeviceName: dev, VolumeId: b.known("volume_id")})
		vols = append(vols, instanceVolume(m, b, "/ebs_block_device["+dev+"]", dev))
	}

	name := m.tags()["Name"]
	m.emit(awsshape.TypeInstance, name, shape)
	for _, v := range vols {
		m.out = append(m.out, v.out...)
	}
}

// instancePublicIP is the instance's public address: its value in a
// state, a placeholder when one will be assigned (asked for, or given by
// the subnet's MapPublicIpOnLaunch, which is true in default subnets), ""
// when none will be.
func instancePublicIP(m *mapping) string {
	a, r := m.a, m.r
	if ip := a.known("public_ip"); ip != "" {
		return ip
	}
	placeholder := refString(tfmodel.Ref{Address: r.Address, Attribute: "public_ip"})
	if a.has("associate_public_ip_address") {
		if a.boolean("associate_public_ip_address", "PublicIpAddress", false) {
			return placeholder
		}
		return ""
	}
	if a.has("network_interface") {
		return "" // addressing is the network interface's
	}
	subnet := a.raw("subnet_id")
	if subnet == nil {
		return placeholder // launched into a default subnet
	}
	if t, _, ok := m.ix.resolve(subnet); ok {
		sa := attrs{m: m, vals: t.Attributes, at: t.Address + "."}
		def := t.Type == "aws_default_subnet"
		if sa.boolean("map_public_ip_on_launch", "PublicIpAddress", def) {
			return placeholder
		}
		return ""
	}
	m.unknown("PublicIpAddress", "subnet_id", "depends on the MapPublicIpOnLaunch of a subnet not defined here")
	return ""
}

// instanceMetadata reads metadata_options, from the instance or its
// launch template. Omitted settings take the EC2 defaults for the
// provider's requests: endpoint enabled, tokens optional (IMDSv1 allowed;
// an AMI registered with ImdsSupport v2.0 or an account-level default can
// make them required, which code does not show), hop limit 1.
func instanceMetadata(m *mapping) awsshape.MetadataOptions {
	const f = "MetadataOptions"
	mo, _ := m.a.block("metadata_options", f)
	if !m.a.has("metadata_options") && m.a.has("launch_template") {
		lt, _ := m.a.block("launch_template", f)
		ref := lt.raw("id")
		if ref == nil {
			ref = lt.raw("name")
		}
		t, _, found := m.ix.resolve(ref)
		if !found || (t.Type != "aws_launch_template" && t.Type != "aws_launch_configuration") {
			m.unknown(f, "launch_template", "metadata options come from a launch template not defined here")
			return awsshape.MetadataOptions{}
		}
		mo, _ = attrs{m: m, vals: t.Attributes, at: t.Address + "."}.block("metadata_options", f)
	}
	return awsshape.MetadataOptions{
		HttpTokens:              mo.strOr("http_tokens", f+".HttpTokens", "optional"),
		HttpEndpoint:            mo.strOr("http_endpoint", f+".HttpEndpoint", "enabled"),
		HttpPutResponseHopLimit: mo.integer("http_put_response_hop_limit", f+".HttpPutResponseHopLimit", 1),
	}
}

// userData reports whether an instance has user data and the secrets
// written in it (user_data, or user_data_base64 decoded). User data built
// at apply time (a rendered template) is there, with unknown content.
func userData(a attrs) (bool, []secrets.Finding) {
	for _, arg := range []string{"user_data", "user_data_base64"} {
		v := a.raw(arg)
		if v == nil {
			continue
		}
		if u, ok := isUnknown(v); ok {
			a.m.unknown("HasUserData", arg, u.Reason)
			a.m.unknown("UserDataSecrets", arg, u.Reason)
			return false, nil
		}
		if ref, ok := asRef(v); ok {
			a.m.unknown("UserDataSecrets", arg, "built from "+ref.Address+"."+ref.Attribute)
			return true, nil
		}
		s, ok := v.(string)
		if !ok {
			a.m.invalid("UserDataSecrets", arg, "want a string, got "+describe(v))
			return true, nil
		}
		if s == "" {
			continue
		}
		if arg == "user_data_base64" {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
			if err != nil {
				a.m.invalid("UserDataSecrets", arg, "not base64: "+err.Error())
				return true, nil
			}
			s = string(b)
		}
		return true, secrets.ScanText(s)
	}
	return false, nil
}

// instanceVolume maps a volume an instance creates from one of its block
// device blocks.
func instanceVolume(parent *mapping, b attrs, suffix, device string) *mapping {
	m := parent.sub(suffix)
	b.m = m // record this block's problems on the volume
	r := parent.r
	instanceID := parent.a.known("id")
	if instanceID == "" {
		instanceID = refString(tfmodel.Ref{Address: r.Address, Attribute: "id"})
	}
	v := awsshape.Volume{
		VolumeId:         b.known("volume_id"),
		Size:             b.integer("volume_size", "Size", 0), // 0: the AMI's snapshot size
		VolumeType:       b.str("volume_type", "VolumeType"),
		KmsKeyId:         b.str("kms_key_id", "KmsKeyId"),
		State:            "in-use",
		AvailabilityZone: parent.a.known("availability_zone"),
		SnapshotId:       b.str("snapshot_id", "SnapshotId"),
		Attachments:      []awsshape.VolumeAttachment{{InstanceId: instanceID, Device: device, State: "attached"}},
	}
	// The root volume is a copy of the AMI's snapshot, whose encryption
	// code does not show; AWS-provided AMIs are unencrypted, so an
	// unrequested root volume is taken as unencrypted unless EBS
	// encryption by default is on.
	v.Encrypted = ebsEncrypted(m, b, "snapshot_id")
	m.relateString(relEncryptedWith, v.KmsKeyId)
	m.rels = append(m.rels, asset.Relation{Type: relAttachedTo, Target: parent.ix.uid(r.Address)})
	tags := map[string]string{}
	for k, val := range parent.ix.defaultTags(r) {
		tags[k] = val
	}
	vt, _ := parent.a.strMap("volume_tags")
	for k, val := range vt {
		tags[k] = val
	}
	bt, _ := b.strMap("tags")
	for k, val := range bt {
		tags[k] = val
	}
	m.tagOverride = tags
	m.emit(awsshape.TypeVolume, "", v)
	return m
}

// ebsEncrypted decides whether a volume will be encrypted: as asked; or,
// when not said, like the snapshot it is created from (when that is a
// snapshot of this configuration) or by the region's EBS encryption by
// default (when this configuration turns it on), else not.
func ebsEncrypted(m *mapping, b attrs, snapshotArg string) bool {
	if b.has("encrypted") {
		return b.boolean("encrypted", "Encrypted", false)
	}
	if on, known := m.ix.ebsDefaultEncryption(m.r); known && on {
		return true
	}
	if snap := b.raw(snapshotArg); snap != nil {
		if t, _, ok := m.ix.resolve(snap); ok && t.Type == "aws_ebs_snapshot" {
			enc, reason := m.ix.snapshotEncrypted(t, 0)
			if reason != "" {
				m.unknown("Encrypted", b.at+snapshotArg, reason)
			}
			return enc
		}
		// A volume from a snapshot is encrypted when the snapshot is.
		m.unknown("Encrypted", b.at+snapshotArg, "inherited from a snapshot not defined here")
		return false
	}
	if _, known := m.ix.ebsDefaultEncryption(m.r); !known {
		m.unknown("Encrypted", "aws_ebs_encryption_by_default.enabled", "EBS encryption by default is set from an unknown value")
	}
	return false
}

// ebsDefaultEncryption reports whether this configuration turns on EBS
// encryption by default in the resource's region. known is false when the
// setting is unknown.
func (ix *index) ebsDefaultEncryption(r *tfmodel.Resource) (on, known bool) {
	region := ix.region(r)
	known = true
	for _, d := range ix.byType["aws_ebs_encryption_by_default"] {
		if ix.region(d) != region {
			continue
		}
		switch v := ix.arg(d, "enabled").(type) {
		case nil:
			on = true // enabled defaults to true
		case bool:
			on = on || v
		default:
			known = false
		}
	}
	return on, known
}

// snapshotEncrypted decides whether a snapshot of this configuration is
// encrypted (as its volume is); reason is set when that is unknown.
func (ix *index) snapshotEncrypted(s *tfmodel.Resource, depth int) (bool, string) {
	if b, ok := ix.arg(s, "encrypted").(bool); ok {
		return b, "" // a state records it
	}
	if depth > 4 {
		return false, "snapshot and volume refer to each other"
	}
	vol := ix.arg(s, "volume_id")
	t, _, ok := ix.resolve(vol)
	if !ok || t.Type != "aws_ebs_volume" {
		return false, "inherited from a volume not defined here"
	}
	enc := ix.arg(t, "encrypted")
	if b, ok := enc.(bool); ok {
		return b, ""
	}
	if enc != nil {
		return false, "the volume's encryption is known only at apply time"
	}
	if on, known := ix.ebsDefaultEncryption(t); known && on {
		return true, ""
	}
	if snap := ix.arg(t, "snapshot_id"); snap != nil {
		if st, _, ok := ix.resolve(snap); ok && st.Type == "aws_ebs_snapshot" {
			return ix.snapshotEncrypted(st, depth+1)
		}
		return false, "inherited from a snapshot not defined here"
	}
	return false, ""
}

// mapVolume maps an aws_ebs_volume with its aws_volume_attachments.
func mapVolume(m *mapping) {
	a, r := m.a, m.r
	v := awsshape.Volume{
		VolumeId:         a.known("id"),
		Size:             a.integer("size", "Size", 0),
		VolumeType:       a.strOr("type", "VolumeType", "gp2"),
		KmsKeyId:         a.str("kms_key_id", "KmsKeyId"),
		State:            "available",
		AvailabilityZone: a.str("availability_zone", "AvailabilityZone"),
		SnapshotId:       a.str("snapshot_id", "SnapshotId"),
		Attachments:      []awsshape.VolumeAttachment{},
	}
	v.Encrypted = ebsEncrypted(m, a, "snapshot_id")
	m.relateString(relEncryptedWith, v.KmsKeyId)
	for _, c := range m.ix.linked("aws_volume_attachment", "volume_id", r, idsOf(r, "id")...) {
		ca := m.on(c)
		v.Attachments = append(v.Attachments, awsshape.VolumeAttachment{
			InstanceId: ca.str("instance_id", "Attachments"),
			Device:     ca.str("device_name", "Attachments"),
			State:      "attached",
		})
		m.relate(relAttachedTo, ca.raw("instance_id"))
	}
	if len(v.Attachments) > 0 {
		v.State = "in-use"
	}
	name := m.tags()["Name"]
	m.emit(awsshape.TypeVolume, name, v)
}

// mapSnapshot maps an aws_ebs_snapshot with its create-volume
// permissions.
func mapSnapshot(m *mapping) {
	a, r := m.a, m.r
	s := awsshape.Snapshot{
		SnapshotId:         a.known("id"),
		VolumeId:           a.str("volume_id", "VolumeId"),
		OwnerId:            a.known("owner_id"),
		State:              "completed",
		Description:        a.str("description", "Description"),
		SharedWithAccounts: []string{},
	}
	enc, reason := m.ix.snapshotEncrypted(r, 0)
	if reason != "" {
		m.unknown("Encrypted", "volume_id", reason)
	}
	s.Encrypted = enc
	s.KmsKeyId = a.known("kms_key_id")
	if vol, _, ok := m.ix.resolve(a.raw("volume_id")); ok {
		va := attrs{m: m, vals: vol.Attributes, at: vol.Address + "."}
		s.VolumeSize = va.integer("size", "VolumeSize", 0)
		if s.KmsKeyId == "" {
			s.KmsKeyId = va.str("kms_key_id", "KmsKeyId")
		}
	} else if n, ok := a.raw("volume_size").(int64); ok {
		s.VolumeSize = n
	}
	for _, c := range m.ix.linked("aws_snapshot_create_volume_permission", "snapshot_id", r, idsOf(r, "id")...) {
		acct := m.on(c).str("account_id", "SharedWithAccounts")
		switch {
		case acct == "":
		case strings.EqualFold(acct, "all"):
			// EC2 makes a snapshot public through the group "all"; an
			// account_id of "all" asks for exactly that.
			s.Public = true
		default:
			s.SharedWithAccounts = append(s.SharedWithAccounts, acct)
		}
	}
	s.SharedWithAccounts = sortedSet(s.SharedWithAccounts)
	name := m.tags()["Name"]
	m.emit(awsshape.TypeSnapshot, name, s)
}
