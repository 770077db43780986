package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/netspec"
)

// buildSubnets creates one subnet per tier and AZ, named by the AZ (never an index) so that adding an AZ
// leaves the others alone. No subnet hands out public addresses: the ALB and NAT gateways get theirs from
// AWS, and nothing else belongs on the internet.
func (b *builder) buildSubnets() error {
	b.subnets = map[netspec.Tier][]*ec2.Subnet{}
	for _, tier := range netspec.Tiers {
		for i, az := range b.spec.AvailabilityZones {
			name := b.subnetName(tier, az)
			subnet, err := ec2.NewSubnet(b.ctx, name, &ec2.SubnetArgs{
				VpcId:               b.vpc.ID(),
				CidrBlock:           pulumi.String(b.spec.Subnets.Of(tier)[i]),
				AvailabilityZone:    pulumi.String(az),
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags: pulumi.StringMap{
					"Name": pulumi.String(name),
					"Tier": pulumi.String(string(tier)),
				},
			}, b.opts...)
			if err != nil {
				return err
			}
			b.subnets[tier] = append(b.subnets[tier], subnet)
		}
	}
	return nil
}
