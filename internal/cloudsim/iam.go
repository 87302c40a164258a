package cloudsim

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func init() {
	register("iam", false,
		op("GetAccountPasswordPolicy", iamGetAccountPasswordPolicy),
		op("GetAccountSummary", iamGetAccountSummary),
		op("GenerateCredentialReport", iamGenerateCredentialReport),
		op("GetCredentialReport", iamGetCredentialReport),
		op("ListUsers", iamListUsers),
		op("GetUser", iamGetUser),
		op("ListAttachedUserPolicies", iamListAttachedUserPolicies),
		op("ListUserPolicies", iamListUserPolicies),
		op("GetUserPolicy", iamGetUserPolicy),
		op("ListGroupsForUser", iamListGroupsForUser),
		op("ListMFADevices", iamListMFADevices),
		op("ListAccessKeys", iamListAccessKeys),
		op("GetAccessKeyLastUsed", iamGetAccessKeyLastUsed),
		op("GetLoginProfile", iamGetLoginProfile),
		op("ListRoles", iamListRoles),
		op("GetRole", iamGetRole),
		op("ListAttachedRolePolicies", iamListAttachedRolePolicies),
		op("ListRolePolicies", iamListRolePolicies),
		op("GetRolePolicy", iamGetRolePolicy),
		op("ListGroups", iamListGroups),
		op("GetGroup", iamGetGroup),
		op("ListAttachedGroupPolicies", iamListAttachedGroupPolicies),
		op("ListGroupPolicies", iamListGroupPolicies),
		op("GetGroupPolicy", iamGetGroupPolicy),
		op("ListPolicies", iamListPolicies),
		op("GetPolicy", iamGetPolicy),
		op("GetPolicyVersion", iamGetPolicyVersion),
	)
}

// policyEscape percent-encodes a policy document the way IAM returns
// documents in its XML answers (RFC 3986: everything but unreserved
// characters, spaces as %20). Collectors must URL-decode them.
func policyEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

func noSuchEntity(format string, args ...any) error {
	return errorf(404, "NoSuchEntity", format, args...)
}

// iamPage applies MaxItems/Marker (1 to 1000, 100 when absent) to n items.
func (c *call) iamPage(n int) (page, error) {
	limit, err := c.formInt("MaxItems")
	if err != nil {
		return page{}, err
	}
	return c.paginate(n, c.form.Get("Marker"), limit, 100, 1, 1000)
}

func marker(p page) (*string, bool) {
	if p.next == "" {
		return nil, false
	}
	return aws.String(p.next), true
}

func (c *call) iamState() *IAM { return &c.ident.account.IAM }

// user finds UserName; an empty name means the calling IAM user.
func (c *call) user() (*User, error) {
	name := c.form.Get("UserName")
	if name == "" && c.ident.user != nil {
		return c.ident.user, nil
	}
	for _, u := range c.iamState().Users {
		if aws.ToString(u.UserName) == name {
			return u, nil
		}
	}
	if name == "" {
		return nil, c.proto.invalidParameter("Must specify userName when calling with non-User credentials")
	}
	return nil, noSuchEntity("The user with name %s cannot be found.", name)
}

func (c *call) role() (*Role, error) {
	name := c.form.Get("RoleName")
	for _, r := range c.iamState().Roles {
		if aws.ToString(r.RoleName) == name {
			return r, nil
		}
	}
	return nil, noSuchEntity("The role with name %s cannot be found.", name)
}

func (c *call) group() (*Group, error) {
	name := c.form.Get("GroupName")
	for _, g := range c.iamState().Groups {
		if aws.ToString(g.GroupName) == name {
			return g, nil
		}
	}
	return nil, noSuchEntity("The group with name %s cannot be found.", name)
}

func hasPathPrefix(path *string, prefix string) bool {
	return prefix == "" || strings.HasPrefix(iamPath(path), prefix)
}

func iamGetAccountPasswordPolicy(c *call) error {
	pp := c.iamState().PasswordPolicy
	if pp == nil {
		return noSuchEntity("The Password Policy with domain name %s cannot be found.", c.ident.account.Id)
	}
	return c.writeOutput(&iam.GetAccountPasswordPolicyOutput{PasswordPolicy: pp})
}

func iamGetAccountSummary(c *call) error {
	st := c.iamState()
	m := map[string]int32{
		"Users": int32(len(st.Users)), "UsersQuota": 5000,
		"Groups": int32(len(st.Groups)), "GroupsQuota": 300,
		"Roles": int32(len(st.Roles)), "RolesQuota": 1000,
		"Policies": int32(len(st.Policies)), "PoliciesQuota": 1500,
		"PolicyVersionsInUse": 0, "PolicyVersionsInUseQuota": 10000,
		"ServerCertificates": 0, "ServerCertificatesQuota": 20,
		"InstanceProfiles": 0, "InstanceProfilesQuota": 1000,
		"Providers": 0, "GlobalEndpointTokenVersion": 1,
		"AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2,
		"AssumeRolePolicySizeQuota": 2048, "PolicySizeQuota": 6144, "VersionsPerPolicyQuota": 5,
		"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240,
		"GroupsPerUserQuota":                10,
		"AttachedPoliciesPerUserQuota":      10,
		"AttachedPoliciesPerGroupQuota":     10,
		"AttachedPoliciesPerRoleQuota":      10,
		"AccountSigningCertificatesPresent": 0,
	}
	mfa := int32(0)
	for _, u := range st.Users {
		mfa += int32(len(u.MFADevices))
		m["PolicyVersionsInUse"] += int32(len(u.AttachedPolicies))
	}
	for _, g := range st.Groups {
		m["PolicyVersionsInUse"] += int32(len(g.AttachedPolicies))
	}
	for _, r := range st.Roles {
		m["PolicyVersionsInUse"] += int32(len(r.AttachedPolicies))
	}
	m["AccountMFAEnabled"] = 0
	if st.Root.MfaActive {
		m["AccountMFAEnabled"] = 1
		mfa++
	}
	m["MFADevices"], m["MFADevicesInUse"] = mfa, mfa
	m["AccountAccessKeysPresent"] = 0
	for _, k := range st.Root.AccessKeys {
		if k.Active {
			m["AccountAccessKeysPresent"] = 1
		}
	}
	return c.writeOutput(&iam.GetAccountSummaryOutput{SummaryMap: m})
}

func iamListUsers(c *call) error {
	var users []*User
	for _, u := range c.iamState().Users {
		if hasPathPrefix(u.Path, c.form.Get("PathPrefix")) {
			users = append(users, u)
		}
	}
	p, err := c.iamPage(len(users))
	if err != nil {
		return err
	}
	out := &iam.ListUsersOutput{Users: []iamtypes.User{}}
	out.Marker, out.IsTruncated = marker(p)
	for _, u := range users[p.start:p.end] {
		x := u.User
		// ListUsers leaves out tags and permissions boundaries, as IAM does.
		x.Tags, x.PermissionsBoundary = nil, nil
		out.Users = append(out.Users, x)
	}
	return c.writeOutput(out)
}

func iamGetUser(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	x := u.User
	return c.writeOutput(&iam.GetUserOutput{User: &x})
}

func (c *call) attachedPolicies(list []iamtypes.AttachedPolicy) error {
	p, err := c.iamPage(len(list))
	if err != nil {
		return err
	}
	out := list[p.start:p.end]
	if out == nil {
		out = []iamtypes.AttachedPolicy{}
	}
	mk, trunc := marker(p)
	switch c.op {
	case "ListAttachedUserPolicies":
		return c.writeOutput(&iam.ListAttachedUserPoliciesOutput{AttachedPolicies: out, Marker: mk, IsTruncated: trunc})
	case "ListAttachedRolePolicies":
		return c.writeOutput(&iam.ListAttachedRolePoliciesOutput{AttachedPolicies: out, Marker: mk, IsTruncated: trunc})
	default:
		return c.writeOutput(&iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: out, Marker: mk, IsTruncated: trunc})
	}
}

func (c *call) inlinePolicyNames(list []InlinePolicy) error {
	names := make([]string, len(list))
	for i, p := range list {
		names[i] = p.PolicyName
	}
	sort.Strings(names)
	p, err := c.iamPage(len(names))
	if err != nil {
		return err
	}
	mk, trunc := marker(p)
	out := names[p.start:p.end]
	switch c.op {
	case "ListUserPolicies":
		return c.writeOutput(&iam.ListUserPoliciesOutput{PolicyNames: out, Marker: mk, IsTruncated: trunc})
	case "ListRolePolicies":
		return c.writeOutput(&iam.ListRolePoliciesOutput{PolicyNames: out, Marker: mk, IsTruncated: trunc})
	default:
		return c.writeOutput(&iam.ListGroupPoliciesOutput{PolicyNames: out, Marker: mk, IsTruncated: trunc})
	}
}

func (c *call) inlinePolicy(list []InlinePolicy, kind string) (*InlinePolicy, error) {
	name := c.form.Get("PolicyName")
	for i := range list {
		if list[i].PolicyName == name {
			return &list[i], nil
		}
	}
	return nil, noSuchEntity("The %s policy with name %s cannot be found.", kind, name)
}

func iamListAttachedUserPolicies(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	return c.attachedPolicies(u.AttachedPolicies)
}

func iamListUserPolicies(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	return c.inlinePolicyNames(u.InlinePolicies)
}

func iamGetUserPolicy(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	ip, err := c.inlinePolicy(u.InlinePolicies, "user")
	if err != nil {
		return err
	}
	return c.writeOutput(&iam.GetUserPolicyOutput{
		UserName: u.UserName, PolicyName: aws.String(ip.PolicyName), PolicyDocument: aws.String(policyEscape(ip.PolicyDocument)),
	})
}

func iamListGroupsForUser(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	var groups []iamtypes.Group
	for _, name := range u.Groups {
		for _, g := range c.iamState().Groups {
			if aws.ToString(g.GroupName) == name {
				groups = append(groups, g.Group)
			}
		}
	}
	p, err := c.iamPage(len(groups))
	if err != nil {
		return err
	}
	out := &iam.ListGroupsForUserOutput{Groups: append([]iamtypes.Group{}, groups[p.start:p.end]...)}
	out.Marker, out.IsTruncated = marker(p)
	return c.writeOutput(out)
}

func iamListMFADevices(c *call) error {
	var devices []iamtypes.MFADevice
	if c.form.Get("UserName") != "" || c.ident.user != nil {
		u, err := c.user()
		if err != nil {
			return err
		}
		devices = u.MFADevices
	}
	p, err := c.iamPage(len(devices))
	if err != nil {
		return err
	}
	out := &iam.ListMFADevicesOutput{MFADevices: append([]iamtypes.MFADevice{}, devices[p.start:p.end]...)}
	out.Marker, out.IsTruncated = marker(p)
	return c.writeOutput(out)
}

func iamListAccessKeys(c *call) error {
	var keys []iamtypes.AccessKeyMetadata
	if c.form.Get("UserName") != "" || c.ident.user != nil {
		u, err := c.user()
		if err != nil {
			return err
		}
		for _, k := range u.AccessKeys {
			keys = append(keys, k.AccessKeyMetadata)
		}
	}
	p, err := c.iamPage(len(keys))
	if err != nil {
		return err
	}
	out := &iam.ListAccessKeysOutput{AccessKeyMetadata: append([]iamtypes.AccessKeyMetadata{}, keys[p.start:p.end]...)}
	out.Marker, out.IsTruncated = marker(p)
	return c.writeOutput(out)
}

func iamGetAccessKeyLastUsed(c *call) error {
	id := c.form.Get("AccessKeyId")
	for _, u := range c.iamState().Users {
		for _, k := range u.AccessKeys {
			if aws.ToString(k.AccessKeyId) != id {
				continue
			}
			last := &iamtypes.AccessKeyLastUsed{ServiceName: aws.String("N/A"), Region: aws.String("N/A"), LastUsedDate: k.LastUsedDate}
			if k.LastUsedDate != nil {
				if k.LastUsedService != "" {
					last.ServiceName = aws.String(k.LastUsedService)
				}
				if k.LastUsedRegion != "" {
					last.Region = aws.String(k.LastUsedRegion)
				}
			}
			return c.writeOutput(&iam.GetAccessKeyLastUsedOutput{UserName: u.UserName, AccessKeyLastUsed: last})
		}
	}
	return errorf(403, "AccessDenied", "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", c.ident.arn, id)
}

func iamGetLoginProfile(c *call) error {
	u, err := c.user()
	if err != nil {
		return err
	}
	if u.LoginProfile == nil {
		return noSuchEntity("Login Profile for User %s cannot be found.", aws.ToString(u.UserName))
	}
	return c.writeOutput(&iam.GetLoginProfileOutput{LoginProfile: u.LoginProfile})
}

func encodedRole(r *Role) iamtypes.Role {
	x := r.Role
	if x.AssumeRolePolicyDocument != nil {
		x.AssumeRolePolicyDocument = aws.String(policyEscape(*x.AssumeRolePolicyDocument))
	}
	return x
}

func iamListRoles(c *call) error {
	var roles []*Role
	for _, r := range c.iamState().Roles {
		if hasPathPrefix(r.Path, c.form.Get("PathPrefix")) {
			roles = append(roles, r)
		}
	}
	p, err := c.iamPage(len(roles))
	if err != nil {
		return err
	}
	out := &iam.ListRolesOutput{Roles: []iamtypes.Role{}}
	out.Marker, out.IsTruncated = marker(p)
	for _, r := range roles[p.start:p.end] {
		x := encodedRole(r)
		// ListRoles leaves these out, as IAM does; GetRole has them.
		x.Tags, x.PermissionsBoundary, x.RoleLastUsed = nil, nil, nil
		out.Roles = append(out.Roles, x)
	}
	return c.writeOutput(out)
}

func iamGetRole(c *call) error {
	r, err := c.role()
	if err != nil {
		return err
	}
	x := encodedRole(r)
	return c.writeOutput(&iam.GetRoleOutput{Role: &x})
}

func iamListAttachedRolePolicies(c *call) error {
	r, err := c.role()
	if err != nil {
		return err
	}
	return c.attachedPolicies(r.AttachedPolicies)
}

func iamListRolePolicies(c *call) error {
	r, err := c.role()
	if err != nil {
		return err
	}
	return c.inlinePolicyNames(r.InlinePolicies)
}

func iamGetRolePolicy(c *call) error {
	r, err := c.role()
	if err != nil {
		return err
	}
	ip, err := c.inlinePolicy(r.InlinePolicies, "role")
	if err != nil {
		return err
	}
	return c.writeOutput(&iam.GetRolePolicyOutput{
		RoleName: r.RoleName, PolicyName: aws.String(ip.PolicyName), PolicyDocument: aws.String(policyEscape(ip.PolicyDocument)),
	})
}

func iamListGroups(c *call) error {
	var groups []*Group
	for _, g := range c.iamState().Groups {
		if hasPathPrefix(g.Path, c.form.Get("PathPrefix")) {
			groups = append(groups, g)
		}
	}
	p, err := c.iamPage(len(groups))
	if err != nil {
		return err
	}
	out := &iam.ListGroupsOutput{Groups: []iamtypes.Group{}}
	out.Marker, out.IsTruncated = marker(p)
	for _, g := range groups[p.start:p.end] {
		out.Groups = append(out.Groups, g.Group)
	}
	return c.writeOutput(out)
}

func iamGetGroup(c *call) error {
	g, err := c.group()
	if err != nil {
		return err
	}
	var members []iamtypes.User
	for _, u := range c.iamState().Users {
		for _, name := range u.Groups {
			if name == aws.ToString(g.GroupName) {
				x := u.User
				x.Tags, x.PermissionsBoundary = nil, nil
				members = append(members, x)
			}
		}
	}
	p, err := c.iamPage(len(members))
	if err != nil {
		return err
	}
	x := g.Group
	out := &iam.GetGroupOutput{Group: &x, Users: append([]iamtypes.User{}, members[p.start:p.end]...)}
	out.Marker, out.IsTruncated = marker(p)
	return c.writeOutput(out)
}

func iamListAttachedGroupPolicies(c *call) error {
	g, err := c.group()
	if err != nil {
		return err
	}
	return c.attachedPolicies(g.AttachedPolicies)
}

func iamListGroupPolicies(c *call) error {
	g, err := c.group()
	if err != nil {
		return err
	}
	return c.inlinePolicyNames(g.InlinePolicies)
}

func iamGetGroupPolicy(c *call) error {
	g, err := c.group()
	if err != nil {
		return err
	}
	ip, err := c.inlinePolicy(g.InlinePolicies, "group")
	if err != nil {
		return err
	}
	return c.writeOutput(&iam.GetGroupPolicyOutput{
		GroupName: g.GroupName, PolicyName: aws.String(ip.PolicyName), PolicyDocument: aws.String(policyEscape(ip.PolicyDocument)),
	})
}

// awsPolicyDate is when the built-in AWS managed policies were published.
var awsPolicyDate = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

// policyEntry is a managed policy visible to an account: built-in or the
// account's own.
type policyEntry struct {
	policy   iamtypes.Policy
	document string
	aws      bool
}

// managedPolicies lists the AWS managed policies, then the account's own,
// with attachment counts from the world.
func (c *call) managedPolicies() []policyEntry {
	counts := map[string]int32{}
	st := c.iamState()
	for _, u := range st.Users {
		for _, p := range u.AttachedPolicies {
			counts[aws.ToString(p.PolicyArn)]++
		}
	}
	for _, g := range st.Groups {
		for _, p := range g.AttachedPolicies {
			counts[aws.ToString(p.PolicyArn)]++
		}
	}
	for _, r := range st.Roles {
		for _, p := range r.AttachedPolicies {
			counts[aws.ToString(p.PolicyArn)]++
		}
	}
	arns := make([]string, 0, len(awsManagedPolicies))
	for arn := range awsManagedPolicies {
		arns = append(arns, arn)
	}
	sort.Slice(arns, func(i, j int) bool { return awsManagedPolicies[arns[i]].name < awsManagedPolicies[arns[j]].name })
	// Built-in policies keep their publication date whatever the shift.
	date := awsPolicyDate.Add(-c.shift)
	var out []policyEntry
	for _, arn := range arns {
		m := awsManagedPolicies[arn]
		out = append(out, policyEntry{aws: true, document: m.document, policy: iamtypes.Policy{
			PolicyName: aws.String(m.name), Arn: aws.String(arn), Path: aws.String(m.path),
			PolicyId:         aws.String(stableID("ANPA", 17, "aws-managed", m.name)),
			DefaultVersionId: aws.String("v1"), IsAttachable: true,
			AttachmentCount: aws.Int32(counts[arn]), PermissionsBoundaryUsageCount: aws.Int32(0),
			Description: aws.String(m.description), CreateDate: aws.Time(date), UpdateDate: aws.Time(date),
		}})
	}
	for _, p := range st.Policies {
		x := p.Policy
		x.AttachmentCount = aws.Int32(counts[aws.ToString(p.Arn)])
		if x.PermissionsBoundaryUsageCount == nil {
			x.PermissionsBoundaryUsageCount = aws.Int32(0)
		}
		out = append(out, policyEntry{policy: x, document: p.Document})
	}
	return out
}

func iamListPolicies(c *call) error {
	scope := c.form.Get("Scope")
	if scope == "" {
		scope = "All"
	}
	onlyAttached := c.formBool("OnlyAttached")
	var list []iamtypes.Policy
	for _, e := range c.managedPolicies() {
		if scope == "AWS" && !e.aws || scope == "Local" && e.aws {
			continue
		}
		if onlyAttached && aws.ToInt32(e.policy.AttachmentCount) == 0 {
			continue
		}
		if !hasPathPrefix(e.policy.Path, c.form.Get("PathPrefix")) {
			continue
		}
		x := e.policy
		// ListPolicies leaves out descriptions and tags, as IAM does.
		x.Description, x.Tags = nil, nil
		list = append(list, x)
	}
	p, err := c.iamPage(len(list))
	if err != nil {
		return err
	}
	out := &iam.ListPoliciesOutput{Policies: append([]iamtypes.Policy{}, list[p.start:p.end]...)}
	out.Marker, out.IsTruncated = marker(p)
	return c.writeOutput(out)
}

func (c *call) managedPolicy() (*policyEntry, error) {
	arn := c.form.Get("PolicyArn")
	for _, e := range c.managedPolicies() {
		if aws.ToString(e.policy.Arn) == arn {
			return &e, nil
		}
	}
	return nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

func iamGetPolicy(c *call) error {
	e, err := c.managedPolicy()
	if err != nil {
		return err
	}
	return c.writeOutput(&iam.GetPolicyOutput{Policy: &e.policy})
}

func iamGetPolicyVersion(c *call) error {
	e, err := c.managedPolicy()
	if err != nil {
		return err
	}
	v := c.form.Get("VersionId")
	if v != aws.ToString(e.policy.DefaultVersionId) {
		return noSuchEntity("Policy %s version %s does not exist or is not attachable.", aws.ToString(e.policy.Arn), v)
	}
	return c.writeOutput(&iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{
		Document:         aws.String(policyEscape(e.document)),
		VersionId:        aws.String(v),
		IsDefaultVersion: true,
		CreateDate:       e.policy.UpdateDate,
	}})
}
