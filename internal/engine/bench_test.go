package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/check"
	"github.com/parapet-dev/parapet/internal/engine"
	"github.com/parapet-dev/parapet/internal/finding"
)

// The benchmark evaluates a generated inventory shaped like a real AWS
// estate (asset types in realistic proportions, configs built from the
// awsshape structs as a collector builds them, roughly a third of them
// non-compliant) against a set of realistic checks.

var benchNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// typeMix is the number of assets of each type per 100.
var typeMix = []struct {
	typ string
	n   int
}{
	{awsshape.TypeSecurityGroup, 15}, {awsshape.TypeInstance, 15}, {awsshape.TypeVolume, 15},
	{awsshape.TypeSubnet, 8}, {awsshape.TypeVPC, 3}, {awsshape.TypeS3Bucket, 10},
	{awsshape.TypeIAMUser, 8}, {awsshape.TypeIAMRole, 10}, {awsshape.TypeIAMGroup, 2},
	{awsshape.TypeIAMPolicy, 5}, {awsshape.TypeTrail, 1}, {awsshape.TypeKMSKey, 5},
	{awsshape.TypeDBInstance, 2}, {awsshape.TypeAccount, 1},
}

const maxAssets = 100_000

var (
	inventoryOnce sync.Once
	inventory     []*asset.Asset
)

// benchInventory generates maxAssets assets once per process; smaller
// benchmarks use a prefix, which has the same type mix because types are
// interleaved in a fixed shuffled cycle of 100.
func benchInventory(b *testing.B) []*asset.Asset {
	inventoryOnce.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		var cycle []string
		for _, m := range typeMix {
			for i := 0; i < m.n; i++ {
				cycle = append(cycle, m.typ)
			}
		}
		r.Shuffle(len(cycle), func(i, j int) { cycle[i], cycle[j] = cycle[j], cycle[i] })
		g := &gen{r: r}
		inventory = make([]*asset.Asset, maxAssets)
		for i := range inventory {
			a, err := g.asset(i, cycle[i%len(cycle)])
			if err != nil {
				panic(err)
			}
			inventory[i] = a
		}
	})
	return inventory
}

type gen struct{ r *rand.Rand }

// ok returns true with the given percentage: the asset is compliant on
// this point.
func (g *gen) ok(pct int) bool { return g.r.IntN(100) < pct }

func (g *gen) daysAgo(max int) string {
	return benchNow.Add(-time.Duration(g.r.IntN(max*24)) * time.Hour).Format(time.RFC3339)
}

func ptr[T any](v T) *T { return &v }

func (g *gen) cidr(publicPct int) string {
	switch {
	case g.ok(publicPct / 2):
		return "0.0.0.0/0"
	case g.ok(publicPct / 2):
		return fmt.Sprintf("%d.%d.%d.0/24", 20+g.r.IntN(150), g.r.IntN(256), g.r.IntN(256))
	default:
		return fmt.Sprintf("10.%d.0.0/16", g.r.IntN(256))
	}
}

func (g *gen) perm() awsshape.IpPermission {
	ports := []int64{22, 80, 443, 3306, 5432, 3389, 8080, 6379}
	p := awsshape.IpPermission{IpProtocol: "tcp"}
	switch n := g.r.IntN(20); {
	case n == 0:
		p.IpProtocol = "-1"
	case n == 1:
		p.FromPort, p.ToPort = ptr(int64(1024)), ptr(int64(65535))
	case n == 2:
		p.IpProtocol = "udp"
		p.FromPort, p.ToPort = ptr(int64(53)), ptr(int64(53))
	default:
		port := ports[g.r.IntN(len(ports))]
		p.FromPort, p.ToPort = ptr(port), ptr(port)
	}
	for i := 0; i < 1+g.r.IntN(3); i++ {
		p.IpRanges = append(p.IpRanges, awsshape.IpRange{CidrIp: g.cidr(20)})
	}
	if g.ok(15) {
		p.Ipv6Ranges = append(p.Ipv6Ranges, awsshape.Ipv6Range{CidrIpv6: "::/0"})
	}
	return p
}

// Policy documents as collectors store them (decoded JSON objects).
func stmt(effect string, action, resource any) map[string]any {
	return map[string]any{"Effect": effect, "Action": action, "Resource": resource}
}

func policy(sts ...map[string]any) map[string]any {
	l := make([]any, len(sts))
	for i, s := range sts {
		l[i] = s
	}
	return map[string]any{"Version": "2012-10-17", "Statement": l}
}

func (g *gen) identityPolicy() map[string]any {
	switch n := g.r.IntN(20); {
	case n == 0:
		return policy(stmt("Allow", "*", "*"))
	case n == 1:
		return policy(stmt("Allow", []any{"s3:*", "ec2:Describe*"}, "*"))
	case n == 2:
		return policy(stmt("Allow", "iam:PassRole", "*"), stmt("Allow", "ec2:RunInstances", "*"))
	case n < 8:
		return policy(stmt("Allow", []any{"s3:GetObject", "s3:PutObject"}, fmt.Sprintf("arn:aws:s3:::data-%d/*", g.r.IntN(1000))))
	default:
		return policy(stmt("Allow", []any{"ec2:Describe*", "cloudwatch:Get*", "logs:Describe*"}, "*"),
			stmt("Deny", "iam:*", "*"))
	}
}

func (g *gen) attached(max int) []awsshape.AttachedPolicy {
	var out []awsshape.AttachedPolicy
	for i := 0; i < g.r.IntN(max+1); i++ {
		out = append(out, awsshape.AttachedPolicy{PolicyName: fmt.Sprintf("p%d", i),
			PolicyArn: fmt.Sprintf("arn:aws:iam::111122223333:policy/p%d", i), PolicyDocument: g.identityPolicy()})
	}
	return out
}

func (g *gen) inline(max int) []awsshape.InlinePolicy {
	var out []awsshape.InlinePolicy
	for i := 0; i < g.r.IntN(max+1); i++ {
		out = append(out, awsshape.InlinePolicy{PolicyName: fmt.Sprintf("inline%d", i), PolicyDocument: g.identityPolicy()})
	}
	return out
}

func (g *gen) pab(pct int) *awsshape.PublicAccessBlock {
	if !g.ok(pct) {
		if g.ok(50) {
			return nil
		}
		return &awsshape.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true}
	}
	return &awsshape.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
}

func (g *gen) shape(i int, typ string) (name string, shape any) {
	acct := "111122223333"
	switch typ {
	case awsshape.TypeSecurityGroup:
		sg := awsshape.SecurityGroup{GroupId: fmt.Sprintf("sg-%08x", i), GroupName: fmt.Sprintf("app-%d", i),
			VpcId: fmt.Sprintf("vpc-%d", i%50), OwnerId: acct, Description: "application tier"}
		if g.ok(5) {
			sg.GroupName = "default"
		}
		for j := 0; j < 1+g.r.IntN(5); j++ {
			sg.IpPermissions = append(sg.IpPermissions, g.perm())
		}
		sg.IpPermissionsEgress = []awsshape.IpPermission{{IpProtocol: "-1", IpRanges: []awsshape.IpRange{{CidrIp: "0.0.0.0/0"}}}}
		if sg.GroupName == "default" && g.ok(50) { // emptied, as recommended
			sg.IpPermissions, sg.IpPermissionsEgress = nil, nil
		}
		return sg.GroupName, sg
	case awsshape.TypeInstance:
		in := awsshape.Instance{InstanceId: fmt.Sprintf("i-%012x", i), InstanceType: "m6i.large", ImageId: "ami-0abc",
			State: awsshape.InstanceState{Name: "running"}, VpcId: "vpc-1", SubnetId: "subnet-1",
			PrivateIpAddress:    fmt.Sprintf("10.0.%d.%d", i%250, i%200+1),
			MetadataOptions:     awsshape.MetadataOptions{HttpTokens: "optional", HttpEndpoint: "enabled", HttpPutResponseHopLimit: 1},
			SecurityGroups:      []awsshape.GroupIdentifier{{GroupId: "sg-1", GroupName: "app"}},
			BlockDeviceMappings: []awsshape.BlockDeviceMapping{{DeviceName: "/dev/xvda", VolumeId: fmt.Sprintf("vol-%x", i)}},
			LaunchTime:          g.daysAgo(400), Monitoring: awsshape.Monitoring{State: "disabled"}}
		if g.ok(70) {
			in.MetadataOptions.HttpTokens = "required"
		}
		if !g.ok(80) {
			in.PublicIpAddress = fmt.Sprintf("54.%d.%d.%d", i%250, i%200, i%100)
		}
		if g.ok(60) {
			in.IamInstanceProfile = &awsshape.IamInstanceProfile{Arn: "arn:aws:iam::111122223333:instance-profile/app"}
		}
		if g.ok(10) {
			in.State.Name = "stopped"
		}
		return in.InstanceId, in
	case awsshape.TypeVolume:
		v := awsshape.Volume{VolumeId: fmt.Sprintf("vol-%x", i), Size: 100, VolumeType: "gp3", Encrypted: g.ok(75),
			State: "in-use", AvailabilityZone: "eu-west-1a", CreateTime: g.daysAgo(700)}
		if v.Encrypted {
			v.KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/abc"
		}
		if g.ok(85) {
			v.Attachments = []awsshape.VolumeAttachment{{InstanceId: fmt.Sprintf("i-%x", i), Device: "/dev/xvda", State: "attached"}}
		} else {
			v.State = "available"
		}
		return v.VolumeId, v
	case awsshape.TypeSubnet:
		s := awsshape.Subnet{SubnetId: fmt.Sprintf("subnet-%x", i), VpcId: "vpc-1", CidrBlock: "10.0.1.0/24",
			AvailabilityZone: "eu-west-1b", MapPublicIpOnLaunch: !g.ok(80), State: "available"}
		return s.SubnetId, s
	case awsshape.TypeVPC:
		v := awsshape.VPC{VpcId: fmt.Sprintf("vpc-%x", i), CidrBlock: "10.0.0.0/16", State: "available", OwnerId: acct, IsDefault: g.ok(10)}
		if g.ok(70) {
			v.FlowLogs = []awsshape.FlowLog{{FlowLogId: "fl-1", FlowLogStatus: "ACTIVE", TrafficType: "ALL", LogDestinationType: "s3"}}
		}
		return v.VpcId, v
	case awsshape.TypeS3Bucket:
		name := fmt.Sprintf("bucket-%d", i)
		bk := awsshape.Bucket{Name: name, Arn: "arn:aws:s3:::" + name, Region: "eu-west-1", CreationDate: g.daysAgo(1500),
			PublicAccessBlock: g.pab(70), AccountPublicAccessBlock: g.pab(30),
			Acl: &awsshape.BucketAcl{Owner: awsshape.Owner{ID: "owner"},
				Grants: []awsshape.Grant{{Grantee: awsshape.Grantee{Type: "CanonicalUser", ID: "owner"}, Permission: "FULL_CONTROL"}}},
			Versioning: awsshape.Versioning{Status: "Enabled"}}
		if !g.ok(95) {
			bk.Acl.Grants = append(bk.Acl.Grants, awsshape.Grant{Grantee: awsshape.Grantee{Type: "Group",
				URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: "READ"})
		}
		if g.ok(85) {
			bk.ServerSideEncryptionConfiguration = &awsshape.ServerSideEncryptionConfiguration{Rules: []awsshape.EncryptionRule{{
				ApplyServerSideEncryptionByDefault: &awsshape.EncryptionByDefault{SSEAlgorithm: []string{"AES256", "aws:kms"}[g.r.IntN(2)]}}}}
		}
		if !g.ok(70) {
			bk.Versioning.Status = "Suspended"
		}
		if g.ok(50) {
			bk.LoggingEnabled = &awsshape.LoggingEnabled{TargetBucket: "logs", TargetPrefix: name + "/"}
		}
		if g.ok(60) {
			sts := []map[string]any{{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
				"Resource": []any{bk.Arn, bk.Arn + "/*"}, "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}}
			if !g.ok(90) {
				sts = append(sts, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": bk.Arn + "/*"})
			} else {
				sts = append(sts, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::444455556666:root"},
					"Action": "s3:GetObject", "Resource": bk.Arn + "/*"})
			}
			bk.Policy = policy(sts...)
			bk.PolicyStatus = &awsshape.PolicyStatus{}
		}
		return name, bk
	case awsshape.TypeIAMUser:
		u := awsshape.User{UserName: fmt.Sprintf("user%d", i), UserId: fmt.Sprintf("AIDA%d", i), Path: "/",
			Arn: fmt.Sprintf("arn:aws:iam::111122223333:user/user%d", i), CreateDate: g.daysAgo(1500),
			PasswordEnabled: g.ok(50), MfaActive: g.ok(75), AttachedPolicies: g.attached(2), InlinePolicies: g.inline(1),
			Groups: []string{"developers"}}
		for j := 0; j < g.r.IntN(3); j++ {
			k := awsshape.AccessKey{AccessKeyId: fmt.Sprintf("AKIA%d%d", i, j), Status: "Active", CreateDate: g.daysAgo(200)}
			if g.ok(70) {
				k.LastUsedDate = ptr(g.daysAgo(60))
			}
			if g.ok(20) {
				k.Status = "Inactive"
			}
			u.AccessKeys = append(u.AccessKeys, k)
		}
		return u.UserName, u
	case awsshape.TypeIAMRole:
		trust := policy(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
		switch n := g.r.IntN(50); {
		case n == 0:
			trust = policy(map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole"})
		case n < 10:
			trust = policy(map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-abc123"}}})
		}
		path := "/"
		if g.ok(20) {
			path = "/aws-service-role/"
		}
		rl := awsshape.Role{RoleName: fmt.Sprintf("role%d", i), RoleId: fmt.Sprintf("AROA%d", i), Path: path,
			Arn: fmt.Sprintf("arn:aws:iam::111122223333:role/role%d", i), CreateDate: g.daysAgo(900),
			AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600, AttachedPolicies: g.attached(2), InlinePolicies: g.inline(2)}
		return rl.RoleName, rl
	case awsshape.TypeIAMGroup:
		gr := awsshape.Group{GroupName: fmt.Sprintf("group%d", i), GroupId: fmt.Sprintf("AGPA%d", i), Path: "/",
			Arn: fmt.Sprintf("arn:aws:iam::111122223333:group/group%d", i), CreateDate: g.daysAgo(900), AttachedPolicies: g.attached(3)}
		return gr.GroupName, gr
	case awsshape.TypeIAMPolicy:
		p := awsshape.Policy{PolicyName: fmt.Sprintf("policy%d", i), PolicyId: fmt.Sprintf("ANPA%d", i), Path: "/",
			Arn: fmt.Sprintf("arn:aws:iam::111122223333:policy/policy%d", i), DefaultVersionId: "v1",
			AttachmentCount: int64(g.r.IntN(3)), IsAttachable: true, CreateDate: g.daysAgo(900), UpdateDate: g.daysAgo(100),
			PolicyDocument: g.identityPolicy()}
		return p.PolicyName, p
	case awsshape.TypeTrail:
		tr := awsshape.Trail{Name: fmt.Sprintf("trail%d", i), TrailARN: fmt.Sprintf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/trail%d", i),
			HomeRegion: "eu-west-1", IsMultiRegionTrail: g.ok(80), IncludeGlobalServiceEvents: true, LogFileValidationEnabled: g.ok(70),
			S3BucketName: "trail-logs", IsLogging: g.ok(90),
			EventSelectors: []awsshape.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}
		return tr.Name, tr
	case awsshape.TypeKMSKey:
		k := awsshape.Key{KeyId: fmt.Sprintf("key-%d", i), Arn: fmt.Sprintf("arn:aws:kms:eu-west-1:111122223333:key/key-%d", i),
			KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT",
			Origin: "AWS_KMS", Enabled: true, CreationDate: g.daysAgo(900), KeyRotationEnabled: ptr(g.ok(70))}
		if g.ok(20) {
			k.KeyManager = "AWS"
		}
		if g.ok(3) {
			k.KeyState = "PendingDeletion"
		}
		return k.KeyId, k
	case awsshape.TypeDBInstance:
		d := awsshape.DBInstance{DBInstanceIdentifier: fmt.Sprintf("db%d", i), DBInstanceArn: fmt.Sprintf("arn:aws:rds:eu-west-1:111122223333:db:db%d", i),
			Engine: "postgres", EngineVersion: "16.3", DBInstanceClass: "db.r6g.large", DBInstanceStatus: "available",
			PubliclyAccessible: !g.ok(90), StorageEncrypted: g.ok(80), MultiAZ: g.ok(60), BackupRetentionPeriod: int64(g.r.IntN(15)),
			DeletionProtection: g.ok(50), VpcId: "vpc-1", Endpoint: &awsshape.DBEndpoint{Address: "db.example", Port: 5432}}
		return d.DBInstanceIdentifier, d
	case awsshape.TypeAccount:
		regions := []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"}
		a := awsshape.Account{AccountId: fmt.Sprintf("%012d", i), AccountSummary: map[string]int64{"AccountMFAEnabled": int64(g.r.IntN(2)), "Users": 10},
			Root: awsshape.RootCredentials{Arn: "arn:aws:iam::x:root", MfaActive: g.ok(80), AccessKey1Active: !g.ok(90)}}
		if g.ok(70) {
			a.PasswordPolicy = &awsshape.PasswordPolicy{MinimumPasswordLength: int64(8 + g.r.IntN(10)), RequireSymbols: true}
		}
		for _, r := range regions {
			ar := awsshape.AccountRegion{Region: r, EbsEncryptionByDefault: g.ok(50)}
			if g.ok(85) {
				ar.GuardDutyDetectors = []awsshape.GuardDutyDetector{{DetectorId: "d1", Status: "ENABLED"}}
			}
			a.Regions = append(a.Regions, ar)
		}
		a.Trails = []awsshape.Trail{{Name: "org", IsMultiRegionTrail: g.ok(80), IsLogging: true}}
		return a.AccountId, a
	}
	panic("unknown type " + typ)
}

func (g *gen) asset(i int, typ string) (*asset.Asset, error) {
	name, shape := g.shape(i, typ)
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		return nil, err
	}
	a := &asset.Asset{UID: fmt.Sprintf("arn:aws:%s:eu-west-1:111122223333:%d", typ, i), Provider: "aws",
		Account: "111122223333", Region: "eu-west-1", Type: typ, Name: name, Config: cfg,
		Tags: map[string]string{"team": "platform"}}
	if g.ok(30) {
		a.Tags["env"] = "prod"
	}
	if g.ok(1) { // a few assets were only partly collected
		a.Errors = []asset.FieldError{{Path: "Policy", Action: "s3:GetBucketPolicy", Code: "AccessDenied", Message: "Access Denied"}}
	}
	return a, nil
}

func benchEngine(b *testing.B, fsys string, root string) *engine.Engine {
	cs, err := check.LoadFS(os.DirFS(fsys), root)
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// runBench evaluates the first n assets per iteration and reports the
// time per (check, asset) evaluation.
func runBench(b *testing.B, e *engine.Engine, n int) {
	assets := benchInventory(b)[:n]
	evals := 0
	for _, a := range assets {
		evals += len(e.Evaluate(a, benchNow))
	}
	dst := make([]finding.Result, 0, evals)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		dst = dst[:0]
		for _, a := range assets {
			dst = e.AppendResults(dst, a, benchNow)
		}
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	perEval := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / float64(evals) }
	b.ReportMetric(perEval(b.Elapsed()), "ns/eval")
	// CPU time includes the garbage collector's background work; it is
	// the better figure on a machine shared with other processes.
	if cpu > 0 {
		b.ReportMetric(perEval(cpu), "cpu-ns/eval")
	}
	b.ReportMetric(float64(evals), "evals/op")
}

// BenchmarkEvaluate uses the benchmark's own checks in testdata/bench.
func BenchmarkEvaluate(b *testing.B) {
	e := benchEngine(b, "testdata/bench", ".")
	for _, n := range []int{10_000, 50_000, 100_000} {
		b.Run(fmt.Sprintf("assets=%d", n), func(b *testing.B) { runBench(b, e, n) })
	}
}

// BenchmarkEvaluateBuiltin uses Parapet's built-in AWS checks.
func BenchmarkEvaluateBuiltin(b *testing.B) {
	if _, err := os.Stat("../../checks/aws"); err != nil {
		b.Skip("no built-in checks")
	}
	e := benchEngine(b, "../../checks", "aws")
	for _, n := range []int{10_000, 50_000, 100_000} {
		b.Run(fmt.Sprintf("assets=%d", n), func(b *testing.B) { runBench(b, e, n) })
	}
}

// TestBenchmarkInputs keeps the benchmark honest: its checks load, its
// inventory evaluates without errors beyond the few planted collection
// failures, and both outcomes occur for every check.
func TestBenchmarkInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 2,000 assets")
	}
	cs, err := check.LoadFS(os.DirFS("testdata/bench"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 40 {
		t.Fatalf("only %d benchmark checks", len(cs))
	}
	e, err := engine.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	g := &gen{r: r}
	seen := map[string]map[finding.Status]int{}
	for i := 0; i < 2000; i++ {
		a, err := g.asset(i, typeMix[i%len(typeMix)].typ)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range e.Evaluate(a, benchNow) {
			if seen[res.CheckID] == nil {
				seen[res.CheckID] = map[finding.Status]int{}
			}
			seen[res.CheckID][res.Status]++
			if res.Status == finding.Error && len(a.Errors) == 0 {
				t.Errorf("%s on %s: %s", res.CheckID, a.Type, res.Message)
			}
		}
	}
	for _, c := range cs {
		s := seen[c.ID]
		if s[finding.Pass] == 0 || s[finding.Fail] == 0 {
			t.Errorf("%s: outcomes %v: the inventory should exercise both PASS and FAIL", c.ID, s)
		}
	}
}

// BenchmarkSimpleCheck isolates the fixed cost of one evaluation: a check
// reading one boolean.
func BenchmarkSimpleCheck(b *testing.B) {
	e, err := engine.New([]*check.Check{{ID: "enc", ResourceType: awsshape.TypeVolume, Assert: "resource.config.Encrypted"}})
	if err != nil {
		b.Fatal(err)
	}
	cfg, _ := asset.ToConfig(awsshape.Volume{VolumeId: "vol-1", Encrypted: true, State: "in-use"})
	a := &asset.Asset{UID: "vol-1", Type: awsshape.TypeVolume, Config: cfg}
	dst := make([]finding.Result, 0, 1)
	b.ReportAllocs()
	for b.Loop() {
		dst = e.AppendResults(dst[:0], a, benchNow)
	}
	if dst[0].Status != finding.Pass {
		b.Fatal(dst[0])
	}
}
