// Package network builds the VPC of one stack: subnets in three tiers per AZ, routing and NAT, VPC
// endpoints, network ACLs and the security-group chain web -> app -> db.
package network

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/netspec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Network"

// Args configures the network. Everything here decides which resources exist, so it is plain Go values.
type Args struct {
	netspec.Spec
	// OriginPort is the one port the load balancer accepts from CloudFront: 443 when the site has a
	// domain (HTTPS to the origin), 80 without one.
	OriginPort int
	// AppPort is the port the app servers listen on (compute's) and DbPort the database's (data's): the
	// security groups and network ACLs open exactly these.
	AppPort int
	DbPort  int
	// AccountId scopes the NAT instance's permissions (natStrategy instance).
	AccountId string
	// TestPort is the load balancer's test listener of blue/green deployments, which the app tier alone may
	// reach (the VPC's ACLs already admit it); 0 without one.
	TestPort int
}

// Network is the VPC and what the other layers need of it. Lists are in the order of AvailabilityZones.
type Network struct {
	pulumi.ResourceState

	VpcId   pulumi.IDOutput
	VpcCidr pulumi.StringOutput
	// AvailabilityZones is the AZ list every per-AZ output follows.
	AvailabilityZones pulumi.StringArrayOutput

	PublicSubnetIds  pulumi.StringArrayOutput
	PrivateSubnetIds pulumi.StringArrayOutput
	DbSubnetIds      pulumi.StringArrayOutput

	WebSecurityGroupId   pulumi.IDOutput
	AppSecurityGroupId   pulumi.IDOutput
	DbSecurityGroupId    pulumi.IDOutput
	OpmngSecurityGroupId pulumi.IDOutput

	PublicRouteTableId   pulumi.IDOutput
	PrivateRouteTableIds pulumi.StringArrayOutput
	DbRouteTableId       pulumi.IDOutput

	// S3PrefixListId is the S3 gateway endpoint's prefix list, for egress rules to S3.
	S3PrefixListId pulumi.StringOutput
	// NatInstanceGroupName is the NAT instance's Auto Scaling group (natStrategy instance), "" otherwise.
	NatInstanceGroupName pulumi.StringOutput
	// NatPublicIps are the addresses app-server traffic leaves from (empty with natStrategy none).
	NatPublicIps pulumi.StringArrayOutput
	// PeeringConnectionIds maps each peer's name to its peering connection (pcx-...), which the other side
	// accepts when the program cannot.
	PeeringConnectionIds pulumi.StringMapOutput
}

// builder carries what the per-concept files build, in the order New calls them.
// ports are the other layers' ports the network opens.
type ports struct{ app, db, test int }

type builder struct {
	ports      ports
	ctx        *pulumi.Context
	name       string
	spec       netspec.Spec
	originPort int
	component  *Network
	opts       []pulumi.ResourceOption

	vpc            *ec2.Vpc
	igw            *ec2.InternetGateway
	subnets        map[netspec.Tier][]*ec2.Subnet
	account        string
	natGateways    map[string]*ec2.NatGateway
	natEips        []*ec2.Eip
	natInterface   *ec2.NetworkInterface // natStrategy instance: the routes' target
	natGroup       *autoscaling.Group
	peerings       map[string]*ec2.VpcPeeringConnection
	publicRT       *ec2.RouteTable
	privateRTs     []*ec2.RouteTable
	dbRT           *ec2.RouteTable
	s3Endpoint     *ec2.VpcEndpoint
	endpointSG     *ec2.SecurityGroup
	securityGroups map[string]*ec2.SecurityGroup
}

// New builds the network named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if args == nil {
		return nil, fmt.Errorf("network: args are required")
	}
	if err := args.Validate(""); err != nil {
		return nil, fmt.Errorf("network: invalid args: %w", err)
	}
	if args.OriginPort != portHTTP && args.OriginPort != portHTTPS {
		return nil, fmt.Errorf("network: invalid args: OriginPort %d must be 80 or 443", args.OriginPort)
	}
	if args.TestPort != 0 && (args.TestPort < 1024 || args.TestPort > 65535 || args.TestPort == args.OriginPort) {
		return nil, fmt.Errorf("network: invalid args: TestPort %d must be 0 or a port from 1024 to 65535 other than the origin port", args.TestPort)
	}
	if args.AppPort < 1 || args.AppPort > 65535 || args.DbPort < 1 || args.DbPort > 65535 {
		return nil, fmt.Errorf("network: invalid args: AppPort %d and DbPort %d must be ports (1-65535)", args.AppPort, args.DbPort)
	}
	if args.NatStrategy == netspec.NatInstance && args.AccountId == "" {
		return nil, fmt.Errorf("network: invalid args: AccountId is required with natStrategy instance")
	}
	if err := checkAclQuota(args.Spec); err != nil {
		return nil, fmt.Errorf("network: invalid args: %w", err)
	}
	component := &Network{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	b := &builder{ctx: ctx, name: name, spec: args.Spec, originPort: args.OriginPort, account: args.AccountId,
		ports: ports{app: args.AppPort, db: args.DbPort, test: args.TestPort}, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}}

	if err := layer.Build("network",
		layer.Step{What: "vpc", Run: b.buildVpc},
		layer.Step{What: "subnets", Run: b.buildSubnets},
		layer.Step{What: "security groups", Run: b.buildSecurityGroups},
		layer.Step{What: "nat", Run: b.buildNat},
		layer.Step{What: "route tables", Run: b.buildRouteTables},
		layer.Step{What: "peering", Run: b.buildPeering},
		layer.Step{What: "endpoints", Run: b.buildEndpoints},
		layer.Step{What: "security group rules", Run: b.buildSecurityGroupRules},
		layer.Step{What: "network acls", Run: b.buildNetworkAcls},
	); err != nil {
		return nil, err
	}

	b.export(component)
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"vpcId":                component.VpcId,
		"vpcCidr":              component.VpcCidr,
		"availabilityZones":    component.AvailabilityZones,
		"publicSubnetIds":      component.PublicSubnetIds,
		"privateSubnetIds":     component.PrivateSubnetIds,
		"dbSubnetIds":          component.DbSubnetIds,
		"webSecurityGroupId":   component.WebSecurityGroupId,
		"appSecurityGroupId":   component.AppSecurityGroupId,
		"dbSecurityGroupId":    component.DbSecurityGroupId,
		"opmngSecurityGroupId": component.OpmngSecurityGroupId,
		"publicRouteTableId":   component.PublicRouteTableId,
		"privateRouteTableIds": component.PrivateRouteTableIds,
		"dbRouteTableId":       component.DbRouteTableId,
		"s3PrefixListId":       component.S3PrefixListId,
		"natPublicIps":         component.NatPublicIps,
		"natInstanceGroupName": component.NatInstanceGroupName,
		"peeringConnectionIds": component.PeeringConnectionIds,
	}); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	return component, nil
}

func (b *builder) export(n *Network) {
	n.VpcId = b.vpc.ID()
	n.VpcCidr = b.vpc.CidrBlock
	n.AvailabilityZones = pulumi.ToStringArray(b.spec.AvailabilityZones).ToStringArrayOutput()
	n.PublicSubnetIds = subnetIDs(b.subnets[netspec.TierPublic])
	n.PrivateSubnetIds = subnetIDs(b.subnets[netspec.TierPrivate])
	n.DbSubnetIds = subnetIDs(b.subnets[netspec.TierDb])
	n.WebSecurityGroupId = b.securityGroups[sgWeb].ID()
	n.AppSecurityGroupId = b.securityGroups[sgApp].ID()
	n.DbSecurityGroupId = b.securityGroups[sgDb].ID()
	n.OpmngSecurityGroupId = b.securityGroups[sgOpmng].ID()
	n.PublicRouteTableId = b.publicRT.ID()
	n.DbRouteTableId = b.dbRT.ID()
	n.S3PrefixListId = b.s3Endpoint.PrefixListId

	privateRTs := make(pulumi.StringArray, len(b.privateRTs))
	for i, rt := range b.privateRTs {
		privateRTs[i] = rt.ID().ToStringOutput()
	}
	n.PrivateRouteTableIds = privateRTs.ToStringArrayOutput()

	ips := pulumi.StringArray{}
	for _, eip := range b.natEips {
		ips = append(ips, eip.PublicIp)
	}
	n.NatPublicIps = ips.ToStringArrayOutput()
	peerings := pulumi.StringMap{}
	for name, pcx := range b.peerings {
		peerings[name] = pcx.ID().ToStringOutput()
	}
	n.PeeringConnectionIds = peerings.ToStringMapOutput()
	n.NatInstanceGroupName = pulumi.String("").ToStringOutput()
	if b.natGroup != nil {
		n.NatInstanceGroupName = b.natGroup.Name
	}
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(subnets))
	for i, s := range subnets {
		ids[i] = s.ID().ToStringOutput()
	}
	return ids.ToStringArrayOutput()
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

// subnetName is the seed name of a subnet: tastylog-dev-public-subnet-1a.
func (b *builder) subnetName(tier netspec.Tier, az string) string {
	return azName(b.name+"-"+string(tier)+"-subnet", az)
}

// subnetIn returns the subnet of tier in az.
func (b *builder) subnetIn(tier netspec.Tier, az string) *ec2.Subnet {
	return b.subnets[tier][slices.Index(b.spec.AvailabilityZones, az)]
}

// azName returns the child name for one AZ: tastylog-dev-private-rt + ap-northeast-1a -> tastylog-dev-private-rt-1a.
func azName(base, az string) string {
	return base + "-" + netspec.AZSuffix(az)
}

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (n *Network) Exports() pulumi.Map {
	return pulumi.Map{
		"availabilityZones":    n.AvailabilityZones,
		"vpcId":                n.VpcId,
		"vpcCidr":              n.VpcCidr,
		"publicSubnetIds":      n.PublicSubnetIds,
		"privateSubnetIds":     n.PrivateSubnetIds,
		"dbSubnetIds":          n.DbSubnetIds,
		"webSecurityGroupId":   n.WebSecurityGroupId,
		"appSecurityGroupId":   n.AppSecurityGroupId,
		"dbSecurityGroupId":    n.DbSecurityGroupId,
		"opmngSecurityGroupId": n.OpmngSecurityGroupId,
		"publicRouteTableId":   n.PublicRouteTableId,
		"privateRouteTableIds": n.PrivateRouteTableIds,
		"dbRouteTableId":       n.DbRouteTableId,
		"natPublicIps":         n.NatPublicIps,
		"natInstanceGroupName": n.NatInstanceGroupName,
		"peeringConnectionIds": n.PeeringConnectionIds,
	}
}
