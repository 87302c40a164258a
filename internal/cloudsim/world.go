package cloudsim

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// World is the state the simulator serves: an optional organization, its
// accounts, and everything in them. Resources are the AWS SDK for Go v2's
// own types (field names are the API member names), so a world reads like
// the AWS CLI's output and decodes exactly as the SDK would.
//
// docs/world.md describes the YAML form. A World built in Go needs no IDs,
// ARNs or owners that can be derived: NewServer fills them in. Call
// Validate to check a World built in Go the way ParseWorld checks a file.
type World struct {
	// AsOf is the instant the world's timestamps were written at. Served
	// timestamps are shifted by (now - AsOf); zero means no shift.
	AsOf time.Time
	// Organization is nil when the accounts are not in an organization.
	Organization *Organization
	// Credentials are static access keys the simulator accepts.
	Credentials []Credential
	// DefaultAccount, when set, is the account of any request signed with
	// an access key the world does not know.
	DefaultAccount string
	Accounts       []*Account
	Faults         Faults
}

// Organization is an AWS Organizations organization. Every account of the
// world is a member.
type Organization struct {
	Id                 string
	Arn                string
	FeatureSet         string // ALL (default) or CONSOLIDATED_BILLING
	MasterAccountId    string
	MasterAccountArn   string
	MasterAccountEmail string
}

// Credential is a static access key and the identity it signs as.
type Credential struct {
	AccessKeyId     string
	SecretAccessKey string
	Account         string
	// Arn is the identity GetCallerIdentity reports. Default: the IAM user
	// owning this access key in the account, else the account root.
	Arn string
}

// Account is one AWS account.
type Account struct {
	Id              string
	Name            string
	Email           string
	Status          string // ACTIVE (default), SUSPENDED, PENDING_CLOSURE
	JoinedMethod    string // CREATED (default) or INVITED
	JoinedTimestamp *time.Time
	// Deny lists IAM actions ("s3:GetBucketPolicy", wildcards allowed:
	// "s3:Get*") answered with the protocol's access-denied error when this
	// account calls them.
	Deny []string
	IAM  IAM
	S3   S3
	// Regions are the enabled regions (DescribeRegions lists exactly these)
	// with their resources. Regional calls to any other region fail as AWS
	// fails calls to a region that is not enabled.
	Regions map[string]*Region
}

// IAM is an account's IAM state.
type IAM struct {
	// PasswordPolicy is nil when the account has none (NoSuchEntity).
	PasswordPolicy *iamtypes.PasswordPolicy
	Root           Root
	Users          []*User
	Groups         []*Group
	Roles          []*Role
	// Policies are customer managed policies. The AWS managed policies
	// AdministratorAccess, ReadOnlyAccess, SecurityAudit, PowerUserAccess
	// and ViewOnlyAccess are built in.
	Policies []*Policy
}

// Root is the account root user as the credential report shows it.
type Root struct {
	// CreateDate is the report's user_creation_time (default: the
	// account's JoinedTimestamp, else AsOf).
	CreateDate       *time.Time
	MfaActive        bool
	PasswordLastUsed *time.Time
	AccessKeys       []RootAccessKey
}

// RootAccessKey is an access key of the root user (at most two count).
type RootAccessKey struct {
	Active          bool
	LastRotated     *time.Time
	LastUsedDate    *time.Time
	LastUsedRegion  string
	LastUsedService string
}

// User is an IAM user with its credentials, group memberships and policies.
type User struct {
	iamtypes.User
	// LoginProfile is set when the user has a console password.
	LoginProfile *iamtypes.LoginProfile
	// PasswordLastChanged defaults to LoginProfile.CreateDate.
	PasswordLastChanged *time.Time
	MFADevices          []iamtypes.MFADevice
	AccessKeys          []AccessKey
	// Groups names the groups the user belongs to.
	Groups           []string
	AttachedPolicies []iamtypes.AttachedPolicy
	InlinePolicies   []InlinePolicy
}

// AccessKey is an IAM user's access key and its last use.
type AccessKey struct {
	iamtypes.AccessKeyMetadata
	LastUsedDate    *time.Time
	LastUsedService string
	LastUsedRegion  string
}

// InlinePolicy is a policy embedded in a user, group or role.
// PolicyDocument is JSON text (a world file may write it as YAML).
type InlinePolicy struct {
	PolicyName     string
	PolicyDocument string
}

// Group is an IAM group with its policies.
type Group struct {
	iamtypes.Group
	AttachedPolicies []iamtypes.AttachedPolicy
	InlinePolicies   []InlinePolicy
}

// Role is an IAM role. AssumeRolePolicyDocument is JSON text (a world file
// may write it as YAML); the simulator URL-encodes it on the wire as IAM
// does.
type Role struct {
	iamtypes.Role
	AttachedPolicies []iamtypes.AttachedPolicy
	InlinePolicies   []InlinePolicy
}

// Policy is a customer managed policy; Document is its default version.
type Policy struct {
	iamtypes.Policy
	Document string
}

// S3 is an account's S3 state.
type S3 struct {
	// PublicAccessBlock is the account-level Block Public Access setting
	// (S3 Control GetPublicAccessBlock); nil when never configured.
	PublicAccessBlock *s3types.PublicAccessBlockConfiguration
	Buckets           []*Bucket
}

// Bucket is an S3 bucket and its settings; a nil setting is "not
// configured" and the matching Get call answers with S3's NoSuch... error.
type Bucket struct {
	Name              string
	Region            string // default us-east-1
	CreationDate      *time.Time
	PublicAccessBlock *s3types.PublicAccessBlockConfiguration
	// Policy is the bucket policy as JSON text (YAML allowed in a file).
	Policy string
	// PolicyStatus overrides S3's verdict on the policy; by default a
	// policy is public when an Allow statement without a Condition names
	// the principal "*".
	PolicyStatus                      *s3types.PolicyStatus
	Acl                               *BucketAcl
	ServerSideEncryptionConfiguration *s3types.ServerSideEncryptionConfiguration
	Versioning                        *BucketVersioning
	LoggingEnabled                    *s3types.LoggingEnabled
	Tags                              []s3types.Tag
}

// BucketAcl is a bucket ACL; by default the owner has FULL_CONTROL.
type BucketAcl struct {
	Owner  *s3types.Owner
	Grants []s3types.Grant
}

// BucketVersioning is GetBucketVersioning's answer.
type BucketVersioning struct {
	Status    s3types.BucketVersioningStatus
	MFADelete s3types.MFADeleteStatus
}

// Region holds an account's resources in one region.
type Region struct {
	EbsEncryptionByDefault bool
	Vpcs                   []ec2types.Vpc
	Subnets                []ec2types.Subnet
	FlowLogs               []ec2types.FlowLog
	SecurityGroups         []ec2types.SecurityGroup
	// Instances are served one reservation per instance.
	Instances []ec2types.Instance
	// InstanceUserData is the user data of instances, by instance ID, as
	// plain text (DescribeInstanceAttribute serves it base64-encoded, as
	// EC2 does).
	InstanceUserData map[string]string
	Volumes          []ec2types.Volume
	// Snapshots are the account's own EBS snapshots in this region.
	Snapshots []*Snapshot
	// Trails are the trails whose home region this is. A multi-region
	// trail also appears in DescribeTrails in the account's other regions;
	// an organization trail of the management account also appears in
	// every member account.
	Trails                 []*Trail
	Keys                   []*Key
	ConfigurationRecorders []*ConfigurationRecorder
	Detectors              []*Detector
	DBInstances            []rdstypes.DBInstance
	// DBClusters are Aurora, Neptune and DocumentDB clusters (the RDS API
	// serves all three; Engine tells them apart).
	DBClusters           []rdstypes.DBCluster
	Repositories         []*Repository
	EKSClusters          []ekstypes.Cluster
	Domains              []Domain
	LoadBalancers        []*LoadBalancer
	ClassicLoadBalancers []*ClassicLoadBalancer
	Functions            []*Function
}

// Snapshot is an EBS snapshot with its createVolumePermission attribute:
// {Group: all} makes it public, {UserId: ACCOUNT} shares it with an account.
type Snapshot struct {
	ec2types.Snapshot
	CreateVolumePermissions []ec2types.CreateVolumePermission
}

// Repository is an ECR repository with its policies. Policy and
// LifecyclePolicy are JSON text (YAML allowed in a file); empty means none.
type Repository struct {
	ecrtypes.Repository
	Policy          string
	LifecyclePolicy string
	Tags            []ecrtypes.Tag
}

// Domain is an OpenSearch (or legacy Elasticsearch) domain with its tags.
type Domain struct {
	ostypes.DomainStatus
	Tags []ostypes.Tag
}

// LoadBalancer is an Application, Network or Gateway Load Balancer with
// its listeners and attributes. Attributes not given take the defaults
// AWS reports for the load balancer's type.
type LoadBalancer struct {
	elbv2types.LoadBalancer
	Listeners  []elbv2types.Listener
	Attributes []elbv2types.LoadBalancerAttribute
	Tags       []elbv2types.Tag
}

// ClassicLoadBalancer is a Classic Load Balancer with its attributes
// (nil parts take AWS's defaults).
type ClassicLoadBalancer struct {
	elbtypes.LoadBalancerDescription
	Attributes *elbtypes.LoadBalancerAttributes
	Tags       []elbtypes.Tag
}

// Function is a Lambda function ($LATEST) with its resource policy (JSON
// text, YAML allowed in a file; empty means none), function URLs and tags
// (a mapping, as Lambda's ListTags answers them).
type Function struct {
	lambdatypes.FunctionConfiguration
	Policy       string
	FunctionUrls []FunctionUrl
	Tags         map[string]string
}

// FunctionUrl is a function URL; Qualifier names the alias it serves
// ("" for the unqualified function).
type FunctionUrl struct {
	lambdatypes.FunctionUrlConfig
	Qualifier string
}

// Trail is a CloudTrail trail with its status and event selectors.
type Trail struct {
	cttypes.Trail
	// Status is GetTrailStatus's answer (nil: not logging).
	Status                 *cloudtrail.GetTrailStatusOutput
	EventSelectors         []cttypes.EventSelector
	AdvancedEventSelectors []cttypes.AdvancedEventSelector
	Tags                   []cttypes.Tag
}

// Key is a KMS key with its rotation setting.
type Key struct {
	kmstypes.KeyMetadata
	// KeyRotationEnabled is GetKeyRotationStatus's answer for keys that
	// support rotation (AWS managed keys always rotate).
	KeyRotationEnabled   bool
	RotationPeriodInDays *int32
	NextRotationDate     *time.Time
	// Tags are written in KMS's spelling: {TagKey, TagValue}.
	Tags []kmstypes.Tag
}

// ConfigurationRecorder is an AWS Config recorder with its status.
type ConfigurationRecorder struct {
	configtypes.ConfigurationRecorder
	Status *configtypes.ConfigurationRecorderStatus
}

// Detector is a GuardDuty detector: its ID and GetDetector's answer.
type Detector struct {
	DetectorId string
	guardduty.GetDetectorOutput
}
