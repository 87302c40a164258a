package cloudsim_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	configtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go/middleware"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

var fillTime = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// fill sets every member of an SDK struct, recursively (lists get two
// items, maps one entry), so that a round trip through the simulator
// shows any member the wire encoding drops or misnames.
func fill[T any](v *T) *T {
	fillValue(reflect.ValueOf(v).Elem(), "", 0)
	return v
}

func fillValue(v reflect.Value, name string, depth int) {
	if depth > 7 {
		return
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		fillValue(v.Elem(), name, depth)
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(fillTime))
			return
		}
		if t == reflect.TypeFor[middleware.Metadata]() {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				fillValue(v.Field(i), f.Name, depth+1)
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("blob"))
			return
		}
		s := reflect.MakeSlice(t, 2, 2)
		for i := 0; i < 2; i++ {
			fillValue(s.Index(i), name, depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		k := reflect.New(t.Key()).Elem()
		k.SetString("key-" + name)
		e := reflect.New(t.Elem()).Elem()
		fillValue(e, name, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		if vals := enumValues(t); len(vals) > 0 {
			v.SetString(vals[len(vals)-1])
			return
		}
		v.SetString("v-" + name)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(3)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(2.5)
	}
}

func enumValues(t reflect.Type) []string {
	m, ok := t.MethodByName("Values")
	if !ok {
		return nil
	}
	out := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	vals := make([]string, out.Len())
	for i := range vals {
		vals[i] = out.Index(i).String()
	}
	return vals
}

// sameShape compares like sameJSON, but treats absent, null, empty lists
// and empty objects alike: the SDK itself decodes an absent list as empty
// in some services and as nil in others.
func sameShape(t testing.TB, what string, want, got any) {
	t.Helper()
	norm := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var x any
		_ = json.Unmarshal(b, &x)
		b, _ = json.Marshal(prune(x))
		return string(b)
	}
	if w, g := norm(want), norm(got); w != g {
		t.Errorf("%s: decoded value differs from the world\nworld: %s\nsdk:   %s", what, w, g)
	}
}

func prune(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "ResultMetadata" {
				continue
			}
			if p := prune(e); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = prune(e)
		}
		return out
	}
	return x
}

// fullWorld is one account with one of everything, every member set.
type fullWorld struct {
	w       *cloudsim.World
	sg      *ec2types.SecurityGroup
	inst    *ec2types.Instance
	vpc     *ec2types.Vpc
	subnet  *ec2types.Subnet
	flow    *ec2types.FlowLog
	volume  *ec2types.Volume
	user    *cloudsim.User
	group   *cloudsim.Group
	role    *cloudsim.Role
	policy  *cloudsim.Policy
	trail   *cloudsim.Trail
	key     *cloudsim.Key
	rec     *cloudsim.ConfigurationRecorder
	det     *cloudsim.Detector
	db      *rdstypes.DBInstance
	bucket  *cloudsim.Bucket
	account *cloudsim.Account
}

func newFullWorld() *fullWorld {
	f := &fullWorld{}
	r := &cloudsim.Region{EbsEncryptionByDefault: true}
	r.SecurityGroups = []ec2types.SecurityGroup{*fill(&ec2types.SecurityGroup{})}
	r.Instances = []ec2types.Instance{*fill(&ec2types.Instance{})}
	r.Vpcs = []ec2types.Vpc{*fill(&ec2types.Vpc{})}
	r.Subnets = []ec2types.Subnet{*fill(&ec2types.Subnet{})}
	r.FlowLogs = []ec2types.FlowLog{*fill(&ec2types.FlowLog{})}
	r.Volumes = []ec2types.Volume{*fill(&ec2types.Volume{})}
	r.DBInstances = []rdstypes.DBInstance{*fill(&rdstypes.DBInstance{})}
	f.trail = &cloudsim.Trail{Trail: *fill(&cttypes.Trail{}), Status: fill(&cloudtrail.GetTrailStatusOutput{})}
	f.trail.EventSelectors = *fill(&[]cttypes.EventSelector{})
	f.trail.Name = aws.String("full-trail")
	// ListTags names trails by ARN, so the filled ARN must be one.
	f.trail.TrailARN = aws.String("arn:aws:cloudtrail:us-east-1:333333333333:trail/full-trail")
	f.trail.Tags = *fill(&[]cttypes.Tag{})
	r.Trails = []*cloudsim.Trail{f.trail}
	f.key = &cloudsim.Key{KeyMetadata: *fill(&kmstypes.KeyMetadata{})}
	f.key.KeyId = aws.String("full-key")
	f.key.Tags = *fill(&[]kmstypes.Tag{})
	r.Keys = []*cloudsim.Key{f.key}
	f.rec = &cloudsim.ConfigurationRecorder{
		ConfigurationRecorder: *fill(&configtypes.ConfigurationRecorder{}),
		Status:                fill(&configtypes.ConfigurationRecorderStatus{}),
	}
	r.ConfigurationRecorders = []*cloudsim.ConfigurationRecorder{f.rec}
	f.det = &cloudsim.Detector{DetectorId: "full-detector", GetDetectorOutput: *fill(&guardduty.GetDetectorOutput{})}
	r.Detectors = []*cloudsim.Detector{f.det}

	f.user = &cloudsim.User{User: *fill(&iamtypes.User{}), LoginProfile: fill(&iamtypes.LoginProfile{})}
	f.user.UserName = aws.String("full-user")
	f.user.MFADevices = *fill(&[]iamtypes.MFADevice{})
	f.user.AccessKeys = []cloudsim.AccessKey{{AccessKeyMetadata: *fill(&iamtypes.AccessKeyMetadata{}), LastUsedDate: aws.Time(fillTime), LastUsedRegion: "eu-west-1", LastUsedService: "s3"}}
	f.user.AccessKeys[0].AccessKeyId = aws.String("AKIAFULLUSER00000001")
	f.user.Groups = []string{"full-group"}
	f.user.AttachedPolicies = []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
	f.user.InlinePolicies = []cloudsim.InlinePolicy{{PolicyName: "inline", PolicyDocument: `{"Version":"2012-10-17","Statement":[]}`}}
	f.group = &cloudsim.Group{Group: *fill(&iamtypes.Group{})}
	f.group.GroupName = aws.String("full-group")
	f.role = &cloudsim.Role{Role: *fill(&iamtypes.Role{})}
	f.role.RoleName = aws.String("full-role")
	f.role.AssumeRolePolicyDocument = aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	f.policy = &cloudsim.Policy{Policy: *fill(&iamtypes.Policy{}), Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}
	f.policy.PolicyName = aws.String("full-policy")
	f.policy.Arn = aws.String("arn:aws:iam::333333333333:policy/full-policy")
	f.role.AttachedPolicies = []iamtypes.AttachedPolicy{{PolicyArn: f.policy.Arn}}

	f.bucket = &cloudsim.Bucket{
		Name:                              "full-bucket",
		Region:                            "us-east-1",
		CreationDate:                      aws.Time(fillTime),
		PublicAccessBlock:                 fill(&s3types.PublicAccessBlockConfiguration{}),
		Policy:                            `{"Version":"2012-10-17","Statement":[]}`,
		PolicyStatus:                      fill(&s3types.PolicyStatus{}),
		Acl:                               &cloudsim.BucketAcl{Owner: fill(&s3types.Owner{}), Grants: *fill(&[]s3types.Grant{})},
		ServerSideEncryptionConfiguration: fill(&s3types.ServerSideEncryptionConfiguration{}),
		Versioning:                        &cloudsim.BucketVersioning{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusEnabled},
		LoggingEnabled:                    fill(&s3types.LoggingEnabled{}),
		Tags:                              *fill(&[]s3types.Tag{}),
	}
	f.account = &cloudsim.Account{
		Id:      "333333333333",
		Regions: map[string]*cloudsim.Region{"us-east-1": r},
		IAM: cloudsim.IAM{
			PasswordPolicy: fill(&iamtypes.PasswordPolicy{}),
			Users:          []*cloudsim.User{f.user},
			Groups:         []*cloudsim.Group{f.group},
			Roles:          []*cloudsim.Role{f.role},
			Policies:       []*cloudsim.Policy{f.policy},
		},
		S3: cloudsim.S3{PublicAccessBlock: fill(&s3types.PublicAccessBlockConfiguration{}), Buckets: []*cloudsim.Bucket{f.bucket}},
	}
	f.w = &cloudsim.World{DefaultAccount: "333333333333", Accounts: []*cloudsim.Account{f.account}}
	return f
}

// TestRoundTripEveryMember serves resources with every member set and
// checks each comes back through the real SDK client unchanged.
func TestRoundTripEveryMember(t *testing.T) {
	f := newFullWorld()
	s := cloudsim.NewServer(f.w) // fills derived fields into f's values
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := sdkConfig(t, s, "AKIAANYKEY", "us-east-1")
	r := f.account.Regions["us-east-1"]
	e := ec2.NewFromConfig(cfg)
	im := iam.NewFromConfig(cfg)
	tests := []struct {
		name string
		run  func() (want, got any, err error)
	}{
		{"ec2.DescribeSecurityGroups", func() (any, any, error) {
			out, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.SecurityGroups, out.SecurityGroups, err
		}},
		{"ec2.DescribeInstances", func() (any, any, error) {
			out, err := e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			if err != nil || len(out.Reservations) != 1 {
				return nil, out, err
			}
			return r.Instances, out.Reservations[0].Instances, err
		}},
		{"ec2.DescribeVpcs", func() (any, any, error) {
			out, err := e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.Vpcs, out.Vpcs, err
		}},
		{"ec2.DescribeSubnets", func() (any, any, error) {
			out, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.Subnets, out.Subnets, err
		}},
		{"ec2.DescribeFlowLogs", func() (any, any, error) {
			out, err := e.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.FlowLogs, out.FlowLogs, err
		}},
		{"ec2.DescribeVolumes", func() (any, any, error) {
			out, err := e.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.Volumes, out.Volumes, err
		}},
		{"ec2.GetEbsEncryptionByDefault", func() (any, any, error) {
			out, err := e.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
			if err != nil {
				return nil, nil, err
			}
			return true, aws.ToBool(out.EbsEncryptionByDefault), err
		}},
		{"rds.DescribeDBInstances", func() (any, any, error) {
			out, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.DBInstances, out.DBInstances, err
		}},
		{"iam.GetUser", func() (any, any, error) {
			out, err := im.GetUser(ctx, &iam.GetUserInput{UserName: f.user.UserName})
			if err != nil {
				return nil, nil, err
			}
			return f.user.User, out.User, err
		}},
		{"iam.GetAccountPasswordPolicy", func() (any, any, error) {
			out, err := im.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
			if err != nil {
				return nil, nil, err
			}
			return f.account.IAM.PasswordPolicy, out.PasswordPolicy, err
		}},
		{"iam.GetLoginProfile", func() (any, any, error) {
			out, err := im.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: f.user.UserName})
			if err != nil {
				return nil, nil, err
			}
			return f.user.LoginProfile, out.LoginProfile, err
		}},
		{"iam.ListMFADevices", func() (any, any, error) {
			out, err := im.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: f.user.UserName})
			if err != nil {
				return nil, nil, err
			}
			return f.user.MFADevices, out.MFADevices, err
		}},
		{"iam.ListAccessKeys", func() (any, any, error) {
			out, err := im.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: f.user.UserName})
			if err != nil {
				return nil, nil, err
			}
			return []iamtypes.AccessKeyMetadata{f.user.AccessKeys[0].AccessKeyMetadata}, out.AccessKeyMetadata, err
		}},
		{"iam.GetAccessKeyLastUsed", func() (any, any, error) {
			out, err := im.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAFULLUSER00000001")})
			want := &iamtypes.AccessKeyLastUsed{LastUsedDate: aws.Time(fillTime), Region: aws.String("eu-west-1"), ServiceName: aws.String("s3")}
			return want, out.AccessKeyLastUsed, err
		}},
		{"iam.GetGroup", func() (any, any, error) {
			out, err := im.GetGroup(ctx, &iam.GetGroupInput{GroupName: f.group.GroupName})
			if err != nil {
				return nil, nil, err
			}
			return f.group.Group, out.Group, err
		}},
		{"iam.GetRole", func() (any, any, error) {
			out, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: f.role.RoleName})
			if err != nil {
				return nil, nil, err
			}
			doc, err := url.QueryUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
			out.Role.AssumeRolePolicyDocument = aws.String(doc)
			return f.role.Role, out.Role, err
		}},
		{"iam.GetPolicy", func() (any, any, error) {
			out, err := im.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: f.policy.Arn})
			if err != nil {
				return nil, nil, err
			}
			return f.policy.Policy, out.Policy, err
		}},
		{"cloudtrail.DescribeTrails", func() (any, any, error) {
			out, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			if err != nil {
				return nil, nil, err
			}
			return []cttypes.Trail{f.trail.Trail}, out.TrailList, err
		}},
		{"cloudtrail.GetTrailStatus", func() (any, any, error) {
			out, err := cloudtrail.NewFromConfig(cfg).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: f.trail.Name})
			if err != nil {
				return nil, nil, err
			}
			return f.trail.Status, out, err
		}},
		{"cloudtrail.GetEventSelectors", func() (any, any, error) {
			out, err := cloudtrail.NewFromConfig(cfg).GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: f.trail.Name})
			if err != nil {
				return nil, nil, err
			}
			return f.trail.EventSelectors, out.EventSelectors, err
		}},
		{"cloudtrail.ListTags", func() (any, any, error) {
			out, err := cloudtrail.NewFromConfig(cfg).ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{aws.ToString(f.trail.TrailARN)}})
			if err != nil {
				return nil, nil, err
			}
			want := []cttypes.ResourceTag{{ResourceId: f.trail.TrailARN, TagsList: f.trail.Tags}}
			return want, out.ResourceTagList, err
		}},
		{"kms.DescribeKey", func() (any, any, error) {
			out, err := kms.NewFromConfig(cfg).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: f.key.KeyId})
			if err != nil {
				return nil, nil, err
			}
			return f.key.KeyMetadata, out.KeyMetadata, err
		}},
		{"kms.ListResourceTags", func() (any, any, error) {
			out, err := kms.NewFromConfig(cfg).ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: f.key.Arn})
			if err != nil {
				return nil, nil, err
			}
			return f.key.Tags, out.Tags, err
		}},
		{"config.DescribeConfigurationRecorders", func() (any, any, error) {
			out, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
			if err != nil {
				return nil, nil, err
			}
			return []configtypes.ConfigurationRecorder{f.rec.ConfigurationRecorder}, out.ConfigurationRecorders, err
		}},
		{"config.DescribeConfigurationRecorderStatus", func() (any, any, error) {
			out, err := configservice.NewFromConfig(cfg).DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
			if err != nil {
				return nil, nil, err
			}
			return []configtypes.ConfigurationRecorderStatus{*f.rec.Status}, out.ConfigurationRecordersStatus, err
		}},
		{"guardduty.GetDetector", func() (any, any, error) {
			out, err := guardduty.NewFromConfig(cfg).GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("full-detector")})
			if err != nil {
				return nil, nil, err
			}
			return &f.det.GetDetectorOutput, out, err
		}},
		{"s3.GetPublicAccessBlock", func() (any, any, error) {
			out, err := s3Client(cfg).GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.PublicAccessBlock, out.PublicAccessBlockConfiguration, err
		}},
		{"s3.GetBucketPolicyStatus", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.PolicyStatus, out.PolicyStatus, err
		}},
		{"s3.GetBucketAcl", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.Acl, &cloudsim.BucketAcl{Owner: out.Owner, Grants: out.Grants}, err
		}},
		{"s3.GetBucketEncryption", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.ServerSideEncryptionConfiguration, out.ServerSideEncryptionConfiguration, err
		}},
		{"s3.GetBucketVersioning", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.Versioning, &cloudsim.BucketVersioning{Status: out.Status, MFADelete: out.MFADelete}, err
		}},
		{"s3.GetBucketLogging", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.LoggingEnabled, out.LoggingEnabled, err
		}},
		{"s3.GetBucketTagging", func() (any, any, error) {
			out, err := s3Client(cfg).GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("full-bucket")})
			if err != nil {
				return nil, nil, err
			}
			return f.bucket.Tags, out.TagSet, err
		}},
		{"s3control.GetPublicAccessBlock", func() (any, any, error) {
			out, err := s3controlClient(cfg).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("333333333333")})
			if err != nil {
				return nil, nil, err
			}
			return f.account.S3.PublicAccessBlock, out.PublicAccessBlockConfiguration, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, got, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			sameShape(t, tc.name, want, got)
		})
	}
}

// TestRoundTripWorkloadsEveryMember does the same for snapshots, DB
// clusters, repositories, EKS clusters, domains, load balancers and
// functions.
func TestRoundTripWorkloadsEveryMember(t *testing.T) {
	r := &cloudsim.Region{}
	snap := &cloudsim.Snapshot{Snapshot: *fill(&ec2types.Snapshot{}), CreateVolumePermissions: *fill(&[]ec2types.CreateVolumePermission{})}
	snap.OwnerId = aws.String("333333333333") // a world's snapshots are its accounts' own
	r.Snapshots = []*cloudsim.Snapshot{snap}
	r.Instances = []ec2types.Instance{{InstanceId: aws.String("i-1")}}
	r.InstanceUserData = map[string]string{"i-1": "#!/bin/sh\necho hello\n"}
	r.DBClusters = []rdstypes.DBCluster{*fill(&rdstypes.DBCluster{})}
	repo := &cloudsim.Repository{Repository: *fill(&ecrtypes.Repository{}), Policy: `{"Version":"2012-10-17"}`, LifecyclePolicy: `{"rules":[]}`}
	// The tag calls name resources by ARN, so the filled ARNs must be ones.
	repo.RepositoryArn = aws.String("arn:aws:ecr:us-east-1:333333333333:repository/full")
	repo.Tags = *fill(&[]ecrtypes.Tag{})
	r.Repositories = []*cloudsim.Repository{repo}
	r.EKSClusters = []ekstypes.Cluster{*fill(&ekstypes.Cluster{})}
	r.Domains = []cloudsim.Domain{{DomainStatus: *fill(&ostypes.DomainStatus{}), Tags: *fill(&[]ostypes.Tag{})}}
	r.Domains[0].ARN = aws.String("arn:aws:es:us-east-1:333333333333:domain/full")
	lb := &cloudsim.LoadBalancer{LoadBalancer: *fill(&elbv2types.LoadBalancer{}), Listeners: *fill(&[]elbv2types.Listener{})}
	lb.Attributes = []elbv2types.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")}}
	lb.Tags = *fill(&[]elbv2types.Tag{})
	r.LoadBalancers = []*cloudsim.LoadBalancer{lb}
	classic := &cloudsim.ClassicLoadBalancer{LoadBalancerDescription: *fill(&elbtypes.LoadBalancerDescription{}), Attributes: fill(&elbtypes.LoadBalancerAttributes{})}
	classic.Tags = *fill(&[]elbtypes.Tag{})
	r.ClassicLoadBalancers = []*cloudsim.ClassicLoadBalancer{classic}
	fn := &cloudsim.Function{FunctionConfiguration: *fill(&lambdatypes.FunctionConfiguration{}), Policy: `{"Version":"2012-10-17"}`}
	fn.FunctionUrls = []cloudsim.FunctionUrl{{FunctionUrlConfig: *fill(&lambdatypes.FunctionUrlConfig{})}}
	fn.FunctionArn = aws.String("arn:aws:lambda:us-east-1:333333333333:function:" + aws.ToString(fn.FunctionName))
	fn.Tags = *fill(&map[string]string{})
	r.Functions = []*cloudsim.Function{fn}
	w := &cloudsim.World{DefaultAccount: "333333333333", Accounts: []*cloudsim.Account{{Id: "333333333333", Regions: map[string]*cloudsim.Region{"us-east-1": r}}}}
	s := cloudsim.NewServer(w)
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := sdkConfig(t, s, "AKIAANYKEY", "us-east-1")
	e := ec2.NewFromConfig(cfg)
	tests := []struct {
		name string
		run  func() (want, got any, err error)
	}{
		{"ec2.DescribeSnapshots", func() (any, any, error) {
			out, err := e.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
			if err != nil {
				return nil, nil, err
			}
			return []ec2types.Snapshot{snap.Snapshot}, out.Snapshots, err
		}},
		{"ec2.DescribeSnapshotAttribute", func() (any, any, error) {
			out, err := e.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: snap.SnapshotId, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
			if err != nil {
				return nil, nil, err
			}
			return snap.CreateVolumePermissions, out.CreateVolumePermissions, err
		}},
		{"ec2.DescribeInstanceAttribute", func() (any, any, error) {
			out, err := e.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String("i-1"), Attribute: ec2types.InstanceAttributeNameUserData})
			if err != nil {
				return nil, nil, err
			}
			text, err := base64.StdEncoding.DecodeString(aws.ToString(out.UserData.Value))
			return r.InstanceUserData["i-1"], string(text), err
		}},
		{"rds.DescribeDBClusters", func() (any, any, error) {
			out, err := rds.NewFromConfig(cfg).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
			if err != nil {
				return nil, nil, err
			}
			return r.DBClusters, out.DBClusters, err
		}},
		{"ecr.DescribeRepositories", func() (any, any, error) {
			out, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
			if err != nil {
				return nil, nil, err
			}
			return []ecrtypes.Repository{repo.Repository}, out.Repositories, err
		}},
		{"ecr.ListTagsForResource", func() (any, any, error) {
			out, err := ecr.NewFromConfig(cfg).ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: repo.RepositoryArn})
			if err != nil {
				return nil, nil, err
			}
			return repo.Tags, out.Tags, err
		}},
		{"eks.DescribeCluster", func() (any, any, error) {
			out, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: r.EKSClusters[0].Name})
			if err != nil {
				return nil, nil, err
			}
			return r.EKSClusters[0], out.Cluster, err
		}},
		{"opensearch.DescribeDomains", func() (any, any, error) {
			out, err := opensearch.NewFromConfig(cfg).DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{aws.ToString(r.Domains[0].DomainName)}})
			if err != nil {
				return nil, nil, err
			}
			return []ostypes.DomainStatus{r.Domains[0].DomainStatus}, out.DomainStatusList, err
		}},
		{"opensearch.ListTags", func() (any, any, error) {
			out, err := opensearch.NewFromConfig(cfg).ListTags(ctx, &opensearch.ListTagsInput{ARN: r.Domains[0].ARN})
			if err != nil {
				return nil, nil, err
			}
			return r.Domains[0].Tags, out.TagList, err
		}},
		{"elbv2.DescribeLoadBalancers", func() (any, any, error) {
			out, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
			if err != nil {
				return nil, nil, err
			}
			return []elbv2types.LoadBalancer{lb.LoadBalancer}, out.LoadBalancers, err
		}},
		{"elbv2.DescribeListeners", func() (any, any, error) {
			out, err := elbv2.NewFromConfig(cfg).DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
			if err != nil {
				return nil, nil, err
			}
			return lb.Listeners, out.Listeners, err
		}},
		{"elbv2.DescribeLoadBalancerAttributes", func() (any, any, error) {
			out, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn})
			if err != nil {
				return nil, nil, err
			}
			return lb.Attributes, out.Attributes, err
		}},
		{"elbv2.DescribeTags", func() (any, any, error) {
			out, err := elbv2.NewFromConfig(cfg).DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{aws.ToString(lb.LoadBalancerArn)}})
			if err != nil {
				return nil, nil, err
			}
			return []elbv2types.TagDescription{{ResourceArn: lb.LoadBalancerArn, Tags: lb.Tags}}, out.TagDescriptions, err
		}},
		{"elb.DescribeLoadBalancers", func() (any, any, error) {
			out, err := elb.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
			if err != nil {
				return nil, nil, err
			}
			return []elbtypes.LoadBalancerDescription{classic.LoadBalancerDescription}, out.LoadBalancerDescriptions, err
		}},
		{"elb.DescribeLoadBalancerAttributes", func() (any, any, error) {
			out, err := elb.NewFromConfig(cfg).DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: classic.LoadBalancerName})
			if err != nil {
				return nil, nil, err
			}
			return classic.Attributes, out.LoadBalancerAttributes, err
		}},
		{"elb.DescribeTags", func() (any, any, error) {
			out, err := elb.NewFromConfig(cfg).DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: []string{aws.ToString(classic.LoadBalancerName)}})
			if err != nil {
				return nil, nil, err
			}
			return []elbtypes.TagDescription{{LoadBalancerName: classic.LoadBalancerName, Tags: classic.Tags}}, out.TagDescriptions, err
		}},
		{"lambda.ListFunctions", func() (any, any, error) {
			out, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
			if err != nil {
				return nil, nil, err
			}
			return []lambdatypes.FunctionConfiguration{fn.FunctionConfiguration}, out.Functions, err
		}},
		{"lambda.ListFunctionUrlConfigs", func() (any, any, error) {
			out, err := lambda.NewFromConfig(cfg).ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: fn.FunctionName})
			if err != nil {
				return nil, nil, err
			}
			return []lambdatypes.FunctionUrlConfig{fn.FunctionUrls[0].FunctionUrlConfig}, out.FunctionUrlConfigs, err
		}},
		{"lambda.ListTags", func() (any, any, error) {
			out, err := lambda.NewFromConfig(cfg).ListTags(ctx, &lambda.ListTagsInput{Resource: fn.FunctionArn})
			if err != nil {
				return nil, nil, err
			}
			return fn.Tags, out.Tags, err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, got, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			sameShape(t, tc.name, want, got)
		})
	}
}
