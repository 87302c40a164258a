package cloudformation

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/codeshape"
	"github.com/parapet-dev/parapet/internal/secrets"
)

// mapping turns one resource type into an asset type.
type mapping struct {
	assetType string
	global    bool // IAM: the collectors place these in region "global"
	fn        func(m *rmap) any
}

// mappers lists the resource types that become assets. Resource types that
// only feed others (bucket policies, rules, permissions, launch templates)
// are read by the mapper of what they attach to.
var mappers = map[string]mapping{
	"AWS::S3::Bucket":                           {assetType: awsshape.TypeS3Bucket, fn: mapBucket},
	"AWS::EC2::Instance":                        {assetType: awsshape.TypeInstance, fn: mapInstance},
	"AWS::EC2::Volume":                          {assetType: awsshape.TypeVolume, fn: mapVolume},
	"AWS::EC2::SecurityGroup":                   {assetType: awsshape.TypeSecurityGroup, fn: mapSecurityGroup},
	"AWS::EC2::Subnet":                          {assetType: awsshape.TypeSubnet, fn: mapSubnet},
	"AWS::EC2::VPC":                             {assetType: awsshape.TypeVPC, fn: mapVPC},
	"AWS::RDS::DBInstance":                      {assetType: awsshape.TypeDBInstance, fn: mapDBInstance},
	"AWS::RDS::DBCluster":                       {assetType: awsshape.TypeDBCluster, fn: mapDBCluster},
	"AWS::DocDB::DBCluster":                     {assetType: awsshape.TypeDBCluster, fn: mapDBCluster},
	"AWS::Neptune::DBCluster":                   {assetType: awsshape.TypeNeptuneCluster, fn: mapDBCluster},
	"AWS::IAM::User":                            {assetType: awsshape.TypeIAMUser, global: true, fn: mapUser},
	"AWS::IAM::Role":                            {assetType: awsshape.TypeIAMRole, global: true, fn: mapRole},
	"AWS::IAM::Group":                           {assetType: awsshape.TypeIAMGroup, global: true, fn: mapGroup},
	"AWS::IAM::ManagedPolicy":                   {assetType: awsshape.TypeIAMPolicy, global: true, fn: mapManagedPolicy},
	"AWS::KMS::Key":                             {assetType: awsshape.TypeKMSKey, fn: mapKey},
	"AWS::ECR::Repository":                      {assetType: awsshape.TypeECRRepository, fn: mapECRRepository},
	"AWS::EKS::Cluster":                         {assetType: awsshape.TypeEKSCluster, fn: mapEKSCluster},
	"AWS::Elasticsearch::Domain":                {assetType: awsshape.TypeOpenSearch, fn: mapOpenSearch},
	"AWS::OpenSearchService::Domain":            {assetType: awsshape.TypeOpenSearch, fn: mapOpenSearch},
	"AWS::ElasticLoadBalancingV2::LoadBalancer": {assetType: awsshape.TypeLoadBalancer, fn: mapLoadBalancer},
	"AWS::ElasticLoadBalancing::LoadBalancer":   {assetType: awsshape.TypeClassicELB, fn: mapClassicELB},
	"AWS::Lambda::Function":                     {assetType: awsshape.TypeLambdaFunction, fn: mapLambda},
	"AWS::CloudTrail::Trail":                    {assetType: awsshape.TypeTrail, fn: mapTrail},
}

// assets builds every asset of the template: parameters, resources and
// suppressions, in template order.
func (t *template) assets() []asset.Asset {
	var out []asset.Asset
	for _, p := range t.paramList {
		out = append(out, t.paramAsset(p))
	}
	for _, r := range t.resources {
		if r.cond == triFalse {
			continue // not created
		}
		if mp, ok := mappers[r.typ]; ok {
			m := newRmap(t, r)
			shape := mp.fn(m)
			if a, ok := t.resourceAsset(m, mp, shape); ok {
				out = append(out, a)
			}
		}
		out = append(out, t.suppressions(r)...)
	}
	return out
}

func (t *template) resourceAsset(m *rmap, mp mapping, shape any) (asset.Asset, bool) {
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		t.errorf(m.r.key, "resource %s: %v", m.r.id, err)
		return asset.Asset{}, false
	}
	name := m.name
	if name == "" {
		name = m.r.id
	}
	a := asset.Asset{
		UID:         t.uid(m.r.id),
		Provider:    awsshape.Provider,
		Account:     t.account(),
		Region:      t.region(),
		Type:        mp.assetType,
		Name:        name,
		Tags:        m.tags,
		Config:      cfg,
		Relations:   sortRelations(m.rels),
		Source:      asset.Source{Kind: asset.SourceCloudFormation, File: t.file, StartLine: m.r.start, EndLine: m.r.end},
		CollectedAt: t.now,
		Errors:      sortErrors(m.errs),
	}
	if mp.global {
		a.Region = asset.Global
	}
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	a.Hash = a.ComputeHash()
	return a, true
}

// codeAsset builds an asset that exists only in code.
func (t *template) codeAsset(uid, typ, name string, shape any, start, end int) asset.Asset {
	cfg, err := asset.ToConfig(shape)
	if err != nil {
		cfg = map[string]any{} // the shapes are plain structs: unreachable
	}
	a := asset.Asset{
		UID: uid, Provider: codeshape.Provider, Type: typ, Name: name, Config: cfg,
		Source:      asset.Source{Kind: asset.SourceCloudFormation, File: t.file, StartLine: start, EndLine: end},
		CollectedAt: t.now,
	}
	a.Hash = a.ComputeHash()
	return a
}

// paramAsset describes a parameter, with the secrets its default holds.
func (t *template) paramAsset(p *param) asset.Asset {
	shape := codeshape.CFNParameter{Name: p.name, Type: p.typ, NoEcho: p.noEcho, HasDefault: p.def != nil}
	if d := deref(p.def); d != nil {
		var text string
		switch d.Kind {
		case yaml.ScalarNode:
			text = d.Value
		case yaml.SequenceNode:
			var parts []string
			for _, c := range d.Content {
				if s, ok := scalarString(c); ok {
					parts = append(parts, s)
				}
			}
			text = strings.Join(parts, ",")
		}
		shape.Secrets = secrets.ScanValue(p.name, text)
	}
	end := endLine(p.node, t.lines)
	if end < p.key.Line {
		end = p.key.Line
	}
	return t.codeAsset(t.uid(p.name), codeshape.TypeCFNParameter, p.name, shape, p.key.Line, end)
}

var ignoreComment = regexp.MustCompile(`^#+\s*parapet:ignore:([^\s]+)\s*(.*)$`)

// suppressions reads the suppressions of a resource: `# parapet:ignore:<id>
// <reason>` comments directly above it, and Metadata
// `parapet: {ignore: [{id, reason}]}` (or a plain list of ids, which have
// no reason).
func (t *template) suppressions(r *resource) []asset.Asset {
	type entry struct {
		id, reason string
		start, end int
	}
	var found []entry
	for i := r.key.Line - 2; i >= 0 && i < len(t.lines); i-- {
		l := strings.TrimSpace(t.lines[i])
		if !strings.HasPrefix(l, "#") {
			break
		}
		if m := ignoreComment.FindStringSubmatch(l); m != nil {
			found = append([]entry{{id: m[1], reason: strings.TrimSpace(m[2]), start: i + 1, end: i + 1}}, found...)
		}
	}
	if ign := deref(field(field(r.metadata, "parapet"), "ignore")); ign != nil {
		var list []*yaml.Node
		switch ign.Kind {
		case yaml.SequenceNode:
			list = ign.Content
		case yaml.ScalarNode, yaml.MappingNode:
			list = []*yaml.Node{ign}
		}
		for _, n := range list {
			n = deref(n)
			e := entry{start: n.Line, end: endLine(n, t.lines)}
			switch n.Kind {
			case yaml.ScalarNode:
				e.id = strings.TrimSpace(n.Value)
			case yaml.MappingNode:
				e.id, _ = scalarString(field(n, "id"))
				e.reason, _ = scalarString(field(n, "reason"))
				e.id, e.reason = strings.TrimSpace(e.id), strings.TrimSpace(e.reason)
			}
			if e.id == "" {
				t.warnf(n, "resource %s: Metadata parapet.ignore entries must be a check id or {id, reason}", r.id)
				continue
			}
			found = append(found, e)
		}
	} else if p := field(r.metadata, "parapet"); p != nil {
		t.warnf(p, "resource %s: Metadata parapet has no ignore list", r.id)
	}
	var out []asset.Asset
	used := map[string]int{}
	for _, e := range found {
		uid := t.uid(r.id) + "/ignore/" + e.id
		if n := used[e.id]; n > 0 {
			uid = fmt.Sprintf("%s/%d", uid, n+1)
		}
		used[e.id]++
		shape := codeshape.Suppression{CheckID: e.id, Reason: e.reason, Resource: t.uid(r.id)}
		out = append(out, t.codeAsset(uid, codeshape.TypeSuppression, e.id, shape, e.start, e.end))
	}
	return out
}
