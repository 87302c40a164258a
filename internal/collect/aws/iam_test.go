package aws

import (
	"net/url"
	"testing"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
)

// enc URL-encodes a document the way IAM returns it.
func enc(doc string) string { return url.PathEscape(doc) }

const (
	allowAll  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	readS3    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`
	trustEC2  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	adminArn  = "arn:aws:iam::aws:policy/AdministratorAccess"
	customArn = "arn:aws:iam::111122223333:policy/everything"
)

func doc(t *testing.T, s string) map[string]any {
	t.Helper()
	m, err := decodePolicy(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAdaptUser(t *testing.T) {
	user := iamtypes.User{
		UserName: p("alice"), UserId: p("AIDA1"), Arn: p("arn:aws:iam::111122223333:user/alice"), Path: p("/"),
		CreateDate: ts("2024-01-10T09:00:00Z"), PasswordLastUsed: ts("2026-10-30T08:00:00Z"),
	}
	row := credRow{"user": "alice", "password_enabled": "true", "password_last_changed": "2024-01-10T09:00:00+00:00", "mfa_active": "true"}
	reportErr := asset.FieldError{Path: "PasswordEnabled", Action: "iam:GenerateCredentialReport", Code: "AccessDenied", Message: "AccessDenied: no"}
	base := awsshape.User{UserName: "alice", UserId: "AIDA1", Arn: "arn:aws:iam::111122223333:user/alice", Path: "/",
		CreateDate: "2024-01-10T09:00:00Z", PasswordLastUsed: p("2026-10-30T08:00:00Z")}

	tests := []struct {
		name string
		in   userData
		want func() awsshape.User
		tags map[string]string
		rels []asset.Relation
		errs []asset.FieldError
	}{
		{
			name: "full user",
			in: userData{
				User: user, Report: row, MFAListed: true,
				MFADevices: []iamtypes.MFADevice{{SerialNumber: p("arn:aws:iam::111122223333:mfa/alice"), EnableDate: ts("2024-01-10T09:05:00Z")}},
				AccessKeys: []accessKey{
					{Meta: iamtypes.AccessKeyMetadata{AccessKeyId: p("AKIA2"), Status: iamtypes.StatusTypeInactive, CreateDate: ts("2024-02-01T00:00:00Z")},
						LastUsed: &iamtypes.AccessKeyLastUsed{}},
					{Meta: iamtypes.AccessKeyMetadata{AccessKeyId: p("AKIA1"), Status: iamtypes.StatusTypeActive, CreateDate: ts("2024-01-10T00:00:00Z")},
						LastUsed: &iamtypes.AccessKeyLastUsed{LastUsedDate: ts("2026-10-01T00:00:00Z")}},
				},
				Groups: []iamtypes.Group{{GroupName: p("admins"), Arn: p("arn:aws:iam::111122223333:group/admins")}},
				Tags:   []iamtypes.Tag{{Key: p("team"), Value: p("platform")}},
				principalPolicies: principalPolicies{
					Attached: []attachedPolicy{{Arn: customArn, Name: "everything", Document: p(enc(allowAll))}, {Arn: adminArn, Name: "AdministratorAccess", Document: p(enc(allowAll))}},
					Inline:   []inlinePolicy{{Name: "extra", Document: enc(readS3)}},
				},
			},
			want: func() awsshape.User {
				u := base
				u.PasswordEnabled, u.PasswordLastChanged, u.MfaActive = true, p("2024-01-10T09:00:00Z"), true
				u.MFADevices = []awsshape.MFADevice{{SerialNumber: "arn:aws:iam::111122223333:mfa/alice", EnableDate: "2024-01-10T09:05:00Z"}}
				u.AccessKeys = []awsshape.AccessKey{
					{AccessKeyId: "AKIA1", Status: "Active", CreateDate: "2024-01-10T00:00:00Z", LastUsedDate: p("2026-10-01T00:00:00Z")},
					{AccessKeyId: "AKIA2", Status: "Inactive", CreateDate: "2024-02-01T00:00:00Z"},
				}
				u.AttachedPolicies = []awsshape.AttachedPolicy{
					{PolicyName: "everything", PolicyArn: customArn, PolicyDocument: doc(t, allowAll)},
					{PolicyName: "AdministratorAccess", PolicyArn: adminArn, PolicyDocument: doc(t, allowAll)},
				}
				u.InlinePolicies = []awsshape.InlinePolicy{{PolicyName: "extra", PolicyDocument: doc(t, readS3)}}
				u.Groups = []string{"admins"}
				return u
			},
			tags: map[string]string{"team": "platform"},
			rels: []asset.Relation{{Type: RelHasPolicy, Target: customArn}, {Type: RelMemberOf, Target: "arn:aws:iam::111122223333:group/admins"}},
		},
		{
			name: "no credential report: password fields are errors, MFA still known",
			in:   userData{User: user, MFAListed: true, Errors: []asset.FieldError{reportErr}},
			want: func() awsshape.User { return base },
			errs: []asset.FieldError{reportErr},
		},
		{
			name: "MFA listing failed: report decides MfaActive",
			in:   userData{User: user, Report: row, Errors: []asset.FieldError{{Path: "MFADevices", Code: "AccessDenied", Message: "no"}}},
			want: func() awsshape.User {
				u := base
				u.PasswordEnabled, u.PasswordLastChanged, u.MfaActive = true, p("2024-01-10T09:00:00Z"), true
				return u
			},
			errs: []asset.FieldError{{Path: "MFADevices", Code: "AccessDenied", Message: "no"}},
		},
		{
			name: "attached policy whose document could not be read stays listed with a null document",
			in: userData{User: user, Report: row, MFAListed: true,
				principalPolicies: principalPolicies{Attached: []attachedPolicy{{Arn: adminArn, Name: "AdministratorAccess"}}},
				Errors:            []asset.FieldError{{Path: "AttachedPolicies", Code: "AccessDenied", Message: adminArn + ": no"}}},
			want: func() awsshape.User {
				u := base
				u.PasswordEnabled, u.PasswordLastChanged = true, p("2024-01-10T09:00:00Z")
				u.AttachedPolicies = []awsshape.AttachedPolicy{{PolicyName: "AdministratorAccess", PolicyArn: adminArn}}
				return u
			},
			errs: []asset.FieldError{{Path: "AttachedPolicies", Code: "AccessDenied", Message: adminArn + ": no"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adaptUser(testMeta, tt.in)
			wantAsset(t, got, err, asset.Asset{
				UID: "arn:aws:iam::111122223333:user/alice", Region: asset.Global, Type: awsshape.TypeIAMUser, Name: "alice",
				Tags: tt.tags, Config: cfg(t, tt.want()), Relations: tt.rels, Errors: tt.errs,
			})
		})
	}
}

func TestAdaptRoleGroupPolicy(t *testing.T) {
	roleArn := "arn:aws:iam::111122223333:role/app"
	got, err := adaptRole(testMeta, roleData{
		Role: iamtypes.Role{RoleName: p("app"), RoleId: p("AROA1"), Arn: p(roleArn), Path: p("/"), CreateDate: ts("2024-01-01T00:00:00Z"),
			AssumeRolePolicyDocument: p(enc(trustEC2)), MaxSessionDuration: p(int32(3600))},
		principalPolicies: principalPolicies{Attached: []attachedPolicy{{Arn: customArn, Name: "everything", Document: p(enc(allowAll))}}},
	})
	wantAsset(t, got, err, asset.Asset{
		UID: roleArn, Region: asset.Global, Type: awsshape.TypeIAMRole, Name: "app",
		Config: cfg(t, awsshape.Role{RoleName: "app", RoleId: "AROA1", Arn: roleArn, Path: "/", CreateDate: "2024-01-01T00:00:00Z",
			AssumeRolePolicyDocument: doc(t, trustEC2), MaxSessionDuration: 3600,
			AttachedPolicies: []awsshape.AttachedPolicy{{PolicyName: "everything", PolicyArn: customArn, PolicyDocument: doc(t, allowAll)}}}),
		Relations: []asset.Relation{{Type: RelHasPolicy, Target: customArn}},
	})

	// A trust policy that does not decode is an error on that field.
	got, err = adaptRole(testMeta, roleData{Role: iamtypes.Role{RoleName: p("bad"), Arn: p(roleArn), AssumeRolePolicyDocument: p("%7Bx")}})
	wantAsset(t, got, err, asset.Asset{
		UID: roleArn, Region: asset.Global, Type: awsshape.TypeIAMRole, Name: "bad",
		Config: cfg(t, awsshape.Role{RoleName: "bad", Arn: roleArn}),
		Errors: []asset.FieldError{{Path: "AssumeRolePolicyDocument", Action: "iam:ListRoles", Code: "InvalidResponse", Message: "policy document is not valid JSON"}},
	})

	groupArn := "arn:aws:iam::111122223333:group/admins"
	got, err = adaptGroup(testMeta, groupData{
		Group:             iamtypes.Group{GroupName: p("admins"), GroupId: p("AGPA1"), Arn: p(groupArn), Path: p("/"), CreateDate: ts("2024-01-01T00:00:00Z")},
		principalPolicies: principalPolicies{Attached: []attachedPolicy{{Arn: adminArn, Name: "AdministratorAccess", Document: p(enc(allowAll))}}},
	})
	wantAsset(t, got, err, asset.Asset{
		UID: groupArn, Region: asset.Global, Type: awsshape.TypeIAMGroup, Name: "admins",
		Config: cfg(t, awsshape.Group{GroupName: "admins", GroupId: "AGPA1", Arn: groupArn, Path: "/", CreateDate: "2024-01-01T00:00:00Z",
			AttachedPolicies: []awsshape.AttachedPolicy{{PolicyName: "AdministratorAccess", PolicyArn: adminArn, PolicyDocument: doc(t, allowAll)}}}),
	})

	got, err = adaptPolicy(testMeta, policyData{
		Policy: iamtypes.Policy{PolicyName: p("everything"), PolicyId: p("ANPA1"), Arn: p(customArn), Path: p("/"), DefaultVersionId: p("v2"),
			AttachmentCount: p(int32(3)), IsAttachable: true, CreateDate: ts("2024-01-01T00:00:00Z"), UpdateDate: ts("2024-06-01T00:00:00Z")},
		Document: p(enc(allowAll)),
		Tags:     []iamtypes.Tag{{Key: p("owner"), Value: p("sec")}},
	})
	wantAsset(t, got, err, asset.Asset{
		UID: customArn, Region: asset.Global, Type: awsshape.TypeIAMPolicy, Name: "everything", Tags: map[string]string{"owner": "sec"},
		Config: cfg(t, awsshape.Policy{PolicyName: "everything", PolicyId: "ANPA1", Arn: customArn, Path: "/", DefaultVersionId: "v2",
			AttachmentCount: 3, IsAttachable: true, CreateDate: "2024-01-01T00:00:00Z", UpdateDate: "2024-06-01T00:00:00Z", PolicyDocument: doc(t, allowAll)}),
	})
}

func TestPasswordPolicyAndSummary(t *testing.T) {
	if passwordPolicy(nil) != nil {
		t.Error("no policy must stay null")
	}
	got := passwordPolicy(&iamtypes.PasswordPolicy{MinimumPasswordLength: p(int32(14)), RequireSymbols: true, PasswordReusePrevention: p(int32(24)), HardExpiry: p(true)})
	want := awsshape.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, PasswordReusePrevention: 24, HardExpiry: true}
	if *got != want {
		t.Errorf("got %+v, want %+v", *got, want)
	}
	s := summaryMap(map[string]int32{"AccountMFAEnabled": 1, "Users": 3})
	if s["AccountMFAEnabled"] != 1 || s["Users"] != 3 || len(s) != 2 {
		t.Errorf("summary %v", s)
	}
}
