package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// The security groups, by their short name in the seed: tastylog-dev-web-sg and so on.
const (
	sgWeb      = "web"
	sgApp      = "app"
	sgDb       = "db"
	sgOpmng    = "opmng"
	sgEndpoint = "vpce"
	sgNat      = "nat"
)

// Ports of the application contract.
const (
	portHTTP  = 80
	portHTTPS = 443
	portSSH   = 22
)

// Prefix lists a rule can name.
const (
	prefixListS3         = "s3"
	prefixListCloudFront = "cloudfront"
	// cloudFrontPrefixList is AWS's managed prefix list of the addresses CloudFront connects to origins
	// from. It counts as about 55 rules against a group's quota of 60, so it is allowed on one port only.
	cloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"
)

// Peer kinds a rule can name.
const (
	peerGroup      = "sg"
	peerCidr       = "cidr"
	peerPrefixList = "pl"
)

// sgRule is one security-group rule as data: the matrix the tests read and the resources built from it.
type sgRule struct {
	Group   string // short name of the group the rule belongs to
	Ingress bool
	Port    int
	// PeerKind is peerGroup (Peer is a group's short name), peerCidr (an IPv4 CIDR) or peerPrefixList
	// (Peer is prefixListS3, the S3 gateway endpoint's list, or prefixListCloudFront, AWS's managed list
	// of CloudFront's origin-facing addresses).
	PeerKind    string
	Peer        string
	Description string
}

// key is the rule's stable logical-name suffix: web-sg-in-443-world, app-sg-out-3306-db-sg.
func (r sgRule) key() string {
	dir := "out"
	if r.Ingress {
		dir = "in"
	}
	peer := r.Peer
	switch {
	case r.PeerKind == peerGroup:
		peer += "-sg"
	case r.Peer == anywhere:
		peer = "world"
	case r.PeerKind == peerCidr:
		peer = strings.NewReplacer(".", "-", "/", "-").Replace(peer)
	}
	return fmt.Sprintf("%s-sg-%s-%d-%s", r.Group, dir, r.Port, peer)
}

var groupDescriptions = map[string]string{
	sgWeb:      "Internal load balancer: the origin port from the CloudFront VPC origin only, app port out to the app servers",
	sgApp:      "App servers: app port from the load balancer, MySQL to the database, HTTPS to AWS APIs",
	sgDb:       "Database: MySQL from the app servers only",
	sgOpmng:    "Operations access: no ingress unless adminCidrs opens SSH; Session Manager needs none",
	sgEndpoint: "Interface VPC endpoints: HTTPS from the app servers",
	sgNat:      "NAT instance: HTTPS from the private subnets, out to the internet",
}

// groups lists the groups the spec needs, in creation order.
func groups(spec netspec.Spec) []string {
	g := []string{sgWeb, sgApp, sgDb, sgOpmng}
	if len(spec.VpcEndpoints) > 0 {
		g = append(g, sgEndpoint)
	}
	if spec.NatStrategy == netspec.NatInstance {
		g = append(g, sgNat)
	}
	return g
}

// rules is the whole security-group graph of the spec. Nothing admits the world: the load balancer is
// internal, and takes only CloudFront's origin-facing addresses, on the one port the distribution uses
// (originPort). With no public address, only CloudFront's VPC origin in this account can present those
// addresses to it; the origin header narrows that to this stack's distribution. (The alternative, the
// CloudFront-VPCOrigins-Service-SG group AWS creates with the first VPC origin, is no narrower: it is
// shared by every VPC origin in the VPC, and its id exists only after the VPC origin is deployed.)
func rules(spec netspec.Spec, originPort int, p ports) []sgRule {
	r := []sgRule{
		{sgWeb, true, originPort, peerPrefixList, prefixListCloudFront, "From the CloudFront VPC origin (origin-facing addresses) only"},
		{sgWeb, false, p.app, peerGroup, sgApp, "App port to the app servers"},

		{sgApp, true, p.app, peerGroup, sgWeb, "App port from the load balancer"},
		{sgApp, false, p.db, peerGroup, sgDb, "MySQL to the database"},
		{sgApp, false, portHTTPS, peerPrefixList, prefixListS3, "HTTPS to S3 through the gateway endpoint: artifacts, package mirrors"},

		{sgDb, true, p.db, peerGroup, sgApp, "MySQL from the app servers"},
	}
	if spec.NatStrategy != netspec.NatNone {
		r = append(r, sgRule{sgApp, false, portHTTPS, peerCidr, anywhere, "HTTPS through NAT to AWS APIs: SSM, CloudWatch"})
	}
	if len(spec.VpcEndpoints) > 0 {
		r = append(r,
			sgRule{sgApp, false, portHTTPS, peerGroup, sgEndpoint, "HTTPS to the interface VPC endpoints"},
			sgRule{sgEndpoint, true, portHTTPS, peerGroup, sgApp, "HTTPS from the app servers"},
		)
	}
	for _, cidr := range spec.AdminCidrs {
		r = append(r, sgRule{sgOpmng, true, portSSH, peerCidr, cidr, "SSH from an admin network in adminCidrs"})
	}
	if spec.NatStrategy == netspec.NatInstance {
		// What the app tier sends out (HTTPS only, like every group's egress) and the instance's own calls.
		for _, cidr := range spec.Subnets.Private {
			r = append(r, sgRule{sgNat, true, portHTTPS, peerCidr, cidr, "HTTPS from a private subnet, to forward"})
		}
		r = append(r, sgRule{sgNat, false, portHTTPS, peerCidr, anywhere, "HTTPS to the internet: forwarded traffic, AWS APIs, packages"})
	}
	r = append(r, peerRules(spec)...)
	if p.test != 0 {
		// The test listener of blue/green deployments: reachable from inside the app tier only (a person in
		// a task through ECS Exec, a deployment's test hook), never from CloudFront or a network outside.
		r = append(r,
			sgRule{sgWeb, true, p.test, peerGroup, sgApp, "Blue/green test traffic from the app tier only"},
			sgRule{sgApp, false, p.test, peerGroup, sgWeb, "Blue/green test traffic to the load balancer's test listener"},
		)
	}
	return r
}

// buildSecurityGroups creates the groups with no inline rules: the provider then strips AWS's default
// allow-all egress, and every rule is its own resource (buildSecurityGroupRules) with a description.
func (b *builder) buildSecurityGroups() error {
	b.securityGroups = map[string]*ec2.SecurityGroup{}
	for _, g := range groups(b.spec) {
		name := b.name + "-" + g + "-sg"
		sg, err := ec2.NewSecurityGroup(b.ctx, name, &ec2.SecurityGroupArgs{
			VpcId:       b.vpc.ID(),
			Description: pulumi.String(groupDescriptions[g]),
			Tags:        layer.NameTags(name),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.securityGroups[g] = sg
	}
	return nil
}

func (b *builder) buildSecurityGroupRules() error {
	cloudFront, err := ec2.LookupManagedPrefixList(b.ctx, &ec2.LookupManagedPrefixListArgs{
		Name: pulumi.StringRef(cloudFrontPrefixList),
	}, pulumi.Parent(b.component))
	if err != nil {
		return fmt.Errorf("looking up %s: %w", cloudFrontPrefixList, err)
	}
	prefixLists := map[string]pulumi.StringPtrInput{
		prefixListS3:         b.s3Endpoint.PrefixListId,
		prefixListCloudFront: pulumi.String(cloudFront.Id),
	}
	for _, r := range rules(b.spec, b.originPort, b.ports) {
		name := b.name + "-" + r.key()
		sg := b.securityGroups[r.Group].ID()
		var cidr, prefixList, group pulumi.StringPtrInput
		switch r.PeerKind {
		case peerCidr:
			cidr = pulumi.String(r.Peer)
		case peerPrefixList:
			prefixList = prefixLists[r.Peer]
		case peerGroup:
			group = b.securityGroups[r.Peer].ID()
		}
		if r.Ingress {
			_, err = vpc.NewSecurityGroupIngressRule(b.ctx, name, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId:           sg,
				IpProtocol:                pulumi.String("tcp"),
				FromPort:                  pulumi.Int(r.Port),
				ToPort:                    pulumi.Int(r.Port),
				CidrIpv4:                  cidr,
				PrefixListId:              prefixList,
				ReferencedSecurityGroupId: group,
				Description:               pulumi.String(r.Description),
				Tags:                      layer.NameTags(name),
			}, b.opts...)
		} else {
			_, err = vpc.NewSecurityGroupEgressRule(b.ctx, name, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId:           sg,
				IpProtocol:                pulumi.String("tcp"),
				FromPort:                  pulumi.Int(r.Port),
				ToPort:                    pulumi.Int(r.Port),
				CidrIpv4:                  cidr,
				PrefixListId:              prefixList,
				ReferencedSecurityGroupId: group,
				Description:               pulumi.String(r.Description),
				Tags:                      layer.NameTags(name),
			}, b.opts...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
