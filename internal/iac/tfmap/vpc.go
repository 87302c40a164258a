package tfmap

import (
	"github.com/parapet-dev/parapet/internal/awsshape"
)

func init() {
	register("aws_vpc", mapVPC)
	register("aws_default_vpc", mapVPC)
	register("aws_subnet", mapSubnet)
	register("aws_default_subnet", mapSubnet)
	joined("aws_flow_log")
}

// mapVPC maps a VPC with the flow logs attached to it. A flow log
// Terraform creates is ACTIVE; whether delivery works is known only once
// it runs.
func mapVPC(m *mapping) {
	a, r := m.a, m.r
	v := awsshape.VPC{
		VpcId:     a.known("id"),
		CidrBlock: a.str("cidr_block", "CidrBlock"),
		IsDefault: r.Type == "aws_default_vpc",
		State:     "available",
		OwnerId:   a.known("owner_id"),
		FlowLogs:  []awsshape.FlowLog{},
	}
	for _, c := range m.ix.linked("aws_flow_log", "vpc_id", r, idsOf(r, "id")...) {
		fa := m.on(c)
		fl := awsshape.FlowLog{
			FlowLogId:          fa.known("id"),
			FlowLogStatus:      "ACTIVE",
			TrafficType:        fa.str("traffic_type", "FlowLogs"),
			LogDestinationType: fa.strOr("log_destination_type", "FlowLogs", "cloud-watch-logs"),
			LogDestination:     fa.str("log_destination", "FlowLogs"),
		}
		if fl.LogDestination == "" {
			fl.LogDestination = fa.str("log_group_name", "FlowLogs") // the older argument
		}
		v.FlowLogs = append(v.FlowLogs, fl)
	}
	m.emit(awsshape.TypeVPC, m.tags()["Name"], v)
}

// mapSubnet maps a subnet. Default subnets map public IPs on launch
// unless told otherwise; other subnets do not.
func mapSubnet(m *mapping) {
	a, r := m.a, m.r
	def := r.Type == "aws_default_subnet"
	s := awsshape.Subnet{
		SubnetId:            a.known("id"),
		VpcId:               a.str("vpc_id", "VpcId"),
		CidrBlock:           a.str("cidr_block", "CidrBlock"),
		AvailabilityZone:    a.str("availability_zone", "AvailabilityZone"),
		MapPublicIpOnLaunch: a.boolean("map_public_ip_on_launch", "MapPublicIpOnLaunch", def),
		DefaultForAz:        def,
		State:               "available",
	}
	if def {
		s.VpcId = a.known("vpc_id")
		s.CidrBlock = a.known("cidr_block")
	}
	m.relate(relInVPC, a.raw("vpc_id"))
	m.emit(awsshape.TypeSubnet, m.tags()["Name"], s)
}
