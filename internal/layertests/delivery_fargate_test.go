package layertests

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/delivery"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
)

const (
	prodListener  = "arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":listener/app/tastylog-dev-app-alb/50dc6c495c0c9188/aaaa"
	testListener  = "arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":listener/app/tastylog-dev-app-alb/50dc6c495c0c9188/bbbb"
	repositoryArn = "arn:aws:ecr:ap-northeast-1:" + account + ":repository/tastylog-dev-app"
	execRole      = "arn:aws:iam::" + account + ":role/tastylog-dev-task-exec-role"
	appRole       = "arn:aws:iam::" + account + ":role/tastylog-dev-task-role"
)

func blueGreenArgs(mutate func(*deliveryspec.Spec)) *delivery.Args {
	a := deliveryArgs(mutate)
	a.Servers = nil
	a.Service = &delivery.Service{
		ClusterName: pulumi.String("tastylog-dev-cluster"), ServiceName: pulumi.String("tastylog-dev-app"),
		TargetGroupName: pulumi.String("tastylog-dev-ip-tg-0a1b2c3"), AlternateGroupName: pulumi.String("tastylog-dev-ip-tg-2-0a1b2c3"),
		ProductionListenerArn: pulumi.String(prodListener), TestListenerArn: pulumi.String(testListener),
		RepositoryUrl: pulumi.String(account + ".dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app"), RepositoryArn: pulumi.String(repositoryArn),
		TaskFamily: "tastylog-dev-app", ContainerName: "app", ContainerPort: 3000,
		TaskRoleArns: pulumi.ToStringArray([]string{execRole, appRole}),
	}
	return a
}

func TestBlueGreenPipeline(t *testing.T) {
	m, _ := deliveryRun(t, blueGreenArgs(nil))
	names, actions := stages(t, m)
	assert.Equal(t, []string{"Source", "Build", "Approve", "Deploy"}, names)
	deploy := actions["Deploy"]
	assert.Equal(t, "CodeDeployToECS", deploy["provider"])
	assert.Equal(t, "Deploy", deploy["category"])
	assert.Equal(t, []any{"build"}, deploy["inputArtifacts"])
	assert.Equal(t, map[string]any{
		"ApplicationName": "tastylog-dev-app", "DeploymentGroupName": "tastylog-dev-app",
		"TaskDefinitionTemplateArtifact": "build", "TaskDefinitionTemplatePath": "taskdef.json",
		"AppSpecTemplateArtifact": "build", "AppSpecTemplatePath": "appspec.yaml",
		"Image1ArtifactName": "build", "Image1ContainerName": "IMAGE1_NAME",
	}, deploy["configuration"])
	assert.Nil(t, m.Find(typeProject, "tastylog-dev-rollout"), "no rollout build: CodeDeploy deploys")

	build := m.One(t, typeProject, "tastylog-dev-build")
	assert.Equal(t, true, build.Input("environment").(map[string]any)["privilegedMode"], "Docker needs it, and only this build has it")
	assert.Contains(t, build.Input("cache").(map[string]any)["modes"], "LOCAL_DOCKER_LAYER_CACHE")
	spec := build.Input("source").(map[string]any)["buildspec"].(string)
	for _, want := range []string{`PLATFORM: "linux/arm64"`, `FAMILY: "tastylog-dev-app"`, "imageDetail.json", "taskdef.json", "appspec.yaml", "<IMAGE1_NAME>"} {
		assert.Contains(t, spec, want)
	}
}

func TestBlueGreenDeploymentGroup(t *testing.T) {
	m, _ := deliveryRun(t, blueGreenArgs(func(s *deliveryspec.Spec) {
		s.Strategy, s.Percent, s.IntervalMinutes, s.TerminationWaitMinutes = deliveryspec.StrategyCanary, 20, 10, 30
	}))
	app := m.One(t, "aws:codedeploy/application:Application", "tastylog-dev-app")
	assert.Equal(t, "ECS", app.Str("computePlatform"))
	g := m.One(t, "aws:codedeploy/deploymentGroup:DeploymentGroup", "tastylog-dev-app-group")
	assert.Equal(t, map[string]any{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}, g.Input("deploymentStyle"))
	assert.Equal(t, map[string]any{"enabled": true, "events": []any{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}}, g.Input("autoRollbackConfiguration"))
	assert.Equal(t, map[string]any{"enabled": true, "alarms": []any{"tastylog-dev-target-5xx-0a1b2c3", "tastylog-dev-unhealthy-hosts-0a1b2c3"}}, g.Input("alarmConfiguration"))
	bg := g.Input("blueGreenDeploymentConfig").(map[string]any)
	assert.Equal(t, map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": float64(30)}, bg["terminateBlueInstancesOnDeploymentSuccess"])
	pair := g.Input("loadBalancerInfo").(map[string]any)["targetGroupPairInfo"].(map[string]any)
	assert.Equal(t, map[string]any{"listenerArns": []any{prodListener}}, pair["prodTrafficRoute"])
	assert.Equal(t, map[string]any{"listenerArns": []any{testListener}}, pair["testTrafficRoute"])
	assert.Equal(t, []any{map[string]any{"name": "tastylog-dev-ip-tg-0a1b2c3"}, map[string]any{"name": "tastylog-dev-ip-tg-2-0a1b2c3"}}, pair["targetGroups"])
	assert.Equal(t, map[string]any{"clusterName": "tastylog-dev-cluster", "serviceName": "tastylog-dev-app"}, g.Input("ecsService"))
	cfg := m.One(t, "aws:codedeploy/deploymentConfig:DeploymentConfig", "tastylog-dev-deploy-config")
	assert.Equal(t, map[string]any{"type": "TimeBasedCanary", "timeBasedCanary": map[string]any{"percentage": float64(20), "interval": float64(10)}},
		cfg.Input("trafficRoutingConfig"))
	assert.Equal(t, cfg.Str("deploymentConfigName"), g.Str("deploymentConfigName"))

	m, _ = deliveryRun(t, blueGreenArgs(nil))
	assert.Empty(t, m.ByType("aws:codedeploy/deploymentConfig:DeploymentConfig"), "all at once is AWS's own configuration")
	assert.Equal(t, "CodeDeployDefault.ECSAllAtOnce", m.One(t, "aws:codedeploy/deploymentGroup:DeploymentGroup", "tastylog-dev-app-group").Str("deploymentConfigName"))
}

func TestBlueGreenRolesAreScoped(t *testing.T) {
	m, _ := deliveryRun(t, blueGreenArgs(nil))
	image := deliveryPolicy(t, m, "tastylog-dev-build-policy")
	assert.Equal(t, []string{repositoryArn}, image["PushImage"].Resource, "push to this repository only")
	assert.Contains(t, image["PushImage"].Action, "ecr:PutImage")
	pipe := deliveryPolicy(t, m, "tastylog-dev-pipeline-policy")
	assert.Equal(t, []string{execRole, appRole}, pipe["PassTaskRoles"].Resource)
	assert.Equal(t, []string{"ecs-tasks.amazonaws.com"}, pipe["PassTaskRoles"].Condition["StringEquals"]["iam:PassedToService"])
	assert.Contains(t, pipe["Deploy"].Resource, "arn:aws:codedeploy:ap-northeast-1:"+account+":deploymentgroup:tastylog-dev-app/tastylog-dev-app")
	assert.Equal(t, []string{"arn:aws:codebuild:ap-northeast-1:" + account + ":project/tastylog-dev-build"}, pipe["RunBuilds"].Resource)
	var cd iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, "tastylog-dev-codedeploy-policy").Str("policy")), &cd))
	byID := map[string]iampolicy.Statement{}
	for _, s := range cd.Statement {
		byID[s.Sid] = s
	}
	assert.Equal(t, []string{prodListener, "arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":listener-rule/app/tastylog-dev-app-alb/50dc6c495c0c9188/aaaa/*",
		testListener, "arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":listener-rule/app/tastylog-dev-app-alb/50dc6c495c0c9188/bbbb/*"}, byID["MoveTraffic"].Resource)
	assert.Contains(t, byID["TaskSets"].Resource, "arn:aws:ecs:ap-northeast-1:"+account+":task-set/tastylog-dev-cluster/tastylog-dev-app/*")
	assert.Contains(t, m.One(t, typeRole, "tastylog-dev-codedeploy-role").Str("assumeRolePolicy"), "codedeploy.amazonaws.com")
}

// What CodeDeploy changes, Pulumi leaves: the service's task definition and target group, the forwarding
// rule's and the test listener's target; and the test listener takes the app tier only.
func TestBlueGreenOwnership(t *testing.T) {
	a := computeArgs(computespec.Default())
	a.Mode, a.OpmngSecurityGroupId, a.DeployBucketName, a.BlueGreen = computespec.ModeFargate, nil, nil, true
	m, c := runAttached(t, a)
	svc := m.One(t, typeService, "tastylog-dev-app")
	assert.Equal(t, map[string]any{"type": "CODE_DEPLOY"}, svc.Input("deploymentController"))
	assert.ElementsMatch(t, []string{"desiredCount", "taskDefinition", "loadBalancers"}, svc.IgnoreChanges)
	assert.Nil(t, svc.Input("deploymentCircuitBreaker"), "the ECS controller's, not CodeDeploy's")
	assert.NotNil(t, m.Find(typeTargetGroup, "tastylog-dev-ip-tg-2"))
	assert.Contains(t, c.Exports(), "alternateTargetGroupArn")

	e := edgeArgs(noDomain())
	e.TestPort = 8443
	m, front := edgeRun(t, e)
	test := m.One(t, typeListener, "tastylog-dev-app-alb-test")
	assert.Equal(t, 8443, test.Int("port"))
	assert.Equal(t, "HTTP", test.Str("protocol"), "the production listener's protocol")
	assert.Equal(t, []map[string]any{{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":targetgroup/app/1"}}, test.Objects("defaultActions"))
	assert.ElementsMatch(t, []string{"actions", "defaultActions"}, test.IgnoreChanges)
	assert.ElementsMatch(t, []string{"actions", "defaultActions"}, m.One(t, edgeTypeRule, "tastylog-dev-app-alb-from-cloudfront").IgnoreChanges)
	out, err := testkit.Await(front.TestListenerArn)
	require.NoError(t, err)
	assert.NotEmpty(t, out)

	m, _ = edgeRun(t, edgeArgs(noDomain()))
	assert.Nil(t, m.Find(typeListener, "tastylog-dev-app-alb-test"))
	assert.Empty(t, m.One(t, edgeTypeRule, "tastylog-dev-app-alb-from-cloudfront").IgnoreChanges, "without CodeDeploy, Pulumi owns the rule")

	spec := netspec.Default()
	nm := testkit.New("tastylog", "dev", spec.Region)
	testkit.RunComponent(t, nm, spec.Region, func(ctx *pulumi.Context, p testkit.Providers) (*network.Network, error) {
		return network.New(ctx, componentName, &network.Args{Spec: spec, OriginPort: 80, AppPort: 3000, DbPort: 3306, TestPort: 8443}, pulumi.Providers(p.App))
	})
	var admitted []string
	for _, r := range nm.ByType(typeIngressRule) {
		if r.Int("fromPort") == 8443 {
			admitted = append(admitted, r.Str("securityGroupId")+"<-"+r.Str("referencedSecurityGroupId")+r.Str("cidrIpv4"))
		}
	}
	assert.Equal(t, []string{"tastylog-dev-web-sg-id<-tastylog-dev-app-sg-id"}, admitted, "the test listener takes the app tier only")
}
