package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// buildEndpoints creates the S3 gateway endpoint (free; the Amazon Linux package mirrors and the deploy
// bucket are in S3) on the private and db route tables, and the interface endpoints the spec names in the
// private subnets, behind their own security group, with private DNS so the AWS CLI and agents need no
// endpoint settings.
func (b *builder) buildEndpoints() error {
	routeTables := pulumi.StringArray{b.dbRT.ID().ToStringOutput()}
	for _, rt := range b.privateRTs {
		routeTables = append(routeTables, rt.ID().ToStringOutput())
	}
	name := b.name + "-s3-vpce"
	var err error
	b.s3Endpoint, err = ec2.NewVpcEndpoint(b.ctx, name, &ec2.VpcEndpointArgs{
		VpcId:           b.vpc.ID(),
		ServiceName:     pulumi.String(b.serviceName("s3")),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   routeTables,
		Tags:            layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}

	if len(b.spec.VpcEndpoints) == 0 {
		return nil
	}
	// In the AZs the spec chooses: the endpoint's private DNS name answers with its interfaces only, so
	// the other AZs' calls cross to them (a cent per GB each way).
	var inAZs []*ec2.Subnet
	for _, az := range b.spec.EndpointAZs() {
		inAZs = append(inAZs, b.subnetIn(netspec.TierPrivate, az))
	}
	privateSubnets := subnetIDs(inAZs)
	for _, service := range b.spec.VpcEndpoints {
		name := b.name + "-" + service + "-vpce"
		if _, err := ec2.NewVpcEndpoint(b.ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             b.vpc.ID(),
			ServiceName:       pulumi.String(b.serviceName(service)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         privateSubnets,
			SecurityGroupIds:  pulumi.StringArray{b.securityGroups[sgEndpoint].ID().ToStringOutput()},
			Tags:              layer.NameTags(name),
		}, b.opts...); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) serviceName(service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", b.spec.Region, service)
}
