package aws

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

func TestAdaptKey(t *testing.T) {
	arn := "arn:aws:kms:us-east-1:111122223333:key/k1"
	entry := kmstypes.KeyListEntry{KeyId: p("k1"), KeyArn: p(arn)}
	md := &kmstypes.KeyMetadata{KeyId: p("k1"), Arn: p(arn), Description: p("app"), KeyManager: kmstypes.KeyManagerTypeCustomer,
		KeyState: kmstypes.KeyStateEnabled, KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt,
		Origin: kmstypes.OriginTypeAwsKms, Enabled: true, MultiRegion: p(false), CreationDate: ts("2025-01-01T00:00:00Z")}
	asym := *md
	asym.KeySpec = kmstypes.KeySpecRsa2048
	asym.KeyUsage = kmstypes.KeyUsageTypeSignVerify
	denied := asset.FieldError{Path: "", Action: "kms:DescribeKey", Code: "AccessDenied", Message: "AccessDeniedException: no"}
	full := awsshape.Key{KeyId: "k1", Arn: arn, Description: "app", KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT",
		KeyUsage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS", Enabled: true, CreationDate: "2025-01-01T00:00:00Z"}

	tests := []struct {
		name string
		in   keyData
		want func() awsshape.Key
		tags map[string]string
		errs []asset.FieldError
	}{
		{"rotation on", keyData{Entry: entry, Metadata: md, Rotation: &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: true},
			Tags: []kmstypes.Tag{{TagKey: p("app"), TagValue: p("x")}}},
			func() awsshape.Key { k := full; k.KeyRotationEnabled = p(true); return k }, map[string]string{"app": "x"}, nil},
		{"rotation off", keyData{Entry: entry, Metadata: md, Rotation: &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: false}},
			func() awsshape.Key { k := full; k.KeyRotationEnabled = p(false); return k }, nil, nil},
		{"asymmetric: rotation does not apply (null)", keyData{Entry: entry, Metadata: &asym},
			func() awsshape.Key { k := full; k.KeySpec, k.KeyUsage = "RSA_2048", "SIGN_VERIFY"; return k }, nil, nil},
		{"DescribeKey failed: whole asset unknown", keyData{Entry: entry, Errors: []asset.FieldError{denied}},
			func() awsshape.Key { return awsshape.Key{KeyId: "k1", Arn: arn} }, nil, []asset.FieldError{denied}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adaptKey(testMeta, tt.in)
			wantAsset(t, got, err, asset.Asset{UID: arn, Region: "us-east-1", Type: awsshape.TypeKMSKey, Name: "k1",
				Tags: tt.tags, Config: cfg(t, tt.want()), Errors: tt.errs})
		})
	}
	if !rotationApplies(md) || rotationApplies(&asym) {
		t.Error("rotationApplies is wrong")
	}
	ext := *md
	ext.Origin = kmstypes.OriginTypeExternal
	if rotationApplies(&ext) {
		t.Error("rotation does not apply to imported key material")
	}
}

func TestAdaptDBInstance(t *testing.T) {
	arn := "arn:aws:rds:us-east-1:111122223333:db:orders"
	key := "arn:aws:kms:us-east-1:111122223333:key/k1"
	got, err := adaptDBInstance(testMeta, rdstypes.DBInstance{
		DBInstanceIdentifier: p("orders"), DBInstanceArn: p(arn), DbiResourceId: p("db-ABC"), Engine: p("postgres"), EngineVersion: p("16.3"),
		DBInstanceClass: p("db.t3.micro"), DBInstanceStatus: p("available"), PubliclyAccessible: p(true), StorageEncrypted: p(true), KmsKeyId: p(key),
		MultiAZ: p(false), BackupRetentionPeriod: p(int32(7)), DeletionProtection: p(true), AutoMinorVersionUpgrade: p(true),
		IAMDatabaseAuthenticationEnabled: p(false), DBSubnetGroup: &rdstypes.DBSubnetGroup{VpcId: p("vpc-1")},
		VpcSecurityGroups:  []rdstypes.VpcSecurityGroupMembership{{VpcSecurityGroupId: p("sg-2"), Status: p("active")}, {VpcSecurityGroupId: p("sg-1"), Status: p("active")}},
		Endpoint:           &rdstypes.Endpoint{Address: p("orders.example"), Port: p(int32(5432))},
		InstanceCreateTime: ts("2025-03-01T00:00:00Z"),
		TagList:            []rdstypes.Tag{{Key: p("env"), Value: p("prod")}},
	})
	wantAsset(t, got, err, asset.Asset{
		UID: arn, Region: "us-east-1", Type: awsshape.TypeDBInstance, Name: "orders", Tags: map[string]string{"env": "prod"},
		Config: cfg(t, awsshape.DBInstance{DBInstanceIdentifier: "orders", DBInstanceArn: arn, DbiResourceId: "db-ABC", Engine: "postgres",
			EngineVersion: "16.3", DBInstanceClass: "db.t3.micro", DBInstanceStatus: "available", PubliclyAccessible: true, StorageEncrypted: true,
			KmsKeyId: key, BackupRetentionPeriod: 7, DeletionProtection: true, AutoMinorVersionUpgrade: true, VpcId: "vpc-1",
			VpcSecurityGroups: []awsshape.VpcSecurityGroupRef{{VpcSecurityGroupId: "sg-1", Status: "active"}, {VpcSecurityGroupId: "sg-2", Status: "active"}},
			Endpoint:          &awsshape.DBEndpoint{Address: "orders.example", Port: 5432}, InstanceCreateTime: "2025-03-01T00:00:00Z"}),
		Relations: []asset.Relation{
			{Type: RelEncryptedWith, Target: key},
			{Type: RelSecurityGroup, Target: arnPrefix + "security-group/sg-1"},
			{Type: RelSecurityGroup, Target: arnPrefix + "security-group/sg-2"},
			{Type: RelInVPC, Target: arnPrefix + "vpc/vpc-1"},
		},
	})
}

func TestTrail(t *testing.T) {
	arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"
	trail := cttypes.Trail{Name: p("main"), TrailARN: p(arn), HomeRegion: p("us-east-1"), IsMultiRegionTrail: p(true), IsOrganizationTrail: p(false),
		IncludeGlobalServiceEvents: p(true), LogFileValidationEnabled: p(true), S3BucketName: p("audit"), KmsKeyId: p("arn:aws:kms:us-east-1:111122223333:key/k1")}
	status := &cloudtrail.GetTrailStatusOutput{IsLogging: p(true), LatestDeliveryError: p("AccessDenied")}
	sel := &cloudtrail.GetEventSelectorsOutput{
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: p(true),
			DataResources: []cttypes.DataResource{{Type: p("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}},
		AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{Name: p("mgmt"), FieldSelectors: []cttypes.AdvancedFieldSelector{{Field: p("eventCategory"), Equals: []string{"Management"}}}}},
	}
	base := awsshape.Trail{Name: "main", TrailARN: arn, HomeRegion: "us-east-1", IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true,
		LogFileValidationEnabled: true, S3BucketName: "audit", KmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/k1"}
	full := base
	full.IsLogging, full.LatestDeliveryError = true, "AccessDenied"
	full.EventSelectors = []awsshape.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
		DataResources: []awsshape.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}
	full.AdvancedEventSelectors = []awsshape.AdvancedEventSelector{{Name: "mgmt", FieldSelectors: []awsshape.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}}}

	tests := []struct {
		name   string
		status *cloudtrail.GetTrailStatusOutput
		sel    *cloudtrail.GetEventSelectorsOutput
		want   awsshape.Trail
	}{
		{"with status and selectors", status, sel, full},
		{"status and selectors unknown", nil, nil, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shape := trailShape(trail, tt.status, tt.sel)
			got, err := adaptTrail(testMeta, shape, []cttypes.Tag{{Key: p("k"), Value: p("v")}}, nil)
			wantAsset(t, got, err, asset.Asset{UID: arn, Region: "us-east-1", Type: awsshape.TypeTrail, Name: "main",
				Tags: map[string]string{"k": "v"}, Config: cfg(t, tt.want),
				Relations: []asset.Relation{{Type: RelDeliversTo, Target: "arn:aws:s3:::audit"}, {Type: RelEncryptedWith, Target: "arn:aws:kms:us-east-1:111122223333:key/k1"}}})
		})
	}
}

func TestConfigRecordersAndDetectors(t *testing.T) {
	got := configRecorders(
		[]cfgtypes.ConfigurationRecorder{
			{Name: p("z"), RoleARN: p("arn:role/z"), RecordingGroup: &cfgtypes.RecordingGroup{ResourceTypes: []cfgtypes.ResourceType{"AWS::S3::Bucket", "AWS::EC2::Instance"}}},
			{Name: p("default"), RoleARN: p("arn:role/config"), RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}},
		},
		[]cfgtypes.ConfigurationRecorderStatus{{Name: p("default"), Recording: true, LastStatus: cfgtypes.RecorderStatusSuccess}},
	)
	want := []awsshape.ConfigRecorder{
		{Name: "default", RoleARN: "arn:role/config", RecordingGroup: awsshape.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}, Recording: true, LastStatus: "Success"},
		{Name: "z", RoleARN: "arn:role/z", RecordingGroup: awsshape.RecordingGroup{ResourceTypes: []string{"AWS::EC2::Instance", "AWS::S3::Bucket"}}},
	}
	if g, w := cfg(t, struct{ R []awsshape.ConfigRecorder }{got}), cfg(t, struct{ R []awsshape.ConfigRecorder }{want}); !jsonEqual(g, w) {
		t.Errorf("recorders %+v, want %+v", got, want)
	}
	if r := configRecorders(nil, nil); r == nil || len(r) != 0 {
		t.Error("no recorders must be an empty list")
	}
	d := guardDutyDetector("det1", &guardduty.GetDetectorOutput{Status: gdtypes.DetectorStatusEnabled, FindingPublishingFrequency: gdtypes.FindingPublishingFrequencySixHours})
	if d != (awsshape.GuardDutyDetector{DetectorId: "det1", Status: "ENABLED", FindingPublishingFrequency: "SIX_HOURS"}) {
		t.Errorf("detector %+v", d)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestAdaptAccount(t *testing.T) {
	b := newAccountBuilder(target{ID: "111122223333", Name: "prod", Email: "prod@example.com", OrgID: "o-1"})
	b.setRegions([]string{"us-west-2", "us-east-1"})
	b.setEBS("us-east-1", true)
	b.setRecorders("us-east-1", []awsshape.ConfigRecorder{{Name: "default", Recording: true}})
	b.setDetectors("us-west-2", []awsshape.GuardDutyDetector{{DetectorId: "d", Status: "ENABLED"}})
	b.setSummary(map[string]int64{"AccountMFAEnabled": 1})
	b.setRoot(awsshape.RootCredentials{Arn: "arn:aws:iam::111122223333:root", MfaActive: true})
	b.addTrail(awsshape.Trail{Name: "b", TrailARN: "arn:b"})
	b.addTrail(awsshape.Trail{Name: "a", TrailARN: "arn:a"})
	b.fail("PasswordPolicy", "iam:GetAccountPasswordPolicy", &callError{action: "iam:GetAccountPasswordPolicy", err: apiErrorStub{"AccessDenied", "no"}})
	b.failRegion("us-west-2", "ConfigurationRecorders", &callError{action: "config:DescribeConfigurationRecorders", err: apiErrorStub{"AccessDeniedException", "no"}})
	extra := []asset.FieldError{notCollected("S3PublicAccessBlock", "s3")}

	got, err := adaptAccount(testMeta, b.snapshot(), extra)
	wantAsset(t, got, err, asset.Asset{
		UID: "aws:account:111122223333", Region: asset.Global, Type: awsshape.TypeAccount, Name: "prod",
		Config: cfg(t, awsshape.Account{
			AccountId: "111122223333", AccountName: "prod", Email: "prod@example.com", OrganizationId: "o-1",
			AccountSummary: map[string]int64{"AccountMFAEnabled": 1},
			Root:           awsshape.RootCredentials{Arn: "arn:aws:iam::111122223333:root", MfaActive: true},
			Regions: []awsshape.AccountRegion{
				{Region: "us-east-1", EbsEncryptionByDefault: true, ConfigurationRecorders: []awsshape.ConfigRecorder{{Name: "default", Recording: true}}},
				{Region: "us-west-2", GuardDutyDetectors: []awsshape.GuardDutyDetector{{DetectorId: "d", Status: "ENABLED"}}},
			},
			Trails: []awsshape.Trail{{Name: "a", TrailARN: "arn:a"}, {Name: "b", TrailARN: "arn:b"}},
		}),
		Errors: []asset.FieldError{
			{Path: "PasswordPolicy", Action: "iam:GetAccountPasswordPolicy", Code: "AccessDenied", Message: "AccessDenied: no"},
			{Path: "Regions", Action: "config:DescribeConfigurationRecorders", Code: "AccessDenied", Message: "us-west-2 ConfigurationRecorders: AccessDeniedException: no"},
			{Path: "S3PublicAccessBlock", Code: "NotCollected", Message: "service s3 was not selected for this scan"},
		},
	})
	// Missing settings are null, not errors.
	if got.Config["PasswordPolicy"] != nil || got.Config["S3PublicAccessBlock"] != nil {
		t.Error("unset settings must be null")
	}
}

// apiErrorStub is an AWS API error for tests.
type apiErrorStub struct{ code, msg string }

func (e apiErrorStub) Error() string        { return e.code + ": " + e.msg }
func (e apiErrorStub) ErrorCode() string    { return e.code }
func (e apiErrorStub) ErrorMessage() string { return e.msg }
func (e apiErrorStub) ErrorFault() int      { return 0 }

func TestClassifyCode(t *testing.T) {
	tests := map[string]collect.Code{
		"AccessDenied":          collect.CodeAccessDenied,
		"AccessDeniedException": collect.CodeAccessDenied,
		"UnauthorizedOperation": collect.CodeAccessDenied,
		"Throttling":            collect.CodeThrottling,
		"RequestLimitExceeded":  collect.CodeThrottling,
		"SlowDown":              collect.CodeThrottling,
		"ThrottlingException":   collect.CodeThrottling,
		"InvalidVpcID.NotFound": collect.CodeNotFound,
		"NoSuchBucketPolicy":    collect.CodeNotFound,
		"NoSuchEntity":          collect.CodeNotFound,
		"DBInstanceNotFound":    collect.CodeNotFound,
		"InvalidClientTokenId":  collect.CodeUnauthenticated,
		"AuthFailure":           collect.CodeUnauthenticated,
		"OptInRequired":         collect.CodeNotEnabled,
		"InternalError":         collect.CodeServerError,
		"InvalidParameterValue": collect.CodeInvalidRequest,
		"ValidationError":       collect.CodeInvalidRequest,
		"SomethingNew":          "",
	}
	for code, want := range tests {
		got, ok := classifyCode(code)
		if (want == "") == ok || got != want {
			t.Errorf("classifyCode(%q) = %q, %v; want %q", code, got, ok, want)
		}
	}
}

func TestPolicy(t *testing.T) {
	b, err := Policy()
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("policy is not JSON: %v", err)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version %q", doc.Version)
	}
	sid := regexp.MustCompile(`^[A-Za-z0-9]+$`)
	readOnly := regexp.MustCompile(`^[a-z0-9]+:(Get|List|Describe)[A-Za-z]+$`)
	var all []string
	for _, st := range doc.Statement {
		if !sid.MatchString(st.Sid) || st.Effect != "Allow" || st.Resource != "*" {
			t.Errorf("bad statement %+v", st)
		}
		if !slices.IsSorted(st.Action) {
			t.Errorf("%s: actions not sorted", st.Sid)
		}
		for _, a := range st.Action {
			// GenerateCredentialReport and AssumeRole are the only
			// non-read names; neither changes the account's configuration.
			if !readOnly.MatchString(a) && a != "iam:GenerateCredentialReport" && a != "sts:AssumeRole" {
				t.Errorf("action %s is not read-only", a)
			}
			if strings.Contains(a, "*") {
				t.Errorf("action %s is a wildcard", a)
			}
		}
		all = append(all, st.Action...)
	}
	slices.Sort(all)
	if !slices.Equal(slices.Compact(all), Actions()) {
		t.Error("Policy and Actions disagree")
	}
}

// TestActionsDeclared reads the package's source: every IAM action named
// in a call must be declared by some service, and every declared action
// must be named in a call, so the generated policy is neither short nor
// padded.
func TestActionsDeclared(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`"((?:sts|organizations|ec2|s3|iam|cloudtrail|kms|config|guardduty|rds|ecr|eks|es|elasticloadbalancing|lambda):[A-Z][A-Za-z]+)"`)
	declared := map[string]bool{}
	for _, a := range Actions() {
		declared[a] = true
	}
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Declarations are the "actions:" lists; everything else is a use.
		text := regexp.MustCompile(`(?s)actions: \[\]string\{.*?\n\t\}`).ReplaceAllString(string(src), "")
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			used[m[1]] = true
		}
	}
	for a := range used {
		if !declared[a] {
			t.Errorf("action %s is used but no service declares it", a)
		}
	}
	for a := range declared {
		if !used[a] {
			t.Errorf("action %s is declared but never used", a)
		}
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		err  string
	}{
		{"defaults", Options{}, ""},
		{"bad account", Options{Accounts: []string{"123"}, Role: "r"}, "12 digits"},
		{"accounts need a role", Options{Accounts: []string{"111122223333"}}, "role"},
		{"org needs a role", Options{Org: true}, "role"},
		{"role ARN", Options{Org: true, Role: "arn:aws:iam::1:role/x"}, "not an ARN"},
		{"unknown service", Options{Services: []string{"sagemaker"}}, "unknown AWS service"},
		{"bad region", Options{Regions: []string{"mars"}}, "not an AWS region"},
		{"subset", Options{Services: []string{"s3", "iam"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.opts)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Provider() != "aws" || len(c.active) == 0 {
					t.Error("no services selected")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}
