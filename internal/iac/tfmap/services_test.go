package tfmap

import (
	"slices"
	"testing"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// mapped is one expectation: the Config of an address and its FieldErrors.
type mapped struct {
	addr string
	want any
	errs []string
}

func runMapped(t *testing.T, rs []*tfmodel.Resource, cases []mapped) {
	t.Helper()
	as, _ := mapAll(t, rs...)
	idx := byAddr(as)
	for _, c := range cases {
		a, ok := idx[c.addr]
		if !ok {
			t.Errorf("no asset %s", c.addr)
			continue
		}
		t.Run(c.addr, func(t *testing.T) {
			sameConfig(t, a.Config, c.want)
			if got := errPaths(a); !slices.Equal(got, c.errs) {
				t.Errorf("errors = %v, want %v", got, c.errs)
			}
		})
	}
}

func TestKMSKey(t *testing.T) {
	runMapped(t, []*tfmodel.Resource{
		res("aws_kms_key", "default", nil),
		res("aws_kms_key", "rotated", map[string]any{"description": "d", "enable_key_rotation": true, "multi_region": true}),
		res("aws_kms_key", "rsa", map[string]any{"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "is_enabled": false}),
		res("aws_kms_key", "hsm", map[string]any{"custom_key_store_id": "cks-1"}),
		res("aws_kms_key", "unknown", map[string]any{"enable_key_rotation": unknown("var.rotate has no value")}),
		res("aws_kms_external_key", "ext", nil),
	}, []mapped{
		{"aws_kms_key.default", awsshape.Key{KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS", Enabled: true, KeyRotationEnabled: ptr(false)}, nil},
		{"aws_kms_key.rotated", awsshape.Key{Description: "d", KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS", Enabled: true, MultiRegion: true, KeyRotationEnabled: ptr(true)}, nil},
		{"aws_kms_key.rsa", awsshape.Key{KeyManager: "CUSTOMER", KeyState: "Disabled", KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", Origin: "AWS_KMS"}, nil},
		{"aws_kms_key.hsm", awsshape.Key{KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Origin: "AWS_CLOUDHSM", Enabled: true}, nil},
		{"aws_kms_key.unknown", awsshape.Key{KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS", Enabled: true}, []string{"KeyRotationEnabled:Unknown"}},
		{"aws_kms_external_key.ext", awsshape.Key{KeyManager: "CUSTOMER", KeyState: "PendingImport", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", Origin: "EXTERNAL"}, nil},
	})
	a := one(t, "aws_kms_key.k", res("aws_kms_key", "k", nil), res("aws_kms_alias", "a", map[string]any{"name": "alias/app", "target_key_id": ref("aws_kms_key.k", "key_id")}))
	if a.Name != "alias/app" {
		t.Errorf("name = %q", a.Name)
	}
}

func TestRDS(t *testing.T) {
	runMapped(t, []*tfmodel.Resource{
		res("aws_db_instance", "default", map[string]any{"identifier": "db", "engine": "postgres", "instance_class": "db.t3.micro"}),
		res("aws_db_instance", "good", map[string]any{"identifier": "good", "engine": "mysql", "storage_encrypted": true, "kms_key_id": ref("aws_kms_key.k", "arn"),
			"backup_retention_period": int64(14), "deletion_protection": true, "multi_az": true, "iam_database_authentication_enabled": true,
			"vpc_security_group_ids": list(ref("aws_security_group.db", "id"))}),
		res("aws_db_instance", "replica", map[string]any{"identifier": "replica", "replicate_source_db": ref("aws_db_instance.good", "identifier")}),
		res("aws_db_instance", "unknown", map[string]any{"identifier": "u", "storage_encrypted": unknown("var.enc has no value"), "publicly_accessible": true}),
		res("aws_rds_cluster", "aurora", map[string]any{"cluster_identifier": "aurora", "engine": "aurora-postgresql", "storage_encrypted": true,
			"enabled_cloudwatch_logs_exports": list("postgresql")}),
		res("aws_rds_cluster_instance", "writer", map[string]any{"identifier": "w", "cluster_identifier": ref("aws_rds_cluster.aurora", "id"), "instance_class": "db.r6g.large", "engine": "aurora-postgresql"}),
		res("aws_rds_cluster_instance", "reader", map[string]any{"identifier": "r", "cluster_identifier": ref("aws_rds_cluster.aurora", "id"), "instance_class": "db.r6g.large", "engine": "aurora-postgresql"}),
		res("aws_rds_cluster", "serverless", map[string]any{"cluster_identifier": "sl", "engine_mode": "serverless"}),
		res("aws_neptune_cluster", "graph", map[string]any{"cluster_identifier": "graph", "iam_database_authentication_enabled": true,
			"enable_cloudwatch_logs_exports": list("audit"), "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1"}),
		res("aws_docdb_cluster", "docs", map[string]any{"cluster_identifier": "docs", "snapshot_identifier": "snap"}),
	}, []mapped{
		{"aws_db_instance.default", awsshape.DBInstance{DBInstanceIdentifier: "db", Engine: "postgres", DBInstanceClass: "db.t3.micro", DBInstanceStatus: "available",
			BackupRetentionPeriod: 1, AutoMinorVersionUpgrade: true}, nil},
		{"aws_db_instance.good", awsshape.DBInstance{DBInstanceIdentifier: "good", Engine: "mysql", DBInstanceStatus: "available", StorageEncrypted: true,
			KmsKeyId: "${aws_kms_key.k.arn}", BackupRetentionPeriod: 14, DeletionProtection: true, MultiAZ: true, IAMDatabaseAuthenticationEnabled: true,
			AutoMinorVersionUpgrade: true, VpcSecurityGroups: []awsshape.VpcSecurityGroupRef{{VpcSecurityGroupId: "${aws_security_group.db.id}", Status: "active"}}}, nil},
		{"aws_db_instance.replica", awsshape.DBInstance{DBInstanceIdentifier: "replica", DBInstanceStatus: "available", StorageEncrypted: true, AutoMinorVersionUpgrade: true}, nil},
		{"aws_db_instance.unknown", awsshape.DBInstance{DBInstanceIdentifier: "u", DBInstanceStatus: "available", PubliclyAccessible: true,
			BackupRetentionPeriod: 1, AutoMinorVersionUpgrade: true}, []string{"StorageEncrypted:Unknown"}},
		{"aws_rds_cluster_instance.writer", awsshape.DBInstance{DBInstanceIdentifier: "w", Engine: "aurora-postgresql", DBInstanceClass: "db.r6g.large",
			DBInstanceStatus: "available", StorageEncrypted: true, BackupRetentionPeriod: 1, AutoMinorVersionUpgrade: true}, nil},
		{"aws_rds_cluster.aurora", awsshape.DBCluster{DBClusterIdentifier: "aurora", Engine: "aurora-postgresql", Status: "available", StorageEncrypted: true,
			BackupRetentionPeriod: 1, MultiAZ: true, EnabledCloudwatchLogsExports: []string{"postgresql"}}, nil},
		{"aws_rds_cluster.serverless", awsshape.DBCluster{DBClusterIdentifier: "sl", Engine: "aurora", Status: "available", StorageEncrypted: true, BackupRetentionPeriod: 1}, nil},
		{"aws_neptune_cluster.graph", awsshape.DBCluster{DBClusterIdentifier: "graph", Engine: "neptune", Status: "available", KmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/1",
			BackupRetentionPeriod: 1, IAMDatabaseAuthenticationEnabled: true, EnabledCloudwatchLogsExports: []string{"audit"}}, nil},
		{"aws_docdb_cluster.docs", awsshape.DBCluster{DBClusterIdentifier: "docs", Engine: "docdb", Status: "available", BackupRetentionPeriod: 1}, []string{"StorageEncrypted:Unknown"}},
	})
	a := one(t, "aws_neptune_cluster.g", res("aws_neptune_cluster", "g", nil))
	if a.Type != awsshape.TypeNeptuneCluster {
		t.Errorf("type = %s", a.Type)
	}
}

func TestECREKS(t *testing.T) {
	runMapped(t, []*tfmodel.Resource{
		res("aws_ecr_repository", "default", map[string]any{"name": "app"}),
		res("aws_ecr_repository", "good", map[string]any{"name": "good", "image_tag_mutability": "IMMUTABLE",
			"image_scanning_configuration": blk(map[string]any{"scan_on_push": true}),
			"encryption_configuration":     blk(map[string]any{"encryption_type": "KMS", "kms_key": ref("aws_kms_key.k", "arn")})}),
		res("aws_ecr_repository_policy", "p", map[string]any{"repository": ref("aws_ecr_repository.good", "name"),
			"policy": `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`}),
		res("aws_ecr_lifecycle_policy", "l", map[string]any{"repository": "good", "policy": "{}"}),
		res("aws_eks_cluster", "default", map[string]any{"name": "k8s", "role_arn": ref("aws_iam_role.eks", "arn"),
			"vpc_config": blk(map[string]any{"subnet_ids": list(ref("aws_subnet.a", "id"))})}),
		res("aws_subnet", "a", map[string]any{"vpc_id": "vpc-1"}),
		res("aws_eks_cluster", "good", map[string]any{"name": "good", "version": "1.30",
			"enabled_cluster_log_types": list("api", "audit", "authenticator"),
			"vpc_config":                blk(map[string]any{"endpoint_public_access": false, "endpoint_private_access": true}),
			"encryption_config":         blk(map[string]any{"resources": list("secrets"), "provider": blk(map[string]any{"key_arn": ref("aws_kms_key.k", "arn")})})}),
	}, []mapped{
		{"aws_ecr_repository.default", awsshape.ECRRepository{RepositoryName: "app", ImageTagMutability: "MUTABLE", EncryptionConfiguration: awsshape.ECREncryption{EncryptionType: "AES256"}}, nil},
		{"aws_ecr_repository.good", awsshape.ECRRepository{RepositoryName: "good", ImageTagMutability: "IMMUTABLE",
			ImageScanningConfiguration: awsshape.ImageScanningConfiguration{ScanOnPush: true},
			EncryptionConfiguration:    awsshape.ECREncryption{EncryptionType: "KMS", KmsKey: "${aws_kms_key.k.arn}"},
			Policy:                     map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}}},
			HasLifecyclePolicy:         true}, nil},
		{"aws_eks_cluster.default", awsshape.EKSCluster{Name: "k8s", Status: "ACTIVE", RoleArn: "${aws_iam_role.eks.arn}",
			ResourcesVpcConfig: awsshape.EKSVpcConfig{VpcId: "vpc-1", SubnetIds: []string{"${aws_subnet.a.id}"}, EndpointPublicAccess: true, PublicAccessCidrs: []string{"0.0.0.0/0"}}}, nil},
		{"aws_eks_cluster.good", awsshape.EKSCluster{Name: "good", Version: "1.30", Status: "ACTIVE", EnabledLogTypes: []string{"api", "audit", "authenticator"},
			ResourcesVpcConfig: awsshape.EKSVpcConfig{EndpointPrivateAccess: true, PublicAccessCidrs: []string{"0.0.0.0/0"}},
			EncryptionConfig:   []awsshape.EKSEncryptionConfig{{Resources: []string{"secrets"}, KeyArn: "${aws_kms_key.k.arn}"}}}, nil},
	})
}

func TestOpenSearch(t *testing.T) {
	policy := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"es:*"}]}`
	policyDoc := map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "es:*"}}}
	runMapped(t, []*tfmodel.Resource{
		res("aws_opensearch_domain", "default", map[string]any{"domain_name": "search", "access_policies": policy}),
		res("aws_opensearch_domain", "good", map[string]any{"domain_name": "good", "engine_version": "OpenSearch_2.13",
			"encrypt_at_rest":           blk(map[string]any{"enabled": true}),
			"node_to_node_encryption":   blk(map[string]any{"enabled": true}),
			"domain_endpoint_options":   blk(map[string]any{"tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}),
			"vpc_options":               blk(map[string]any{"subnet_ids": list("subnet-1")}),
			"advanced_security_options": blk(map[string]any{"enabled": true, "internal_user_database_enabled": true}),
			"log_publishing_options":    blks(map[string]any{"log_type": "AUDIT_LOGS", "cloudwatch_log_group_arn": "arn:aws:logs:eu-west-1:1:log-group:a"}),
			"cluster_config":            blk(map[string]any{"zone_awareness_enabled": true})}),
		res("aws_opensearch_domain_policy", "p", map[string]any{"domain_name": ref("aws_opensearch_domain.good", "domain_name"), "access_policies": policy}),
		res("aws_elasticsearch_domain", "old", map[string]any{"domain_name": "old", "elasticsearch_version": "5.1"}),
	}, []mapped{
		{"aws_opensearch_domain.default", awsshape.OpenSearchDomain{DomainName: "search", AccessPolicies: policyDoc, AutomatedSnapshotEnabled: true, LogPublishingOptions: map[string]awsshape.LogPublishing{}}, nil},
		{"aws_opensearch_domain.good", awsshape.OpenSearchDomain{DomainName: "good", EngineVersion: "OpenSearch_2.13", AccessPolicies: policyDoc,
			EncryptionAtRestOptions:     awsshape.EncryptionAtRest{Enabled: true},
			NodeToNodeEncryptionOptions: awsshape.Enabled{Enabled: true},
			DomainEndpointOptions:       awsshape.DomainEndpointOptions{EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-2019-07"},
			VPCOptions:                  &awsshape.DomainVPCOptions{SubnetIds: []string{"subnet-1"}},
			AdvancedSecurityOptions:     awsshape.AdvancedSecurityOptions{Enabled: true, InternalUserDatabaseEnabled: true},
			LogPublishingOptions:        map[string]awsshape.LogPublishing{"AUDIT_LOGS": {Enabled: true, CloudWatchLogsLogGroupArn: "arn:aws:logs:eu-west-1:1:log-group:a"}},
			ClusterZoneAwareness:        true, AutomatedSnapshotEnabled: true}, nil},
		{"aws_elasticsearch_domain.old", awsshape.OpenSearchDomain{DomainName: "old", EngineVersion: "Elasticsearch_5.1", LogPublishingOptions: map[string]awsshape.LogPublishing{}, AutomatedSnapshotEnabled: true}, nil},
	})
}

func TestLoadBalancers(t *testing.T) {
	lbArn := ref("aws_lb.web", "arn")
	runMapped(t, []*tfmodel.Resource{
		res("aws_lb", "web", map[string]any{"name": "web", "security_groups": list("sg-1"),
			"access_logs": blk(map[string]any{"bucket": "logs"})}),
		res("aws_lb_listener", "https", map[string]any{"load_balancer_arn": lbArn, "port": int64(443), "protocol": "HTTPS",
			"certificate_arn": "arn:aws:acm:eu-west-1:1:certificate/x", "default_action": blk(map[string]any{"type": "forward"})}),
		res("aws_alb_listener", "http", map[string]any{"load_balancer_arn": lbArn, "port": int64(80),
			"default_action": blk(map[string]any{"type": "redirect", "redirect": blk(map[string]any{"protocol": "HTTPS", "port": "443"})})}),
		res("aws_lb", "nlb", map[string]any{"name": "nlb", "load_balancer_type": "network", "internal": true, "enable_deletion_protection": true}),
		res("aws_lb_listener", "tcp", map[string]any{"load_balancer_arn": ref("aws_lb.nlb", "arn"), "port": int64(5432)}),
		res("aws_elb", "classic", map[string]any{"name": "classic", "listener": blks(
			map[string]any{"lb_port": int64(80), "lb_protocol": "http", "instance_port": int64(8080), "instance_protocol": "http"}),
			"access_logs": blk(map[string]any{"bucket": "logs"})}),
	}, []mapped{
		{"aws_lb.web", awsshape.LoadBalancer{LoadBalancerName: "web", Type: "application", Scheme: "internet-facing", SecurityGroups: []string{"sg-1"},
			AccessLogsBucket: "logs", DesyncMitigationMode: "defensive",
			Listeners: []awsshape.Listener{
				{Port: 80, Protocol: "HTTP", DefaultActions: []awsshape.ListenerAction{{Type: "redirect", RedirectProtocol: "HTTPS"}}},
				{Port: 443, Protocol: "HTTPS", SslPolicy: "ELBSecurityPolicy-2016-08", Certificates: []string{"arn:aws:acm:eu-west-1:1:certificate/x"},
					DefaultActions: []awsshape.ListenerAction{{Type: "forward"}}},
			}}, nil},
		{"aws_lb.nlb", awsshape.LoadBalancer{LoadBalancerName: "nlb", Type: "network", Scheme: "internal", DeletionProtection: true,
			Listeners: []awsshape.Listener{{Port: 5432, Protocol: "TCP"}}}, nil},
		{"aws_elb.classic", awsshape.ClassicLoadBalancer{LoadBalancerName: "classic", Scheme: "internet-facing", CrossZoneLoadBalancing: true,
			ListenerDescriptions: []awsshape.ClassicListener{{Protocol: "HTTP", LoadBalancerPort: 80, InstanceProtocol: "HTTP", InstancePort: 8080}},
			AccessLogEnabled:     true, AccessLogBucket: "logs"}, nil},
	})
}

func TestLambda(t *testing.T) {
	fn := ref("aws_lambda_function.api", "function_name")
	as, _ := mapAll(t,
		res("aws_lambda_function", "api", map[string]any{"function_name": "api", "runtime": "python3.12", "handler": "app.handler",
			"role": ref("aws_iam_role.lambda", "arn"),
			"environment": blk(map[string]any{"variables": map[string]any{
				"DB_PASSWORD": "correct-horse-battery", "STAGE": "prod", "API_TOKEN": ref("aws_ssm_parameter.t", "value"),
				"KEY": "AKIAABCDEFGHIJKLMNOP"}}),
			"vpc_config":     blk(map[string]any{"subnet_ids": list("subnet-1"), "security_group_ids": list("sg-1")}),
			"tracing_config": blk(map[string]any{"mode": "Active"})}),
		res("aws_lambda_permission", "s3", map[string]any{"statement_id": "s3", "function_name": fn, "principal": "s3.amazonaws.com",
			"source_arn": ref("aws_s3_bucket.b", "arn"), "action": "lambda:InvokeFunction"}),
		res("aws_lambda_permission", "anyone", map[string]any{"function_name": "api", "principal": "*", "action": "lambda:InvokeFunction"}),
		res("aws_lambda_permission", "acct", map[string]any{"function_name": fn, "principal": "111122223333", "qualifier": "live"}),
		res("aws_lambda_function_url", "url", map[string]any{"function_name": fn, "authorization_type": "NONE"}),
		res("aws_lambda_function", "plain", map[string]any{"function_name": "plain", "package_type": "Image"}),
	)
	idx := byAddr(as)
	var f awsshape.LambdaFunction
	decode(t, idx["aws_lambda_function.api"].Config, &f)
	if !slices.Equal(f.EnvironmentVariableNames, []string{"API_TOKEN", "DB_PASSWORD", "KEY", "STAGE"}) {
		t.Errorf("names = %v", f.EnvironmentVariableNames)
	}
	wantSecrets := []secrets.Finding{{Kind: "password", Location: "DB_PASSWORD"}, {Kind: "aws-access-key-id", Location: "KEY"}}
	if !slices.Equal(f.EnvironmentSecrets, wantSecrets) {
		t.Errorf("secrets = %+v", f.EnvironmentSecrets)
	}
	if f.TracingConfig.Mode != "Active" || f.VpcConfig == nil || f.FunctionUrlAuthType != "NONE" || f.PackageType != "Zip" || f.Role != "${aws_iam_role.lambda.arn}" {
		t.Errorf("function = %+v", f)
	}
	wantPolicy := map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": []any{
		map[string]any{"Sid": "s3", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
			"Resource": "${aws_lambda_function.api.arn}", "Condition": map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": "${aws_s3_bucket.b.arn}"}}},
		map[string]any{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "${aws_lambda_function.api.arn}"},
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "lambda:InvokeFunction",
			"Resource": "${aws_lambda_function.api.arn}:live"},
		map[string]any{"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
			"Resource": "${aws_lambda_function.api.arn}", "Condition": map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "NONE"}}},
	}}
	sameConfig(t, map[string]any{"p": idx["aws_lambda_function.api"].Config["Policy"]}, map[string]any{"p": wantPolicy})
	sameConfig(t, idx["aws_lambda_function.plain"].Config, awsshape.LambdaFunction{FunctionName: "plain", PackageType: "Image", TracingConfig: awsshape.TracingConfig{Mode: "PassThrough"}})
}

func TestCloudTrail(t *testing.T) {
	runMapped(t, []*tfmodel.Resource{
		res("aws_cloudtrail", "default", map[string]any{"name": "main", "s3_bucket_name": "trail-logs"}),
		res("aws_cloudtrail", "good", map[string]any{"name": "good", "s3_bucket_name": ref("aws_s3_bucket.t", "id"), "is_multi_region_trail": true,
			"enable_log_file_validation": true, "kms_key_id": ref("aws_kms_key.k", "arn"), "cloud_watch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:t:*",
			"event_selector": blk(map[string]any{"read_write_type": "WriteOnly", "data_resource": blk(map[string]any{"type": "AWS::S3::Object", "values": list("arn:aws:s3")})})}),
		res("aws_cloudtrail", "adv", map[string]any{"name": "adv", "s3_bucket_name": "b", "enable_logging": false,
			"advanced_event_selector": blk(map[string]any{"name": "mgmt", "field_selector": blk(map[string]any{"field": "eventCategory", "equals": list("Management")})})}),
	}, []mapped{
		{"aws_cloudtrail.default", awsshape.Trail{Name: "main", HomeRegion: "eu-west-1", IncludeGlobalServiceEvents: true, S3BucketName: "trail-logs", IsLogging: true,
			EventSelectors: []awsshape.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}, nil},
		{"aws_cloudtrail.good", awsshape.Trail{Name: "good", HomeRegion: "eu-west-1", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true,
			S3BucketName: "${aws_s3_bucket.t.id}", KmsKeyId: "${aws_kms_key.k.arn}", CloudWatchLogsLogGroupArn: "arn:aws:logs:eu-west-1:1:log-group:t:*", IsLogging: true,
			EventSelectors: []awsshape.EventSelector{{ReadWriteType: "WriteOnly", IncludeManagementEvents: true, DataResources: []awsshape.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}}, nil},
		{"aws_cloudtrail.adv", awsshape.Trail{Name: "adv", HomeRegion: "eu-west-1", IncludeGlobalServiceEvents: true, S3BucketName: "b",
			AdvancedEventSelectors: []awsshape.AdvancedEventSelector{{Name: "mgmt", FieldSelectors: []awsshape.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}}}}, nil},
	})
}
