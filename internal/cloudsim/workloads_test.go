package cloudsim_test

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/parapet-dev/parapet/internal/cloudsim"
)

const (
	workKey      = "AKIATESTWORKLOADS001"
	neighbourKey = "AKIATESTNEIGHBOUR001"
	workID       = "123456789012"
)

// workFixture serves testdata/workloads.yaml.
func workFixture(t *testing.T) (*cloudsim.Server, *cloudsim.Region) {
	t.Helper()
	w := loadWorld(t, "workloads.yaml")
	s := start(t, w)
	return s, w.Accounts[0].Regions["us-east-1"]
}

func TestParseWorkloadsWorld(t *testing.T) {
	w := loadWorld(t, "workloads.yaml")
	r := w.Accounts[0].Regions["us-east-1"]
	tests := []struct{ what, got, want string }{
		{"snapshot owner", aws.ToString(r.Snapshots[0].OwnerId), workID},
		{"snapshot state", string(r.Snapshots[0].State), "completed"},
		{"cluster ARN", aws.ToString(r.DBClusters[0].DBClusterArn), "arn:aws:rds:us-east-1:123456789012:cluster:orders"},
		{"repository URI", aws.ToString(r.Repositories[1].RepositoryUri), "123456789012.dkr.ecr.us-east-1.amazonaws.com/scratch"},
		{"repository default encryption", string(r.Repositories[1].EncryptionConfiguration.EncryptionType), "AES256"},
		{"repository policy (YAML becomes JSON)", r.Repositories[0].Policy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`},
		{"EKS ARN", aws.ToString(r.EKSClusters[1].Arn), "arn:aws:eks:us-east-1:123456789012:cluster/dev"},
		{"EKS default endpoint", strings.Join(r.EKSClusters[1].ResourcesVpcConfig.PublicAccessCidrs, ","), "0.0.0.0/0"},
		{"domain ARN", aws.ToString(r.Domains[0].ARN), "arn:aws:es:us-east-1:123456789012:domain/logs"},
		{"domain default TLS policy", string(r.Domains[1].DomainEndpointOptions.TLSSecurityPolicy), "Policy-Min-TLS-1-0-2019-07"},
		{"ALB ARN prefix", strings.Join(strings.Split(aws.ToString(r.LoadBalancers[0].LoadBalancerArn), "/")[:3], "/"), "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web"},
		{"NLB ARN prefix", strings.Join(strings.Split(aws.ToString(r.LoadBalancers[1].LoadBalancerArn), "/")[:3], "/"), "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp"},
		{"internal DNS name", strings.SplitN(aws.ToString(r.LoadBalancers[1].DNSName), "-", 2)[0], "internal"},
		{"classic default idle timeout", fmt.Sprint(aws.ToInt32(r.ClassicLoadBalancers[1].Attributes.ConnectionSettings.IdleTimeout)), "60"},
		{"function ARN", aws.ToString(r.Functions[0].FunctionArn), "arn:aws:lambda:us-east-1:123456789012:function:api"},
		{"function LastModified", aws.ToString(r.Functions[0].LastModified), "2026-01-01T00:00:00.000+0000"},
		{"function URL of an alias", aws.ToString(r.Functions[0].FunctionUrls[1].FunctionArn), "arn:aws:lambda:us-east-1:123456789012:function:api:live"},
		{"function tracing as given", string(r.Functions[1].TracingConfig.Mode), "Active"},
		{"function default tracing", string(r.Functions[0].TracingConfig.Mode), "PassThrough"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	// Attributes not given take the type's defaults, given ones stay.
	attrs := map[string]string{}
	for _, a := range r.LoadBalancers[0].Attributes {
		attrs[aws.ToString(a.Key)] = aws.ToString(a.Value)
	}
	if attrs["access_logs.s3.enabled"] != "true" || attrs["deletion_protection.enabled"] != "false" || attrs["routing.http.desync_mitigation_mode"] != "defensive" {
		t.Errorf("ALB attributes %v", attrs)
	}
}

func TestSnapshots(t *testing.T) {
	s, _ := workFixture(t)
	e := ec2.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	ids := func(out *ec2.DescribeSnapshotsOutput) []string {
		var ids []string
		for _, sn := range out.Snapshots {
			ids = append(ids, aws.ToString(sn.SnapshotId))
		}
		return ids
	}
	tests := []struct {
		name string
		in   ec2.DescribeSnapshotsInput
		want []string
	}{
		{"own only", ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}}, []string{"snap-private", "snap-public", "snap-shared"}},
		{"everything visible: own, public and shared with me", ec2.DescribeSnapshotsInput{}, []string{"snap-private", "snap-public", "snap-shared", "snap-theirs-public", "snap-theirs-shared"}},
		{"another owner", ec2.DescribeSnapshotsInput{OwnerIds: []string{"210987654321"}}, []string{"snap-theirs-public", "snap-theirs-shared"}},
		{"restorable by the neighbour", ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{"210987654321"}}, []string{"snap-public", "snap-shared"}},
		{"filter", ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: []ec2types.Filter{{Name: aws.String("encrypted"), Values: []string{"true"}}}}, []string{"snap-private"}},
		{"tag filter", ec2.DescribeSnapshotsInput{Filters: []ec2types.Filter{{Name: aws.String("tag:Name"), Values: []string{"gold*"}}}}, []string{"snap-public"}},
		{"by ID", ec2.DescribeSnapshotsInput{SnapshotIds: []string{"snap-theirs-shared"}}, []string{"snap-theirs-shared"}},
	}
	for _, tc := range tests {
		out, err := e.DescribeSnapshots(ctx, &tc.in)
		check(t, err)
		if got := ids(out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// Paging, five a page (the least EC2 allows).
	p := ec2.NewDescribeSnapshotsPaginator(e, &ec2.DescribeSnapshotsInput{MaxResults: aws.Int32(5)})
	all, pages := collect(t, p.HasMorePages, func() (*ec2.DescribeSnapshotsOutput, error) { return p.NextPage(ctx) }, ids)
	if len(all) != 5 || pages != 1 {
		t.Errorf("paged %v in %d pages", all, pages)
	}
	_, err := e.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{"snap-theirs-private"}})
	wantErr(t, err, "InvalidSnapshot.NotFound", 400)

	for id, want := range map[string][]ec2types.CreateVolumePermission{
		"snap-private": {},
		"snap-public":  {{Group: ec2types.PermissionGroupAll}},
		"snap-shared":  {{UserId: aws.String("210987654321")}},
	} {
		out, err := e.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
		check(t, err)
		sameShape(t, id+" permissions", want, out.CreateVolumePermissions)
	}
	// Only the owner reads a snapshot's attributes.
	_, err = e.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-theirs-shared"), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
	wantErr(t, err, "InvalidSnapshot.NotFound", 400)
	_, err = e.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String("snap-public"), Attribute: "colour"})
	wantErr(t, err, "InvalidParameterValue", 400)
}

func TestInstanceUserData(t *testing.T) {
	s, r := workFixture(t)
	e := ec2.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	for _, id := range []string{"i-with-secrets", "i-clean", "i-none"} {
		out, err := e.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(id), Attribute: ec2types.InstanceAttributeNameUserData})
		check(t, err)
		if out.UserData == nil {
			t.Fatalf("%s: no userData element", id)
		}
		text, err := base64.StdEncoding.DecodeString(aws.ToString(out.UserData.Value))
		check(t, err)
		if string(text) != r.InstanceUserData[id] || aws.ToString(out.InstanceId) != id {
			t.Errorf("%s: user data %q", id, text)
		}
	}
	tests := []struct {
		attr ec2types.InstanceAttributeName
		ok   func(*ec2.DescribeInstanceAttributeOutput) bool
	}{
		{ec2types.InstanceAttributeNameInstanceType, func(o *ec2.DescribeInstanceAttributeOutput) bool {
			return aws.ToString(o.InstanceType.Value) == "t3.micro"
		}},
		{ec2types.InstanceAttributeNameGroupSet, func(o *ec2.DescribeInstanceAttributeOutput) bool {
			return len(o.Groups) == 1 && aws.ToString(o.Groups[0].GroupId) == "sg-1"
		}},
		{ec2types.InstanceAttributeNameSourceDestCheck, func(o *ec2.DescribeInstanceAttributeOutput) bool { return !aws.ToBool(o.SourceDestCheck.Value) }},
		{ec2types.InstanceAttributeNameDisableApiTermination, func(o *ec2.DescribeInstanceAttributeOutput) bool {
			return o.DisableApiTermination != nil && !aws.ToBool(o.DisableApiTermination.Value)
		}},
		{ec2types.InstanceAttributeNameInstanceInitiatedShutdownBehavior, func(o *ec2.DescribeInstanceAttributeOutput) bool {
			return aws.ToString(o.InstanceInitiatedShutdownBehavior.Value) == "stop"
		}},
	}
	for _, tc := range tests {
		out, err := e.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String("i-with-secrets"), Attribute: tc.attr})
		check(t, err)
		if !tc.ok(out) {
			t.Errorf("%s: %+v", tc.attr, out)
		}
	}
	_, err := e.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String("i-404"), Attribute: ec2types.InstanceAttributeNameUserData})
	wantErr(t, err, "InvalidInstanceID.NotFound", 400)
}

func TestDBClusters(t *testing.T) {
	s, r := workFixture(t)
	d := rds.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	out, err := d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	check(t, err)
	sameJSON(t, "clusters", r.DBClusters, out.DBClusters)
	// The Neptune and DocumentDB clients send an engine filter.
	for engine, want := range map[string]string{"neptune": "graph", "docdb": "docs", "aurora-postgresql": "orders"} {
		f, err := d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{Filters: []rdstypes.Filter{{Name: aws.String("engine"), Values: []string{engine}}}})
		check(t, err)
		if len(f.DBClusters) != 1 || aws.ToString(f.DBClusters[0].DBClusterIdentifier) != want {
			t.Errorf("engine %s: %+v", engine, f.DBClusters)
		}
	}
	byArn, err := d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: r.DBClusters[1].DBClusterArn})
	check(t, err)
	if len(byArn.DBClusters) != 1 || aws.ToString(byArn.DBClusters[0].Engine) != "neptune" {
		t.Errorf("by ARN: %+v", byArn.DBClusters)
	}
	_, err = d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
	wantErr(t, err, "DBClusterNotFoundFault", 404)
	_, err = d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{Filters: []rdstypes.Filter{{Name: aws.String("colour"), Values: []string{"x"}}}})
	wantErr(t, err, "InvalidParameterValue", 400)
	_, err = d.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(5)})
	wantErr(t, err, "InvalidParameterValue", 400)
	// A region without clusters answers an empty list.
	none, err := rds.NewFromConfig(sdkConfig(t, s, workKey, "eu-west-1")).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	check(t, err)
	if len(none.DBClusters) != 0 {
		t.Errorf("eu-west-1 clusters %+v", none.DBClusters)
	}
}

func TestECR(t *testing.T) {
	s, r := workFixture(t)
	c := ecr.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	p := ecr.NewDescribeRepositoriesPaginator(c, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1)})
	names, pages := collect(t, p.HasMorePages, func() (*ecr.DescribeRepositoriesOutput, error) { return p.NextPage(ctx) },
		func(o *ecr.DescribeRepositoriesOutput) []string {
			var n []string
			for _, repo := range o.Repositories {
				n = append(n, aws.ToString(repo.RepositoryName))
			}
			return n
		})
	if !slices.Equal(names, []string{"app", "scratch"}) || pages != 2 {
		t.Errorf("repositories %v in %d pages", names, pages)
	}
	all, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"app"}})
	check(t, err)
	sameJSON(t, "repository", r.Repositories[0].Repository, all.Repositories[0])
	pol, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("app")})
	check(t, err)
	if aws.ToString(pol.PolicyText) != r.Repositories[0].Policy || aws.ToString(pol.RegistryId) != workID {
		t.Errorf("policy %+v", pol)
	}
	lc, err := c.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("app")})
	check(t, err)
	if aws.ToString(lc.LifecyclePolicyText) != r.Repositories[0].LifecyclePolicy {
		t.Errorf("lifecycle %+v", lc)
	}
	_, err = c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("scratch")})
	wantErr(t, err, "RepositoryPolicyNotFoundException", 400)
	_, err = c.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("scratch")})
	wantErr(t, err, "LifecyclePolicyNotFoundException", 400)
	_, err = c.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("nope")})
	wantErr(t, err, "RepositoryNotFoundException", 400)
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"nope"}})
	wantErr(t, err, "RepositoryNotFoundException", 400)
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{NextToken: aws.String("garbage")})
	wantErr(t, err, "InvalidParameterException", 400)
}

func TestEKS(t *testing.T) {
	s, r := workFixture(t)
	c := eks.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{MaxResults: aws.Int32(1)})
	names, pages := collect(t, p.HasMorePages, func() (*eks.ListClustersOutput, error) { return p.NextPage(ctx) },
		func(o *eks.ListClustersOutput) []string { return o.Clusters })
	if !slices.Equal(names, []string{"prod", "dev"}) || pages != 2 {
		t.Errorf("clusters %v in %d pages", names, pages)
	}
	out, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("prod")})
	check(t, err)
	sameJSON(t, "cluster", r.EKSClusters[0], *out.Cluster)
	_, err = c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.ListClusters(ctx, &eks.ListClustersInput{MaxResults: aws.Int32(101)})
	wantErr(t, err, "InvalidParameterException", 400)
}

func TestOpenSearch(t *testing.T) {
	s, r := workFixture(t)
	c := opensearch.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	names, err := c.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
	check(t, err)
	if len(names.DomainNames) != 2 || names.DomainNames[0].EngineType != "OpenSearch" || names.DomainNames[1].EngineType != "Elasticsearch" {
		t.Errorf("domain names %+v", names.DomainNames)
	}
	es, err := c.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{EngineType: "Elasticsearch"})
	check(t, err)
	if len(es.DomainNames) != 1 || aws.ToString(es.DomainNames[0].DomainName) != "legacy" {
		t.Errorf("Elasticsearch domains %+v", es.DomainNames)
	}
	one, err := c.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String("logs")})
	check(t, err)
	sameJSON(t, "domain", r.Domains[0].DomainStatus, *one.DomainStatus)
	many, err := c.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"legacy", "gone", "logs"}})
	check(t, err)
	if len(many.DomainStatusList) != 2 || aws.ToString(many.DomainStatusList[0].DomainName) != "legacy" {
		t.Errorf("DescribeDomains %+v", many.DomainStatusList)
	}
	_, err = c.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String("gone")})
	wantErr(t, err, "ResourceNotFoundException", 409)
	_, err = c.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: []string{"a", "b", "c", "d", "e", "f"}})
	wantErr(t, err, "ValidationException", 400)
}

// The tag calls answer a world file's tags, and each service's own error
// for a resource it does not have.
func TestTagCalls(t *testing.T) {
	s, r := workFixture(t)
	cfg := sdkConfig(t, s, workKey, "us-east-1")
	arn := func(svc, res string) *string {
		return aws.String("arn:aws:" + svc + ":us-east-1:" + workID + ":" + res)
	}

	osc := opensearch.NewFromConfig(cfg)
	dt, err := osc.ListTags(ctx, &opensearch.ListTagsInput{ARN: r.Domains[0].ARN})
	check(t, err)
	if len(dt.TagList) != 1 || aws.ToString(dt.TagList[0].Key) != "team" || aws.ToString(dt.TagList[0].Value) != "search" {
		t.Errorf("domain tags %+v", dt.TagList)
	}
	_, err = osc.ListTags(ctx, &opensearch.ListTagsInput{ARN: arn("es", "domain/gone")})
	wantErr(t, err, "ResourceNotFoundException", 409)

	lc := lambda.NewFromConfig(cfg)
	ft, err := lc.ListTags(ctx, &lambda.ListTagsInput{Resource: arn("lambda", "function:api:live")})
	check(t, err)
	if !maps.Equal(ft.Tags, map[string]string{"env": "prod", "parapet:exception": "EXC-0001"}) {
		t.Errorf("function tags %v", ft.Tags)
	}
	ft, err = lc.ListTags(ctx, &lambda.ListTagsInput{Resource: arn("lambda", "function:worker")})
	check(t, err)
	if ft.Tags == nil || len(ft.Tags) != 0 {
		t.Errorf("untagged function tags %v", ft.Tags)
	}
	_, err = lc.ListTags(ctx, &lambda.ListTagsInput{Resource: arn("lambda", "function:gone")})
	wantErr(t, err, "ResourceNotFoundException", 404)

	_, err = ecr.NewFromConfig(cfg).ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: arn("ecr", "repository/gone")})
	wantErr(t, err, "RepositoryNotFoundException", 400)
	_, err = ecr.NewFromConfig(cfg).ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String("app")})
	wantErr(t, err, "InvalidParameterException", 400)
	_, err = kms.NewFromConfig(cfg).ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String("ffffffff-12ab-34cd-56ef-1234567890ab")})
	wantErr(t, err, "NotFoundException", 400)
	ct := cloudtrail.NewFromConfig(cfg)
	_, err = ct.ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{aws.ToString(arn("cloudtrail", "trail/gone"))}})
	wantErr(t, err, "ResourceNotFoundException", 400)
	_, err = ct.ListTags(ctx, &cloudtrail.ListTagsInput{ResourceIdList: []string{"gone"}})
	wantErr(t, err, "CloudTrailARNInvalidException", 400)

	v2 := elbv2.NewFromConfig(cfg)
	tags, err := v2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{aws.ToString(r.LoadBalancers[0].LoadBalancerArn), aws.ToString(r.LoadBalancers[1].LoadBalancerArn)}})
	check(t, err)
	if len(tags.TagDescriptions) != 2 || aws.ToString(tags.TagDescriptions[1].ResourceArn) != aws.ToString(r.LoadBalancers[1].LoadBalancerArn) {
		t.Errorf("v2 tag descriptions %+v", tags.TagDescriptions)
	}
	_, err = v2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{aws.ToString(r.LoadBalancers[0].LoadBalancerArn), aws.ToString(arn("elasticloadbalancing", "loadbalancer/app/gone/1"))}})
	wantErr(t, err, "LoadBalancerNotFound", 400)
	_, err = v2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: make([]string, 21)})
	wantErr(t, err, "ValidationError", 400)
	classic := elb.NewFromConfig(cfg)
	ctags, err := classic.DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: []string{"old", "bare"}})
	check(t, err)
	if len(ctags.TagDescriptions) != 2 || aws.ToString(ctags.TagDescriptions[1].LoadBalancerName) != "bare" {
		t.Errorf("classic tag descriptions %+v", ctags.TagDescriptions)
	}
	_, err = classic.DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: []string{"old", "gone"}})
	wantErr(t, err, "LoadBalancerNotFound", 400)
}

func TestLoadBalancers(t *testing.T) {
	s, r := workFixture(t)
	cfg := sdkConfig(t, s, workKey, "us-east-1")
	v2 := elbv2.NewFromConfig(cfg)
	p := elbv2.NewDescribeLoadBalancersPaginator(v2, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(1)})
	var lbs []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		check(t, err)
		for _, lb := range out.LoadBalancers {
			lbs = append(lbs, aws.ToString(lb.LoadBalancerName)+"/"+string(lb.Type))
		}
	}
	if !slices.Equal(lbs, []string{"web/application", "tcp/network"}) {
		t.Errorf("load balancers %v", lbs)
	}
	web := r.LoadBalancers[0]
	byName, err := v2.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"web"}})
	check(t, err)
	sameJSON(t, "load balancer", web.LoadBalancer, byName.LoadBalancers[0])
	ls, err := v2.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: web.LoadBalancerArn})
	check(t, err)
	sameJSON(t, "listeners", web.Listeners, ls.Listeners)
	one, err := v2.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{aws.ToString(web.Listeners[1].ListenerArn)}})
	check(t, err)
	if len(one.Listeners) != 1 || aws.ToInt32(one.Listeners[0].Port) != 443 {
		t.Errorf("listener by ARN %+v", one.Listeners)
	}
	attrs, err := v2.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: web.LoadBalancerArn})
	check(t, err)
	sameJSON(t, "attributes", web.Attributes, attrs.Attributes)
	_, err = v2.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"nope"}})
	wantErr(t, err, "LoadBalancerNotFound", 400)
	_, err = v2.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nope/1")})
	wantErr(t, err, "LoadBalancerNotFound", 400)
	_, err = v2.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{"arn:nope"}})
	wantErr(t, err, "ListenerNotFound", 400)

	v1 := elb.NewFromConfig(cfg)
	classic, err := v1.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	check(t, err)
	if len(classic.LoadBalancerDescriptions) != 2 {
		t.Fatalf("classic %+v", classic.LoadBalancerDescriptions)
	}
	old := r.ClassicLoadBalancers[0]
	sameJSON(t, "classic load balancer", old.LoadBalancerDescription, classic.LoadBalancerDescriptions[0])
	ca, err := v1.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("old")})
	check(t, err)
	sameJSON(t, "classic attributes", old.Attributes, ca.LoadBalancerAttributes)
	bare, err := v1.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("bare")})
	check(t, err)
	if a := bare.LoadBalancerAttributes; a.AccessLog.Enabled || a.CrossZoneLoadBalancing.Enabled || aws.ToInt32(a.ConnectionDraining.Timeout) != 300 {
		t.Errorf("classic defaults %+v", a)
	}
	_, err = v1.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"nope"}})
	wantErr(t, err, "LoadBalancerNotFound", 400)
}

func TestLambda(t *testing.T) {
	s, r := workFixture(t)
	c := lambda.NewFromConfig(sdkConfig(t, s, workKey, "us-east-1"))
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1)})
	names, pages := collect(t, p.HasMorePages, func() (*lambda.ListFunctionsOutput, error) { return p.NextPage(ctx) },
		func(o *lambda.ListFunctionsOutput) []string {
			var n []string
			for _, f := range o.Functions {
				n = append(n, aws.ToString(f.FunctionName))
			}
			return n
		})
	if !slices.Equal(names, []string{"api", "worker"}) || pages != 2 {
		t.Errorf("functions %v in %d pages", names, pages)
	}
	all, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1000)})
	check(t, err)
	sameJSON(t, "function", r.Functions[0].FunctionConfiguration, all.Functions[0])
	pol, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("api")})
	check(t, err)
	if aws.ToString(pol.Policy) != r.Functions[0].Policy || aws.ToString(pol.RevisionId) == "" {
		t.Errorf("policy %+v", pol)
	}
	// Names, full ARNs and partial ARNs all find the function.
	for _, name := range []string{"arn:aws:lambda:us-east-1:123456789012:function:api", "123456789012:function:api"} {
		_, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(name)})
		check(t, err)
	}
	_, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("worker")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	_, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", 404)

	url, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("api")})
	check(t, err)
	if url.AuthType != "NONE" || !strings.HasSuffix(aws.ToString(url.FunctionUrl), ".lambda-url.us-east-1.on.aws/") {
		t.Errorf("url %+v", url)
	}
	live, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("api"), Qualifier: aws.String("live")})
	check(t, err)
	if live.AuthType != "AWS_IAM" {
		t.Errorf("alias url %+v", live)
	}
	_, err = c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("worker")})
	wantErr(t, err, "ResourceNotFoundException", 404)
	urls, err := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("api")})
	check(t, err)
	var want []any
	for _, u := range r.Functions[0].FunctionUrls {
		want = append(want, u.FunctionUrlConfig)
	}
	sameJSON(t, "function URLs", want, urls.FunctionUrlConfigs)
	none, err := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("worker")})
	check(t, err)
	if none.FunctionUrlConfigs == nil || len(none.FunctionUrlConfigs) != 0 {
		t.Errorf("worker URLs %+v", none.FunctionUrlConfigs)
	}
	_, err = c.ListFunctions(ctx, &lambda.ListFunctionsInput{Marker: aws.String("garbage")})
	wantErr(t, err, "InvalidParameterValueException", 400)
}

// TestWorkloadListingsUnderShortPages caps every page at one item: each
// paginated listing still delivers everything, one page per item.
func TestWorkloadListingsUnderShortPages(t *testing.T) {
	w := loadWorld(t, "workloads.yaml")
	s := start(t, w, cloudsim.WithFaults(cloudsim.Faults{PageSize: 1}))
	cfg := sdkConfig(t, s, workKey, "us-east-1")
	tests := []struct {
		name string
		run  func() (items, pages int)
		want int
	}{
		{"ec2 snapshots", func() (int, int) {
			p := ec2.NewDescribeSnapshotsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
			got, pages := collect(t, p.HasMorePages, func() (*ec2.DescribeSnapshotsOutput, error) { return p.NextPage(ctx) },
				func(o *ec2.DescribeSnapshotsOutput) []string { return make([]string, len(o.Snapshots)) })
			return len(got), pages
		}, 3},
		{"rds clusters", func() (int, int) {
			p := rds.NewDescribeDBClustersPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBClustersInput{})
			got, pages := collect(t, p.HasMorePages, func() (*rds.DescribeDBClustersOutput, error) { return p.NextPage(ctx) },
				func(o *rds.DescribeDBClustersOutput) []string { return make([]string, len(o.DBClusters)) })
			return len(got), pages
		}, 3},
		{"ecr repositories", func() (int, int) {
			p := ecr.NewDescribeRepositoriesPaginator(ecr.NewFromConfig(cfg), &ecr.DescribeRepositoriesInput{})
			got, pages := collect(t, p.HasMorePages, func() (*ecr.DescribeRepositoriesOutput, error) { return p.NextPage(ctx) },
				func(o *ecr.DescribeRepositoriesOutput) []string { return make([]string, len(o.Repositories)) })
			return len(got), pages
		}, 2},
		{"eks clusters", func() (int, int) {
			p := eks.NewListClustersPaginator(eks.NewFromConfig(cfg), &eks.ListClustersInput{})
			got, pages := collect(t, p.HasMorePages, func() (*eks.ListClustersOutput, error) { return p.NextPage(ctx) },
				func(o *eks.ListClustersOutput) []string { return o.Clusters })
			return len(got), pages
		}, 2},
		{"elbv2 listeners", func() (int, int) {
			lb := w.Accounts[0].Regions["us-east-1"].LoadBalancers[0]
			p := elbv2.NewDescribeListenersPaginator(elbv2.NewFromConfig(cfg), &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
			got, pages := collect(t, p.HasMorePages, func() (*elbv2.DescribeListenersOutput, error) { return p.NextPage(ctx) },
				func(o *elbv2.DescribeListenersOutput) []string { return make([]string, len(o.Listeners)) })
			return len(got), pages
		}, 2},
		{"classic load balancers", func() (int, int) {
			p := elb.NewDescribeLoadBalancersPaginator(elb.NewFromConfig(cfg), &elb.DescribeLoadBalancersInput{})
			got, pages := collect(t, p.HasMorePages, func() (*elb.DescribeLoadBalancersOutput, error) { return p.NextPage(ctx) },
				func(o *elb.DescribeLoadBalancersOutput) []string {
					return make([]string, len(o.LoadBalancerDescriptions))
				})
			return len(got), pages
		}, 2},
		{"lambda function URLs", func() (int, int) {
			p := lambda.NewListFunctionUrlConfigsPaginator(lambda.NewFromConfig(cfg), &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("api")})
			got, pages := collect(t, p.HasMorePages, func() (*lambda.ListFunctionUrlConfigsOutput, error) { return p.NextPage(ctx) },
				func(o *lambda.ListFunctionUrlConfigsOutput) []string {
					return make([]string, len(o.FunctionUrlConfigs))
				})
			return len(got), pages
		}, 2},
	}
	for _, tc := range tests {
		if items, pages := tc.run(); items != tc.want || pages != tc.want {
			t.Errorf("%s: %d items in %d pages, want %d in %d", tc.name, items, pages, tc.want, tc.want)
		}
	}
}
