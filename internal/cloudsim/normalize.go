package cloudsim

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// stableID derives an ID from parts, so that a world serves the same IDs
// every time without writing them down.
func stableID(prefix string, n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])
	return prefix + s[:n]
}

func stableHex(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}

// canonicalUserID is the S3 canonical user ID of an account.
func canonicalUserID(account string) string {
	return stableHex(64, "canonical", account)
}

func iamPath(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}

func customerPolicyArn(account string, p *Policy) string {
	if p.Arn != nil && *p.Arn != "" {
		return *p.Arn
	}
	return "arn:aws:iam::" + account + ":policy" + iamPath(p.Path) + aws.ToString(p.PolicyName)
}

func setStr(p **string, v string) {
	if *p == nil || **p == "" {
		*p = aws.String(v)
	}
}

func setTime(p **time.Time, v time.Time) {
	if *p == nil && !v.IsZero() {
		t := v
		*p = &t
	}
}

func setBool(p **bool, v bool) {
	if *p == nil {
		*p = aws.Bool(v)
	}
}

// normalize fills in what the world may leave out: IDs, ARNs, owners,
// states and the other members AWS always returns. It never fails; Validate
// reports what it cannot repair.
func (w *World) normalize() {
	asOf := w.AsOf
	w.Accounts = compact(w.Accounts)
	for _, a := range w.Accounts {
		a.IAM.Users = compact(a.IAM.Users)
		a.IAM.Groups = compact(a.IAM.Groups)
		a.IAM.Roles = compact(a.IAM.Roles)
		a.IAM.Policies = compact(a.IAM.Policies)
		a.S3.Buckets = compact(a.S3.Buckets)
		for _, r := range a.Regions {
			if r != nil {
				r.Trails = compact(r.Trails)
				r.Keys = compact(r.Keys)
				r.ConfigurationRecorders = compact(r.ConfigurationRecorders)
				r.Detectors = compact(r.Detectors)
				r.Snapshots = compact(r.Snapshots)
				r.Repositories = compact(r.Repositories)
				r.LoadBalancers = compact(r.LoadBalancers)
				r.ClassicLoadBalancers = compact(r.ClassicLoadBalancers)
				r.Functions = compact(r.Functions)
			}
		}
	}
	byID := map[string]*Account{}
	for _, a := range w.Accounts {
		if a != nil {
			byID[a.Id] = a
		}
	}
	if o := w.Organization; o != nil {
		if o.Id == "" {
			o.Id = "o-" + strings.ToLower(stableID("", 10, "org", o.MasterAccountId))
		}
		if o.FeatureSet == "" {
			o.FeatureSet = "ALL"
		}
		if o.Arn == "" {
			o.Arn = "arn:aws:organizations::" + o.MasterAccountId + ":organization/" + o.Id
		}
		if o.MasterAccountArn == "" {
			o.MasterAccountArn = "arn:aws:organizations::" + o.MasterAccountId + ":account/" + o.Id + "/" + o.MasterAccountId
		}
		if m := byID[o.MasterAccountId]; m != nil && o.MasterAccountEmail == "" {
			o.MasterAccountEmail = m.Email
		}
	}
	for _, a := range w.Accounts {
		if a == nil {
			continue
		}
		if a.Status == "" {
			a.Status = "ACTIVE"
		}
		if a.JoinedMethod == "" {
			a.JoinedMethod = "CREATED"
		}
		if a.Name == "" {
			a.Name = "account-" + a.Id
		}
		if a.Email == "" {
			a.Email = "aws-" + a.Id + "@example.com"
		}
		setTime(&a.JoinedTimestamp, asOf)
		if a.Regions == nil {
			a.Regions = map[string]*Region{}
		}
		for name, r := range a.Regions {
			if r == nil {
				r = &Region{}
				a.Regions[name] = r
			}
			normalizeRegion(a.Id, name, r, asOf)
		}
		normalizeIAM(a, asOf)
		for _, b := range a.S3.Buckets {
			if b == nil {
				continue
			}
			if b.Region == "" {
				b.Region = "us-east-1"
			}
			setTime(&b.CreationDate, asOf)
			if b.Acl == nil {
				b.Acl = &BucketAcl{}
			}
			if b.Acl.Owner == nil {
				b.Acl.Owner = &s3types.Owner{ID: aws.String(canonicalUserID(a.Id))}
			}
			if b.Acl.Grants == nil {
				b.Acl.Grants = []s3types.Grant{{
					Grantee:    &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: b.Acl.Owner.ID, DisplayName: b.Acl.Owner.DisplayName},
					Permission: s3types.PermissionFullControl,
				}}
			}
		}
	}
}

func normalizeIAM(a *Account, asOf time.Time) {
	acct := a.Id
	if a.IAM.Root.CreateDate == nil {
		a.IAM.Root.CreateDate = a.JoinedTimestamp
	}
	arnFor := func(kind string, path *string, name string) string {
		return "arn:aws:iam::" + acct + ":" + kind + iamPath(path) + name
	}
	attach := func(list []iamtypes.AttachedPolicy) {
		for i := range list {
			if list[i].PolicyName == nil {
				arn := aws.ToString(list[i].PolicyArn)
				list[i].PolicyName = aws.String(arn[strings.LastIndex(arn, "/")+1:])
			}
		}
	}
	for _, p := range a.IAM.Policies {
		if p == nil {
			continue
		}
		name := aws.ToString(p.PolicyName)
		setStr(&p.Path, "/")
		p.Arn = aws.String(customerPolicyArn(acct, p))
		setStr(&p.PolicyId, stableID("ANPA", 17, acct, "policy", name))
		setStr(&p.DefaultVersionId, "v1")
		p.IsAttachable = true // the simulator has no unattachable policies
		setTime(&p.CreateDate, asOf)
		if p.UpdateDate == nil {
			p.UpdateDate = p.CreateDate
		}
	}
	for _, g := range a.IAM.Groups {
		if g == nil {
			continue
		}
		name := aws.ToString(g.GroupName)
		setStr(&g.Path, "/")
		setStr(&g.Arn, arnFor("group", g.Path, name))
		setStr(&g.GroupId, stableID("AGPA", 17, acct, "group", name))
		setTime(&g.CreateDate, asOf)
		attach(g.AttachedPolicies)
	}
	for _, u := range a.IAM.Users {
		if u == nil {
			continue
		}
		name := aws.ToString(u.UserName)
		setStr(&u.Path, "/")
		setStr(&u.Arn, arnFor("user", u.Path, name))
		setStr(&u.UserId, stableID("AIDA", 17, acct, "user", name))
		setTime(&u.CreateDate, asOf)
		if u.LoginProfile != nil {
			u.LoginProfile.UserName = aws.String(name)
			if u.LoginProfile.CreateDate == nil {
				u.LoginProfile.CreateDate = u.CreateDate
			}
			if u.PasswordLastChanged == nil {
				u.PasswordLastChanged = u.LoginProfile.CreateDate
			}
		}
		for i := range u.MFADevices {
			u.MFADevices[i].UserName = aws.String(name)
			if u.MFADevices[i].EnableDate == nil {
				u.MFADevices[i].EnableDate = u.CreateDate
			}
		}
		for i := range u.AccessKeys {
			k := &u.AccessKeys[i]
			k.UserName = aws.String(name)
			if k.Status == "" {
				k.Status = iamtypes.StatusTypeActive
			}
			if k.CreateDate == nil {
				k.CreateDate = u.CreateDate
			}
		}
		attach(u.AttachedPolicies)
	}
	for _, r := range a.IAM.Roles {
		if r == nil {
			continue
		}
		name := aws.ToString(r.RoleName)
		setStr(&r.Path, "/")
		setStr(&r.Arn, arnFor("role", r.Path, name))
		setStr(&r.RoleId, stableID("AROA", 17, acct, "role", name))
		setTime(&r.CreateDate, asOf)
		if r.MaxSessionDuration == nil {
			r.MaxSessionDuration = aws.Int32(3600)
		}
		attach(r.AttachedPolicies)
	}
	// AttachmentCount is always derived from the world.
	counts := map[string]int32{}
	for _, u := range a.IAM.Users {
		if u != nil {
			for _, p := range u.AttachedPolicies {
				counts[aws.ToString(p.PolicyArn)]++
			}
		}
	}
	for _, g := range a.IAM.Groups {
		if g != nil {
			for _, p := range g.AttachedPolicies {
				counts[aws.ToString(p.PolicyArn)]++
			}
		}
	}
	for _, r := range a.IAM.Roles {
		if r != nil {
			for _, p := range r.AttachedPolicies {
				counts[aws.ToString(p.PolicyArn)]++
			}
		}
	}
	for _, p := range a.IAM.Policies {
		if p != nil {
			p.AttachmentCount = aws.Int32(counts[aws.ToString(p.Arn)])
		}
	}
}

func normalizeRegion(acct, region string, r *Region, asOf time.Time) {
	for i := range r.Vpcs {
		v := &r.Vpcs[i]
		setStr(&v.OwnerId, acct)
		if v.State == "" {
			v.State = ec2types.VpcStateAvailable
		}
		setBool(&v.IsDefault, false)
	}
	vpcOfSubnet := map[string]*ec2types.Subnet{}
	for i := range r.Subnets {
		s := &r.Subnets[i]
		setStr(&s.OwnerId, acct)
		setStr(&s.SubnetArn, "arn:aws:ec2:"+region+":"+acct+":subnet/"+aws.ToString(s.SubnetId))
		setStr(&s.AvailabilityZone, region+"a")
		if s.State == "" {
			s.State = ec2types.SubnetStateAvailable
		}
		setBool(&s.MapPublicIpOnLaunch, false)
		setBool(&s.DefaultForAz, false)
		vpcOfSubnet[aws.ToString(s.SubnetId)] = s
	}
	for i := range r.SecurityGroups {
		g := &r.SecurityGroups[i]
		setStr(&g.OwnerId, acct)
		setStr(&g.SecurityGroupArn, "arn:aws:ec2:"+region+":"+acct+":security-group/"+aws.ToString(g.GroupId))
		if g.IpPermissions == nil {
			g.IpPermissions = []ec2types.IpPermission{}
		}
		if g.IpPermissionsEgress == nil {
			g.IpPermissionsEgress = []ec2types.IpPermission{}
		}
	}
	for i := range r.FlowLogs {
		f := &r.FlowLogs[i]
		setStr(&f.FlowLogStatus, "ACTIVE")
		setStr(&f.DeliverLogsStatus, "SUCCESS")
		if f.TrafficType == "" {
			f.TrafficType = ec2types.TrafficTypeAll
		}
		if f.LogDestinationType == "" {
			f.LogDestinationType = ec2types.LogDestinationTypeCloudWatchLogs
		}
		setTime(&f.CreationTime, asOf)
	}
	for i := range r.Instances {
		in := &r.Instances[i]
		if in.State == nil {
			in.State = &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}
		}
		if in.State.Code == nil {
			in.State.Code = aws.Int32(instanceStateCode(in.State.Name))
		}
		if s := vpcOfSubnet[aws.ToString(in.SubnetId)]; s != nil {
			setStr(&in.VpcId, aws.ToString(s.VpcId))
			if in.Placement == nil {
				in.Placement = &ec2types.Placement{}
			}
			setStr(&in.Placement.AvailabilityZone, aws.ToString(s.AvailabilityZone))
		}
	}
	for i := range r.Volumes {
		v := &r.Volumes[i]
		setStr(&v.AvailabilityZone, region+"a")
		setBool(&v.Encrypted, false)
		if v.State == "" {
			v.State = ec2types.VolumeStateAvailable
			if len(v.Attachments) > 0 {
				v.State = ec2types.VolumeStateInUse
			}
		}
		for j := range v.Attachments {
			at := &v.Attachments[j]
			setStr(&at.VolumeId, aws.ToString(v.VolumeId))
			if at.State == "" {
				at.State = ec2types.VolumeAttachmentStateAttached
			}
		}
		setTime(&v.CreateTime, asOf)
	}
	for _, t := range r.Trails {
		if t == nil {
			continue
		}
		t.HomeRegion = aws.String(region)
		setStr(&t.TrailARN, "arn:aws:cloudtrail:"+region+":"+acct+":trail/"+aws.ToString(t.Name))
		setBool(&t.IncludeGlobalServiceEvents, true)
		setBool(&t.IsMultiRegionTrail, false)
		setBool(&t.IsOrganizationTrail, false)
		setBool(&t.LogFileValidationEnabled, false)
		setBool(&t.HasInsightSelectors, false)
		if t.EventSelectors == nil && t.AdvancedEventSelectors == nil {
			// A trail created without selectors logs all management events.
			t.EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}
		}
		setBool(&t.HasCustomEventSelectors, len(t.AdvancedEventSelectors) > 0)
	}
	for _, k := range r.Keys {
		if k == nil {
			continue
		}
		id := aws.ToString(k.KeyId)
		setStr(&k.AWSAccountId, acct)
		setStr(&k.Arn, "arn:aws:kms:"+region+":"+acct+":key/"+id)
		if k.KeyManager == "" {
			k.KeyManager = kmstypes.KeyManagerTypeCustomer
		}
		if k.KeySpec == "" {
			k.KeySpec = kmstypes.KeySpecSymmetricDefault
		}
		if k.CustomerMasterKeySpec == "" {
			k.CustomerMasterKeySpec = kmstypes.CustomerMasterKeySpec(k.KeySpec)
		}
		if k.KeyUsage == "" {
			k.KeyUsage = kmstypes.KeyUsageTypeEncryptDecrypt
		}
		if k.KeyState == "" {
			k.KeyState = kmstypes.KeyStateEnabled
		}
		k.Enabled = k.KeyState == kmstypes.KeyStateEnabled
		if k.Origin == "" {
			k.Origin = kmstypes.OriginTypeAwsKms
		}
		if k.EncryptionAlgorithms == nil && k.KeySpec == kmstypes.KeySpecSymmetricDefault {
			k.EncryptionAlgorithms = []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault}
		}
		setBool(&k.MultiRegion, false)
		setTime(&k.CreationDate, asOf)
		if k.KeyManager == kmstypes.KeyManagerTypeAws {
			k.KeyRotationEnabled = true // AWS rotates its managed keys every year
		}
	}
	for _, c := range r.ConfigurationRecorders {
		if c == nil {
			continue
		}
		if c.Status != nil {
			c.Status.Name = c.Name
		}
	}
	for _, d := range r.Detectors {
		if d == nil {
			continue
		}
		if d.Status == "" {
			d.Status = gdtypes.DetectorStatusEnabled
		}
		setStr(&d.ServiceRole, "arn:aws:iam::"+acct+":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty")
		if d.FindingPublishingFrequency == "" {
			d.FindingPublishingFrequency = gdtypes.FindingPublishingFrequencySixHours
		}
		if !asOf.IsZero() {
			setStr(&d.CreatedAt, asOf.UTC().Format("2006-01-02T15:04:05.000Z"))
			setStr(&d.UpdatedAt, aws.ToString(d.CreatedAt))
		}
	}
	for i := range r.DBInstances {
		db := &r.DBInstances[i]
		id := aws.ToString(db.DBInstanceIdentifier)
		setStr(&db.DBInstanceArn, "arn:aws:rds:"+region+":"+acct+":db:"+id)
		setStr(&db.DbiResourceId, "db-"+stableID("", 26, acct, region, id))
		setStr(&db.DBInstanceStatus, "available")
		setBool(&db.PubliclyAccessible, false)
		setBool(&db.StorageEncrypted, false)
	}
	normalizeWorkloads(acct, region, r, asOf)
}

// compact drops nil entries, which a world built in Go may hold.
func compact[T any](list []*T) []*T {
	return slices.DeleteFunc(list, func(x *T) bool { return x == nil })
}

func instanceStateCode(n ec2types.InstanceStateName) int32 {
	switch n {
	case ec2types.InstanceStateNamePending:
		return 0
	case ec2types.InstanceStateNameShuttingDown:
		return 32
	case ec2types.InstanceStateNameTerminated:
		return 48
	case ec2types.InstanceStateNameStopping:
		return 64
	case ec2types.InstanceStateNameStopped:
		return 80
	}
	return 16
}
