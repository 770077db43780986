package layertests

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
)

const typePeering = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"

// peeredSpec has a shared-services peer in this account and region (private tier, 443, DNS) and a data
// VPC in another account with two blocks (private and db tiers, 3306 and 443).
func peeredSpec() netspec.Spec {
	spec := netspec.Default()
	spec.Peers = []netspec.Peer{
		{Name: "shared", VpcId: "vpc-0a1b2c3d", Cidrs: []string{"10.30.0.0/16"}, Tiers: []netspec.Tier{netspec.TierPrivate}, Ports: []int{443}, Dns: true},
		{Name: "data", VpcId: "vpc-0e0e0e0e", AccountId: "210987654321", Cidrs: []string{"10.40.0.0/20", "10.40.16.0/24"},
			Tiers: []netspec.Tier{netspec.TierPrivate, netspec.TierDb}, Ports: []int{3306, 443}},
	}
	return spec
}

func peeringRun(t *testing.T, spec netspec.Spec) (*testkit.Mocks, *network.Network) {
	t.Helper()
	m := testkit.New("tastylog", "dev", spec.Region)
	return m, testkit.RunComponent(t, m, spec.Region, func(ctx *pulumi.Context, p testkit.Providers) (*network.Network, error) {
		return network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 443, AppPort: 3000, DbPort: 3306, AccountId: account},
			pulumi.Providers(p.App))
	})
}

// The program accepts what it can (this account and region) and requests the rest.
func TestPeeringConnections(t *testing.T) {
	m, net := peeringRun(t, peeredSpec())
	shared := m.One(t, typePeering, "tastylog-dev-peer-shared")
	assert.Equal(t, id("tastylog-dev-vpc"), shared.Str("vpcId"))
	assert.Equal(t, "vpc-0a1b2c3d", shared.Str("peerVpcId"))
	assert.True(t, shared.Bool("autoAccept"), "same account and region: accepted by the program")
	assert.Empty(t, shared.Str("peerOwnerId"))
	assert.Empty(t, shared.Str("peerRegion"), "autoAccept forbids a peer region")
	assert.Equal(t, true, shared.Input("requester").(map[string]any)["allowRemoteVpcDnsResolution"])
	assert.Equal(t, true, shared.Input("accepter").(map[string]any)["allowRemoteVpcDnsResolution"])
	assert.Equal(t, "tastylog-dev-peer-shared", shared.Tag("Name"))

	data := m.One(t, typePeering, "tastylog-dev-peer-data")
	assert.False(t, data.Bool("autoAccept"), "another account accepts its own side")
	assert.Equal(t, "210987654321", data.Str("peerOwnerId"))
	assert.Nil(t, data.Input("requester"), "no DNS option on a peering that is not active")
	assert.Empty(t, m.ByType("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions"))

	ids, err := testkit.Await(net.PeeringConnectionIds)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"shared": "tastylog-dev-peer-shared-id", "data": "tastylog-dev-peer-data-id"}, ids)
}

// Once the other side has accepted, this side's DNS option is set on the active peering.
func TestPeeringDnsOnceAccepted(t *testing.T) {
	spec := peeredSpec()
	spec.Peers[1].Dns, spec.Peers[1].Accepted = true, true
	m, _ := peeringRun(t, spec)
	opts := m.One(t, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions", "tastylog-dev-peer-data-options")
	assert.Equal(t, "tastylog-dev-peer-data-id", opts.Str("vpcPeeringConnectionId"))
	assert.Equal(t, true, opts.Input("requester").(map[string]any)["allowRemoteVpcDnsResolution"])
	assert.Nil(t, opts.Input("accepter"), "the peer's owner sets their side")
}

// Routes go to the peer's blocks from the listed tiers' tables only: never the public table.
func TestPeeringRoutesPerTier(t *testing.T) {
	m, _ := peeringRun(t, peeredSpec())
	got := map[string][]string{}
	for _, r := range m.ByType(typeRoute) {
		if pcx := r.Str("vpcPeeringConnectionId"); pcx != "" {
			table := strings.TrimSuffix(r.Str("routeTableId"), mockIDSuffix)
			got[table] = append(got[table], r.Str("destinationCidrBlock")+" "+strings.TrimSuffix(pcx, mockIDSuffix))
		}
	}
	for _, v := range got {
		sort.Strings(v)
	}
	both := []string{"10.30.0.0/16 tastylog-dev-peer-shared", "10.40.0.0/20 tastylog-dev-peer-data", "10.40.16.0/24 tastylog-dev-peer-data"}
	assert.Equal(t, map[string][]string{
		"tastylog-dev-private-rt-1a": both,
		"tastylog-dev-private-rt-1c": both,
		"tastylog-dev-db-rt":         {"10.40.0.0/20 tastylog-dev-peer-data", "10.40.16.0/24 tastylog-dev-peer-data"},
	}, got)
}

// Each listed tier's group may open the listed ports to the peer's blocks; nothing admits the peer.
func TestPeeringSecurityGroupRules(t *testing.T) {
	m, _ := peeringRun(t, peeredSpec())
	peers := []string{"10.30.0.0/16", "10.40.0.0/20", "10.40.16.0/24"}
	got := map[string][]string{}
	for _, r := range m.ByType(typeEgressRule) {
		if c := r.Str("cidrIpv4"); c != "" && slices.Contains(peers, c) {
			g := strings.TrimSuffix(r.Str("securityGroupId"), "-sg"+mockIDSuffix)
			got[g] = append(got[g], c+":"+strconv.Itoa(r.Int("fromPort")))
			assert.Equal(t, r.Int("fromPort"), r.Int("toPort"), r.Name)
		}
	}
	for _, v := range got {
		sort.Strings(v)
	}
	assert.Equal(t, map[string][]string{
		"tastylog-dev-app": {"10.30.0.0/16:443", "10.40.0.0/20:3306", "10.40.0.0/20:443", "10.40.16.0/24:3306", "10.40.16.0/24:443"},
		"tastylog-dev-db":  {"10.40.0.0/20:3306", "10.40.0.0/20:443", "10.40.16.0/24:3306", "10.40.16.0/24:443"},
	}, got)
	for _, r := range m.ByType(typeIngressRule) {
		assert.NotContains(t, peers, r.Str("cidrIpv4"), "%s admits a peer", r.Name)
	}
}

// The network ACLs open the peer the same ports, ahead of the tier's own entries: the private tier, whose
// own entries admit replies from anywhere and send anywhere, denies the rest of each peer block.
func TestPeeringNetworkAcls(t *testing.T) {
	m, _ := peeringRun(t, peeredSpec())
	private := m.One(t, typeNacl, "tastylog-dev-private-nacl")
	assert.Equal(t, []string{
		"1 allow tcp 1024-65535 10.30.0.0/16",
		"2 deny -1 0-0 10.30.0.0/16",
		"3 allow tcp 1024-65535 10.40.0.0/20",
		"4 deny -1 0-0 10.40.0.0/20",
		"5 allow tcp 1024-65535 10.40.16.0/24",
		"6 deny -1 0-0 10.40.16.0/24",
	}, aclEntries(private, "ingress", 100))
	assert.Equal(t, []string{
		"1 allow tcp 443-443 10.30.0.0/16",
		"2 deny -1 0-0 10.30.0.0/16",
		"3 allow tcp 3306-3306 10.40.0.0/20",
		"4 allow tcp 443-443 10.40.0.0/20",
		"5 deny -1 0-0 10.40.0.0/20",
		"6 allow tcp 3306-3306 10.40.16.0/24",
		"7 allow tcp 443-443 10.40.16.0/24",
		"8 deny -1 0-0 10.40.16.0/24",
	}, aclEntries(private, "egress", 100))

	db := m.One(t, typeNacl, "tastylog-dev-db-nacl")
	assert.Equal(t, []string{"1 allow tcp 1024-65535 10.40.0.0/20", "2 allow tcp 1024-65535 10.40.16.0/24"}, aclEntries(db, "ingress", 100))
	assert.Equal(t, []string{
		"1 allow tcp 3306-3306 10.40.0.0/20", "2 allow tcp 443-443 10.40.0.0/20",
		"3 allow tcp 3306-3306 10.40.16.0/24", "4 allow tcp 443-443 10.40.16.0/24",
	}, aclEntries(db, "egress", 100))
	assert.Empty(t, aclEntries(m.One(t, typeNacl, "tastylog-dev-public-nacl"), "ingress", 100), "the public tier has no peer entries")
}

// A peering list whose ACL entries pass AWS's quota is refused before anything is registered.
func TestPeeringAclQuota(t *testing.T) {
	spec := peeredSpec()
	spec.Peers[0].Ports = []int{443, 8443, 9000, 9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010, 9011, 9012, 9013, 9014, 9015, 9016}
	m := testkit.New("tastylog", "dev", spec.Region)
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 443, AppPort: 3000, DbPort: 3306, AccountId: account})
		return err
	})
	assert.ErrorContains(t, err, "vpcPeers (and adminCidrs): the private network ACL would hold 27 outbound entries, more than the 20 AWS allows")
	assert.Empty(t, m.All())
}

// aclEntries lists a network ACL's entries numbered below limit as "no action protocol from-to cidr".
func aclEntries(acl *testkit.Resource, dir string, limit int) []string {
	var out []string
	for _, e := range acl.Objects(dir) {
		if n := toInt(e["ruleNo"]); n < limit {
			out = append(out, strings.Join([]string{strconv.Itoa(n), e["action"].(string), e["protocol"].(string),
				strconv.Itoa(toInt(e["fromPort"])) + "-" + strconv.Itoa(toInt(e["toPort"])), e["cidrBlock"].(string)}, " "))
		}
	}
	sort.Slice(out, func(i, j int) bool { return toInt(strings.Fields(out[i])[0]) < toInt(strings.Fields(out[j])[0]) })
	return out
}

func toInt(v any) int {
	n, _ := strconv.Atoi(fmt.Sprint(v))
	return n
}
