package cloudsim

import (
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register("ec2", true,
		op("DescribeSnapshots", ec2DescribeSnapshots),
		op("DescribeSnapshotAttribute", ec2DescribeSnapshotAttribute),
		op("DescribeInstanceAttribute", ec2DescribeInstanceAttribute),
	)
}

// restorableBy reports whether account may create volumes from s.
func (s *Snapshot) restorableBy(account string) bool {
	if aws.ToString(s.OwnerId) == account {
		return true
	}
	for _, p := range s.CreateVolumePermissions {
		if p.Group == ec2types.PermissionGroupAll || aws.ToString(p.UserId) == account {
			return true
		}
	}
	return false
}

// visibleSnapshots returns the snapshots EC2 shows the caller in the
// call's region: its own, then those of other accounts of the world that
// are public or shared with it (accounts in world order).
func (c *call) visibleSnapshots() []*Snapshot {
	me := c.ident.account
	out := append([]*Snapshot(nil), c.regionState().Snapshots...)
	for _, a := range c.world.Accounts {
		r := a.Regions[c.region]
		if a == me || r == nil {
			continue
		}
		for _, s := range r.Snapshots {
			if s.restorableBy(me.Id) {
				out = append(out, s)
			}
		}
	}
	return out
}

func ec2DescribeSnapshots(c *call) error {
	me := c.ident.account.Id
	owners := map[string]bool{}
	for _, o := range c.formList("Owner") {
		if o == "self" {
			o = me
		}
		owners[o] = true // "amazon" and aliases match no snapshot here
	}
	restorers := c.formList("RestorableBy")
	var cands []Snapshot
	for _, s := range c.visibleSnapshots() {
		if len(owners) > 0 && !owners[aws.ToString(s.OwnerId)] {
			continue
		}
		ok := true
		for _, u := range restorers {
			if u == "self" {
				u = me
			}
			ok = ok && s.restorableBy(u)
		}
		if ok {
			cands = append(cands, *s)
		}
	}
	sel, err := ec2Select(c, cands, func(s *Snapshot) string { return aws.ToString(s.SnapshotId) },
		c.formList("SnapshotId"), "InvalidSnapshot.NotFound",
		func(s *Snapshot, name string) ([]string, bool) {
			switch name {
			case "snapshot-id":
				return strs(s.SnapshotId), true
			case "volume-id":
				return strs(s.VolumeId), true
			case "owner-id":
				return strs(s.OwnerId), true
			case "status":
				return []string{string(s.State)}, true
			case "encrypted":
				return boolStr(s.Encrypted), true
			case "description":
				return strs(s.Description), true
			case "storage-tier":
				return []string{string(s.StorageTier)}, true
			}
			return tagAttr(s.Tags, name)
		})
	if err != nil {
		return err
	}
	p, err := c.ec2Page(len(sel))
	if err != nil {
		return err
	}
	out := &ec2.DescribeSnapshotsOutput{Snapshots: []ec2types.Snapshot{}, NextToken: nextToken(p)}
	for _, s := range sel[p.start:p.end] {
		out.Snapshots = append(out.Snapshots, s.Snapshot)
	}
	return c.writeOutput(out)
}

// ownSnapshot finds one of the caller's snapshots in the call's region.
func (c *call) ownSnapshot(id string) (*Snapshot, error) {
	for _, s := range c.regionState().Snapshots {
		if aws.ToString(s.SnapshotId) == id {
			return s, nil
		}
	}
	return nil, errorf(400, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
}

func ec2DescribeSnapshotAttribute(c *call) error {
	s, err := c.ownSnapshot(c.form.Get("SnapshotId"))
	if err != nil {
		return err
	}
	out := &ec2.DescribeSnapshotAttributeOutput{SnapshotId: s.SnapshotId}
	switch attr := c.form.Get("Attribute"); ec2types.SnapshotAttributeName(attr) {
	case ec2types.SnapshotAttributeNameCreateVolumePermission:
		out.CreateVolumePermissions = append([]ec2types.CreateVolumePermission{}, s.CreateVolumePermissions...)
	case ec2types.SnapshotAttributeNameProductCodes:
		out.ProductCodes = []ec2types.ProductCode{}
	default:
		return errorf(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return c.writeOutput(out)
}

func ec2DescribeInstanceAttribute(c *call) error {
	id := c.form.Get("InstanceId")
	r := c.regionState()
	var in *ec2types.Instance
	for i := range r.Instances {
		if aws.ToString(r.Instances[i].InstanceId) == id {
			in = &r.Instances[i]
		}
	}
	if in == nil {
		return errorf(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
	}
	out := &ec2.DescribeInstanceAttributeOutput{InstanceId: in.InstanceId}
	value := func(s *string) *ec2types.AttributeValue { return &ec2types.AttributeValue{Value: s} }
	flag := func(b *bool) *ec2types.AttributeBooleanValue {
		return &ec2types.AttributeBooleanValue{Value: aws.Bool(aws.ToBool(b))}
	}
	switch attr := c.form.Get("Attribute"); ec2types.InstanceAttributeName(attr) {
	case ec2types.InstanceAttributeNameUserData:
		// An instance without user data answers an empty <userData/>.
		out.UserData = &ec2types.AttributeValue{}
		if text, ok := r.InstanceUserData[id]; ok && text != "" {
			out.UserData.Value = aws.String(base64.StdEncoding.EncodeToString([]byte(text)))
		}
	case ec2types.InstanceAttributeNameInstanceType:
		out.InstanceType = value(aws.String(string(in.InstanceType)))
	case ec2types.InstanceAttributeNameKernel:
		out.KernelId = value(in.KernelId)
	case ec2types.InstanceAttributeNameRamdisk:
		out.RamdiskId = value(in.RamdiskId)
	case ec2types.InstanceAttributeNameRootDeviceName:
		out.RootDeviceName = value(in.RootDeviceName)
	case ec2types.InstanceAttributeNameBlockDeviceMapping:
		out.BlockDeviceMappings = append([]ec2types.InstanceBlockDeviceMapping{}, in.BlockDeviceMappings...)
	case ec2types.InstanceAttributeNameGroupSet:
		out.Groups = append([]ec2types.GroupIdentifier{}, in.SecurityGroups...)
	case ec2types.InstanceAttributeNameProductCodes:
		out.ProductCodes = append([]ec2types.ProductCode{}, in.ProductCodes...)
	case ec2types.InstanceAttributeNameSourceDestCheck:
		out.SourceDestCheck = &ec2types.AttributeBooleanValue{Value: aws.Bool(in.SourceDestCheck == nil || *in.SourceDestCheck)}
	case ec2types.InstanceAttributeNameEbsOptimized:
		out.EbsOptimized = flag(in.EbsOptimized)
	case ec2types.InstanceAttributeNameEnaSupport:
		out.EnaSupport = flag(in.EnaSupport)
	case ec2types.InstanceAttributeNameSriovNetSupport:
		out.SriovNetSupport = value(in.SriovNetSupport)
	case ec2types.InstanceAttributeNameEnclaveOptions:
		out.EnclaveOptions = &ec2types.EnclaveOptions{Enabled: aws.Bool(false)}
		if in.EnclaveOptions != nil {
			out.EnclaveOptions = in.EnclaveOptions
		}
	case ec2types.InstanceAttributeNameDisableApiTermination:
		// Termination and stop protection are not modelled: they are off,
		// as on a new instance.
		out.DisableApiTermination = flag(nil)
	case ec2types.InstanceAttributeNameDisableApiStop:
		out.DisableApiStop = flag(nil)
	case ec2types.InstanceAttributeNameInstanceInitiatedShutdownBehavior:
		out.InstanceInitiatedShutdownBehavior = value(aws.String("stop"))
	default:
		return errorf(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return c.writeOutput(out)
}
