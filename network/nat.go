package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// buildNat creates an Elastic IP and a NAT gateway in the public subnet of each AZ the strategy names:
// none, the first AZ (single), or every AZ (perAz). Names carry the AZ, so moving from single to perAz adds
// gateways and keeps the first one.
func (b *builder) buildNat() error {
	b.natGateways = map[string]*ec2.NatGateway{}
	if b.spec.NatStrategy == netspec.NatInstance {
		return b.buildNatInstance()
	}
	afterIgw := b.with(pulumi.DependsOn([]pulumi.Resource{b.igw}))
	for _, az := range b.spec.NatAZs() {
		eipName := azName(b.name+"-nat-eip", az)
		eip, err := ec2.NewEip(b.ctx, eipName, &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   layer.NameTags(eipName),
		}, afterIgw...)
		if err != nil {
			return err
		}
		b.natEips = append(b.natEips, eip)

		name := azName(b.name+"-nat", az)
		nat, err := ec2.NewNatGateway(b.ctx, name, &ec2.NatGatewayArgs{
			AllocationId:     eip.AllocationId,
			SubnetId:         b.subnetIn(netspec.TierPublic, az).ID(),
			ConnectivityType: pulumi.String("public"),
			Tags:             layer.NameTags(name),
		}, afterIgw...)
		if err != nil {
			return err
		}
		b.natGateways[az] = nat
	}
	return nil
}
