package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// peerGroups are the security groups of the tiers that may reach a peer: the app servers or tasks of the
// private tier, the database of the db tier.
var peerGroups = map[netspec.Tier]string{netspec.TierPrivate: sgApp, netspec.TierDb: sgDb}

// peerRules are the egress rules of the peerings: each listed tier's group may open the listed TCP ports
// to the peer's blocks, and nothing admits the peer (connections go one way).
func peerRules(spec netspec.Spec) []sgRule {
	var r []sgRule
	for _, p := range spec.Peers {
		for _, tier := range p.Tiers {
			for _, cidr := range p.Cidrs {
				for _, port := range p.Ports {
					r = append(r, sgRule{peerGroups[tier], false, port, peerCidr, cidr, fmt.Sprintf("TCP %d to the peered VPC %s", port, p.Name)})
				}
			}
		}
	}
	return r
}

// peerAclRules are a tier's network ACL entries for its peers, numbered below the tier's own (which start
// at 100): the listed ports out and the replies in, then, where the tier's own entries would admit more of
// the peer (the private tier's replies from anywhere, its egress to anywhere), a deny of the rest.
func peerAclRules(spec netspec.Spec, tier netspec.Tier) (ingress, egress []aclRule) {
	for _, p := range spec.PeersIn(tier) {
		for _, cidr := range p.Cidrs {
			ingress = append(ingress, aclRule{Protocol: "tcp", From: ephemeralFrom, To: ephemeralTo, Cidr: cidr})
			for _, port := range p.Ports {
				egress = append(egress, aclRule{Protocol: "tcp", From: port, To: port, Cidr: cidr})
			}
			if tier == netspec.TierPrivate {
				ingress = append(ingress, aclRule{Protocol: "-1", Cidr: cidr, Deny: true})
				egress = append(egress, aclRule{Protocol: "-1", Cidr: cidr, Deny: true})
			}
		}
	}
	return numberedBy(1, 1, ingress...), numberedBy(1, 1, egress...)
}

// buildPeering creates each peering connection, accepted by the program when the peer VPC is in this
// account and region, and the routes to the peer's blocks in the listed tiers' route tables.
func (b *builder) buildPeering() error {
	b.peerings = map[string]*ec2.VpcPeeringConnection{}
	for _, p := range b.spec.Peers {
		name := b.name + "-peer-" + p.Name
		local := p.Local(b.spec.Region, b.account)
		args := &ec2.VpcPeeringConnectionArgs{
			VpcId:      b.vpc.ID(),
			PeerVpcId:  pulumi.String(p.VpcId),
			AutoAccept: pulumi.Bool(local),
			Tags:       layer.NameTags(name),
		}
		if p.AccountId != "" {
			args.PeerOwnerId = pulumi.String(p.AccountId)
		}
		if p.Region != "" && p.Region != b.spec.Region {
			args.PeerRegion = pulumi.String(p.Region)
		}
		if local && p.Dns {
			// Both sides are this account's: each resolves the other's public DNS names to private addresses.
			args.Requester = &ec2.VpcPeeringConnectionRequesterArgs{AllowRemoteVpcDnsResolution: pulumi.Bool(true)}
			args.Accepter = &ec2.VpcPeeringConnectionAccepterTypeArgs{AllowRemoteVpcDnsResolution: pulumi.Bool(true)}
		}
		pcx, err := ec2.NewVpcPeeringConnection(b.ctx, name, args, b.opts...)
		if err != nil {
			return err
		}
		b.peerings[p.Name] = pcx
		if !local && p.Dns && p.Accepted {
			// This side's option only: the peer's owner sets theirs.
			if _, err := ec2.NewPeeringConnectionOptions(b.ctx, name+"-options", &ec2.PeeringConnectionOptionsArgs{
				VpcPeeringConnectionId: pcx.ID(),
				Requester:              &ec2.PeeringConnectionOptionsRequesterArgs{AllowRemoteVpcDnsResolution: pulumi.Bool(true)},
			}, b.opts...); err != nil {
				return err
			}
		}
		for _, tier := range p.Tiers {
			for _, t := range b.tablesOf(tier) {
				for _, cidr := range p.Cidrs {
					routeName := fmt.Sprintf("%s-peer-%s-%s", t.name, p.Name, strings.NewReplacer(".", "-", "/", "-").Replace(cidr))
					if _, err := ec2.NewRoute(b.ctx, routeName, &ec2.RouteArgs{
						RouteTableId:           t.table.ID(),
						DestinationCidrBlock:   pulumi.String(cidr),
						VpcPeeringConnectionId: pcx.ID(),
					}, b.opts...); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

type namedTable struct {
	name  string
	table *ec2.RouteTable
}

// tablesOf returns the route tables of a tier that may reach peers.
func (b *builder) tablesOf(tier netspec.Tier) []namedTable {
	if tier == netspec.TierDb {
		return []namedTable{{b.name + "-db-rt", b.dbRT}}
	}
	var out []namedTable
	for i, az := range b.spec.AvailabilityZones {
		out = append(out, namedTable{azName(b.name+"-private-rt", az), b.privateRTs[i]})
	}
	return out
}

// maxAclEntries is AWS's default quota of entries per network ACL, in each direction (adjustable to 40).
const maxAclEntries = 20

// checkAclQuota reports a tier whose network ACL would hold more entries than AWS allows: peers with
// many blocks and ports, or many admin networks.
func checkAclQuota(spec netspec.Spec) error {
	for _, tier := range netspec.Tiers {
		in, out := aclRules(spec, 1, 443, tier)
		for _, c := range []struct {
			dir string
			n   int
		}{{"inbound", len(in)}, {"outbound", len(out)}} {
			if c.n > maxAclEntries {
				return fmt.Errorf("%s (and %s): the %s network ACL would hold %d %s entries, more than the %d AWS allows (the default quota, adjustable to 40); list fewer peer blocks or ports", netspec.KeyVpcPeers, netspec.KeyAdminCidrs, tier, c.n, c.dir, maxAclEntries)
			}
		}
	}
	return nil
}
