// Package netspec is the vocabulary of the network layer as plain Go values: the VPC and subnet plan, the
// NAT strategy and the VPC endpoints, with the rules that make a plan deployable. It imports no Pulumi
// package, so the stack config validates it before any resource exists and its tests build in a second.
package netspec

import (
	"fmt"
	"strings"
)

// NatStrategy says how the private (app) subnets reach the internet.
type NatStrategy string

const (
	// NatNone creates no NAT gateway: the app subnets reach AWS only through VPC endpoints.
	NatNone NatStrategy = "none"
	// NatSingle creates one NAT gateway in the first AZ that every app subnet routes through (cheap, one AZ).
	NatSingle NatStrategy = "single"
	// NatPerAz creates one NAT gateway per AZ, each app subnet routing through its own AZ's gateway.
	NatPerAz NatStrategy = "perAz"
	// NatInstance routes every app subnet through one NAT instance in the first AZ (a Graviton nano in an
	// Auto Scaling group of one, behind a fixed network interface): a tenth of a NAT gateway's price, for
	// disposable stacks.
	NatInstance NatStrategy = "instance"
)

// NatStrategies lists the allowed strategies, in the order the docs give them.
var NatStrategies = []NatStrategy{NatNone, NatSingle, NatPerAz, NatInstance}

// Tier is a row of subnets, one per AZ.
type Tier string

const (
	TierPublic  Tier = "public"
	TierPrivate Tier = "private"
	TierDb      Tier = "db"
)

// Tiers lists every tier in the order they are built and reported.
var Tiers = []Tier{TierPublic, TierPrivate, TierDb}

// InterfaceEndpoints lists the interface endpoints the network layer can create, by the service's short
// name (the part after com.amazonaws.<region>.).
var InterfaceEndpoints = []string{"ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2", "ecr.api", "ecr.dkr"}

// Subnets holds one CIDR per AZ for each tier, in the order of the AZ list.
type Subnets struct {
	Public  []string `json:"public"`
	Private []string `json:"private"`
	Db      []string `json:"db"`
}

// Of returns the CIDRs of one tier.
func (s Subnets) Of(t Tier) []string {
	switch t {
	case TierPublic:
		return s.Public
	case TierPrivate:
		return s.Private
	case TierDb:
		return s.Db
	}
	return nil
}

// Spec is the whole network plan of one stack.
type Spec struct {
	// Region is the AWS region the VPC lives in, e.g. ap-northeast-1.
	Region string
	// VpcCidr is the VPC's IPv4 block, e.g. 192.168.0.0/20.
	VpcCidr string
	// AvailabilityZones lists the AZ names, e.g. ap-northeast-1a; every tier has one subnet per AZ.
	AvailabilityZones []string
	// Subnets holds the subnet CIDRs per tier, in AZ order.
	Subnets Subnets
	// NatStrategy is one of NatStrategies.
	NatStrategy NatStrategy
	// VpcEndpoints names the interface endpoints to create, from InterfaceEndpoints.
	VpcEndpoints []string
	// VpcEndpointAzs is how many AZs, the first of AvailabilityZones, hold each interface endpoint; 0 is all.
	VpcEndpointAzs int
	// AdminCidrs may open SSH (22) on the opmng group; empty means no ingress at all (Session Manager only).
	AdminCidrs []string
	// Peers are the VPCs this one is peered with.
	Peers []Peer
}

// Default returns the course's network (seed names and CIDRs) with the db tier this project adds, NAT per AZ
// and no interface endpoints.
func Default() Spec {
	return Spec{
		Region:            "ap-northeast-1",
		VpcCidr:           "192.168.0.0/20",
		AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c"},
		Subnets: Subnets{
			Public:  []string{"192.168.1.0/24", "192.168.2.0/24"},
			Private: []string{"192.168.3.0/24", "192.168.4.0/24"},
			Db:      []string{"192.168.5.0/24", "192.168.6.0/24"},
		},
		NatStrategy:  NatPerAz,
		VpcEndpoints: []string{},
		AdminCidrs:   []string{},
		Peers:        []Peer{},
	}
}

// EndpointAZs returns the AZs whose private subnets hold the interface endpoints.
func (s Spec) EndpointAZs() []string {
	if s.VpcEndpointAzs <= 0 || s.VpcEndpointAzs > len(s.AvailabilityZones) {
		return s.AvailabilityZones
	}
	return s.AvailabilityZones[:s.VpcEndpointAzs]
}

// NatAZs returns the AZs that get a NAT gateway: none, the first, or all of them.
func (s Spec) NatAZs() []string {
	switch s.NatStrategy {
	case NatSingle, NatInstance:
		return s.AvailabilityZones[:1]
	case NatPerAz:
		return s.AvailabilityZones
	}
	return nil
}

// NatAZFor returns the AZ whose NAT gateway serves the app subnet in az, and false when there is none.
func (s Spec) NatAZFor(az string) (string, bool) {
	switch s.NatStrategy {
	case NatSingle, NatInstance:
		return s.AvailabilityZones[0], true
	case NatPerAz:
		return az, true
	}
	return "", false
}

// AZSuffix returns the short form of an AZ name used in resource names: ap-northeast-1a -> 1a.
func AZSuffix(az string) string {
	if i := strings.LastIndex(az, "-"); i >= 0 {
		return az[i+1:]
	}
	return az
}

func quoted[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%q", string(v))
	}
	return strings.Join(parts, ", ")
}
