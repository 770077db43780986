package netspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// KeyVpcPeers is the list of VPCs this stack's VPC is peered with (an object list: not declared in
// Pulumi.yaml).
const KeyVpcPeers = "vpcPeers"

// Peer is one VPC peering: the other VPC, its CIDR blocks, and what of this VPC may reach it. Traffic goes
// one way: the listed tiers open connections to the peer on the listed TCP ports; the peer opens none
// into this VPC (no security group admits it).
type Peer struct {
	// Name is a short name for the peering's resources: tastylog-dev-peer-<name>.
	Name  string `json:"name"`
	VpcId string `json:"vpcId"`
	// Cidrs are the peer VPC's IPv4 blocks this VPC routes to: its primary and any secondary block.
	Cidrs []string `json:"cidrs"`
	// AccountId owns the peer VPC; "" is this stack's account.
	AccountId string `json:"accountId,omitempty"`
	// Region is the peer VPC's region; "" is this stack's.
	Region string `json:"region,omitempty"`
	// Tiers may reach the peer: private (the app servers or tasks), db (the database, for replication
	// from a source in the peer).
	Tiers []Tier `json:"tiers"`
	Ports []int  `json:"ports"`
	// Dns lets each side resolve the other's public DNS names to private addresses across the peering.
	Dns bool `json:"dns,omitempty"`
	// Accepted says the other side has accepted a peering the program cannot accept itself (another
	// account or region), so the peering is active and its DNS option can be set.
	Accepted bool `json:"accepted,omitempty"`
}

// PeerFields are the fields a vpcPeers entry may have.
var PeerFields = []string{"name", "vpcId", "cidrs", "accountId", "region", "tiers", "ports", "dns", "accepted"}

// PeerTiers are the tiers that may reach a peer: the public tier holds only NAT, which starts nothing.
var PeerTiers = []Tier{TierPrivate, TierDb}

// AWS's limits a peering list meets or fails (Amazon VPC quotas).
const (
	// MaxPeers is the default quota of active peering connections per VPC (adjustable to 125 on request).
	MaxPeers = 50
	// maxRoutes is the default quota of routes per route table; a tier's table already holds its local
	// route, its default route and the S3 gateway endpoint's.
	maxRoutes      = 50
	routesInUse    = 3
	peerNameMaxLen = 16
)

var (
	peerNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	vpcIdPattern    = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	accountPattern  = regexp.MustCompile(`^[0-9]{12}$`)
)

// Local reports whether the program accepts the peering itself: the peer VPC is in this stack's account
// and region.
func (p Peer) Local(region, account string) bool {
	return (p.AccountId == "" || p.AccountId == account) && (p.Region == "" || p.Region == region)
}

// PeerRegion is the peer VPC's region, this stack's when the peer names none.
func (p Peer) PeerRegion(region string) string {
	if p.Region == "" {
		return region
	}
	return p.Region
}

// PeersIn returns the peers the tier may reach.
func (s Spec) PeersIn(tier Tier) []Peer {
	var out []Peer
	for _, p := range s.Peers {
		if slices.Contains(p.Tiers, tier) {
			out = append(out, p)
		}
	}
	return out
}

// transitive is what every peering error about reach says: AWS routes a peering to the peer VPC's own
// blocks only.
const transitive = "a peering reaches the peer VPC's own CIDR blocks and nothing behind them (its other peers, its VPN or Direct Connect, its internet or NAT gateway): peering is not transitive; peer with that network's VPC directly"

func (v *validator) peers(peers []Peer, region string, vpc netip.Prefix, vpcOK bool) {
	key := v.prefix + KeyVpcPeers
	if len(peers) > MaxPeers {
		v.fail(key, fmt.Sprintf("%d peers", len(peers)), "lists more peers than the %d active peering connections a VPC may have (AWS's default quota, raised to at most 125 on request)", MaxPeers)
	}
	var seen []namedNet
	routes := map[Tier]int{}
	for i, p := range peers {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case !peerNamePattern.MatchString(p.Name) || len(p.Name) > peerNameMaxLen:
			v.fail(k+".name", p.Name, "is not a peer name; want 1 to %d lowercase letters, digits and inner hyphens (it names tastylog-<env>-peer-<name>)", peerNameMaxLen)
		case slices.IndexFunc(peers, func(o Peer) bool { return o.Name == p.Name }) != i:
			v.fail(k+".name", p.Name, "is used by an earlier peer; each peer needs its own name")
		}
		switch {
		case !vpcIdPattern.MatchString(p.VpcId):
			v.fail(k+".vpcId", p.VpcId, "is not a VPC id; want vpc- and 8 or 17 hexadecimal digits")
		case slices.IndexFunc(peers, func(o Peer) bool { return o.VpcId == p.VpcId && o.Region == p.Region }) != i:
			v.fail(k+".vpcId", p.VpcId, "is peered twice; one peering per VPC carries all of its CIDR blocks")
		}
		if p.AccountId != "" && !accountPattern.MatchString(p.AccountId) {
			v.fail(k+".accountId", p.AccountId, "is not an AWS account id; want 12 digits, or leave it out for this stack's account")
		}
		if p.Region != "" && !slices.Contains(SupportedRegions(), p.Region) {
			v.fail(k+".region", p.Region, "is not a commercial AWS region; want one such as ap-northeast-3, or leave it out for aws:region")
		}
		if len(p.Cidrs) == 0 {
			v.fail(k+".cidrs", "[]", "is empty; list the peer VPC's CIDR blocks (primary and secondary) this VPC routes to")
		}
		for j, cidr := range p.Cidrs {
			ck := fmt.Sprintf("%s.cidrs[%d]", k, j)
			n, err := ParseNetwork(cidr)
			switch {
			case err != nil:
				v.fail(ck, cidr, "%v; want the peer VPC's block such as 10.20.0.0/16", err)
				continue
			case n.Bits() < minPrefixBits:
				v.fail(ck, cidr, "is broader than any VPC block (/%d to /%d); %s", minPrefixBits, maxPrefixBits, transitive)
				continue
			case n.Bits() > maxPrefixBits:
				v.fail(ck, cidr, "has prefix length /%d; a VPC block is /%d to /%d", n.Bits(), minPrefixBits, maxPrefixBits)
				continue
			case vpcOK && vpc.Overlaps(n):
				v.fail(ck, cidr, "overlaps this VPC's %s (%s); AWS cannot peer two VPCs that share any address, in any of their blocks", vpc, v.prefix+KeyVpcCidr)
				continue
			}
			for _, other := range seen {
				if !other.prefix.Overlaps(n) {
					continue
				}
				if strings.HasPrefix(other.key, k+".") {
					v.fail(ck, cidr, "overlaps %s (%s); a VPC's blocks never overlap", other.prefix, other.key)
				} else {
					v.fail(ck, cidr, "overlaps %s (%s); traffic to those addresses can take one peering only. If this peer reaches them through the other, it does not: %s", other.prefix, other.key, transitive)
				}
			}
			seen = append(seen, namedNet{key: ck, prefix: n})
		}
		if len(p.Tiers) == 0 {
			v.fail(k+".tiers", "[]", "is empty; list the tiers that may reach the peer: %s", quoted(PeerTiers))
		}
		for j, t := range p.Tiers {
			tk := fmt.Sprintf("%s.tiers[%d]", k, j)
			switch {
			case t == TierPublic:
				v.fail(tk, string(t), "holds only NAT, which opens no connection of its own; allowed: %s", quoted(PeerTiers))
			case !slices.Contains(PeerTiers, t):
				v.fail(tk, string(t), "is not a tier; allowed: %s", quoted(PeerTiers))
			case slices.Index(p.Tiers, t) != j:
				v.fail(tk, string(t), "is listed twice")
			default:
				routes[t] += len(p.Cidrs)
			}
		}
		if len(p.Ports) == 0 {
			v.fail(k+".ports", "[]", "is empty; list the TCP ports the tiers may reach on the peer, such as [443]")
		}
		for j, port := range p.Ports {
			pk := fmt.Sprintf("%s.ports[%d]", k, j)
			switch {
			case port < 1 || port > 65535:
				v.fail(pk, fmt.Sprint(port), "is not a TCP port (1-65535)")
			case slices.Index(p.Ports, port) != j:
				v.fail(pk, fmt.Sprint(port), "is listed twice")
			}
		}
		if p.Dns && !p.Accepted && p.Region != "" && p.Region != region {
			v.failDnsBeforeAcceptance(k, p)
		}
	}
	for _, t := range PeerTiers {
		if routes[t] > maxRoutes-routesInUse {
			v.fail(key, fmt.Sprintf("%d routes in the %s tier", routes[t], t), "adds more routes to the %s tier's route tables than the %d AWS allows beside the %d they hold (the default quota, adjustable)", t, maxRoutes-routesInUse, routesInUse)
		}
	}
}

func (v *validator) failDnsBeforeAcceptance(k string, p Peer) {
	v.fail(k+".dns", "true", "needs the peering active, and the other side has not accepted it (%s.accepted is false): create the peering without dns, have the peer's owner accept it (docs/operations.md, \"Peering with another VPC\"), then set accepted and dns to true", k)
}

// CheckPeerAccounts reports the peers in another account whose DNS option is asked for before the other
// side has accepted (AWS sets it on active peerings only). The account is the caller's, known only once a
// provider can ask.
func (s Spec) CheckPeerAccounts(keyPrefix, account string) error {
	v := validator{prefix: keyPrefix}
	for i, p := range s.Peers {
		crossRegion := p.Region != "" && p.Region != s.Region
		if p.Dns && !p.Accepted && !crossRegion && !p.Local(s.Region, account) {
			v.failDnsBeforeAcceptance(fmt.Sprintf("%s%s[%d]", keyPrefix, KeyVpcPeers, i), p)
		}
	}
	return errors.Join(v.errs...)
}

// UnmarshalJSON reads a peer whose accountId is a string or a number: `pulumi config set --path
// 'tastylog:vpcPeers[0].accountId' 210987654321` stores a number (the CLI keeps a leading zero as a string).
func (p *Peer) UnmarshalJSON(b []byte) error {
	type plain Peer
	var raw struct {
		plain
		AccountId json.RawMessage `json:"accountId"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = Peer(raw.plain)
	p.AccountId = ""
	if len(raw.AccountId) > 0 {
		var s string
		if err := json.Unmarshal(raw.AccountId, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(raw.AccountId, &n); err != nil {
				return fmt.Errorf("accountId %s is neither a string nor a number", raw.AccountId)
			}
			s = n.String()
		}
		p.AccountId = s
	}
	return nil
}
