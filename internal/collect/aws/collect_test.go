package aws

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/collect"
)

const (
	mgmt    = "111111111111"
	prod    = "222222222222"
	sandbox = "333333333333"
)

func TestCollectOrganization(t *testing.T) {
	run := baseline(t)
	rec := run.rec
	// The production ALB's ARN ends in an ID the simulator derives.
	prodALB := aws.ToString(loadWorld(t, "org.yaml").Accounts[1].Regions["us-east-1"].LoadBalancers[0].LoadBalancerArn)

	t.Run("assets per account and type", func(t *testing.T) {
		want := map[string]int{
			mgmt + " aws.account": 1, mgmt + " aws.iam.user": 3, mgmt + " aws.iam.group": 2, mgmt + " aws.iam.role": 2,
			mgmt + " aws.iam.policy": 3, mgmt + " aws.s3.bucket": 3, mgmt + " aws.ec2.vpc": 3, mgmt + " aws.ec2.subnet": 4,
			mgmt + " aws.ec2.security_group": 4, mgmt + " aws.ec2.instance": 2, mgmt + " aws.ec2.volume": 2,
			mgmt + " aws.cloudtrail.trail": 1, mgmt + " aws.kms.key": 4, mgmt + " aws.rds.db_instance": 2,
			mgmt + " aws.ec2.snapshot": 3, mgmt + " aws.rds.db_cluster": 2, mgmt + " aws.neptune.db_cluster": 1,
			mgmt + " aws.ecr.repository": 2, mgmt + " aws.eks.cluster": 2, mgmt + " aws.opensearch.domain": 2,
			mgmt + " aws.elbv2.load_balancer": 2, mgmt + " aws.elb.load_balancer": 1, mgmt + " aws.lambda.function": 2,
			// production: instances, EKS and DB cluster listings are
			// denied, the org trail belongs to the management account.
			prod + " aws.account": 1, prod + " aws.iam.user": 1, prod + " aws.iam.role": 1, prod + " aws.s3.bucket": 2,
			prod + " aws.ec2.vpc": 1, prod + " aws.ec2.security_group": 1, prod + " aws.ec2.volume": 1, prod + " aws.cloudtrail.trail": 1,
			prod + " aws.ec2.snapshot": 1, prod + " aws.ecr.repository": 1, prod + " aws.opensearch.domain": 1,
			prod + " aws.elbv2.load_balancer": 1, prod + " aws.elb.load_balancer": 1, prod + " aws.lambda.function": 1,
		}
		got := rec.byType()
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %d assets, want %d", k, got[k], n)
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: %d unexpected assets", k, n)
			}
		}
		if len(rec.dups) > 0 {
			t.Errorf("assets emitted twice: %v", rec.dups)
		}
	})

	t.Run("every asset is well formed", func(t *testing.T) {
		for uid, a := range rec.assets {
			info, ok := asset.LookupType(a.Type)
			if !ok {
				t.Errorf("%s: unregistered type %s", uid, a.Type)
				continue
			}
			if a.Provider != "aws" || a.Source.Kind != asset.SourceAPI || !a.CollectedAt.Equal(simNow) || a.Name == "" {
				t.Errorf("%s: provider %q source %q collected %v name %q", uid, a.Provider, a.Source.Kind, a.CollectedAt, a.Name)
			}
			if a.Hash != a.ComputeHash() {
				t.Errorf("%s: stale hash", uid)
			}
			global := strings.HasPrefix(a.Type, "aws.iam.") || a.Type == awsshape.TypeAccount
			if global != (a.Region == asset.Global) {
				t.Errorf("%s: region %q", uid, a.Region)
			}
			// Every property of the type's schema is present: checks never
			// meet a missing key, only null or empty.
			props := info.Schema()["properties"].(map[string]any)
			for name := range props {
				if _, ok := a.Config[name]; !ok && !omitEmpty(info.Shape, name) {
					t.Errorf("%s: Config lacks %s", uid, name)
				}
			}
		}
	})

	t.Run("diagnostics", func(t *testing.T) {
		all := "aws.account,aws.cloudtrail.trail,aws.ec2.instance,aws.ec2.security_group,aws.ec2.snapshot,aws.ec2.subnet,aws.ec2.volume,aws.ec2.vpc," +
			"aws.ecr.repository,aws.eks.cluster,aws.elb.load_balancer,aws.elbv2.load_balancer,aws.iam.group,aws.iam.policy,aws.iam.role,aws.iam.user," +
			"aws.kms.key,aws.lambda.function,aws.neptune.db_cluster,aws.opensearch.domain,aws.rds.db_cluster,aws.rds.db_instance,aws.s3.bucket"
		want := []string{
			// The sandbox has no audit role: the whole account is an
			// ERROR scope.
			sandbox + "  sts sts:AssumeRole AccessDenied  [" + all + "]",
			// A denied listing leaves its type incomplete in that region.
			prod + " us-east-1 ec2 ec2:DescribeInstances AccessDenied  [aws.ec2.instance]",
			prod + " eu-west-1 ec2 ec2:DescribeInstances AccessDenied  [aws.ec2.instance]",
			prod + " ap-southeast-2 ec2 ec2:DescribeInstances AccessDenied  [aws.ec2.instance]",
			// Denied per-resource calls leave fields, not scopes.
			prod + " us-east-1 s3 s3:GetBucketPolicy AccessDenied arn:aws:s3:::prod-web-222222222222 []",
			prod + " eu-west-1 s3 s3:GetBucketPolicy AccessDenied arn:aws:s3:::prod-data-222222222222 []",
			prod + " global iam iam:GetAccessKeyLastUsed AccessDenied arn:aws:iam::222222222222:user/deploy []",
			prod + " us-east-1 ec2 ec2:DescribeSnapshotAttribute AccessDenied arn:aws:ec2:us-east-1::snapshot/snap-0p1 []",
			prod + " us-east-1 ecr ecr:GetLifecyclePolicy AccessDenied arn:aws:ecr:us-east-1:222222222222:repository/prod-app []",
			prod + " us-east-1 opensearch es:DescribeDomains AccessDenied arn:aws:es:us-east-1:222222222222:domain/prod-search []",
			prod + " us-east-1 elbv2 elasticloadbalancing:DescribeLoadBalancerAttributes AccessDenied " + prodALB + " []",
			prod + " us-east-1 elb elasticloadbalancing:DescribeLoadBalancerAttributes AccessDenied arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/prod-clb []",
			prod + " us-east-1 lambda lambda:GetPolicy AccessDenied arn:aws:lambda:us-east-1:222222222222:function:prod-fn []",
		}
		for _, r := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
			// Denied listings: the types are incomplete in every region.
			want = append(want, prod+" "+r+" eks eks:ListClusters AccessDenied  [aws.eks.cluster]",
				prod+" "+r+" rds rds:DescribeDBClusters AccessDenied  [aws.rds.db_cluster,aws.neptune.db_cluster]")
			for _, a := range []string{"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"} {
				want = append(want, prod+" "+r+" config "+a+" AccessDenied aws:account:222222222222 []")
			}
		}
		sameStrings(t, "diagnostics", rec.diagKeys(), want)
		for _, d := range rec.diags {
			if d.Provider != "aws" || d.Message == "" || !d.Time.Equal(simNow) {
				t.Errorf("diagnostic %+v lacks provider, message or time", d)
			}
		}
	})

	t.Run("progress", func(t *testing.T) {
		// management: 2 global + 2 regions x 12; production: 2 + 3 x 12.
		if rec.planned != 26+38 || rec.done != rec.planned {
			t.Errorf("progress %d/%d, want 64/64", rec.done, rec.planned)
		}
	})

	t.Run("management account", func(t *testing.T) {
		a := rec.asset(t, awsshape.AccountUID(mgmt))
		if len(a.Errors) != 0 {
			t.Errorf("errors: %+v", a.Errors)
		}
		c := a.Config
		if c["AccountName"] != "management" || c["OrganizationId"] != "o-parapettest" || c["Email"] != "mgmt@example.com" {
			t.Errorf("identity %v %v %v", c["AccountName"], c["OrganizationId"], c["Email"])
		}
		pp := c["PasswordPolicy"].(map[string]any)
		if pp["MinimumPasswordLength"] != int64(14) || pp["PasswordReusePrevention"] != int64(24) {
			t.Errorf("password policy %v", pp)
		}
		root := c["Root"].(map[string]any)
		if root["MfaActive"] != true || root["AccessKey1Active"] != false || root["PasswordLastUsed"] == nil {
			t.Errorf("root %v", root)
		}
		if c["AccountSummary"].(map[string]any)["AccountMFAEnabled"] != int64(1) {
			t.Errorf("summary %v", c["AccountSummary"])
		}
		if c["S3PublicAccessBlock"].(map[string]any)["RestrictPublicBuckets"] != true {
			t.Errorf("account PAB %v", c["S3PublicAccessBlock"])
		}
		regions := c["Regions"].([]any)
		if len(regions) != 2 {
			t.Fatalf("regions %v", regions)
		}
		use1, euw1 := regions[1].(map[string]any), regions[0].(map[string]any)
		if use1["Region"] != "us-east-1" || use1["EbsEncryptionByDefault"] != true || euw1["EbsEncryptionByDefault"] != false {
			t.Errorf("EBS defaults %v %v", use1, euw1)
		}
		rec0 := use1["ConfigurationRecorders"].([]any)[0].(map[string]any)
		if rec0["Recording"] != true || rec0["LastStatus"] != "Success" || rec0["RecordingGroup"].(map[string]any)["AllSupported"] != true {
			t.Errorf("recorder %v", rec0)
		}
		if euw1["ConfigurationRecorders"].([]any)[0].(map[string]any)["Recording"] != false {
			t.Errorf("eu-west-1 recorder %v", euw1["ConfigurationRecorders"])
		}
		if d := use1["GuardDutyDetectors"].([]any); len(d) != 1 || d[0].(map[string]any)["Status"] != "ENABLED" {
			t.Errorf("detectors %v", d)
		}
		if d := euw1["GuardDutyDetectors"].([]any); len(d) != 0 {
			t.Errorf("eu-west-1 has no detector: %v", d)
		}
		trails := c["Trails"].([]any)
		if len(trails) != 1 || trails[0].(map[string]any)["Name"] != "org-trail" || trails[0].(map[string]any)["IsLogging"] != true {
			t.Errorf("trails %v", trails)
		}
	})

	t.Run("production account: unset is null, denied is an error", func(t *testing.T) {
		a := rec.asset(t, awsshape.AccountUID(prod))
		c := a.Config
		if c["PasswordPolicy"] != nil || c["S3PublicAccessBlock"] != nil {
			t.Errorf("unset settings must be null: %v %v", c["PasswordPolicy"], c["S3PublicAccessBlock"])
		}
		root := c["Root"].(map[string]any)
		if root["MfaActive"] != false || root["AccessKey1Active"] != true || root["AccessKey1LastUsedDate"] == nil {
			t.Errorf("root %v", root)
		}
		var paths []string
		for _, e := range a.Errors {
			paths = append(paths, e.Path+" "+e.Code)
		}
		sameStrings(t, "account errors", paths, slices.Repeat([]string{"Regions AccessDenied"}, 6))
		var names []string
		for _, tr := range c["Trails"].([]any) {
			m := tr.(map[string]any)
			names = append(names, m["Name"].(string)+" "+m["HomeRegion"].(string))
		}
		// The org trail applies to the member account too.
		sameStrings(t, "trails", names, []string{"org-trail us-east-1", "prod-trail ap-southeast-2"})
		if _, ok := rec.assets["arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"]; !ok {
			t.Error("org trail not emitted by its owner")
		}
		pt := rec.asset(t, "arn:aws:cloudtrail:ap-southeast-2:222222222222:trail/prod-trail")
		if pt.Account != prod || pt.Region != "ap-southeast-2" || pt.Config["IsLogging"] != false ||
			len(pt.Config["AdvancedEventSelectors"].([]any)) != 1 {
			t.Errorf("prod trail %+v", pt)
		}
	})

	t.Run("buckets", func(t *testing.T) {
		web := rec.asset(t, "arn:aws:s3:::prod-web-222222222222")
		if len(web.Errors) != 1 || web.Errors[0].Path != "Policy" || web.Errors[0].Code != "AccessDenied" || web.Errors[0].Action != "s3:GetBucketPolicy" {
			t.Errorf("denied policy: %+v", web.Errors)
		}
		if web.Config["PolicyStatus"].(map[string]any)["IsPublic"] != true || web.Region != "us-east-1" {
			t.Errorf("policy status %v region %s", web.Config["PolicyStatus"], web.Region)
		}
		data := rec.asset(t, "arn:aws:s3:::prod-data-222222222222")
		for _, f := range []string{"PublicAccessBlock", "AccountPublicAccessBlock", "PolicyStatus", "ServerSideEncryptionConfiguration", "LoggingEnabled"} {
			if data.Config[f] != nil {
				t.Errorf("prod-data %s = %v, want null", f, data.Config[f])
			}
		}
		if data.Region != "eu-west-1" || data.Tags != nil {
			t.Errorf("prod-data region %s tags %v", data.Region, data.Tags)
		}
		orders := rec.asset(t, "arn:aws:s3:::orders-111111111111")
		sse := orders.Config["ServerSideEncryptionConfiguration"].(map[string]any)["Rules"].([]any)[0].(map[string]any)
		if sse["ApplyServerSideEncryptionByDefault"].(map[string]any)["SSEAlgorithm"] != "aws:kms" || sse["BucketKeyEnabled"] != true {
			t.Errorf("orders encryption %v", sse)
		}
		if orders.Config["Versioning"].(map[string]any)["Status"] != "Suspended" || orders.Config["LoggingEnabled"] == nil ||
			orders.Config["AccountPublicAccessBlock"] == nil {
			t.Errorf("orders %v", orders.Config)
		}
		site := rec.asset(t, "arn:aws:s3:::public-site-111111111111")
		grant := site.Config["Acl"].(map[string]any)["Grants"].([]any)
		if len(grant) == 0 || site.Config["PolicyStatus"].(map[string]any)["IsPublic"] != true {
			t.Errorf("public site acl %v status %v", grant, site.Config["PolicyStatus"])
		}
		logs := rec.asset(t, "arn:aws:s3:::org-logs-111111111111")
		if logs.Tags["purpose"] != "audit" || logs.Config["Policy"] == nil {
			t.Errorf("org-logs tags %v policy %v", logs.Tags, logs.Config["Policy"])
		}
	})

	t.Run("iam", func(t *testing.T) {
		alice := rec.asset(t, "arn:aws:iam::111111111111:user/alice")
		c := alice.Config
		if c["PasswordEnabled"] != true || c["MfaActive"] != true || c["PasswordLastChanged"] == nil || alice.Tags["team"] != "platform" {
			t.Errorf("alice %v tags %v", c, alice.Tags)
		}
		if g := c["Groups"].([]any); len(g) != 2 || g[0] != "admins" {
			t.Errorf("groups %v", g)
		}
		keys := c["AccessKeys"].([]any)
		if len(keys) != 2 || keys[0].(map[string]any)["LastUsedDate"] == nil || keys[1].(map[string]any)["LastUsedDate"] != nil {
			t.Errorf("keys %v", keys)
		}
		attached := c["AttachedPolicies"].([]any)
		if len(attached) != 2 {
			t.Fatalf("attached %v", attached)
		}
		for _, ap := range attached {
			if doc, _ := ap.(map[string]any)["PolicyDocument"].(map[string]any); doc["Statement"] == nil {
				t.Errorf("attached policy without its document: %v", ap)
			}
		}
		if len(c["InlinePolicies"].([]any)) != 2 {
			t.Errorf("inline %v", c["InlinePolicies"])
		}
		bob := rec.asset(t, "arn:aws:iam::111111111111:user/contractors/bob")
		if bob.Config["PasswordEnabled"] != false || bob.Config["MfaActive"] != false || len(bob.Errors) != 0 {
			t.Errorf("bob %v %v", bob.Config, bob.Errors)
		}
		deploy := rec.asset(t, "arn:aws:iam::222222222222:user/deploy")
		if len(deploy.Errors) != 1 || deploy.Errors[0].Path != "AccessKeys" || deploy.Errors[0].Action != "iam:GetAccessKeyLastUsed" {
			t.Errorf("deploy errors %+v", deploy.Errors)
		}
		app := rec.asset(t, "arn:aws:iam::111111111111:role/service/app")
		trust := app.Config["AssumeRolePolicyDocument"].(map[string]any)
		if trust["Version"] != "2012-10-17" || app.Config["MaxSessionDuration"] != int64(7200) || app.Tags["app"] != "orders" {
			t.Errorf("app role %v tags %v", app.Config, app.Tags)
		}
		pol := rec.asset(t, "arn:aws:iam::111111111111:policy/service/app-data")
		if pol.Config["PolicyDocument"] == nil || pol.Tags["owner"] != "orders-team" || pol.Config["AttachmentCount"] != int64(1) {
			t.Errorf("app-data policy %v tags %v", pol.Config, pol.Tags)
		}
	})

	t.Run("ec2, kms, rds", func(t *testing.T) {
		p := "arn:aws:ec2:us-east-1:111111111111:"
		web := rec.asset(t, p+"instance/i-0m1")
		want := []asset.Relation{
			{Type: RelSecurityGroup, Target: p + "security-group/sg-0m1"},
			{Type: RelInSubnet, Target: p + "subnet/subnet-0m1"},
			{Type: RelInVPC, Target: p + "vpc/vpc-0m1"},
		}
		if !slices.Equal(web.Relations, want) || web.Name != "web-1" {
			t.Errorf("instance relations %v name %s", web.Relations, web.Name)
		}
		for _, r := range want {
			if _, ok := rec.assets[r.Target]; !ok {
				t.Errorf("relation target %s is not an asset", r.Target)
			}
		}
		vol := rec.asset(t, p+"volume/vol-0m1")
		if !slices.Contains(vol.Relations, asset.Relation{Type: RelAttachedTo, Target: p + "instance/i-0m1"}) {
			t.Errorf("volume relations %v", vol.Relations)
		}
		vpc := rec.asset(t, p+"vpc/vpc-0m1")
		if fl := vpc.Config["FlowLogs"].([]any); len(fl) != 1 || vpc.Name != "main" {
			t.Errorf("vpc flow logs %v name %s", fl, vpc.Name)
		}
		if fl := rec.asset(t, p+"vpc/vpc-0m2").Config["FlowLogs"].([]any); len(fl) != 0 {
			t.Errorf("default vpc flow logs %v", fl)
		}
		sg := rec.asset(t, p+"security-group/sg-0m1")
		egress := sg.Config["IpPermissionsEgress"].([]any)[0].(map[string]any)
		if egress["IpProtocol"] != "-1" || egress["FromPort"] != nil {
			t.Errorf("egress %v", egress)
		}
		k := "arn:aws:kms:us-east-1:111111111111:key/"
		if v := rec.asset(t, k+"11111111-1111-1111-1111-111111111111").Config["KeyRotationEnabled"]; v != true {
			t.Errorf("rotating key: %v", v)
		}
		if v := rec.asset(t, k+"33333333-3333-3333-3333-333333333333").Config["KeyRotationEnabled"]; v != nil {
			t.Errorf("asymmetric key rotation must be null, got %v", v)
		}
		if v := rec.asset(t, "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222").Config["KeyRotationEnabled"]; v != false {
			t.Errorf("non-rotating key: %v", v)
		}
		db := rec.asset(t, "arn:aws:rds:us-east-1:111111111111:db:orders")
		if db.Config["VpcId"] != "vpc-0m1" || db.Config["StorageEncrypted"] != true || db.Tags["app"] != "orders" {
			t.Errorf("db %v", db.Config)
		}
	})
}

// omitEmpty reports whether a shape field is omitted from JSON when empty
// (such fields may be absent from Config).
func omitEmpty(shape any, jsonName string) bool {
	t := reflect.TypeOf(shape)
	for i := 0; i < t.NumField(); i++ {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == jsonName {
			return strings.Contains(opts, "omitempty")
		}
	}
	return false
}

// TestCollectWithFaults runs the same organization with injected server
// errors, throttling and one-item pages: the assets and diagnostics must
// be exactly those of the run without faults.
func TestCollectWithFaults(t *testing.T) {
	base := baseline(t)
	faults := cloudsim.Faults{ErrorRate: 0.05, ThrottleRate: 50, ThrottleBurst: 5, PageSize: 1, Seed: 7}
	run := simulate(t, loadWorld(t, "org.yaml"), faults, orgOptions())
	if run.err != nil {
		t.Fatal(run.err)
	}
	if run.stats.Throttled == 0 || run.stats.InjectedErrors == 0 {
		t.Fatalf("faults were not exercised: %d throttled, %d injected errors", run.stats.Throttled, run.stats.InjectedErrors)
	}
	// One-item pages make listings take several calls.
	if n, m := run.stats.Requests["iam.ListUsers"], base.stats.Requests["iam.ListUsers"]; n <= m {
		t.Errorf("ListUsers calls %d with one-item pages, %d without", n, m)
	}
	sameStrings(t, "diagnostics", run.rec.diagKeys(), base.rec.diagKeys())
	for uid, a := range base.rec.assets {
		b, ok := run.rec.assets[uid]
		switch {
		case !ok:
			t.Errorf("%s missing under faults", uid)
		case a.Hash != b.Hash:
			t.Errorf("%s differs under faults:\n%+v\n%+v", uid, a, b)
		}
	}
	if len(run.rec.assets) != len(base.rec.assets) {
		t.Errorf("%d assets under faults, %d without", len(run.rec.assets), len(base.rec.assets))
	}
	t.Logf("%d calls, %d throttled, %d injected errors, %v", run.stats.Total, run.stats.Throttled, run.stats.InjectedErrors, run.elapsed)
}

// TestPolicyCoversCollection compares the generated policy with the IAM
// actions the simulator saw during a full collection.
func TestPolicyCoversCollection(t *testing.T) {
	run := baseline(t)
	seen := run.stats.ActionNames()
	// Only used when ListBuckets does not say where a bucket lives (S3
	// has said so since 2024; the simulator always does).
	fallbackOnly := map[string]bool{"s3:GetBucketLocation": true}
	declared := Actions()
	for _, a := range seen {
		if !slices.Contains(declared, a) {
			t.Errorf("the collector called %s, which the policy does not grant", a)
		}
	}
	for _, a := range declared {
		if !slices.Contains(seen, a) && !fallbackOnly[a] {
			t.Errorf("the policy grants %s, which the collector never called", a)
		}
	}
	for a := range fallbackOnly {
		if slices.Contains(seen, a) {
			t.Errorf("%s is listed as fallback-only but was called", a)
		}
	}
}

// TestCollectExplicitScope scans one member account by ID, in two
// regions, for two services.
func TestCollectExplicitScope(t *testing.T) {
	run := simulate(t, loadWorld(t, "org.yaml"), cloudsim.Faults{}, Options{
		Accounts: []string{prod}, Role: "ParapetAudit", Regions: []string{"us-east-1", "eu-west-1"}, Services: []string{"iam", "cloudtrail"},
	})
	if run.err != nil {
		t.Fatal(run.err)
	}
	got := run.rec.byType()
	want := map[string]int{prod + " aws.account": 1, prod + " aws.iam.user": 1, prod + " aws.iam.role": 1, prod + " aws.cloudtrail.trail": 1}
	if len(got) != len(want) {
		t.Errorf("assets %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}
	// prod-trail lives in ap-southeast-2, outside the scanned regions: it
	// is still read, from its home region.
	pt := run.rec.asset(t, "arn:aws:cloudtrail:ap-southeast-2:222222222222:trail/prod-trail")
	if pt.Region != "ap-southeast-2" || len(pt.Errors) != 0 {
		t.Errorf("prod trail %+v", pt)
	}
	acct := run.rec.asset(t, awsshape.AccountUID(prod))
	if acct.Name != prod || acct.Config["AccountName"] != nil && acct.Config["AccountName"] != "" {
		t.Errorf("account name without an organization: %q %v", acct.Name, acct.Config["AccountName"])
	}
	var errs []string
	for _, e := range acct.Errors {
		errs = append(errs, e.Path+" "+e.Code)
	}
	// Parts of unselected services are NotCollected, never empty.
	sameStrings(t, "account errors", errs, []string{"S3PublicAccessBlock NotCollected", "Regions NotCollected", "Regions NotCollected", "Regions NotCollected"})
	if r := acct.Config["Regions"].([]any); len(r) != 2 {
		t.Errorf("regions %v", r)
	}
	if len(run.rec.diags) != 1 || run.rec.diags[0].Action != "iam:GetAccessKeyLastUsed" {
		t.Errorf("diagnostics %v", run.rec.diagKeys())
	}
	if run.rec.planned != 1+2 || run.rec.done != 3 {
		t.Errorf("progress %d/%d", run.rec.done, run.rec.planned)
	}
}

func TestCollectBadCredentials(t *testing.T) {
	run := simulate(t, loadWorld(t, "org.yaml"), cloudsim.Faults{}, Options{
		Credentials: credentials.NewStaticCredentialsProvider("AKIAUNKNOWN000000000", "nope", ""),
		MaxAttempts: 2,
	})
	if !errors.Is(run.err, collect.ErrNoCredentials) {
		t.Fatalf("Collect = %v, want ErrNoCredentials", run.err)
	}
	if len(run.rec.assets) != 0 {
		t.Errorf("%d assets without credentials", len(run.rec.assets))
	}
}

// TestCollectDeniedListings denies the calls whole scopes hang on: the
// region list, the bucket list, the user list, the credential report, the
// account S3 setting and policy documents.
func TestCollectDeniedListings(t *testing.T) {
	w := loadWorld(t, "org.yaml")
	w.Accounts[0].Deny = []string{"ec2:DescribeRegions", "s3:ListAllMyBuckets", "iam:ListUsers",
		"iam:GenerateCredentialReport", "s3:GetAccountPublicAccessBlock", "iam:GetPolicyVersion"}
	run := simulate(t, w, cloudsim.Faults{}, Options{})
	if run.err != nil {
		t.Fatal(run.err)
	}
	c, _ := New(Options{})
	regional := strings.Join(c.regionalTypes(), ",")
	var want []string
	for _, d := range []string{
		"  ec2 ec2:DescribeRegions AccessDenied  [" + regional + "]",
		"  s3 s3:ListAllMyBuckets AccessDenied  [aws.s3.bucket]",
		" global iam iam:ListUsers AccessDenied  [aws.iam.user]",
		" global iam iam:GenerateCredentialReport AccessDenied aws:account:111111111111 []",
		" global s3 s3:GetAccountPublicAccessBlock AccessDenied aws:account:111111111111 []",
	} {
		want = append(want, mgmt+d)
	}
	// Each policy document is read once per account, however many
	// principals it is attached to.
	for _, p := range []string{"arn:aws:iam::111111111111:policy/everything", "arn:aws:iam::111111111111:policy/service/app-data",
		"arn:aws:iam::111111111111:policy/unattached", "arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"} {
		want = append(want, mgmt+" global iam iam:GetPolicyVersion AccessDenied "+p+" []")
	}
	sameStrings(t, "diagnostics", run.rec.diagKeys(), want)

	got := run.rec.byType()
	sameStrings(t, "asset types", slices.Collect(maps.Keys(got)),
		[]string{mgmt + " aws.account", mgmt + " aws.iam.group", mgmt + " aws.iam.role", mgmt + " aws.iam.policy"})

	acct := run.rec.asset(t, awsshape.AccountUID(mgmt))
	var errs []string
	for _, e := range acct.Errors {
		errs = append(errs, e.Path+" "+e.Action+" "+e.Code)
	}
	sameStrings(t, "account errors", errs, []string{
		"Regions ec2:DescribeRegions AccessDenied",
		"Root iam:GenerateCredentialReport AccessDenied",
		"S3PublicAccessBlock s3:GetAccountPublicAccessBlock AccessDenied",
	})
	if r := acct.Config["Regions"].([]any); len(r) != 0 {
		t.Errorf("regions %v", r)
	}
	admins := run.rec.asset(t, "arn:aws:iam::111111111111:group/admins")
	ap := admins.Config["AttachedPolicies"].([]any)
	if len(ap) != 1 || ap[0].(map[string]any)["PolicyDocument"] != nil {
		t.Errorf("attached policy without a document must be listed with a null document: %v", ap)
	}
	if len(admins.Errors) != 1 || admins.Errors[0].Path != "AttachedPolicies" || admins.Errors[0].Action != "iam:GetPolicyVersion" {
		t.Errorf("admins errors %+v", admins.Errors)
	}
	pol := run.rec.asset(t, "arn:aws:iam::111111111111:policy/everything")
	if pol.Config["PolicyDocument"] != nil || len(pol.Errors) != 1 || pol.Errors[0].Path != "PolicyDocument" {
		t.Errorf("policy %v %+v", pol.Config["PolicyDocument"], pol.Errors)
	}
}

// TestCollectNoAccountReachable: when every account fails, Collect says so.
func TestCollectNoAccountReachable(t *testing.T) {
	run := simulate(t, loadWorld(t, "org.yaml"), cloudsim.Faults{}, Options{Accounts: []string{sandbox}, Role: "ParapetAudit"})
	if run.err == nil || !strings.Contains(run.err.Error(), "no account could be scanned") {
		t.Fatalf("Collect = %v", run.err)
	}
	if len(run.rec.diags) != 1 || run.rec.diags[0].Action != "sts:AssumeRole" {
		t.Errorf("diagnostics %v", run.rec.diagKeys())
	}
}
