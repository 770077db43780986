package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/tastylog/infra/delivery"
	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

const (
	typePipeline   = "aws:codepipeline/pipeline:Pipeline"
	typeProject    = "aws:codebuild/project:Project"
	typeConnection = "aws:codeconnections/connection:Connection"
	artifacts      = "tastylog-dev-artifacts-" + account
	deployBucketOf = "tastylog-dev-deploy-" + account
	groupName      = "tastylog-dev-app-asg-0a1b2c3"
)

func deliveryArgs(mutate func(*deliveryspec.Spec)) *delivery.Args {
	spec := deliveryspec.Default()
	spec.Pipeline, spec.Repository = true, "tastylog/app"
	if mutate != nil {
		mutate(&spec)
	}
	return &delivery.Args{
		Spec: spec, Region: "ap-northeast-1", AccountId: account, LogGroupPrefix: "/tastylog/dev", LogRetentionDays: 7,
		Architecture: "arm64", ArtifactsBucketName: pulumi.String(artifacts),
		RollbackAlarmNames: pulumi.ToStringArray([]string{"tastylog-dev-target-5xx-0a1b2c3", "tastylog-dev-unhealthy-hosts-0a1b2c3"}),
		Servers:            &delivery.Servers{DeployBucketName: pulumi.String(deployBucketOf), AutoScalingGroupName: pulumi.String(groupName), WarmupSeconds: 300},
	}
}

func deliveryRun(t *testing.T, a *delivery.Args) (*testkit.Mocks, *delivery.Delivery) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*delivery.Delivery, error) {
		return delivery.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

// stages reads the pipeline's stages as name -> actions.
func stages(t *testing.T, m *testkit.Mocks) ([]string, map[string]map[string]any) {
	t.Helper()
	var names []string
	actions := map[string]map[string]any{}
	for _, s := range m.One(t, typePipeline, "tastylog-dev-pipeline").Objects("stages") {
		names = append(names, s["name"].(string))
		list := s["actions"].([]any)
		require.Len(t, list, 1, s["name"])
		actions[s["name"].(string)] = list[0].(map[string]any)
	}
	return names, actions
}

func TestPipelineStagesAndArtifacts(t *testing.T) {
	m, d := deliveryRun(t, deliveryArgs(nil))
	names, actions := stages(t, m)
	assert.Equal(t, []string{"Source", "Build", "Approve", "Deploy"}, names, "the stages, in order")
	src := actions["Source"]
	assert.Equal(t, "CodeStarSourceConnection", src["provider"])
	cfg := src["configuration"].(map[string]any)
	assert.Equal(t, "tastylog/app", cfg["FullRepositoryId"])
	assert.Equal(t, "main", cfg["BranchName"])
	conn := m.One(t, typeConnection, "tastylog-dev-github")
	assert.Equal(t, "GitHub", conn.Str("providerType"))
	assert.Contains(t, cfg["ConnectionArn"], "tastylog-dev-github")
	assert.Equal(t, []any{"source"}, src["outputArtifacts"])
	assert.Equal(t, []any{"source"}, actions["Build"]["inputArtifacts"], "the build takes the source")
	assert.Equal(t, []any{"build"}, actions["Build"]["outputArtifacts"])
	assert.Equal(t, "Manual", actions["Approve"]["provider"])
	assert.Equal(t, []any{"build"}, actions["Deploy"]["inputArtifacts"], "the rollout takes what the build published")
	assert.Equal(t, "tastylog-dev-rollout", actions["Deploy"]["configuration"].(map[string]any)["ProjectName"])
	p := m.One(t, typePipeline, "tastylog-dev-pipeline")
	assert.Equal(t, "V2", p.Str("pipelineType"))
	assert.Equal(t, "QUEUED", p.Str("executionMode"), "a commit never cuts a rollout short")
	assert.Equal(t, []map[string]any{{"location": artifacts, "type": "S3"}}, p.Objects("artifactStores"))
	assert.Contains(t, d.Exports(), "pipelineConnectionArn")

	m, _ = deliveryRun(t, deliveryArgs(func(s *deliveryspec.Spec) { s.Approval = false }))
	names, _ = stages(t, m)
	assert.Equal(t, []string{"Source", "Build", "Deploy"}, names, "no approval stage without pipelineApproval")
}

func TestPipelineFromS3(t *testing.T) {
	m, _ := deliveryRun(t, deliveryArgs(func(s *deliveryspec.Spec) { s.Source, s.Repository = deliveryspec.SourceS3, "" }))
	assert.Empty(t, m.ByType(typeConnection))
	_, actions := stages(t, m)
	assert.Equal(t, "S3", actions["Source"]["provider"])
	assert.Equal(t, map[string]any{"S3Bucket": artifacts, "S3ObjectKey": delivery.SourceKey, "PollForSourceChanges": "false"}, actions["Source"]["configuration"])
	assert.True(t, m.One(t, "aws:s3/bucketNotification:BucketNotification", "tastylog-dev-artifacts-events").Bool("eventbridge"))
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.One(t, "aws:cloudwatch/eventRule:EventRule", "tastylog-dev-source-uploaded").Str("eventPattern")), &pattern))
	assert.Equal(t, map[string]any{"bucket": map[string]any{"name": []any{artifacts}}, "object": map[string]any{"key": []any{delivery.SourceKey}}}, pattern["detail"])
	target := m.One(t, "aws:cloudwatch/eventTarget:EventTarget", "tastylog-dev-source-uploaded-to-pipeline")
	assert.Contains(t, target.Str("arn"), "tastylog-dev-pipeline")
	var start iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, "tastylog-dev-source-trigger-policy").Str("policy")), &start))
	assert.Equal(t, []string{"codepipeline:StartPipelineExecution"}, start.Statement[0].Action)
	assert.Equal(t, []string{target.Str("arn")}, start.Statement[0].Resource, "EventBridge may start this pipeline only")
}

func TestPipelineBuilds(t *testing.T) {
	for arch, image := range map[string]string{"arm64": "aws/codebuild/amazonlinux-aarch64-standard:3.0", "x86_64": "aws/codebuild/amazonlinux-x86_64-standard:5.0"} {
		a := deliveryArgs(nil)
		a.Architecture, a.KeyArn = arch, pulumi.String("arn:aws:kms:ap-northeast-1:"+account+":key/k")
		m, _ := deliveryRun(t, a)
		for _, role := range []string{"build", "rollout"} {
			p := m.One(t, typeProject, "tastylog-dev-"+role)
			env := p.Input("environment").(map[string]any)
			assert.Equal(t, image, env["image"], "%s %s runs on the app's architecture", arch, role)
			assert.Equal(t, false, env["privilegedMode"], "no Docker, no privilege")
			logs := p.Input("logsConfig").(map[string]any)["cloudwatchLogs"].(map[string]any)
			assert.Equal(t, "/tastylog/dev/build", logs["groupName"])
			assert.Equal(t, "arn:aws:kms:ap-northeast-1:"+account+":key/k", p.Str("encryptionKey"))
			assert.Equal(t, "LOCAL", p.Input("cache").(map[string]any)["type"])
		}
		lg := m.One(t, typeLogGroup, "tastylog-dev-build-logs")
		assert.Equal(t, 7, lg.Int("retentionInDays"))
	}
	m, _ := deliveryRun(t, deliveryArgs(func(s *deliveryspec.Spec) {
		s.Strategy, s.Percent, s.IntervalMinutes = deliveryspec.StrategyCanary, 25, 10
	}))
	var spec struct {
		Env struct {
			Variables map[string]string `yaml:"variables"`
		} `yaml:"env"`
	}
	rollout := m.One(t, typeProject, "tastylog-dev-rollout")
	require.NoError(t, yaml.Unmarshal([]byte(rollout.Input("source").(map[string]any)["buildspec"].(string)), &spec))
	assert.Equal(t, groupName, spec.Env.Variables["GROUP"])
	assert.Equal(t, deployBucketOf, spec.Env.Variables["DEPLOY_BUCKET"])
	for _, want := range []string{`"CheckpointPercentages":[25,100]`, `"CheckpointDelay":600`, `"tastylog-dev-target-5xx-0a1b2c3"`, `"tastylog-dev-unhealthy-hosts-0a1b2c3"`, `"InstanceWarmup":300`} {
		assert.Contains(t, spec.Env.Variables["PREFERENCES"], want)
	}
	assert.Equal(t, 60+3*(600+300)/60, rollout.Int("buildTimeout"), "time for every checkpoint's pause and warm-up")
	build := m.One(t, typeProject, "tastylog-dev-build")
	assert.Contains(t, build.Input("source").(map[string]any)["buildspec"], "s3://$DEPLOY_BUCKET/tastylog-app-$VERSION.tar.gz")
}

// noResourceForm are the actions the pipeline's roles use that IAM cannot scope to a resource.
var noResourceForm = []string{"autoscaling:DescribeInstanceRefreshes", "ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}

func deliveryPolicy(t *testing.T, m *testkit.Mocks, name string) map[string]iampolicy.Statement {
	t.Helper()
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, name).Str("policy")), &doc))
	out := map[string]iampolicy.Statement{}
	for _, s := range doc.Statement {
		out[s.Sid] = s
		for _, r := range s.Resource {
			if r == "*" {
				assert.Subset(t, noResourceForm, s.Action, "%s %s: only actions without a resource form take *", name, s.Sid)
			}
		}
	}
	return out
}

func TestPipelineRolesAreScoped(t *testing.T) {
	m, _ := deliveryRun(t, deliveryArgs(nil))
	for _, r := range m.ByType(typeRole) {
		assert.Contains(t, r.Str("assumeRolePolicy"), `"aws:SourceAccount":["`+account+`"]`, r.Name)
	}
	assert.Empty(t, m.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no managed policies")
	pipe := deliveryPolicy(t, m, "tastylog-dev-pipeline-policy")
	assert.Equal(t, []string{"arn:aws:s3:::" + artifacts + "/*"}, pipe["Artifacts"].Resource)
	assert.Equal(t, []string{"arn:aws:codebuild:ap-northeast-1:" + account + ":project/tastylog-dev-build", "arn:aws:codebuild:ap-northeast-1:" + account + ":project/tastylog-dev-rollout"},
		pipe["RunBuilds"].Resource)
	assert.Len(t, pipe["UseConnection"].Resource, 1)
	assert.Contains(t, pipe["UseConnection"].Resource[0], "tastylog-dev-github")
	build := deliveryPolicy(t, m, "tastylog-dev-build-policy")
	assert.Equal(t, []string{"arn:aws:s3:::" + deployBucketOf + "/tastylog-app-*.tar.gz"}, build["PublishRelease"].Resource, "never latest")
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/build:*"}, build["Logs"].Resource)
	rollout := deliveryPolicy(t, m, "tastylog-dev-rollout-policy")
	assert.Equal(t, []string{"arn:aws:s3:::" + deployBucketOf + "/latest"}, rollout["MoveLatest"].Resource)
	assert.Equal(t, []string{"arn:aws:autoscaling:ap-northeast-1:" + account + ":autoScalingGroup:*:autoScalingGroupName/" + groupName}, rollout["RefreshGroup"].Resource)
	_, keyed := build["UseStackKey"]
	assert.False(t, keyed, "no stack key, no key statement")
}

func TestDeliveryNewRejectsInvalidArgs(t *testing.T) {
	a := deliveryArgs(func(s *deliveryspec.Spec) { s.Repository = "not a repo" })
	a.Servers = nil
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := delivery.New(ctx, componentName, a)
		return err
	})
	require.Error(t, err)
	for _, want := range []string{"delivery: invalid args", `pipelineRepository: "not a repo" is not a GitHub repository`, "exactly one of Servers (the ec2 mode's rollout target) and Service (the fargate mode's) is required"} {
		assert.True(t, strings.Contains(err.Error(), want), "%v lacks %q", err, want)
	}
	assert.Empty(t, m.All())
}
