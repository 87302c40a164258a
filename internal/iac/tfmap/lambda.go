package tfmap

import (
	"regexp"
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
	"github.com/parapet-dev/parapet/internal/secrets"
)

func init() {
	register("aws_lambda_function", mapLambdaFunction)
	joined("aws_lambda_permission", "aws_lambda_function_url")
}

// mapLambdaFunction maps a function with its resource policy, built from
// the aws_lambda_permission statements (as AddPermission writes them) and
// the public statement the provider adds for a function URL without
// authentication. Environment values are scanned for secrets and dropped.
func mapLambdaFunction(m *mapping) {
	a, r := m.a, m.r
	name := a.str("function_name", "FunctionName")
	f := awsshape.LambdaFunction{
		FunctionName:             name,
		FunctionArn:              a.known("arn"),
		Runtime:                  a.str("runtime", "Runtime"),
		Handler:                  a.str("handler", "Handler"),
		Role:                     a.str("role", "Role"),
		PackageType:              a.strOr("package_type", "PackageType", "Zip"),
		KMSKeyArn:                a.str("kms_key_arn", "KMSKeyArn"),
		EnvironmentVariableNames: []string{},
		EnvironmentSecrets:       []secrets.Finding{},
	}
	m.relate(relEncryptedWith, a.raw("kms_key_arn"))
	if env, ok := a.block("environment", "EnvironmentVariableNames"); ok {
		vars := env.raw("variables")
		if u, unknown := isUnknown(vars); unknown {
			m.unknown("EnvironmentVariableNames", "environment.variables", u.Reason)
			m.unknown("EnvironmentSecrets", "environment.variables", u.Reason)
		} else if vm, ok := vars.(map[string]any); ok {
			for k, v := range vm {
				f.EnvironmentVariableNames = append(f.EnvironmentVariableNames, k)
				// A value set at apply (a reference, an unknown variable)
				// is not written in the code.
				if s, ok := v.(string); ok {
					f.EnvironmentSecrets = append(f.EnvironmentSecrets, secrets.ScanValue(k, s)...)
				}
			}
			sort.Strings(f.EnvironmentVariableNames)
			sort.Slice(f.EnvironmentSecrets, func(i, j int) bool { return f.EnvironmentSecrets[i].Location < f.EnvironmentSecrets[j].Location })
		}
	}
	tc, _ := a.block("tracing_config", "TracingConfig")
	f.TracingConfig.Mode = tc.strOr("mode", "TracingConfig.Mode", "PassThrough")
	if vc, ok := a.block("vpc_config", "VpcConfig"); ok {
		subnets := vc.strs("subnet_ids", "VpcConfig.SubnetIds")
		if len(subnets) > 0 || vc.has("subnet_ids") {
			f.VpcConfig = &awsshape.LambdaVpcConfig{
				VpcId:            vc.known("vpc_id"),
				SubnetIds:        sortedSet(subnets),
				SecurityGroupIds: sortedSet(vc.strs("security_group_ids", "VpcConfig.SecurityGroupIds")),
			}
			if f.VpcConfig.VpcId == "" {
				for _, s := range vc.values("subnet_ids", "VpcConfig.SubnetIds") {
					if v, ok := m.ix.attrOf(s, "vpc_id"); ok {
						f.VpcConfig.VpcId, _ = stringOf(v)
						break
					}
				}
			}
			for _, g := range vc.values("security_group_ids", "VpcConfig.SecurityGroupIds") {
				m.relate(relSecurityGroup, g)
			}
		}
	}

	arn := f.FunctionArn
	if arn == "" {
		arn = refString(tfmodel.Ref{Address: r.Address, Attribute: "arn"})
	}
	ids := idsOf(r, "function_name", "arn", "id")
	var stmts []any
	for _, c := range m.ix.linked("aws_lambda_permission", "function_name", r, ids...) {
		if s := permissionStatement(m.on(c), arn); s != nil {
			stmts = append(stmts, s)
		}
	}
	var authTypes []string
	for _, c := range m.ix.linked("aws_lambda_function_url", "function_name", r, ids...) {
		ua := m.on(c)
		auth := ua.str("authorization_type", "FunctionUrlAuthType")
		authTypes = append(authTypes, auth)
		if auth == "NONE" {
			res := arn
			if q := ua.str("qualifier", "Policy"); q != "" {
				res += ":" + q
			}
			stmts = append(stmts, map[string]any{
				"Sid":       "FunctionURLAllowPublicAccess",
				"Effect":    "Allow",
				"Principal": "*",
				"Action":    "lambda:InvokeFunctionUrl",
				"Resource":  res,
				"Condition": map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "NONE"}},
			})
		}
	}
	// With URLs on several aliases, the least protected one is reported.
	for _, t := range authTypes {
		if f.FunctionUrlAuthType == "" || t == "NONE" {
			f.FunctionUrlAuthType = t
		}
	}
	if len(stmts) > 0 {
		f.Policy = map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": stmts}
	}
	m.emit(awsshape.TypeLambdaFunction, name, f)
}

var accountID = regexp.MustCompile(`^\d{12}$`)

// permissionStatement renders an aws_lambda_permission as the statement
// AddPermission adds to the function policy.
func permissionStatement(a attrs, functionArn string) map[string]any {
	const f = "Policy"
	principal := a.str("principal", f)
	if principal == "" {
		return nil // unknown: recorded
	}
	var p any
	switch {
	case principal == "*":
		p = "*"
	case accountID.MatchString(principal):
		p = map[string]any{"AWS": "arn:aws:iam::" + principal + ":root"}
	case strings.HasPrefix(principal, "arn:"):
		p = map[string]any{"AWS": principal}
	case strings.Contains(principal, "."):
		p = map[string]any{"Service": principal}
	default:
		p = map[string]any{"AWS": principal}
	}
	res := functionArn
	if q := a.str("qualifier", f); q != "" {
		res += ":" + q
	}
	s := map[string]any{
		"Effect":    "Allow",
		"Principal": p,
		"Action":    a.strOr("action", f, "lambda:InvokeFunction"),
		"Resource":  res,
	}
	if sid := a.str("statement_id", f); sid != "" {
		s["Sid"] = sid
	}
	cond := map[string]map[string]any{}
	put := func(op, key, val string) {
		if val == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]any{}
		}
		cond[op][key] = val
	}
	put("ArnLike", "AWS:SourceArn", a.str("source_arn", f))
	put("StringEquals", "AWS:SourceAccount", a.str("source_account", f))
	put("StringEquals", "aws:PrincipalOrgID", a.str("principal_org_id", f))
	put("StringEquals", "lambda:EventSourceToken", a.str("event_source_token", f))
	put("StringEquals", "lambda:FunctionUrlAuthType", a.str("function_url_auth_type", f))
	if len(cond) > 0 {
		c := map[string]any{}
		for op, kv := range cond {
			c[op] = kv
		}
		s["Condition"] = c
	}
	return s
}
