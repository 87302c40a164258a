package tfmap

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func adminDoc() map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}
}

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func trustDoc() map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}}
}

func TestIAMRole(t *testing.T) {
	roleRef := ref("aws_iam_role.app", "name")
	adminRef := ref("aws_iam_policy.admin", "arn")
	policy := res("aws_iam_policy", "admin", map[string]any{"name": "admin", "policy": adminPolicy})
	const readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	wantAttached := []awsshape.AttachedPolicy{
		{PolicyName: "admin", PolicyArn: "${aws_iam_policy.admin.arn}", PolicyDocument: adminDoc()},
		{PolicyName: "ReadOnlyAccess", PolicyArn: readOnly},
	}
	wantInline := []awsshape.InlinePolicy{{PolicyName: "inline", PolicyDocument: adminDoc()}}
	tests := []struct {
		name string
		rs   []*tfmodel.Resource
	}{
		{"attachment and policy resources", []*tfmodel.Resource{
			res("aws_iam_role", "app", map[string]any{"name": "app", "assume_role_policy": trust}), policy,
			res("aws_iam_role_policy_attachment", "admin", map[string]any{"role": roleRef, "policy_arn": adminRef}),
			res("aws_iam_role_policy_attachment", "ro", map[string]any{"role": "app", "policy_arn": readOnly}),
			res("aws_iam_role_policy", "inline", map[string]any{"role": ref("aws_iam_role.app", "id"), "name": "inline", "policy": adminPolicy}),
		}},
		{"managed_policy_arns and inline_policy blocks", []*tfmodel.Resource{
			res("aws_iam_role", "app", map[string]any{"name": "app", "assume_role_policy": trust,
				"managed_policy_arns": list(adminRef, readOnly),
				"inline_policy":       blk(map[string]any{"name": "inline", "policy": adminPolicy})}), policy,
		}},
		{"aws_iam_policy_attachment", []*tfmodel.Resource{
			res("aws_iam_role", "app", map[string]any{"name": "app", "assume_role_policy": trust,
				"inline_policy": blk(map[string]any{"name": "inline", "policy": adminPolicy})}), policy,
			res("aws_iam_policy_attachment", "admin", map[string]any{"name": "x", "roles": list(roleRef), "policy_arn": adminRef}),
			res("aws_iam_policy_attachment", "ro", map[string]any{"name": "y", "roles": list("app", "other"), "policy_arn": readOnly}),
		}},
	}
	var first map[string]any
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := one(t, "aws_iam_role.app", tt.rs...)
			want := awsshape.Role{RoleName: "app", Path: "/", AssumeRolePolicyDocument: trustDoc(), MaxSessionDuration: 3600,
				AttachedPolicies: wantAttached, InlinePolicies: wantInline}
			sameConfig(t, a.Config, want)
			if a.Region != asset.Global || len(a.Errors) != 0 {
				t.Errorf("region %q errors %v", a.Region, a.Errors)
			}
			if first == nil {
				first = a.Config
			} else if !reflect.DeepEqual(first, a.Config) {
				t.Error("styles differ")
			}
		})
	}
}

func TestIAMUserGroupPolicy(t *testing.T) {
	userRef := ref("aws_iam_user.alice", "name")
	as, _ := mapAll(t,
		res("aws_iam_user", "alice", map[string]any{"name": "alice", "path": "/people/"}),
		res("aws_iam_user_login_profile", "alice", map[string]any{"user": userRef}),
		res("aws_iam_access_key", "k1", map[string]any{"user": userRef}),
		res("aws_iam_access_key", "k2", map[string]any{"user": "alice", "status": "Inactive"}),
		res("aws_iam_group", "admins", map[string]any{"name": "admins"}),
		res("aws_iam_group", "devs", map[string]any{"name": "devs"}),
		res("aws_iam_user_group_membership", "m", map[string]any{"user": userRef, "groups": list(ref("aws_iam_group.admins", "name"))}),
		res("aws_iam_group_membership", "devs", map[string]any{"group": ref("aws_iam_group.devs", "name"), "users": list(userRef)}),
		res("aws_iam_group_policy_attachment", "a", map[string]any{"group": ref("aws_iam_group.admins", "name"), "policy_arn": ref("aws_iam_policy.p", "arn")}),
		res("aws_iam_user_policy_attachment", "a", map[string]any{"user": userRef, "policy_arn": ref("aws_iam_policy.p", "arn")}),
		res("aws_iam_user_policy_attachment", "ext", map[string]any{"user": userRef, "policy_arn": "arn:aws:iam::111122223333:policy/elsewhere"}),
		res("aws_iam_user_policy", "inline", map[string]any{"user": userRef, "name": "inline", "policy": "not json"}),
		res("aws_iam_policy", "p", map[string]any{"name": "p", "policy": adminPolicy}),
		res("aws_iam_policy", "unused", map[string]any{"name": "unused", "policy": adminPolicy, "description": "d"}),
		res("aws_iam_policy_attachment", "multi", map[string]any{"name": "m", "users": list("bob"), "roles": list("r1", "r2"), "policy_arn": ref("aws_iam_policy.p", "arn")}),
		res("aws_iam_role", "r1", map[string]any{"name": "r1", "assume_role_policy": trust, "managed_policy_arns": list(ref("aws_iam_policy.p", "arn"))}),
	)
	idx := byAddr(as)
	u := idx["aws_iam_user.alice"]
	var user awsshape.User
	decode(t, u.Config, &user)
	if !user.PasswordEnabled || user.MfaActive || user.Path != "/people/" {
		t.Errorf("user = %+v", user)
	}
	if len(user.AccessKeys) != 2 || user.AccessKeys[0].Status != "Active" || user.AccessKeys[1].Status != "Inactive" || user.AccessKeys[0].LastUsedDate != nil {
		t.Errorf("keys = %+v", user.AccessKeys)
	}
	if !slices.Equal(user.Groups, []string{"admins", "devs"}) {
		t.Errorf("groups = %v", user.Groups)
	}
	if len(user.AttachedPolicies) != 2 || user.AttachedPolicies[1].PolicyName != "elsewhere" || user.AttachedPolicies[1].PolicyDocument != nil ||
		!reflect.DeepEqual(user.AttachedPolicies[0].PolicyDocument, adminDoc()) {
		t.Errorf("attached = %+v", user.AttachedPolicies)
	}
	// The external policy's document and the broken inline policy are errors.
	if got := errPaths(u); !slices.Equal(got, []string{"AttachedPolicies:Unknown", "CreateDate:Unknown", "InlinePolicies:InvalidPolicy"}) {
		t.Errorf("errors = %v", got)
	}
	g := idx["aws_iam_group.admins"]
	if got := field(g.Config, "AttachedPolicies").([]any); len(got) != 1 {
		t.Errorf("group attached = %v", got)
	}
	// p: group + user + (bob, r1, r2) + r1's managed_policy_arns.
	if got := idx["aws_iam_policy.p"].Config["AttachmentCount"]; got != int64(6) {
		t.Errorf("attachment count = %v", got)
	}
	sameConfig(t, idx["aws_iam_policy.unused"].Config, awsshape.Policy{PolicyName: "unused", Path: "/", IsAttachable: true, PolicyDocument: adminDoc()})
}

func TestPolicyDocumentRendering(t *testing.T) {
	doc := data("aws_iam_policy_document", "trust", map[string]any{
		"source_policy_documents": list(`{"Statement":[{"Sid":"Base","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Keep","Effect":"Deny","Action":"*","Resource":"*"}]}`),
		"statement": blks(
			map[string]any{"sid": "Base", "actions": list("sts:AssumeRoleWithWebIdentity"),
				"principals": blks(
					map[string]any{"type": "Federated", "identifiers": list(ref("aws_iam_openid_connect_provider.gh", "arn"))},
					map[string]any{"type": "AWS", "identifiers": list("arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root")}),
				"condition": blks(
					map[string]any{"test": "StringLike", "variable": "token.actions.githubusercontent.com:sub", "values": list("repo:org/app:*")},
					map[string]any{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud", "values": list("sts.amazonaws.com")}),
			},
			map[string]any{"effect": "Deny", "not_actions": list("iam:*"),
				"resources": list(unknown("derived from aws_s3_bucket.b.arn (known after apply)"))},
		),
		"override_policy_documents": list(`{"Statement":[{"Sid":"Extra","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`),
	})
	role := res("aws_iam_role", "ci", map[string]any{"name": "ci", "assume_role_policy": unknown("data.aws_iam_policy_document.trust is read at apply")})
	a := one(t, "aws_iam_role.ci", role, doc)
	want := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "Base", "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
				"Principal": map[string]any{"Federated": "${aws_iam_openid_connect_provider.gh.arn}",
					"AWS": []any{"arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"}},
				"Condition": map[string]any{
					"StringLike":   map[string]any{"token.actions.githubusercontent.com:sub": "repo:org/app:*"},
					"StringEquals": map[string]any{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}},
			map[string]any{"Sid": "Keep", "Effect": "Deny", "Action": "*", "Resource": "*"},
			map[string]any{"Effect": "Deny", "NotAction": "iam:*", "Resource": "${derived from aws_s3_bucket.b.arn}"},
			map[string]any{"Sid": "Extra", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
		},
	}
	if got := a.Config["AssumeRolePolicyDocument"]; !reflect.DeepEqual(got, want) {
		t.Errorf("document:\n got %s\nwant %s", js(got), js(want))
	}

	// An unknown principal makes the whole document unknown.
	bad := data("aws_iam_policy_document", "bad", map[string]any{"statement": blk(map[string]any{
		"actions": list("sts:AssumeRole"), "principals": blk(map[string]any{"type": "AWS", "identifiers": list(unknown("var.account has no value"))})})})
	r2 := res("aws_iam_role", "bad", map[string]any{"name": "bad", "assume_role_policy": ref("data.aws_iam_policy_document.bad", "json")})
	b := one(t, "aws_iam_role.bad", r2, bad)
	if b.Config["AssumeRolePolicyDocument"] != nil || !slices.Equal(errPaths(b), []string{"AssumeRolePolicyDocument:Unknown"}) {
		t.Errorf("bad document: %v %v", b.Config["AssumeRolePolicyDocument"], b.Errors)
	}

	// A state knows the rendered json.
	known := data("aws_iam_policy_document", "k", map[string]any{"json": trust})
	r3 := res("aws_iam_role", "k", map[string]any{"name": "k", "assume_role_policy": ref("data.aws_iam_policy_document.k", "json")})
	if got := one(t, "aws_iam_role.k", r3, known).Config["AssumeRolePolicyDocument"]; !reflect.DeepEqual(got, trustDoc()) {
		t.Errorf("known json: %v", got)
	}
}
