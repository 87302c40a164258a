package cloudsim

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// checkWorkloads applies the rules of the region's snapshots, clusters,
// repositories, domains, load balancers and functions.
func checkWorkloads(acct string, r *Region, p string, bad badFunc, d *decoder, instances, vpcs *uniq) {
	for _, id := range slices.Sorted(maps.Keys(r.InstanceUserData)) {
		if !instances.has(id) {
			bad(fmt.Sprintf("%s.InstanceUserData[%s]", p, id), "instance %s is not one of this region's Instances", id)
		}
	}
	snaps := newUniq("snapshot", bad, d)
	for i, sn := range r.Snapshots {
		sp := fmt.Sprintf("%s.Snapshots[%d]", p, i)
		if sn == nil || !snaps.add(sp, "SnapshotId", aws.ToString(sn.SnapshotId)) {
			continue
		}
		if o := aws.ToString(sn.OwnerId); o != "" && o != acct {
			bad(sp+".OwnerId", "a snapshot belongs to the account it is listed in (%s), got %s", acct, o)
		}
		for j, perm := range sn.CreateVolumePermissions {
			pp := fmt.Sprintf("%s.CreateVolumePermissions[%d]", sp, j)
			user := aws.ToString(perm.UserId)
			switch {
			case perm.Group != "" && user != "":
				bad(pp, "give Group or UserId, not both")
			case perm.Group == "" && !accountIDRe.MatchString(user):
				bad(pp, "expected Group: all or a 12-digit UserId, got %q", user)
			}
		}
	}
	clusters := newUniq("DB cluster", bad, d)
	for i, c := range r.DBClusters {
		cp := fmt.Sprintf("%s.DBClusters[%d]", p, i)
		if clusters.add(cp, "DBClusterIdentifier", aws.ToString(c.DBClusterIdentifier)) && aws.ToString(c.Engine) == "" {
			bad(cp, "Engine is required (aurora-mysql, aurora-postgresql, neptune, docdb, ...)")
		}
	}
	repos := newUniq("repository", bad, d)
	for i, repo := range r.Repositories {
		rp := fmt.Sprintf("%s.Repositories[%d]", p, i)
		if repo == nil || !repos.add(rp, "RepositoryName", aws.ToString(repo.RepositoryName)) {
			continue
		}
		jsonField(bad, rp+".Policy", repo.Policy)
		jsonField(bad, rp+".LifecyclePolicy", repo.LifecyclePolicy)
	}
	eks := newUniq("EKS cluster", bad, d)
	for i, c := range r.EKSClusters {
		eks.add(fmt.Sprintf("%s.EKSClusters[%d]", p, i), "Name", aws.ToString(c.Name))
	}
	domains := newUniq("domain", bad, d)
	for i, dom := range r.Domains {
		dp := fmt.Sprintf("%s.Domains[%d]", p, i)
		if domains.add(dp, "DomainName", aws.ToString(dom.DomainName)) {
			jsonField(bad, dp+".AccessPolicies", aws.ToString(dom.AccessPolicies))
		}
	}
	lbs := newUniq("load balancer", bad, d)
	for i, lb := range r.LoadBalancers {
		lp := fmt.Sprintf("%s.LoadBalancers[%d]", p, i)
		if lb == nil || !lbs.add(lp, "LoadBalancerName", aws.ToString(lb.LoadBalancerName)) {
			continue
		}
		if id := aws.ToString(lb.VpcId); id != "" && !vpcs.has(id) {
			bad(lp+".VpcId", "VPC %s is not one of this region's Vpcs", id)
		}
		for j, l := range lb.Listeners {
			if l.Port == nil || l.Protocol == "" {
				bad(fmt.Sprintf("%s.Listeners[%d]", lp, j), "Port and Protocol are required")
			}
		}
		keys := map[string]bool{}
		for j, a := range lb.Attributes {
			k := aws.ToString(a.Key)
			if k == "" || keys[k] {
				bad(fmt.Sprintf("%s.Attributes[%d]", lp, j), "attribute Key missing or given twice: %q", k)
			}
			keys[k] = true
		}
	}
	classic := newUniq("classic load balancer", bad, d)
	for i, lb := range r.ClassicLoadBalancers {
		lp := fmt.Sprintf("%s.ClassicLoadBalancers[%d]", p, i)
		if lb == nil || !classic.add(lp, "LoadBalancerName", aws.ToString(lb.LoadBalancerName)) {
			continue
		}
		if id := aws.ToString(lb.VPCId); id != "" && !vpcs.has(id) {
			bad(lp+".VPCId", "VPC %s is not one of this region's Vpcs", id)
		}
	}
	fns := newUniq("function", bad, d)
	for i, f := range r.Functions {
		fp := fmt.Sprintf("%s.Functions[%d]", p, i)
		if f == nil || !fns.add(fp, "FunctionName", aws.ToString(f.FunctionName)) {
			continue
		}
		jsonField(bad, fp+".Policy", f.Policy)
		quals := map[string]bool{}
		for j, u := range f.FunctionUrls {
			if quals[u.Qualifier] {
				bad(fmt.Sprintf("%s.FunctionUrls[%d].Qualifier", fp, j), "a second URL for qualifier %q", u.Qualifier)
			}
			quals[u.Qualifier] = true
		}
	}
}

// jsonField reports a document field (set in Go) that is not JSON; the
// decoder already checks those written in a file.
func jsonField(bad badFunc, path, doc string) {
	if doc != "" && !json.Valid([]byte(doc)) {
		bad(path, "policy document is not valid JSON")
	}
}
