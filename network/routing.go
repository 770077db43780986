package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

const anywhere = "0.0.0.0/0"

// buildRouteTables creates the three kinds of route table:
//   - public: one table, default route to the internet gateway, for the public subnets;
//   - private: one table per AZ, default route to the NAT gateway the strategy assigns to that AZ (none with
//     natStrategy none), so that changing the strategy changes routes, never subnet associations;
//   - db: one table with no route out of the VPC.
func (b *builder) buildRouteTables() error {
	var err error
	b.publicRT, err = b.routeTable(b.name + "-public-rt")
	if err != nil {
		return err
	}
	if err := b.defaultRoute(b.name+"-public-rt", b.publicRT, &ec2.RouteArgs{GatewayId: b.igw.ID()}); err != nil {
		return err
	}
	if err := b.associate(b.publicRT, netspec.TierPublic, b.spec.AvailabilityZones...); err != nil {
		return err
	}

	for _, az := range b.spec.AvailabilityZones {
		name := azName(b.name+"-private-rt", az)
		rt, err := b.routeTable(name)
		if err != nil {
			return err
		}
		b.privateRTs = append(b.privateRTs, rt)
		if natAZ, ok := b.spec.NatAZFor(az); ok {
			route := &ec2.RouteArgs{}
			if b.natInterface != nil {
				route.NetworkInterfaceId = b.natInterface.ID()
			} else {
				route.NatGatewayId = b.natGateways[natAZ].ID()
			}
			if err := b.defaultRoute(name, rt, route); err != nil {
				return err
			}
		}
		if err := b.associate(rt, netspec.TierPrivate, az); err != nil {
			return err
		}
	}

	b.dbRT, err = b.routeTable(b.name + "-db-rt")
	if err != nil {
		return err
	}
	return b.associate(b.dbRT, netspec.TierDb, b.spec.AvailabilityZones...)
}

func (b *builder) routeTable(name string) (*ec2.RouteTable, error) {
	return ec2.NewRouteTable(b.ctx, name, &ec2.RouteTableArgs{
		VpcId: b.vpc.ID(),
		Tags:  layer.NameTags(name),
	}, b.opts...)
}

// defaultRoute adds 0.0.0.0/0 to the table, towards the target set in args.
func (b *builder) defaultRoute(tableName string, rt *ec2.RouteTable, args *ec2.RouteArgs) error {
	args.RouteTableId = rt.ID()
	args.DestinationCidrBlock = pulumi.String(anywhere)
	_, err := ec2.NewRoute(b.ctx, tableName+"-default", args, b.opts...)
	return err
}

// associate attaches the subnets of tier in the given AZs to the table.
func (b *builder) associate(rt *ec2.RouteTable, tier netspec.Tier, azs ...string) error {
	for _, az := range azs {
		if _, err := ec2.NewRouteTableAssociation(b.ctx, b.subnetName(tier, az)+"-rta", &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(),
			SubnetId:     b.subnetIn(tier, az).ID(),
		}, b.opts...); err != nil {
			return err
		}
	}
	return nil
}
