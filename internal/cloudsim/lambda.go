package cloudsim

import (
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func init() {
	register("lambda", true,
		op("ListFunctions", lambdaListFunctions),
		op("GetPolicy", lambdaGetPolicy),
		op("GetFunctionUrlConfig", lambdaGetFunctionUrlConfig),
		op("ListFunctionUrlConfigs", lambdaListFunctionUrlConfigs),
		op("ListTags", lambdaListTags),
	)
}

// lambdaOperation names a Lambda request by method and path.
func lambdaOperation(r *http.Request) string {
	parts := pathSegments(r)
	if r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "2017-03-31" && parts[1] == "tags" {
		return "ListTags"
	}
	if r.Method != http.MethodGet || len(parts) < 2 || parts[1] != "functions" {
		return r.Method + " " + r.URL.Path
	}
	switch {
	case parts[0] == "2015-03-31" && len(parts) == 2:
		return "ListFunctions"
	case parts[0] == "2015-03-31" && len(parts) == 4 && parts[3] == "policy":
		return "GetPolicy"
	case parts[0] == "2021-10-31" && len(parts) == 4 && parts[3] == "url":
		return "GetFunctionUrlConfig"
	case parts[0] == "2021-10-31" && len(parts) == 4 && parts[3] == "urls":
		return "ListFunctionUrlConfigs"
	}
	return r.Method + " " + r.URL.Path
}

// findFunction resolves the FunctionName path label (a name, a full or
// partial ARN, optionally with a ":qualifier") in the call's region.
func (c *call) findFunction() (*Function, string, error) {
	label := pathSegments(c.r)[2]
	name := label
	prefix := "arn:aws:lambda:" + c.region + ":" + c.ident.account.Id + ":function:"
	switch {
	case strings.HasPrefix(name, prefix):
		name = name[len(prefix):]
	case strings.HasPrefix(name, c.ident.account.Id+":function:"):
		name = name[len(c.ident.account.Id+":function:"):]
	}
	name, qualifier, _ := strings.Cut(name, ":")
	if q := c.r.URL.Query().Get("Qualifier"); q != "" {
		qualifier = q
	}
	for _, f := range c.regionState().Functions {
		if aws.ToString(f.FunctionName) == name {
			return f, qualifier, nil
		}
	}
	return nil, "", errorf(404, "ResourceNotFoundException", "Function not found: %s%s", prefix, name)
}

// shiftLayout shifts a timestamp Lambda serves as a string in layout.
func shiftLayout(s *string, layout string, shift time.Duration) *string {
	if s == nil || shift == 0 {
		return s
	}
	t, err := time.Parse(layout, *s)
	if err != nil {
		return s
	}
	return aws.String(t.Add(shift).UTC().Format(layout))
}

// lambdaPage applies Marker/MaxItems (1 to 10,000) to n items: Lambda
// answers at most max items a page, whatever MaxItems asks.
func (c *call) lambdaPage(n, max int) (page, error) {
	c.form = c.r.URL.Query()
	limit, err := c.formInt("MaxItems")
	if err != nil {
		return page{}, err
	}
	if limit < 0 || limit > 10000 {
		return page{}, c.invalidParameter("Value %d at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", limit)
	}
	return c.paginate(n, c.form.Get("Marker"), min(limit, max), max, 1, max)
}

func lambdaListFunctions(c *call) error {
	fns := c.regionState().Functions
	p, err := c.lambdaPage(len(fns), 50)
	if err != nil {
		return err
	}
	out := &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{}, NextMarker: nextToken(p)}
	for _, f := range fns[p.start:p.end] {
		fc := f.FunctionConfiguration
		fc.LastModified = shiftLayout(fc.LastModified, lambdaTimeLayout, c.shift)
		out.Functions = append(out.Functions, fc)
	}
	return c.writeOutput(out)
}

func lambdaGetPolicy(c *call) error {
	f, qualifier, err := c.findFunction()
	if err != nil {
		return err
	}
	// Only the unqualified function's policy is modelled.
	if f.Policy == "" || (qualifier != "" && qualifier != "$LATEST") {
		return errorf(404, "ResourceNotFoundException", "The resource you requested does not exist.")
	}
	return c.writeOutput(&lambda.GetPolicyOutput{Policy: aws.String(f.Policy), RevisionId: f.RevisionId})
}

func (c *call) functionURL(u FunctionUrl) lambdatypes.FunctionUrlConfig {
	out := u.FunctionUrlConfig
	out.CreationTime = shiftLayout(out.CreationTime, lambdaURLLayout, c.shift)
	out.LastModifiedTime = shiftLayout(out.LastModifiedTime, lambdaURLLayout, c.shift)
	return out
}

func lambdaGetFunctionUrlConfig(c *call) error {
	f, qualifier, err := c.findFunction()
	if err != nil {
		return err
	}
	for _, u := range f.FunctionUrls {
		if u.Qualifier == qualifier {
			cfg := c.functionURL(u)
			return c.writeOutput(&lambda.GetFunctionUrlConfigOutput{
				AuthType: cfg.AuthType, CreationTime: cfg.CreationTime, FunctionArn: cfg.FunctionArn,
				FunctionUrl: cfg.FunctionUrl, LastModifiedTime: cfg.LastModifiedTime, Cors: cfg.Cors, InvokeMode: cfg.InvokeMode,
			})
		}
	}
	return errorf(404, "ResourceNotFoundException", "The resource you requested does not exist.")
}

func lambdaListFunctionUrlConfigs(c *call) error {
	f, _, err := c.findFunction()
	if err != nil {
		return err
	}
	p, err := c.lambdaPage(len(f.FunctionUrls), 50)
	if err != nil {
		return err
	}
	out := &lambda.ListFunctionUrlConfigsOutput{FunctionUrlConfigs: []lambdatypes.FunctionUrlConfig{}, NextMarker: nextToken(p)}
	for _, u := range f.FunctionUrls[p.start:p.end] {
		out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, c.functionURL(u))
	}
	return c.writeOutput(out)
}

// lambdaListTags answers a function's tags. Resource is the function's
// ARN; a qualified ARN answers the function's own tags, which versions
// and aliases share.
func lambdaListTags(c *call) error {
	arn := pathSegments(c.r)[2]
	if !strings.HasPrefix(arn, "arn:") {
		return c.invalidParameter("1 validation error detected: Value '%s' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:.*", arn)
	}
	// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
	if parts := strings.Split(arn, ":"); len(parts) == 8 {
		arn = strings.Join(parts[:7], ":")
	}
	for _, f := range c.regionState().Functions {
		if aws.ToString(f.FunctionArn) == arn {
			tags := maps.Clone(f.Tags)
			if tags == nil {
				tags = map[string]string{}
			}
			return c.writeOutput(&lambda.ListTagsOutput{Tags: tags})
		}
	}
	return errorf(404, "ResourceNotFoundException", "Function not found: %s", arn)
}
