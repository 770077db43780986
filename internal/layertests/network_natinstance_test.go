package layertests

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
)

const typeNetworkInterface = "aws:ec2/networkInterface:NetworkInterface"

// natInstanceRun builds the network with natStrategy instance, as main.go does: with the account.
func natInstanceRun(t *testing.T) (*testkit.Mocks, *network.Network) {
	t.Helper()
	spec := netspec.Default()
	spec.NatStrategy = netspec.NatInstance
	m := testkit.New("tastylog", "dev", spec.Region)
	return m, testkit.RunComponent(t, m, spec.Region, func(ctx *pulumi.Context, p testkit.Providers) (*network.Network, error) {
		return network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 443, AppPort: 3000, DbPort: 3306, AccountId: account},
			pulumi.Providers(p.App))
	})
}

// Both private route tables point at one fixed interface in the first AZ's public subnet, which forwards
// (source/destination check off): the routes never change when the instance behind it is replaced.
func TestNatInstanceRoutesThroughAFixedInterface(t *testing.T) {
	m, net := natInstanceRun(t)
	assert.Empty(t, m.ByType(typeNat), "no NAT gateway")
	eni := m.One(t, typeNetworkInterface, "tastylog-dev-nat-eni-1a")
	assert.Equal(t, id("tastylog-dev-public-subnet-1a"), eni.Str("subnetId"))
	assert.False(t, eni.Bool("sourceDestCheck"), "a NAT forwards what is not addressed to it")
	assert.Equal(t, []string{id("tastylog-dev-nat-sg")}, eni.Strings("securityGroups"))
	assert.Equal(t, "tastylog-dev", eni.Tag("NatInstance"))

	routes := map[string]string{}
	for _, r := range m.ByType(typeRoute) {
		if r.Str("destinationCidrBlock") == "0.0.0.0/0" && r.Str("networkInterfaceId") != "" {
			routes[strings.TrimSuffix(r.Str("routeTableId"), mockIDSuffix)] = strings.TrimSuffix(r.Str("networkInterfaceId"), mockIDSuffix)
			assert.Empty(t, r.Str("natGatewayId"), r.Name)
		}
	}
	assert.Equal(t, map[string]string{
		"tastylog-dev-private-rt-1a": "tastylog-dev-nat-eni-1a",
		"tastylog-dev-private-rt-1c": "tastylog-dev-nat-eni-1a",
	}, routes)

	eip := m.One(t, typeEip, "tastylog-dev-nat-instance-eip-1a")
	assert.Equal(t, "tastylog-dev", eip.Tag("NatInstance"), "the instance may take only its own stack's address")
	ips, err := testkit.Await(net.NatPublicIps)
	require.NoError(t, err)
	assert.Len(t, ips, 1, "partners allow-list the Elastic IP the instance takes")
	group, err := testkit.Await(net.NatInstanceGroupName)
	require.NoError(t, err)
	assert.Equal(t, "tastylog-dev-nat-asg"+testkit.AutonameSuffix, group)
}

// The NAT's group admits only what the private subnets send (HTTPS, as every tier's egress is) and sends
// only HTTPS out.
func TestNatInstanceSecurityGroup(t *testing.T) {
	m, _ := natInstanceRun(t)
	sg := id("tastylog-dev-nat-sg")
	var from []string
	for _, r := range m.ByType(typeIngressRule) {
		if r.Str("securityGroupId") == sg {
			assert.Equal(t, 443, r.Int("fromPort"), r.Name)
			assert.Equal(t, 443, r.Int("toPort"), r.Name)
			from = append(from, r.Str("cidrIpv4"))
		}
	}
	assert.ElementsMatch(t, netspec.Default().Subnets.Private, from)
	var to []string
	for _, r := range m.ByType(typeEgressRule) {
		if r.Str("securityGroupId") == sg {
			assert.Equal(t, 443, r.Int("fromPort"), r.Name)
			to = append(to, r.Str("cidrIpv4"))
		}
	}
	assert.Equal(t, []string{"0.0.0.0/0"}, to)
}

// One Graviton nano in an Auto Scaling group of one, in the fixed interface's AZ: IMDSv2, an encrypted
// disk, no key pair, a profile limited to this stack's NAT resources, and a boot that takes them over.
func TestNatInstanceSelfHeals(t *testing.T) {
	m, _ := natInstanceRun(t)
	asg := m.One(t, typeGroup, "tastylog-dev-nat-asg")
	assert.Equal(t, 1, asg.Int("minSize"))
	assert.Equal(t, 1, asg.Int("maxSize"))
	assert.Equal(t, "EC2", asg.Str("healthCheckType"), "a failed status check replaces the instance")
	assert.Equal(t, []string{id("tastylog-dev-public-subnet-1a")}, asg.Strings("vpcZoneIdentifiers"), "where the fixed interface is")
	assert.Contains(t, asg.Strings("enabledMetrics"), "GroupInServiceInstances", "the missing-instance alarm reads it")
	assert.Contains(t, asg.DependsOn, m.One(t, typeRolePolicy, "tastylog-dev-nat-policy").URN, "permissions exist before it boots")
	prefs := asg.Input("instanceRefresh").(map[string]any)["preferences"].(map[string]any)
	assert.EqualValues(t, 100, prefs["maxHealthyPercentage"], "never two at once: the interface attaches to one")

	lt := m.One(t, typeLaunchTemplate, "tastylog-dev-nat-lt")
	assert.Equal(t, "t4g.nano", lt.Str("instanceType"))
	assert.Empty(t, lt.Str("keyName"), "no SSH: Session Manager only")
	md := lt.Input("metadataOptions").(map[string]any)
	assert.Equal(t, "required", md["httpTokens"], "IMDSv2 only")
	assert.EqualValues(t, 1, md["httpPutResponseHopLimit"], "forwarded traffic cannot reach the instance's metadata")
	ebs := lt.Objects("blockDeviceMappings")[0]["ebs"].(map[string]any)
	assert.Equal(t, "true", ebs["encrypted"])
	nic := lt.Objects("networkInterfaces")[0]
	assert.Equal(t, "true", nic["associatePublicIpAddress"], "it reaches the EC2 API before it holds the Elastic IP")
	assert.Equal(t, []any{id("tastylog-dev-nat-sg")}, nic["securityGroups"])

	st := statements(t, m.One(t, typeRolePolicy, "tastylog-dev-nat-policy").Str("policy"))
	takeOver := st["TakeOver"]
	assert.ElementsMatch(t, []string{"ec2:ModifyNetworkInterfaceAttribute", "ec2:AttachNetworkInterface", "ec2:AssociateAddress"}, takeOver.Action)
	assert.Equal(t, []string{"tastylog-dev"}, takeOver.Condition["StringEquals"]["aws:ResourceTag/NatInstance"], "only this stack's NAT resources")
	for _, r := range takeOver.Resource {
		assert.Contains(t, r, ":"+account+":", "scoped to the account")
	}
	assert.Equal(t, []string{"ec2:DescribeNetworkInterfaces"}, st["FindInterface"].Action)
	assert.Contains(t, st["SessionManager"].Action, "ssmmessages:OpenDataChannel")
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/session-manager:*"}, st["SessionLogs"].Resource)

	userData, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	script := string(userData)
	for _, want := range []string{
		"--allocation-id 'eipalloc-tastylog-dev-nat-instance-eip-1a'",
		"--network-interface-id 'tastylog-dev-nat-eni-1a-id'",
		"--no-source-dest-check",
		"ip saddr '" + netspec.Default().VpcCidr + "'",
		"masquerade",
		"net.ipv4.ip_forward=1",
		"systemctl enable --now tastylog-nat.service",
		"export AWS_DEFAULT_REGION='ap-northeast-1'",
	} {
		assert.Contains(t, script, want)
	}
	// The boot and the script it installs both parse.
	inner := strings.SplitN(strings.SplitN(script, "<<'SCRIPT'\n", 2)[1], "\nSCRIPT\n", 2)[0]
	dir := t.TempDir()
	for name, body := range map[string]string{"boot.sh": script, "tastylog-nat": inner} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		out, err := exec.Command("bash", "-n", path).CombinedOutput()
		assert.NoError(t, err, "bash -n %s: %s", name, out)
	}
}

// Without the account the instance's permissions cannot be scoped: refused before anything is registered.
func TestNatInstanceNeedsTheAccount(t *testing.T) {
	spec := netspec.Default()
	spec.NatStrategy = netspec.NatInstance
	m := testkit.New("tastylog", "dev", spec.Region)
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 443, AppPort: 3000, DbPort: 3306})
		return err
	})
	assert.ErrorContains(t, err, "AccountId is required with natStrategy instance")
	assert.Empty(t, m.All())
}
