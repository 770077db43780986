package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// aclRule is one network ACL entry. ACLs are stateless, so each tier admits the return traffic of what it
// starts (the ephemeral ports) as well as what it serves.
type aclRule struct {
	RuleNo   int
	Protocol string // "tcp" or "-1" (all)
	From, To int
	Cidr     string
	Deny     bool
}

const (
	ephemeralFrom = 1024
	ephemeralTo   = 65535
	// portRDP is left out of the ephemeral range the internet may reach: Security Hub EC2.21 flags any
	// network ACL entry that admits 3389 (or 22) from 0.0.0.0/0, and replies never arrive on it in
	// practice (Linux picks ephemeral ports from 32768 up).
	portRDP = 3389
)

// aclRules returns the ingress and egress entries of one tier. Security groups do the fine-grained work;
// the ACLs are the coarse second wall: the internet reaches nothing in the public tier but replies to the
// NAT gateways; the private tier takes the origin port (CloudFront's VPC origin, which the web group
// narrows to CloudFront's addresses), SSH from adminCidrs, and replies; the db tier talks to nothing but
// the app subnets (and itself, for Multi-AZ and replicas).
func aclRules(spec netspec.Spec, dbPort, originPort int, tier netspec.Tier) (ingress, egress []aclRule) {
	vpcAll := aclRule{Protocol: "-1", Cidr: spec.VpcCidr}
	worldAll := aclRule{Protocol: "-1", Cidr: anywhere}
	worldEphemeral := []aclRule{
		{Protocol: "tcp", From: ephemeralFrom, To: portRDP - 1, Cidr: anywhere},
		{Protocol: "tcp", From: portRDP + 1, To: ephemeralTo, Cidr: anywhere},
	}
	switch tier {
	case netspec.TierPublic:
		// replies to the NAT gateways, and app traffic on its way out through them
		ingress = numbered(100, append(worldEphemeral, vpcAll)...)
		egress = numbered(100, worldAll)
	case netspec.TierPrivate:
		ingress = []aclRule{vpcAll, {Protocol: "tcp", From: originPort, To: originPort, Cidr: anywhere}}
		for _, cidr := range spec.AdminCidrs {
			ingress = append(ingress, aclRule{Protocol: "tcp", From: portSSH, To: portSSH, Cidr: cidr})
		}
		ingress = numbered(100, append(ingress, worldEphemeral...)...) // replies through NAT and from S3
		egress = numbered(100, worldAll)
	case netspec.TierDb:
		for _, cidr := range spec.Subnets.Private {
			ingress = append(ingress, aclRule{Protocol: "tcp", From: dbPort, To: dbPort, Cidr: cidr})
			egress = append(egress, aclRule{Protocol: "tcp", From: ephemeralFrom, To: ephemeralTo, Cidr: cidr})
		}
		for _, cidr := range spec.Subnets.Db {
			ingress = append(ingress, aclRule{Protocol: "-1", Cidr: cidr})
			egress = append(egress, aclRule{Protocol: "-1", Cidr: cidr})
		}
		ingress, egress = numbered(100, ingress...), numbered(100, egress...)
	}
	peerIn, peerOut := peerAclRules(spec, tier)
	return append(peerIn, ingress...), append(peerOut, egress...)
}

// numbered gives rules the numbers start, start+10, ... in order.
func numbered(start int, rules ...aclRule) []aclRule { return numberedBy(start, 10, rules...) }

// numberedBy gives rules the numbers start, start+step, ... in order.
func numberedBy(start, step int, rules ...aclRule) []aclRule {
	for i := range rules {
		rules[i].RuleNo = start + step*i
	}
	return rules
}

func (r aclRule) action() string {
	if r.Deny {
		return "deny"
	}
	return "allow"
}

// buildNetworkAcls creates one ACL per tier, associated with that tier's subnets.
func (b *builder) buildNetworkAcls() error {
	for _, tier := range netspec.Tiers {
		ingress, egress := aclRules(b.spec, b.ports.db, b.originPort, tier)
		in := ec2.NetworkAclIngressArray{}
		for _, r := range ingress {
			in = append(in, ec2.NetworkAclIngressArgs{
				RuleNo: pulumi.Int(r.RuleNo), Action: pulumi.String(r.action()), Protocol: pulumi.String(r.Protocol),
				FromPort: pulumi.Int(r.From), ToPort: pulumi.Int(r.To), CidrBlock: pulumi.String(r.Cidr),
			})
		}
		out := ec2.NetworkAclEgressArray{}
		for _, r := range egress {
			out = append(out, ec2.NetworkAclEgressArgs{
				RuleNo: pulumi.Int(r.RuleNo), Action: pulumi.String(r.action()), Protocol: pulumi.String(r.Protocol),
				FromPort: pulumi.Int(r.From), ToPort: pulumi.Int(r.To), CidrBlock: pulumi.String(r.Cidr),
			})
		}
		name := b.name + "-" + string(tier) + "-nacl"
		if _, err := ec2.NewNetworkAcl(b.ctx, name, &ec2.NetworkAclArgs{
			VpcId:     b.vpc.ID(),
			SubnetIds: subnetIDs(b.subnets[tier]),
			Ingress:   in,
			Egress:    out,
			Tags:      layer.NameTags(name),
		}, b.opts...); err != nil {
			return err
		}
	}
	return nil
}
