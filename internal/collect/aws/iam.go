package aws

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
)

var iamService = service{
	name:   "iam",
	global: true,
	actions: []string{
		"iam:GetAccountPasswordPolicy",
		"iam:GetAccountSummary",
		"iam:GenerateCredentialReport",
		"iam:GetCredentialReport",
		"iam:ListUsers",
		"iam:ListMFADevices",
		"iam:ListAccessKeys",
		"iam:GetAccessKeyLastUsed",
		"iam:ListAttachedUserPolicies",
		"iam:ListUserPolicies",
		"iam:GetUserPolicy",
		"iam:ListGroupsForUser",
		"iam:GetUser",
		"iam:ListRoles",
		"iam:ListAttachedRolePolicies",
		"iam:ListRolePolicies",
		"iam:GetRolePolicy",
		"iam:GetRole",
		"iam:ListGroups",
		"iam:ListAttachedGroupPolicies",
		"iam:ListGroupPolicies",
		"iam:GetGroupPolicy",
		"iam:ListPolicies",
		"iam:GetPolicy",
		"iam:GetPolicyVersion",
	},
	types:   []string{awsshape.TypeIAMUser, awsshape.TypeIAMRole, awsshape.TypeIAMGroup, awsshape.TypeIAMPolicy},
	account: []string{"PasswordPolicy", "AccountSummary", "Root"},
	collect: collectIAM,
}

// iamAPI is the part of the IAM client the collector uses.
type iamAPI interface {
	GetAccountPasswordPolicy(context.Context, *iam.GetAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error)
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
	iam.ListUsersAPIClient
	iam.ListMFADevicesAPIClient
	iam.ListAccessKeysAPIClient
	GetAccessKeyLastUsed(context.Context, *iam.GetAccessKeyLastUsedInput, ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
	iam.ListAttachedUserPoliciesAPIClient
	iam.ListUserPoliciesAPIClient
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	iam.ListGroupsForUserAPIClient
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	iam.ListRolesAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	iam.ListGroupsAPIClient
	iam.ListAttachedGroupPoliciesAPIClient
	iam.ListGroupPoliciesAPIClient
	GetGroupPolicy(context.Context, *iam.GetGroupPolicyInput, ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error)
	iam.ListPoliciesAPIClient
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// iamPage is the largest page IAM serves.
var iamPage = aws.Int32(1000)

func collectIAM(ctx context.Context, u *unit) {
	var (
		api                                      iamAPI = u.iam()
		report                                   map[string]credRow
		reportErr                                error
		users                                    []iamtypes.User
		roles                                    []iamtypes.Role
		groups                                   []iamtypes.Group
		policies                                 []iamtypes.Policy
		usersErr, rolesErr, groupsErr, policyErr error
	)
	h := u.home
	collect.Parallel(ctx,
		func(ctx context.Context) { u.passwordPolicy(ctx, api) },
		func(ctx context.Context) { u.accountSummary(ctx, api) },
		func(ctx context.Context) { report, reportErr = u.credentialReport(ctx, api) },
		func(ctx context.Context) {
			p := iam.NewListUsersPaginator(api, &iam.ListUsersInput{MaxItems: iamPage})
			usersErr = paginate(ctx, u, h, "iam:ListUsers", p,
				func(o *iam.ListUsersOutput) { users = append(users, o.Users...) })
		},
		func(ctx context.Context) {
			p := iam.NewListRolesPaginator(api, &iam.ListRolesInput{MaxItems: iamPage})
			rolesErr = paginate(ctx, u, h, "iam:ListRoles", p,
				func(o *iam.ListRolesOutput) { roles = append(roles, o.Roles...) })
		},
		func(ctx context.Context) {
			p := iam.NewListGroupsPaginator(api, &iam.ListGroupsInput{MaxItems: iamPage})
			groupsErr = paginate(ctx, u, h, "iam:ListGroups", p,
				func(o *iam.ListGroupsOutput) { groups = append(groups, o.Groups...) })
		},
		func(ctx context.Context) {
			p := iam.NewListPoliciesPaginator(api, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, MaxItems: iamPage})
			policyErr = paginate(ctx, u, h, "iam:ListPolicies", p,
				func(o *iam.ListPoliciesOutput) { policies = append(policies, o.Policies...) })
		},
	)
	// The report feeds the account's root credentials and every user.
	var reportFE *asset.FieldError
	if reportErr != nil {
		fe := u.fieldError(reportErr, "Root", awsshape.AccountUID(u.account), asset.Global)
		reportFE = &fe
		u.acct.addError(fe)
	} else if row, ok := report[rootUser]; ok {
		u.acct.setRoot(rootCredentials(row))
	} else {
		u.acct.addError(asset.FieldError{Path: "Root", Action: "iam:GetCredentialReport",
			Code: string(collect.CodeInvalidResponse), Message: "the credential report has no root row"})
	}
	for _, l := range []struct {
		err error
		typ string
	}{{usersErr, awsshape.TypeIAMUser}, {rolesErr, awsshape.TypeIAMRole}, {groupsErr, awsshape.TypeIAMGroup}, {policyErr, awsshape.TypeIAMPolicy}} {
		if l.err != nil {
			u.listFailed(l.err, l.typ)
		}
	}
	for _, p := range policies {
		u.docs.setDefaultVersion(str(p.Arn), str(p.DefaultVersionId))
	}

	m := u.meta(asset.Global)
	n := u.c.opts.ServiceConcurrency
	collect.Parallel(ctx,
		func(ctx context.Context) {
			collect.ForEach(ctx, users, n, func(ctx context.Context, user iamtypes.User) {
				u.emit(adaptUser(m, u.userDetails(ctx, api, user, report, reportFE)))
			})
		},
		func(ctx context.Context) {
			collect.ForEach(ctx, roles, n, func(ctx context.Context, role iamtypes.Role) {
				u.emit(adaptRole(m, u.roleDetails(ctx, api, role)))
			})
		},
		func(ctx context.Context) {
			collect.ForEach(ctx, groups, n, func(ctx context.Context, g iamtypes.Group) {
				u.emit(adaptGroup(m, u.groupDetails(ctx, api, g)))
			})
		},
		func(ctx context.Context) {
			collect.ForEach(ctx, policies, n, func(ctx context.Context, p iamtypes.Policy) {
				u.emit(adaptPolicy(m, u.policyDetails(ctx, api, p)))
			})
		},
	)
}

func (u *unit) passwordPolicy(ctx context.Context, api iamAPI) {
	var out *iam.GetAccountPasswordPolicyOutput
	err := u.call(ctx, u.home, "iam:GetAccountPasswordPolicy", func(ctx context.Context) (err error) {
		out, err = api.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		return err
	})
	switch {
	case hasCode(err, "NoSuchEntity"):
		u.acct.setPasswordPolicy(nil) // no policy: IAM defaults apply
	case err != nil:
		u.acct.addError(u.fieldError(err, "PasswordPolicy", awsshape.AccountUID(u.account), asset.Global))
	default:
		u.acct.setPasswordPolicy(passwordPolicy(out.PasswordPolicy))
	}
}

func passwordPolicy(p *iamtypes.PasswordPolicy) *awsshape.PasswordPolicy {
	if p == nil {
		return nil
	}
	return &awsshape.PasswordPolicy{
		MinimumPasswordLength:      i32(p.MinimumPasswordLength),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords:            p.ExpirePasswords,
		MaxPasswordAge:             i32(p.MaxPasswordAge),
		PasswordReusePrevention:    i32(p.PasswordReusePrevention),
		HardExpiry:                 boolean(p.HardExpiry),
	}
}

func (u *unit) accountSummary(ctx context.Context, api iamAPI) {
	var out *iam.GetAccountSummaryOutput
	err := u.call(ctx, u.home, "iam:GetAccountSummary", func(ctx context.Context) (err error) {
		out, err = api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		return err
	})
	if err != nil {
		u.acct.addError(u.fieldError(err, "AccountSummary", awsshape.AccountUID(u.account), asset.Global))
		return
	}
	u.acct.setSummary(summaryMap(out.SummaryMap))
}

func summaryMap(in map[string]int32) map[string]int64 {
	out := make(map[string]int64, len(in))
	for k, v := range in {
		out[k] = int64(v)
	}
	return out
}

// docCache reads each managed policy's default document once per account,
// however many principals it is attached to.
type docCache struct {
	mu       sync.Mutex
	versions map[string]string // customer managed policy ARN → default version
	entries  map[string]*docEntry
}

type docEntry struct {
	once sync.Once
	doc  *string
	err  error
}

func newDocCache() *docCache {
	return &docCache{versions: map[string]string{}, entries: map[string]*docEntry{}}
}

func (c *docCache) setDefaultVersion(arn, version string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.versions[arn] = version
}

func (c *docCache) lookup(arn string) (*docEntry, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[arn]
	if e == nil {
		e = &docEntry{}
		c.entries[arn] = e
	}
	return e, c.versions[arn]
}

// policyDocument returns the default version's document of a managed
// policy. Customer managed policies' default versions are known from
// ListPolicies; for AWS managed ones GetPolicy tells. A failure is
// reported once; every caller gets the error.
func (u *unit) policyDocument(ctx context.Context, api iamAPI, arn string) (*string, error) {
	e, version := u.docs.lookup(arn)
	e.once.Do(func() {
		if version == "" {
			var out *iam.GetPolicyOutput
			err := u.call(ctx, u.home, "iam:GetPolicy", func(ctx context.Context) (err error) {
				out, err = api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
				return err
			})
			if err != nil {
				u.failed(err, arn, asset.Global, nil)
				e.err = err
				return
			}
			if out.Policy != nil {
				version = str(out.Policy.DefaultVersionId)
			}
		}
		var out *iam.GetPolicyVersionOutput
		err := u.call(ctx, u.home, "iam:GetPolicyVersion", func(ctx context.Context) (err error) {
			out, err = api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(version)})
			return err
		})
		if err != nil {
			u.failed(err, arn, asset.Global, nil)
			e.err = err
			return
		}
		if out.PolicyVersion != nil {
			e.doc = out.PolicyVersion.Document
		}
	})
	return e.doc, e.err
}

// attachedPolicy is a managed policy attached to a principal, with its
// default document (nil when it could not be read).
type attachedPolicy struct {
	Arn, Name string
	Document  *string
}

// inlinePolicy is an inline policy with its (URL-encoded) document.
type inlinePolicy struct {
	Name, Document string
}

// principalPolicies are the permissions policies of a user, role or group.
type principalPolicies struct {
	Attached []attachedPolicy
	Inline   []inlinePolicy
}

// attach resolves the documents of attached policies. Failures were
// reported by policyDocument; here they become FieldErrors.
func (u *unit) attach(ctx context.Context, api iamAPI, list []iamtypes.AttachedPolicy) ([]attachedPolicy, []asset.FieldError) {
	var out []attachedPolicy
	var errs []asset.FieldError
	for _, p := range list {
		arn := str(p.PolicyArn)
		doc, err := u.policyDocument(ctx, api, arn)
		if err != nil {
			fe := fieldErrorOf(err, "AttachedPolicies", classify(err))
			fe.Message = arn + ": " + fe.Message
			errs = append(errs, fe)
		}
		out = append(out, attachedPolicy{Arn: arn, Name: str(p.PolicyName), Document: doc})
	}
	return out, errs
}

// inline reads inline policies by name with get; failures become
// FieldErrors on InlinePolicies.
func (u *unit) inline(ctx context.Context, names []string, action, uid string, get func(context.Context, string) (*string, error)) ([]inlinePolicy, []asset.FieldError) {
	var out []inlinePolicy
	var errs []asset.FieldError
	for _, name := range names {
		var doc *string
		err := u.call(ctx, u.home, action, func(ctx context.Context) (err error) {
			doc, err = get(ctx, name)
			return err
		})
		if err != nil {
			fe := u.fieldError(err, "InlinePolicies", uid, asset.Global)
			fe.Message = name + ": " + fe.Message
			errs = append(errs, fe)
			continue
		}
		out = append(out, inlinePolicy{Name: name, Document: str(doc)})
	}
	return out, errs
}

// accessKey is an access key with when it was last used.
type accessKey struct {
	Meta     iamtypes.AccessKeyMetadata
	LastUsed *iamtypes.AccessKeyLastUsed
}

type userData struct {
	User iamtypes.User
	// Report is the user's credential report row; nil when the report
	// could not be read (Errors say why) or lacks the user.
	Report     credRow
	MFADevices []iamtypes.MFADevice
	// MFAListed is false when ListMFADevices failed.
	MFAListed  bool
	AccessKeys []accessKey
	Groups     []iamtypes.Group
	Tags       []iamtypes.Tag
	principalPolicies
	Errors []asset.FieldError
}

func (u *unit) userDetails(ctx context.Context, api iamAPI, user iamtypes.User, report map[string]credRow, reportErr *asset.FieldError) userData {
	name := aws.String(str(user.UserName))
	uid := str(user.Arn)
	h := u.home
	d := userData{User: user}
	fail := func(err error, path string) { d.Errors = append(d.Errors, u.fieldError(err, path, uid, asset.Global)) }

	switch row, ok := report[*name]; {
	case reportErr != nil:
		for _, path := range []string{"PasswordEnabled", "PasswordLastChanged"} {
			fe := *reportErr
			fe.Path = path
			d.Errors = append(d.Errors, fe)
		}
	case ok:
		d.Report = row
	default:
		// Created after AWS generated the report (it is cached for up to
		// four hours).
		for _, path := range []string{"PasswordEnabled", "PasswordLastChanged"} {
			d.Errors = append(d.Errors, asset.FieldError{Path: path, Action: "iam:GetCredentialReport",
				Code: string(collect.CodeNotFound), Message: "user is not in the credential report yet"})
		}
	}

	mfa := iam.NewListMFADevicesPaginator(api, &iam.ListMFADevicesInput{UserName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListMFADevices", mfa,
		func(o *iam.ListMFADevicesOutput) { d.MFADevices = append(d.MFADevices, o.MFADevices...) }); err != nil {
		fail(err, "MFADevices")
		if d.Report == nil {
			fail(err, "MfaActive")
		}
	} else {
		d.MFAListed = true
	}

	var keys []iamtypes.AccessKeyMetadata
	kp := iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListAccessKeys", kp,
		func(o *iam.ListAccessKeysOutput) { keys = append(keys, o.AccessKeyMetadata...) }); err != nil {
		fail(err, "AccessKeys")
	}
	for _, k := range keys {
		ak := accessKey{Meta: k}
		var out *iam.GetAccessKeyLastUsedOutput
		err := u.call(ctx, h, "iam:GetAccessKeyLastUsed", func(ctx context.Context) (err error) {
			out, err = api.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
			return err
		})
		if err != nil {
			fe := u.fieldError(err, "AccessKeys", uid, asset.Global)
			fe.Message = str(k.AccessKeyId) + ": " + fe.Message
			d.Errors = append(d.Errors, fe)
		} else {
			ak.LastUsed = out.AccessKeyLastUsed
		}
		d.AccessKeys = append(d.AccessKeys, ak)
	}

	var attached []iamtypes.AttachedPolicy
	ap := iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListAttachedUserPolicies", ap,
		func(o *iam.ListAttachedUserPoliciesOutput) { attached = append(attached, o.AttachedPolicies...) }); err != nil {
		fail(err, "AttachedPolicies")
	}
	var errs []asset.FieldError
	d.Attached, errs = u.attach(ctx, api, attached)
	d.Errors = append(d.Errors, errs...)

	var names []string
	ip := iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListUserPolicies", ip,
		func(o *iam.ListUserPoliciesOutput) { names = append(names, o.PolicyNames...) }); err != nil {
		fail(err, "InlinePolicies")
	}
	d.Inline, errs = u.inline(ctx, names, "iam:GetUserPolicy", uid, func(ctx context.Context, p string) (*string, error) {
		out, err := api.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: name, PolicyName: aws.String(p)})
		if err != nil {
			return nil, err
		}
		return out.PolicyDocument, nil
	})
	d.Errors = append(d.Errors, errs...)

	gp := iam.NewListGroupsForUserPaginator(api, &iam.ListGroupsForUserInput{UserName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListGroupsForUser", gp,
		func(o *iam.ListGroupsForUserOutput) { d.Groups = append(d.Groups, o.Groups...) }); err != nil {
		fail(err, "Groups")
	}

	// ListUsers leaves tags out; GetUser has them.
	var got *iam.GetUserOutput
	if err := u.call(ctx, h, "iam:GetUser", func(ctx context.Context) (err error) {
		got, err = api.GetUser(ctx, &iam.GetUserInput{UserName: name})
		return err
	}); err != nil {
		fail(err, "Tags")
	} else if got.User != nil {
		d.Tags = got.User.Tags
	}
	return d
}

func iamTags(tags []iamtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

// isAWSManaged tells AWS managed policies (arn:aws:iam::aws:policy/...),
// which are not assets of the account, from customer managed ones.
func isAWSManaged(arn string) bool { return strings.Contains(arn, ":iam::aws:policy/") }

// adaptPolicies decodes attached and inline policy documents.
func adaptPolicies(pp principalPolicies) ([]awsshape.AttachedPolicy, []awsshape.InlinePolicy, []asset.Relation, []asset.FieldError) {
	var (
		attached []awsshape.AttachedPolicy
		inline   []awsshape.InlinePolicy
		rels     []asset.Relation
		errs     []asset.FieldError
	)
	for _, p := range pp.Attached {
		ap := awsshape.AttachedPolicy{PolicyName: p.Name, PolicyArn: p.Arn}
		if fe := policyField(p.Document, "AttachedPolicies", "iam:GetPolicyVersion", &ap.PolicyDocument); fe != nil {
			fe.Message = p.Arn + ": " + fe.Message
			errs = append(errs, *fe)
		}
		attached = append(attached, ap)
		if !isAWSManaged(p.Arn) {
			rels = append(rels, asset.Relation{Type: RelHasPolicy, Target: p.Arn})
		}
	}
	for _, p := range pp.Inline {
		ip := awsshape.InlinePolicy{PolicyName: p.Name}
		doc := p.Document
		if fe := policyField(&doc, "InlinePolicies", "", &ip.PolicyDocument); fe != nil {
			fe.Message = p.Name + ": " + fe.Message
			errs = append(errs, *fe)
		}
		inline = append(inline, ip)
	}
	sort.Slice(attached, func(i, j int) bool { return attached[i].PolicyArn < attached[j].PolicyArn })
	sort.Slice(inline, func(i, j int) bool { return inline[i].PolicyName < inline[j].PolicyName })
	return attached, inline, rels, errs
}

func adaptUser(m meta, d userData) (asset.Asset, error) {
	u := d.User
	shape := awsshape.User{
		UserName:         str(u.UserName),
		UserId:           str(u.UserId),
		Arn:              str(u.Arn),
		Path:             str(u.Path),
		CreateDate:       timeString(u.CreateDate),
		PasswordLastUsed: timePtr(u.PasswordLastUsed),
	}
	if d.Report != nil {
		shape.PasswordEnabled = d.Report.bool("password_enabled")
		shape.PasswordLastChanged = d.Report.date("password_last_changed")
		if shape.PasswordLastUsed == nil {
			shape.PasswordLastUsed = d.Report.date("password_last_used")
		}
	}
	if d.MFAListed {
		shape.MfaActive = len(d.MFADevices) > 0
	} else if d.Report != nil {
		shape.MfaActive = d.Report.bool("mfa_active")
	}
	for _, dev := range d.MFADevices {
		shape.MFADevices = append(shape.MFADevices, awsshape.MFADevice{SerialNumber: str(dev.SerialNumber), EnableDate: timeString(dev.EnableDate)})
	}
	sort.Slice(shape.MFADevices, func(i, j int) bool { return shape.MFADevices[i].SerialNumber < shape.MFADevices[j].SerialNumber })
	for _, k := range d.AccessKeys {
		ak := awsshape.AccessKey{AccessKeyId: str(k.Meta.AccessKeyId), Status: string(k.Meta.Status), CreateDate: timeString(k.Meta.CreateDate)}
		if k.LastUsed != nil {
			ak.LastUsedDate = timePtr(k.LastUsed.LastUsedDate)
		}
		shape.AccessKeys = append(shape.AccessKeys, ak)
	}
	sort.Slice(shape.AccessKeys, func(i, j int) bool { return shape.AccessKeys[i].AccessKeyId < shape.AccessKeys[j].AccessKeyId })
	attached, inline, rels, errs := adaptPolicies(d.principalPolicies)
	shape.AttachedPolicies, shape.InlinePolicies = attached, inline
	for _, g := range d.Groups {
		shape.Groups = append(shape.Groups, str(g.GroupName))
		rels = append(rels, asset.Relation{Type: RelMemberOf, Target: str(g.Arn)})
	}
	sort.Strings(shape.Groups)
	m.Region = asset.Global
	return build(m, awsshape.TypeIAMUser, shape.Arn, shape.UserName, iamTags(d.Tags), shape, rels, append(errs, d.Errors...))
}

type roleData struct {
	Role iamtypes.Role
	Tags []iamtypes.Tag
	principalPolicies
	Errors []asset.FieldError
}

func (u *unit) roleDetails(ctx context.Context, api iamAPI, role iamtypes.Role) roleData {
	name := role.RoleName
	uid := str(role.Arn)
	h := u.home
	d := roleData{Role: role}
	fail := func(err error, path string) { d.Errors = append(d.Errors, u.fieldError(err, path, uid, asset.Global)) }

	var attached []iamtypes.AttachedPolicy
	ap := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListAttachedRolePolicies", ap,
		func(o *iam.ListAttachedRolePoliciesOutput) { attached = append(attached, o.AttachedPolicies...) }); err != nil {
		fail(err, "AttachedPolicies")
	}
	var errs []asset.FieldError
	d.Attached, errs = u.attach(ctx, api, attached)
	d.Errors = append(d.Errors, errs...)

	var names []string
	ip := iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListRolePolicies", ip,
		func(o *iam.ListRolePoliciesOutput) { names = append(names, o.PolicyNames...) }); err != nil {
		fail(err, "InlinePolicies")
	}
	d.Inline, errs = u.inline(ctx, names, "iam:GetRolePolicy", uid, func(ctx context.Context, p string) (*string, error) {
		out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(p)})
		if err != nil {
			return nil, err
		}
		return out.PolicyDocument, nil
	})
	d.Errors = append(d.Errors, errs...)

	// ListRoles leaves tags out; GetRole has them.
	var got *iam.GetRoleOutput
	if err := u.call(ctx, h, "iam:GetRole", func(ctx context.Context) (err error) {
		got, err = api.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		return err
	}); err != nil {
		fail(err, "Tags")
	} else if got.Role != nil {
		d.Tags = got.Role.Tags
	}
	return d
}

func adaptRole(m meta, d roleData) (asset.Asset, error) {
	r := d.Role
	shape := awsshape.Role{
		RoleName:           str(r.RoleName),
		RoleId:             str(r.RoleId),
		Arn:                str(r.Arn),
		Path:               str(r.Path),
		CreateDate:         timeString(r.CreateDate),
		MaxSessionDuration: i32(r.MaxSessionDuration),
	}
	attached, inline, rels, errs := adaptPolicies(d.principalPolicies)
	shape.AttachedPolicies, shape.InlinePolicies = attached, inline
	if fe := policyField(r.AssumeRolePolicyDocument, "AssumeRolePolicyDocument", "iam:ListRoles", &shape.AssumeRolePolicyDocument); fe != nil {
		errs = append(errs, *fe)
	}
	m.Region = asset.Global
	return build(m, awsshape.TypeIAMRole, shape.Arn, shape.RoleName, iamTags(d.Tags), shape, rels, append(errs, d.Errors...))
}

type groupData struct {
	Group iamtypes.Group
	principalPolicies
	Errors []asset.FieldError
}

func (u *unit) groupDetails(ctx context.Context, api iamAPI, g iamtypes.Group) groupData {
	name := g.GroupName
	uid := str(g.Arn)
	h := u.home
	d := groupData{Group: g}
	fail := func(err error, path string) { d.Errors = append(d.Errors, u.fieldError(err, path, uid, asset.Global)) }

	var attached []iamtypes.AttachedPolicy
	ap := iam.NewListAttachedGroupPoliciesPaginator(api, &iam.ListAttachedGroupPoliciesInput{GroupName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListAttachedGroupPolicies", ap,
		func(o *iam.ListAttachedGroupPoliciesOutput) { attached = append(attached, o.AttachedPolicies...) }); err != nil {
		fail(err, "AttachedPolicies")
	}
	var errs []asset.FieldError
	d.Attached, errs = u.attach(ctx, api, attached)
	d.Errors = append(d.Errors, errs...)

	var names []string
	ip := iam.NewListGroupPoliciesPaginator(api, &iam.ListGroupPoliciesInput{GroupName: name, MaxItems: iamPage})
	if err := paginate(ctx, u, h, "iam:ListGroupPolicies", ip,
		func(o *iam.ListGroupPoliciesOutput) { names = append(names, o.PolicyNames...) }); err != nil {
		fail(err, "InlinePolicies")
	}
	d.Inline, errs = u.inline(ctx, names, "iam:GetGroupPolicy", uid, func(ctx context.Context, p string) (*string, error) {
		out, err := api.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: name, PolicyName: aws.String(p)})
		if err != nil {
			return nil, err
		}
		return out.PolicyDocument, nil
	})
	d.Errors = append(d.Errors, errs...)
	return d
}

func adaptGroup(m meta, d groupData) (asset.Asset, error) {
	g := d.Group
	shape := awsshape.Group{
		GroupName:  str(g.GroupName),
		GroupId:    str(g.GroupId),
		Arn:        str(g.Arn),
		Path:       str(g.Path),
		CreateDate: timeString(g.CreateDate),
	}
	attached, inline, rels, errs := adaptPolicies(d.principalPolicies)
	shape.AttachedPolicies, shape.InlinePolicies = attached, inline
	m.Region = asset.Global
	return build(m, awsshape.TypeIAMGroup, shape.Arn, shape.GroupName, nil, shape, rels, append(errs, d.Errors...))
}

type policyData struct {
	Policy   iamtypes.Policy
	Document *string
	Tags     []iamtypes.Tag
	Errors   []asset.FieldError
}

func (u *unit) policyDetails(ctx context.Context, api iamAPI, p iamtypes.Policy) policyData {
	arn := str(p.Arn)
	d := policyData{Policy: p}
	doc, err := u.policyDocument(ctx, api, arn)
	if err != nil {
		d.Errors = append(d.Errors, fieldErrorOf(err, "PolicyDocument", classify(err)))
	}
	d.Document = doc
	// ListPolicies leaves tags out; GetPolicy has them.
	var got *iam.GetPolicyOutput
	if err := u.call(ctx, u.home, "iam:GetPolicy", func(ctx context.Context) (err error) {
		got, err = api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.Arn})
		return err
	}); err != nil {
		d.Errors = append(d.Errors, u.fieldError(err, "Tags", arn, asset.Global))
	} else if got.Policy != nil {
		d.Tags = got.Policy.Tags
	}
	return d
}

func adaptPolicy(m meta, d policyData) (asset.Asset, error) {
	p := d.Policy
	shape := awsshape.Policy{
		PolicyName:       str(p.PolicyName),
		PolicyId:         str(p.PolicyId),
		Arn:              str(p.Arn),
		Path:             str(p.Path),
		DefaultVersionId: str(p.DefaultVersionId),
		AttachmentCount:  i32(p.AttachmentCount),
		IsAttachable:     p.IsAttachable,
		CreateDate:       timeString(p.CreateDate),
		UpdateDate:       timeString(p.UpdateDate),
	}
	errs := append([]asset.FieldError(nil), d.Errors...)
	if fe := policyField(d.Document, "PolicyDocument", "iam:GetPolicyVersion", &shape.PolicyDocument); fe != nil {
		errs = append(errs, *fe)
	}
	m.Region = asset.Global
	return build(m, awsshape.TypeIAMPolicy, shape.Arn, shape.PolicyName, iamTags(d.Tags), shape, nil, errs)
}
