package tfmap

import (
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_lb", mapLoadBalancer)
	register("aws_alb", mapLoadBalancer)
	register("aws_elb", mapClassicELB)
	joined("aws_lb_listener", "aws_alb_listener")
}

// mapLoadBalancer maps an Application, Network or Gateway Load Balancer
// with its listeners (aws_lb_listener, or the older aws_alb_listener) and
// the attributes DescribeLoadBalancerAttributes reports, defaulted as AWS
// does: access logs and deletion protection off, invalid headers kept,
// desync mitigation "defensive" (Application Load Balancers only).
func mapLoadBalancer(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "LoadBalancerName") // omitted: generated at apply
	lb := awsshape.LoadBalancer{
		LoadBalancerName:        name,
		LoadBalancerArn:         a.known("arn"),
		Type:                    a.strOr("load_balancer_type", "Type", "application"),
		Scheme:                  "internet-facing",
		DNSName:                 a.known("dns_name"),
		VpcId:                   a.known("vpc_id"),
		SecurityGroups:          sortedSet(a.strs("security_groups", "SecurityGroups")),
		Listeners:               []awsshape.Listener{},
		DropInvalidHeaderFields: a.boolean("drop_invalid_header_fields", "DropInvalidHeaderFields", false),
		DeletionProtection:      a.boolean("enable_deletion_protection", "DeletionProtection", false),
	}
	if a.boolean("internal", "Scheme", false) {
		lb.Scheme = "internal"
	}
	if lb.Type == "application" {
		lb.DesyncMitigationMode = a.strOr("desync_mitigation_mode", "DesyncMitigationMode", "defensive")
	}
	if al, ok := a.block("access_logs", "AccessLogsEnabled"); ok {
		// enabled defaults to false, even with a bucket.
		lb.AccessLogsEnabled = al.boolean("enabled", "AccessLogsEnabled", false)
		lb.AccessLogsBucket = al.str("bucket", "AccessLogsBucket")
	}
	for _, g := range a.values("security_groups", "SecurityGroups") {
		m.relate(relSecurityGroup, g)
	}
	if lb.VpcId == "" {
		for _, s := range a.values("subnets", "VpcId") {
			if v, ok := m.ix.attrOf(s, "vpc_id"); ok {
				lb.VpcId, _ = stringOf(v)
				m.relate(relInVPC, v)
				break
			}
		}
	}
	ids := idsOf(r, "arn", "id")
	for _, t := range []string{"aws_lb_listener", "aws_alb_listener"} {
		for _, c := range m.ix.linked(t, "load_balancer_arn", r, ids...) {
			lb.Listeners = append(lb.Listeners, listener(m.on(c), lb.Type))
		}
	}
	sort.SliceStable(lb.Listeners, func(i, j int) bool { return lb.Listeners[i].Port < lb.Listeners[j].Port })
	m.emit(awsshape.TypeLoadBalancer, name, lb)
}

// listener reads an aws_lb_listener. The protocol defaults by load
// balancer type; an HTTPS or TLS listener without ssl_policy gets AWS's
// default policy, ELBSecurityPolicy-2016-08.
func listener(a attrs, lbType string) awsshape.Listener {
	const f = "Listeners"
	def := map[string]string{"application": "HTTP", "network": "TCP", "gateway": "GENEVE"}[lbType]
	l := awsshape.Listener{
		ListenerArn:    a.known("arn"),
		Port:           a.integer("port", f, 0),
		Protocol:       strings.ToUpper(a.strOr("protocol", f, def)),
		SslPolicy:      a.str("ssl_policy", f),
		Certificates:   []string{},
		DefaultActions: []awsshape.ListenerAction{},
	}
	if l.SslPolicy == "" && (l.Protocol == "HTTPS" || l.Protocol == "TLS") && !a.has("ssl_policy") {
		l.SslPolicy = "ELBSecurityPolicy-2016-08"
	}
	if c := a.str("certificate_arn", f); c != "" {
		l.Certificates = append(l.Certificates, c)
	}
	type ordered struct {
		order  int64
		action awsshape.ListenerAction
	}
	var acts []ordered
	for i, b := range a.blocks("default_action", f) {
		act := awsshape.ListenerAction{Type: b.str("type", f)}
		if rd, ok := b.block("redirect", f); ok {
			act.RedirectProtocol = rd.strOr("protocol", f, "#{protocol}")
		}
		acts = append(acts, ordered{b.integer("order", f, int64(i+1)), act})
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].order < acts[j].order })
	for _, o := range acts {
		l.DefaultActions = append(l.DefaultActions, o.action)
	}
	return l
}

// mapClassicELB maps a Classic Load Balancer: its listener blocks (the
// API spells protocols in upper case), access logs (enabled by default
// once the block is written) and cross-zone balancing (on by default in
// the provider).
func mapClassicELB(m *mapping) {
	a := m.a
	name := a.str("name", "LoadBalancerName")
	lb := awsshape.ClassicLoadBalancer{
		LoadBalancerName:       name,
		DNSName:                a.known("dns_name"),
		Scheme:                 "internet-facing",
		SecurityGroups:         sortedSet(a.strs("security_groups", "SecurityGroups")),
		ListenerDescriptions:   []awsshape.ClassicListener{},
		CrossZoneLoadBalancing: a.boolean("cross_zone_load_balancing", "CrossZoneLoadBalancing", true),
	}
	if a.boolean("internal", "Scheme", false) {
		lb.Scheme = "internal"
	}
	for _, s := range a.values("subnets", "VPCId") {
		if v, ok := m.ix.attrOf(s, "vpc_id"); ok {
			lb.VPCId, _ = stringOf(v)
			break
		}
	}
	for _, l := range a.blocks("listener", "ListenerDescriptions") {
		const f = "ListenerDescriptions"
		lb.ListenerDescriptions = append(lb.ListenerDescriptions, awsshape.ClassicListener{
			Protocol:         strings.ToUpper(l.str("lb_protocol", f)),
			LoadBalancerPort: l.integer("lb_port", f, 0),
			InstanceProtocol: strings.ToUpper(l.str("instance_protocol", f)),
			InstancePort:     l.integer("instance_port", f, 0),
			SSLCertificateId: l.str("ssl_certificate_id", f),
		})
	}
	sort.SliceStable(lb.ListenerDescriptions, func(i, j int) bool {
		return lb.ListenerDescriptions[i].LoadBalancerPort < lb.ListenerDescriptions[j].LoadBalancerPort
	})
	if al, ok := a.block("access_logs", "AccessLogEnabled"); ok {
		lb.AccessLogEnabled = al.boolean("enabled", "AccessLogEnabled", true)
		lb.AccessLogBucket = al.str("bucket", "AccessLogBucket")
	}
	for _, g := range a.values("security_groups", "SecurityGroups") {
		m.relate(relSecurityGroup, g)
	}
	m.emit(awsshape.TypeClassicELB, name, lb)
}
