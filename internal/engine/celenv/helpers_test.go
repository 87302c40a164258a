package celenv

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
)

var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// eval compiles and runs expr with resource.config = cfg.
func eval(t *testing.T, expr string, cfg map[string]any) (any, error) {
	t.Helper()
	// Env().Compile rather than Compile: helpers returning ints are tested
	// directly, and Compile only accepts boolean expressions.
	checked, iss := Env().Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("compile %s: %v", expr, iss.Err())
	}
	prg, err := Env().Program(checked)
	if err != nil {
		t.Fatalf("program %s: %v", expr, err)
	}
	out, _, err := prg.Eval(map[string]any{
		VarResource: map[string]any{"config": cfg},
		VarNow:      Timestamp(testNow),
	})
	if err != nil {
		return nil, err
	}
	return out.Value(), nil
}

// tcase is one expectation: want is the value, or wantErr a substring of
// the evaluation error.
type tcase struct {
	name    string
	expr    string
	cfg     map[string]any
	want    any
	wantErr string
}

func runCases(t *testing.T, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, tc.expr, tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: got %v, %v; want error containing %q", tc.expr, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.expr, err)
			}
			if got != tc.want {
				t.Fatalf("%s = %v, want %v", tc.expr, got, tc.want)
			}
		})
	}
}

func TestCIDRIsInternet(t *testing.T) {
	cases := []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"0.0.0.0/0", true, false},
		{"::/0", true, false},
		{" 0.0.0.0/0 ", true, false},
		{"10.0.0.0/0", true, false}, // host bits are cleared: still everything
		{"0.0.0.0/1", false, false},
		{"1.2.3.4/32", false, false},
		{"1.2.3.4", false, false},
		{"2001:db8::/32", false, false},
		{"not-a-cidr", false, true},
		{"", false, true},
		{"10.0.0.0/33", false, true},
	}
	for _, tc := range cases {
		got, err := cidrIsInternet(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("cidr_is_internet(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestCIDRIsPublic(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"0.0.0.0/0", true},
		{"10.0.0.0/8", false},
		{"10.20.30.0/24", false},
		{"8.8.8.0/24", true},
		{"8.8.8.8", true},
		{"172.16.0.0/12", false},
		{"172.0.0.0/8", true}, // holds 172.0.0.0–172.15.255.255
		{"192.168.1.1", false},
		{"100.64.0.0/10", false},
		{"100.0.0.0/8", true},
		{"127.0.0.1/32", false},
		{"169.254.169.254", false},
		{"192.0.2.0/24", false},
		{"198.51.100.7", false},
		{"203.0.113.0/24", false},
		{"198.18.0.0/15", false},
		{"224.0.0.0/3", false}, // multicast + reserved: covered only by two blocks together
		{"10.0.0.0/7", true},   // 11.0.0.0/8 is public
		{"0.0.0.0/8", false},
		{"0.0.0.0/1", true},
		{"255.255.255.255", false},
		{"::/0", true},
		{"2600:1f18::/32", true},
		{"2000::/3", true},
		{"fc00::/7", false},
		{"fd12:3456::/48", false},
		{"fe80::/10", false},
		{"ff02::1", false},
		{"::1/128", false},
		{"2001:db8::/32", false},
		{"2001:db8:1::/48", false},
		{"3fff::/20", false},
		{"::ffff:10.0.0.0/104", false}, // IPv4-mapped private
		{"::ffff:8.8.8.8/128", true},   // IPv4-mapped public
	}
	for _, tc := range cases {
		got, err := cidrIsPublic(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("cidr_is_public(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := cidrIsPublic("300.1.1.1/8"); err == nil {
		t.Error("cidr_is_public accepted an invalid block")
	}
}

func TestCIDRContains(t *testing.T) {
	cases := []struct {
		cidr, ip string
		want     bool
		wantErr  bool
	}{
		{"10.0.0.0/8", "10.1.2.3", true, false},
		{"10.0.0.0/8", "11.0.0.1", false, false},
		{"10.0.0.0/8", "10.1.0.0/16", true, false},
		{"10.1.0.0/16", "10.0.0.0/8", false, false},
		{"0.0.0.0/0", "203.0.113.9", true, false},
		{"::/0", "10.0.0.1", false, false}, // different families
		{"2001:db8::/32", "2001:db8::1", true, false},
		{"2001:db8::/32", "2001:db9::1", false, false},
		{"10.0.0.0/8", "::ffff:10.0.0.1", true, false},
		{"10.0.0.0/8", "nope", false, true},
		{"nope", "10.0.0.1", false, true},
	}
	for _, tc := range cases {
		got, err := cidrContains(tc.cidr, tc.ip)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("cidr_contains(%q, %q) = %v, %v; want %v (error %v)", tc.cidr, tc.ip, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestNetworkHelpersInCEL(t *testing.T) {
	runCases(t, []tcase{
		{name: "internet", expr: `cidr_is_internet("0.0.0.0/0")`, want: true},
		{name: "public", expr: `cidr_is_public("8.8.8.0/24") && !cidr_is_public("10.0.0.0/8")`, want: true},
		{name: "contains", expr: `cidr_contains("10.0.0.0/8", "10.9.9.9")`, want: true},
		{name: "bad cidr is an error", expr: `cidr_is_public("10.0.0.0/99")`, wantErr: `cidr_is_public: invalid CIDR "10.0.0.0/99"`},
		{name: "overlap", expr: `port_range_overlaps(20, 25, 22, 22)`, want: true},
		{name: "touching", expr: `port_range_overlaps(0, 21, 22, 22)`, want: false},
		{name: "reversed", expr: `port_range_overlaps(25, 20, 22, 22)`, want: true},
		{name: "inclusive bounds", expr: `port_range_overlaps(1024, 3389, 3389, 4000)`, want: true},
	})
}

func i64(v int64) *int64 { return &v }

func perm(proto string, from, to *int64, cidrs ...string) map[string]any {
	p := map[string]any{"IpProtocol": proto, "IpRanges": []any{}, "Ipv6Ranges": []any{}}
	if from != nil {
		p["FromPort"] = *from
	} else {
		p["FromPort"] = nil
	}
	if to != nil {
		p["ToPort"] = *to
	} else {
		p["ToPort"] = nil
	}
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			p["Ipv6Ranges"] = append(p["Ipv6Ranges"].([]any), map[string]any{"CidrIpv6": c})
		} else {
			p["IpRanges"] = append(p["IpRanges"].([]any), map[string]any{"CidrIp": c})
		}
	}
	return p
}

func TestIPPermissionIncludesPort(t *testing.T) {
	cases := []struct {
		name string
		perm map[string]any
		port int64
		want bool
	}{
		{"all traffic", perm("-1", nil, nil), 22, true},
		{"all spelled out", perm("all", nil, nil), 3389, true},
		{"tcp exact port", perm("tcp", i64(22), i64(22)), 22, true},
		{"tcp range", perm("tcp", i64(0), i64(65535)), 3389, true},
		{"tcp other port", perm("tcp", i64(80), i64(80)), 22, false},
		{"tcp range below", perm("tcp", i64(1), i64(21)), 22, false},
		{"tcp without ports", perm("tcp", nil, nil), 22, true},
		{"tcp with -1 ports", perm("tcp", i64(-1), i64(-1)), 22, true},
		{"tcp by number", perm("6", i64(22), i64(22)), 22, true},
		{"TCP in upper case", perm("TCP", i64(20), i64(30)), 22, true},
		{"udp does not include tcp", perm("udp", i64(0), i64(65535)), 22, false},
		{"icmp does not include tcp", perm("icmp", i64(-1), i64(-1)), 22, false},
		{"gre does not include tcp", perm("47", nil, nil), 22, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := permissionIncludes(tc.perm, "tcp", tc.port)
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
			// And through CEL with the permission coming from a Config.
			v, err := eval(t, `ip_permission_includes_port(resource.config.perm, resource.config.port)`,
				map[string]any{"perm": tc.perm, "port": tc.port})
			if err != nil || v != tc.want {
				t.Fatalf("CEL: got %v, %v; want %v", v, err, tc.want)
			}
		})
	}
	runCases(t, []tcase{
		{name: "udp port", expr: `ip_permission_includes(resource.config.p, "udp", 53)`,
			cfg: map[string]any{"p": perm("17", i64(53), i64(53))}, want: true},
		{name: "udp rule, tcp asked", expr: `ip_permission_includes(resource.config.p, "tcp", 53)`,
			cfg: map[string]any{"p": perm("udp", i64(53), i64(53))}, want: false},
		{name: "float ports from another decoder", expr: `ip_permission_includes_port(resource.config.p, 22)`,
			cfg: map[string]any{"p": map[string]any{"IpProtocol": "tcp", "FromPort": 22.0, "ToPort": 22.0}}, want: true},
		{name: "string ports from a template", expr: `ip_permission_includes_port(resource.config.p, 22)`,
			cfg: map[string]any{"p": map[string]any{"IpProtocol": "tcp", "FromPort": "20", "ToPort": "30"}}, want: true},
		{name: "literal map", expr: `ip_permission_includes_port({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}, 22)`, want: true},
		{name: "missing protocol", expr: `ip_permission_includes_port(resource.config.p, 22)`,
			cfg: map[string]any{"p": map[string]any{"FromPort": int64(22)}}, wantErr: "no IpProtocol"},
		{name: "bad port", expr: `ip_permission_includes_port(resource.config.p, 22)`,
			cfg: map[string]any{"p": map[string]any{"IpProtocol": "tcp", "FromPort": "x", "ToPort": int64(1)}}, wantErr: "FromPort"},
		{name: "null permission", expr: `ip_permission_includes_port(resource.config.p, 22)`,
			cfg: map[string]any{"p": nil}, wantErr: "ip_permission_includes_port: permission must be a map, got null"},
	})
}

func TestSecurityGroupOpen(t *testing.T) {
	perms := func(ps ...map[string]any) map[string]any {
		l := make([]any, len(ps))
		for i, p := range ps {
			l[i] = p
		}
		return map[string]any{"IpPermissions": l}
	}
	internet := `sg_open_to_internet(resource.config.IpPermissions, 22)`
	public := `sg_open_to_public(resource.config.IpPermissions, 22)`
	runCases(t, []tcase{
		{name: "ssh from anywhere", expr: internet, cfg: perms(perm("tcp", i64(22), i64(22), "0.0.0.0/0")), want: true},
		{name: "ssh from anywhere over IPv6", expr: internet, cfg: perms(perm("tcp", i64(22), i64(22), "::/0")), want: true},
		{name: "all traffic from anywhere", expr: internet, cfg: perms(perm("-1", nil, nil, "0.0.0.0/0")), want: true},
		{name: "ssh from the VPC", expr: internet, cfg: perms(perm("tcp", i64(22), i64(22), "10.0.0.0/8")), want: false},
		{name: "https from anywhere", expr: internet, cfg: perms(perm("tcp", i64(443), i64(443), "0.0.0.0/0")), want: false},
		{name: "udp from anywhere", expr: internet, cfg: perms(perm("udp", i64(0), i64(65535), "0.0.0.0/0")), want: false},
		{name: "second rule matches", expr: internet, cfg: perms(
			perm("tcp", i64(22), i64(22), "10.0.0.0/8"), perm("tcp", i64(0), i64(1024), "192.168.0.0/16", "0.0.0.0/0")), want: true},
		{name: "no rules", expr: internet, cfg: perms(), want: false},
		{name: "ssh from one public address is public", expr: public, cfg: perms(perm("tcp", i64(22), i64(22), "203.0.114.5/32")), want: true},
		{name: "ssh from one public address is not the internet", expr: internet, cfg: perms(perm("tcp", i64(22), i64(22), "203.0.114.5/32")), want: false},
		{name: "ssh from private ranges is not public", expr: public, cfg: perms(perm("tcp", i64(22), i64(22), "10.0.0.0/8", "fd00::/8")), want: false},
		{name: "ssh from a public IPv6 block", expr: public, cfg: perms(perm("tcp", i64(22), i64(22), "2600:1f18::/32")), want: true},
		{name: "invalid CIDR is an error", expr: internet, cfg: perms(perm("tcp", i64(22), i64(22), "0.0.0.0/x")), wantErr: "invalid CIDR"},
		{name: "null list is an error", expr: internet, cfg: map[string]any{"IpPermissions": nil}, wantErr: "sg_open_to_internet: permissions must be a list, got null"},
		{name: "rule without ranges", expr: internet, cfg: map[string]any{"IpPermissions": []any{map[string]any{"IpProtocol": "-1"}}}, want: false},
	})
}

// enc returns the JSON text of a document.
func enc(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func doc(sts ...map[string]any) map[string]any {
	l := make([]any, len(sts))
	for i, s := range sts {
		l[i] = s
	}
	return map[string]any{"Version": "2012-10-17", "Statement": l}
}

type st = map[string]any

func TestIAMAllowsAdmin(t *testing.T) {
	admin := st{"Effect": "Allow", "Action": "*", "Resource": "*"}
	cases := []struct {
		name string
		doc  any
		want bool
	}{
		{"action star", doc(admin), true},
		{"star colon star", doc(st{"Effect": "Allow", "Action": "*:*", "Resource": "*"}), true},
		{"lists", doc(st{"Effect": "Allow", "Action": []any{"s3:GetObject", "*"}, "Resource": []any{"*"}}), true},
		{"statement object", map[string]any{"Statement": admin}, true},
		{"NotAction leaving IAM allowed", doc(st{"Effect": "Allow", "NotAction": []any{"s3:DeleteBucket"}, "Resource": "*"}), true},
		{"NotAction excluding IAM (PowerUserAccess)", doc(st{"Effect": "Allow", "NotAction": []any{"iam:*", "organizations:*", "account:*"}, "Resource": "*"}), false},
		{"NotAction excluding one escalation path", doc(st{"Effect": "Allow", "NotAction": "iam:Put*", "Resource": "*"}), false},
		{"NotResource", doc(st{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret"}), true},
		{"conditions are ignored", doc(st{"Effect": "Allow", "Action": "*", "Resource": "*",
			"Condition": st{"Bool": st{"aws:MultiFactorAuthPresent": "true"}}}), true},
		{"lower-case effect", doc(st{"Effect": "allow", "Action": "*", "Resource": "*"}), true},
		{"one resource", doc(st{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}), false},
		{"service wildcard only", doc(st{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), false},
		{"deny everything", doc(st{"Effect": "Deny", "Action": "*", "Resource": "*"}), false},
		{"no statements", map[string]any{"Version": "2012-10-17"}, false},
		{"null", nil, false},
		{"JSON string", enc(t, doc(admin)), true},
		{"URL-encoded JSON", url.QueryEscape(enc(t, doc(admin))), true},
		{"JSON string, not admin", enc(t, doc(st{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `iam_allows_admin(resource.config.doc)`, map[string]any{"doc": tc.doc})
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	runCases(t, []tcase{
		{name: "literal document", expr: `iam_allows_admin({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})`, want: true},
		{name: "invalid JSON", expr: `iam_allows_admin("{not json")`, wantErr: "iam_allows_admin: policy document is not valid JSON"},
		{name: "bad statement", expr: `iam_allows_admin({"Statement": "x"})`, wantErr: "Statement must be an object or a list"},
		{name: "number", expr: `iam_allows_admin(5)`, wantErr: "policy document must be a map"},
	})
}

func TestIAMAllowsServiceWildcard(t *testing.T) {
	cases := []struct {
		name string
		doc  any
		want bool
	}{
		{"s3 star on every resource", doc(st{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), true},
		{"in a list", doc(st{"Effect": "Allow", "Action": []any{"ec2:Describe*", "iam:*"}, "Resource": []any{"*"}}), true},
		{"full admin counts", doc(st{"Effect": "Allow", "Action": "*", "Resource": "*"}), true},
		{"NotAction counts", doc(st{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), true},
		{"prefix wildcard is not a service wildcard", doc(st{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}), false},
		{"one bucket", doc(st{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}), false},
		{"deny", doc(st{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), false},
		{"URL-encoded", url.QueryEscape(enc(t, doc(st{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `iam_allows_service_wildcard(resource.config.doc)`, map[string]any{"doc": tc.doc})
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestIAMAllows(t *testing.T) {
	read := st{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/*"}
	cases := []struct {
		name             string
		doc              any
		action, resource string
		want             bool
	}{
		{"wildcard action", doc(read), "s3:GetObject", "arn:aws:s3:::data/k", true},
		{"actions ignore case", doc(read), "S3:getobject", "arn:aws:s3:::data/k", true},
		{"resources keep case", doc(read), "s3:GetObject", "arn:aws:s3:::DATA/k", false},
		{"other action", doc(read), "s3:PutObject", "arn:aws:s3:::data/k", false},
		{"other resource", doc(read), "s3:GetObject", "arn:aws:s3:::logs/k", false},
		{"question mark", doc(st{"Effect": "Allow", "Action": "s3:Get?bject", "Resource": "*"}), "s3:GetObject", "x", true},
		{"explicit deny wins", doc(read, st{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), "s3:GetObject", "arn:aws:s3:::data/k", false},
		{"deny before allow wins too", doc(st{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}, read), "s3:GetObject", "arn:aws:s3:::data/k", false},
		{"conditional deny does not deny", doc(read, st{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
			"Condition": st{"Bool": st{"aws:SecureTransport": "false"}}}), "s3:GetObject", "arn:aws:s3:::data/k", true},
		{"conditional allow allows", doc(st{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
			"Condition": st{"StringEquals": st{"iam:PassedToService": "ec2.amazonaws.com"}}}), "iam:PassRole", "arn:aws:iam::1:role/r", true},
		{"NotAction allows the rest", doc(st{"Effect": "Allow", "NotAction": []any{"iam:*", "organizations:*"}, "Resource": "*"}), "s3:GetObject", "x", true},
		{"NotAction excludes", doc(st{"Effect": "Allow", "NotAction": []any{"iam:*"}, "Resource": "*"}), "iam:CreateUser", "*", false},
		{"NotResource excludes", doc(st{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}), "s3:GetObject", "arn:aws:s3:::secret/k", false},
		{"NotResource allows the rest", doc(st{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}), "s3:GetObject", "arn:aws:s3:::data/k", true},
		{"deny with NotAction", doc(st{"Effect": "Allow", "Action": "*", "Resource": "*"}, st{"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}), "ec2:RunInstances", "*", false},
		{"statement without action applies to nothing", doc(st{"Effect": "Allow", "Resource": "*"}), "s3:GetObject", "x", false},
		{"empty document", map[string]any{}, "s3:GetObject", "x", false},
		{"URL-encoded", url.QueryEscape(enc(t, doc(read))), "s3:GetObject", "arn:aws:s3:::data/k", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `iam_allows(resource.config.doc, resource.config.action, resource.config.resource)`,
				map[string]any{"doc": tc.doc, "action": tc.action, "resource": tc.resource})
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		p, s string
		fold bool
		want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*b*", "aaabaaa", false, true},
		{"s3:get*", "S3:GetObject", true, true},
		{"s3:get*", "S3:GetObject", false, false},
		{"arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/x", false, true},
		{"", "", false, true},
		{"", "a", false, false},
	}
	for _, tc := range cases {
		if got := globMatch(tc.p, tc.s, tc.fold); got != tc.want {
			t.Errorf("globMatch(%q, %q, %v) = %v", tc.p, tc.s, tc.fold, got)
		}
	}
}

func TestIAMPublicPrincipal(t *testing.T) {
	allowAll := func(principal any, cond map[string]any) map[string]any {
		s := st{"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
		if cond != nil {
			s["Condition"] = cond
		}
		return doc(s)
	}
	cases := []struct {
		name string
		doc  any
		want bool
	}{
		{"star", allowAll("*", nil), true},
		{"AWS star", allowAll(st{"AWS": "*"}, nil), true},
		{"AWS list with star", allowAll(st{"AWS": []any{"arn:aws:iam::111122223333:root", "*"}}, nil), true},
		{"one account", allowAll(st{"AWS": "arn:aws:iam::111122223333:root"}, nil), false},
		{"a service", allowAll(st{"Service": "cloudtrail.amazonaws.com"}, nil), false},
		{"no principal (identity policy)", doc(st{"Effect": "Allow", "Action": "*", "Resource": "*"}), false},
		{"deny to everyone", doc(st{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}), false},
		{"NotPrincipal with Allow", doc(st{"Effect": "Allow", "NotPrincipal": st{"AWS": "arn:aws:iam::1:root"}, "Action": "s3:*", "Resource": "*"}), true},
		{"source account", allowAll("*", st{"StringEquals": st{"aws:SourceAccount": "111122223333"}}), false},
		{"source ARN, key case differs", allowAll("*", st{"ArnLike": st{"AWS:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}}), false},
		{"organization", allowAll(st{"AWS": "*"}, st{"StringEquals": st{"aws:PrincipalOrgID": "o-abc123"}}), false},
		{"org paths with ForAnyValue", allowAll("*", st{"ForAnyValue:StringLike": st{"aws:PrincipalOrgPaths": []any{"o-a/r-b/ou-c/*"}}}), false},
		{"ForAllValues passes when the key is absent", allowAll("*", st{"ForAllValues:StringEquals": st{"aws:PrincipalOrgPaths": "o-a/*"}}), true},
		{"VPC endpoint", allowAll("*", st{"StringEquals": st{"aws:SourceVpce": "vpce-1a2b3c"}}), false},
		{"KMS caller account", allowAll(st{"AWS": "*"}, st{"StringEquals": st{"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}), false},
		{"private source IP", allowAll("*", st{"IpAddress": st{"aws:SourceIp": []any{"10.0.0.0/8", "192.168.0.0/16"}}}), false},
		{"public source IP", allowAll("*", st{"IpAddress": st{"aws:SourceIp": "198.51.99.0/24"}}), true},
		{"mixed source IPs", allowAll("*", st{"IpAddress": st{"aws:SourceIp": []any{"10.0.0.0/8", "0.0.0.0/0"}}}), true},
		{"negated condition does not restrict", allowAll("*", st{"StringNotEquals": st{"aws:SourceAccount": "111122223333"}}), true},
		{"IfExists does not restrict", allowAll("*", st{"StringEqualsIfExists": st{"aws:SourceAccount": "111122223333"}}), true},
		{"wildcard value does not restrict", allowAll("*", st{"StringLike": st{"aws:PrincipalOrgID": "*"}}), true},
		{"secure transport does not restrict", allowAll("*", st{"Bool": st{"aws:SecureTransport": "true"}}), true},
		{"unrelated key does not restrict", allowAll("*", st{"StringEquals": st{"s3:x-amz-acl": "bucket-owner-full-control"}}), true},
		{"null", nil, false},
		{"JSON string", enc(t, allowAll("*", nil)), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `iam_public_principal(resource.config.doc)`, map[string]any{"doc": tc.doc})
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestS3ACLPublic(t *testing.T) {
	grant := func(typ, uri, perm string) map[string]any {
		g := map[string]any{"Type": typ}
		if uri != "" {
			g["URI"] = uri
		} else {
			g["ID"] = "abc"
		}
		return map[string]any{"Grantee": g, "Permission": perm}
	}
	acl := func(gs ...map[string]any) map[string]any {
		l := make([]any, len(gs))
		for i, g := range gs {
			l[i] = g
		}
		return map[string]any{"Owner": map[string]any{"ID": "abc"}, "Grants": l}
	}
	cases := []struct {
		name    string
		acl     any
		want    bool
		wantErr string
	}{
		{"owner only", acl(grant("CanonicalUser", "", "FULL_CONTROL")), false, ""},
		{"all users read", acl(grant("CanonicalUser", "", "FULL_CONTROL"), grant("Group", "http://acs.amazonaws.com/groups/global/AllUsers", "READ")), true, ""},
		{"authenticated users", acl(grant("Group", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "WRITE")), true, ""},
		{"https URI", acl(grant("Group", "https://acs.amazonaws.com/groups/global/AllUsers", "READ_ACP")), true, ""},
		{"log delivery group is not public", acl(grant("Group", "http://acs.amazonaws.com/groups/s3/LogDelivery", "WRITE")), false, ""},
		{"no grants", acl(), false, ""},
		{"null", nil, false, ""},
		{"canned public-read", "public-read", true, ""},
		{"canned private", "private", false, ""},
		{"wrong type", int64(3), false, "ACL must be a map"},
		{"grants not a list", map[string]any{"Grants": "x"}, false, "Grants must be a list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `s3_acl_public(resource.config.acl)`, map[string]any{"acl": tc.acl})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestPolicyDeniesInsecureTransport(t *testing.T) {
	deny := func(principal, action, value any, op string) map[string]any {
		return st{"Effect": "Deny", "Principal": principal, "Action": action,
			"Resource":  []any{"arn:aws:s3:::b", "arn:aws:s3:::b/*"},
			"Condition": st{op: st{"aws:SecureTransport": value}}}
	}
	allowRead := st{"Effect": "Allow", "Principal": st{"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject", "Resource": "*"}
	cases := []struct {
		name string
		doc  any
		want bool
	}{
		{"canonical statement", doc(allowRead, deny("*", "s3:*", "false", "Bool")), true},
		{"boolean false", doc(deny("*", "s3:*", false, "Bool")), true},
		{"AWS star principal", doc(deny(st{"AWS": "*"}, "s3:*", "false", "Bool")), true},
		{"every action", doc(deny("*", "*", "false", "Bool")), true},
		{"action list", doc(deny("*", []any{"s3:*"}, "false", "Bool")), true},
		{"BoolIfExists", doc(deny("*", "s3:*", "false", "BoolIfExists")), true},
		{"statement object", map[string]any{"Statement": deny("*", "s3:*", "false", "Bool")}, true},
		{"only GetObject", doc(deny("*", "s3:GetObject", "false", "Bool")), false},
		{"denies secure transport", doc(deny("*", "s3:*", "true", "Bool")), false},
		{"one principal", doc(deny(st{"AWS": "arn:aws:iam::1:root"}, "s3:*", "false", "Bool")), false},
		{"allow instead of deny", doc(st{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
			"Condition": st{"Bool": st{"aws:SecureTransport": "false"}}}), false},
		{"no policy", nil, false},
		{"URL-encoded", url.QueryEscape(enc(t, doc(deny("*", "s3:*", "false", "Bool")))), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := eval(t, `policy_denies_insecure_transport(resource.config.doc)`, map[string]any{"doc": tc.doc})
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestIAMStatements(t *testing.T) {
	runCases(t, []tcase{
		{name: "normal form", expr: `iam_statements(resource.config.doc).all(s, type(s.Action) == list && type(s.NotResource) == list)`,
			cfg: map[string]any{"doc": doc(st{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, st{"Effect": "Deny", "NotAction": []any{"iam:*"}})}, want: true},
		{name: "string becomes list", expr: `iam_statements(resource.config.doc)[0].Action == ["s3:*"]`,
			cfg: map[string]any{"doc": map[string]any{"Statement": st{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}, want: true},
		{name: "count", expr: `size(iam_statements(resource.config.doc))`,
			cfg: map[string]any{"doc": doc(st{"Effect": "Allow"}, st{"Effect": "Deny"})}, want: int64(2)},
		{name: "null document", expr: `iam_statements(null) == []`, want: true},
	})
}

func TestTimeHelpers(t *testing.T) {
	runCases(t, []tcase{
		{name: "one day", expr: `days_since("2025-12-31T00:00:00Z", now)`, want: int64(1)},
		{name: "whole days only", expr: `days_since("2025-12-31T01:00:00Z", now)`, want: int64(0)},
		{name: "ninety days", expr: `days_since(resource.config.t, now) > 90`, cfg: map[string]any{"t": "2025-09-01T12:00:00+02:00"}, want: true},
		{name: "future", expr: `days_since("2026-01-03T00:00:00Z", now)`, want: int64(-2)},
		{name: "fractional seconds", expr: `days_since("2025-12-01T00:00:00.123Z", now)`, want: int64(30)},
		{name: "timestamp argument", expr: `days_since(timestamp("2025-12-25T00:00:00Z"), now)`, want: int64(7)},
		{name: "null is an error", expr: `days_since(resource.config.t, now)`, cfg: map[string]any{"t": nil}, wantErr: "days_since: timestamp is null"},
		{name: "guarded null", expr: `resource.config.t != null && days_since(resource.config.t, now) > 90`, cfg: map[string]any{"t": nil}, want: false},
		{name: "bad text is an error", expr: `days_since("N/A", now)`, wantErr: `days_since: "N/A" is not an RFC 3339 timestamp`},
		{name: "number is an error", expr: `days_since(5, now)`, wantErr: "want an RFC 3339 string"},
		{name: "parse_time", expr: `parse_time("2025-06-01T00:00:00Z") < now`, want: true},
		{name: "parse_time date", expr: `parse_time("2025-06-01") == timestamp("2025-06-01T00:00:00Z")`, want: true},
		{name: "parse_time error", expr: `parse_time("yesterday") < now`, wantErr: "parse_time"},
	})
}

func TestExtensionsAndNumbers(t *testing.T) {
	runCases(t, []tcase{
		{name: "int against double", expr: `resource.config.n == 3.0 && resource.config.n < 3.5`, cfg: map[string]any{"n": int64(3)}, want: true},
		{name: "double against int", expr: `resource.config.d > 2`, cfg: map[string]any{"d": 2.5}, want: true},
		{name: "strings ext", expr: `"AbC".lowerAscii() == "abc" && "a,b".split(",").size() == 2`, want: true},
		{name: "lists ext", expr: `[3, 1, 2].sort() == [1, 2, 3]`, want: true},
		{name: "sets ext", expr: `sets.contains(["a", "b"], ["a"])`, want: true},
		{name: "optional select", expr: `resource.config.?missing.orValue("x") == "x"`, cfg: map[string]any{}, want: true},
		{name: "bind", expr: `cel.bind(x, resource.config.n, x + x) == 6`, cfg: map[string]any{"n": int64(3)}, want: true},
		{name: "two-variable comprehension", expr: `{"a": 1}.all(k, v, k == "a" && v == 1)`, want: true},
	})
}

func TestFunctionsAreDocumented(t *testing.T) {
	for _, f := range Functions() {
		if f.Doc == "" || !strings.HasPrefix(f.Signature, f.Name+"(") {
			t.Errorf("function %s: missing doc or malformed signature %q", f.Name, f.Signature)
		}
	}
	if len(Functions()) < 16 {
		t.Errorf("only %d functions", len(Functions()))
	}
	_ = types.True
}

func TestWrongArgumentKinds(t *testing.T) {
	runCases(t, []tcase{
		{name: "string permissions", expr: `sg_open_to_public(resource.config.x, 22)`, cfg: map[string]any{"x": "sg-1"},
			wantErr: `sg_open_to_public: permissions must be a list, got string "sg-1"`},
		{name: "list permission", expr: `ip_permission_includes(resource.config.x, "tcp", 22)`, cfg: map[string]any{"x": []any{}},
			wantErr: "ip_permission_includes: permission must be a map, got list"},
		{name: "permission that is not a map", expr: `sg_open_to_internet([1], 22)`,
			wantErr: "sg_open_to_internet: permission must be a map, got int"},
	})
}
