// Package celenv is the CEL environment Parapet checks are written in: the
// variables `resource` and `now`, the standard extension libraries, and
// Parapet's helper functions for network exposure and IAM policy analysis.
// It compiles and type-checks expressions once and reports, for each, the
// asset fields it reads. Package check uses it to validate check files with
// positions; package engine to build programs and collect evidence.
package celenv

import (
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
)

// Variable names visible to expressions.
const (
	VarResource = "resource"
	VarNow      = "now"
)

// Function documents one helper function.
type Function struct {
	Name      string
	Signature string
	Doc       string
}

// helper declares a function with one overload.
type helper struct {
	Function
	opt cel.EnvOption
}

var mapType = cel.MapType(cel.StringType, cel.DynType)

// strBool declares f(string) -> bool.
func strBool(name, doc string, fn func(string) (bool, error)) helper {
	return helper{Function{name, name + "(string) -> bool", doc},
		cel.Function(name, cel.Overload(name+"_string", []*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				ok, err := fn(string(v.(types.String)))
				if err != nil {
					return errVal(name, err)
				}
				return types.Bool(ok)
			})))}
}

// dynBool declares f(dyn) -> bool over plain data; param names the
// argument in the documented signature.
func dynBool(name, param, doc string, fn func(any) (bool, error)) helper {
	return helper{Function{name, name + "(dyn " + param + ") -> bool", doc},
		cel.Function(name, cel.Overload(name+"_dyn", []*cel.Type{cel.DynType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				x, err := plain(v)
				if err != nil {
					return errVal(name, err)
				}
				ok, err := fn(x)
				if err != nil {
					return errVal(name, err)
				}
				return types.Bool(ok)
			})))}
}

// dynIntBool declares f(dyn, int) -> bool over plain data. The first
// parameter is dyn rather than a map or list type: the helper checks the
// value itself and names the problem ("permissions must be a list, got
// null"), and CEL's runtime guard for typed collection parameters would
// cost an iterator on every call.
func dynIntBool(name, sig, doc string, fn func(any, int64) (bool, error)) helper {
	return helper{Function{name, sig, doc},
		cel.Function(name, cel.Overload(name+"_dyn_int", []*cel.Type{cel.DynType, cel.IntType}, cel.BoolType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				x, err := plain(a)
				if err != nil {
					return errVal(name, err)
				}
				ok, err := fn(x, int64(b.(types.Int)))
				if err != nil {
					return errVal(name, err)
				}
				return types.Bool(ok)
			})))}
}

func helpers() []helper {
	return []helper{
		strBool("cidr_is_internet",
			"True when the CIDR block is the whole address space of its family: 0.0.0.0/0 or ::/0 (any block with prefix length 0). A bare address is a single-address block.",
			cidrIsInternet),
		strBool("cidr_is_public",
			"True when the CIDR block contains at least one publicly routable address, i.e. it is not entirely inside private (RFC 1918), carrier-grade NAT, loopback, link-local, unique-local, documentation, benchmarking, multicast or reserved space.",
			cidrIsPublic),
		{Function{"cidr_contains", "cidr_contains(string cidr, string ip) -> bool",
			"True when the block contains the address (or, given a block, all of it). Addresses of different families are never contained."},
			cel.Function("cidr_contains", cel.Overload("cidr_contains_string_string",
				[]*cel.Type{cel.StringType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					ok, err := cidrContains(string(a.(types.String)), string(b.(types.String)))
					if err != nil {
						return errVal("cidr_contains", err)
					}
					return types.Bool(ok)
				})))},
		{Function{"port_range_overlaps", "port_range_overlaps(int from, int to, int lo, int hi) -> bool",
			"True when the port ranges [from, to] and [lo, hi] share at least one port (bounds inclusive)."},
			cel.Function("port_range_overlaps", cel.Overload("port_range_overlaps_int_int_int_int",
				[]*cel.Type{cel.IntType, cel.IntType, cel.IntType, cel.IntType}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val {
					return types.Bool(portRangeOverlaps(int64(args[0].(types.Int)), int64(args[1].(types.Int)),
						int64(args[2].(types.Int)), int64(args[3].(types.Int))))
				})))},
		dynIntBool("ip_permission_includes_port", "ip_permission_includes_port(map perm, int port) -> bool",
			"True when a security group rule (an IpPermission) admits TCP traffic to the port: IpProtocol -1/all admits everything; tcp/6 admits FromPort..ToPort, or every port when the ports are null or -1; udp, icmp and other protocols admit no TCP port.",
			func(perm any, port int64) (bool, error) { return permissionIncludes(perm, "tcp", port) }),
		{Function{"ip_permission_includes", "ip_permission_includes(map perm, string protocol, int port) -> bool",
			"Like ip_permission_includes_port for a given protocol, \"tcp\" or \"udp\" (names or numbers)."},
			cel.Function("ip_permission_includes", cel.Overload("ip_permission_includes_dyn_string_int",
				[]*cel.Type{cel.DynType, cel.StringType, cel.IntType}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val {
					perm, err := plain(args[0])
					if err != nil {
						return errVal("ip_permission_includes", err)
					}
					ok, err := permissionIncludes(perm, string(args[1].(types.String)), int64(args[2].(types.Int)))
					if err != nil {
						return errVal("ip_permission_includes", err)
					}
					return types.Bool(ok)
				})))},
		dynIntBool("sg_open_to_internet", "sg_open_to_internet(list perms, int port) -> bool",
			"True when some rule in the list admits TCP traffic to the port from an IpRanges CidrIp or Ipv6Ranges CidrIpv6 that is the whole internet (cidr_is_internet).",
			func(perms any, port int64) (bool, error) { return sgOpen(perms, port, cidrIsInternet) }),
		dynIntBool("sg_open_to_public", "sg_open_to_public(list perms, int port) -> bool",
			"Like sg_open_to_internet, with any source block that contains a public address (cidr_is_public).",
			func(perms any, port int64) (bool, error) { return sgOpen(perms, port, cidrIsPublic) }),
		dynBool("iam_allows_admin", "doc",
			"True when some Allow statement grants every action (\"*\", \"*:*\", or a NotAction that leaves IAM's self-granting actions such as iam:AttachUserPolicy allowed) on every resource (\"*\", or any NotResource). Conditions are ignored.",
			iamAllowsAdmin),
		dynBool("iam_allows_service_wildcard", "doc",
			"True when some Allow statement grants every action of a service (\"svc:*\"; \"*\" and NotAction count too) on every resource.",
			iamAllowsServiceWildcard),
		{Function{"iam_allows", "iam_allows(dyn doc, string action, string resource) -> bool",
			"True when some statement allows the action on the resource and no unconditional Deny covers it. Wildcards * and ? match; actions compare case-insensitively. A conditional Allow counts as allowing and a conditional Deny as not denying. Principals are ignored."},
			cel.Function("iam_allows", cel.Overload("iam_allows_dyn_string_string",
				[]*cel.Type{cel.DynType, cel.StringType, cel.StringType}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val {
					doc, err := plain(args[0])
					if err != nil {
						return errVal("iam_allows", err)
					}
					ok, err := iamAllows(doc, string(args[1].(types.String)), string(args[2].(types.String)))
					if err != nil {
						return errVal("iam_allows", err)
					}
					return types.Bool(ok)
				})))},
		dynBool("iam_public_principal", "doc",
			"True when some Allow statement is open to everyone (Principal \"*\", {\"AWS\": \"*\"}, a list holding \"*\", or NotPrincipal) and no condition restricts the caller.",
			iamPublicPrincipal),
		dynBool("s3_acl_public", "acl",
			"True when a bucket ACL grants anything to the AllUsers or AuthenticatedUsers group (or is the canned ACL public-read, public-read-write or authenticated-read).",
			s3ACLPublic),
		dynBool("policy_denies_insecure_transport", "doc",
			"True when some Deny statement for every principal covers all S3 actions (\"s3:*\" or \"*\") under the condition Bool aws:SecureTransport = false.",
			policyDeniesInsecureTransport),
		{Function{"iam_statements", "iam_statements(dyn doc) -> list(map)",
			"The document's statements in one normal form: Effect, and Action, NotAction, Resource, NotResource always lists (empty when absent); Principal, NotPrincipal and Condition as written or null."},
			cel.Function("iam_statements", cel.Overload("iam_statements_dyn",
				[]*cel.Type{cel.DynType}, cel.ListType(mapType),
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					doc, err := plain(v)
					if err != nil {
						return errVal("iam_statements", err)
					}
					sts, err := iamStatements(doc)
					if err != nil {
						return errVal("iam_statements", err)
					}
					return types.DefaultTypeAdapter.NativeToValue(sts)
				})))},
		{Function{"days_since", "days_since(dyn ts, timestamp now) -> int",
			"Whole days from ts (an RFC 3339 string or a timestamp) to now; negative when ts is later. A null or unparsable ts is an evaluation error: guard with `!= null`."},
			cel.Function("days_since", cel.Overload("days_since_dyn_timestamp",
				[]*cel.Type{cel.DynType, cel.TimestampType}, cel.IntType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					ts, err := plain(a)
					if err != nil {
						return errVal("days_since", err)
					}
					d, err := daysSince(ts, b.(types.Timestamp).Time)
					if err != nil {
						return errVal("days_since", err)
					}
					return types.Int(d)
				})))},
		{Function{"parse_time", "parse_time(string) -> timestamp",
			"Parses an RFC 3339 timestamp (or a bare date, as midnight UTC)."},
			cel.Function("parse_time", cel.Overload("parse_time_string",
				[]*cel.Type{cel.StringType}, cel.TimestampType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					t, err := parseTime(string(v.(types.String)))
					if err != nil {
						return errVal("parse_time", err)
					}
					return types.Timestamp{Time: t}
				})))},
	}
}

// Functions lists Parapet's helper functions with their documentation.
func Functions() []Function {
	hs := helpers()
	out := make([]Function, len(hs))
	for i, h := range hs {
		out[i] = h.Function
	}
	return out
}

// Env returns the shared environment. It is built once; building it cannot
// fail unless the declarations above are wrong, which the tests catch.
var Env = sync.OnceValue(func() *cel.Env {
	opts := []cel.EnvOption{
		cel.Variable(VarResource, mapType),
		cel.Variable(VarNow, cel.TimestampType),
		// Config integers are int64 and some sources produce doubles;
		// let 1 == 1.0 and x < 2.5 work across types.
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Lists(),
		ext.Sets(),
		ext.Bindings(),
		ext.TwoVarComprehensions(),
	}
	for _, h := range helpers() {
		opts = append(opts, h.opt)
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		panic("celenv: " + err.Error())
	}
	return env
})

// Timestamp wraps a time for the `now` variable.
func Timestamp(t time.Time) ref.Val { return types.Timestamp{Time: t.UTC()} }
