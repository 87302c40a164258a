// Package awsshape defines the Config document of every canonical AWS asset
// type. The AWS collectors and the infrastructure-as-code adapters both build
// these structs, so a check written against a shape applies unchanged to the
// live cloud and to code.
//
// Conventions: field names are the AWS API member names as the AWS SDK for Go
// v2 spells them (PascalCase); timestamps are RFC 3339 strings; policy
// documents are decoded JSON objects; lists are never null (asset.ToConfig
// turns nil slices into []); an object that is null means "not configured"
// (never "could not be read": that is recorded in asset.Asset.Errors).
package awsshape

import (
	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// Canonical type names.
const (
	TypeAccount       = "aws.account"
	TypeS3Bucket      = "aws.s3.bucket"
	TypeSecurityGroup = "aws.ec2.security_group"
	TypeInstance      = "aws.ec2.instance"
	TypeVPC           = "aws.ec2.vpc"
	TypeSubnet        = "aws.ec2.subnet"
	TypeVolume        = "aws.ec2.volume"
	TypeIAMUser       = "aws.iam.user"
	TypeIAMRole       = "aws.iam.role"
	TypeIAMGroup      = "aws.iam.group"
	TypeIAMPolicy     = "aws.iam.policy"
	TypeTrail         = "aws.cloudtrail.trail"
	TypeKMSKey        = "aws.kms.key"
	TypeDBInstance    = "aws.rds.db_instance"
)

// Provider is the provider name on every AWS asset.
const Provider = "aws"

// AccountUID is the UID of an account's aws.account asset.
func AccountUID(accountID string) string { return "aws:account:" + accountID }

// Account holds the account-wide facts: identity, IAM account settings, root
// credentials, and per-region baseline services. One per account.
type Account struct {
	AccountId      string `json:"AccountId"`
	AccountName    string `json:"AccountName,omitempty"`
	Email          string `json:"Email,omitempty"`
	OrganizationId string `json:"OrganizationId,omitempty"`
	// PasswordPolicy is null when the account has no password policy.
	PasswordPolicy *PasswordPolicy `json:"PasswordPolicy"`
	// AccountSummary is IAM GetAccountSummary's SummaryMap, e.g.
	// AccountMFAEnabled (1 when root has MFA) and AccountAccessKeysPresent.
	AccountSummary map[string]int64 `json:"AccountSummary"`
	Root           RootCredentials  `json:"Root"`
	// S3PublicAccessBlock is the account-level S3 Block Public Access
	// setting; null when it was never configured (nothing is blocked).
	S3PublicAccessBlock *PublicAccessBlock `json:"S3PublicAccessBlock"`
	// Regions lists every enabled region that was scanned.
	Regions []AccountRegion `json:"Regions"`
	// Trails lists every CloudTrail trail that applies to the account
	// (each once, from its home region), with its status and selectors.
	Trails []Trail `json:"Trails"`
}

// PasswordPolicy is IAM GetAccountPasswordPolicy's PasswordPolicy.
type PasswordPolicy struct {
	MinimumPasswordLength      int64 `json:"MinimumPasswordLength"`
	RequireSymbols             bool  `json:"RequireSymbols"`
	RequireNumbers             bool  `json:"RequireNumbers"`
	RequireUppercaseCharacters bool  `json:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool  `json:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool  `json:"AllowUsersToChangePassword"`
	ExpirePasswords            bool  `json:"ExpirePasswords"`
	// MaxPasswordAge is 0 when passwords never expire.
	MaxPasswordAge int64 `json:"MaxPasswordAge"`
	// PasswordReusePrevention is 0 when reuse is not prevented.
	PasswordReusePrevention int64 `json:"PasswordReusePrevention"`
	HardExpiry              bool  `json:"HardExpiry"`
}

// RootCredentials is the root user's row of the IAM credential report.
// Dates are null when the report says the credential was never used or
// does not exist.
type RootCredentials struct {
	Arn                    string  `json:"Arn"`
	PasswordEnabled        bool    `json:"PasswordEnabled"`
	PasswordLastUsed       *string `json:"PasswordLastUsed"`
	MfaActive              bool    `json:"MfaActive"`
	AccessKey1Active       bool    `json:"AccessKey1Active"`
	AccessKey1LastUsedDate *string `json:"AccessKey1LastUsedDate"`
	AccessKey2Active       bool    `json:"AccessKey2Active"`
	AccessKey2LastUsedDate *string `json:"AccessKey2LastUsedDate"`
	Cert1Active            bool    `json:"Cert1Active"`
	Cert2Active            bool    `json:"Cert2Active"`
}

// AccountRegion holds the regional baseline facts of an account.
type AccountRegion struct {
	Region                 string              `json:"Region"`
	EbsEncryptionByDefault bool                `json:"EbsEncryptionByDefault"`
	ConfigurationRecorders []ConfigRecorder    `json:"ConfigurationRecorders"`
	GuardDutyDetectors     []GuardDutyDetector `json:"GuardDutyDetectors"`
}

// ConfigRecorder is an AWS Config configuration recorder with its status.
type ConfigRecorder struct {
	Name           string         `json:"Name"`
	RoleARN        string         `json:"RoleARN"`
	RecordingGroup RecordingGroup `json:"RecordingGroup"`
	// Recording is true when the recorder is currently recording.
	Recording  bool   `json:"Recording"`
	LastStatus string `json:"LastStatus,omitempty"`
}

// RecordingGroup says which resource types a recorder records.
type RecordingGroup struct {
	AllSupported               bool     `json:"AllSupported"`
	IncludeGlobalResourceTypes bool     `json:"IncludeGlobalResourceTypes"`
	ResourceTypes              []string `json:"ResourceTypes"`
}

// GuardDutyDetector is a GuardDuty detector; Status is ENABLED or DISABLED.
type GuardDutyDetector struct {
	DetectorId                 string `json:"DetectorId"`
	Status                     string `json:"Status"`
	FindingPublishingFrequency string `json:"FindingPublishingFrequency,omitempty"`
}

// PublicAccessBlock is an S3 Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets"`
}

// Bucket is an S3 bucket (aws.s3.bucket).
type Bucket struct {
	Name         string `json:"Name"`
	Arn          string `json:"Arn"`
	Region       string `json:"Region"`
	CreationDate string `json:"CreationDate,omitempty"`
	// PublicAccessBlock is the bucket's own setting; null when not set.
	PublicAccessBlock *PublicAccessBlock `json:"PublicAccessBlock"`
	// AccountPublicAccessBlock repeats the owning account's setting, which
	// applies to the bucket too; null when not set.
	AccountPublicAccessBlock *PublicAccessBlock `json:"AccountPublicAccessBlock"`
	// Policy is the bucket policy document; null when there is none.
	Policy map[string]any `json:"Policy"`
	// PolicyStatus is S3's own verdict on the policy; null without a policy.
	PolicyStatus *PolicyStatus `json:"PolicyStatus"`
	Acl          *BucketAcl    `json:"Acl"`
	// ServerSideEncryptionConfiguration is null when no default encryption
	// is configured.
	ServerSideEncryptionConfiguration *ServerSideEncryptionConfiguration `json:"ServerSideEncryptionConfiguration"`
	Versioning                        Versioning                         `json:"Versioning"`
	// LoggingEnabled is null when server access logging is off.
	LoggingEnabled *LoggingEnabled `json:"LoggingEnabled"`
}

// PolicyStatus is S3 GetBucketPolicyStatus's PolicyStatus.
type PolicyStatus struct {
	IsPublic bool `json:"IsPublic"`
}

// BucketAcl is an S3 access control list.
type BucketAcl struct {
	Owner  Owner   `json:"Owner"`
	Grants []Grant `json:"Grants"`
}

// Owner identifies the canonical user owning a bucket.
type Owner struct {
	ID          string `json:"ID"`
	DisplayName string `json:"DisplayName,omitempty"`
}

// Grant is one ACL grant. Grantee.Type is CanonicalUser, Group or
// AmazonCustomerByEmail; public groups are identified by Grantee.URI
// (http://acs.amazonaws.com/groups/global/AllUsers and .../AuthenticatedUsers).
type Grant struct {
	Grantee    Grantee `json:"Grantee"`
	Permission string  `json:"Permission"`
}

// Grantee is the receiver of an ACL grant.
type Grantee struct {
	Type         string `json:"Type"`
	ID           string `json:"ID,omitempty"`
	URI          string `json:"URI,omitempty"`
	DisplayName  string `json:"DisplayName,omitempty"`
	EmailAddress string `json:"EmailAddress,omitempty"`
}

// ServerSideEncryptionConfiguration is a bucket's default encryption.
type ServerSideEncryptionConfiguration struct {
	Rules []EncryptionRule `json:"Rules"`
}

// EncryptionRule is one default-encryption rule.
type EncryptionRule struct {
	ApplyServerSideEncryptionByDefault *EncryptionByDefault `json:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled                   bool                 `json:"BucketKeyEnabled"`
}

// EncryptionByDefault names the algorithm (AES256, aws:kms, aws:kms:dsse)
// and, for KMS, the key.
type EncryptionByDefault struct {
	SSEAlgorithm   string `json:"SSEAlgorithm"`
	KMSMasterKeyID string `json:"KMSMasterKeyID,omitempty"`
}

// Versioning is a bucket's versioning state: Status is "Enabled",
// "Suspended" or "" (never enabled).
type Versioning struct {
	Status    string `json:"Status"`
	MFADelete string `json:"MFADelete"`
}

// LoggingEnabled is a bucket's server access logging target.
type LoggingEnabled struct {
	TargetBucket string `json:"TargetBucket"`
	TargetPrefix string `json:"TargetPrefix"`
}

// SecurityGroup is an EC2 security group (aws.ec2.security_group).
type SecurityGroup struct {
	GroupId             string         `json:"GroupId"`
	GroupName           string         `json:"GroupName"`
	Description         string         `json:"Description"`
	VpcId               string         `json:"VpcId"`
	OwnerId             string         `json:"OwnerId"`
	IpPermissions       []IpPermission `json:"IpPermissions"`
	IpPermissionsEgress []IpPermission `json:"IpPermissionsEgress"`
}

// IpPermission is one security group rule. IpProtocol "-1" means all
// protocols and all ports; FromPort/ToPort are null then (and for ICMP they
// carry type and code).
type IpPermission struct {
	IpProtocol       string            `json:"IpProtocol"`
	FromPort         *int64            `json:"FromPort"`
	ToPort           *int64            `json:"ToPort"`
	IpRanges         []IpRange         `json:"IpRanges"`
	Ipv6Ranges       []Ipv6Range       `json:"Ipv6Ranges"`
	PrefixListIds    []PrefixListId    `json:"PrefixListIds"`
	UserIdGroupPairs []UserIdGroupPair `json:"UserIdGroupPairs"`
}

// IpRange is an IPv4 CIDR source or destination.
type IpRange struct {
	CidrIp      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

// Ipv6Range is an IPv6 CIDR source or destination.
type Ipv6Range struct {
	CidrIpv6    string `json:"CidrIpv6"`
	Description string `json:"Description,omitempty"`
}

// PrefixListId references a managed prefix list.
type PrefixListId struct {
	PrefixListId string `json:"PrefixListId"`
}

// UserIdGroupPair references another security group.
type UserIdGroupPair struct {
	GroupId string `json:"GroupId"`
	UserId  string `json:"UserId,omitempty"`
}

// Instance is an EC2 instance (aws.ec2.instance).
type Instance struct {
	InstanceId          string               `json:"InstanceId"`
	InstanceType        string               `json:"InstanceType"`
	ImageId             string               `json:"ImageId"`
	State               InstanceState        `json:"State"`
	VpcId               string               `json:"VpcId"`
	SubnetId            string               `json:"SubnetId"`
	PrivateIpAddress    string               `json:"PrivateIpAddress"`
	PublicIpAddress     string               `json:"PublicIpAddress"`
	IamInstanceProfile  *IamInstanceProfile  `json:"IamInstanceProfile"`
	MetadataOptions     MetadataOptions      `json:"MetadataOptions"`
	SecurityGroups      []GroupIdentifier    `json:"SecurityGroups"`
	BlockDeviceMappings []BlockDeviceMapping `json:"BlockDeviceMappings"`
	LaunchTime          string               `json:"LaunchTime,omitempty"`
	Monitoring          Monitoring           `json:"Monitoring"`
	// HasUserData is true when the instance has user data. The user data
	// itself is never kept: it often holds secrets.
	HasUserData bool `json:"HasUserData"`
	// UserDataSecrets lists hard-coded credentials found in the user data
	// (kind and line, never the value).
	UserDataSecrets []secrets.Finding `json:"UserDataSecrets"`
}

// InstanceState is e.g. {"Name": "running"}.
type InstanceState struct {
	Name string `json:"Name"`
}

// IamInstanceProfile is the instance profile attached to an instance.
type IamInstanceProfile struct {
	Arn string `json:"Arn"`
	Id  string `json:"Id,omitempty"`
}

// MetadataOptions is the instance metadata service configuration;
// HttpTokens "required" means IMDSv2 only.
type MetadataOptions struct {
	HttpTokens              string `json:"HttpTokens"`
	HttpEndpoint            string `json:"HttpEndpoint"`
	HttpPutResponseHopLimit int64  `json:"HttpPutResponseHopLimit"`
}

// GroupIdentifier names a security group attached to an instance.
type GroupIdentifier struct {
	GroupId   string `json:"GroupId"`
	GroupName string `json:"GroupName"`
}

// BlockDeviceMapping is one volume attached to an instance.
type BlockDeviceMapping struct {
	DeviceName string `json:"DeviceName"`
	VolumeId   string `json:"VolumeId"`
}

// Monitoring is detailed monitoring: State "enabled" or "disabled".
type Monitoring struct {
	State string `json:"State"`
}

// VPC is an EC2 VPC with its flow logs (aws.ec2.vpc).
type VPC struct {
	VpcId     string    `json:"VpcId"`
	CidrBlock string    `json:"CidrBlock"`
	IsDefault bool      `json:"IsDefault"`
	State     string    `json:"State"`
	OwnerId   string    `json:"OwnerId"`
	FlowLogs  []FlowLog `json:"FlowLogs"`
}

// FlowLog is a VPC flow log; FlowLogStatus is ACTIVE when it is working and
// TrafficType is ACCEPT, REJECT or ALL.
type FlowLog struct {
	FlowLogId          string `json:"FlowLogId"`
	FlowLogStatus      string `json:"FlowLogStatus"`
	DeliverLogsStatus  string `json:"DeliverLogsStatus,omitempty"`
	TrafficType        string `json:"TrafficType"`
	LogDestinationType string `json:"LogDestinationType"`
	LogDestination     string `json:"LogDestination,omitempty"`
}

// Subnet is an EC2 subnet (aws.ec2.subnet).
type Subnet struct {
	SubnetId            string `json:"SubnetId"`
	VpcId               string `json:"VpcId"`
	CidrBlock           string `json:"CidrBlock"`
	AvailabilityZone    string `json:"AvailabilityZone"`
	MapPublicIpOnLaunch bool   `json:"MapPublicIpOnLaunch"`
	DefaultForAz        bool   `json:"DefaultForAz"`
	State               string `json:"State"`
}

// Volume is an EBS volume (aws.ec2.volume).
type Volume struct {
	VolumeId         string             `json:"VolumeId"`
	Size             int64              `json:"Size"`
	VolumeType       string             `json:"VolumeType"`
	Encrypted        bool               `json:"Encrypted"`
	KmsKeyId         string             `json:"KmsKeyId,omitempty"`
	State            string             `json:"State"`
	AvailabilityZone string             `json:"AvailabilityZone"`
	SnapshotId       string             `json:"SnapshotId,omitempty"`
	CreateTime       string             `json:"CreateTime,omitempty"`
	Attachments      []VolumeAttachment `json:"Attachments"`
}

// VolumeAttachment links a volume to an instance.
type VolumeAttachment struct {
	InstanceId string `json:"InstanceId"`
	Device     string `json:"Device"`
	State      string `json:"State"`
}

// AttachedPolicy is a managed policy attached to a user, group or role,
// with the document of its default version (null if it could not be read).
type AttachedPolicy struct {
	PolicyName     string         `json:"PolicyName"`
	PolicyArn      string         `json:"PolicyArn"`
	PolicyDocument map[string]any `json:"PolicyDocument"`
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	PolicyName     string         `json:"PolicyName"`
	PolicyDocument map[string]any `json:"PolicyDocument"`
}

// User is an IAM user (aws.iam.user), joined with its credential report row.
type User struct {
	UserName   string `json:"UserName"`
	UserId     string `json:"UserId"`
	Arn        string `json:"Arn"`
	Path       string `json:"Path"`
	CreateDate string `json:"CreateDate"`
	// PasswordEnabled is true when the user has a console password.
	PasswordEnabled     bool    `json:"PasswordEnabled"`
	PasswordLastUsed    *string `json:"PasswordLastUsed"`
	PasswordLastChanged *string `json:"PasswordLastChanged"`
	// MfaActive is true when at least one MFA device is enabled.
	MfaActive        bool             `json:"MfaActive"`
	MFADevices       []MFADevice      `json:"MFADevices"`
	AccessKeys       []AccessKey      `json:"AccessKeys"`
	AttachedPolicies []AttachedPolicy `json:"AttachedPolicies"`
	InlinePolicies   []InlinePolicy   `json:"InlinePolicies"`
	Groups           []string         `json:"Groups"`
}

// MFADevice is an MFA device enabled for a user.
type MFADevice struct {
	SerialNumber string `json:"SerialNumber"`
	EnableDate   string `json:"EnableDate"`
}

// AccessKey is an IAM access key; Status is Active or Inactive and
// LastUsedDate is null when the key was never used.
type AccessKey struct {
	AccessKeyId  string  `json:"AccessKeyId"`
	Status       string  `json:"Status"`
	CreateDate   string  `json:"CreateDate"`
	LastUsedDate *string `json:"LastUsedDate"`
}

// Role is an IAM role (aws.iam.role).
type Role struct {
	RoleName   string `json:"RoleName"`
	RoleId     string `json:"RoleId"`
	Arn        string `json:"Arn"`
	Path       string `json:"Path"`
	CreateDate string `json:"CreateDate"`
	// AssumeRolePolicyDocument is the trust policy.
	AssumeRolePolicyDocument map[string]any   `json:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int64            `json:"MaxSessionDuration"`
	AttachedPolicies         []AttachedPolicy `json:"AttachedPolicies"`
	InlinePolicies           []InlinePolicy   `json:"InlinePolicies"`
}

// Group is an IAM group (aws.iam.group).
type Group struct {
	GroupName        string           `json:"GroupName"`
	GroupId          string           `json:"GroupId"`
	Arn              string           `json:"Arn"`
	Path             string           `json:"Path"`
	CreateDate       string           `json:"CreateDate"`
	AttachedPolicies []AttachedPolicy `json:"AttachedPolicies"`
	InlinePolicies   []InlinePolicy   `json:"InlinePolicies"`
}

// Policy is a customer managed IAM policy (aws.iam.policy).
type Policy struct {
	PolicyName       string `json:"PolicyName"`
	PolicyId         string `json:"PolicyId"`
	Arn              string `json:"Arn"`
	Path             string `json:"Path"`
	DefaultVersionId string `json:"DefaultVersionId"`
	// AttachmentCount is how many users, groups and roles it is attached to.
	AttachmentCount int64  `json:"AttachmentCount"`
	IsAttachable    bool   `json:"IsAttachable"`
	CreateDate      string `json:"CreateDate"`
	UpdateDate      string `json:"UpdateDate"`
	// PolicyDocument is the default version's document.
	PolicyDocument map[string]any `json:"PolicyDocument"`
}

// Trail is a CloudTrail trail with its status and event selectors
// (aws.cloudtrail.trail).
type Trail struct {
	Name                       string `json:"Name"`
	TrailARN                   string `json:"TrailARN"`
	HomeRegion                 string `json:"HomeRegion"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	S3BucketName               string `json:"S3BucketName"`
	KmsKeyId                   string `json:"KmsKeyId,omitempty"`
	CloudWatchLogsLogGroupArn  string `json:"CloudWatchLogsLogGroupArn,omitempty"`
	// IsLogging comes from GetTrailStatus.
	IsLogging              bool                    `json:"IsLogging"`
	LatestDeliveryError    string                  `json:"LatestDeliveryError,omitempty"`
	EventSelectors         []EventSelector         `json:"EventSelectors"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"AdvancedEventSelectors"`
}

// EventSelector is a basic CloudTrail event selector. ReadWriteType is
// ReadOnly, WriteOnly or All.
type EventSelector struct {
	ReadWriteType           string         `json:"ReadWriteType"`
	IncludeManagementEvents bool           `json:"IncludeManagementEvents"`
	DataResources           []DataResource `json:"DataResources"`
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string   `json:"Type"`
	Values []string `json:"Values"`
}

// AdvancedEventSelector is a CloudTrail advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"Name,omitempty"`
	FieldSelectors []FieldSelector `json:"FieldSelectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
}

// Key is a KMS key (aws.kms.key).
type Key struct {
	KeyId        string `json:"KeyId"`
	Arn          string `json:"Arn"`
	Description  string `json:"Description,omitempty"`
	KeyManager   string `json:"KeyManager"` // AWS or CUSTOMER
	KeyState     string `json:"KeyState"`   // Enabled, Disabled, PendingDeletion, ...
	KeySpec      string `json:"KeySpec"`    // SYMMETRIC_DEFAULT, RSA_2048, ...
	KeyUsage     string `json:"KeyUsage"`
	Origin       string `json:"Origin"`
	Enabled      bool   `json:"Enabled"`
	MultiRegion  bool   `json:"MultiRegion"`
	CreationDate string `json:"CreationDate,omitempty"`
	DeletionDate string `json:"DeletionDate,omitempty"`
	// KeyRotationEnabled is null for keys where rotation does not apply
	// (asymmetric, HMAC, imported material, custom key stores).
	KeyRotationEnabled *bool `json:"KeyRotationEnabled"`
}

// DBInstance is an RDS DB instance (aws.rds.db_instance).
type DBInstance struct {
	DBInstanceIdentifier             string                `json:"DBInstanceIdentifier"`
	DBInstanceArn                    string                `json:"DBInstanceArn"`
	DbiResourceId                    string                `json:"DbiResourceId"`
	Engine                           string                `json:"Engine"`
	EngineVersion                    string                `json:"EngineVersion"`
	DBInstanceClass                  string                `json:"DBInstanceClass"`
	DBInstanceStatus                 string                `json:"DBInstanceStatus"`
	PubliclyAccessible               bool                  `json:"PubliclyAccessible"`
	StorageEncrypted                 bool                  `json:"StorageEncrypted"`
	KmsKeyId                         string                `json:"KmsKeyId,omitempty"`
	MultiAZ                          bool                  `json:"MultiAZ"`
	BackupRetentionPeriod            int64                 `json:"BackupRetentionPeriod"`
	DeletionProtection               bool                  `json:"DeletionProtection"`
	AutoMinorVersionUpgrade          bool                  `json:"AutoMinorVersionUpgrade"`
	IAMDatabaseAuthenticationEnabled bool                  `json:"IAMDatabaseAuthenticationEnabled"`
	VpcId                            string                `json:"VpcId"`
	VpcSecurityGroups                []VpcSecurityGroupRef `json:"VpcSecurityGroups"`
	Endpoint                         *DBEndpoint           `json:"Endpoint"`
	InstanceCreateTime               string                `json:"InstanceCreateTime,omitempty"`
}

// VpcSecurityGroupRef is a security group attached to a DB instance.
type VpcSecurityGroupRef struct {
	VpcSecurityGroupId string `json:"VpcSecurityGroupId"`
	Status             string `json:"Status"`
}

// DBEndpoint is where a DB instance listens.
type DBEndpoint struct {
	Address string `json:"Address"`
	Port    int64  `json:"Port"`
}

func init() {
	for _, t := range []asset.TypeInfo{
		{Name: TypeAccount, Description: "An AWS account: IAM account settings, root credentials, S3 account public access block, and per-region baseline services (Config, GuardDuty, EBS default encryption, CloudTrail).", Shape: Account{}},
		{Name: TypeS3Bucket, Description: "An S3 bucket with its access controls, encryption, versioning and logging.", Shape: Bucket{}},
		{Name: TypeSecurityGroup, Description: "An EC2/VPC security group and its rules.", Shape: SecurityGroup{}},
		{Name: TypeInstance, Description: "An EC2 instance.", Shape: Instance{}},
		{Name: TypeVPC, Description: "A VPC with its flow logs.", Shape: VPC{}},
		{Name: TypeSubnet, Description: "A VPC subnet.", Shape: Subnet{}},
		{Name: TypeVolume, Description: "An EBS volume.", Shape: Volume{}},
		{Name: TypeIAMUser, Description: "An IAM user with its credentials and policies.", Shape: User{}},
		{Name: TypeIAMRole, Description: "An IAM role with its trust policy and permissions policies.", Shape: Role{}},
		{Name: TypeIAMGroup, Description: "An IAM group with its policies.", Shape: Group{}},
		{Name: TypeIAMPolicy, Description: "A customer managed IAM policy.", Shape: Policy{}},
		{Name: TypeTrail, Description: "A CloudTrail trail with its logging status and event selectors.", Shape: Trail{}},
		{Name: TypeKMSKey, Description: "A KMS key.", Shape: Key{}},
		{Name: TypeDBInstance, Description: "An RDS DB instance.", Shape: DBInstance{}},
	} {
		t.Provider = Provider
		asset.RegisterType(t)
	}
}
