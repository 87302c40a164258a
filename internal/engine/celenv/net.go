package celenv

import (
	"fmt"
	"net/netip"
	"strings"
)

// parseCIDR reads a CIDR block or a bare address (a single-address block).
// Host bits are cleared, as AWS does, and IPv4-mapped IPv6 blocks are
// treated as the IPv4 block they map.
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, fmt.Errorf("invalid CIDR %q", s)
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("invalid CIDR %q", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// cidrIsInternet reports whether a block is the whole address space of its
// family (0.0.0.0/0 or ::/0, however written).
func cidrIsInternet(s string) (bool, error) {
	p, err := parseCIDR(s)
	if err != nil {
		return false, err
	}
	return p.Bits() == 0, nil
}

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Address space that is not reachable from the internet: private, shared,
// loopback, link-local, documentation, benchmarking, multicast and reserved
// ranges (IANA special-purpose registries, RFC 6890 and successors).
var (
	nonPublic4 = mustPrefixes(
		"0.0.0.0/8",       // "this network"
		"10.0.0.0/8",      // RFC 1918
		"100.64.0.0/10",   // carrier-grade NAT (RFC 6598)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local
		"172.16.0.0/12",   // RFC 1918
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1
		"192.168.0.0/16",  // RFC 1918
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2
		"203.0.113.0/24",  // TEST-NET-3
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, including broadcast
	)
	// Only 2000::/3 is global unicast; within it a few blocks are not routed.
	nonPublic6 = mustPrefixes(
		"::/3",
		"4000::/2",
		"8000::/1",      // includes ULA fc00::/7, link-local fe80::/10, multicast ff00::/8
		"2001:2::/48",   // benchmarking
		"2001:10::/28",  // ORCHID (deprecated)
		"2001:20::/28",  // ORCHIDv2
		"2001:db8::/32", // documentation
		"3fff::/20",     // documentation (RFC 9637)
	)
)

// cidrIsPublic reports whether a block contains at least one publicly
// routable address.
func cidrIsPublic(s string) (bool, error) {
	p, err := parseCIDR(s)
	if err != nil || p.Bits() == 0 {
		return err == nil, err // the whole space is the common case
	}
	blocks := nonPublic4
	if p.Addr().Is6() {
		blocks = nonPublic6
	}
	return !covered(p, blocks), nil
}

// covered reports whether every address of p lies in some block. When no
// single block holds p but some lie inside it, p is split in halves; the
// recursion only descends where a block boundary falls inside p, so it is
// bounded by the address length times the number of blocks.
func covered(p netip.Prefix, blocks []netip.Prefix) bool {
	overlaps := false
	for _, b := range blocks {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return true
		}
		if b.Overlaps(p) {
			overlaps = true
		}
	}
	if !overlaps || p.Bits() == p.Addr().BitLen() {
		return false
	}
	lo, hi := halves(p)
	return covered(lo, blocks) && covered(hi, blocks)
}

// halves splits a (masked) prefix into its two sub-prefixes one bit longer.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits()
	lo := netip.PrefixFrom(p.Addr(), bits+1)
	if p.Addr().Is4() {
		a := p.Addr().As4()
		a[bits/8] |= 0x80 >> (bits % 8)
		return lo, netip.PrefixFrom(netip.AddrFrom4(a), bits+1)
	}
	a := p.Addr().As16()
	a[bits/8] |= 0x80 >> (bits % 8)
	return lo, netip.PrefixFrom(netip.AddrFrom16(a), bits+1)
}

// cidrContains reports whether the block holds the address (or, given a
// block as second argument, the whole of it). Different families never
// contain each other.
func cidrContains(cidr, ip string) (bool, error) {
	outer, err := parseCIDR(cidr)
	if err != nil {
		return false, err
	}
	inner, err := parseCIDR(ip)
	if err != nil {
		return false, err
	}
	if outer.Addr().Is4() != inner.Addr().Is4() {
		return false, nil
	}
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr()), nil
}

// portRangeOverlaps reports whether [from, to] and [lo, hi] share a port;
// either range may be written backwards.
func portRangeOverlaps(from, to, lo, hi int64) bool {
	if from > to {
		from, to = to, from
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	return from <= hi && lo <= to
}

// protocolName normalises an IP protocol as EC2 and IaC spell it: names in
// any case or IANA numbers; "-1" and "all" mean every protocol.
func protocolName(p string) string {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "-1", "all":
		return "all"
	case "tcp", "6":
		return "tcp"
	case "udp", "17":
		return "udp"
	case "icmp", "1":
		return "icmp"
	case "icmpv6", "58":
		return "icmpv6"
	default:
		return strings.ToLower(strings.TrimSpace(p))
	}
}

// permissionIncludes reports whether a security group rule (an
// awsshape.IpPermission document) admits traffic of the protocol ("tcp" or
// "udp") to the port. A rule for every protocol admits every port; a
// TCP/UDP rule without ports (or with -1) admits every port of its protocol.
func permissionIncludes(perm any, protocol string, port int64) (bool, error) {
	if _, ok := perm.(map[string]any); !ok {
		return false, fmt.Errorf("permission must be a map, got %s", describe(perm))
	}
	rawProto, _ := field(perm, "IpProtocol")
	ps, ok := rawProto.(string)
	if !ok {
		if rawProto == nil {
			return false, fmt.Errorf("permission has no IpProtocol")
		}
		n, err := toInt(rawProto) // some IaC sources write the protocol as a number
		if err != nil {
			return false, fmt.Errorf("IpProtocol: %v", err)
		}
		ps = fmt.Sprint(n)
	}
	got := protocolName(ps)
	if got == "all" {
		return true, nil
	}
	if got != protocolName(protocol) || (got != "tcp" && got != "udp") {
		return false, nil
	}
	from, okFrom, err := optPort(perm, "FromPort")
	if err != nil {
		return false, err
	}
	to, okTo, err := optPort(perm, "ToPort")
	if err != nil {
		return false, err
	}
	if !okFrom || !okTo || from == -1 || to == -1 {
		return true, nil
	}
	return portRangeOverlaps(from, to, port, port), nil
}

// optPort reads FromPort/ToPort; ok is false when it is absent or null.
func optPort(perm any, name string) (int64, bool, error) {
	v, _ := field(perm, name)
	if v == nil {
		return 0, false, nil
	}
	n, err := toInt(v)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %v", name, err)
	}
	return n, true, nil
}

// sgOpen reports whether some rule admits TCP traffic to the port from a
// source block accepted by match.
func sgOpen(perms any, port int64, match func(string) (bool, error)) (bool, error) {
	if !isList(perms) {
		return false, fmt.Errorf("permissions must be a list, got %s", describe(perms))
	}
	var err error
	open := false
	each(perms, func(perm any) bool {
		var inc bool
		if inc, err = permissionIncludes(perm, "tcp", port); err != nil || !inc {
			return err == nil
		}
		for _, r := range [...]struct{ list, key string }{{"IpRanges", "CidrIp"}, {"Ipv6Ranges", "CidrIpv6"}} {
			ranges, _ := field(perm, r.list)
			each(ranges, func(rng any) bool {
				c, _ := field(rng, r.key)
				s, ok := c.(string)
				if !ok {
					err = fmt.Errorf("%s entry has no %s", r.list, r.key)
					return false
				}
				open, err = match(s)
				return err == nil && !open
			})
			if err != nil || open {
				return false
			}
		}
		return true
	})
	return open, err
}
