package cloudformation

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/iac"
)

// template is one CloudFormation template being read.
type template struct {
	opts  *Options
	file  string // the path shown to people (as walked)
	rel   string // path relative to the scanned root, slash-separated
	lines []string
	root  *yaml.Node
	now   time.Time

	params     map[string]*param
	paramList  []*param
	mappings   *yaml.Node
	conditions *yaml.Node
	condState  map[string]*condResult
	resources  []*resource
	byID       map[string]*resource

	names map[string]map[string]*resource // by type, then physical name

	diags     []iac.Diagnostic
	seen      map[string]bool // diagnostics already reported
	steps     int
	depth     int
	exhausted bool
}

// param is an entry of the Parameters section.
type param struct {
	name      string
	key, node *yaml.Node
	typ       string
	noEcho    bool
	def       *yaml.Node
	allowed   []string
	value     any
	done      bool
}

// resource is an entry of the Resources section.
type resource struct {
	id, typ   string
	key, node *yaml.Node
	propsNode *yaml.Node
	metadata  *yaml.Node
	condName  string
	cond      tri    // triTrue when unconditional
	condWhy   string // for triUnknown
	start     int
	end       int

	state  int // 0 not evaluated, 1 being evaluated, 2 done
	p      map[string]any
	pWhole *unknown // Properties as a whole known only at deploy time
}

// isTemplate tells a CloudFormation template from other YAML/JSON: it
// declares AWSTemplateFormatVersion, or its Resources map holds resources
// of AWS types.
func isTemplate(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	if field(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	found := false
	pairs(field(root, "Resources"), func(_, v *yaml.Node) {
		if s, ok := scalarString(field(v, "Type")); ok && strings.HasPrefix(s, "AWS::") {
			found = true
		}
	})
	return found
}

// newTemplate reads the sections of a parsed template.
func newTemplate(opts *Options, file, rel string, src []byte, root *yaml.Node, now time.Time) *template {
	t := &template{
		opts: opts, file: file, rel: rel, lines: splitLines(src), root: root, now: now,
		params: map[string]*param{}, condState: map[string]*condResult{},
		byID: map[string]*resource{}, seen: map[string]bool{}, names: map[string]map[string]*resource{},
	}
	t.mappings = deref(field(root, "Mappings"))
	t.conditions = deref(field(root, "Conditions"))
	if tr := deref(field(root, "Transform")); tr != nil {
		var names []string
		if tr.Kind == yaml.ScalarNode {
			names = append(names, tr.Value)
		}
		for _, c := range tr.Content {
			if s, ok := scalarString(c); ok {
				names = append(names, s)
			}
		}
		for _, n := range names {
			if n != "AWS::LanguageExtensions" {
				t.warnf(tr, "template uses the transform %s: resources it generates are not scanned", n)
			}
		}
	}
	pairs(field(root, "Parameters"), func(k, v *yaml.Node) {
		v = deref(v)
		if v.Kind != yaml.MappingNode {
			t.warnf(k, "parameter %s must be a map", k.Value)
			return
		}
		p := &param{name: k.Value, key: k, node: v, def: field(v, "Default")}
		p.typ, _ = scalarString(field(v, "Type"))
		if s, ok := scalarString(field(v, "NoEcho")); ok {
			p.noEcho = strings.EqualFold(s, "true")
		}
		if av := deref(field(v, "AllowedValues")); av != nil && av.Kind == yaml.SequenceNode {
			for _, c := range av.Content {
				if s, ok := scalarString(c); ok {
					p.allowed = append(p.allowed, s)
				}
			}
		}
		t.params[p.name] = p
		t.paramList = append(t.paramList, p)
	})
	pairs(field(root, "Resources"), func(k, v *yaml.Node) {
		v = deref(v)
		if strings.HasPrefix(k.Value, "Fn::ForEach::") {
			t.warnf(k, "%s (AWS::LanguageExtensions) is not expanded: the resources it generates are not scanned", k.Value)
			return
		}
		if v.Kind != yaml.MappingNode {
			t.warnf(k, "resource %s must be a map", k.Value)
			return
		}
		typ, ok := scalarString(field(v, "Type"))
		if !ok {
			t.warnf(k, "resource %s has no Type", k.Value)
			return
		}
		if _, dup := t.byID[k.Value]; dup {
			t.warnf(k, "resource %s is defined twice", k.Value)
			return
		}
		r := &resource{
			id: k.Value, typ: typ, key: k, node: v, cond: triTrue,
			propsNode: field(v, "Properties"), metadata: field(v, "Metadata"),
			start: k.Line, end: endLine(v, t.lines),
		}
		if r.end < r.start {
			r.end = r.start
		}
		t.resources = append(t.resources, r)
		t.byID[r.id] = r
	})
	for _, r := range t.resources {
		c := field(r.node, "Condition")
		if c == nil {
			continue
		}
		name, ok := scalarString(c)
		if !ok {
			t.warnf(c, "resource %s: Condition must be a condition name", r.id)
			r.cond, r.condWhy = triUnknown, "a malformed Condition"
			continue
		}
		r.condName = name
		r.cond, r.condWhy = t.namedCondition(name, c)
		if r.cond == triUnknown {
			t.warnf(c, "resource %s is created only if condition %s holds, which is known only at deploy time (%s); it is scanned as if created", r.id, name, r.condWhy)
		}
	}
	return t
}

// props evaluates a resource's Properties once.
func (t *template) props(r *resource) map[string]any {
	switch r.state {
	case 1:
		return nil // a cycle through GetAtt: leave it opaque
	case 2:
		return r.p
	}
	r.state = 1
	defer func() { r.state = 2 }()
	r.p = map[string]any{}
	if r.propsNode == nil {
		return r.p
	}
	switch v := t.eval(r.propsNode).(type) {
	case map[string]any:
		r.p = v
	case unknown:
		r.pWhole = &v
	case nil, noValue:
	default:
		t.warnf(r.propsNode, "resource %s: Properties must be a map, got %s", r.id, describe(v))
		r.pWhole = &unknown{reason: "malformed Properties"}
	}
	return r.p
}

// nameProperty is the property holding a resource's physical name.
var nameProperty = map[string]string{
	"AWS::S3::Bucket":                           "BucketName",
	"AWS::EC2::SecurityGroup":                   "GroupName",
	"AWS::EC2::LaunchTemplate":                  "LaunchTemplateName",
	"AWS::IAM::User":                            "UserName",
	"AWS::IAM::Role":                            "RoleName",
	"AWS::IAM::Group":                           "GroupName",
	"AWS::IAM::ManagedPolicy":                   "ManagedPolicyName",
	"AWS::IAM::InstanceProfile":                 "InstanceProfileName",
	"AWS::Lambda::Function":                     "FunctionName",
	"AWS::RDS::DBInstance":                      "DBInstanceIdentifier",
	"AWS::RDS::DBCluster":                       "DBClusterIdentifier",
	"AWS::Neptune::DBCluster":                   "DBClusterIdentifier",
	"AWS::DocDB::DBCluster":                     "DBClusterIdentifier",
	"AWS::ECR::Repository":                      "RepositoryName",
	"AWS::EKS::Cluster":                         "Name",
	"AWS::Elasticsearch::Domain":                "DomainName",
	"AWS::OpenSearchService::Domain":            "DomainName",
	"AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
	"AWS::ElasticLoadBalancing::LoadBalancer":   "LoadBalancerName",
	"AWS::CloudTrail::Trail":                    "TrailName",
	"AWS::ElasticLoadBalancingV2::TargetGroup":  "Name",
	"AWS::RDS::DBSubnetGroup":                   "DBSubnetGroupName",
	"AWS::Neptune::DBSubnetGroup":               "DBSubnetGroupName",
	"AWS::IAM::Policy":                          "PolicyName",
	"AWS::Lambda::Alias":                        "Name",
}

// refIsName lists the types whose Ref returns their physical name.
var refIsName = map[string]bool{
	"AWS::S3::Bucket": true, "AWS::IAM::User": true, "AWS::IAM::Role": true, "AWS::IAM::Group": true,
	"AWS::IAM::InstanceProfile": true, "AWS::Lambda::Function": true, "AWS::RDS::DBInstance": true,
	"AWS::RDS::DBCluster": true, "AWS::Neptune::DBCluster": true, "AWS::DocDB::DBCluster": true,
	"AWS::ECR::Repository": true, "AWS::EKS::Cluster": true, "AWS::Elasticsearch::Domain": true,
	"AWS::OpenSearchService::Domain": true, "AWS::ElasticLoadBalancing::LoadBalancer": true,
	"AWS::CloudTrail::Trail": true, "AWS::RDS::DBSubnetGroup": true, "AWS::Neptune::DBSubnetGroup": true,
}

// lowerNames lists types whose service stores identifiers in lower case.
var lowerNames = map[string]bool{
	"AWS::RDS::DBInstance": true, "AWS::RDS::DBCluster": true, "AWS::Neptune::DBCluster": true,
	"AWS::DocDB::DBCluster": true, "AWS::RDS::DBSubnetGroup": true, "AWS::Neptune::DBSubnetGroup": true,
}

// physicalName is the resource's name when the template writes it.
func (t *template) physicalName(r *resource) (string, bool) {
	prop := nameProperty[r.typ]
	if prop == "" {
		return "", false
	}
	p := t.props(r)
	if p == nil {
		return "", false
	}
	var s string
	switch v := p[prop].(type) {
	case string:
		s = v
	case opaque:
		if !v.known {
			return "", false
		}
		s = v.text
	default:
		return "", false
	}
	if s == "" || isDynamicRef(s) {
		return "", false
	}
	if lowerNames[r.typ] {
		s = strings.ToLower(s)
	}
	return s, true
}

// uid is the asset UID of a resource or parameter of this template.
func (t *template) uid(logicalID string) string {
	return "cloudformation:" + t.rel + "#" + logicalID
}

// target resolves a value that names a resource of one of the types (a
// Ref or GetAtt to it, or its physical name) to that resource.
func (t *template) target(v any, types ...string) *resource {
	is := func(r *resource) bool {
		for _, typ := range types {
			if r.typ == typ {
				return true
			}
		}
		return false
	}
	if o, ok := v.(opaque); ok && o.res != "" {
		if r := t.byID[o.res]; r != nil && is(r) {
			return r
		}
		if !o.known {
			return nil
		}
	}
	s, ok := scalarText(v)
	if !ok || s == "" {
		return nil
	}
	for _, typ := range types {
		key := s
		if lowerNames[typ] {
			key = strings.ToLower(s)
		}
		if r := t.namesOf(typ)[key]; r != nil {
			return r
		}
	}
	return nil
}

// namesOf indexes the created resources of a type by physical name (the
// first one wins), once per template.
func (t *template) namesOf(typ string) map[string]*resource {
	if idx, ok := t.names[typ]; ok {
		return idx
	}
	idx := map[string]*resource{}
	t.names[typ] = idx // before evaluating, in case a name refers back here
	for _, r := range t.resources {
		if r.typ != typ || r.cond == triFalse {
			continue
		}
		if name, known := t.physicalName(r); known {
			if _, dup := idx[name]; !dup {
				idx[name] = r
			}
		}
	}
	return idx
}

// each calls fn for every resource of a type that is created (or may be).
func (t *template) each(typ string, fn func(r *resource)) {
	for _, r := range t.resources {
		if r.typ == typ && r.cond != triFalse {
			fn(r)
		}
	}
}

// warnf records a warning located at a node.
func (t *template) warnf(n *yaml.Node, format string, args ...any) {
	t.diag(n, iac.SevWarning, fmt.Sprintf(format, args...))
}

// errorf records an error located at a node.
func (t *template) errorf(n *yaml.Node, format string, args ...any) {
	t.diag(n, iac.SevError, fmt.Sprintf(format, args...))
}

func (t *template) diag(n *yaml.Node, sev, msg string) {
	d := iac.Diagnostic{File: t.file, Severity: sev, Message: msg}
	if n != nil {
		d.Line, d.Column = n.Line, n.Column
	}
	key := fmt.Sprintf("%d:%d:%s", d.Line, d.Column, msg)
	if t.seen[key] {
		return
	}
	t.seen[key] = true
	t.diags = append(t.diags, d)
}
