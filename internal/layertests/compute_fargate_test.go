package layertests

import (
	"encoding/json"
	"github.com/tastylog/infra/compute"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

const (
	typeRepository       = "aws:ecr/repository:Repository"
	computeTypeLifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	typeCluster          = "aws:ecs/cluster:Cluster"
	typeCapacity         = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	typeTaskDef          = "aws:ecs/taskDefinition:TaskDefinition"
	typeService          = "aws:ecs/service:Service"
	typeScaling          = "aws:appautoscaling/target:Target"
	typeAppPolicy        = "aws:appautoscaling/policy:Policy"
)

func fargateArgs(mutate func(*compute.Args)) *compute.Args {
	s := computespec.Default()
	s.Mode = computespec.ModeFargate
	a := computeArgs(s)
	a.OpmngSecurityGroupId, a.DeployBucketName = nil, nil // the servers' only
	if mutate != nil {
		mutate(a)
	}
	return a
}

// runAttached builds the layer and attaches it to a load balancer, as main does.
func runAttached(t *testing.T, a *compute.Args) (*testkit.Mocks, *compute.Compute) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	c := testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*compute.Compute, error) {
		c, err := compute.New(ctx, componentName, a, pulumi.Providers(p.App))
		if err != nil {
			return nil, err
		}
		return c, c.Attach(ctx, compute.Attachment{AlbArnSuffix: pulumi.String("app/tastylog-dev-app-alb/50dc6c495c0c9188"), ForwardRuleArn: pulumi.String("arn:rule")})
	})
	return m, c
}

// containerOf parses the task definition's one container.
func containerOf(t *testing.T, m *testkit.Mocks) map[string]any {
	t.Helper()
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeTaskDef, "tastylog-dev-app").Str("containerDefinitions")), &defs))
	require.Len(t, defs, 1)
	return defs[0]
}

func TestFargateContainer(t *testing.T) {
	m, _ := runAttached(t, fargateArgs(func(a *compute.Args) { a.Image = "v1.4.2" }))
	c := containerOf(t, m)
	assert.Equal(t, account+".dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app:v1.4.2", c["image"], "the release from the stack's repository")
	assert.Nil(t, c["command"], "the image's own command")
	assert.Equal(t, "1000", c["user"])
	assert.Equal(t, true, c["readonlyRootFilesystem"])
	assert.Equal(t, false, c["privileged"])
	assert.Equal(t, []any{map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}}, c["mountPoints"])
	assert.Equal(t, map[string]any{"initProcessEnabled": true, "capabilities": map[string]any{"drop": []any{"ALL"}}}, c["linuxParameters"])
	assert.EqualValues(t, appboot.StopTimeout, c["stopTimeout"])
	assert.Less(t, appboot.StopTimeout, m.One(t, typeTargetGroup, "tastylog-dev-ip-tg").Int("deregistrationDelay"),
		"the stop after the drain is shorter than the drain")
	assert.Equal(t, []any{map[string]any{"containerPort": float64(compute.AppPort), "protocol": "tcp", "name": "http"}}, c["portMappings"])
	for _, e := range c["environment"].([]any) {
		assert.NotContains(t, appboot.RequiredParameters, e.(map[string]any)["name"], "settings never as plain values")
	}
	var names []string
	for _, s := range c["secrets"].([]any) {
		s := s.(map[string]any)
		names = append(names, s["name"].(string))
		assert.Equal(t, "arn:aws:ssm:ap-northeast-1:"+account+":parameter/tastylog/dev/app/"+s["name"].(string), s["valueFrom"])
	}
	assert.ElementsMatch(t, appboot.RequiredParameters, names)
	logs := c["logConfiguration"].(map[string]any)
	assert.Equal(t, map[string]any{"awslogs-group": "/tastylog/dev/app", "awslogs-region": "ap-northeast-1", "awslogs-stream-prefix": "app",
		"mode": "non-blocking", "max-buffer-size": "25m"}, logs["options"])
	hc := c["healthCheck"].(map[string]any)
	assert.Equal(t, []any{"CMD", "node", "-e"}, hc["command"].([]any)[:3])
	assert.Contains(t, hc["command"].([]any)[3], `path:"/favicon.ico"`)

	td := m.One(t, typeTaskDef, "tastylog-dev-app")
	assert.Equal(t, "512", td.Str("cpu"))
	assert.Equal(t, "1024", td.Str("memory"))
	assert.Equal(t, map[string]any{"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}, td.Input("runtimePlatform"))
	assert.Equal(t, []map[string]any{{"name": "tmp"}}, td.Objects("volumes"))
	assert.True(t, td.Bool("skipDestroy"), "old revisions stay for rollbacks")
}

func TestFargatePlaceholderAndDigest(t *testing.T) {
	m, _ := runAttached(t, fargateArgs(nil))
	c := containerOf(t, m)
	assert.Equal(t, appboot.PlaceholderImage, c["image"], "a new stack runs the placeholder")
	cmd := c["command"].([]any)
	assert.Equal(t, []any{"node", "-e"}, cmd[:2])
	assert.Contains(t, cmd[2], `const healthPath = "/favicon.ico"`)
	assert.Equal(t, 2, m.One(t, typeService, "tastylog-dev-app").Int("desiredCount"))

	digest := "sha256:" + strings.Repeat("ab", 32)
	m, _ = runAttached(t, fargateArgs(func(a *compute.Args) { a.Image = digest }))
	assert.Equal(t, account+".dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app@"+digest, containerOf(t, m)["image"])

	m, _ = runAttached(t, fargateArgs(func(a *compute.Args) { a.NoInternet = true }))
	assert.Equal(t, 0, m.One(t, typeService, "tastylog-dev-app").Int("desiredCount"), "no way to the placeholder's registry: no task until appImage")
	assert.Equal(t, 0, m.One(t, typeScaling, "tastylog-dev-app-scaling").Int("maxCapacity"))
}

func TestFargateRepository(t *testing.T) {
	m, _ := runAttached(t, fargateArgs(func(a *compute.Args) {
		a.Production, a.KeyArn = true, pulumi.String("arn:aws:kms:ap-northeast-1:"+account+":key/k")
	}))
	repo := m.One(t, typeRepository, "tastylog-dev-app")
	assert.Equal(t, "IMMUTABLE", repo.Str("imageTagMutability"))
	assert.Equal(t, map[string]any{"scanOnPush": true}, repo.Input("imageScanningConfiguration"))
	assert.Equal(t, []map[string]any{{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:ap-northeast-1:" + account + ":key/k"}}, repo.Objects("encryptionConfigurations"))
	assert.True(t, repo.Protect, "protected in production")
	assert.False(t, repo.Bool("forceDelete"))
	var policy struct {
		Rules []struct {
			Selection map[string]any `json:"selection"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(m.One(t, computeTypeLifecycle, "tastylog-dev-app-lifecycle").Str("policy")), &policy))
	require.Len(t, policy.Rules, 2)
	assert.Equal(t, map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": float64(7)}, policy.Rules[0].Selection)
	assert.Equal(t, map[string]any{"tagStatus": "tagged", "tagPatternList": []any{"*"}, "countType": "imageCountMoreThan", "countNumber": float64(30)}, policy.Rules[1].Selection)

	shared := "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/shared/tastylog"
	m, _ = runAttached(t, fargateArgs(func(a *compute.Args) { a.Repository, a.RepositoryCrossAccount, a.Image = shared, true, "v1" }))
	assert.Empty(t, m.ByType(typeRepository), "a shared repository is not the stack's to create")
	assert.Equal(t, shared+":v1", containerOf(t, m)["image"])
	pull := executionStatements(t, m)["PullAppImage"]
	assert.Equal(t, []string{"arn:aws:ecr:ap-northeast-1:210987654321:repository/shared/tastylog"}, pull.Resource)
}

func executionStatements(t *testing.T, m *testkit.Mocks) map[string]iampolicy.Statement {
	t.Helper()
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, "tastylog-dev-task-exec-policy").Str("policy")), &doc))
	out := map[string]iampolicy.Statement{}
	for _, st := range doc.Statement {
		out[st.Sid] = st
	}
	return out
}

func TestFargateRoles(t *testing.T) {
	m, _ := runAttached(t, fargateArgs(nil))
	st := executionStatements(t, m)
	assert.Equal(t, []string{"arn:aws:ecr:ap-northeast-1:" + account + ":repository/tastylog-dev-app"}, st["PullAppImage"].Resource)
	assert.Equal(t, []string{"arn:aws:ssm:ap-northeast-1:" + account + ":parameter/tastylog/dev/app/*"}, st["ReadAppSettings"].Resource)
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/app:*"}, st["ShipLogs"].Resource)
	assert.Equal(t, []string{"ssm.ap-northeast-1.amazonaws.com"}, st["DecryptAppSettings"].Condition["StringEquals"]["kms:ViaService"])
	for sid, s := range st {
		if sid != "RegistryToken" && sid != "DecryptAppSettings" {
			assert.NotContains(t, s.Resource, "*", sid)
		}
	}
	policies := map[string]bool{}
	for _, p := range m.ByType(typeRolePolicy) {
		policies[p.Name] = true
	}
	assert.Equal(t, map[string]bool{"tastylog-dev-task-exec-policy": true}, policies, "the task role has no permission: the app needs none")
	assert.Empty(t, m.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))

	m, _ = runAttached(t, fargateArgs(func(a *compute.Args) { a.Exec = true }))
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, "tastylog-dev-task-exec-sessions").Str("policy")), &doc))
	assert.Equal(t, "ExecChannel", doc.Statement[0].Sid)
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/exec:*"}, doc.Statement[2].Resource)
	assert.True(t, m.One(t, typeService, "tastylog-dev-app").Bool("enableExecuteCommand"))
	exec := m.One(t, typeCluster, "tastylog-dev-cluster").Input("configuration").(map[string]any)["executeCommandConfiguration"].(map[string]any)
	assert.Equal(t, "OVERRIDE", exec["logging"])
	assert.Equal(t, "/tastylog/dev/exec", m.One(t, typeLogGroup, "tastylog-dev-exec-logs").Str("name"))
	c := containerOf(t, m)
	assert.Len(t, c["mountPoints"], 4, "/tmp and the three paths ECS Exec's agent writes")
	assert.Nil(t, c["linuxParameters"].(map[string]any)["capabilities"], "the exec agent keeps its capabilities")
}

func TestFargateServiceAndScaling(t *testing.T) {
	m, c := runAttached(t, fargateArgs(func(a *compute.Args) { a.FargateSpot, a.Architecture = true, computespec.ArchX86_64 }))
	svc := m.One(t, typeService, "tastylog-dev-app")
	assert.Equal(t, "X86_64", m.One(t, typeTaskDef, "tastylog-dev-app").Input("runtimePlatform").(map[string]any)["cpuArchitecture"], "Fargate Spot runs X86_64 only")
	assert.Equal(t, []string{"desiredCount"}, svc.IgnoreChanges, "scaling owns the running count")
	assert.Equal(t, "FARGATE_SPOT", svc.Objects("capacityProviderStrategies")[0]["capacityProvider"])
	assert.True(t, svc.Bool("waitForSteadyState"), "pulumi up reports a failed rollout")
	assert.Equal(t, []string{"FARGATE", "FARGATE_SPOT"}, m.One(t, typeCapacity, "tastylog-dev-cluster-capacity").Strings("capacityProviders"))
	assert.Empty(t, m.ByType(typeGroup))
	assert.Empty(t, m.ByType(typeLaunchTemplate))
	assert.Equal(t, []string{"app"}, func() []string {
		var out []string
		for _, g := range m.ByType(typeLogGroup) {
			out = append(out, strings.TrimPrefix(g.Str("name"), "/tastylog/dev/"))
		}
		return out
	}(), "the same app log group; no system group without servers")
	target := m.One(t, typeScaling, "tastylog-dev-app-scaling")
	assert.Equal(t, "ecs:service:DesiredCount", target.Str("scalableDimension"))
	assert.Equal(t, 2, target.Int("minCapacity"))
	assert.Equal(t, 4, target.Int("maxCapacity"))
	metrics := map[string]any{}
	for _, p := range m.ByType(typeAppPolicy) {
		spec := p.Input("targetTrackingScalingPolicyConfiguration").(map[string]any)["predefinedMetricSpecification"].(map[string]any)
		metrics[spec["predefinedMetricType"].(string)] = spec["resourceLabel"]
	}
	assert.Equal(t, map[string]any{
		"ECSServiceAverageCPUUtilization": nil,
		"ALBRequestCountPerTarget":        "app/tastylog-dev-app-alb/50dc6c495c0c9188/targetgroup/tastylog-dev-ip-tg/0123456789abcdef",
	}, metrics)
	exports := c.Exports()
	for _, k := range []string{"clusterName", "serviceName", "repositoryUrl", "taskDefinitionArn"} {
		assert.Contains(t, exports, k)
	}
	assert.NotContains(t, exports, "autoScalingGroupName")

	m, _ = runAttached(t, fargateArgs(nil))
	assert.Equal(t, []string{"FARGATE"}, m.One(t, typeCapacity, "tastylog-dev-cluster-capacity").Strings("capacityProviders"),
		"FARGATE_SPOT is not even registered where it is not allowed")
}
