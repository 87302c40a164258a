package cloudsim_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

// apiErr returns the error code and HTTP status of an SDK error.
func apiErr(t testing.TB, err error) (string, int) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got success")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status
}

func wantErr(t testing.TB, err error, code string, status int) {
	t.Helper()
	gotCode, gotStatus := apiErr(t, err)
	if gotCode != code || gotStatus != status {
		t.Errorf("error = %s (HTTP %d), want %s (HTTP %d): %v", gotCode, gotStatus, code, status, err)
	}
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is the basic world served, with the world kept for comparisons.
type fixture struct {
	s    *cloudsim.Server
	w    *cloudsim.World
	prod *cloudsim.Account
	mgmt *cloudsim.Account
}

func newFixture(t *testing.T) *fixture {
	w := loadWorld(t, "basic.yaml")
	s := start(t, w)
	return &fixture{s: s, w: w, mgmt: w.Accounts[0], prod: w.Accounts[1]}
}

func TestSTS(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		key, account, arn string
	}{
		{mgmtKey, mgmtID, "arn:aws:iam::111111111111:root"},
		{prodKey, prodID, "arn:aws:iam::222222222222:root"},
		{"AKIAALICE00000000001", prodID, "arn:aws:iam::222222222222:user/alice"},
	}
	for _, tc := range tests {
		out, err := sts.NewFromConfig(sdkConfig(t, f.s, tc.key, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		check(t, err)
		if aws.ToString(out.Account) != tc.account || aws.ToString(out.Arn) != tc.arn {
			t.Errorf("%s: identity %s %s", tc.key, aws.ToString(out.Account), aws.ToString(out.Arn))
		}
	}
	// An unknown key, an inactive user key: no default account in this world.
	for _, key := range []string{"AKIAUNKNOWN", "AKIAALICE00000000002"} {
		_, err := sts.NewFromConfig(sdkConfig(t, f.s, key, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantErr(t, err, "InvalidClientTokenId", 403)
	}
	// The management key from Credentials works.
	key, _ := f.s.Credentials()
	out, err := sts.NewFromConfig(sdkConfig(t, f.s, key, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	check(t, err)
	if aws.ToString(out.Account) != mgmtID {
		t.Errorf("Credentials() account = %s", aws.ToString(out.Account))
	}
}

func TestAssumeRoleIntoMember(t *testing.T) {
	f := newFixture(t)
	cfg := sdkConfig(t, f.s, mgmtKey, "us-east-1")
	roleArn := "arn:aws:iam::222222222222:role/security/ParapetAudit"
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("parapet"), DurationSeconds: aws.Int32(900)})
	check(t, err)
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::222222222222:assumed-role/ParapetAudit/parapet" {
		t.Errorf("assumed role ARN = %s", got)
	}
	if exp := aws.ToTime(out.Credentials.Expiration); !exp.Equal(asOf.Add(15 * time.Minute)) {
		t.Errorf("expiration = %v", exp)
	}
	c := out.Credentials
	member := sdkConfig(t, f.s, aws.ToString(c.AccessKeyId), "us-east-1")
	member.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	id, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	check(t, err)
	if aws.ToString(id.Account) != prodID || !strings.HasPrefix(aws.ToString(id.UserId), "AROA") {
		t.Errorf("acting as %s %s", aws.ToString(id.Account), aws.ToString(id.UserId))
	}
	users, err := iam.NewFromConfig(member).ListUsers(ctx, &iam.ListUsersInput{})
	check(t, err)
	if len(users.Users) != 2 {
		t.Errorf("member's users = %d", len(users.Users))
	}
	// The member's Deny list applies to the session.
	_, err = s3Client(member).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("prod-public-222222222222")})
	wantErr(t, err, "AccessDenied", 403)
	// A wrong session token is refused.
	member.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "forged")
	_, err = sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "InvalidClientTokenId", 403)

	for _, arn := range []string{
		"arn:aws:iam::222222222222:role/NoSuchRole",
		"arn:aws:iam::222222222222:role/ParapetAudit", // wrong path
		"arn:aws:iam::999999999999:role/ParapetAudit", // unknown account
	} {
		_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("x")})
		wantErr(t, err, "AccessDenied", 403)
	}
	_, err = sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("x"), DurationSeconds: aws.Int32(7200)})
	wantErr(t, err, "ValidationError", 400)
}

func TestSessionExpires(t *testing.T) {
	w := loadWorld(t, "basic.yaml")
	now := asOf
	var mu syncClock
	mu.set(now)
	s := start(t, w, cloudsim.WithClock(mu.now))
	out, err := sts.NewFromConfig(sdkConfig(t, s, mgmtKey, "us-east-1")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/security/ParapetAudit"), RoleSessionName: aws.String("p"), DurationSeconds: aws.Int32(900)})
	check(t, err)
	c := out.Credentials
	member := sdkConfig(t, s, "", "us-east-1")
	member.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	mu.set(now.Add(16 * time.Minute))
	_, err = sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantErr(t, err, "ExpiredToken", 403)
	_, err = ec2.NewFromConfig(member).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	wantErr(t, err, "RequestExpired", 400)
}

func TestOrganizations(t *testing.T) {
	f := newFixture(t)
	org := organizations.NewFromConfig(sdkConfig(t, f.s, mgmtKey, "us-east-1"))
	var ids []string
	p := organizations.NewListAccountsPaginator(org, &organizations.ListAccountsInput{MaxResults: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		check(t, err)
		pages++
		for _, a := range out.Accounts {
			ids = append(ids, aws.ToString(a.Id))
			if a.Status != "ACTIVE" || !strings.HasSuffix(aws.ToString(a.Arn), "/o-testorg001/"+aws.ToString(a.Id)) {
				t.Errorf("account %+v", a)
			}
		}
	}
	if !slices.Equal(ids, []string{mgmtID, prodID}) || pages != 2 {
		t.Errorf("ListAccounts = %v in %d pages", ids, pages)
	}
	desc, err := organizations.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1")).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	check(t, err)
	if aws.ToString(desc.Organization.Id) != "o-testorg001" || aws.ToString(desc.Organization.MasterAccountId) != mgmtID {
		t.Errorf("organization = %+v", desc.Organization)
	}
	_, err = organizations.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantErr(t, err, "AccessDeniedException", 400)

	alone := start(t, &cloudsim.World{DefaultAccount: "123456789012", Accounts: []*cloudsim.Account{{Id: "123456789012"}}})
	_, err = organizations.NewFromConfig(sdkConfig(t, alone, "AKIAANY", "us-east-1")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantErr(t, err, "AWSOrganizationsNotInUseException", 400)
}

func TestEC2(t *testing.T) {
	f := newFixture(t)
	e := ec2.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1"))
	r := f.prod.Regions["us-east-1"]

	regions, err := e.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	check(t, err)
	var names []string
	for _, x := range regions.Regions {
		names = append(names, aws.ToString(x.RegionName))
	}
	if !slices.Equal(names, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("regions = %v", names)
	}

	sgs, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	check(t, err)
	sameJSON(t, "security groups", r.SecurityGroups, sgs.SecurityGroups)

	filtered, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("group-name"), Values: []string{"d*"}},
		{Name: aws.String("vpc-id"), Values: []string{"vpc-0a1"}},
	}})
	check(t, err)
	if len(filtered.SecurityGroups) != 1 || aws.ToString(filtered.SecurityGroups[0].GroupId) != "sg-0a2" {
		t.Errorf("filtered = %+v", filtered.SecurityGroups)
	}
	byTag, err := e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"web"}}}})
	check(t, err)
	if len(byTag.SecurityGroups) != 1 {
		t.Errorf("tag filter = %d groups", len(byTag.SecurityGroups))
	}
	_, err = e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-404"}})
	wantErr(t, err, "InvalidGroup.NotFound", 400)
	_, err = e.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"x"}}}})
	wantErr(t, err, "InvalidParameterValue", 400)

	inst, err := e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	check(t, err)
	if len(inst.Reservations) != 1 || aws.ToString(inst.Reservations[0].OwnerId) != prodID {
		t.Fatalf("reservations = %+v", inst.Reservations)
	}
	sameJSON(t, "instances", r.Instances, inst.Reservations[0].Instances)
	got := inst.Reservations[0].Instances[0]
	if got.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired || aws.ToString(got.VpcId) != "vpc-0a1" || aws.ToInt32(got.State.Code) != 16 {
		t.Errorf("instance = %+v", got)
	}

	vpcs, err := e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check(t, err)
	sameJSON(t, "vpcs", r.Vpcs, vpcs.Vpcs)
	subnets, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-0a1"}}}})
	check(t, err)
	sameJSON(t, "subnets", r.Subnets, subnets.Subnets)
	flows, err := e.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{"vpc-0a1"}}}})
	check(t, err)
	sameJSON(t, "flow logs", r.FlowLogs, flows.FlowLogs)
	vols, err := e.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})
	check(t, err)
	sameJSON(t, "volumes", r.Volumes, vols.Volumes)
	if vols.Volumes[0].State != ec2types.VolumeStateInUse || vols.Volumes[1].State != ec2types.VolumeStateAvailable {
		t.Errorf("volume states %s %s", vols.Volumes[0].State, vols.Volumes[1].State)
	}

	for region, want := range map[string]bool{"us-east-1": true, "eu-west-1": false} {
		out, err := ec2.NewFromConfig(sdkConfig(t, f.s, prodKey, region)).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		check(t, err)
		if aws.ToBool(out.EbsEncryptionByDefault) != want {
			t.Errorf("%s: EBS default encryption = %v", region, aws.ToBool(out.EbsEncryptionByDefault))
		}
	}
	// A region the account has not enabled.
	_, err = ec2.NewFromConfig(sdkConfig(t, f.s, prodKey, "ap-south-1")).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	wantErr(t, err, "AuthFailure", 401)
}

func decodeDoc(t testing.TB, encoded *string) map[string]any {
	t.Helper()
	s, err := url.QueryUnescape(aws.ToString(encoded))
	check(t, err)
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("policy document %q: %v", s, err)
	}
	return doc
}

func TestIAM(t *testing.T) {
	f := newFixture(t)
	im := iam.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1"))
	alice := f.prod.IAM.Users[0]

	pp, err := im.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	check(t, err)
	sameJSON(t, "password policy", f.prod.IAM.PasswordPolicy, pp.PasswordPolicy)
	_, err = iam.NewFromConfig(sdkConfig(t, f.s, mgmtKey, "us-east-1")).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantErr(t, err, "NoSuchEntity", 404)

	sum, err := im.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	check(t, err)
	for k, want := range map[string]int32{"Users": 2, "Groups": 1, "Roles": 1, "Policies": 2, "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1, "MFADevices": 2} {
		if got := sum.SummaryMap[k]; got != want {
			t.Errorf("SummaryMap[%s] = %d, want %d", k, got, want)
		}
	}

	users, err := im.ListUsers(ctx, &iam.ListUsersInput{})
	check(t, err)
	if len(users.Users) != 2 || users.IsTruncated || users.Users[0].Tags != nil {
		t.Errorf("ListUsers = %+v", users)
	}
	user, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	check(t, err)
	sameJSON(t, "user", alice.User, user.User)
	_, err = im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mallory")})
	wantErr(t, err, "NoSuchEntity", 404)

	att, err := im.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	check(t, err)
	sameJSON(t, "attached user policies", alice.AttachedPolicies, att.AttachedPolicies)
	if aws.ToString(att.AttachedPolicies[0].PolicyName) != "ReadOnlyAccess" {
		t.Errorf("policy name not derived: %+v", att.AttachedPolicies[0])
	}
	names, err := im.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("alice")})
	check(t, err)
	if !slices.Equal(names.PolicyNames, []string{"extra"}) {
		t.Errorf("user policies = %v", names.PolicyNames)
	}
	up, err := im.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("extra")})
	check(t, err)
	if doc := decodeDoc(t, up.PolicyDocument); doc["Version"] != "2012-10-17" {
		t.Errorf("user policy = %v", doc)
	}
	_, err = im.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("nope")})
	wantErr(t, err, "NoSuchEntity", 404)

	groups, err := im.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")})
	check(t, err)
	sameJSON(t, "groups for user", []iamtypes.Group{f.prod.IAM.Groups[0].Group}, groups.Groups)
	mfa, err := im.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	check(t, err)
	sameJSON(t, "MFA devices", alice.MFADevices, mfa.MFADevices)
	keys, err := im.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("alice")})
	check(t, err)
	if len(keys.AccessKeyMetadata) != 2 || keys.AccessKeyMetadata[1].Status != iamtypes.StatusTypeInactive {
		t.Errorf("access keys = %+v", keys.AccessKeyMetadata)
	}
	used, err := im.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAALICE00000000001")})
	check(t, err)
	if l := used.AccessKeyLastUsed; aws.ToString(l.ServiceName) != "ec2" || aws.ToString(l.Region) != "eu-west-1" || !aws.ToTime(l.LastUsedDate).Equal(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last used = %+v", l)
	}
	never, err := im.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAALICE00000000002")})
	check(t, err)
	if l := never.AccessKeyLastUsed; aws.ToString(l.ServiceName) != "N/A" || l.LastUsedDate != nil {
		t.Errorf("never used = %+v", l)
	}
	lp, err := im.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("alice")})
	check(t, err)
	sameJSON(t, "login profile", alice.LoginProfile, lp.LoginProfile)
	_, err = im.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("bob")})
	wantErr(t, err, "NoSuchEntity", 404)

	roles, err := im.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/security/")})
	check(t, err)
	if len(roles.Roles) != 1 || decodeDoc(t, roles.Roles[0].AssumeRolePolicyDocument)["Version"] != "2012-10-17" {
		t.Errorf("roles = %+v", roles.Roles)
	}
	role, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ParapetAudit")})
	check(t, err)
	if aws.ToString(role.Role.Arn) != "arn:aws:iam::222222222222:role/security/ParapetAudit" || aws.ToInt32(role.Role.MaxSessionDuration) != 3600 {
		t.Errorf("role = %+v", role.Role)
	}
	rap, err := im.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("ParapetAudit")})
	check(t, err)
	sameJSON(t, "attached role policies", f.prod.IAM.Roles[0].AttachedPolicies, rap.AttachedPolicies)
	rp, err := im.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("ParapetAudit")})
	check(t, err)
	if !slices.Equal(rp.PolicyNames, []string{"read-config"}) {
		t.Errorf("role policies = %v", rp.PolicyNames)
	}
	rpol, err := im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("ParapetAudit"), PolicyName: aws.String("read-config")})
	check(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(rpol.PolicyDocument)); doc != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["config:Describe*","config:Get*"],"Resource":"*"}]}` || aws.ToString(rpol.RoleName) != "ParapetAudit" {
		t.Errorf("role policy = %s", doc)
	}
	_, err = im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("ParapetAudit"), PolicyName: aws.String("x")})
	wantErr(t, err, "NoSuchEntity", 404)
	_, err = im.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("Nope")})
	wantErr(t, err, "NoSuchEntity", 404)

	gl, err := im.ListGroups(ctx, &iam.ListGroupsInput{})
	check(t, err)
	sameJSON(t, "groups", []iamtypes.Group{f.prod.IAM.Groups[0].Group}, gl.Groups)
	g, err := im.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("admins")})
	check(t, err)
	if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "alice" {
		t.Errorf("group members = %+v", g.Users)
	}
	gap, err := im.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("admins")})
	check(t, err)
	sameJSON(t, "attached group policies", f.prod.IAM.Groups[0].AttachedPolicies, gap.AttachedPolicies)
	gp, err := im.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("admins")})
	check(t, err)
	if !slices.Equal(gp.PolicyNames, []string{"deny-billing"}) {
		t.Errorf("group policies = %v", gp.PolicyNames)
	}
	gpol, err := im.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("deny-billing")})
	check(t, err)
	if doc, _ := url.QueryUnescape(aws.ToString(gpol.PolicyDocument)); doc != f.prod.IAM.Groups[0].InlinePolicies[0].PolicyDocument {
		t.Errorf("group policy = %s", doc)
	}

	policyNames := func(in *iam.ListPoliciesInput) []string {
		out, err := im.ListPolicies(ctx, in)
		check(t, err)
		var n []string
		for _, p := range out.Policies {
			n = append(n, aws.ToString(p.PolicyName))
		}
		return n
	}
	if got := policyNames(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}); !slices.Equal(got, []string{"everything", "unused"}) {
		t.Errorf("local policies = %v", got)
	}
	if got := policyNames(&iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws}); len(got) != 5 {
		t.Errorf("AWS policies = %v", got)
	}
	if got := policyNames(&iam.ListPoliciesInput{OnlyAttached: true}); !slices.Equal(got, []string{"AdministratorAccess", "ReadOnlyAccess", "SecurityAudit", "everything"}) {
		t.Errorf("attached policies = %v", got)
	}
	audit, err := im.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/SecurityAudit")})
	check(t, err)
	if aws.ToInt32(audit.Policy.AttachmentCount) != 1 || aws.ToString(audit.Policy.DefaultVersionId) != "v1" {
		t.Errorf("SecurityAudit = %+v", audit.Policy)
	}
	mine, err := im.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::222222222222:policy/everything")})
	check(t, err)
	if aws.ToInt32(mine.Policy.AttachmentCount) != 1 {
		t.Errorf("everything = %+v", mine.Policy)
	}
	ver, err := im.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"), VersionId: aws.String("v1")})
	check(t, err)
	stmt := decodeDoc(t, ver.PolicyVersion.Document)["Statement"].([]any)[0].(map[string]any)
	if stmt["Action"] != "*" || stmt["Resource"] != "*" || !ver.PolicyVersion.IsDefaultVersion {
		t.Errorf("AdministratorAccess = %v", stmt)
	}
	ro, err := im.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"), VersionId: aws.String("v1")})
	check(t, err)
	decodeDoc(t, ro.PolicyVersion.Document)
	_, err = im.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"), VersionId: aws.String("v9")})
	wantErr(t, err, "NoSuchEntity", 404)
	_, err = im.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	wantErr(t, err, "NoSuchEntity", 404)
}

func TestCredentialReport(t *testing.T) {
	f := newFixture(t)
	im := iam.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1"))
	_, err := im.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantErr(t, err, "ReportNotPresent", 410)
	gen, err := im.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	check(t, err)
	if gen.State != iamtypes.ReportStateTypeStarted {
		t.Errorf("first generate = %s", gen.State)
	}
	gen, err = im.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	check(t, err)
	if gen.State != iamtypes.ReportStateTypeComplete {
		t.Errorf("second generate = %s", gen.State)
	}
	rep, err := im.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	check(t, err)
	if rep.ReportFormat != iamtypes.ReportFormatTypeTextCsv || !aws.ToTime(rep.GeneratedTime).Equal(asOf) {
		t.Errorf("report format %s generated %v", rep.ReportFormat, rep.GeneratedTime)
	}
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	check(t, err)
	header := strings.Split("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated", ",")
	if len(rows) != 4 || !slices.Equal(rows[0], header) {
		t.Fatalf("report rows = %v", rows)
	}
	get := func(row int, col string) string { return rows[row][slices.Index(header, col)] }
	for _, c := range []struct {
		row       int
		col, want string
	}{
		{1, "user", "<root_account>"},
		{1, "arn", "arn:aws:iam::222222222222:root"},
		{1, "password_enabled", "not_supported"},
		{1, "password_last_used", "2025-12-01T10:00:00+00:00"},
		{1, "mfa_active", "true"},
		{1, "access_key_1_active", "true"},
		{1, "access_key_1_last_used_date", "2025-12-30T00:00:00+00:00"},
		{1, "access_key_2_active", "false"},
		{2, "user", "alice"},
		{2, "password_enabled", "true"},
		{2, "password_last_changed", "2024-01-10T09:00:00+00:00"},
		{2, "password_next_rotation", "2024-04-09T09:00:00+00:00"},
		{2, "mfa_active", "true"},
		{2, "access_key_1_active", "true"},
		{2, "access_key_1_last_used_region", "eu-west-1"},
		{2, "access_key_1_last_used_service", "ec2"},
		{2, "access_key_2_active", "false"},
		{2, "access_key_2_last_used_date", "N/A"},
		{3, "user", "bob"},
		{3, "password_enabled", "false"},
		{3, "password_last_used", "N/A"},
		{3, "mfa_active", "false"},
		{3, "access_key_1_active", "false"},
	} {
		if got := get(c.row, c.col); got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.col, got, c.want)
		}
	}
}

func TestCloudTrail(t *testing.T) {
	f := newFixture(t)
	trailNames := func(key, region string, shadows *bool) []string {
		out, err := cloudtrail.NewFromConfig(sdkConfig(t, f.s, key, region)).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: shadows})
		check(t, err)
		var n []string
		for _, tr := range out.TrailList {
			n = append(n, aws.ToString(tr.Name)+"@"+aws.ToString(tr.HomeRegion))
		}
		return n
	}
	// The management account's multi-region organization trail shows in
	// every region of every member.
	for _, tc := range []struct {
		key, region string
		shadows     *bool
		want        []string
	}{
		{mgmtKey, "us-east-1", nil, []string{"org-trail@us-east-1"}},
		{prodKey, "us-east-1", nil, []string{"org-trail@us-east-1"}},
		{prodKey, "eu-west-1", nil, []string{"org-trail@us-east-1"}},
		{prodKey, "eu-west-1", aws.Bool(false), nil},
	} {
		if got := trailNames(tc.key, tc.region, tc.shadows); !slices.Equal(got, tc.want) {
			t.Errorf("%s in %s: trails %v, want %v", tc.key, tc.region, got, tc.want)
		}
	}
	ct := cloudtrail.NewFromConfig(sdkConfig(t, f.s, prodKey, "eu-west-1"))
	arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
	check(t, err)
	if !aws.ToBool(st.IsLogging) {
		t.Errorf("org trail not logging")
	}
	sel, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
	check(t, err)
	if aws.ToString(sel.TrailARN) != arn || len(sel.EventSelectors) != 1 || !aws.ToBool(sel.EventSelectors[0].IncludeManagementEvents) {
		t.Errorf("event selectors = %+v", sel)
	}
	_, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")}) // by name only in its home region
	wantErr(t, err, "TrailNotFoundException", 400)

	// An account's own multi-region trail shows in its other regions, a
	// single-region trail only at home.
	w := &cloudsim.World{DefaultAccount: "123456789012", Accounts: []*cloudsim.Account{{Id: "123456789012", Regions: map[string]*cloudsim.Region{
		"us-east-1": {Trails: []*cloudsim.Trail{{Trail: cttypesTrail("multi", true)}, {Trail: cttypesTrail("local", false)}}},
		"eu-west-1": {},
	}}}}
	s := start(t, w)
	out, err := cloudtrail.NewFromConfig(sdkConfig(t, s, "AKIAANY", "eu-west-1")).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	check(t, err)
	if len(out.TrailList) != 1 || aws.ToString(out.TrailList[0].Name) != "multi" || aws.ToString(out.TrailList[0].HomeRegion) != "us-east-1" {
		t.Errorf("shadow trails = %+v", out.TrailList)
	}
	st, err = cloudtrail.NewFromConfig(sdkConfig(t, s, "AKIAANY", "us-east-1")).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("local")})
	check(t, err)
	if aws.ToBool(st.IsLogging) {
		t.Errorf("a trail without Status must not be logging")
	}
}

func TestKMSConfigGuardDutyRDS(t *testing.T) {
	f := newFixture(t)
	cfg := sdkConfig(t, f.s, prodKey, "us-east-1")
	r := f.prod.Regions["us-east-1"]

	k := kms.NewFromConfig(cfg)
	keys, err := k.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(2)})
	check(t, err)
	if len(keys.Keys) != 2 || !keys.Truncated || keys.NextMarker == nil {
		t.Errorf("ListKeys page = %+v", keys)
	}
	rest, err := k.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(2), Marker: keys.NextMarker})
	check(t, err)
	if len(rest.Keys) != 1 || rest.Truncated {
		t.Errorf("ListKeys last page = %+v", rest)
	}
	dk, err := k.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: r.Keys[0].Arn})
	check(t, err)
	sameJSON(t, "key", r.Keys[0].KeyMetadata, dk.KeyMetadata)
	for _, tc := range []struct {
		id      string
		enabled bool
		code    string
	}{
		{"1234abcd-12ab-34cd-56ef-1234567890ab", true, ""},
		{"0000bbbb-12ab-34cd-56ef-1234567890ab", true, ""}, // AWS managed
		{"0000aaaa-12ab-34cd-56ef-1234567890ab", false, "UnsupportedOperationException"},
		{"ffffffff-12ab-34cd-56ef-1234567890ab", false, "NotFoundException"},
	} {
		rot, err := k.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(tc.id)})
		if tc.code != "" {
			wantErr(t, err, tc.code, 400)
			continue
		}
		check(t, err)
		if rot.KeyRotationEnabled != tc.enabled || aws.ToInt32(rot.RotationPeriodInDays) != 365 {
			t.Errorf("%s rotation = %+v", tc.id, rot)
		}
	}

	c := configservice.NewFromConfig(cfg)
	recs, err := c.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	check(t, err)
	if len(recs.ConfigurationRecorders) != 1 || aws.ToString(recs.ConfigurationRecorders[0].RoleARN) != "arn:aws:iam::222222222222:role/config" || !recs.ConfigurationRecorders[0].RecordingGroup.IncludeGlobalResourceTypes {
		t.Errorf("recorders = %+v", recs.ConfigurationRecorders)
	}
	st, err := c.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	check(t, err)
	if s := st.ConfigurationRecordersStatus; len(s) != 1 || !s[0].Recording || s[0].LastStatus != "Success" || !aws.ToTime(s[0].LastStartTime).Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("recorder status = %+v", st.ConfigurationRecordersStatus)
	}
	_, err = c.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"nope"}})
	wantErr(t, err, "NoSuchConfigurationRecorderException", 400)
	// No recorder in eu-west-1.
	none, err := configservice.NewFromConfig(sdkConfig(t, f.s, prodKey, "eu-west-1")).DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	check(t, err)
	if len(none.ConfigurationRecorders) != 0 {
		t.Errorf("eu-west-1 recorders = %+v", none.ConfigurationRecorders)
	}

	g := guardduty.NewFromConfig(cfg)
	dets, err := g.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	check(t, err)
	if !slices.Equal(dets.DetectorIds, []string{"12abc34d567e8fa901bc2d34eexample"}) {
		t.Errorf("detectors = %v", dets.DetectorIds)
	}
	det, err := g.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(dets.DetectorIds[0])})
	check(t, err)
	if det.Status != "ENABLED" || det.FindingPublishingFrequency != "FIFTEEN_MINUTES" || aws.ToString(det.CreatedAt) != "2026-01-01T00:00:00.000Z" {
		t.Errorf("detector = %+v", det)
	}
	_, err = g.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("nope")})
	wantErr(t, err, "BadRequestException", 400)

	d := rds.NewFromConfig(cfg)
	dbs, err := d.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	check(t, err)
	sameJSON(t, "DB instances", r.DBInstances, dbs.DBInstances)
	if db := dbs.DBInstances[0]; aws.ToString(db.DBInstanceArn) != "arn:aws:rds:us-east-1:222222222222:db:orders" || !aws.ToBool(db.StorageEncrypted) || aws.ToInt32(db.Endpoint.Port) != 5432 {
		t.Errorf("DB instance = %+v", db)
	}
	_, err = d.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	wantErr(t, err, "DBInstanceNotFound", 404)
}

func TestS3(t *testing.T) {
	f := newFixture(t)
	c := s3Client(sdkConfig(t, f.s, prodKey, "us-east-1"))
	eu := s3Client(sdkConfig(t, f.s, prodKey, "eu-west-1"))
	b := func(name string) *string { return aws.String(name) }

	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	check(t, err)
	if len(list.Buckets) != 2 || aws.ToString(list.Buckets[0].Name) != "prod-data-222222222222" || aws.ToString(list.Buckets[0].BucketRegion) != "eu-west-1" || list.Owner == nil {
		t.Errorf("ListBuckets = %+v", list)
	}
	// GetBucketLocation answers from any region; us-east-1 is empty.
	for name, want := range map[string]string{"prod-data-222222222222": "eu-west-1", "prod-public-222222222222": ""} {
		loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b(name)})
		check(t, err)
		if string(loc.LocationConstraint) != want {
			t.Errorf("%s location = %q", name, loc.LocationConstraint)
		}
	}
	// Any other bucket call from the wrong region is redirected.
	_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b("prod-data-222222222222")})
	wantErr(t, err, "PermanentRedirect", 301)
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response.Header.Get("X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("redirect names region %q", re.Response.Header.Get("X-Amz-Bucket-Region"))
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b("prod-data-222222222222")})
	if code, status := apiErr(t, err); status != 301 {
		t.Errorf("HeadBucket from the wrong region: %s %d", code, status)
	}
	head, err := eu.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b("prod-data-222222222222")})
	check(t, err)
	if aws.ToString(head.BucketRegion) != "eu-west-1" {
		t.Errorf("HeadBucket region = %q", aws.ToString(head.BucketRegion))
	}

	data := f.prod.S3.Buckets[0]
	pab, err := eu.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b(data.Name)})
	check(t, err)
	sameJSON(t, "public access block", data.PublicAccessBlock, pab.PublicAccessBlockConfiguration)
	enc, err := eu.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b(data.Name)})
	check(t, err)
	sameJSON(t, "encryption", data.ServerSideEncryptionConfiguration, enc.ServerSideEncryptionConfiguration)
	ver, err := eu.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b(data.Name)})
	check(t, err)
	if ver.Status != "Enabled" || ver.MFADelete != "Disabled" {
		t.Errorf("versioning = %s %s", ver.Status, ver.MFADelete)
	}
	lg, err := eu.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b(data.Name)})
	check(t, err)
	sameJSON(t, "logging", data.LoggingEnabled, lg.LoggingEnabled)
	tags, err := eu.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b(data.Name)})
	check(t, err)
	sameJSON(t, "tags", data.Tags, tags.TagSet)
	acl, err := eu.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b(data.Name)})
	check(t, err)
	if len(acl.Grants) != 1 || acl.Grants[0].Permission != "FULL_CONTROL" || acl.Grants[0].Grantee.Type != "CanonicalUser" || aws.ToString(acl.Owner.ID) == "" {
		t.Errorf("default ACL = %+v", acl)
	}

	pub := f.prod.S3.Buckets[1]
	acl, err = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b(pub.Name)})
	check(t, err)
	if g := acl.Grants[0]; g.Grantee.Type != "Group" || aws.ToString(g.Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" || g.Permission != "READ" {
		t.Errorf("public ACL = %+v", g)
	}
	ps, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b(pub.Name)})
	check(t, err)
	if !aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Errorf("a policy allowing Principal * must be public")
	}
	noVer, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b(pub.Name)})
	check(t, err)
	if noVer.Status != "" {
		t.Errorf("never-versioned bucket status = %q", noVer.Status)
	}
	noLog, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b(pub.Name)})
	check(t, err)
	if noLog.LoggingEnabled != nil {
		t.Errorf("logging = %+v", noLog.LoggingEnabled)
	}

	// Absent settings answer with S3's own error codes.
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b(pub.Name)})
	wantErr(t, err, "NoSuchPublicAccessBlockConfiguration", 404)
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b(pub.Name)})
	wantErr(t, err, "ServerSideEncryptionConfigurationNotFoundError", 404)
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b(pub.Name)})
	wantErr(t, err, "NoSuchTagSet", 404)
	// Production denies s3:GetBucketPolicy; the management account may.
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b(pub.Name)})
	wantErr(t, err, "AccessDenied", 403)
	mg := s3Client(sdkConfig(t, f.s, mgmtKey, "us-east-1"))
	_, err = mg.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b("org-logs-111111111111")})
	wantErr(t, err, "NoSuchBucketPolicy", 404)
	_, err = mg.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b("org-logs-111111111111")})
	wantErr(t, err, "NoSuchBucketPolicy", 404)
	// Another account's bucket, a bucket nobody has.
	_, err = mg.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b(pub.Name)})
	wantErr(t, err, "AccessDenied", 403)
	_, err = mg.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b("no-such-bucket-anywhere")})
	wantErr(t, err, "NoSuchBucket", 404)

	// With the deny lifted, the policy comes back verbatim.
	f.s.Update(func(w *cloudsim.World) { w.Accounts[1].Deny = nil })
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b(pub.Name)})
	check(t, err)
	if aws.ToString(pol.Policy) != pub.Policy {
		t.Errorf("policy = %s", aws.ToString(pol.Policy))
	}
}

func TestS3Control(t *testing.T) {
	f := newFixture(t)
	// The default client cannot reach a custom endpoint: the SDK prefixes
	// the account ID to the host.
	_, err := s3control.NewFromConfig(sdkConfig(t, f.s, prodKey, "us-east-1")).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(prodID)})
	if err == nil || !strings.Contains(err.Error(), prodID+".127.0.0.1") {
		t.Errorf("expected the default S3 Control client to fail on %s.127.0.0.1, got %v", prodID, err)
	}
	out, err := s3controlClient(sdkConfig(t, f.s, prodKey, "us-east-1")).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(prodID)})
	check(t, err)
	sameJSON(t, "account public access block", f.prod.S3.PublicAccessBlock, out.PublicAccessBlockConfiguration)
	_, err = s3controlClient(sdkConfig(t, f.s, mgmtKey, "eu-west-1")).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(mgmtID)})
	wantErr(t, err, "NoSuchPublicAccessBlockConfiguration", 404)
	// Asking about another account.
	_, err = s3controlClient(sdkConfig(t, f.s, mgmtKey, "us-east-1")).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(prodID)})
	wantErr(t, err, "AccessDenied", 403)
}

func cttypesTrail(name string, multi bool) cttypes.Trail {
	return cttypes.Trail{Name: aws.String(name), S3BucketName: aws.String("logs"), IsMultiRegionTrail: aws.Bool(multi)}
}
