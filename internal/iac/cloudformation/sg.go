package cloudformation

import (
	"fmt"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

// mapSecurityGroup maps AWS::EC2::SecurityGroup, with the
// AWS::EC2::SecurityGroupIngress/Egress resources that add rules to it, to
// aws.ec2.security_group. Rules are listed as DescribeSecurityGroups lists
// them: one IpPermission per protocol and port range, holding every source.
func mapSecurityGroup(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	vpc, hasVPC := m.get("VpcId")
	if hasVPC {
		m.relate(relInVPC, vpc)
	}
	g := awsshape.SecurityGroup{
		GroupId:     "${" + r.id + "}",
		GroupName:   t.groupName(r),
		Description: m.str("Description", "GroupDescription", ""),
		VpcId:       m.toStr("VpcId", "VpcId", vpc, hasVPC, ""),
		OwnerId:     t.pseudo("AWS::AccountId").text,
	}
	if hasVPC {
		g.VpcId = t.idText(vpc)
	}
	if n, ok := t.physicalName(r); ok {
		m.name = n
	}

	in := &permissions{}
	for _, it := range m.items("IpPermissions", "SecurityGroupIngress") {
		in.add(m, "IpPermissions", it, false)
	}
	out := &permissions{}
	egressRules := m.items("IpPermissionsEgress", "SecurityGroupEgress")
	if v, _ := m.get("SecurityGroupEgress"); len(egressRules) == 0 && !isUnknown(v) {
		// Without egress rules of its own, a VPC security group gets the
		// default rule allowing all outbound IPv4 traffic (every account is
		// VPC-only now: without VpcId the group is in the default VPC).
		out.add(m, "IpPermissionsEgress", map[string]any{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}, true)
	}
	for _, it := range egressRules {
		out.add(m, "IpPermissionsEgress", it, true)
	}

	for _, kind := range []struct {
		typ, fieldPath string
		perms          *permissions
		egress         bool
	}{
		{"AWS::EC2::SecurityGroupIngress", "IpPermissions", in, false},
		{"AWS::EC2::SecurityGroupEgress", "IpPermissionsEgress", out, true},
	} {
		t.each(kind.typ, func(rule *resource) {
			rm := m.other(rule)
			target := t.target(rm.p["GroupId"], "AWS::EC2::SecurityGroup")
			if target == nil && !kind.egress {
				target = t.target(rm.p["GroupName"], "AWS::EC2::SecurityGroup")
			}
			if target != r {
				return
			}
			kind.perms.add(rm, kind.fieldPath, rm.p, kind.egress)
			m.absorb(rm, kind.fieldPath)
			m.conditional(kind.fieldPath, rule)
		})
	}
	g.IpPermissions, g.IpPermissionsEgress = in.list, out.list
	return g
}

func isUnknown(v any) bool {
	_, ok := v.(unknown)
	return ok
}

// permissions merges rules into IpPermissions by protocol and ports.
type permissions struct {
	list  []awsshape.IpPermission
	index map[string]int
}

// protocolNames are the protocols EC2 lists by name, whatever number or
// case the template uses.
var protocolNames = map[string]string{
	"-1": "-1", "all": "-1",
	"tcp": "tcp", "6": "tcp",
	"udp": "udp", "17": "udp",
	"icmp": "icmp", "1": "icmp",
	"icmpv6": "icmpv6", "58": "icmpv6",
}

// add merges one rule (a SecurityGroupIngress/Egress item or resource)
// read through src; its problems are recorded at fieldPath.
func (ps *permissions) add(src *rmap, fieldPath string, rule map[string]any, egress bool) {
	t := src.t
	protoV, hasProto := rule["IpProtocol"]
	if u, ok := protoV.(unknown); ok {
		src.unknown(fieldPath, u)
		return
	}
	proto, ok := scalarText(protoV)
	if !hasProto || !ok || proto == "" {
		src.invalid(fieldPath, "IpProtocol", protoV, "a protocol")
		return
	}
	proto = strings.ToLower(strings.TrimSpace(proto))
	if n, known := protocolNames[proto]; known {
		proto = n
	}
	p := awsshape.IpPermission{IpProtocol: proto}
	// EC2 keeps ports for TCP, UDP and ICMP only: every other protocol
	// (and -1, all traffic) covers every port.
	switch proto {
	case "tcp", "udp", "icmp", "icmpv6":
		if v, ok := rule["FromPort"]; ok && v != nil {
			n := src.toInt(fieldPath, "FromPort", v, true, 0)
			p.FromPort = &n
		}
		if v, ok := rule["ToPort"]; ok && v != nil {
			n := src.toInt(fieldPath, "ToPort", v, true, 0)
			p.ToPort = &n
		}
	}
	text := func(key string) (string, bool) {
		v, ok := rule[key]
		if !ok || v == nil {
			return "", false
		}
		switch x := v.(type) {
		case unknown:
			src.unknown(fieldPath, unknown{reason: key + ": " + x.reason})
			return "", false
		case opaque:
			if !x.known && (key == "CidrIp" || key == "CidrIpv6") {
				src.unknown(fieldPath, unknown{reason: fmt.Sprintf("%s is %s", key, x.text)})
				return "", false
			}
		}
		return t.idText(v), true
	}
	desc, _ := text("Description")
	prefix, groupKey, nameKey := "Source", "SourceSecurityGroupId", "SourceSecurityGroupName"
	if egress {
		prefix, groupKey, nameKey = "Destination", "DestinationSecurityGroupId", ""
	}
	added := false
	if c, ok := text("CidrIp"); ok {
		p.IpRanges = append(p.IpRanges, awsshape.IpRange{CidrIp: c, Description: desc})
		added = true
	}
	if c, ok := text("CidrIpv6"); ok {
		p.Ipv6Ranges = append(p.Ipv6Ranges, awsshape.Ipv6Range{CidrIpv6: c, Description: desc})
		added = true
	}
	if id, ok := text(prefix + "PrefixListId"); ok {
		p.PrefixListIds = append(p.PrefixListIds, awsshape.PrefixListId{PrefixListId: id})
		added = true
	}
	if id, ok := text(groupKey); ok {
		owner, _ := text("SourceSecurityGroupOwnerId")
		p.UserIdGroupPairs = append(p.UserIdGroupPairs, awsshape.UserIdGroupPair{GroupId: id, UserId: owner})
		added = true
	} else if nameKey != "" {
		if v, ok := rule[nameKey]; ok && v != nil {
			pair := awsshape.UserIdGroupPair{}
			if sg := t.target(v, "AWS::EC2::SecurityGroup"); sg != nil {
				pair.GroupId = "${" + sg.id + "}"
			}
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, pair)
			added = true
		}
	}
	if !added {
		if hasUnknownSource(rule) {
			return // recorded above
		}
		src.invalid(fieldPath, "SecurityGroupIngress/Egress rule", rule, "a rule with a source or destination")
		return
	}
	key := fmt.Sprintf("%s|%s|%s", p.IpProtocol, portKey(p.FromPort), portKey(p.ToPort))
	if ps.index == nil {
		ps.index = map[string]int{}
	}
	i, seen := ps.index[key]
	if !seen {
		ps.index[key] = len(ps.list)
		ps.list = append(ps.list, p)
		return
	}
	e := &ps.list[i]
	e.IpRanges = appendNew(e.IpRanges, p.IpRanges...)
	e.Ipv6Ranges = appendNew(e.Ipv6Ranges, p.Ipv6Ranges...)
	e.PrefixListIds = appendNew(e.PrefixListIds, p.PrefixListIds...)
	e.UserIdGroupPairs = appendNew(e.UserIdGroupPairs, p.UserIdGroupPairs...)
}

func hasUnknownSource(rule map[string]any) bool {
	for _, k := range []string{"CidrIp", "CidrIpv6", "SourcePrefixListId", "DestinationPrefixListId", "SourceSecurityGroupId", "DestinationSecurityGroupId", "SourceSecurityGroupName"} {
		if isUnknown(rule[k]) {
			return true
		}
		if o, ok := rule[k].(opaque); ok && !o.known && (k == "CidrIp" || k == "CidrIpv6") {
			return true
		}
	}
	return false
}

func portKey(p *int64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

// appendNew appends the elements not already present.
func appendNew[T comparable](list []T, add ...T) []T {
	for _, a := range add {
		dup := false
		for _, e := range list {
			if e == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}
