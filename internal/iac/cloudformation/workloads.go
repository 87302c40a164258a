package cloudformation

import (
	"regexp"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// mapKey maps AWS::KMS::Key to aws.kms.key.
func mapKey(m *rmap) any {
	r := m.r
	m.tags = m.tagsFrom("Tags")
	k := awsshape.Key{
		KeyId:       "${" + r.id + "}",
		Arn:         "${" + r.id + ".Arn}",
		Description: m.str("Description", "Description", ""),
		KeyManager:  "CUSTOMER",
		KeySpec:     m.str("KeySpec", "KeySpec", "SYMMETRIC_DEFAULT"),
		KeyUsage:    m.str("KeyUsage", "KeyUsage", "ENCRYPT_DECRYPT"),
		Origin:      m.str("Origin", "Origin", "AWS_KMS"),
		Enabled:     m.boolean("Enabled", "Enabled", true),
		MultiRegion: m.boolean("MultiRegion", "MultiRegion", false),
	}
	k.KeyState = "Enabled"
	if !k.Enabled {
		k.KeyState = "Disabled"
	}
	if hasError(m, "Enabled") {
		m.unknown("KeyState", unknown{reason: "KeyState follows Enabled"})
	}
	// Rotation exists only for symmetric keys whose material KMS made; it
	// is off unless EnableKeyRotation says otherwise.
	if k.KeySpec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS" {
		on := m.boolean("KeyRotationEnabled", "EnableKeyRotation", false)
		k.KeyRotationEnabled = &on
	}
	return k
}

// mapECRRepository maps AWS::ECR::Repository to aws.ecr.repository.
func mapECRRepository(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	repo := awsshape.ECRRepository{
		RepositoryName: "${" + r.id + "}",
		RepositoryArn:  "${" + r.id + ".Arn}",
		RepositoryUri:  "${" + r.id + ".RepositoryUri}",
		// ECR's defaults: mutable tags, no scan on push, AES256.
		ImageTagMutability:         m.str("ImageTagMutability", "ImageTagMutability", "MUTABLE"),
		ImageScanningConfiguration: awsshape.ImageScanningConfiguration{ScanOnPush: m.boolean("ImageScanningConfiguration.ScanOnPush", "ImageScanningConfiguration.ScanOnPush", false)},
		EncryptionConfiguration: awsshape.ECREncryption{
			EncryptionType: m.str("EncryptionConfiguration.EncryptionType", "EncryptionConfiguration.EncryptionType", "AES256"),
			KmsKey:         m.str("EncryptionConfiguration.KmsKey", "EncryptionConfiguration.KmsKey", ""),
		},
		Policy: m.document("Policy", "RepositoryPolicyText"),
	}
	if n, ok := t.physicalName(r); ok {
		m.name = n
		repo.RepositoryName = n
		repo.RepositoryArn = t.arnOf("ecr", true, "repository/"+n)
	}
	if v, ok := m.get("LifecyclePolicy.LifecyclePolicyText"); ok && v != nil {
		if u, isU := v.(unknown); isU {
			m.unknown("HasLifecyclePolicy", u)
		} else {
			repo.HasLifecyclePolicy = true
		}
	}
	return repo
}

// vpcOfSubnets returns the VPC of the first subnet of the template in a
// list.
func (t *template) vpcOfSubnets(list []any) any {
	for _, s := range list {
		if vpc, ok := t.subnetVPC(s); ok {
			return vpc
		}
	}
	return nil
}

// idTexts renders a list of IDs.
func (t *template) idTexts(list []any) []string {
	out := make([]string, 0, len(list))
	for _, e := range list {
		if isUnknown(e) {
			continue
		}
		out = append(out, t.idText(e))
	}
	return out
}

// mapEKSCluster maps AWS::EKS::Cluster to aws.eks.cluster.
func mapEKSCluster(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	c := awsshape.EKSCluster{
		Name:    "${" + r.id + "}",
		Arn:     "${" + r.id + ".Arn}",
		Version: m.str("Version", "Version", "${"+r.id+".Version}"),
		Status:  "ACTIVE",
		RoleArn: m.str("RoleArn", "RoleArn", ""),
	}
	if n, ok := t.physicalName(r); ok {
		m.name, c.Name = n, n
		c.Arn = t.arnOf("eks", true, "cluster/"+n)
	}
	subnets, _ := m.get("ResourcesVpcConfig.SubnetIds")
	sl := m.anyList("ResourcesVpcConfig.SubnetIds", "ResourcesVpcConfig.SubnetIds", subnets)
	groups, _ := m.get("ResourcesVpcConfig.SecurityGroupIds")
	gl := m.anyList("ResourcesVpcConfig.SecurityGroupIds", "ResourcesVpcConfig.SecurityGroupIds", groups)
	for _, g := range gl {
		m.relate(relSecurityGroup, g)
	}
	const vc = "ResourcesVpcConfig."
	c.ResourcesVpcConfig = awsshape.EKSVpcConfig{
		VpcId:            t.idText(t.vpcOfSubnets(sl)),
		SubnetIds:        t.idTexts(sl),
		SecurityGroupIds: t.idTexts(gl),
		// EKS's defaults: a public endpoint open to all, no private one.
		EndpointPublicAccess:  m.boolean(vc+"EndpointPublicAccess", vc+"EndpointPublicAccess", true),
		EndpointPrivateAccess: m.boolean(vc+"EndpointPrivateAccess", vc+"EndpointPrivateAccess", false),
		PublicAccessCidrs:     m.strs(vc+"PublicAccessCidrs", vc+"PublicAccessCidrs"),
	}
	if _, set := m.get(vc + "PublicAccessCidrs"); !set {
		c.ResourcesVpcConfig.PublicAccessCidrs = []string{"0.0.0.0/0"}
	}
	for _, it := range m.items("EnabledLogTypes", "Logging.ClusterLogging.EnabledTypes") {
		if s := m.toStr("EnabledLogTypes", "Logging.ClusterLogging.EnabledTypes.Type", it["Type"], true, ""); s != "" {
			c.EnabledLogTypes = append(c.EnabledLogTypes, s)
		}
	}
	for _, it := range m.items("EncryptionConfig", "EncryptionConfig") {
		key, _ := lookup(it, "Provider.KeyArn")
		m.relate(relEncryptedWith, key)
		c.EncryptionConfig = append(c.EncryptionConfig, awsshape.EKSEncryptionConfig{
			Resources: m.toStrs("EncryptionConfig", "EncryptionConfig.Resources", it["Resources"], true),
			KeyArn:    m.toStr("EncryptionConfig", "EncryptionConfig.Provider.KeyArn", key, true, ""),
		})
	}
	return c
}

// mapOpenSearch maps AWS::OpenSearchService::Domain and
// AWS::Elasticsearch::Domain to aws.opensearch.domain.
func mapOpenSearch(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	clusterKey := "ClusterConfig"
	d := awsshape.OpenSearchDomain{
		DomainName: "${" + r.id + "}",
		ARN:        "${" + r.id + ".Arn}",
		// Every domain takes automated snapshots (hourly for OpenSearch).
		AutomatedSnapshotEnabled: true,
	}
	if r.typ == "AWS::Elasticsearch::Domain" {
		clusterKey = "ElasticsearchClusterConfig"
		// Elasticsearch's default version in CloudFormation is 1.5.
		d.EngineVersion = "Elasticsearch_" + m.str("EngineVersion", "ElasticsearchVersion", "1.5")
	} else {
		// Unset, the domain gets the latest OpenSearch version.
		d.EngineVersion = m.str("EngineVersion", "EngineVersion", "${"+r.id+".EngineVersion}")
	}
	if n, ok := t.physicalName(r); ok {
		m.name, d.DomainName = n, n
		d.ARN = t.arnOf("es", true, "domain/"+n)
	}
	d.AccessPolicies = m.document("AccessPolicies", "AccessPolicies")
	d.EncryptionAtRestOptions = awsshape.EncryptionAtRest{
		Enabled:  m.boolean("EncryptionAtRestOptions.Enabled", "EncryptionAtRestOptions.Enabled", false),
		KmsKeyId: m.str("EncryptionAtRestOptions.KmsKeyId", "EncryptionAtRestOptions.KmsKeyId", ""),
	}
	d.NodeToNodeEncryptionOptions.Enabled = m.boolean("NodeToNodeEncryptionOptions.Enabled", "NodeToNodeEncryptionOptions.Enabled", false)
	d.DomainEndpointOptions = awsshape.DomainEndpointOptions{
		EnforceHTTPS:      m.boolean("DomainEndpointOptions.EnforceHTTPS", "DomainEndpointOptions.EnforceHTTPS", false),
		TLSSecurityPolicy: m.str("DomainEndpointOptions.TLSSecurityPolicy", "DomainEndpointOptions.TLSSecurityPolicy", ""),
	}
	if _, set := m.get("DomainEndpointOptions.TLSSecurityPolicy"); !set {
		// The API documents no default: the service chooses it.
		m.unknown("DomainEndpointOptions.TLSSecurityPolicy", unknown{reason: "TLSSecurityPolicy is not set: the service picks its default policy"})
	}
	if v, ok := m.get("VPCOptions"); ok && v != nil {
		if u, isU := v.(unknown); isU {
			m.unknown("VPCOptions", u)
		} else {
			subnets, _ := m.get("VPCOptions.SubnetIds")
			sl := m.anyList("VPCOptions.SubnetIds", "VPCOptions.SubnetIds", subnets)
			groups, _ := m.get("VPCOptions.SecurityGroupIds")
			gl := m.anyList("VPCOptions.SecurityGroupIds", "VPCOptions.SecurityGroupIds", groups)
			for _, g := range gl {
				m.relate(relSecurityGroup, g)
			}
			d.VPCOptions = &awsshape.DomainVPCOptions{VPCId: t.idText(t.vpcOfSubnets(sl)), SubnetIds: t.idTexts(sl), SecurityGroupIds: t.idTexts(gl)}
		}
	}
	d.AdvancedSecurityOptions = awsshape.AdvancedSecurityOptions{
		Enabled:                     m.boolean("AdvancedSecurityOptions.Enabled", "AdvancedSecurityOptions.Enabled", false),
		InternalUserDatabaseEnabled: m.boolean("AdvancedSecurityOptions.InternalUserDatabaseEnabled", "AdvancedSecurityOptions.InternalUserDatabaseEnabled", false),
	}
	d.LogPublishingOptions = map[string]awsshape.LogPublishing{}
	if v, ok := m.get("LogPublishingOptions"); ok && v != nil {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				lp, _ := x[k].(map[string]any)
				d.LogPublishingOptions[k] = awsshape.LogPublishing{
					Enabled:                   m.toBool("LogPublishingOptions", "LogPublishingOptions.Enabled", lp["Enabled"], lp != nil, false),
					CloudWatchLogsLogGroupArn: m.toStr("LogPublishingOptions", "LogPublishingOptions.CloudWatchLogsLogGroupArn", lp["CloudWatchLogsLogGroupArn"], lp != nil, ""),
				}
			}
		case unknown:
			m.unknown("LogPublishingOptions", x)
		default:
			m.invalid("LogPublishingOptions", "LogPublishingOptions", v, "a map")
		}
	}
	d.ClusterZoneAwareness = m.boolean("ClusterZoneAwareness", clusterKey+".ZoneAwarenessEnabled", false)
	return d
}

// lbAttributes reads LoadBalancerAttributes, a list of {Key, Value}.
func (m *rmap) lbAttributes() map[string]any {
	out := map[string]any{}
	for _, it := range m.items("", "LoadBalancerAttributes") {
		if k, ok := it["Key"].(string); ok {
			out[k] = it["Value"]
		}
	}
	return out
}

// mapLoadBalancer maps AWS::ElasticLoadBalancingV2::LoadBalancer, with its
// listeners, to aws.elbv2.load_balancer.
func mapLoadBalancer(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	lb := awsshape.LoadBalancer{
		LoadBalancerName: "${" + r.id + ".LoadBalancerName}",
		LoadBalancerArn:  "${" + r.id + "}",
		Type:             m.str("Type", "Type", "application"),
		Scheme:           m.str("Scheme", "Scheme", "internet-facing"),
		DNSName:          "${" + r.id + ".DNSName}",
	}
	if n, ok := t.physicalName(r); ok {
		m.name, lb.LoadBalancerName = n, n
	}
	subnets, _ := m.get("Subnets")
	sl := m.anyList("VpcId", "Subnets", subnets)
	if len(sl) == 0 {
		for _, it := range m.items("VpcId", "SubnetMappings") {
			sl = append(sl, it["SubnetId"])
		}
	}
	lb.VpcId = t.idText(t.vpcOfSubnets(sl))
	groups, _ := m.get("SecurityGroups")
	for _, g := range m.anyList("SecurityGroups", "SecurityGroups", groups) {
		lb.SecurityGroups = append(lb.SecurityGroups, t.idText(g))
		m.relate(relSecurityGroup, g)
	}
	attrs := m.lbAttributes()
	attr := func(fieldPath, key string, def bool) bool {
		v, ok := attrs[key]
		return m.toBool(fieldPath, "LoadBalancerAttributes."+key, v, ok, def)
	}
	lb.AccessLogsEnabled = attr("AccessLogsEnabled", "access_logs.s3.enabled", false)
	if v, ok := attrs["access_logs.s3.bucket"]; ok {
		lb.AccessLogsBucket = m.toStr("AccessLogsBucket", "LoadBalancerAttributes.access_logs.s3.bucket", v, ok, "")
	}
	lb.DeletionProtection = attr("DeletionProtection", "deletion_protection.enabled", false)
	if lb.Type == "application" {
		lb.DropInvalidHeaderFields = attr("DropInvalidHeaderFields", "routing.http.drop_invalid_header_fields.enabled", false)
		v, ok := attrs["routing.http.desync_mitigation_mode"]
		lb.DesyncMitigationMode = m.toStr("DesyncMitigationMode", "LoadBalancerAttributes.routing.http.desync_mitigation_mode", v, ok, "defensive")
	}

	t.each("AWS::ElasticLoadBalancingV2::Listener", func(l *resource) {
		lm := m.other(l)
		if t.target(lm.p["LoadBalancerArn"], "AWS::ElasticLoadBalancingV2::LoadBalancer") != r {
			return
		}
		// Unset, the protocol follows the load balancer type.
		defProto := map[string]string{"application": "HTTP", "network": "TCP", "gateway": "GENEVE"}[lb.Type]
		li := awsshape.Listener{
			ListenerArn: "${" + l.id + "}",
			Port:        lm.integer("Listeners", "Port", 0),
			Protocol:    strings.ToUpper(lm.str("Listeners", "Protocol", defProto)),
		}
		if li.Protocol == "HTTPS" || li.Protocol == "TLS" {
			// The default policy of listeners created through the API.
			li.SslPolicy = lm.str("Listeners", "SslPolicy", "ELBSecurityPolicy-2016-08")
		}
		for _, c := range lm.items("Listeners", "Certificates") {
			if s := lm.toStr("Listeners", "Certificates.CertificateArn", c["CertificateArn"], true, ""); s != "" {
				li.Certificates = append(li.Certificates, s)
			}
		}
		t.each("AWS::ElasticLoadBalancingV2::ListenerCertificate", func(lc *resource) {
			cm := m.other(lc)
			if t.target(cm.p["ListenerArn"], "AWS::ElasticLoadBalancingV2::Listener") != l {
				return
			}
			for _, c := range cm.items("Listeners", "Certificates") {
				if s := cm.toStr("Listeners", "Certificates.CertificateArn", c["CertificateArn"], true, ""); s != "" {
					li.Certificates = append(li.Certificates, s)
				}
			}
			m.absorb(cm, "Listeners")
		})
		for _, a := range lm.items("Listeners", "DefaultActions") {
			act := awsshape.ListenerAction{Type: lm.toStr("Listeners", "DefaultActions.Type", a["Type"], true, "")}
			if rc, ok := a["RedirectConfig"].(map[string]any); ok {
				p, set := rc["Protocol"]
				// A redirect keeps the request's protocol unless it says.
				act.RedirectProtocol = lm.toStr("Listeners", "DefaultActions.RedirectConfig.Protocol", p, set, "#{protocol}")
			}
			li.DefaultActions = append(li.DefaultActions, act)
		}
		lb.Listeners = append(lb.Listeners, li)
		m.absorb(lm, "Listeners")
		m.conditional("Listeners", l)
	})
	return lb
}

// mapClassicELB maps AWS::ElasticLoadBalancing::LoadBalancer to
// aws.elb.load_balancer.
func mapClassicELB(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	lb := awsshape.ClassicLoadBalancer{
		LoadBalancerName: "${" + r.id + "}",
		DNSName:          "${" + r.id + ".DNSName}",
		Scheme:           m.str("Scheme", "Scheme", "internet-facing"),
		AccessLogEnabled: m.boolean("AccessLogEnabled", "AccessLoggingPolicy.Enabled", false),
		AccessLogBucket:  m.str("AccessLogBucket", "AccessLoggingPolicy.S3BucketName", ""),
		// CreateLoadBalancer leaves cross-zone balancing off.
		CrossZoneLoadBalancing: m.boolean("CrossZoneLoadBalancing", "CrossZone", false),
	}
	if n, ok := t.physicalName(r); ok {
		m.name, lb.LoadBalancerName = n, n
	}
	subnets, _ := m.get("Subnets")
	lb.VPCId = t.idText(t.vpcOfSubnets(m.anyList("VPCId", "Subnets", subnets)))
	groups, _ := m.get("SecurityGroups")
	for _, g := range m.anyList("SecurityGroups", "SecurityGroups", groups) {
		lb.SecurityGroups = append(lb.SecurityGroups, t.idText(g))
		m.relate(relSecurityGroup, g)
	}
	for _, l := range m.items("ListenerDescriptions", "Listeners") {
		proto := strings.ToUpper(m.toStr("ListenerDescriptions", "Listeners.Protocol", l["Protocol"], true, ""))
		ip, ipSet := l["InstanceProtocol"]
		lb.ListenerDescriptions = append(lb.ListenerDescriptions, awsshape.ClassicListener{
			Protocol:         proto,
			LoadBalancerPort: m.toInt("ListenerDescriptions", "Listeners.LoadBalancerPort", l["LoadBalancerPort"], true, 0),
			// Unset, the back end speaks the front end's protocol.
			InstanceProtocol: strings.ToUpper(m.toStr("ListenerDescriptions", "Listeners.InstanceProtocol", ip, ipSet, proto)),
			InstancePort:     m.toInt("ListenerDescriptions", "Listeners.InstancePort", l["InstancePort"], true, 0),
			SSLCertificateId: m.toStr("ListenerDescriptions", "Listeners.SSLCertificateId", l["SSLCertificateId"], l["SSLCertificateId"] != nil, ""),
		})
	}
	return lb
}

var functionARN = regexp.MustCompile(`^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)`)

// lambdaTarget resolves what a permission or URL names: the function (by
// Ref, GetAtt, name or ARN), or an alias of it.
func (t *template) lambdaTarget(v any) *resource {
	if f := t.target(v, "AWS::Lambda::Function"); f != nil {
		return f
	}
	if a := t.target(v, "AWS::Lambda::Alias"); a != nil {
		return t.lambdaTarget(t.props(a)["FunctionName"])
	}
	if s, ok := v.(string); ok {
		if m := functionARN.FindStringSubmatch(s); m != nil {
			return t.target(m[1], "AWS::Lambda::Function")
		}
	}
	return nil
}

var accountID = regexp.MustCompile(`^\d{12}$`)

// mapLambda maps AWS::Lambda::Function, with its AWS::Lambda::Permission
// statements and AWS::Lambda::Url, to aws.lambda.function. Environment
// values are scanned for secrets and never kept.
func mapLambda(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	f := awsshape.LambdaFunction{
		FunctionName:  "${" + r.id + "}",
		FunctionArn:   "${" + r.id + ".Arn}",
		Runtime:       m.str("Runtime", "Runtime", ""),
		Handler:       m.str("Handler", "Handler", ""),
		Role:          m.str("Role", "Role", ""),
		PackageType:   m.str("PackageType", "PackageType", "Zip"),
		KMSKeyArn:     m.str("KMSKeyArn", "KmsKeyArn", ""),
		TracingConfig: awsshape.TracingConfig{Mode: m.str("TracingConfig.Mode", "TracingConfig.Mode", "PassThrough")},
	}
	if n, ok := t.physicalName(r); ok {
		m.name, f.FunctionName = n, n
		f.FunctionArn = t.arnOf("lambda", true, "function:"+n)
	}
	key, _ := m.get("KmsKeyArn")
	m.relate(relEncryptedWith, key)

	switch vars := mustLookup(m.p, "Environment.Variables").(type) {
	case nil:
	case map[string]any:
		for _, name := range sortedKeys(vars) {
			f.EnvironmentVariableNames = append(f.EnvironmentVariableNames, name)
			// Only literals are hard-coded: references and values known at
			// deploy time come from elsewhere.
			if s, ok := vars[name].(string); ok {
				f.EnvironmentSecrets = append(f.EnvironmentSecrets, secrets.ScanValue(name, s)...)
			}
		}
	case unknown:
		m.unknown("EnvironmentVariableNames", vars)
		m.unknown("EnvironmentSecrets", vars)
		f.EnvironmentSecrets = scanLiterals(field(field(r.propsNode, "Environment"), "Variables"))
	default:
		m.invalid("EnvironmentVariableNames", "Environment.Variables", vars, "a map")
	}

	if v, ok := m.get("VpcConfig"); ok && v != nil {
		subnets, _ := m.get("VpcConfig.SubnetIds")
		sl := m.anyList("VpcConfig.SubnetIds", "VpcConfig.SubnetIds", subnets)
		groups, _ := m.get("VpcConfig.SecurityGroupIds")
		gl := m.anyList("VpcConfig.SecurityGroupIds", "VpcConfig.SecurityGroupIds", groups)
		if u, isU := v.(unknown); isU {
			m.unknown("VpcConfig", u)
		} else if len(sl) > 0 {
			for _, g := range gl {
				m.relate(relSecurityGroup, g)
			}
			f.VpcConfig = &awsshape.LambdaVpcConfig{VpcId: t.idText(t.vpcOfSubnets(sl)), SubnetIds: t.idTexts(sl), SecurityGroupIds: t.idTexts(gl)}
		}
	}

	var statements []any
	t.each("AWS::Lambda::Permission", func(p *resource) {
		pm := m.other(p)
		if t.lambdaTarget(pm.p["FunctionName"]) != r {
			return
		}
		st, u := m.permissionStatement(p, pm.p, f.FunctionArn)
		if u != nil {
			m.unknown("Policy", *u)
		} else {
			statements = append(statements, st)
		}
		m.absorb(pm, "Policy")
		m.conditional("Policy", p)
	})
	if len(statements) > 0 {
		f.Policy = map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": statements}
	}

	t.each("AWS::Lambda::Url", func(u *resource) {
		um := m.other(u)
		if t.lambdaTarget(um.p["TargetFunctionArn"]) != r {
			return
		}
		f.FunctionUrlAuthType = um.str("FunctionUrlAuthType", "AuthType", "")
		m.absorb(um, "FunctionUrlAuthType")
		m.conditional("FunctionUrlAuthType", u)
	})
	return f
}

func mustLookup(v any, path string) any {
	x, _ := lookup(v, path)
	return x
}

// permissionStatement writes a permission as the statement Lambda's
// AddPermission adds to the function's policy.
func (m *rmap) permissionStatement(p *resource, props map[string]any, fnArn string) (map[string]any, *unknown) {
	t := m.t
	text := func(key string) (string, bool, *unknown) {
		v, ok := props[key]
		if !ok || v == nil {
			return "", false, nil
		}
		if u, isU := v.(unknown); isU {
			return "", false, &unknown{reason: p.id + " " + key + ": " + u.reason}
		}
		s, ok := scalarText(v)
		return s, ok, nil
	}
	principalText, _, u := text("Principal")
	if u != nil {
		return nil, u
	}
	var principal any
	switch {
	case principalText == "*":
		principal = "*"
	case accountID.MatchString(principalText):
		principal = map[string]any{"AWS": "arn:" + t.pseudo("AWS::Partition").text + ":iam::" + principalText + ":root"}
	case strings.HasPrefix(principalText, "arn:") || strings.HasPrefix(principalText, "${"):
		principal = map[string]any{"AWS": principalText}
	default:
		principal = map[string]any{"Service": principalText}
	}
	action, ok, u := text("Action")
	if u != nil {
		return nil, u
	}
	if !ok {
		action = "lambda:InvokeFunction"
	}
	st := map[string]any{"Sid": p.id, "Effect": "Allow", "Principal": principal, "Action": action, "Resource": fnArn}
	cond := map[string]any{}
	add := func(op, key, prop string) *unknown {
		s, ok, u := text(prop)
		if u != nil {
			return u
		}
		if ok {
			c, _ := cond[op].(map[string]any)
			if c == nil {
				c = map[string]any{}
				cond[op] = c
			}
			c[key] = s
		}
		return nil
	}
	for _, c := range []struct{ op, key, prop string }{
		{"ArnLike", "AWS:SourceArn", "SourceArn"},
		{"StringEquals", "AWS:SourceAccount", "SourceAccount"},
		{"StringEquals", "aws:PrincipalOrgID", "PrincipalOrgID"},
		{"StringEquals", "lambda:FunctionUrlAuthType", "FunctionUrlAuthType"},
		{"StringEquals", "lambda:EventSourceToken", "EventSourceToken"},
	} {
		if u := add(c.op, c.key, c.prop); u != nil {
			return nil, u
		}
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	return st, nil
}

// mapTrail maps AWS::CloudTrail::Trail to aws.cloudtrail.trail.
func mapTrail(m *rmap) any {
	t, r := m.t, m.r
	m.tags = m.tagsFrom("Tags")
	tr := awsshape.Trail{
		Name:                       "${" + r.id + "}",
		TrailARN:                   "${" + r.id + ".Arn}",
		HomeRegion:                 t.pseudo("AWS::Region").text,
		IsMultiRegionTrail:         m.boolean("IsMultiRegionTrail", "IsMultiRegionTrail", false),
		IsOrganizationTrail:        m.boolean("IsOrganizationTrail", "IsOrganizationTrail", false),
		IncludeGlobalServiceEvents: m.boolean("IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents", true),
		LogFileValidationEnabled:   m.boolean("LogFileValidationEnabled", "EnableLogFileValidation", false),
		S3BucketName:               m.str("S3BucketName", "S3BucketName", ""),
		KmsKeyId:                   m.str("KmsKeyId", "KMSKeyId", ""),
		CloudWatchLogsLogGroupArn:  m.str("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn", ""),
		IsLogging:                  m.boolean("IsLogging", "IsLogging", false),
		EventSelectors:             []awsshape.EventSelector{},
		AdvancedEventSelectors:     []awsshape.AdvancedEventSelector{},
	}
	if n, ok := t.physicalName(r); ok {
		m.name, tr.Name = n, n
		tr.TrailARN = t.arnOf("cloudtrail", true, "trail/"+n)
	}
	if _, ok := m.get("IsLogging"); !ok {
		m.invalid("IsLogging", "IsLogging", nil, "set (it is required)")
	}
	bucket, _ := m.get("S3BucketName")
	if b := t.target(bucket, "AWS::S3::Bucket"); b != nil {
		m.relate(relDeliversTo, opaque{res: b.id})
	} else if tr.S3BucketName != "" {
		m.relate(relDeliversTo, "arn:"+t.pseudo("AWS::Partition").text+":s3:::"+tr.S3BucketName)
	}
	key, _ := m.get("KMSKeyId")
	m.relate(relEncryptedWith, key)
	for _, s := range m.items("EventSelectors", "EventSelectors") {
		es := awsshape.EventSelector{
			ReadWriteType:           m.toStr("EventSelectors", "EventSelectors.ReadWriteType", s["ReadWriteType"], s["ReadWriteType"] != nil, "All"),
			IncludeManagementEvents: m.toBool("EventSelectors", "EventSelectors.IncludeManagementEvents", s["IncludeManagementEvents"], s["IncludeManagementEvents"] != nil, true),
			DataResources:           []awsshape.DataResource{},
		}
		for _, d := range m.toItems("EventSelectors", "EventSelectors.DataResources", s["DataResources"], true) {
			es.DataResources = append(es.DataResources, awsshape.DataResource{
				Type:   m.toStr("EventSelectors", "EventSelectors.DataResources.Type", d["Type"], true, ""),
				Values: m.toStrs("EventSelectors", "EventSelectors.DataResources.Values", d["Values"], true),
			})
		}
		tr.EventSelectors = append(tr.EventSelectors, es)
	}
	for _, a := range m.items("AdvancedEventSelectors", "AdvancedEventSelectors") {
		as := awsshape.AdvancedEventSelector{
			Name:           m.toStr("AdvancedEventSelectors", "AdvancedEventSelectors.Name", a["Name"], true, ""),
			FieldSelectors: []awsshape.FieldSelector{},
		}
		for _, f := range m.toItems("AdvancedEventSelectors", "AdvancedEventSelectors.FieldSelectors", a["FieldSelectors"], true) {
			get := func(k string) []string {
				return m.toStrs("AdvancedEventSelectors", "AdvancedEventSelectors.FieldSelectors."+k, f[k], true)
			}
			as.FieldSelectors = append(as.FieldSelectors, awsshape.FieldSelector{
				Field:  m.toStr("AdvancedEventSelectors", "AdvancedEventSelectors.FieldSelectors.Field", f["Field"], true, ""),
				Equals: get("Equals"), NotEquals: get("NotEquals"), StartsWith: get("StartsWith"), NotStartsWith: get("NotStartsWith"),
			})
		}
		tr.AdvancedEventSelectors = append(tr.AdvancedEventSelectors, as)
	}
	if len(tr.EventSelectors) == 0 && len(tr.AdvancedEventSelectors) == 0 {
		// A new trail records every management event.
		tr.EventSelectors = []awsshape.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true, DataResources: []awsshape.DataResource{}}}
	}
	return tr
}
