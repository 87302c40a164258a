package tfmap

import (
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

func init() {
	register("aws_iam_user", mapIAMUser)
	register("aws_iam_role", mapIAMRole)
	register("aws_iam_group", mapIAMGroup)
	register("aws_iam_policy", mapIAMPolicy)
	joined("aws_iam_user_policy", "aws_iam_role_policy", "aws_iam_group_policy",
		"aws_iam_user_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_group_policy_attachment",
		"aws_iam_policy_attachment", "aws_iam_user_login_profile", "aws_iam_access_key",
		"aws_iam_user_group_membership", "aws_iam_group_membership")
}

// principal describes how a kind of IAM principal is joined to its
// policies.
type principal struct {
	arg        string // user, role, group: the argument of *_policy and *_policy_attachment
	listArg    string // users, roles, groups: the argument of aws_iam_policy_attachment
	inline     string // aws_iam_user_policy, ...
	attachment string // aws_iam_user_policy_attachment, ...
}

var (
	userPrincipal  = principal{"user", "users", "aws_iam_user_policy", "aws_iam_user_policy_attachment"}
	rolePrincipal  = principal{"role", "roles", "aws_iam_role_policy", "aws_iam_role_policy_attachment"}
	groupPrincipal = principal{"group", "groups", "aws_iam_group_policy", "aws_iam_group_policy_attachment"}
)

// IAM resources are global, as the collectors record them.
func (m *mapping) emitGlobal(typ, name string, shape any) {
	m.emitAs(awsshape.Provider, typ, name, asset.Global, shape)
}

func mapIAMUser(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "UserName")
	u := awsshape.User{
		UserName: name,
		UserId:   a.known("unique_id"),
		Arn:      a.known("arn"),
		Path:     a.strOr("path", "Path", "/"),
		// MFA devices are enabled with codes from the device, which
		// Terraform cannot do: a user it creates has none.
		MFADevices: []awsshape.MFADevice{},
		AccessKeys: []awsshape.AccessKey{},
		Groups:     []string{},
	}
	// A new user's creation date is set by IAM; checks on how long a
	// password or key has gone unused date from it.
	if u.CreateDate = a.known("create_date"); u.CreateDate == "" {
		m.unknown("CreateDate", "create_date", "set by IAM when the user is created")
	}
	ids := idsOf(r, "name", "id", "arn")
	if len(m.ix.linked("aws_iam_user_login_profile", "user", r, ids...)) > 0 {
		u.PasswordEnabled = true
	}
	for _, c := range m.ix.linked("aws_iam_access_key", "user", r, ids...) {
		ka := m.on(c)
		k := awsshape.AccessKey{
			AccessKeyId: ka.known("id"),
			Status:      ka.strOr("status", "AccessKeys", "Active"),
			CreateDate:  ka.known("create_date"), // set by AWS when created
		}
		u.AccessKeys = append(u.AccessKeys, k)
	}
	groups := map[string]bool{}
	for _, c := range m.ix.linked("aws_iam_user_group_membership", "user", r, ids...) {
		for _, g := range m.on(c).values("groups", "Groups") {
			if n, ok := m.ix.nameOf(g, "name"); ok {
				groups[n] = true
				m.relate(relMemberOf, g)
			} else {
				m.unknown("Groups", c.Address+".groups", "a group name is unknown")
			}
		}
	}
	for _, c := range m.ix.linked("aws_iam_group_membership", "users", r, ids...) {
		g := c.Attributes["group"]
		if n, ok := m.ix.nameOf(g, "name"); ok {
			groups[n] = true
			m.relate(relMemberOf, g)
		} else {
			m.unknown("Groups", c.Address+".group", "the group name is unknown")
		}
	}
	for g := range groups {
		u.Groups = append(u.Groups, g)
	}
	sort.Strings(u.Groups)
	u.AttachedPolicies, u.InlinePolicies = m.principalPolicies(userPrincipal, ids, nil)
	m.emitGlobal(awsshape.TypeIAMUser, name, u)
}

func mapIAMRole(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "RoleName")
	role := awsshape.Role{
		RoleName:                 name,
		RoleId:                   a.known("unique_id"),
		Arn:                      a.known("arn"),
		Path:                     a.strOr("path", "Path", "/"),
		AssumeRolePolicyDocument: a.policy("assume_role_policy", "AssumeRolePolicyDocument"),
		MaxSessionDuration:       a.integer("max_session_duration", "MaxSessionDuration", 3600),
	}
	ids := idsOf(r, "name", "id", "arn")
	role.AttachedPolicies, role.InlinePolicies = m.principalPolicies(rolePrincipal, ids, &a)
	m.emitGlobal(awsshape.TypeIAMRole, name, role)
}

func mapIAMGroup(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "GroupName")
	g := awsshape.Group{
		GroupName: name,
		GroupId:   a.known("unique_id"),
		Arn:       a.known("arn"),
		Path:      a.strOr("path", "Path", "/"),
	}
	g.AttachedPolicies, g.InlinePolicies = m.principalPolicies(groupPrincipal, idsOf(r, "name", "id", "arn"), nil)
	m.emitGlobal(awsshape.TypeIAMGroup, name, g)
}

// principalPolicies gathers the managed policies attached to a user, role
// or group (by *_policy_attachment, aws_iam_policy_attachment, or a
// role's managed_policy_arns) and its inline policies (*_policy
// resources, or a role's inline_policy blocks). own is the role's own
// arguments, for the inline forms.
func (m *mapping) principalPolicies(p principal, ids []string, own *attrs) ([]awsshape.AttachedPolicy, []awsshape.InlinePolicy) {
	r := m.r
	attached := map[string]awsshape.AttachedPolicy{}
	add := func(v any, arg string) {
		ap, ok := m.attachedPolicy(v, arg)
		if ok {
			if _, dup := attached[ap.PolicyArn]; !dup {
				attached[ap.PolicyArn] = ap
			}
		}
	}
	for _, c := range m.ix.linked(p.attachment, p.arg, r, ids...) {
		add(c.Attributes["policy_arn"], c.Address+".policy_arn")
	}
	for _, c := range m.ix.linked("aws_iam_policy_attachment", p.listArg, r, ids...) {
		add(c.Attributes["policy_arn"], c.Address+".policy_arn")
	}
	if own != nil {
		for _, v := range own.values("managed_policy_arns", "AttachedPolicies") {
			add(v, "managed_policy_arns")
		}
	}

	inline := map[string]awsshape.InlinePolicy{}
	addInline := func(a attrs) {
		name := a.str("name", "InlinePolicies")
		if a.raw("policy") == nil {
			return // an empty inline_policy block removes the role's inline policies
		}
		doc := a.policy("policy", "InlinePolicies")
		if _, dup := inline[name]; !dup || name == "" {
			inline[name] = awsshape.InlinePolicy{PolicyName: name, PolicyDocument: doc}
		}
	}
	for _, c := range m.ix.linked(p.inline, p.arg, r, ids...) {
		addInline(m.on(c))
	}
	if own != nil {
		for _, b := range own.blocks("inline_policy", "InlinePolicies") {
			addInline(b)
		}
	}

	outA := make([]awsshape.AttachedPolicy, 0, len(attached))
	for _, ap := range attached {
		outA = append(outA, ap)
	}
	sort.Slice(outA, func(i, j int) bool { return outA[i].PolicyArn < outA[j].PolicyArn })
	outI := make([]awsshape.InlinePolicy, 0, len(inline))
	for _, ip := range inline {
		outI = append(outI, ip)
	}
	sort.Slice(outI, func(i, j int) bool { return outI[i].PolicyName < outI[j].PolicyName })
	return outA, outI
}

// attachedPolicy resolves a policy_arn: a policy of this configuration
// (with its document), an AWS managed policy (its document is left null:
// checks recognise AWS managed policies by ARN), or a customer managed
// policy defined elsewhere, whose document is unknown here.
func (m *mapping) attachedPolicy(v any, arg string) (awsshape.AttachedPolicy, bool) {
	const f = "AttachedPolicies"
	if u, ok := isUnknown(v); ok {
		m.unknown(f, arg, u.Reason)
		return awsshape.AttachedPolicy{}, false
	}
	// A reference to a data source (data.aws_iam_policy) that names the
	// ARN is that ARN.
	if t, ref, ok := m.ix.resolve(v); ok && t.Type != "aws_iam_policy" {
		if s, ok := t.Attributes[ref.Attribute].(string); ok && s != "" {
			v = s
		}
	}
	if t := m.ix.policyResource(v); t != nil {
		pa := attrs{m: m, vals: t.Attributes, at: t.Address + "."}
		arn := pa.known("arn")
		if arn == "" {
			arn = refString(tfmodel.Ref{Address: t.Address, Attribute: "arn"})
		}
		m.rels = append(m.rels, asset.Relation{Type: relHasPolicy, Target: m.ix.uid(t.Address)})
		return awsshape.AttachedPolicy{
			PolicyName:     pa.str("name", f),
			PolicyArn:      arn,
			PolicyDocument: pa.policy("policy", f),
		}, true
	}
	s, ok := stringOf(v)
	if !ok || s == "" {
		if v != nil {
			m.invalid(f, arg, "want a policy ARN, got "+describe(v))
		}
		return awsshape.AttachedPolicy{}, false
	}
	ap := awsshape.AttachedPolicy{PolicyArn: s, PolicyName: s[strings.LastIndex(s, "/")+1:]}
	if ref, isRef := asRef(v); isRef {
		ap.PolicyName = ""
		m.unknown(f, arg, "the policy comes from "+ref.Address+", which is not an aws_iam_policy of this configuration")
		return ap, true
	}
	if !isAWSManaged(s) {
		m.fieldError(f, CodeUnknown, arg+": "+s+" is not defined in this configuration: its document is known only at apply time")
	}
	m.rels = append(m.rels, asset.Relation{Type: relHasPolicy, Target: s})
	return ap, true
}

// isAWSManaged recognises AWS managed policy ARNs (arn:<partition>:iam::aws:policy/...).
func isAWSManaged(arn string) bool { return strings.Contains(arn, ":iam::aws:policy/") }

// policyResource returns the aws_iam_policy a policy_arn names: by
// reference, or by a literal equal to the policy's known ARN.
func (ix *index) policyResource(v any) *tfmodel.Resource {
	if t, _, ok := ix.resolve(v); ok {
		if t.Type == "aws_iam_policy" {
			return t
		}
		return nil
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	for _, p := range ix.byType["aws_iam_policy"] {
		if arn, _ := p.Attributes["arn"].(string); arn == s {
			return p
		}
	}
	return nil
}

// mapIAMPolicy maps a customer managed policy. AttachmentCount counts the
// users, roles and groups this configuration attaches it to; attachments
// made elsewhere are unknown to code.
func mapIAMPolicy(m *mapping) {
	a, r := m.a, m.r
	name := a.str("name", "PolicyName")
	p := awsshape.Policy{
		PolicyName:     name,
		PolicyId:       a.known("policy_id"),
		Arn:            a.known("arn"),
		Path:           a.strOr("path", "Path", "/"),
		IsAttachable:   true,
		PolicyDocument: a.policy("policy", "PolicyDocument"),
	}
	p.AttachmentCount = m.ix.attachmentCount(m, r)
	m.emitGlobal(awsshape.TypeIAMPolicy, name, p)
}

// attachmentCount counts the attachments of a policy in the module.
func (ix *index) attachmentCount(m *mapping, policy *tfmodel.Resource) int64 {
	ids := idsOf(policy, "arn", "id")
	var n int64
	for _, t := range []string{"aws_iam_user_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_group_policy_attachment"} {
		n += int64(len(ix.linked(t, "policy_arn", policy, ids...)))
	}
	for _, c := range ix.linked("aws_iam_policy_attachment", "policy_arn", policy, ids...) {
		ca := m.on(c)
		for _, l := range []string{"users", "roles", "groups"} {
			n += int64(len(ca.values(l, "AttachmentCount")))
		}
	}
	n += int64(len(ix.linked("aws_iam_role", "managed_policy_arns", policy, ids...)))
	return n
}
