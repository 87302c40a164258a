package cloudsim

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
)

// Lambda serves its timestamps as strings in these layouts.
const (
	lambdaTimeLayout = "2006-01-02T15:04:05.000-0700"     // LastModified
	lambdaURLLayout  = "2006-01-02T15:04:05.000000Z07:00" // function URL times
)

// stableDigits is a decimal string of n digits derived from parts.
func stableDigits(n int, parts ...string) string {
	v, _ := new(big.Int).SetString(stableHex(32, parts...), 16)
	s := v.String()
	for len(s) < n {
		s += s
	}
	return s[:n]
}

// normalizeWorkloads fills in the derived fields of the region's
// snapshots, clusters, repositories, domains, load balancers and functions.
func normalizeWorkloads(acct, region string, r *Region, asOf time.Time) {
	for _, sn := range r.Snapshots {
		setStr(&sn.OwnerId, acct)
		setBool(&sn.Encrypted, false)
		if sn.State == "" {
			sn.State = ec2types.SnapshotStateCompleted
		}
		setStr(&sn.Progress, "100%")
		if sn.StorageTier == "" {
			sn.StorageTier = ec2types.StorageTierStandard
		}
		setTime(&sn.StartTime, asOf)
	}
	for i := range r.DBClusters {
		c := &r.DBClusters[i]
		id := aws.ToString(c.DBClusterIdentifier)
		setStr(&c.DBClusterArn, "arn:aws:rds:"+region+":"+acct+":cluster:"+id)
		setStr(&c.DbClusterResourceId, "cluster-"+stableID("", 26, acct, region, "cluster", id))
		setStr(&c.Status, "available")
		setBool(&c.StorageEncrypted, false)
		setBool(&c.DeletionProtection, false)
		setBool(&c.IAMDatabaseAuthenticationEnabled, false)
		setBool(&c.MultiAZ, false)
		setBool(&c.CopyTagsToSnapshot, false)
		if c.BackupRetentionPeriod == nil {
			c.BackupRetentionPeriod = aws.Int32(1)
		}
		setTime(&c.ClusterCreateTime, asOf)
	}
	for _, repo := range r.Repositories {
		name := aws.ToString(repo.RepositoryName)
		setStr(&repo.RegistryId, acct)
		setStr(&repo.RepositoryArn, "arn:aws:ecr:"+region+":"+acct+":repository/"+name)
		setStr(&repo.RepositoryUri, acct+".dkr.ecr."+region+".amazonaws.com/"+name)
		if repo.ImageTagMutability == "" {
			repo.ImageTagMutability = ecrtypes.ImageTagMutabilityMutable
		}
		if repo.ImageScanningConfiguration == nil {
			repo.ImageScanningConfiguration = &ecrtypes.ImageScanningConfiguration{}
		}
		if repo.EncryptionConfiguration == nil {
			repo.EncryptionConfiguration = &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeAes256}
		}
		setTime(&repo.CreatedAt, asOf)
	}
	for i := range r.EKSClusters {
		c := &r.EKSClusters[i]
		name := aws.ToString(c.Name)
		setStr(&c.Arn, "arn:aws:eks:"+region+":"+acct+":cluster/"+name)
		if c.Status == "" {
			c.Status = ekstypes.ClusterStatusActive
		}
		if c.ResourcesVpcConfig == nil {
			// EKS's default: a public endpoint open to the internet.
			c.ResourcesVpcConfig = &ekstypes.VpcConfigResponse{EndpointPublicAccess: true}
		}
		if v := c.ResourcesVpcConfig; v.EndpointPublicAccess && len(v.PublicAccessCidrs) == 0 {
			v.PublicAccessCidrs = []string{"0.0.0.0/0"}
		}
		if c.Logging == nil {
			c.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{
				Enabled: aws.Bool(false),
				Types:   []ekstypes.LogType{ekstypes.LogTypeApi, ekstypes.LogTypeAudit, ekstypes.LogTypeAuthenticator, ekstypes.LogTypeControllerManager, ekstypes.LogTypeScheduler},
			}}}
		}
		setTime(&c.CreatedAt, asOf)
	}
	for i := range r.Domains {
		d := &r.Domains[i]
		name := aws.ToString(d.DomainName)
		setStr(&d.ARN, "arn:aws:es:"+region+":"+acct+":domain/"+name)
		setStr(&d.DomainId, acct+"/"+name)
		setBool(&d.Created, true)
		setBool(&d.Deleted, false)
		setBool(&d.Processing, false)
		setBool(&d.UpgradeProcessing, false)
		if d.VPCOptions == nil && d.Endpoint == nil && d.Endpoints == nil {
			d.Endpoint = aws.String("search-" + name + "-" + strings.ToLower(stableID("", 26, acct, region, "domain", name)) + "." + region + ".es.amazonaws.com")
		}
		if d.EncryptionAtRestOptions == nil {
			d.EncryptionAtRestOptions = &ostypes.EncryptionAtRestOptions{}
		}
		setBool(&d.EncryptionAtRestOptions.Enabled, false)
		if d.NodeToNodeEncryptionOptions == nil {
			d.NodeToNodeEncryptionOptions = &ostypes.NodeToNodeEncryptionOptions{}
		}
		setBool(&d.NodeToNodeEncryptionOptions.Enabled, false)
		if d.DomainEndpointOptions == nil {
			d.DomainEndpointOptions = &ostypes.DomainEndpointOptions{}
		}
		setBool(&d.DomainEndpointOptions.EnforceHTTPS, false)
		if d.DomainEndpointOptions.TLSSecurityPolicy == "" {
			d.DomainEndpointOptions.TLSSecurityPolicy = ostypes.TLSSecurityPolicyPolicyMinTls10201907
		}
		if d.AdvancedSecurityOptions == nil {
			d.AdvancedSecurityOptions = &ostypes.AdvancedSecurityOptions{}
		}
		setBool(&d.AdvancedSecurityOptions.Enabled, false)
		setBool(&d.AdvancedSecurityOptions.InternalUserDatabaseEnabled, false)
	}
	for _, lb := range r.LoadBalancers {
		normalizeLoadBalancer(acct, region, lb, asOf)
	}
	for _, lb := range r.ClassicLoadBalancers {
		name := aws.ToString(lb.LoadBalancerName)
		if aws.ToString(lb.Scheme) == "" {
			lb.Scheme = aws.String("internet-facing")
		}
		setStr(&lb.DNSName, lbDNSName(acct, region, name, aws.ToString(lb.Scheme)))
		setStr(&lb.CanonicalHostedZoneName, aws.ToString(lb.DNSName))
		setTime(&lb.CreatedTime, asOf)
		if lb.Attributes == nil {
			lb.Attributes = &elbtypes.LoadBalancerAttributes{}
		}
		a := lb.Attributes
		if a.AccessLog == nil {
			a.AccessLog = &elbtypes.AccessLog{}
		}
		if a.ConnectionDraining == nil {
			a.ConnectionDraining = &elbtypes.ConnectionDraining{Timeout: aws.Int32(300)}
		}
		if a.ConnectionSettings == nil {
			a.ConnectionSettings = &elbtypes.ConnectionSettings{IdleTimeout: aws.Int32(60)}
		}
		if a.CrossZoneLoadBalancing == nil {
			a.CrossZoneLoadBalancing = &elbtypes.CrossZoneLoadBalancing{}
		}
	}
	for _, f := range r.Functions {
		normalizeFunction(acct, region, f, asOf)
	}
}

func lbDNSName(acct, region, name, scheme string) string {
	host := name + "-" + stableDigits(10, acct, region, "lb", name) + "." + region + ".elb.amazonaws.com"
	if scheme == "internal" {
		return "internal-" + host
	}
	return host
}

// elbv2Defaults are the attributes DescribeLoadBalancerAttributes reports
// for a load balancer of each type that never changed them.
var elbv2Defaults = map[elbv2types.LoadBalancerTypeEnum][][2]string{
	elbv2types.LoadBalancerTypeEnumApplication: {
		{"access_logs.s3.enabled", "false"}, {"access_logs.s3.bucket", ""}, {"access_logs.s3.prefix", ""},
		{"connection_logs.s3.enabled", "false"}, {"deletion_protection.enabled", "false"},
		{"idle_timeout.timeout_seconds", "60"}, {"client_keep_alive.seconds", "3600"},
		{"routing.http.desync_mitigation_mode", "defensive"}, {"routing.http.drop_invalid_header_fields.enabled", "false"},
		{"routing.http.preserve_host_header.enabled", "false"}, {"routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false"},
		{"routing.http.xff_client_port.enabled", "false"}, {"routing.http.xff_header_processing.mode", "append"},
		{"routing.http2.enabled", "true"}, {"waf.fail_open.enabled", "false"}, {"load_balancing.cross_zone.enabled", "true"},
	},
	elbv2types.LoadBalancerTypeEnumNetwork: {
		{"access_logs.s3.enabled", "false"}, {"access_logs.s3.bucket", ""}, {"access_logs.s3.prefix", ""},
		{"deletion_protection.enabled", "false"}, {"load_balancing.cross_zone.enabled", "false"},
		{"dns_record.client_routing_policy", "any_availability_zone"},
	},
	elbv2types.LoadBalancerTypeEnumGateway: {
		{"deletion_protection.enabled", "false"}, {"load_balancing.cross_zone.enabled", "false"},
	},
}

func normalizeLoadBalancer(acct, region string, lb *LoadBalancer, asOf time.Time) {
	name := aws.ToString(lb.LoadBalancerName)
	if lb.Type == "" {
		lb.Type = elbv2types.LoadBalancerTypeEnumApplication
	}
	if lb.Scheme == "" {
		lb.Scheme = elbv2types.LoadBalancerSchemeEnumInternetFacing
	}
	if lb.IpAddressType == "" {
		lb.IpAddressType = elbv2types.IpAddressTypeIpv4
	}
	if lb.State == nil {
		lb.State = &elbv2types.LoadBalancerState{Code: elbv2types.LoadBalancerStateEnumActive}
	}
	kind := map[elbv2types.LoadBalancerTypeEnum]string{"application": "app", "network": "net", "gateway": "gwy"}[lb.Type]
	id := stableHex(16, acct, region, "elbv2", name)
	arnPrefix := "arn:aws:elasticloadbalancing:" + region + ":" + acct + ":"
	setStr(&lb.LoadBalancerArn, arnPrefix+"loadbalancer/"+kind+"/"+name+"/"+id)
	if lb.Type != elbv2types.LoadBalancerTypeEnumGateway {
		setStr(&lb.DNSName, lbDNSName(acct, region, name, string(lb.Scheme)))
	}
	setTime(&lb.CreatedTime, asOf)
	for i := range lb.Listeners {
		l := &lb.Listeners[i]
		setStr(&l.LoadBalancerArn, aws.ToString(lb.LoadBalancerArn))
		setStr(&l.ListenerArn, fmt.Sprintf("%slistener/%s/%s/%s/%s", arnPrefix, kind, name, id,
			stableHex(16, acct, region, name, fmt.Sprint(aws.ToInt32(l.Port)), string(l.Protocol))))
	}
	given := map[string]bool{}
	for _, a := range lb.Attributes {
		given[aws.ToString(a.Key)] = true
	}
	for _, kv := range elbv2Defaults[lb.Type] {
		if !given[kv[0]] {
			lb.Attributes = append(lb.Attributes, elbv2types.LoadBalancerAttribute{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
		}
	}
}

func normalizeFunction(acct, region string, f *Function, asOf time.Time) {
	name := aws.ToString(f.FunctionName)
	arn := "arn:aws:lambda:" + region + ":" + acct + ":function:" + name
	setStr(&f.FunctionArn, arn)
	setStr(&f.Version, "$LATEST")
	if f.PackageType == "" {
		f.PackageType = lambdatypes.PackageTypeZip
	}
	if f.MemorySize == nil {
		f.MemorySize = aws.Int32(128)
	}
	if f.Timeout == nil {
		f.Timeout = aws.Int32(3)
	}
	if f.State == "" {
		f.State = lambdatypes.StateActive
	}
	if f.LastUpdateStatus == "" {
		f.LastUpdateStatus = lambdatypes.LastUpdateStatusSuccessful
	}
	if f.TracingConfig == nil {
		f.TracingConfig = &lambdatypes.TracingConfigResponse{Mode: lambdatypes.TracingModePassThrough}
	}
	h := stableHex(32, acct, region, "function", name)
	setStr(&f.RevisionId, h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32])
	if !asOf.IsZero() {
		setStr(&f.LastModified, asOf.UTC().Format(lambdaTimeLayout))
	}
	for i := range f.FunctionUrls {
		u := &f.FunctionUrls[i]
		qarn := aws.ToString(f.FunctionArn)
		if u.Qualifier != "" {
			qarn += ":" + u.Qualifier
		}
		setStr(&u.FunctionArn, qarn)
		setStr(&u.FunctionUrl, "https://"+strings.ToLower(stableID("", 32, qarn))+".lambda-url."+region+".on.aws/")
		if u.AuthType == "" {
			u.AuthType = lambdatypes.FunctionUrlAuthTypeAwsIam
		}
		if u.InvokeMode == "" {
			u.InvokeMode = lambdatypes.InvokeModeBuffered
		}
		if !asOf.IsZero() {
			setStr(&u.CreationTime, asOf.UTC().Format(lambdaURLLayout))
			setStr(&u.LastModifiedTime, aws.ToString(u.CreationTime))
		}
	}
}
