package cloudsim

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

var (
	accountIDRe = regexp.MustCompile(`^\d{12}$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	actionRe    = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*?]+$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// check applies the semantic rules of a world and reports problems through
// d, at the lines d recorded while decoding (line 0 for worlds built in Go).
func (w *World) check(d *decoder) {
	bad := func(path, format string, args ...any) {
		d.errorf(d.line(path), path, format, args...)
	}
	accounts := map[string]string{} // id -> path
	for i, a := range w.Accounts {
		p := fmt.Sprintf("accounts[%d]", i)
		if a == nil {
			bad(p, "empty account")
			continue
		}
		switch {
		case !accountIDRe.MatchString(a.Id):
			bad(p+".Id", "account Id must be 12 digits, got %q", a.Id)
		case accounts[a.Id] != "":
			bad(p+".Id", "duplicate account Id %s (first at line %d)", a.Id, d.line(accounts[a.Id]))
		default:
			accounts[a.Id] = p
		}
	}
	if o := w.Organization; o != nil {
		if o.MasterAccountId == "" {
			bad("organization", "MasterAccountId is required")
		} else if accounts[o.MasterAccountId] == "" {
			bad("organization.MasterAccountId", "account %s is not in accounts", o.MasterAccountId)
		}
		if o.Id != "" && !strings.HasPrefix(o.Id, "o-") {
			bad("organization.Id", "organization Id must start with o-, got %q", o.Id)
		}
	}
	if w.DefaultAccount != "" && accounts[w.DefaultAccount] == "" {
		bad("defaultAccount", "account %s is not in accounts", w.DefaultAccount)
	}
	keys := map[string]string{} // access key id -> path
	for i, c := range w.Credentials {
		p := fmt.Sprintf("credentials[%d]", i)
		if c.AccessKeyId == "" {
			bad(p, "AccessKeyId is required")
		} else if first := keys[c.AccessKeyId]; first != "" {
			bad(p+".AccessKeyId", "duplicate access key %s (first at line %d)", c.AccessKeyId, d.line(first))
		} else {
			keys[c.AccessKeyId] = p
		}
		if accounts[c.Account] == "" {
			bad(p+".Account", "account %q is not in accounts", c.Account)
		}
	}
	if f := w.Faults; f.ErrorRate < 0 || f.ErrorRate > 1 {
		bad("faults.ErrorRate", "errorRate must be between 0 and 1, got %v", f.ErrorRate)
	}
	if f := w.Faults; f.ThrottleRate < 0 || f.ThrottleBurst < 0 || f.PageSize < 0 || f.Latency < 0 {
		bad("faults", "fault settings must not be negative")
	}
	buckets := map[string]string{}
	userKeys := map[string]string{}
	for i, a := range w.Accounts {
		if a == nil {
			continue
		}
		p := fmt.Sprintf("accounts[%d]", i)
		for j, act := range a.Deny {
			if !actionRe.MatchString(act) {
				bad(fmt.Sprintf("%s.Deny[%d]", p, j), "expected an IAM action such as s3:GetBucketPolicy, got %q", act)
			}
		}
		for r := range a.Regions {
			if !regionRe.MatchString(r) {
				bad(fmt.Sprintf("%s.Regions[%s]", p, r), "%q is not a region name", r)
			}
		}
		checkIAM(a, p, bad, userKeys, d)
		for j, b := range a.S3.Buckets {
			bp := fmt.Sprintf("%s.S3.Buckets[%d]", p, j)
			if b == nil {
				bad(bp, "empty bucket")
				continue
			}
			if !bucketRe.MatchString(b.Name) {
				bad(bp+".Name", "%q is not a valid bucket name", b.Name)
			} else if first := buckets[b.Name]; first != "" {
				bad(bp+".Name", "duplicate bucket %s (bucket names are global; first at line %d)", b.Name, d.line(first))
			} else {
				buckets[b.Name] = bp
			}
			region := b.Region
			if region == "" {
				region = "us-east-1"
			}
			if a.Regions[region] == nil {
				bad(bp+".Region", "region %s is not one of the account's Regions", region)
			}
			if b.Policy != "" && !json.Valid([]byte(b.Policy)) {
				bad(bp+".Policy", "policy document is not valid JSON")
			}
		}
		for name, r := range a.Regions {
			if r == nil {
				continue
			}
			checkRegion(a.Id, r, fmt.Sprintf("%s.Regions[%s]", p, name), bad, d)
		}
	}
}

type badFunc func(path, format string, args ...any)

// unique reports duplicate, empty IDs in one list.
type uniq struct {
	what  string
	seen  map[string]string
	bad   badFunc
	lines *decoder
}

func newUniq(what string, bad badFunc, d *decoder) *uniq {
	return &uniq{what: what, seen: map[string]string{}, bad: bad, lines: d}
}

func (u *uniq) add(path, field, id string) bool {
	if id == "" {
		u.bad(path, "%s is required", field)
		return false
	}
	if first := u.seen[id]; first != "" {
		u.bad(path+"."+field, "duplicate %s %s (first at line %d)", u.what, id, u.lines.line(first))
		return false
	}
	u.seen[id] = path
	return true
}

func (u *uniq) has(id string) bool { return u.seen[id] != "" }

func checkIAM(a *Account, p string, bad badFunc, userKeys map[string]string, d *decoder) {
	policies := map[string]bool{}
	for arn := range awsManagedPolicies {
		policies[arn] = true
	}
	pol := newUniq("policy", bad, d)
	for i, x := range a.IAM.Policies {
		pp := fmt.Sprintf("%s.IAM.Policies[%d]", p, i)
		if x == nil || !pol.add(pp, "PolicyName", aws.ToString(x.PolicyName)) {
			continue
		}
		policies[customerPolicyArn(a.Id, x)] = true
		if x.Document == "" {
			bad(pp, "Document is required")
		}
	}
	attached := func(path string, list []iamtypes.AttachedPolicy) {
		for i, ap := range list {
			if arn := aws.ToString(ap.PolicyArn); !policies[arn] {
				bad(fmt.Sprintf("%s.AttachedPolicies[%d].PolicyArn", path, i), "policy %q does not exist (neither a built-in AWS managed policy nor one of the account's Policies)", arn)
			}
		}
	}
	inline := func(path string, list []InlinePolicy) {
		names := newUniq("inline policy", bad, d)
		for i, ip := range list {
			ipp := fmt.Sprintf("%s.InlinePolicies[%d]", path, i)
			names.add(ipp, "PolicyName", ip.PolicyName)
			if ip.PolicyDocument == "" {
				bad(ipp, "PolicyDocument is required")
			}
		}
	}
	groups := newUniq("group", bad, d)
	for i, g := range a.IAM.Groups {
		gp := fmt.Sprintf("%s.IAM.Groups[%d]", p, i)
		if g == nil || !groups.add(gp, "GroupName", aws.ToString(g.GroupName)) {
			continue
		}
		attached(gp, g.AttachedPolicies)
		inline(gp, g.InlinePolicies)
	}
	users := newUniq("user", bad, d)
	for i, u := range a.IAM.Users {
		up := fmt.Sprintf("%s.IAM.Users[%d]", p, i)
		if u == nil || !users.add(up, "UserName", aws.ToString(u.UserName)) {
			continue
		}
		for j, g := range u.Groups {
			if !groups.has(g) {
				bad(fmt.Sprintf("%s.Groups[%d]", up, j), "group %q is not one of the account's Groups", g)
			}
		}
		for j, k := range u.AccessKeys {
			kp := fmt.Sprintf("%s.AccessKeys[%d]", up, j)
			id := aws.ToString(k.AccessKeyId)
			if id == "" {
				bad(kp, "AccessKeyId is required")
			} else if first := userKeys[id]; first != "" {
				bad(kp+".AccessKeyId", "duplicate access key %s (first at line %d)", id, d.line(first))
			} else {
				userKeys[id] = kp
			}
		}
		attached(up, u.AttachedPolicies)
		inline(up, u.InlinePolicies)
	}
	roles := newUniq("role", bad, d)
	for i, r := range a.IAM.Roles {
		rp := fmt.Sprintf("%s.IAM.Roles[%d]", p, i)
		if r == nil || !roles.add(rp, "RoleName", aws.ToString(r.RoleName)) {
			continue
		}
		attached(rp, r.AttachedPolicies)
		inline(rp, r.InlinePolicies)
	}
}

func checkRegion(acct string, r *Region, p string, bad badFunc, d *decoder) {
	vpcs := newUniq("VPC", bad, d)
	for i, v := range r.Vpcs {
		vpcs.add(fmt.Sprintf("%s.Vpcs[%d]", p, i), "VpcId", aws.ToString(v.VpcId))
	}
	vpcRef := func(path, id string) {
		if id != "" && !vpcs.has(id) {
			bad(path+".VpcId", "VPC %s is not one of this region's Vpcs", id)
		}
	}
	subnets := newUniq("subnet", bad, d)
	for i, s := range r.Subnets {
		sp := fmt.Sprintf("%s.Subnets[%d]", p, i)
		subnets.add(sp, "SubnetId", aws.ToString(s.SubnetId))
		if aws.ToString(s.VpcId) == "" {
			bad(sp, "VpcId is required")
		}
		vpcRef(sp, aws.ToString(s.VpcId))
	}
	sgs := newUniq("security group", bad, d)
	for i, g := range r.SecurityGroups {
		gp := fmt.Sprintf("%s.SecurityGroups[%d]", p, i)
		sgs.add(gp, "GroupId", aws.ToString(g.GroupId))
		vpcRef(gp, aws.ToString(g.VpcId))
	}
	flows := newUniq("flow log", bad, d)
	for i, f := range r.FlowLogs {
		fp := fmt.Sprintf("%s.FlowLogs[%d]", p, i)
		flows.add(fp, "FlowLogId", aws.ToString(f.FlowLogId))
		res := aws.ToString(f.ResourceId)
		switch {
		case res == "":
			bad(fp, "ResourceId is required")
		case strings.HasPrefix(res, "vpc-") && !vpcs.has(res):
			bad(fp+".ResourceId", "VPC %s is not one of this region's Vpcs", res)
		case strings.HasPrefix(res, "subnet-") && !subnets.has(res):
			bad(fp+".ResourceId", "subnet %s is not one of this region's Subnets", res)
		}
	}
	instances := newUniq("instance", bad, d)
	for i, in := range r.Instances {
		ip := fmt.Sprintf("%s.Instances[%d]", p, i)
		instances.add(ip, "InstanceId", aws.ToString(in.InstanceId))
		vpcRef(ip, aws.ToString(in.VpcId))
		if s := aws.ToString(in.SubnetId); s != "" && !subnets.has(s) {
			bad(ip+".SubnetId", "subnet %s is not one of this region's Subnets", s)
		}
		for j, g := range in.SecurityGroups {
			if id := aws.ToString(g.GroupId); id != "" && !sgs.has(id) {
				bad(fmt.Sprintf("%s.SecurityGroups[%d].GroupId", ip, j), "security group %s is not one of this region's SecurityGroups", id)
			}
		}
	}
	volumes := newUniq("volume", bad, d)
	for i, v := range r.Volumes {
		vp := fmt.Sprintf("%s.Volumes[%d]", p, i)
		volumes.add(vp, "VolumeId", aws.ToString(v.VolumeId))
		for j, at := range v.Attachments {
			if id := aws.ToString(at.InstanceId); id != "" && !instances.has(id) {
				bad(fmt.Sprintf("%s.Attachments[%d].InstanceId", vp, j), "instance %s is not one of this region's Instances", id)
			}
		}
	}
	trails := newUniq("trail", bad, d)
	for i, t := range r.Trails {
		tp := fmt.Sprintf("%s.Trails[%d]", p, i)
		if t == nil || !trails.add(tp, "Name", aws.ToString(t.Name)) {
			continue
		}
		if aws.ToString(t.S3BucketName) == "" {
			bad(tp, "S3BucketName is required")
		}
	}
	keys := newUniq("KMS key", bad, d)
	for i, k := range r.Keys {
		if k != nil {
			keys.add(fmt.Sprintf("%s.Keys[%d]", p, i), "KeyId", aws.ToString(k.KeyId))
		}
	}
	recs := newUniq("configuration recorder", bad, d)
	for i, c := range r.ConfigurationRecorders {
		if c != nil {
			recs.add(fmt.Sprintf("%s.ConfigurationRecorders[%d]", p, i), "Name", aws.ToString(c.Name))
		}
	}
	dets := newUniq("detector", bad, d)
	for i, x := range r.Detectors {
		if x != nil {
			dets.add(fmt.Sprintf("%s.Detectors[%d]", p, i), "DetectorId", x.DetectorId)
		}
	}
	dbs := newUniq("DB instance", bad, d)
	for i, db := range r.DBInstances {
		dbs.add(fmt.Sprintf("%s.DBInstances[%d]", p, i), "DBInstanceIdentifier", aws.ToString(db.DBInstanceIdentifier))
	}
	checkWorkloads(acct, r, p, bad, d, instances, vpcs)
}
