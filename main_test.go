package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/stackconfig"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
)

const (
	typeProvider    = "pulumi:providers:aws"
	typeIngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeNat         = "aws:ec2/natGateway:NatGateway"
	typeEndpoint    = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeSubnet      = "aws:ec2/subnet:Subnet"
)

// stacks lists the shipped stack files: Pulumi.<stack>.yaml.
func stacks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("Pulumi.*.yaml")
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(f, "Pulumi."), ".yaml"))
	}
	require.NotEmpty(t, out)
	return out
}

func objectKeys() []string {
	var keys []string
	for k := range stackconfig.ObjectFields {
		keys = append(keys, k)
	}
	return keys
}

// runStack runs the real program with the config the CLI would hand it for stack, plus overrides.
func runStack(t *testing.T, stack string, overrides map[string]string) (*testkit.Mocks, pulumi.Map, error) {
	t.Helper()
	config, err := testkit.StackConfig(".", stack, objectKeys())
	require.NoError(t, err)
	for k, v := range overrides {
		config[k] = v
	}
	m := testkit.New("tastylog", stack, config["aws:region"])
	var outputs pulumi.Map
	err = m.Run(config, func(ctx *pulumi.Context) error {
		var err error
		outputs, err = program(ctx)
		return err
	})
	return m, outputs, err
}

func TestShippedStacks(t *testing.T) {
	for _, stack := range stacks(t) {
		t.Run(stack, func(t *testing.T) {
			m, outputs, err := runStack(t, stack, nil)
			require.NoError(t, err)

			providers := map[string]*testkit.Resource{}
			for _, p := range m.ByType(typeProvider) {
				providers[p.Name] = p
				tags, _ := p.Input("defaultTags").(map[string]any)["tags"].(map[string]any)
				assert.Equal(t, map[string]any{"Project": "tastylog", "Env": stack, "ManagedBy": "pulumi"}, tags, "%s default tags", p.Name)
			}
			require.Contains(t, providers, "aws-app")
			require.Contains(t, providers, "aws-us-east-1")
			assert.Equal(t, "ap-northeast-1", providers["aws-app"].Str("region"))
			assert.Equal(t, "us-east-1", providers["aws-us-east-1"].Str("region"))

			// Graph-wide rules.
			for _, r := range m.All() {
				if !strings.HasPrefix(r.Type, "aws:") {
					continue
				}
				p := m.ProviderOf(r)
				if assert.NotNil(t, p, "%s %s has an explicit provider", r.Type, r.Name) {
					assert.Equal(t, typeProvider, p.Type)
				}
				parent := m.ByURN(r.Parent)
				if assert.NotNil(t, parent, "%s %s has a parent", r.Type, r.Name) {
					assert.True(t, strings.HasPrefix(parent.Type, "tastylog:"), "%s %s is parented to a layer component, not the stack", r.Type, r.Name)
				}
				assert.True(t, strings.HasPrefix(r.Name, "tastylog-"+stack+"-"), "%s follows {project}-{env}-{role}", r.Name)
			}
			for _, r := range m.ByType(typeIngressRule) {
				if r.Str("cidrIpv4") == "0.0.0.0/0" {
					assert.Equal(t, "tastylog-"+stack+"-web-sg-id", r.Str("securityGroupId"), "%s: world ingress is only for the load balancer", r.Name)
				}
			}
			assert.Len(t, m.ByType(network.Type), 1)
			assert.Len(t, m.ByType(typeSubnet), 6)

			// Every output resolves.
			for name, out := range outputs {
				v, err := testkit.Await(pulumi.ToOutput(out))
				assert.NoError(t, err, name)
				assert.NotEmpty(t, v, "output %s", name)
			}
		})
	}
}

// What differs between the environments lives in the stack files, and this is what it must buy.
func TestEnvironmentsDiffer(t *testing.T) {
	dev, _, err := runStack(t, "dev", nil)
	require.NoError(t, err)
	assert.Len(t, dev.ByType(typeNat), 1, "dev runs one NAT gateway")
	assert.Len(t, dev.ByType(typeEndpoint), 1, "dev has only the free S3 gateway endpoint")

	prod, _, err := runStack(t, "prod", nil)
	require.NoError(t, err)
	assert.Len(t, prod.ByType(typeNat), 2, "prod has a NAT gateway in each AZ")
	for _, service := range []string{"ssm", "ssmmessages", "ec2messages", "logs"} {
		assert.NotNil(t, prod.Find(typeEndpoint, "tastylog-prod-"+service+"-vpce"), "prod has the %s endpoint", service)
	}
}

func TestInvalidConfigRegistersNothing(t *testing.T) {
	cases := []struct {
		name   string
		config map[string]string
		want   string
	}{
		{"MalformedVpcCidr", map[string]string{"tastylog:vpcCidr": "192.168.0.0/40"},
			`tastylog:vpcCidr: "192.168.0.0/40" is not an IPv4 CIDR block`},
		{"SubnetOutsideVpc", map[string]string{"tastylog:subnets": `{"db":["192.168.5.0/24","192.168.16.0/24"]}`},
			`tastylog:subnets.db[1]: "192.168.16.0/24" is outside the VPC 192.168.0.0/20 (tastylog:vpcCidr)`},
		{"OverlappingSubnets", map[string]string{"tastylog:subnets": `{"db":["192.168.5.0/24","192.168.1.0/24"]}`},
			`tastylog:subnets.db[1]: "192.168.1.0/24" overlaps 192.168.1.0/24 (tastylog:subnets.public[0])`},
		{"SubnetCountNotAZCount", map[string]string{"tastylog:subnets": `{"private":["192.168.3.0/24"]}`},
			`tastylog:subnets.private: "[192.168.3.0/24]" has 1 subnet(s); want exactly one per availability zone (2)`},
		{"OneAZ", map[string]string{
			"tastylog:availabilityZones": `["ap-northeast-1a"]`,
			"tastylog:subnets":           `{"public":["192.168.1.0/24"],"private":["192.168.3.0/24"],"db":["192.168.5.0/24"]}`,
		}, `tastylog:availabilityZones: "[ap-northeast-1a]" lists 1 AZ(s); at least 2 are needed`},
		{"AZOutsideRegion", map[string]string{"tastylog:availabilityZones": `["ap-northeast-1a","us-east-1a"]`},
			`tastylog:availabilityZones[1]: "us-east-1a" is not in region "ap-northeast-1" (aws:region)`},
		{"AZNotAvailableToAccount", map[string]string{"tastylog:availabilityZones": `["ap-northeast-1a","ap-northeast-1b"]`},
			`tastylog:availabilityZones[1]: "ap-northeast-1b" is not available to this account in ap-northeast-1; available: ap-northeast-1a, ap-northeast-1c, ap-northeast-1d`},
		{"UnknownNatStrategy", map[string]string{"tastylog:natStrategy": "multi"},
			`tastylog:natStrategy: "multi" is not a NAT strategy; allowed: "none", "single", "perAz"`},
		{"NatNoneWithoutEndpoints", map[string]string{"tastylog:natStrategy": "none"},
			`tastylog:natStrategy: "none" leaves the app servers without a way to reach Session Manager and CloudWatch Logs`},
		{"SSHFromTheWorld", map[string]string{"tastylog:adminCidrs": `["0.0.0.0/0"]`},
			`tastylog:adminCidrs[0]: "0.0.0.0/0" would open SSH to the whole internet`},
		{"UnknownKeyInObject", map[string]string{"tastylog:subnets": `{"public":["192.168.1.0/24","192.168.2.0/24"],"app":["192.168.3.0/24","192.168.4.0/24"]}`},
			`tastylog:subnets.app: "[\"192.168.3.0/24\",\"192.168.4.0/24\"]" is under an unknown key "app"; allowed keys: db, private, public`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := runStack(t, "dev", tc.config)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			for _, r := range m.All() {
				assert.False(t, strings.HasPrefix(r.Type, "aws:"), "%s %s was registered before the config was rejected", r.Type, r.Name)
				assert.NotEqual(t, network.Type, r.Type, "the network component was registered")
			}
		})
	}
}

// The defaults users read in Pulumi.yaml are the ones the program applies when a key is unset.
func TestPulumiYamlDeclaresTheProgramDefaults(t *testing.T) {
	project, err := testkit.ReadProject(".")
	require.NoError(t, err)
	want := stackconfig.DeclaredDefaults()
	got := project.Defaults()

	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, keys(want), keys(got), "Pulumi.yaml declares exactly the program's scalar and array keys")
	for key, w := range want {
		gj, _ := json.Marshal(got[key])
		wj, _ := json.Marshal(w)
		assert.JSONEq(t, string(wj), string(gj), "Pulumi.yaml default of %s", key)
		assert.NotEmpty(t, project.Declared[key].Description, "Pulumi.yaml describes %s", key)
	}
	assert.Equal(t, "ap-northeast-1", project.Values["aws:region"])
	assert.Equal(t, []any{"aws"}, project.Values["pulumi:disable-default-providers"])
}

// README is the user's door: every config key and every stack output is documented there.
func TestReadmeDocumentsConfigAndOutputs(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(readme)

	var documented []string
	for key := range stackconfig.DeclaredDefaults() {
		documented = append(documented, "tastylog:"+key)
	}
	for _, key := range objectKeys() {
		documented = append(documented, "tastylog:"+key)
	}
	documented = append(documented, "aws:region")
	for _, key := range documented {
		assert.Regexp(t, regexp.MustCompile("(?m)^\\| `"+regexp.QuoteMeta(key)+"` \\|"), text, "README config table has a row for %s", key)
	}

	_, outputs, err := runStack(t, "dev", nil)
	require.NoError(t, err)
	for name := range outputs {
		assert.Regexp(t, regexp.MustCompile("(?m)^\\| `"+regexp.QuoteMeta(name)+"` \\|"), text, "README outputs table has a row for %s", name)
	}

	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	cmd := regexp.MustCompile("(?m)^(go test [^\\n]*)$").FindStringSubmatch(text)
	if assert.NotNil(t, cmd, "README shows the test command on a line of its own") {
		assert.Contains(t, string(ci), cmd[1], ".ci/run runs the README's test command")
	}
}
