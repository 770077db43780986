package netspec

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/tastylog/infra/internal/awstables"
	"github.com/tastylog/infra/internal/configerr"
)

// Prefix lengths AWS accepts for a VPC's or a subnet's IPv4 block.
const (
	minPrefixBits = 16
	maxPrefixBits = 28
	// adminMinBits keeps an SSH allow-list from being the world in disguise (0.0.0.0/1 and 128.0.0.0/1).
	adminMinBits = 8
)

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	azPattern     = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)([a-z])$`)
)

// Validate checks that the spec can be deployed. Keys in the errors are the stack-config key names with
// keyPrefix in front (the project namespace, "tastylog:"), except the region, which is always "aws:region".
// Every problem is reported, not only the first.
func (s Spec) Validate(keyPrefix string) error {
	v := validator{prefix: keyPrefix}
	v.region(s.Region)
	vpc, vpcOK := v.vpcCidr(s.VpcCidr)
	v.zones(s.Region, s.AvailabilityZones)
	v.subnets(s.Subnets, len(s.AvailabilityZones), vpc, vpcOK)
	v.nat(s.NatStrategy, s.VpcEndpoints)
	if s.VpcEndpointAzs < 0 || s.VpcEndpointAzs > len(s.AvailabilityZones) {
		v.fail(v.prefix+KeyVpcEndpointAzs, fmt.Sprint(s.VpcEndpointAzs), "must be from 1 to the number of availability zones (%d), or 0 for every AZ", len(s.AvailabilityZones))
	}
	v.adminCidrs(s.AdminCidrs, vpc, vpcOK)
	v.peers(s.Peers, s.Region, vpc, vpcOK)
	return errors.Join(v.errs...)
}

type validator struct {
	prefix string
	errs   []error
}

func (v *validator) fail(key, value, format string, args ...any) {
	v.errs = append(v.errs, configerr.New(key, value, format, args...))
}

func (v *validator) region(region string) {
	switch {
	case !regionPattern.MatchString(region):
		v.fail("aws:region", region, "is not an AWS region name; want one such as ap-northeast-1")
	case !slices.Contains(SupportedRegions(), region):
		v.fail("aws:region", region, "is not a region this stack supports; supported (the commercial regions of pulumi-aws %s's aws.Region): %s",
			awstables.SDKVersion, strings.Join(SupportedRegions(), ", "))
	}
}

// otherPartitions are region prefixes outside the commercial aws partition: China, GovCloud and the
// isolated regions. The program writes arn:aws: ARNs and uses services (CloudFront, its us-east-1
// certificates) those partitions do not have in the same form.
var otherPartitions = []string{"cn-", "us-gov-", "us-iso", "eu-isoe-"}

// SupportedRegions are the regions of the SDK's aws.Region enum in the commercial partition.
func SupportedRegions() []string {
	var out []string
	for _, r := range awstables.Regions {
		if !slices.ContainsFunc(otherPartitions, func(p string) bool { return strings.HasPrefix(r, p) }) {
			out = append(out, r)
		}
	}
	return out
}

func (v *validator) vpcCidr(cidr string) (netip.Prefix, bool) {
	key := v.prefix + KeyVpcCidr
	p, err := ParseNetwork(cidr)
	if err != nil {
		v.fail(key, cidr, "%v; want an IPv4 network such as 192.168.0.0/20", err)
		return p, false
	}
	if p.Bits() < minPrefixBits || p.Bits() > maxPrefixBits {
		v.fail(key, cidr, "has prefix length /%d; AWS allows /%d to /%d for a VPC", p.Bits(), minPrefixBits, maxPrefixBits)
		return p, false
	}
	return p, true
}

func (v *validator) zones(region string, zones []string) {
	key := v.prefix + KeyAvailabilityZones
	if len(zones) < 2 {
		v.fail(key, fmt.Sprint(zones), "lists %d AZ(s); at least 2 are needed (the load balancer and a Multi-AZ database span two)", len(zones))
	}
	for i, az := range zones {
		k := fmt.Sprintf("%s[%d]", key, i)
		m := azPattern.FindStringSubmatch(az)
		switch {
		case m == nil:
			v.fail(k, az, "is not an availability zone name; want one such as %sa", region)
		case m[1] != region:
			v.fail(k, az, "is not in region %q (aws:region); want a zone such as %sa", region, region)
		case slices.Index(zones, az) != i:
			v.fail(k, az, "is listed twice; each AZ may appear once")
		}
	}
}

type namedNet struct {
	key    string
	prefix netip.Prefix
}

func (v *validator) subnets(s Subnets, zoneCount int, vpc netip.Prefix, vpcOK bool) {
	var all []namedNet
	for _, tier := range Tiers {
		key := fmt.Sprintf("%s%s.%s", v.prefix, KeySubnets, tier)
		cidrs := s.Of(tier)
		if len(cidrs) != zoneCount {
			v.fail(key, fmt.Sprint(cidrs), "has %d subnet(s); want exactly one per availability zone (%d)", len(cidrs), zoneCount)
		}
		for i, cidr := range cidrs {
			k := fmt.Sprintf("%s[%d]", key, i)
			p, err := ParseNetwork(cidr)
			if err != nil {
				v.fail(k, cidr, "%v; want an IPv4 network such as 192.168.1.0/24", err)
				continue
			}
			if p.Bits() < minPrefixBits || p.Bits() > maxPrefixBits {
				v.fail(k, cidr, "has prefix length /%d; AWS allows /%d to /%d for a subnet", p.Bits(), minPrefixBits, maxPrefixBits)
				continue
			}
			if vpcOK && !Within(vpc, p) {
				v.fail(k, cidr, "is outside the VPC %s (%s)", vpc, v.prefix+KeyVpcCidr)
				continue
			}
			for _, other := range all {
				if other.prefix.Overlaps(p) {
					v.fail(k, cidr, "overlaps %s (%s); subnets must not overlap", other.prefix, other.key)
				}
			}
			all = append(all, namedNet{key: k, prefix: p})
		}
	}
}

func (v *validator) nat(strategy NatStrategy, endpoints []string) {
	if !slices.Contains(NatStrategies, strategy) {
		v.fail(v.prefix+KeyNatStrategy, string(strategy), "is not a NAT strategy; allowed: %s", quoted(NatStrategies))
	}
	key := v.prefix + KeyVpcEndpoints
	for i, e := range endpoints {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case !slices.Contains(InterfaceEndpoints, e):
			v.fail(k, e, "is not an endpoint this stack can create; allowed: %s", quoted(InterfaceEndpoints))
		case slices.Index(endpoints, e) != i:
			v.fail(k, e, "is listed twice; each endpoint may appear once")
		}
	}
}

// CheckWithoutNat reports a stack without NAT that lacks an interface endpoint in need, what the app (who
// needs them, for the message) cannot reach AWS without.
func (s Spec) CheckWithoutNat(keyPrefix string, need []string, who string) error {
	if s.NatStrategy != NatNone {
		return nil
	}
	var missing []string
	for _, e := range need {
		if !slices.Contains(s.VpcEndpoints, e) {
			missing = append(missing, e)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return configerr.New(keyPrefix+KeyNatStrategy, string(s.NatStrategy),
		"leaves %s without a way to reach AWS; set %s to \"instance\", \"single\" or \"perAz\", or add %s to %s",
		who, keyPrefix+KeyNatStrategy, quoted(missing), keyPrefix+KeyVpcEndpoints)
}

// privateRanges are the RFC 1918 blocks: the only addresses a network joined to the VPC by VPN, Direct
// Connect, a transit gateway or peering can have. The app servers have no public address, so a public
// network can never reach them over SSH.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
}

func (v *validator) adminCidrs(cidrs []string, vpc netip.Prefix, vpcOK bool) {
	key := v.prefix + KeyAdminCidrs
	for i, cidr := range cidrs {
		k := fmt.Sprintf("%s[%d]", key, i)
		p, err := ParseNetwork(cidr)
		switch {
		case err != nil:
			v.fail(k, cidr, "%v; want a private IPv4 network such as 10.20.0.0/16", err)
		case p.Bits() == 0:
			v.fail(k, cidr, "would open SSH to the whole internet; list your VPN or peered ranges, or leave %s empty and use SSH over Session Manager", key)
		case p.Bits() < adminMinBits:
			v.fail(k, cidr, "is too broad for SSH access; allowed prefix lengths are /%d to /32", adminMinBits)
		case !slices.ContainsFunc(privateRanges, func(r netip.Prefix) bool { return Within(r, p) }):
			v.fail(k, cidr, "is not a private (RFC 1918) network; the app servers have no public address, so SSH reaches them only from a network joined to the VPC (VPN, Direct Connect, transit gateway, peering) or over Session Manager (leave %s empty)", key)
		case vpcOK && vpc.Overlaps(p):
			v.fail(k, cidr, "overlaps the VPC %s; list the admin network outside it (traffic inside the VPC never needs this)", vpc)
		case slices.Index(cidrs, cidr) != i:
			v.fail(k, cidr, "is listed twice; each CIDR may appear once")
		}
	}
}

// ParseNetwork parses an IPv4 CIDR block that is written as its network address (192.168.1.0/24, not
// 192.168.1.7/24): AWS rejects or silently rewrites the latter, and the rewrite hides typos.
func ParseNetwork(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, errors.New("is not an IPv4 CIDR block")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("is not a network address (did you mean %s?)", p.Masked())
	}
	return p, nil
}

// Within reports whether inner lies entirely inside outer.
func Within(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}
