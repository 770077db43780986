package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// buildVpc creates the VPC, its internet gateway, and takes over the default security group to strip its
// rules: nothing should fall back to a group that lets members talk to each other on every port.
func (b *builder) buildVpc() error {
	var err error
	name := b.name + "-vpc"
	b.vpc, err = ec2.NewVpc(b.ctx, name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.spec.VpcCidr),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}

	name = b.name + "-igw"
	b.igw, err = ec2.NewInternetGateway(b.ctx, name, &ec2.InternetGatewayArgs{
		VpcId: b.vpc.ID(),
		Tags:  layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}

	// No Ingress or Egress: adopting the default group removes every rule it has.
	name = b.name + "-default-sg"
	_, err = ec2.NewDefaultSecurityGroup(b.ctx, name, &ec2.DefaultSecurityGroupArgs{
		VpcId: b.vpc.ID(),
		Tags:  layer.NameTags(name),
	}, b.opts...)
	return err
}
