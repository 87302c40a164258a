package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/collect"
	"github.com/parapet-dev/parapet/internal/secrets"
)

var lambdaService = service{
	name: "lambda",
	actions: []string{
		"lambda:ListFunctions",
		"lambda:GetPolicy",
		"lambda:ListFunctionUrlConfigs",
		"lambda:ListTags",
	},
	types:   []string{awsshape.TypeLambdaFunction},
	collect: collectLambda,
}

// lambdaAPI is the part of the Lambda client the collector uses.
type lambdaAPI interface {
	lambda.ListFunctionsAPIClient
	lambda.ListFunctionUrlConfigsAPIClient
	GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	ListTags(context.Context, *lambda.ListTagsInput, ...func(*lambda.Options)) (*lambda.ListTagsOutput, error)
}

// functionData is everything kept about one function. The environment's
// values are not: only the variable names and the secrets found in them.
type functionData struct {
	// Function is the listing's configuration with Environment removed.
	Function   lambdatypes.FunctionConfiguration
	EnvNames   []string
	EnvSecrets []secrets.Finding
	// Policy is nil when the function has none (or it could not be read).
	Policy *string
	// URLAuthTypes are the AuthTypes of the function's URLs (nil when they
	// could not be listed).
	URLAuthTypes []string
	Tags         map[string]string
	Errors       []asset.FieldError
}

// envPaths are the Config paths the environment fills.
var envPaths = []string{"EnvironmentVariableNames", "EnvironmentSecrets"}

// withoutEnvironment reduces a listed function to what may be kept: the
// variable values are scanned for secrets, then dropped.
func withoutEnvironment(fc lambdatypes.FunctionConfiguration) functionData {
	d := functionData{EnvNames: []string{}, EnvSecrets: []secrets.Finding{}}
	if env := fc.Environment; env != nil {
		if e := env.Error; e != nil {
			// Lambda could not decrypt the variables: neither names nor
			// values are known.
			d.EnvNames, d.EnvSecrets = nil, nil
			d.Errors = fieldErrors(asset.FieldError{Action: "lambda:ListFunctions", Code: string(collect.CodeInvalidResponse),
				Message: fmt.Sprintf("environment unreadable: %s: %s", str(e.ErrorCode), str(e.Message))}, envPaths...)
		} else {
			for _, name := range slices.Sorted(maps.Keys(env.Variables)) {
				d.EnvNames = append(d.EnvNames, name)
				d.EnvSecrets = append(d.EnvSecrets, secrets.ScanValue(name, env.Variables[name])...)
			}
		}
		// The listing's own copy of the values goes too.
		clear(env.Variables)
	}
	fc.Environment = nil
	d.Function = fc
	return d
}

func collectLambda(ctx context.Context, u *unit) {
	var api lambdaAPI = u.lambda(u.region)
	var fns []functionData
	p := lambda.NewListFunctionsPaginator(api, &lambda.ListFunctionsInput{MaxItems: aws.Int32(50)})
	if err := paginate(ctx, u, u.region, "lambda:ListFunctions", p,
		func(o *lambda.ListFunctionsOutput) {
			for _, fc := range o.Functions {
				fns = append(fns, withoutEnvironment(fc))
			}
		}); err != nil {
		u.listFailed(err)
	}
	m := u.meta(u.region)
	collect.ForEach(ctx, fns, u.c.opts.ServiceConcurrency, func(ctx context.Context, d functionData) {
		if u.fetchFunction(ctx, api, &d) {
			u.emit(adaptFunction(m, d))
		}
	})
}

// fetchFunction reads a function's resource policy and URLs into d. It
// reports false when the function is gone since the listing.
func (u *unit) fetchFunction(ctx context.Context, api lambdaAPI, d *functionData) bool {
	name := d.Function.FunctionName
	uid := str(d.Function.FunctionArn)
	var pol *lambda.GetPolicyOutput
	err := u.call(ctx, u.region, "lambda:GetPolicy", func(ctx context.Context) (err error) {
		pol, err = api.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: name})
		return err
	})
	switch {
	case hasCode(err, "ResourceNotFoundException"):
		// Lambda's answer for a function without a resource policy.
	case err != nil:
		d.Errors = append(d.Errors, u.fieldError(err, "Policy", uid, u.region))
	default:
		d.Policy = pol.Policy
	}
	var auth []string
	p := lambda.NewListFunctionUrlConfigsPaginator(api, &lambda.ListFunctionUrlConfigsInput{FunctionName: name, MaxItems: aws.Int32(50)})
	err = paginate(ctx, u, u.region, "lambda:ListFunctionUrlConfigs", p,
		func(o *lambda.ListFunctionUrlConfigsOutput) {
			for _, c := range o.FunctionUrlConfigs {
				auth = append(auth, string(c.AuthType))
			}
		})
	switch {
	case hasCode(err, "ResourceNotFoundException"):
		return false
	case err != nil:
		d.Errors = append(d.Errors, u.fieldError(err, "FunctionUrlAuthType", uid, u.region))
	default:
		d.URLAuthTypes = append([]string{}, auth...)
	}
	var tags *lambda.ListTagsOutput
	err = u.call(ctx, u.region, "lambda:ListTags", func(ctx context.Context) (err error) {
		tags, err = api.ListTags(ctx, &lambda.ListTagsInput{Resource: d.Function.FunctionArn})
		return err
	})
	switch {
	case hasCode(err, "ResourceNotFoundException"):
		return false
	case err != nil:
		d.Errors = append(d.Errors, u.fieldError(err, "Tags", uid, u.region))
	default:
		d.Tags = tags.Tags
	}
	return true
}

// urlAuthType sums up a function's URLs: NONE when any URL is open to
// anyone, else AWS_IAM when it has URLs, else "".
func urlAuthType(types []string) string {
	switch {
	case slices.Contains(types, string(lambdatypes.FunctionUrlAuthTypeNone)):
		return string(lambdatypes.FunctionUrlAuthTypeNone)
	case len(types) > 0:
		return string(lambdatypes.FunctionUrlAuthTypeAwsIam)
	}
	return ""
}

func adaptFunction(m meta, d functionData) (asset.Asset, error) {
	f := d.Function
	shape := awsshape.LambdaFunction{
		FunctionName:             str(f.FunctionName),
		FunctionArn:              str(f.FunctionArn),
		Runtime:                  string(f.Runtime),
		Handler:                  str(f.Handler),
		Role:                     str(f.Role),
		PackageType:              string(f.PackageType),
		LastModified:             str(f.LastModified),
		EnvironmentVariableNames: d.EnvNames,
		EnvironmentSecrets:       d.EnvSecrets,
		KMSKeyArn:                str(f.KMSKeyArn),
		FunctionUrlAuthType:      urlAuthType(d.URLAuthTypes),
	}
	if shape.FunctionArn == "" {
		shape.FunctionArn = m.arn("lambda", "function:"+shape.FunctionName)
	}
	if t := f.TracingConfig; t != nil {
		shape.TracingConfig.Mode = string(t.Mode)
	}
	var rels []asset.Relation
	// Lambda answers an empty VpcConfig for a function outside any VPC.
	if v := f.VpcConfig; v != nil && str(v.VpcId) != "" {
		shape.VpcConfig = &awsshape.LambdaVpcConfig{VpcId: str(v.VpcId), SubnetIds: sortedCopy(v.SubnetIds), SecurityGroupIds: sortedCopy(v.SecurityGroupIds)}
		rels = append(rels, asset.Relation{Type: RelInVPC, Target: m.arn("ec2", "vpc/"+shape.VpcConfig.VpcId)})
		for _, s := range shape.VpcConfig.SubnetIds {
			rels = append(rels, asset.Relation{Type: RelInSubnet, Target: m.arn("ec2", "subnet/"+s)})
		}
		for _, sg := range shape.VpcConfig.SecurityGroupIds {
			rels = append(rels, asset.Relation{Type: RelSecurityGroup, Target: m.arn("ec2", "security-group/"+sg)})
		}
	}
	if isARN(shape.KMSKeyArn) {
		rels = append(rels, asset.Relation{Type: RelEncryptedWith, Target: shape.KMSKeyArn})
	}
	errs := append([]asset.FieldError(nil), d.Errors...)
	if fe := policyField(d.Policy, "Policy", "lambda:GetPolicy", &shape.Policy); fe != nil {
		errs = append(errs, *fe)
	}
	return build(m, awsshape.TypeLambdaFunction, shape.FunctionArn, shape.FunctionName, maps.Clone(d.Tags), shape, rels, errs)
}
