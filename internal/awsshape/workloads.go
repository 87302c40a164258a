package awsshape

import (
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// Canonical names of the workload types (containers, functions, data
// stores, load balancers, snapshots).
const (
	TypeSnapshot       = "aws.ec2.snapshot"
	TypeDBCluster      = "aws.rds.db_cluster"
	TypeNeptuneCluster = "aws.neptune.db_cluster"
	TypeECRRepository  = "aws.ecr.repository"
	TypeEKSCluster     = "aws.eks.cluster"
	TypeOpenSearch     = "aws.opensearch.domain"
	TypeLoadBalancer   = "aws.elbv2.load_balancer"
	TypeClassicELB     = "aws.elb.load_balancer"
	TypeLambdaFunction = "aws.lambda.function"
)

// Snapshot is an EBS snapshot (aws.ec2.snapshot).
type Snapshot struct {
	SnapshotId  string `json:"SnapshotId"`
	VolumeId    string `json:"VolumeId"`
	VolumeSize  int64  `json:"VolumeSize"`
	Encrypted   bool   `json:"Encrypted"`
	KmsKeyId    string `json:"KmsKeyId,omitempty"`
	OwnerId     string `json:"OwnerId"`
	State       string `json:"State"`
	StartTime   string `json:"StartTime,omitempty"`
	Description string `json:"Description,omitempty"`
	// Public is true when anyone may create volumes from the snapshot
	// (createVolumePermission for the group "all").
	Public bool `json:"Public"`
	// SharedWithAccounts lists the other accounts allowed to use it.
	SharedWithAccounts []string `json:"SharedWithAccounts"`
}

// DBCluster is an Aurora, Neptune or DocumentDB cluster (aws.rds.db_cluster,
// and aws.neptune.db_cluster for Neptune).
type DBCluster struct {
	DBClusterIdentifier              string   `json:"DBClusterIdentifier"`
	DBClusterArn                     string   `json:"DBClusterArn"`
	DbClusterResourceId              string   `json:"DbClusterResourceId"`
	Engine                           string   `json:"Engine"` // aurora-mysql, aurora-postgresql, neptune, docdb, ...
	EngineVersion                    string   `json:"EngineVersion"`
	Status                           string   `json:"Status"`
	StorageEncrypted                 bool     `json:"StorageEncrypted"`
	KmsKeyId                         string   `json:"KmsKeyId,omitempty"`
	BackupRetentionPeriod            int64    `json:"BackupRetentionPeriod"`
	DeletionProtection               bool     `json:"DeletionProtection"`
	IAMDatabaseAuthenticationEnabled bool     `json:"IAMDatabaseAuthenticationEnabled"`
	MultiAZ                          bool     `json:"MultiAZ"`
	PubliclyAccessible               bool     `json:"PubliclyAccessible"`
	EnabledCloudwatchLogsExports     []string `json:"EnabledCloudwatchLogsExports"`
	VpcSecurityGroupIds              []string `json:"VpcSecurityGroupIds"`
	CopyTagsToSnapshot               bool     `json:"CopyTagsToSnapshot"`
	ClusterCreateTime                string   `json:"ClusterCreateTime,omitempty"`
}

// ECRRepository is an ECR repository (aws.ecr.repository).
type ECRRepository struct {
	RepositoryName string `json:"RepositoryName"`
	RepositoryArn  string `json:"RepositoryArn"`
	RepositoryUri  string `json:"RepositoryUri"`
	// ImageTagMutability is MUTABLE or IMMUTABLE.
	ImageTagMutability         string                     `json:"ImageTagMutability"`
	ImageScanningConfiguration ImageScanningConfiguration `json:"ImageScanningConfiguration"`
	EncryptionConfiguration    ECREncryption              `json:"EncryptionConfiguration"`
	// Policy is the repository policy document; null when there is none.
	Policy map[string]any `json:"Policy"`
	// HasLifecyclePolicy is true when old images expire by policy.
	HasLifecyclePolicy bool   `json:"HasLifecyclePolicy"`
	CreatedAt          string `json:"CreatedAt,omitempty"`
}

// ImageScanningConfiguration says whether images are scanned on push.
type ImageScanningConfiguration struct {
	ScanOnPush bool `json:"ScanOnPush"`
}

// ECREncryption is a repository's encryption: EncryptionType AES256 or KMS.
type ECREncryption struct {
	EncryptionType string `json:"EncryptionType"`
	KmsKey         string `json:"KmsKey,omitempty"`
}

// EKSCluster is an EKS cluster (aws.eks.cluster).
type EKSCluster struct {
	Name    string `json:"Name"`
	Arn     string `json:"Arn"`
	Version string `json:"Version"`
	Status  string `json:"Status"`
	RoleArn string `json:"RoleArn"`
	// ResourcesVpcConfig is where the API server endpoint is reachable.
	ResourcesVpcConfig EKSVpcConfig `json:"ResourcesVpcConfig"`
	// EnabledLogTypes lists the control plane log types sent to CloudWatch
	// (api, audit, authenticator, controllerManager, scheduler).
	EnabledLogTypes []string `json:"EnabledLogTypes"`
	// EncryptionConfig lists envelope encryption of Kubernetes resources
	// ("secrets") with a KMS key; empty when secrets are not encrypted.
	EncryptionConfig []EKSEncryptionConfig `json:"EncryptionConfig"`
}

// EKSVpcConfig is the network configuration of the cluster endpoint.
type EKSVpcConfig struct {
	VpcId                 string   `json:"VpcId"`
	SubnetIds             []string `json:"SubnetIds"`
	SecurityGroupIds      []string `json:"SecurityGroupIds"`
	EndpointPublicAccess  bool     `json:"EndpointPublicAccess"`
	EndpointPrivateAccess bool     `json:"EndpointPrivateAccess"`
	// PublicAccessCidrs limits the public endpoint; ["0.0.0.0/0"] is open.
	PublicAccessCidrs []string `json:"PublicAccessCidrs"`
}

// EKSEncryptionConfig encrypts the listed resources with a KMS key.
type EKSEncryptionConfig struct {
	Resources []string `json:"Resources"`
	KeyArn    string   `json:"KeyArn"`
}

// OpenSearchDomain is an OpenSearch or Elasticsearch domain
// (aws.opensearch.domain).
type OpenSearchDomain struct {
	DomainName    string `json:"DomainName"`
	ARN           string `json:"ARN"`
	EngineVersion string `json:"EngineVersion"` // e.g. OpenSearch_2.13, Elasticsearch_7.10
	// AccessPolicies is the domain's resource policy; null when none.
	AccessPolicies              map[string]any        `json:"AccessPolicies"`
	EncryptionAtRestOptions     EncryptionAtRest      `json:"EncryptionAtRestOptions"`
	NodeToNodeEncryptionOptions Enabled               `json:"NodeToNodeEncryptionOptions"`
	DomainEndpointOptions       DomainEndpointOptions `json:"DomainEndpointOptions"`
	// VPCOptions is null for a domain with a public endpoint.
	VPCOptions               *DomainVPCOptions        `json:"VPCOptions"`
	AdvancedSecurityOptions  AdvancedSecurityOptions  `json:"AdvancedSecurityOptions"`
	LogPublishingOptions     map[string]LogPublishing `json:"LogPublishingOptions"`
	ClusterZoneAwareness     bool                     `json:"ClusterZoneAwareness"`
	AutomatedSnapshotEnabled bool                     `json:"AutomatedSnapshotEnabled"`
}

// Enabled is an on/off option.
type Enabled struct {
	Enabled bool `json:"Enabled"`
}

// EncryptionAtRest is encryption of a domain's data on disk.
type EncryptionAtRest struct {
	Enabled  bool   `json:"Enabled"`
	KmsKeyId string `json:"KmsKeyId,omitempty"`
}

// DomainEndpointOptions says whether HTTPS is required, with which TLS
// policy (e.g. Policy-Min-TLS-1-2-2019-07).
type DomainEndpointOptions struct {
	EnforceHTTPS      bool   `json:"EnforceHTTPS"`
	TLSSecurityPolicy string `json:"TLSSecurityPolicy"`
}

// DomainVPCOptions places a domain in a VPC.
type DomainVPCOptions struct {
	VPCId            string   `json:"VPCId"`
	SubnetIds        []string `json:"SubnetIds"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
}

// AdvancedSecurityOptions is fine-grained access control.
type AdvancedSecurityOptions struct {
	Enabled                     bool `json:"Enabled"`
	InternalUserDatabaseEnabled bool `json:"InternalUserDatabaseEnabled"`
}

// LogPublishing sends one log type (keyed INDEX_SLOW_LOGS, SEARCH_SLOW_LOGS,
// ES_APPLICATION_LOGS, AUDIT_LOGS) to CloudWatch Logs.
type LogPublishing struct {
	Enabled                   bool   `json:"Enabled"`
	CloudWatchLogsLogGroupArn string `json:"CloudWatchLogsLogGroupArn,omitempty"`
}

// LoadBalancer is an Application, Network or Gateway Load Balancer with its
// listeners and attributes (aws.elbv2.load_balancer).
type LoadBalancer struct {
	LoadBalancerName string     `json:"LoadBalancerName"`
	LoadBalancerArn  string     `json:"LoadBalancerArn"`
	Type             string     `json:"Type"`   // application, network, gateway
	Scheme           string     `json:"Scheme"` // internet-facing or internal
	DNSName          string     `json:"DNSName"`
	VpcId            string     `json:"VpcId"`
	SecurityGroups   []string   `json:"SecurityGroups"`
	Listeners        []Listener `json:"Listeners"`
	// Attributes are the load balancer attributes that matter for
	// security, read from DescribeLoadBalancerAttributes.
	AccessLogsEnabled       bool   `json:"AccessLogsEnabled"`
	AccessLogsBucket        string `json:"AccessLogsBucket,omitempty"`
	DropInvalidHeaderFields bool   `json:"DropInvalidHeaderFields"`
	DeletionProtection      bool   `json:"DeletionProtection"`
	DesyncMitigationMode    string `json:"DesyncMitigationMode,omitempty"`
}

// Listener is one listener: Protocol HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP
// or GENEVE; SslPolicy for HTTPS/TLS.
type Listener struct {
	ListenerArn    string           `json:"ListenerArn"`
	Port           int64            `json:"Port"`
	Protocol       string           `json:"Protocol"`
	SslPolicy      string           `json:"SslPolicy,omitempty"`
	Certificates   []string         `json:"Certificates"`
	DefaultActions []ListenerAction `json:"DefaultActions"`
}

// ListenerAction is a listener's default action; a redirect to HTTPS has
// Type "redirect" and RedirectProtocol "HTTPS".
type ListenerAction struct {
	Type             string `json:"Type"`
	RedirectProtocol string `json:"RedirectProtocol,omitempty"`
}

// ClassicLoadBalancer is a Classic Load Balancer (aws.elb.load_balancer).
type ClassicLoadBalancer struct {
	LoadBalancerName       string            `json:"LoadBalancerName"`
	DNSName                string            `json:"DNSName"`
	Scheme                 string            `json:"Scheme"`
	VPCId                  string            `json:"VPCId"`
	SecurityGroups         []string          `json:"SecurityGroups"`
	ListenerDescriptions   []ClassicListener `json:"ListenerDescriptions"`
	AccessLogEnabled       bool              `json:"AccessLogEnabled"`
	AccessLogBucket        string            `json:"AccessLogBucket,omitempty"`
	CrossZoneLoadBalancing bool              `json:"CrossZoneLoadBalancing"`
}

// ClassicListener is one listener of a Classic Load Balancer; Protocol is
// HTTP, HTTPS, TCP or SSL.
type ClassicListener struct {
	Protocol         string `json:"Protocol"`
	LoadBalancerPort int64  `json:"LoadBalancerPort"`
	InstanceProtocol string `json:"InstanceProtocol"`
	InstancePort     int64  `json:"InstancePort"`
	SSLCertificateId string `json:"SSLCertificateId,omitempty"`
}

// LambdaFunction is a Lambda function with its resource policy
// (aws.lambda.function).
type LambdaFunction struct {
	FunctionName string `json:"FunctionName"`
	FunctionArn  string `json:"FunctionArn"`
	Runtime      string `json:"Runtime"` // empty for container images
	Handler      string `json:"Handler,omitempty"`
	Role         string `json:"Role"`
	PackageType  string `json:"PackageType"` // Zip or Image
	LastModified string `json:"LastModified,omitempty"`
	// EnvironmentVariableNames lists the variable names; values are never
	// kept since they often hold secrets.
	EnvironmentVariableNames []string `json:"EnvironmentVariableNames"`
	// EnvironmentSecrets lists hard-coded credentials found in the values.
	EnvironmentSecrets []secrets.Finding `json:"EnvironmentSecrets"`
	// KMSKeyArn encrypts the environment with a customer managed key.
	KMSKeyArn     string        `json:"KMSKeyArn,omitempty"`
	TracingConfig TracingConfig `json:"TracingConfig"`
	// VpcConfig is null when the function is not attached to a VPC.
	VpcConfig *LambdaVpcConfig `json:"VpcConfig"`
	// Policy is the resource-based policy; null when there is none.
	Policy map[string]any `json:"Policy"`
	// FunctionUrlAuthType is NONE (anyone can invoke the URL), AWS_IAM, or
	// empty when the function has no URL.
	FunctionUrlAuthType string `json:"FunctionUrlAuthType"`
}

// TracingConfig: Mode Active or PassThrough.
type TracingConfig struct {
	Mode string `json:"Mode"`
}

// LambdaVpcConfig attaches a function to a VPC.
type LambdaVpcConfig struct {
	VpcId            string   `json:"VpcId"`
	SubnetIds        []string `json:"SubnetIds"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
}

func init() {
	for _, t := range []asset.TypeInfo{
		{Name: TypeSnapshot, Description: "An EBS snapshot with its sharing permissions.", Shape: Snapshot{}},
		{Name: TypeDBCluster, Description: "An Aurora (or DocumentDB) DB cluster.", Shape: DBCluster{}},
		{Name: TypeNeptuneCluster, Description: "A Neptune graph database cluster.", Shape: DBCluster{}},
		{Name: TypeECRRepository, Description: "An ECR container image repository.", Shape: ECRRepository{}},
		{Name: TypeEKSCluster, Description: "An EKS Kubernetes cluster's control plane.", Shape: EKSCluster{}},
		{Name: TypeOpenSearch, Description: "An OpenSearch (or Elasticsearch) domain with its access policy.", Shape: OpenSearchDomain{}},
		{Name: TypeLoadBalancer, Description: "An Application, Network or Gateway Load Balancer with its listeners and logging.", Shape: LoadBalancer{}},
		{Name: TypeClassicELB, Description: "A Classic Load Balancer with its listeners and logging.", Shape: ClassicLoadBalancer{}},
		{Name: TypeLambdaFunction, Description: "A Lambda function with its resource policy and environment (names only).", Shape: LambdaFunction{}},
	} {
		t.Provider = Provider
		asset.RegisterType(t)
	}
}
