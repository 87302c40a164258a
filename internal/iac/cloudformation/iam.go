package cloudformation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
)

// principal describes how IAM resources name a user, role or group.
type principal struct {
	listKey   string // in AWS::IAM::Policy and ManagedPolicy: Users, Roles, Groups
	singleTyp string // the one-principal inline policy type
	singleKey string // its property naming the principal
	arnKind   string // user, role, group
}

var principals = map[string]principal{
	"AWS::IAM::User":  {"Users", "AWS::IAM::UserPolicy", "UserName", "user"},
	"AWS::IAM::Role":  {"Roles", "AWS::IAM::RolePolicy", "RoleName", "role"},
	"AWS::IAM::Group": {"Groups", "AWS::IAM::GroupPolicy", "GroupName", "group"},
}

// iamPath reads Path, "/" by default.
func (m *rmap) iamPath() string {
	p := m.str("Path", "Path", "/")
	if p == "" {
		p = "/"
	}
	return p
}

// iamIdentity returns a principal's name and ARN.
func (m *rmap) iamIdentity(kind, path string) (name, arn string) {
	t, r := m.t, m.r
	if n, ok := t.physicalName(r); ok {
		m.name = n
		return n, t.arnOf("iam", false, kind+path+n)
	}
	return "${" + r.id + "}", "${" + r.id + ".Arn}"
}

// managedPolicyIdentity returns an AWS::IAM::ManagedPolicy's name and
// ARN (what Ref returns).
func (t *template) managedPolicyIdentity(mp *resource) (name, arn string) {
	p := t.props(mp)
	path, _ := p["Path"].(string)
	if path == "" {
		path = "/"
	}
	if n, ok := t.physicalName(mp); ok {
		return n, t.arnOf("iam", false, "policy"+path+n)
	}
	return "${" + mp.id + ".PolicyName}", "${" + mp.id + "}"
}

// lists tells whether a policy's principal list (Users, Roles, Groups)
// names r; why is set when the list is only known at deploy time.
func (t *template) lists(v any, r *resource) (found bool, why string) {
	switch x := v.(type) {
	case unknown:
		return false, x.reason
	case []any:
		for _, e := range x {
			if u, ok := e.(unknown); ok {
				why = u.reason
				continue
			}
			if t.target(e, r.typ) == r {
				return true, ""
			}
		}
	}
	return false, why
}

// principalPolicies gathers a principal's policies: its own Policies and
// ManagedPolicyArns, the AWS::IAM::Policy and ManagedPolicy resources that
// list it, and its one-principal inline policy resources.
func (m *rmap) principalPolicies() ([]awsshape.AttachedPolicy, []awsshape.InlinePolicy) {
	t, r := m.t, m.r
	pr := principals[r.typ]
	var attached []awsshape.AttachedPolicy
	var inline []awsshape.InlinePolicy

	for _, it := range m.items("InlinePolicies", "Policies") {
		inline = append(inline, awsshape.InlinePolicy{
			PolicyName:     m.toStr("InlinePolicies", "Policies.PolicyName", it["PolicyName"], true, ""),
			PolicyDocument: m.toDocument("InlinePolicies", "Policies.PolicyDocument", it["PolicyDocument"], true),
		})
	}
	t.each("AWS::IAM::Policy", func(p *resource) {
		pm := m.other(p)
		found, why := t.lists(pm.p[pr.listKey], r)
		if !found {
			if why != "" {
				m.unknown("InlinePolicies", unknown{reason: fmt.Sprintf("%s %s of policy %s: %s", pr.listKey, "list", p.id, why)})
			}
			return
		}
		inline = append(inline, awsshape.InlinePolicy{
			PolicyName:     pm.str("InlinePolicies", "PolicyName", ""),
			PolicyDocument: pm.document("InlinePolicies", "PolicyDocument"),
		})
		m.absorb(pm, "InlinePolicies")
		m.conditional("InlinePolicies", p)
	})
	t.each(pr.singleTyp, func(p *resource) {
		pm := m.other(p)
		if t.target(pm.p[pr.singleKey], r.typ) != r {
			return
		}
		inline = append(inline, awsshape.InlinePolicy{
			PolicyName:     pm.str("InlinePolicies", "PolicyName", ""),
			PolicyDocument: pm.document("InlinePolicies", "PolicyDocument"),
		})
		m.absorb(pm, "InlinePolicies")
		m.conditional("InlinePolicies", p)
	})

	seen := map[string]bool{}
	attachMP := func(mp *resource) {
		name, arn := t.managedPolicyIdentity(mp)
		if seen[arn] {
			return
		}
		seen[arn] = true
		pm := m.other(mp)
		attached = append(attached, awsshape.AttachedPolicy{PolicyName: name, PolicyArn: arn, PolicyDocument: pm.document("AttachedPolicies", "PolicyDocument")})
		m.absorb(pm, "AttachedPolicies")
		m.relate(relHasPolicy, opaque{res: mp.id})
	}
	arns, _ := m.get("ManagedPolicyArns")
	for _, v := range m.anyList("AttachedPolicies", "ManagedPolicyArns", arns) {
		if mp := t.target(v, "AWS::IAM::ManagedPolicy"); mp != nil {
			attachMP(mp)
			m.conditional("AttachedPolicies", mp)
			continue
		}
		if isUnknown(v) {
			continue // recorded by anyList
		}
		arn, ok := scalarText(v)
		if !ok || seen[arn] {
			continue
		}
		seen[arn] = true
		ap := awsshape.AttachedPolicy{PolicyName: arn[strings.LastIndex(arn, "/")+1:], PolicyArn: arn}
		// AWS managed policies are AWS's, not the template's: their
		// documents are left out (checks recognise AdministratorAccess by
		// its ARN). A customer managed policy defined elsewhere may allow
		// anything: its document is known only in the account.
		if !strings.Contains(arn, ":iam::aws:policy/") {
			m.unknown("AttachedPolicies", unknown{reason: fmt.Sprintf("policy %s is defined outside the template", arn)})
			m.relate(relHasPolicy, arn)
		}
		attached = append(attached, ap)
	}
	t.each("AWS::IAM::ManagedPolicy", func(mp *resource) {
		found, why := t.lists(t.props(mp)[pr.listKey], r)
		if why != "" && !found {
			m.unknown("AttachedPolicies", unknown{reason: fmt.Sprintf("%s list of managed policy %s: %s", pr.listKey, mp.id, why)})
		}
		if found {
			attachMP(mp)
			m.conditional("AttachedPolicies", mp)
		}
	})
	sort.Slice(attached, func(i, j int) bool { return attached[i].PolicyArn < attached[j].PolicyArn })
	sort.SliceStable(inline, func(i, j int) bool { return inline[i].PolicyName < inline[j].PolicyName })
	return attached, inline
}

// mapUser maps AWS::IAM::User, with its access keys, group memberships and
// policies, to aws.iam.user.
func mapUser(m *rmap) any {
	t, r := m.t, m.r
	path := m.iamPath()
	name, arn := m.iamIdentity("user", path)
	m.tags = m.tagsFrom("Tags")
	u := awsshape.User{UserName: name, UserId: "${" + r.id + ".UserId}", Arn: arn, Path: path}
	m.unknown("CreateDate", unknown{reason: "the creation date is set when the user is created"})
	if lp, ok := m.get("LoginProfile"); ok && lp != nil {
		if x, isU := lp.(unknown); isU {
			m.unknown("PasswordEnabled", x)
		} else {
			u.PasswordEnabled = true
		}
	}
	// A new user has no MFA device: devices are enabled by the user.
	t.each("AWS::IAM::AccessKey", func(k *resource) {
		km := m.other(k)
		if t.target(km.p["UserName"], "AWS::IAM::User") != r {
			return
		}
		u.AccessKeys = append(u.AccessKeys, awsshape.AccessKey{
			AccessKeyId: "${" + k.id + "}",
			Status:      km.str("AccessKeys", "Status", "Active"),
		})
		m.absorb(km, "AccessKeys")
		m.conditional("AccessKeys", k)
	})
	if len(u.AccessKeys) > 0 {
		m.unknown("AccessKeys", unknown{reason: "access key creation dates are set when the keys are created"})
	}
	groups := map[string]bool{}
	addGroup := func(v any) {
		if g := t.target(v, "AWS::IAM::Group"); g != nil {
			groups[t.nameOr(g)] = true
			m.relate(relMemberOf, opaque{res: g.id})
			return
		}
		if s, ok := scalarText(v); ok && s != "" {
			groups[s] = true
		}
	}
	gv, _ := m.get("Groups")
	for _, g := range m.anyList("Groups", "Groups", gv) {
		addGroup(g)
	}
	t.each("AWS::IAM::UserToGroupAddition", func(a *resource) {
		p := t.props(a)
		found, why := t.lists(p["Users"], r)
		if why != "" && !found {
			m.unknown("Groups", unknown{reason: fmt.Sprintf("Users of %s: %s", a.id, why)})
		}
		if found {
			addGroup(p["GroupName"])
			m.conditional("Groups", a)
		}
	})
	u.Groups = sortedKeys(groups)
	u.AttachedPolicies, u.InlinePolicies = m.principalPolicies()
	return u
}

// mapRole maps AWS::IAM::Role to aws.iam.role.
func mapRole(m *rmap) any {
	r := m.r
	path := m.iamPath()
	name, arn := m.iamIdentity("role", path)
	m.tags = m.tagsFrom("Tags")
	role := awsshape.Role{
		RoleName:                 name,
		RoleId:                   "${" + r.id + ".RoleId}",
		Arn:                      arn,
		Path:                     path,
		AssumeRolePolicyDocument: m.document("AssumeRolePolicyDocument", "AssumeRolePolicyDocument"),
		MaxSessionDuration:       m.integer("MaxSessionDuration", "MaxSessionDuration", 3600), // IAM default: one hour
	}
	if v, ok := m.get("AssumeRolePolicyDocument"); !ok || v == nil {
		// Required: a missing trust policy must not read as a safe one.
		m.invalid("AssumeRolePolicyDocument", "AssumeRolePolicyDocument", nil, "set (it is required)")
	}
	role.AttachedPolicies, role.InlinePolicies = m.principalPolicies()
	return role
}

// mapGroup maps AWS::IAM::Group to aws.iam.group.
func mapGroup(m *rmap) any {
	r := m.r
	path := m.iamPath()
	name, arn := m.iamIdentity("group", path)
	g := awsshape.Group{GroupName: name, GroupId: "${" + r.id + ".GroupId}", Arn: arn, Path: path}
	g.AttachedPolicies, g.InlinePolicies = m.principalPolicies()
	return g
}

// mapManagedPolicy maps AWS::IAM::ManagedPolicy to aws.iam.policy; its
// attachment count covers the principals it lists and those of the
// template that attach it by ARN.
func mapManagedPolicy(m *rmap) any {
	t, r := m.t, m.r
	name, arn := t.managedPolicyIdentity(r)
	if n, ok := t.physicalName(r); ok {
		m.name = n
	}
	p := awsshape.Policy{
		PolicyName:       name,
		PolicyId:         "${" + r.id + ".PolicyId}",
		Arn:              arn,
		Path:             m.iamPath(),
		DefaultVersionId: "v1",
		IsAttachable:     true,
		PolicyDocument:   m.document("PolicyDocument", "PolicyDocument"),
	}
	sure := map[string]bool{}
	var maybe []string
	for _, key := range []string{"Users", "Roles", "Groups"} {
		v, ok := m.get(key)
		if !ok || v == nil {
			continue
		}
		for _, e := range m.anyList("AttachmentCount", key, v) {
			if isUnknown(e) {
				continue
			}
			id := key + ":" + t.idText(e)
			typ := "AWS::IAM::" + strings.TrimSuffix(key, "s")
			if pr := t.target(e, typ); pr != nil {
				id = pr.id
				if pr.cond == triUnknown {
					maybe = append(maybe, pr.id+" exists only if "+pr.condWhy)
					continue
				}
			}
			sure[id] = true
		}
	}
	for _, typ := range []string{"AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"} {
		t.each(typ, func(pr *resource) {
			arns, _ := t.props(pr)["ManagedPolicyArns"].([]any)
			for _, a := range arns {
				if t.target(a, "AWS::IAM::ManagedPolicy") != r {
					continue
				}
				if pr.cond == triUnknown {
					maybe = append(maybe, pr.id+" exists only if "+pr.condWhy)
				} else {
					sure[pr.id] = true
				}
			}
		})
	}
	p.AttachmentCount = int64(len(sure))
	if len(sure) == 0 && len(maybe) > 0 {
		m.unknown("AttachmentCount", unknown{reason: "the policy is attached only if " + maybe[0]})
	}
	return p
}
