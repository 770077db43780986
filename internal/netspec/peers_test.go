package netspec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// peer is a valid same-account, same-region peer the cases change one thing of.
func peer(name, cidr string) Peer {
	return Peer{Name: name, VpcId: "vpc-0a1b2c3d", Cidrs: []string{cidr}, Tiers: []Tier{TierPrivate}, Ports: []int{443}}
}

func withPeers(peers ...Peer) func(*Spec) { return func(s *Spec) { s.Peers = peers } }

func TestPeersAccepted(t *testing.T) {
	two := peer("two", "172.16.0.0/16")
	two.VpcId, two.AccountId, two.Region, two.Tiers, two.Ports = "vpc-0123456789abcdef0", "210987654321", "ap-northeast-3", []Tier{TierPrivate, TierDb}, []int{3306, 443}
	accepted := peer("three", "10.40.0.0/24")
	accepted.VpcId, accepted.Region, accepted.Dns, accepted.Accepted = "vpc-0badcafe", "us-west-2", true, true
	for name, peers := range map[string][]Peer{
		"None":                     nil,
		"OneWithSecondaryBlock":    {{Name: "shared", VpcId: "vpc-0a1b2c3d", Cidrs: []string{"10.20.0.0/16", "100.64.0.0/20"}, Tiers: []Tier{TierPrivate}, Ports: []int{443}, Dns: true}},
		"CrossAccountAndRegion":    {peer("one", "10.20.0.0/16"), two},
		"CrossRegionDnsOnceActive": {accepted},
		"AdjacentToTheVpc":         {peer("next", "192.168.16.0/20")},
		"SameVpcIdInAnotherRegion": {peer("a", "10.1.0.0/16"), func() Peer { p := peer("b", "10.2.0.0/16"); p.Region = "us-east-1"; return p }()},
	} {
		t.Run(name, func(t *testing.T) {
			s := Default()
			s.Peers = peers
			if err := s.Validate("tastylog:"); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

// The notebook's rule (any shared address in any block makes peering impossible), the rules of one list
// of peers, AWS's quotas, and what peering cannot do (reach past the peer), each as a row.
func TestPeersRejected(t *testing.T) {
	many := make([]Peer, MaxPeers+1)
	for i := range many {
		many[i] = peer(fmt.Sprintf("p%d", i), fmt.Sprintf("10.%d.0.0/16", i))
		many[i].VpcId = fmt.Sprintf("vpc-%08x", i)
	}
	routes := make([]Peer, 2)
	for i := range routes {
		routes[i] = peer(fmt.Sprintf("r%d", i), "")
		routes[i].VpcId = fmt.Sprintf("vpc-%08x", i)
		routes[i].Cidrs = nil
		for j := range 24 {
			routes[i].Cidrs = append(routes[i].Cidrs, fmt.Sprintf("10.%d.%d.0/24", i, j))
		}
	}
	mutate := func(f func(*Peer)) func(*Spec) {
		p := peer("shared", "10.20.0.0/16")
		f(&p)
		return withPeers(p)
	}
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"OverlapsTheVpc", withPeers(peer("shared", "192.168.0.0/16")),
			`tastylog:vpcPeers[0].cidrs[0]: "192.168.0.0/16" overlaps this VPC's 192.168.0.0/20 (tastylog:vpcCidr); AWS cannot peer two VPCs that share any address`},
		{"SecondaryBlockOverlapsTheVpc", mutate(func(p *Peer) { p.Cidrs = []string{"10.20.0.0/16", "192.168.8.0/24"} }),
			`tastylog:vpcPeers[0].cidrs[1]: "192.168.8.0/24" overlaps this VPC's 192.168.0.0/20`},
		{"OverlapsAnotherPeer", withPeers(peer("a", "10.20.0.0/16"), func() Peer { p := peer("b", "10.20.128.0/20"); p.VpcId = "vpc-0e0e0e0e"; return p }()),
			`tastylog:vpcPeers[1].cidrs[0]: "10.20.128.0/20" overlaps 10.20.0.0/16 (tastylog:vpcPeers[0].cidrs[0]); traffic to those addresses can take one peering only. If this peer reaches them through the other, it does not: a peering reaches the peer VPC's own CIDR blocks and nothing behind them`},
		{"OwnBlocksOverlap", mutate(func(p *Peer) { p.Cidrs = []string{"10.20.0.0/16", "10.20.1.0/24"} }),
			`tastylog:vpcPeers[0].cidrs[1]: "10.20.1.0/24" overlaps 10.20.0.0/16 (tastylog:vpcPeers[0].cidrs[0]); a VPC's blocks never overlap`},
		{"BeyondThePeerIsNotReachable", mutate(func(p *Peer) { p.Cidrs = []string{"10.0.0.0/8"} }),
			`tastylog:vpcPeers[0].cidrs[0]: "10.0.0.0/8" is broader than any VPC block (/16 to /28); a peering reaches the peer VPC's own CIDR blocks and nothing behind them (its other peers, its VPN or Direct Connect, its internet or NAT gateway): peering is not transitive`},
		{"TheInternetIsNotReachable", mutate(func(p *Peer) { p.Cidrs = []string{"0.0.0.0/0"} }), `peering is not transitive`},
		{"NotANetworkAddress", mutate(func(p *Peer) { p.Cidrs = []string{"10.20.0.1/16"} }), `tastylog:vpcPeers[0].cidrs[0]: "10.20.0.1/16"`},
		{"NoCidrs", mutate(func(p *Peer) { p.Cidrs = nil }), `tastylog:vpcPeers[0].cidrs: "[]" is empty`},
		{"TooManyPeers", withPeers(many...), `tastylog:vpcPeers: "51 peers" lists more peers than the 50 active peering connections a VPC may have`},
		{"TooManyRoutes", withPeers(routes...), `adds more routes to the private tier's route tables than the 47 AWS allows`},
		{"BadName", mutate(func(p *Peer) { p.Name = "Shared_VPC" }), `tastylog:vpcPeers[0].name: "Shared_VPC" is not a peer name`},
		{"NameTwice", withPeers(peer("a", "10.1.0.0/16"), func() Peer { p := peer("a", "10.2.0.0/16"); p.VpcId = "vpc-0e0e0e0e"; return p }()),
			`tastylog:vpcPeers[1].name: "a" is used by an earlier peer`},
		{"VpcTwice", withPeers(peer("a", "10.1.0.0/16"), peer("b", "10.2.0.0/16")), `tastylog:vpcPeers[1].vpcId: "vpc-0a1b2c3d" is peered twice`},
		{"BadVpcId", mutate(func(p *Peer) { p.VpcId = "vpc-xyz" }), `tastylog:vpcPeers[0].vpcId: "vpc-xyz" is not a VPC id`},
		{"BadAccount", mutate(func(p *Peer) { p.AccountId = "12345" }), `tastylog:vpcPeers[0].accountId: "12345" is not an AWS account id`},
		{"BadRegion", mutate(func(p *Peer) { p.Region = "cn-north-1" }), `tastylog:vpcPeers[0].region: "cn-north-1" is not a commercial AWS region`},
		{"PublicTier", mutate(func(p *Peer) { p.Tiers = []Tier{TierPublic} }), `tastylog:vpcPeers[0].tiers[0]: "public" holds only NAT`},
		{"NoTiers", mutate(func(p *Peer) { p.Tiers = nil }), `tastylog:vpcPeers[0].tiers: "[]" is empty`},
		{"NoPorts", mutate(func(p *Peer) { p.Ports = nil }), `tastylog:vpcPeers[0].ports: "[]" is empty`},
		{"BadPort", mutate(func(p *Peer) { p.Ports = []int{0} }), `tastylog:vpcPeers[0].ports[0]: "0" is not a TCP port`},
		{"PortTwice", mutate(func(p *Peer) { p.Ports = []int{443, 443} }), `tastylog:vpcPeers[0].ports[1]: "443" is listed twice`},
		{"CrossRegionDnsBeforeAcceptance", mutate(func(p *Peer) { p.Region, p.Dns = "us-west-2", true }),
			`tastylog:vpcPeers[0].dns: "true" needs the peering active, and the other side has not accepted it`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			err := s.Validate("tastylog:")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// Whether another account is involved is known only once the caller's account is.
func TestPeerAccounts(t *testing.T) {
	s := Default()
	p := peer("shared", "10.20.0.0/16")
	p.AccountId, p.Dns = "210987654321", true
	s.Peers = []Peer{p}
	if err := s.Validate("tastylog:"); err != nil {
		t.Fatalf("Validate() = %v: the account is not known yet", err)
	}
	err := s.CheckPeerAccounts("tastylog:", "123456789012")
	if err == nil || !strings.Contains(err.Error(), `tastylog:vpcPeers[0].dns: "true" needs the peering active`) {
		t.Errorf("CheckPeerAccounts() = %v", err)
	}
	if err := s.CheckPeerAccounts("tastylog:", "210987654321"); err != nil {
		t.Errorf("CheckPeerAccounts() in the peer's own account = %v, want nil", err)
	}
	s.Peers[0].Accepted = true
	if err := s.CheckPeerAccounts("tastylog:", "123456789012"); err != nil {
		t.Errorf("CheckPeerAccounts() once accepted = %v, want nil", err)
	}
	if !p.Local("ap-northeast-1", "210987654321") || p.Local("ap-northeast-1", "123456789012") {
		t.Error("Local() decides by account")
	}
}

// `pulumi config set --path` stores an account id as a number; the peer reads either form.
func TestPeerAccountIdAsNumberOrString(t *testing.T) {
	for raw, want := range map[string]string{
		`{"name":"a","accountId":210987654321}`:   "210987654321",
		`{"name":"a","accountId":"012345678901"}`: "012345678901",
		`{"name":"a"}`: "",
	} {
		var p Peer
		if err := json.Unmarshal([]byte(raw), &p); err != nil || p.AccountId != want || p.Name != "a" {
			t.Errorf("Unmarshal(%s) = %+v, %v; want accountId %q", raw, p, err, want)
		}
	}
}
