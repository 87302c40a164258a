package aws

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/cloudsim"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// strList reads a Config list of strings.
func strList(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("not a list: %#v", v)
	}
	out := []string{}
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

// findingKeys renders a Config list of secrets.Findings as "kind@location".
func findingKeys(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("not a list of findings: %#v", v)
	}
	out := []string{}
	for _, x := range list {
		f := x.(map[string]any)
		out = append(out, f["Kind"].(string)+"@"+f["Location"].(string))
	}
	return out
}

func errorPaths(a asset.Asset) []string {
	var out []string
	for _, e := range a.Errors {
		out = append(out, e.Path+" "+e.Action+" "+e.Code)
	}
	return out
}

func TestCollectWorkloads(t *testing.T) {
	rec := baseline(t).rec
	m := "111111111111"

	t.Run("user data: whether, and which secrets, never the text", func(t *testing.T) {
		web := rec.asset(t, "arn:aws:ec2:us-east-1:"+m+":instance/i-0m1").Config
		if web["HasUserData"] != true || !slices.Equal(findingKeys(t, web["UserDataSecrets"]), []string{"aws-access-key-id@line 2", "password@line 3"}) {
			t.Errorf("i-0m1 user data %v %v", web["HasUserData"], web["UserDataSecrets"])
		}
		plain := rec.asset(t, "arn:aws:ec2:us-east-1:"+m+":instance/i-0m2").Config
		if plain["HasUserData"] != true || len(findingKeys(t, plain["UserDataSecrets"])) != 0 {
			t.Errorf("i-0m2 user data %v %v", plain["HasUserData"], plain["UserDataSecrets"])
		}
	})

	t.Run("no secret value is kept anywhere", func(t *testing.T) {
		values := []string{"AKIAIOSFODNN7EXAMPLE", "correct-horse-battery", "ghp_aaaa", "s3cr3t-t0ken-value", "orders.internal", "yum install", "sqs.us-east-1"}
		var all bytes.Buffer
		for _, a := range rec.assets {
			b, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		b, _ := json.Marshal(rec.diags)
		all.Write(b)
		for _, v := range values {
			if strings.Contains(all.String(), v) {
				t.Errorf("%q reached an asset or a diagnostic", v)
			}
		}
	})

	t.Run("snapshots", func(t *testing.T) {
		golden := rec.asset(t, "arn:aws:ec2:us-east-1::snapshot/snap-0m2")
		if golden.Name != "golden-image" || golden.Config["Public"] != true || len(strList(t, golden.Config["SharedWithAccounts"])) != 0 || golden.Config["Encrypted"] != false {
			t.Errorf("public snapshot %s %v", golden.Name, golden.Config)
		}
		shared := rec.asset(t, "arn:aws:ec2:us-east-1::snapshot/snap-0m3").Config
		if shared["Public"] != false || !slices.Equal(strList(t, shared["SharedWithAccounts"]), []string{"222222222222", "999999999999"}) || shared["OwnerId"] != m {
			t.Errorf("shared snapshot %v", shared)
		}
		nightly := rec.asset(t, "arn:aws:ec2:us-east-1::snapshot/snap-0m1")
		if nightly.Config["Encrypted"] != true || nightly.Config["VolumeSize"] != int64(8) ||
			!slices.Contains(nightly.Relations, asset.Relation{Type: RelEncryptedWith, Target: "arn:aws:kms:us-east-1:" + m + ":key/11111111-1111-1111-1111-111111111111"}) {
			t.Errorf("private snapshot %v %v", nightly.Config, nightly.Relations)
		}
	})

	t.Run("DB clusters: Neptune has its own type", func(t *testing.T) {
		p := "arn:aws:rds:us-east-1:" + m + ":cluster:"
		for id, typ := range map[string]string{"orders-aurora": awsshape.TypeDBCluster, "graph": awsshape.TypeNeptuneCluster, "catalog": awsshape.TypeDBCluster} {
			if a := rec.asset(t, p+id); a.Type != typ {
				t.Errorf("%s is %s, want %s", id, a.Type, typ)
			}
		}
		orders := rec.asset(t, p+"orders-aurora")
		c := orders.Config
		if c["StorageEncrypted"] != true || c["BackupRetentionPeriod"] != int64(14) || c["DeletionProtection"] != true ||
			!slices.Equal(strList(t, c["EnabledCloudwatchLogsExports"]), []string{"postgresql"}) ||
			!slices.Equal(strList(t, c["VpcSecurityGroupIds"]), []string{"sg-0m2"}) || orders.Tags["app"] != "orders" {
			t.Errorf("aurora cluster %v", c)
		}
		if g := rec.asset(t, p+"graph").Config; g["StorageEncrypted"] != false || g["BackupRetentionPeriod"] != int64(1) || g["Engine"] != "neptune" {
			t.Errorf("neptune cluster %v", g)
		}
	})

	t.Run("repositories", func(t *testing.T) {
		app := rec.asset(t, "arn:aws:ecr:us-east-1:"+m+":repository/app").Config
		if app["ImageTagMutability"] != "IMMUTABLE" || app["ImageScanningConfiguration"].(map[string]any)["ScanOnPush"] != true ||
			app["EncryptionConfiguration"].(map[string]any)["EncryptionType"] != "KMS" || app["HasLifecyclePolicy"] != true || app["Policy"] != nil {
			t.Errorf("app repository %v", app)
		}
		pub := rec.asset(t, "arn:aws:ecr:us-east-1:"+m+":repository/public-images").Config
		if pub["Policy"] == nil || pub["HasLifecyclePolicy"] != false || pub["EncryptionConfiguration"].(map[string]any)["EncryptionType"] != "AES256" {
			t.Errorf("public repository %v", pub)
		}
	})

	t.Run("EKS", func(t *testing.T) {
		prodEKS := rec.asset(t, "arn:aws:eks:us-east-1:"+m+":cluster/prod")
		c := prodEKS.Config
		vpc := c["ResourcesVpcConfig"].(map[string]any)
		if vpc["EndpointPublicAccess"] != false || !slices.Equal(strList(t, vpc["SubnetIds"]), []string{"subnet-0m1", "subnet-0m2"}) ||
			!slices.Equal(strList(t, c["EnabledLogTypes"]), []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}) ||
			len(c["EncryptionConfig"].([]any)) != 1 || prodEKS.Tags["team"] != "platform" {
			t.Errorf("prod cluster %v tags %v", c, prodEKS.Tags)
		}
		dev := rec.asset(t, "arn:aws:eks:us-east-1:"+m+":cluster/dev").Config
		dvpc := dev["ResourcesVpcConfig"].(map[string]any)
		if dvpc["EndpointPublicAccess"] != true || !slices.Equal(strList(t, dvpc["PublicAccessCidrs"]), []string{"0.0.0.0/0"}) ||
			len(strList(t, dev["EnabledLogTypes"])) != 0 || len(dev["EncryptionConfig"].([]any)) != 0 {
			t.Errorf("dev cluster %v", dev)
		}
	})

	t.Run("OpenSearch domains of both engines", func(t *testing.T) {
		logs := rec.asset(t, "arn:aws:es:us-east-1:"+m+":domain/logs").Config
		if logs["VPCOptions"] == nil || logs["AccessPolicies"] == nil || logs["ClusterZoneAwareness"] != true || logs["AutomatedSnapshotEnabled"] != true ||
			logs["DomainEndpointOptions"].(map[string]any)["TLSSecurityPolicy"] != "Policy-Min-TLS-1-2-2019-07" ||
			logs["LogPublishingOptions"].(map[string]any)["AUDIT_LOGS"].(map[string]any)["Enabled"] != true {
			t.Errorf("logs domain %v", logs)
		}
		legacy := rec.asset(t, "arn:aws:es:us-east-1:"+m+":domain/legacy").Config
		if legacy["EngineVersion"] != "Elasticsearch_7.10" || legacy["VPCOptions"] != nil || legacy["AutomatedSnapshotEnabled"] != false ||
			legacy["EncryptionAtRestOptions"].(map[string]any)["Enabled"] != false || legacy["NodeToNodeEncryptionOptions"].(map[string]any)["Enabled"] != false {
			t.Errorf("legacy domain %v", legacy)
		}
	})

	t.Run("load balancers", func(t *testing.T) {
		w := loadWorld(t, "org.yaml").Accounts[0].Regions["us-east-1"]
		web := rec.asset(t, aws.ToString(w.LoadBalancers[0].LoadBalancerArn))
		c := web.Config
		ls := c["Listeners"].([]any)
		http, https := ls[0].(map[string]any), ls[1].(map[string]any)
		if http["Port"] != int64(80) || http["DefaultActions"].([]any)[0].(map[string]any)["RedirectProtocol"] != "HTTPS" ||
			https["SslPolicy"] != "ELBSecurityPolicy-TLS13-1-2-2021-06" || len(strList(t, https["Certificates"])) != 1 {
			t.Errorf("web listeners %v", ls)
		}
		if c["AccessLogsEnabled"] != true || c["AccessLogsBucket"] != "org-logs-111111111111" || c["DropInvalidHeaderFields"] != true ||
			c["DeletionProtection"] != true || c["DesyncMitigationMode"] != "strictest" ||
			!slices.Contains(web.Relations, asset.Relation{Type: RelDeliversTo, Target: "arn:aws:s3:::org-logs-111111111111"}) {
			t.Errorf("web %v %v", c, web.Relations)
		}
		api := rec.asset(t, aws.ToString(w.LoadBalancers[1].LoadBalancerArn)).Config
		if api["Scheme"] != "internal" || api["AccessLogsEnabled"] != false || api["DesyncMitigationMode"] != "defensive" || api["Type"] != "application" {
			t.Errorf("api %v", api)
		}
		old := rec.asset(t, "arn:aws:elasticloadbalancing:us-east-1:"+m+":loadbalancer/old-web").Config
		cl := old["ListenerDescriptions"].([]any)
		if len(cl) != 2 || cl[0].(map[string]any)["Protocol"] != "HTTP" || cl[1].(map[string]any)["SSLCertificateId"] == nil ||
			old["AccessLogEnabled"] != false || old["CrossZoneLoadBalancing"] != false {
			t.Errorf("classic %v", old)
		}
	})

	t.Run("functions: variable names and findings only", func(t *testing.T) {
		api := rec.asset(t, "arn:aws:lambda:us-east-1:"+m+":function:api").Config
		if !slices.Equal(strList(t, api["EnvironmentVariableNames"]), []string{"DB_HOST", "DB_PASSWORD", "GITHUB_TOKEN"}) ||
			!slices.Equal(findingKeys(t, api["EnvironmentSecrets"]), []string{"password@DB_PASSWORD", "github-token@GITHUB_TOKEN"}) ||
			api["FunctionUrlAuthType"] != "NONE" || api["Policy"] == nil || api["VpcConfig"] != nil {
			t.Errorf("api function %v", api)
		}
		worker := rec.asset(t, "arn:aws:lambda:us-east-1:"+m+":function:worker")
		c := worker.Config
		if !slices.Equal(strList(t, c["EnvironmentVariableNames"]), []string{"API_TOKEN", "QUEUE_URL"}) || len(findingKeys(t, c["EnvironmentSecrets"])) != 0 ||
			c["FunctionUrlAuthType"] != "AWS_IAM" || c["Policy"] != nil || c["TracingConfig"].(map[string]any)["Mode"] != "Active" || c["VpcConfig"] == nil ||
			!slices.Contains(worker.Relations, asset.Relation{Type: RelInVPC, Target: "arn:aws:ec2:us-east-1:" + m + ":vpc/vpc-0m1"}) {
			t.Errorf("worker function %v %v", c, worker.Relations)
		}
	})

	t.Run("denied detail calls leave exact fields unknown", func(t *testing.T) {
		prodALB := aws.ToString(loadWorld(t, "org.yaml").Accounts[1].Regions["us-east-1"].LoadBalancers[0].LoadBalancerArn)
		lbAttr := "elasticloadbalancing:DescribeLoadBalancerAttributes AccessDenied"
		tests := []struct {
			uid  string
			want []string
		}{
			{"arn:aws:ec2:us-east-1::snapshot/snap-0p1", []string{"Public ec2:DescribeSnapshotAttribute AccessDenied", "SharedWithAccounts ec2:DescribeSnapshotAttribute AccessDenied"}},
			{"arn:aws:ecr:us-east-1:222222222222:repository/prod-app", []string{"HasLifecyclePolicy ecr:GetLifecyclePolicy AccessDenied"}},
			{"arn:aws:es:us-east-1:222222222222:domain/prod-search", []string{" es:DescribeDomains AccessDenied"}},
			{prodALB, []string{"AccessLogsBucket " + lbAttr, "AccessLogsEnabled " + lbAttr, "DeletionProtection " + lbAttr, "DesyncMitigationMode " + lbAttr, "DropInvalidHeaderFields " + lbAttr}},
			{"arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/prod-clb", []string{"AccessLogBucket " + lbAttr, "AccessLogEnabled " + lbAttr, "CrossZoneLoadBalancing " + lbAttr}},
			{"arn:aws:lambda:us-east-1:222222222222:function:prod-fn", []string{"Policy lambda:GetPolicy AccessDenied"}},
		}
		for _, tc := range tests {
			a := rec.asset(t, tc.uid)
			sameStrings(t, tc.uid, errorPaths(a), tc.want)
		}
		// What could be read still is: the listing's fields, the other
		// calls. (Config lists are never null: the errors mark them unknown.)
		snap := rec.asset(t, "arn:aws:ec2:us-east-1::snapshot/snap-0p1").Config
		if snap["Public"] != false || snap["VolumeSize"] != int64(20) {
			t.Errorf("snapshot with unknown sharing %v", snap)
		}
		fn := rec.asset(t, "arn:aws:lambda:us-east-1:222222222222:function:prod-fn").Config
		if !slices.Equal(findingKeys(t, fn["EnvironmentSecrets"]), []string{"token@API_TOKEN"}) || fn["Policy"] != nil {
			t.Errorf("prod function %v", fn)
		}
		if d := rec.asset(t, "arn:aws:es:us-east-1:222222222222:domain/prod-search"); d.Name != "prod-search" || d.Config["EngineVersion"] != "" {
			t.Errorf("domain without DescribeDomains %v", d.Config)
		}
	})
}

// TestCollectDeniedWorkloadDetails denies, in the management account, the
// other per-resource calls of the new services and two listings.
func TestCollectDeniedWorkloadDetails(t *testing.T) {
	w := loadWorld(t, "org.yaml")
	w.Accounts[0].Deny = []string{"ec2:DescribeInstanceAttribute", "ec2:DescribeSnapshots", "ecr:GetRepositoryPolicy",
		"eks:DescribeCluster", "elasticloadbalancing:DescribeListeners", "lambda:ListFunctionUrlConfigs", "es:ListDomainNames"}
	run := simulate(t, w, cloudsim.Faults{}, Options{Regions: []string{"us-east-1"}, Services: []string{"ec2", "ecr", "eks", "elbv2", "lambda", "opensearch"}})
	if run.err != nil {
		t.Fatal(run.err)
	}
	rec := run.rec
	m := "111111111111"
	want := []string{
		m + " us-east-1 ec2 ec2:DescribeSnapshots AccessDenied  [aws.ec2.snapshot]",
		m + " us-east-1 opensearch es:ListDomainNames AccessDenied  [aws.opensearch.domain]",
	}
	detail := map[string][]string{
		"ec2 ec2:DescribeInstanceAttribute":            {"arn:aws:ec2:us-east-1:" + m + ":instance/i-0m1", "arn:aws:ec2:us-east-1:" + m + ":instance/i-0m2"},
		"ecr ecr:GetRepositoryPolicy":                  {"arn:aws:ecr:us-east-1:" + m + ":repository/app", "arn:aws:ecr:us-east-1:" + m + ":repository/public-images"},
		"eks eks:DescribeCluster":                      {"arn:aws:eks:us-east-1:" + m + ":cluster/prod", "arn:aws:eks:us-east-1:" + m + ":cluster/dev"},
		"lambda lambda:ListFunctionUrlConfigs":         {"arn:aws:lambda:us-east-1:" + m + ":function:api", "arn:aws:lambda:us-east-1:" + m + ":function:worker"},
		"elbv2 elasticloadbalancing:DescribeListeners": nil,
	}
	for _, lb := range w.Accounts[0].Regions["us-east-1"].LoadBalancers {
		detail["elbv2 elasticloadbalancing:DescribeListeners"] = append(detail["elbv2 elasticloadbalancing:DescribeListeners"], aws.ToString(lb.LoadBalancerArn))
	}
	for call, uids := range detail {
		for _, uid := range uids {
			svc, action, _ := strings.Cut(call, " ")
			want = append(want, m+" us-east-1 "+svc+" "+action+" AccessDenied "+uid+" []")
		}
	}
	sameStrings(t, "diagnostics", rec.diagKeys(), want)

	inst := rec.asset(t, "arn:aws:ec2:us-east-1:"+m+":instance/i-0m1")
	sameStrings(t, "instance errors", errorPaths(inst), []string{"HasUserData ec2:DescribeInstanceAttribute AccessDenied", "UserDataSecrets ec2:DescribeInstanceAttribute AccessDenied"})
	if len(inst.Config["UserDataSecrets"].([]any)) != 0 || inst.Config["HasUserData"] != false {
		t.Errorf("unknown user data: %v", inst.Config)
	}
	repo := rec.asset(t, "arn:aws:ecr:us-east-1:"+m+":repository/app")
	sameStrings(t, "repository errors", errorPaths(repo), []string{"Policy ecr:GetRepositoryPolicy AccessDenied"})
	if repo.Config["HasLifecyclePolicy"] != true {
		t.Errorf("the lifecycle policy was still readable: %v", repo.Config)
	}
	eks := rec.asset(t, "arn:aws:eks:us-east-1:"+m+":cluster/dev")
	sameStrings(t, "cluster errors", errorPaths(eks), []string{" eks:DescribeCluster AccessDenied"})
	if eks.Name != "dev" || eks.Config["Name"] != "dev" {
		t.Errorf("cluster without DescribeCluster %s %v", eks.Name, eks.Config)
	}
	lb := rec.asset(t, aws.ToString(w.Accounts[0].Regions["us-east-1"].LoadBalancers[0].LoadBalancerArn))
	sameStrings(t, "load balancer errors", errorPaths(lb), []string{"Listeners elasticloadbalancing:DescribeListeners AccessDenied"})
	if len(lb.Config["Listeners"].([]any)) != 0 || lb.Config["AccessLogsEnabled"] != true {
		t.Errorf("load balancer %v", lb.Config)
	}
	fn := rec.asset(t, "arn:aws:lambda:us-east-1:"+m+":function:api")
	sameStrings(t, "function errors", errorPaths(fn), []string{"FunctionUrlAuthType lambda:ListFunctionUrlConfigs AccessDenied"})
	got := rec.byType()
	for _, typ := range []string{awsshape.TypeSnapshot, awsshape.TypeOpenSearch} {
		if got[m+" "+typ] != 0 {
			t.Errorf("%s emitted although its listing was denied", typ)
		}
	}
}

func TestScanUserData(t *testing.T) {
	b64 := func(s string) *string { return aws.String(base64.StdEncoding.EncodeToString([]byte(s))) }
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("#cloud-config\npassword: hunter2hunter2\n"))
	_ = zw.Close()
	tests := []struct {
		name     string
		in       *string
		has      bool
		findings []string
		errPath  string
	}{
		{"absent", nil, false, []string{}, ""},
		{"empty", aws.String(""), false, []string{}, ""},
		{"clean script", b64("#!/bin/sh\necho hi\n"), true, []string{}, ""},
		{"secrets", b64("#!/bin/sh\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), true, []string{"aws-secret-access-key@line 2"}, ""},
		{"gzip", aws.String(base64.StdEncoding.EncodeToString(gz.Bytes())), true, []string{"password@line 2"}, ""},
		{"not base64", aws.String("%%%"), true, nil, "UserDataSecrets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ud := scanUserData(tc.in)
			var got []string
			if ud.Secrets != nil {
				got = []string{}
			}
			for _, f := range ud.Secrets {
				got = append(got, f.Kind+"@"+f.Location)
			}
			if ud.Has != tc.has || !slices.Equal(got, tc.findings) || (got == nil) != (tc.findings == nil) {
				t.Errorf("has %v findings %v, want %v %v", ud.Has, got, tc.has, tc.findings)
			}
			if tc.errPath == "" && len(ud.Errors) > 0 || tc.errPath != "" && (len(ud.Errors) != 1 || ud.Errors[0].Path != tc.errPath || ud.Errors[0].Code != "InvalidResponse") {
				t.Errorf("errors %+v", ud.Errors)
			}
		})
	}
}

func TestAdaptSnapshotSharing(t *testing.T) {
	snap := ec2types.Snapshot{SnapshotId: p("snap-1"), VolumeId: p("vol-1"), VolumeSize: p(int32(8)), State: ec2types.SnapshotStateCompleted}
	unknown := asset.FieldError{Path: "Public", Action: "ec2:DescribeSnapshotAttribute", Code: "AccessDenied", Message: "no"}
	tests := []struct {
		name   string
		perms  []ec2types.CreateVolumePermission
		errs   []asset.FieldError
		public bool
		shared []string
	}{
		{"private", []ec2types.CreateVolumePermission{}, nil, false, []string{}},
		{"public and shared, deduplicated and sorted", []ec2types.CreateVolumePermission{{UserId: p("333333333333")}, {Group: ec2types.PermissionGroupAll}, {UserId: p("222222222222")}, {UserId: p("333333333333")}},
			nil, true, []string{"222222222222", "333333333333"}},
		{"unknown", nil, fieldErrors(unknown, snapshotSharingPaths...), false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := adaptSnapshot(testMeta, snapshotData{Snapshot: snap, Permissions: tc.perms, Errors: tc.errs})
			wantAsset(t, got, err, asset.Asset{
				UID: "arn:aws:ec2:us-east-1::snapshot/snap-1", Region: "us-east-1", Type: awsshape.TypeSnapshot, Name: "snap-1",
				Config: cfg(t, awsshape.Snapshot{SnapshotId: "snap-1", VolumeId: "vol-1", VolumeSize: 8, OwnerId: testMeta.Account, State: "completed",
					Public: tc.public, SharedWithAccounts: tc.shared}),
				Errors: tc.errs,
			})
		})
	}
}

func TestAdaptDBClusterType(t *testing.T) {
	for engine, typ := range map[string]string{"neptune": awsshape.TypeNeptuneCluster, "aurora-mysql": awsshape.TypeDBCluster, "docdb": awsshape.TypeDBCluster} {
		a, err := adaptDBCluster(testMeta, rdstypes.DBCluster{DBClusterIdentifier: p("c"), Engine: p(engine)})
		if err != nil || a.Type != typ || a.UID != "arn:aws:rds:us-east-1:111122223333:cluster:c" {
			t.Errorf("%s: %s %s %v", engine, a.Type, a.UID, err)
		}
	}
}

func TestFunctionEnvironmentAndURLs(t *testing.T) {
	vars := map[string]string{"Z_PASSWORD": "letmein-please", "A_HOST": "db.internal", "KEY_ID": "AKIAIOSFODNN7EXAMPLE"}
	fc := lambdatypes.FunctionConfiguration{FunctionName: p("f"), Environment: &lambdatypes.EnvironmentResponse{Variables: vars}}
	d := withoutEnvironment(fc)
	if d.Function.Environment != nil || len(vars) != 0 {
		t.Errorf("values kept: %+v, listing map %v", d.Function.Environment, vars)
	}
	if !slices.Equal(d.EnvNames, []string{"A_HOST", "KEY_ID", "Z_PASSWORD"}) {
		t.Errorf("names %v", d.EnvNames)
	}
	want := []secrets.Finding{{Kind: "aws-access-key-id", Location: "KEY_ID"}, {Kind: "password", Location: "Z_PASSWORD"}}
	if !slices.Equal(d.EnvSecrets, want) {
		t.Errorf("secrets %v", d.EnvSecrets)
	}
	broken := withoutEnvironment(lambdatypes.FunctionConfiguration{Environment: &lambdatypes.EnvironmentResponse{
		Error: &lambdatypes.EnvironmentError{ErrorCode: p("KMSAccessDeniedException"), Message: p("no")}}})
	if broken.EnvNames != nil || broken.EnvSecrets != nil || len(broken.Errors) != 2 {
		t.Errorf("undecryptable environment %+v", broken)
	}
	none := withoutEnvironment(lambdatypes.FunctionConfiguration{})
	if none.EnvNames == nil || len(none.EnvNames) != 0 || none.EnvSecrets == nil {
		t.Errorf("no environment must be empty lists: %+v", none)
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{}, ""}, {[]string{"AWS_IAM"}, "AWS_IAM"}, {[]string{"AWS_IAM", "NONE"}, "NONE"}} {
		if got := urlAuthType(tc.in); got != tc.want {
			t.Errorf("urlAuthType(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
