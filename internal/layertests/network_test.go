package layertests

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
)

const (
	typeVpc          = "aws:ec2/vpc:Vpc"
	typeSubnet       = "aws:ec2/subnet:Subnet"
	typeRouteTable   = "aws:ec2/routeTable:RouteTable"
	typeRoute        = "aws:ec2/route:Route"
	typeRTA          = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeNat          = "aws:ec2/natGateway:NatGateway"
	typeEip          = "aws:ec2/eip:Eip"
	typeIgw          = "aws:ec2/internetGateway:InternetGateway"
	typeEndpoint     = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeNacl         = "aws:ec2/networkAcl:NetworkAcl"
	typeSG           = "aws:ec2/securityGroup:SecurityGroup"
	typeDefaultSG    = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeIngressRule  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeEgressRule   = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeProvider     = "pulumi:providers:aws"
	mockIDSuffix     = "-id" // the kit gives every resource the id <name>-id
	mockPrefixListID = "pl-tastylog-dev-s3-vpce"
)

// run builds the network for spec under mocks, on an explicit provider passed the way main.go passes it,
// for a site with a domain (CloudFront reaches the load balancer on 443).
func networkRun(t *testing.T, spec netspec.Spec) (*testkit.Mocks, *network.Network) {
	t.Helper()
	return runWithOrigin(t, spec, 443)
}

func runWithOrigin(t *testing.T, spec netspec.Spec, originPort int) (*testkit.Mocks, *network.Network) {
	t.Helper()
	m := testkit.New("tastylog", "dev", spec.Region)
	return m, testkit.RunComponent(t, m, spec.Region, func(ctx *pulumi.Context, p testkit.Providers) (*network.Network, error) {
		return network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: originPort, AppPort: 3000, DbPort: 3306, AccountId: account},
			pulumi.Providers(p.App))
	})
}

func id(name string) string { return name + mockIDSuffix }

func TestSubnetsPerTierAndAZ(t *testing.T) {
	m, _ := networkRun(t, netspec.Default())

	want := map[string]struct{ cidr, az, tier string }{
		"tastylog-dev-public-subnet-1a":  {"192.168.1.0/24", "ap-northeast-1a", "public"},
		"tastylog-dev-public-subnet-1c":  {"192.168.2.0/24", "ap-northeast-1c", "public"},
		"tastylog-dev-private-subnet-1a": {"192.168.3.0/24", "ap-northeast-1a", "private"},
		"tastylog-dev-private-subnet-1c": {"192.168.4.0/24", "ap-northeast-1c", "private"},
		"tastylog-dev-db-subnet-1a":      {"192.168.5.0/24", "ap-northeast-1a", "db"},
		"tastylog-dev-db-subnet-1c":      {"192.168.6.0/24", "ap-northeast-1c", "db"},
	}
	subnets := m.ByType(typeSubnet)
	assert.Len(t, subnets, len(want))
	for _, s := range subnets {
		w, ok := want[s.Name]
		if !assert.True(t, ok, "unexpected subnet %s", s.Name) {
			continue
		}
		assert.Equal(t, w.cidr, s.Str("cidrBlock"), s.Name)
		assert.Equal(t, w.az, s.Str("availabilityZone"), s.Name)
		assert.Equal(t, id("tastylog-dev-vpc"), s.Str("vpcId"), s.Name)
		assert.Equal(t, s.Name, s.Tag("Name"), s.Name)
		assert.Equal(t, w.tier, s.Tag("Tier"), s.Name)
		assert.False(t, s.Bool("mapPublicIpOnLaunch"), "%s must not hand out public IPs", s.Name)
	}

	vpc := m.One(t, typeVpc, "tastylog-dev-vpc")
	assert.Equal(t, "192.168.0.0/20", vpc.Str("cidrBlock"))
	assert.True(t, vpc.Bool("enableDnsSupport"))
	assert.True(t, vpc.Bool("enableDnsHostnames"))
	assert.Equal(t, "tastylog-dev-vpc", vpc.Tag("Name"))
}

func TestThirdAZAddsSubnetsWithoutRenamingOthers(t *testing.T) {
	spec := netspec.Default()
	spec.AvailabilityZones = append(spec.AvailabilityZones, "ap-northeast-1d")
	spec.Subnets.Public = append(spec.Subnets.Public, "192.168.7.0/24")
	spec.Subnets.Private = append(spec.Subnets.Private, "192.168.8.0/24")
	spec.Subnets.Db = append(spec.Subnets.Db, "192.168.9.0/24")
	m, _ := networkRun(t, spec)

	assert.Len(t, m.ByType(typeSubnet), 9)
	assert.Equal(t, "192.168.8.0/24", m.One(t, typeSubnet, "tastylog-dev-private-subnet-1d").Str("cidrBlock"))
	assert.Equal(t, "192.168.3.0/24", m.One(t, typeSubnet, "tastylog-dev-private-subnet-1a").Str("cidrBlock"))
	assert.Len(t, m.ByType(typeNat), 3)
}

// defaultRoutes maps each route table name to the target of its 0.0.0.0/0 route.
func defaultRoutes(m *testkit.Mocks) map[string]string {
	out := map[string]string{}
	for _, r := range m.ByType(typeRoute) {
		if r.Str("destinationCidrBlock") != "0.0.0.0/0" {
			continue
		}
		table := strings.TrimSuffix(r.Str("routeTableId"), mockIDSuffix)
		target := r.Str("natGatewayId") + r.Str("gatewayId") + r.Str("networkInterfaceId")
		out[table] = strings.TrimSuffix(target, mockIDSuffix)
	}
	return out
}

func TestRoutesPerNatStrategy(t *testing.T) {
	cases := []struct {
		name      string
		strategy  netspec.NatStrategy
		endpoints []string
		wantNats  map[string]string // NAT gateway -> public subnet it sits in
		wantRoute map[string]string // route table -> default-route target
	}{
		{
			name: "None", strategy: netspec.NatNone, endpoints: computespec.Default().EndpointsWithoutNat(),
			wantNats:  map[string]string{},
			wantRoute: map[string]string{"tastylog-dev-public-rt": "tastylog-dev-igw"},
		},
		{
			name: "Single", strategy: netspec.NatSingle,
			wantNats: map[string]string{"tastylog-dev-nat-1a": "tastylog-dev-public-subnet-1a"},
			wantRoute: map[string]string{
				"tastylog-dev-public-rt":     "tastylog-dev-igw",
				"tastylog-dev-private-rt-1a": "tastylog-dev-nat-1a",
				"tastylog-dev-private-rt-1c": "tastylog-dev-nat-1a",
			},
		},
		{
			name: "Instance", strategy: netspec.NatInstance,
			wantNats: map[string]string{},
			wantRoute: map[string]string{
				"tastylog-dev-public-rt":     "tastylog-dev-igw",
				"tastylog-dev-private-rt-1a": "tastylog-dev-nat-eni-1a",
				"tastylog-dev-private-rt-1c": "tastylog-dev-nat-eni-1a",
			},
		},
		{
			name: "PerAz", strategy: netspec.NatPerAz,
			wantNats: map[string]string{
				"tastylog-dev-nat-1a": "tastylog-dev-public-subnet-1a",
				"tastylog-dev-nat-1c": "tastylog-dev-public-subnet-1c",
			},
			wantRoute: map[string]string{
				"tastylog-dev-public-rt":     "tastylog-dev-igw",
				"tastylog-dev-private-rt-1a": "tastylog-dev-nat-1a",
				"tastylog-dev-private-rt-1c": "tastylog-dev-nat-1c",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := netspec.Default()
			spec.NatStrategy, spec.VpcEndpoints = tc.strategy, tc.endpoints
			m, _ := networkRun(t, spec)

			nats := map[string]string{}
			for _, n := range m.ByType(typeNat) {
				nats[n.Name] = strings.TrimSuffix(n.Str("subnetId"), mockIDSuffix)
				eip := strings.Replace(n.Name, "-nat-", "-nat-eip-", 1)
				assert.Equal(t, "eipalloc-"+eip, n.Str("allocationId"), "%s uses its own Elastic IP", n.Name)
				assert.Contains(t, n.DependsOn, m.One(t, typeIgw, "tastylog-dev-igw").URN, "%s waits for the internet gateway", n.Name)
			}
			assert.Equal(t, tc.wantNats, nats)
			eips := len(tc.wantNats)
			if tc.strategy == netspec.NatInstance {
				eips = 1 // the instance's own
			}
			assert.Len(t, m.ByType(typeEip), eips)
			for _, e := range m.ByType(typeEip) {
				assert.Equal(t, "vpc", e.Str("domain"), e.Name)
			}
			assert.Equal(t, tc.wantRoute, defaultRoutes(m))

			// Every strategy keeps one private route table per AZ and the db table without a way out.
			assert.Len(t, m.ByType(typeRouteTable), 4)
			for _, r := range m.ByType(typeRoute) {
				assert.NotEqual(t, id("tastylog-dev-db-rt"), r.Str("routeTableId"), "db route table has route %s", r.Name)
			}
		})
	}
}

func TestRouteTableAssociations(t *testing.T) {
	m, _ := networkRun(t, netspec.Default())
	got := map[string]string{}
	for _, a := range m.ByType(typeRTA) {
		got[strings.TrimSuffix(a.Str("subnetId"), mockIDSuffix)] = strings.TrimSuffix(a.Str("routeTableId"), mockIDSuffix)
	}
	assert.Equal(t, map[string]string{
		"tastylog-dev-public-subnet-1a":  "tastylog-dev-public-rt",
		"tastylog-dev-public-subnet-1c":  "tastylog-dev-public-rt",
		"tastylog-dev-private-subnet-1a": "tastylog-dev-private-rt-1a",
		"tastylog-dev-private-subnet-1c": "tastylog-dev-private-rt-1c",
		"tastylog-dev-db-subnet-1a":      "tastylog-dev-db-rt",
		"tastylog-dev-db-subnet-1c":      "tastylog-dev-db-rt",
	}, got)
}

func TestEndpoints(t *testing.T) {
	t.Run("S3GatewayOnPrivateAndDbTables", func(t *testing.T) {
		m, _ := networkRun(t, netspec.Default())
		s3 := m.One(t, typeEndpoint, "tastylog-dev-s3-vpce")
		assert.Equal(t, "com.amazonaws.ap-northeast-1.s3", s3.Str("serviceName"))
		assert.Equal(t, "Gateway", s3.Str("vpcEndpointType"))
		assert.ElementsMatch(t, []string{id("tastylog-dev-private-rt-1a"), id("tastylog-dev-private-rt-1c"), id("tastylog-dev-db-rt")},
			s3.Strings("routeTableIds"))
		assert.Len(t, m.ByType(typeEndpoint), 1, "no interface endpoints unless asked for")
		assert.Nil(t, m.Find(typeSG, "tastylog-dev-vpce-sg"))
	})
	t.Run("InterfaceEndpointsInPrivateSubnets", func(t *testing.T) {
		spec := netspec.Default()
		spec.VpcEndpoints = []string{"ssm", "ssmmessages", "ec2messages", "logs"}
		m, _ := networkRun(t, spec)
		for _, service := range spec.VpcEndpoints {
			e := m.One(t, typeEndpoint, "tastylog-dev-"+service+"-vpce")
			assert.Equal(t, "com.amazonaws.ap-northeast-1."+service, e.Str("serviceName"))
			assert.Equal(t, "Interface", e.Str("vpcEndpointType"))
			assert.True(t, e.Bool("privateDnsEnabled"), "%s needs private DNS so clients need no endpoint URL", e.Name)
			assert.Equal(t, []string{id("tastylog-dev-private-subnet-1a"), id("tastylog-dev-private-subnet-1c")}, e.Strings("subnetIds"))
			assert.Equal(t, []string{id("tastylog-dev-vpce-sg")}, e.Strings("securityGroupIds"))
		}
	})
	// Fewer AZs, for less: the first ones of the list.
	for azs, want := range map[int][]string{
		0: {id("tastylog-dev-private-subnet-1a"), id("tastylog-dev-private-subnet-1c")},
		1: {id("tastylog-dev-private-subnet-1a")},
		2: {id("tastylog-dev-private-subnet-1a"), id("tastylog-dev-private-subnet-1c")},
	} {
		t.Run(fmt.Sprintf("InAZs%d", azs), func(t *testing.T) {
			spec := netspec.Default()
			spec.VpcEndpoints, spec.VpcEndpointAzs = []string{"ssm", "logs"}, azs
			m, _ := networkRun(t, spec)
			for _, service := range spec.VpcEndpoints {
				assert.Equal(t, want, m.One(t, typeEndpoint, "tastylog-dev-"+service+"-vpce").Strings("subnetIds"))
			}
		})
	}
}

// matrix renders every security-group rule as "group in|out port peer", with groups by short name.
func matrix(m *testkit.Mocks) []string {
	short := func(ref string) string {
		return strings.TrimSuffix(strings.TrimPrefix(ref, componentName+"-"), "-sg"+mockIDSuffix)
	}
	var out []string
	for _, typ := range []string{typeIngressRule, typeEgressRule} {
		dir := map[string]string{typeIngressRule: "in", typeEgressRule: "out"}[typ]
		for _, r := range m.ByType(typ) {
			peer := r.Str("cidrIpv4")
			if ref := r.Str("referencedSecurityGroupId"); ref != "" {
				peer = short(ref)
			}
			if pl := r.Str("prefixListId"); pl != "" {
				peer = map[string]string{mockPrefixListID: "s3", testkit.CloudFrontPrefixListID: "cloudfront"}[pl]
			}
			out = append(out, fmt.Sprintf("%s %s %d %s", short(r.Str("securityGroupId")), dir, r.Int("fromPort"), peer))
		}
	}
	sort.Strings(out)
	return out
}

func TestSecurityGroupGraph(t *testing.T) {
	chain := []string{
		"app in 3000 web",
		"app out 3306 db",
		"app out 443 s3", // no plain HTTP leaves the servers, not even to S3
		"db in 3306 app",
		"web in 443 cloudfront",
		"web out 3000 app",
	}
	cases := []struct {
		name   string
		mutate func(*netspec.Spec)
		extra  []string
	}{
		{"NatNoEndpoints", func(*netspec.Spec) {}, []string{"app out 443 0.0.0.0/0"}},
		{"NoNatWithEndpoints", func(s *netspec.Spec) {
			s.NatStrategy, s.VpcEndpoints = netspec.NatNone, computespec.Default().EndpointsWithoutNat()
		}, []string{"app out 443 vpce", "vpce in 443 app"}},
		{"AdminCidrs", func(s *netspec.Spec) {
			s.AdminCidrs = []string{"10.20.0.0/16", "172.16.5.7/32"}
		}, []string{"app out 443 0.0.0.0/0", "opmng in 22 10.20.0.0/16", "opmng in 22 172.16.5.7/32"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := netspec.Default()
			tc.mutate(&spec)
			m, _ := networkRun(t, spec)
			want := append(slices.Clone(chain), tc.extra...)
			sort.Strings(want)
			assert.Equal(t, want, matrix(m))

			for _, typ := range []string{typeIngressRule, typeEgressRule} {
				for _, r := range m.ByType(typ) {
					assert.Equal(t, "tcp", r.Str("ipProtocol"), r.Name)
					assert.Equal(t, r.Int("fromPort"), r.Int("toPort"), "%s opens one port", r.Name)
					assert.NotEmpty(t, r.Str("description"), "%s has a description", r.Name)
					assert.Regexp(t, `^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]+$`, r.Str("description"), "%s: AWS allows only these characters", r.Name)
				}
			}
		})
	}
}

func TestNoWorldIngress(t *testing.T) {
	spec := netspec.Default()
	spec.AdminCidrs = []string{"10.20.0.0/16"}
	m, _ := networkRun(t, spec)
	for _, r := range m.ByType(typeIngressRule) {
		assert.NotEqual(t, "0.0.0.0/0", r.Str("cidrIpv4"), "%s admits the world", r.Name)
	}
}

func TestLoadBalancerAdmitsCloudFrontOnOnePort(t *testing.T) {
	for _, port := range []int{80, 443} {
		t.Run(fmt.Sprint(port), func(t *testing.T) {
			m, _ := runWithOrigin(t, netspec.Default(), port)
			var web []*testkit.Resource
			for _, r := range m.ByType(typeIngressRule) {
				if r.Str("securityGroupId") == id("tastylog-dev-web-sg") {
					web = append(web, r)
				}
			}
			require.Len(t, web, 1, "the CloudFront prefix list counts ~55 rules of 60: one port only")
			assert.Equal(t, testkit.CloudFrontPrefixListID, web[0].Str("prefixListId"))
			assert.Equal(t, port, web[0].Int("fromPort"))
			assert.Equal(t, port, web[0].Int("toPort"))
			inv := m.Invokes(testkit.TokenGetPrefixList)
			require.Len(t, inv, 1)
			assert.Equal(t, "com.amazonaws.global.cloudfront.origin-facing", inv[0].Args["name"].StringValue())
		})
	}
}

func TestSecurityGroupsHaveNoInlineRules(t *testing.T) {
	m, _ := networkRun(t, netspec.Default())
	var names []string
	for _, sg := range m.ByType(typeSG) {
		names = append(names, sg.Name)
		assert.Nil(t, sg.Input("ingress"), "%s: rules are separate resources", sg.Name)
		assert.Nil(t, sg.Input("egress"), "%s: rules are separate resources", sg.Name)
		assert.NotEmpty(t, sg.Str("description"), sg.Name)
		assert.Equal(t, sg.Name, sg.Tag("Name"))
	}
	assert.Equal(t, []string{"tastylog-dev-app-sg", "tastylog-dev-db-sg", "tastylog-dev-opmng-sg", "tastylog-dev-web-sg"}, names)

	def := m.One(t, typeDefaultSG, "tastylog-dev-default-sg")
	assert.Equal(t, id("tastylog-dev-vpc"), def.Str("vpcId"))
	assert.Empty(t, def.Objects("ingress"), "the default security group keeps no ingress")
	assert.Empty(t, def.Objects("egress"), "the default security group keeps no egress")
}

// aclView renders a NACL's entries as "ingress|egress ruleNo protocol from-to cidr".
func aclView(t *testing.T, r *testkit.Resource) []string {
	var out []string
	for _, dir := range []string{"ingress", "egress"} {
		for _, e := range r.Objects(dir) {
			assert.Equal(t, "allow", e["action"], r.Name)
			out = append(out, fmt.Sprintf("%s %v %v %v-%v %v", dir, e["ruleNo"], e["protocol"], e["fromPort"], e["toPort"], e["cidrBlock"]))
		}
	}
	return out
}

// Security Hub EC2.21: no network ACL entry admits a remote-administration port (22, 3389) from the
// internet, in any tier, with or without an admin network.
func TestNoAclAdmitsRemoteAdminFromTheInternet(t *testing.T) {
	withAdmin := netspec.Default()
	withAdmin.AdminCidrs = []string{"10.20.0.0/16"}
	for _, spec := range []netspec.Spec{netspec.Default(), withAdmin} {
		m, _ := networkRun(t, spec)
		acls := m.ByType(typeNacl)
		require.Len(t, acls, len(netspec.Tiers))
		for _, acl := range acls {
			for _, e := range acl.Objects("ingress") {
				if e["cidrBlock"] != "0.0.0.0/0" {
					continue
				}
				from, to := e["fromPort"].(float64), e["toPort"].(float64)
				for _, port := range []float64{22, 3389} {
					all := e["protocol"] == "-1"
					assert.False(t, all || (from <= port && port <= to), "%s rule %v admits %v from the internet", acl.Name, e["ruleNo"], port)
				}
			}
		}
	}
}

// The ACLs of a site without a domain (CloudFront's VPC origin on 80) and one admin network.
func TestNetworkAcls(t *testing.T) {
	spec := netspec.Default()
	spec.AdminCidrs = []string{"10.20.0.0/16"}
	m, _ := runWithOrigin(t, spec, 80)
	cases := []struct {
		tier    string
		subnets []string
		want    []string
	}{
		{"public", []string{"tastylog-dev-public-subnet-1a", "tastylog-dev-public-subnet-1c"}, []string{
			"ingress 100 tcp 1024-3388 0.0.0.0/0",
			"ingress 110 tcp 3390-65535 0.0.0.0/0",
			"ingress 120 -1 0-0 192.168.0.0/20",
			"egress 100 -1 0-0 0.0.0.0/0",
		}},
		{"private", []string{"tastylog-dev-private-subnet-1a", "tastylog-dev-private-subnet-1c"}, []string{
			"ingress 100 -1 0-0 192.168.0.0/20",
			"ingress 110 tcp 80-80 0.0.0.0/0",
			"ingress 120 tcp 22-22 10.20.0.0/16",
			"ingress 130 tcp 1024-3388 0.0.0.0/0",
			"ingress 140 tcp 3390-65535 0.0.0.0/0",
			"egress 100 -1 0-0 0.0.0.0/0",
		}},
		{"db", []string{"tastylog-dev-db-subnet-1a", "tastylog-dev-db-subnet-1c"}, []string{
			"ingress 100 tcp 3306-3306 192.168.3.0/24",
			"ingress 110 tcp 3306-3306 192.168.4.0/24",
			"ingress 120 -1 0-0 192.168.5.0/24",
			"ingress 130 -1 0-0 192.168.6.0/24",
			"egress 100 tcp 1024-65535 192.168.3.0/24",
			"egress 110 tcp 1024-65535 192.168.4.0/24",
			"egress 120 -1 0-0 192.168.5.0/24",
			"egress 130 -1 0-0 192.168.6.0/24",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.tier, func(t *testing.T) {
			acl := m.One(t, typeNacl, "tastylog-dev-"+tc.tier+"-nacl")
			assert.Equal(t, id("tastylog-dev-vpc"), acl.Str("vpcId"))
			var subnets []string
			for _, s := range tc.subnets {
				subnets = append(subnets, id(s))
			}
			assert.Equal(t, subnets, acl.Strings("subnetIds"))
			assert.Equal(t, tc.want, aclView(t, acl))
		})
	}
}

func TestNetworkEveryChildIsParentedAndOnTheProvider(t *testing.T) {
	spec := netspec.Default()
	spec.VpcEndpoints = []string{"ssm"}
	spec.AdminCidrs = []string{"10.20.0.0/16"}
	m, _ := networkRun(t, spec)

	components := m.ByType(network.Type)
	require.Len(t, components, 1)
	component := components[0]
	provider := m.One(t, typeProvider, "aws-app")

	count := 0
	for _, r := range m.All() {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		count++
		assert.Equal(t, component.URN, r.Parent, "%s %s is parented to the component", r.Type, r.Name)
		if p := m.ProviderOf(r); assert.NotNil(t, p, "%s %s has an explicit provider", r.Type, r.Name) {
			assert.Equal(t, provider.URN, p.URN, "%s %s", r.Type, r.Name)
		}
		assert.True(t, strings.HasPrefix(r.Name, componentName+"-"), "%s is named from the component", r.Name)
	}
	assert.Greater(t, count, 40)
}

func TestNetworkOutputs(t *testing.T) {
	spec := netspec.Default()
	spec.NatStrategy = netspec.NatSingle
	_, net := networkRun(t, spec)

	for _, c := range []struct {
		out  pulumi.StringArrayOutput
		want []string
	}{
		{net.AvailabilityZones, []string{"ap-northeast-1a", "ap-northeast-1c"}},
		{net.PublicSubnetIds, []string{id("tastylog-dev-public-subnet-1a"), id("tastylog-dev-public-subnet-1c")}},
		{net.PrivateSubnetIds, []string{id("tastylog-dev-private-subnet-1a"), id("tastylog-dev-private-subnet-1c")}},
		{net.DbSubnetIds, []string{id("tastylog-dev-db-subnet-1a"), id("tastylog-dev-db-subnet-1c")}},
		{net.PrivateRouteTableIds, []string{id("tastylog-dev-private-rt-1a"), id("tastylog-dev-private-rt-1c")}},
		{net.NatPublicIps, []string{"203.0.113.1"}},
	} {
		got, err := testkit.AwaitStrings(c.out)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
	for _, c := range []struct {
		out  pulumi.Output
		want string
	}{
		{net.VpcId, id("tastylog-dev-vpc")},
		{net.VpcCidr, "192.168.0.0/20"},
		{net.WebSecurityGroupId, id("tastylog-dev-web-sg")},
		{net.AppSecurityGroupId, id("tastylog-dev-app-sg")},
		{net.DbSecurityGroupId, id("tastylog-dev-db-sg")},
		{net.OpmngSecurityGroupId, id("tastylog-dev-opmng-sg")},
		{net.PublicRouteTableId, id("tastylog-dev-public-rt")},
		{net.DbRouteTableId, id("tastylog-dev-db-rt")},
		{net.S3PrefixListId, mockPrefixListID},
	} {
		got, err := testkit.Await(c.out)
		require.NoError(t, err)
		assert.EqualValues(t, c.want, fmt.Sprint(got))
	}
}

func TestNetworkNewRejectsInvalidArgs(t *testing.T) {
	spec := netspec.Default()
	spec.Subnets.Private = spec.Subnets.Private[:1]
	m := testkit.New("tastylog", "dev", spec.Region)
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 443, AppPort: 3000, DbPort: 3306})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `network: invalid args: subnets.private: "[192.168.3.0/24]" has 1 subnet(s)`)
	assert.Empty(t, m.All(), "nothing is registered when the args are invalid")
}

func TestNewRejectsAnOriginPortOtherThan80Or443(t *testing.T) {
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, componentName, &network.Args{Spec: netspec.Default(), OriginPort: 8080, AppPort: 3000, DbPort: 3306})
		return err
	})
	assert.ErrorContains(t, err, "OriginPort 8080 must be 80 or 443")
	assert.Empty(t, m.All())
}

// The other layers' ports are handed in, never assumed: a missing one is an error.
func TestNewRequiresTheAppAndDbPorts(t *testing.T) {
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, componentName, &network.Args{Spec: netspec.Default(), OriginPort: 80})
		return err
	})
	assert.ErrorContains(t, err, "AppPort 0 and DbPort 0 must be ports (1-65535)")
	assert.Empty(t, m.All())
}

// The ports handed in are the ones opened: a different app port moves the web-to-app rules with it.
func TestSecurityGroupsOpenTheGivenPorts(t *testing.T) {
	spec := netspec.Default()
	m := testkit.New("tastylog", "dev", spec.Region)
	testkit.RunComponent(t, m, spec.Region, func(ctx *pulumi.Context, p testkit.Providers) (*network.Network, error) {
		return network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 80, AppPort: 8080, DbPort: 5432}, pulumi.Providers(p.App))
	})
	count := map[int]int{}
	for _, typ := range []string{typeIngressRule, typeEgressRule} {
		for _, r := range m.ByType(typ) {
			count[r.Int("fromPort")]++
		}
	}
	assert.Equal(t, 2, count[8080], "web egress and app ingress on the app port")
	assert.Equal(t, 2, count[5432], "app egress and db ingress on the db port")
	assert.Zero(t, count[3000]+count[3306], "the defaults are not assumed")
}
