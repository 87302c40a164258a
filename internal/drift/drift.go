// Package drift compares what infrastructure as code says is deployed
// (a Terraform state or plan, mapped to assets) with what the cloud
// inventory holds: resources no code manages, resources the code expects
// that are gone, and attributes changed outside the code.
package drift

import (
	"sort"
	"strings"

	"github.com/parapet-dev/parapet/internal/asset"
	"github.com/parapet-dev/parapet/internal/awsshape"
	"github.com/parapet-dev/parapet/internal/configdiff"
)

// identity names, per type, the Config fields that identify a resource in
// both its code and its cloud form (the first one set wins).
var identity = map[string][]string{
	awsshape.TypeS3Bucket:       {"Name"},
	awsshape.TypeSecurityGroup:  {"GroupId"},
	awsshape.TypeInstance:       {"InstanceId"},
	awsshape.TypeVPC:            {"VpcId"},
	awsshape.TypeSubnet:         {"SubnetId"},
	awsshape.TypeVolume:         {"VolumeId"},
	awsshape.TypeSnapshot:       {"SnapshotId"},
	awsshape.TypeIAMUser:        {"UserName"},
	awsshape.TypeIAMRole:        {"RoleName"},
	awsshape.TypeIAMGroup:       {"GroupName"},
	awsshape.TypeIAMPolicy:      {"Arn", "PolicyName"},
	awsshape.TypeTrail:          {"Name"},
	awsshape.TypeKMSKey:         {"KeyId"},
	awsshape.TypeDBInstance:     {"DBInstanceIdentifier"},
	awsshape.TypeDBCluster:      {"DBClusterIdentifier"},
	awsshape.TypeNeptuneCluster: {"DBClusterIdentifier"},
	awsshape.TypeECRRepository:  {"RepositoryName"},
	awsshape.TypeEKSCluster:     {"Name"},
	awsshape.TypeOpenSearch:     {"DomainName"},
	awsshape.TypeLoadBalancer:   {"LoadBalancerName"},
	awsshape.TypeClassicELB:     {"LoadBalancerName"},
	awsshape.TypeLambdaFunction: {"FunctionName"},
}

// Types lists the asset types drift can compare.
func Types() []string {
	out := make([]string, 0, len(identity))
	for t := range identity {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// apiOnly are fields only the live API knows (timestamps, status, owner
// and usage data): their absence from code is not drift.
var apiOnly = map[string]bool{
	"CreationDate": true, "CreateDate": true, "UpdateDate": true, "LaunchTime": true, "StartTime": true,
	"ClusterCreateTime": true, "InstanceCreateTime": true, "LastModified": true, "CreatedAt": true,
	"PasswordLastUsed": true, "PasswordLastChanged": true, "LastUsedDate": true, "EnableDate": true,
	"PolicyStatus": true, "AccountPublicAccessBlock": true, "Owner": true, "OwnerId": true,
	"DeliverLogsStatus": true, "LatestDeliveryError": true, "DNSName": true, "DBInstanceStatus": true, "DbiResourceId": true, "DbClusterResourceId": true,
	"AttachmentCount": true, "UserId": true, "RoleId": true, "PolicyId": true, "DefaultVersionId": true,
	"Endpoint": true, "RepositoryUri": true, "Attachments": true, "AccessKeys": true, "MFADevices": true,
	"MfaActive": true, "PrivateIpAddress": true, "PublicIpAddress": true,
}

// Item is one resource in a drift report.
type Item struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	UID     string `json:"uid"`
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Address is the resource address in code, when it comes from code.
	Address string `json:"address,omitempty"`
}

// Changed is a managed resource whose cloud configuration differs from
// the code's.
type Changed struct {
	Item
	LiveUID string              `json:"liveUid"`
	Changes []configdiff.Change `json:"changes"`
}

// Report is the outcome of a comparison.
type Report struct {
	// Unmanaged are cloud resources no code declares.
	Unmanaged []Item `json:"unmanaged"`
	// Missing are resources the code declares that the cloud lacks.
	Missing []Item `json:"missing"`
	// Changed are resources changed outside the code.
	Changed []Changed `json:"changed"`
	// Skipped counts code resources that could not be compared (their
	// identifying field is unknown, or their type is not compared).
	Skipped int `json:"skipped"`
}

// Clean reports whether code and cloud agree.
func (r *Report) Clean() bool { return len(r.Unmanaged)+len(r.Missing)+len(r.Changed) == 0 }

// Compare matches code assets to live ones by type and identifying field.
// Only live resources of types and regions the code covers count as
// unmanaged, so a state of one stack is not blamed for a whole account.
func Compare(code, live []asset.Asset) Report {
	var r Report
	type key struct{ typ, id string }
	liveBy := map[key]*asset.Asset{}
	for i := range live {
		a := &live[i]
		if id := idOf(a); id != "" {
			liveBy[key{a.Type, id}] = a
		}
	}
	types, regions := map[string]bool{}, map[string]bool{}
	matched := map[*asset.Asset]bool{}
	for i := range code {
		c := &code[i]
		if _, ok := identity[c.Type]; !ok {
			continue
		}
		id := idOf(c)
		if id == "" || strings.Contains(id, "${") || unknown(c, identity[c.Type]) {
			r.Skipped++
			continue
		}
		types[c.Type] = true
		if c.Region != "" {
			regions[c.Region] = true
		}
		it := itemOf(c, id)
		l := liveBy[key{c.Type, id}]
		if l == nil {
			r.Missing = append(r.Missing, it)
			continue
		}
		matched[l] = true
		if ch := changes(c, l); len(ch) > 0 {
			r.Changed = append(r.Changed, Changed{Item: it, LiveUID: l.UID, Changes: ch})
		}
	}
	for i := range live {
		l := &live[i]
		if matched[l] || !types[l.Type] {
			continue
		}
		if len(regions) > 0 && l.Region != asset.Global && !regions[l.Region] {
			continue
		}
		if id := idOf(l); id != "" {
			r.Unmanaged = append(r.Unmanaged, itemOf(l, id))
		}
	}
	sortItems(r.Unmanaged)
	sortItems(r.Missing)
	sort.Slice(r.Changed, func(i, j int) bool { return less(r.Changed[i].Item, r.Changed[j].Item) })
	return r
}

// ID returns the identifier that matches an asset's code and cloud forms
// (a bucket name, a security group ID, ...), or "" for types drift does
// not compare.
func ID(a *asset.Asset) string { return idOf(a) }

func idOf(a *asset.Asset) string {
	for _, f := range identity[a.Type] {
		if s, _ := a.Config[f].(string); s != "" {
			return s
		}
	}
	return ""
}

// unknown reports whether the code could not know one of the fields.
func unknown(a *asset.Asset, fields []string) bool {
	for _, fe := range a.Errors {
		for _, f := range fields {
			if fe.Path == f || fe.Path == "" {
				return true
			}
		}
	}
	return false
}

func itemOf(a *asset.Asset, id string) Item {
	it := Item{Type: a.Type, ID: id, UID: a.UID, Name: a.Name, Account: a.Account, Region: a.Region}
	if _, addr, ok := strings.Cut(a.UID, "#"); ok && a.Source.Kind != asset.SourceAPI {
		it.Address = addr
	}
	return it
}

// changes are the differences that code controls: fields only the API
// knows, fields the code left unknown and values the code does not set
// are not drift.
func changes(code, live *asset.Asset) []configdiff.Change {
	var out []configdiff.Change
	for _, c := range configdiff.Diff("", code.Config, live.Config) {
		if ignored(c.Path) || codeUnknown(code, c.Path) {
			continue
		}
		if c.Kind == configdiff.Changed && (c.From == nil || c.From == "") {
			continue
		}
		if c.Kind == configdiff.Added && scalar(c.To) {
			// A field the code leaves out of an object it declares is
			// the provider's to fill in; whole added objects (a new
			// grant, a new rule) are still reported.
			continue
		}
		out = append(out, c)
	}
	return out
}

// apiOnlyTop are lifecycle fields at the top of a Config (an instance's
// State, a cluster's Status); deeper down the same names are settings
// (Versioning.Status).
var apiOnlyTop = map[string]bool{"State": true, "Status": true}

func ignored(path string) bool {
	top, _, _ := strings.Cut(path, ".")
	if apiOnlyTop[top] {
		return true
	}
	for _, seg := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
		if apiOnly[seg] {
			return true
		}
	}
	return false
}

func codeUnknown(a *asset.Asset, path string) bool {
	for _, fe := range a.Errors {
		if fe.Path == "" || path == fe.Path || strings.HasPrefix(path, fe.Path+".") || strings.HasPrefix(path, fe.Path+"[") {
			return true
		}
	}
	return false
}

func sortItems(items []Item) {
	sort.Slice(items, func(i, j int) bool { return less(items[i], items[j]) })
}

func less(a, b Item) bool {
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.ID < b.ID
}

func scalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}
