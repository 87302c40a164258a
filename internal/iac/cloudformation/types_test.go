package cloudformation

import (
	"strings"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

// resourceCase is what one resource of a template must become.
type resourceCase struct {
	id     string
	typ    string
	name   string
	config map[string]any
	errors []string // FieldError path=code, exactly
	rels   []string // type>target suffix, at least these
}

func runResources(t *testing.T, file string, cases []resourceCase) {
	t.Helper()
	res := load(t, file, nil)
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			a := find(t, res, c.id)
			if a.Type != c.typ {
				t.Errorf("type %s, want %s", a.Type, c.typ)
			}
			if c.name != "" && a.Name != c.name {
				t.Errorf("name %q, want %q", a.Name, c.name)
			}
			if a.Provider != awsshape.Provider || a.Hash == "" || a.Hash != a.ComputeHash() {
				t.Errorf("provider %q hash %q", a.Provider, a.Hash)
			}
			expectConfig(t, a, c.config)
			expectErrors(t, a, c.errors...)
			for _, r := range c.rels {
				typ, target, _ := strings.Cut(r, ">")
				if !hasRelation(a, typ, target) {
					t.Errorf("no relation %s to %s in %v", typ, target, a.Relations)
				}
			}
		})
	}
}

func hasRelation(a *asset.Asset, typ, target string) bool {
	for _, r := range a.Relations {
		if r.Type == typ && strings.HasSuffix(r.Target, target) {
			return true
		}
	}
	return false
}

func port(n int64) *int64 { return &n }

func TestEC2(t *testing.T) {
	none := []any{}
	runResources(t, "ec2.yaml", []resourceCase{
		{id: "Vpc", typ: awsshape.TypeVPC, name: "main", config: map[string]any{
			"VpcId": "${Vpc}", "CidrBlock": "10.0.0.0/16", "State": "available", "IsDefault": false,
			"FlowLogs": []awsshape.FlowLog{{FlowLogId: "${VpcFlowLog}", FlowLogStatus: "ACTIVE", TrafficType: "REJECT",
				LogDestinationType: "s3", LogDestination: "arn:aws:s3:::flow-logs"}},
		}},
		{id: "OtherVpc", typ: awsshape.TypeVPC, name: "OtherVpc", config: map[string]any{"FlowLogs": none}},
		{id: "PublicSubnet", typ: awsshape.TypeSubnet, config: map[string]any{
			"VpcId": "${Vpc}", "CidrBlock": "10.0.0.0/24", "MapPublicIpOnLaunch": true, "State": "available",
		}, rels: []string{"in_vpc>#Vpc"}},
		{id: "PrivateSubnet", typ: awsshape.TypeSubnet, config: map[string]any{"CidrBlock": "10.0.1.0/24", "MapPublicIpOnLaunch": false}},
		{id: "Web", typ: awsshape.TypeSecurityGroup, name: "web", config: map[string]any{
			"GroupId": "${Web}", "GroupName": "web", "Description": "web tier", "VpcId": "${Vpc}",
			"IpPermissions": []awsshape.IpPermission{
				{IpProtocol: "tcp", FromPort: port(443), ToPort: port(443),
					IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0", Description: "https"}}, Ipv6Ranges: []awsshape.Ipv6Range{{CidrIpv6: "::/0"}},
					PrefixListIds: []awsshape.PrefixListId{}, UserIdGroupPairs: []awsshape.UserIdGroupPair{}},
				{IpProtocol: "tcp", FromPort: port(22), ToPort: port(22), IpRanges: []awsshape.IpRange{{CidrIp: "203.0.113.0/24"}},
					Ipv6Ranges: []awsshape.Ipv6Range{}, PrefixListIds: []awsshape.PrefixListId{}, UserIdGroupPairs: []awsshape.UserIdGroupPair{}},
				{IpProtocol: "icmp", FromPort: port(-1), ToPort: port(-1), IpRanges: []awsshape.IpRange{}, Ipv6Ranges: []awsshape.Ipv6Range{},
					PrefixListIds: []awsshape.PrefixListId{{PrefixListId: "pl-123"}}, UserIdGroupPairs: []awsshape.UserIdGroupPair{}},
				{IpProtocol: "-1", IpRanges: []awsshape.IpRange{}, Ipv6Ranges: []awsshape.Ipv6Range{}, PrefixListIds: []awsshape.PrefixListId{},
					UserIdGroupPairs: []awsshape.UserIdGroupPair{{GroupId: "${Db}"}}},
			},
			"IpPermissionsEgress": []awsshape.IpPermission{
				{IpProtocol: "tcp", FromPort: port(443), ToPort: port(443), IpRanges: []awsshape.IpRange{}, Ipv6Ranges: []awsshape.Ipv6Range{},
					PrefixListIds: []awsshape.PrefixListId{}, UserIdGroupPairs: []awsshape.UserIdGroupPair{{GroupId: "${Db}"}}},
			},
		}, rels: []string{"in_vpc>#Vpc"}},
		{id: "Db", typ: awsshape.TypeSecurityGroup, name: "Db", config: map[string]any{
			"GroupName":     "${Db.GroupName}",
			"IpPermissions": none,
			"IpPermissionsEgress": []awsshape.IpPermission{
				{IpProtocol: "-1", IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0"}}, Ipv6Ranges: []awsshape.Ipv6Range{},
					PrefixListIds: []awsshape.PrefixListId{}, UserIdGroupPairs: []awsshape.UserIdGroupPair{}},
				{IpProtocol: "udp", FromPort: port(53), ToPort: port(53), IpRanges: []awsshape.IpRange{{CidrIp: "10.0.0.2/32"}},
					Ipv6Ranges: []awsshape.Ipv6Range{}, PrefixListIds: []awsshape.PrefixListId{}, UserIdGroupPairs: []awsshape.UserIdGroupPair{}},
			},
		}},
		{id: "Hardened", typ: awsshape.TypeInstance, name: "hardened-1", config: map[string]any{
			"InstanceId": "${Hardened}", "InstanceType": "t3.micro", "State.Name": "running",
			"MetadataOptions":     map[string]any{"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 2},
			"HasUserData":         true,
			"UserDataSecrets":     []any{map[string]any{"Kind": "aws-access-key-id", "Location": "line 3", "Line": 3}},
			"IamInstanceProfile":  map[string]any{"Arn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/app-profile"},
			"SecurityGroups":      []any{map[string]any{"GroupId": "${Web}", "GroupName": "web"}},
			"SubnetId":            "${PrivateSubnet}",
			"VpcId":               "${Vpc}",
			"PublicIpAddress":     "",
			"Monitoring.State":    "disabled",
			"BlockDeviceMappings": []any{map[string]any{"DeviceName": "/dev/sdf", "VolumeId": "${Data}"}},
		}, rels: []string{"has_security_group>#Web", "in_subnet>#PrivateSubnet", "in_vpc>#Vpc"}},
		{id: "Legacy", typ: awsshape.TypeInstance, name: "Legacy", config: map[string]any{
			"InstanceType":     "m1.small",
			"MetadataOptions":  map[string]any{"HttpTokens": "optional", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1},
			"HasUserData":      true,
			"UserDataSecrets":  none,
			"PublicIpAddress":  "${Legacy.PublicIp}",
			"SecurityGroups":   []any{map[string]any{"GroupId": "", "GroupName": "default"}},
			"Monitoring.State": "enabled",
		}},
		{id: "DefaultVpcInstance", typ: awsshape.TypeInstance, config: map[string]any{"ImageId": "ami-0123456789abcdef0", "HasUserData": false},
			errors: []string{"InstanceType=Unknown", "MetadataOptions=Unknown", "HasUserData=Unknown", "IamInstanceProfile=Unknown",
				"Monitoring.State=Unknown", "SecurityGroups=Unknown", "SubnetId=Unknown", "PublicIpAddress=Unknown"}},
		{id: "Data", typ: awsshape.TypeVolume, config: map[string]any{
			"VolumeId": "${Data}", "Size": 100, "VolumeType": "gp2", "Encrypted": true, "KmsKeyId": "${Key.Arn}", "State": "in-use",
			"Attachments": []any{map[string]any{"InstanceId": "${Hardened}", "Device": "/dev/sdf", "State": "attached"}},
		}, rels: []string{"encrypted_with>#Key", "attached_to>#Hardened"}},
		{id: "Scratch", typ: awsshape.TypeVolume, config: map[string]any{
			"Encrypted": false, "VolumeType": "gp3", "AvailabilityZone": "us-east-1a",
			"Attachments": []any{map[string]any{"InstanceId": "${Legacy}", "Device": "/dev/sdg", "State": "attached"}},
		}, rels: []string{"attached_to>#Legacy"}},
	})
	res := load(t, "ec2.yaml", nil)
	if msg := errorMessage(find(t, res, "DefaultVpcInstance"), "MetadataOptions"); msg != "launch template somebody-elses is defined outside the template: known only at deploy time" {
		t.Errorf("message %q", msg)
	}
	if s := find(t, res, "Web").Source; s.StartLine != 36 || s.EndLine != 48 {
		t.Errorf("Web lines %d-%d, want 36-48", s.StartLine, s.EndLine)
	}
	if has(res, "Template") || has(res, "WebFromDb") || has(res, "VpcFlowLog") {
		t.Error("launch templates, rules and flow logs are folded into what they attach to")
	}
}

func TestIAM(t *testing.T) {
	admin := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}
	runResources(t, "iam.yaml", []resourceCase{
		{id: "AppRole", typ: awsshape.TypeIAMRole, name: "app", config: map[string]any{
			"RoleName": "app", "Path": "/service/", "Arn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service/app",
			"MaxSessionDuration": 3600,
			"AssumeRolePolicyDocument.Statement[0].Principal.Service": "ec2.amazonaws.com",
			"AttachedPolicies": []any{
				map[string]any{"PolicyName": "admin-all", "PolicyArn": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/admin-all", "PolicyDocument": admin},
				map[string]any{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess", "PolicyDocument": nil},
				map[string]any{"PolicyName": "defined-elsewhere", "PolicyArn": "arn:aws:iam::111122223333:policy/defined-elsewhere", "PolicyDocument": nil},
			},
			"InlinePolicies[0].PolicyName":                         "logs",
			"InlinePolicies[0].PolicyDocument.Statement[0].Action": "logs:*",
			"InlinePolicies[1].PolicyName":                         "shared",
		}, errors: []string{"AttachedPolicies=Unknown"}, rels: []string{"has_policy>#Admin", "has_policy>:policy/defined-elsewhere"}},
		{id: "OpenRole", typ: awsshape.TypeIAMRole, config: map[string]any{
			"RoleName": "${OpenRole}", "Arn": "${OpenRole.Arn}", "Path": "/",
			"AttachedPolicies[0].PolicyArn": "${ListedPolicy}",
		}, errors: []string{"AttachedPolicies=Unknown"}},
		{id: "Admin", typ: awsshape.TypeIAMPolicy, name: "admin-all", config: map[string]any{
			"PolicyName": "admin-all", "AttachmentCount": 1, "IsAttachable": true, "DefaultVersionId": "v1", "PolicyDocument": admin,
		}},
		{id: "Unattached", typ: awsshape.TypeIAMPolicy, config: map[string]any{"AttachmentCount": 0, "Arn": "${Unattached}"}},
		{id: "ListedPolicy", typ: awsshape.TypeIAMPolicy, config: map[string]any{"AttachmentCount": 3}},
		{id: "MaybeListed", typ: awsshape.TypeIAMPolicy, config: map[string]any{"AttachmentCount": 0}, errors: []string{"AttachmentCount=Unknown"}},
		{id: "Ops", typ: awsshape.TypeIAMGroup, name: "ops", config: map[string]any{
			"GroupName": "ops", "AttachedPolicies[0].PolicyArn": "${ListedPolicy}", "InlinePolicies[0].PolicyName": "shared",
		}},
		{id: "Alice", typ: awsshape.TypeIAMUser, name: "alice", config: map[string]any{
			"UserName": "alice", "PasswordEnabled": true, "MfaActive": false, "Groups": []string{"auditors", "ops"},
			"AccessKeys": []any{map[string]any{"AccessKeyId": "${AliceKey}", "Status": "Active", "CreateDate": "", "LastUsedDate": nil}},
		}, errors: []string{"CreateDate=Unknown", "AccessKeys=Unknown"}, rels: []string{"member_of>#Ops"}},
		{id: "Bob", typ: awsshape.TypeIAMUser, config: map[string]any{
			"UserName": "${Bob}", "PasswordEnabled": false, "Groups": []string{"ops"}, "AccessKeys": []any{},
			"AttachedPolicies": []any{}, "InlinePolicies": []any{},
		}, errors: []string{"CreateDate=Unknown"}},
	})
	res := load(t, "iam.yaml", nil)
	if r := find(t, res, "AppRole"); r.Region != asset.Global {
		t.Errorf("IAM region %q, want %q as the collectors", r.Region, asset.Global)
	}
}

func TestRDS(t *testing.T) {
	runResources(t, "rds.yaml", []resourceCase{
		{id: "Defaults", typ: awsshape.TypeDBInstance, name: "Defaults", config: map[string]any{
			"DBInstanceIdentifier": "${Defaults}", "Engine": "mysql", "PubliclyAccessible": true, "StorageEncrypted": false,
			"BackupRetentionPeriod": 1, "AutoMinorVersionUpgrade": true, "DeletionProtection": false, "MultiAZ": false,
			"Endpoint.Port": 3306, "DBInstanceStatus": "available",
		}},
		{id: "Private", typ: awsshape.TypeDBInstance, name: "orders-db", config: map[string]any{
			"DBInstanceIdentifier": "orders-db", "DBInstanceArn": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:orders-db",
			"PubliclyAccessible": false, "StorageEncrypted": true, "BackupRetentionPeriod": 14, "DeletionProtection": true,
			"MultiAZ": true, "Endpoint.Port": 5433, "VpcId": "${Vpc}",
			"VpcSecurityGroups": []any{map[string]any{"VpcSecurityGroupId": "${DbSg}", "Status": "active"}},
		}, rels: []string{"has_security_group>#DbSg", "in_vpc>#Vpc"}},
		{id: "InPublicVpc", typ: awsshape.TypeDBInstance, config: map[string]any{"PubliclyAccessible": true, "VpcId": "${PublicVpc}"}},
		{id: "ExternalGroup", typ: awsshape.TypeDBInstance, config: map[string]any{"PubliclyAccessible": false}, errors: []string{"PubliclyAccessible=Unknown"}},
		{id: "Replica", typ: awsshape.TypeDBInstance, config: map[string]any{"BackupRetentionPeriod": 0, "PubliclyAccessible": false},
			errors: []string{"StorageEncrypted=Unknown"}},
		{id: "Aurora", typ: awsshape.TypeDBCluster, config: map[string]any{
			"Engine": "aurora-postgresql", "StorageEncrypted": true, "BackupRetentionPeriod": 7, "IAMDatabaseAuthenticationEnabled": true,
			"EnabledCloudwatchLogsExports": []string{"postgresql"}, "MultiAZ": true, "VpcSecurityGroupIds": []string{"${DbSg}"},
			"DBClusterArn": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${Aurora}", "Status": "available",
		}},
		{id: "AuroraOne", typ: awsshape.TypeDBInstance, config: map[string]any{
			"StorageEncrypted": true, "BackupRetentionPeriod": 7, "PubliclyAccessible": false, "Endpoint.Port": 5432,
			"VpcSecurityGroups": []any{map[string]any{"VpcSecurityGroupId": "${DbSg}", "Status": "active"}},
		}},
		{id: "AuroraTwo", typ: awsshape.TypeDBInstance, config: map[string]any{"Engine": "aurora-postgresql", "StorageEncrypted": true}},
		{id: "Graph", typ: awsshape.TypeNeptuneCluster, name: "graph", config: map[string]any{
			"DBClusterIdentifier": "graph", "Engine": "neptune", "IAMDatabaseAuthenticationEnabled": true, "StorageEncrypted": false,
			"BackupRetentionPeriod": 1, "DeletionProtection": false, "EnabledCloudwatchLogsExports": []any{}, "MultiAZ": false,
		}},
		{id: "Docs", typ: awsshape.TypeDBCluster, config: map[string]any{"Engine": "docdb"}, errors: []string{"StorageEncrypted=Unknown"}},
	})
}

func TestWorkloads(t *testing.T) {
	runResources(t, "workloads.yaml", []resourceCase{
		{id: "Key", typ: awsshape.TypeKMSKey, config: map[string]any{
			"KeyId": "${Key}", "Arn": "${Key.Arn}", "KeyManager": "CUSTOMER", "KeyState": "Enabled", "KeySpec": "SYMMETRIC_DEFAULT",
			"Origin": "AWS_KMS", "KeyRotationEnabled": false, "Enabled": true, "Description": "data key",
		}},
		{id: "SigningKey", typ: awsshape.TypeKMSKey, config: map[string]any{"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY", "KeyRotationEnabled": nil}},
		{id: "Images", typ: awsshape.TypeECRRepository, name: "images", config: map[string]any{
			"RepositoryName": "images", "RepositoryArn": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/images",
			"ImageTagMutability": "IMMUTABLE", "ImageScanningConfiguration.ScanOnPush": true,
			"EncryptionConfiguration": map[string]any{"EncryptionType": "KMS", "KmsKey": "${Key.Arn}"},
			"HasLifecyclePolicy":      true, "Policy.Statement[0].Principal": "*",
		}},
		{id: "Scratch", typ: awsshape.TypeECRRepository, config: map[string]any{
			"ImageTagMutability": "MUTABLE", "ImageScanningConfiguration.ScanOnPush": false,
			"EncryptionConfiguration": map[string]any{"EncryptionType": "AES256"}, "HasLifecyclePolicy": false, "Policy": nil,
		}},
		{id: "Cluster", typ: awsshape.TypeEKSCluster, name: "prod", config: map[string]any{
			"Name": "prod", "Version": "1.30", "RoleArn": "${ClusterRole.Arn}", "Status": "ACTIVE",
			"ResourcesVpcConfig": map[string]any{"VpcId": "", "SubnetIds": []string{"subnet-1", "subnet-2"}, "SecurityGroupIds": []string{},
				"EndpointPublicAccess": true, "EndpointPrivateAccess": true, "PublicAccessCidrs": []string{"0.0.0.0/0"}},
			"EnabledLogTypes":  []string{"api", "audit"},
			"EncryptionConfig": []any{map[string]any{"Resources": []string{"secrets"}, "KeyArn": "${Key.Arn}"}},
		}, rels: []string{"encrypted_with>#Key"}},
		{id: "Search", typ: awsshape.TypeOpenSearch, name: "search", config: map[string]any{
			"DomainName": "search", "EngineVersion": "OpenSearch_2.13", "EncryptionAtRestOptions.Enabled": true,
			"NodeToNodeEncryptionOptions.Enabled": true,
			"DomainEndpointOptions":               map[string]any{"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
			"AdvancedSecurityOptions":             map[string]any{"Enabled": true, "InternalUserDatabaseEnabled": true},
			"LogPublishingOptions.AUDIT_LOGS":     map[string]any{"Enabled": true, "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:audit"},
			"ClusterZoneAwareness":                true, "VPCOptions": nil, "AccessPolicies": nil, "AutomatedSnapshotEnabled": true,
		}},
		{id: "Legacy", typ: awsshape.TypeOpenSearch, config: map[string]any{
			"EngineVersion": "Elasticsearch_1.5", "EncryptionAtRestOptions.Enabled": false, "AccessPolicies.Statement[0].Principal.AWS": "*",
			"LogPublishingOptions": map[string]any{},
		}, errors: []string{"DomainEndpointOptions.TLSSecurityPolicy=Unknown"}},
		{id: "Alb", typ: awsshape.TypeLoadBalancer, name: "web", config: map[string]any{
			"LoadBalancerName": "web", "LoadBalancerArn": "${Alb}", "Type": "application", "Scheme": "internet-facing",
			"AccessLogsEnabled": true, "AccessLogsBucket": "alb-logs", "DropInvalidHeaderFields": true, "DeletionProtection": false,
			"DesyncMitigationMode": "defensive",
			"Listeners": []any{
				map[string]any{"ListenerArn": "${Http}", "Port": 80, "Protocol": "HTTP", "Certificates": []any{},
					"DefaultActions": []any{map[string]any{"Type": "redirect", "RedirectProtocol": "HTTPS"}}},
				map[string]any{"ListenerArn": "${Https}", "Port": 443, "Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
					"Certificates":   []string{"arn:aws:acm:us-east-1:111122223333:certificate/abc"},
					"DefaultActions": []any{map[string]any{"Type": "forward"}}},
			},
		}},
		{id: "Nlb", typ: awsshape.TypeLoadBalancer, config: map[string]any{
			"Type": "network", "Scheme": "internal", "DropInvalidHeaderFields": false,
			"Listeners[0].Protocol": "TLS", "Listeners[0].SslPolicy": "ELBSecurityPolicy-2016-08",
			"Listeners[1].Protocol": "TCP",
		}},
		{id: "Classic", typ: awsshape.TypeClassicELB, config: map[string]any{
			"LoadBalancerName": "${Classic}", "Scheme": "internet-facing", "AccessLogEnabled": true, "AccessLogBucket": "elb-logs",
			"CrossZoneLoadBalancing": false,
			"ListenerDescriptions": []any{
				map[string]any{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080},
				map[string]any{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", "InstancePort": 8080,
					"SSLCertificateId": "arn:aws:acm:us-east-1:111122223333:certificate/abc"},
			},
		}},
		{id: "Fn", typ: awsshape.TypeLambdaFunction, name: "api", config: map[string]any{
			"FunctionName": "api", "FunctionArn": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:api",
			"Runtime": "python3.12", "PackageType": "Zip", "Role": "${ClusterRole.Arn}", "TracingConfig.Mode": "Active",
			"EnvironmentVariableNames": []string{"API_TOKEN", "DB_PASSWORD", "STAGE", "TABLE"},
			"EnvironmentSecrets":       []any{map[string]any{"Kind": "password", "Location": "DB_PASSWORD"}},
			"FunctionUrlAuthType":      "NONE", "VpcConfig": nil,
			"Policy": map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": []any{
				map[string]any{"Sid": "FnPublicInvoke", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
					"Resource":  "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:api",
					"Condition": map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "NONE"}}},
				map[string]any{"Sid": "FnFromS3", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"},
					"Action":   "lambda:InvokeFunction",
					"Resource": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:api",
					"Condition": map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": "arn:aws:s3:::uploads"},
						"StringEquals": map[string]any{"AWS:SourceAccount": "${AWS::AccountId}"}}},
			}},
		}},
		{id: "Trail", typ: awsshape.TypeTrail, name: "org", config: map[string]any{
			"Name": "org", "IsLogging": true, "IsMultiRegionTrail": true, "LogFileValidationEnabled": true,
			"IncludeGlobalServiceEvents": true, "S3BucketName": "trail-logs", "KmsKeyId": "${Key}",
			"EventSelectors":         []any{map[string]any{"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": []any{}}},
			"AdvancedEventSelectors": []any{},
		}, rels: []string{"delivers_to>#TrailBucket", "encrypted_with>#Key"}},
		{id: "DataTrail", typ: awsshape.TypeTrail, config: map[string]any{
			"IsLogging": false, "IsMultiRegionTrail": false,
			"EventSelectors": []any{map[string]any{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": false,
				"DataResources": []any{map[string]any{"Type": "AWS::S3::Object", "Values": []string{"arn:aws:s3:::"}}}}},
		}, rels: []string{"delivers_to>:s3:::external-bucket"}},
	})
}
