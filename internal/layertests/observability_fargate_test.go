package layertests

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/obsspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/observability"
)

const (
	clusterName = "tastylog-dev-cluster"
	serviceName = "tastylog-dev-app"
)

// fargateArgs watches an ECS service instead of an Auto Scaling group.
func obsFargateArgs() *observability.Args {
	a := obsArgs(obsspec.Default())
	a.AutoScalingGroupName, a.ClusterName, a.ServiceName = nil, pulumi.String(clusterName), pulumi.String(serviceName)
	return a
}

func TestFargateAlarmsFollowTheService(t *testing.T) {
	m, _ := obsRun(t, obsFargateArgs())
	service := map[string]any{"ClusterName": clusterName, "ServiceName": serviceName}
	for key, metric := range map[string]string{"app-cpu": "CPUUtilization", "app-memory": "MemoryUtilization"} {
		a := m.One(t, typeAlarm, "tastylog-dev-"+key)
		assert.Equal(t, "AWS/ECS", a.Str("namespace"), key)
		assert.Equal(t, metric, a.Str("metricName"), key)
		assert.Equal(t, service, a.Input("dimensions"), key)
	}
	assert.EqualValues(t, 80, m.One(t, typeAlarm, "tastylog-dev-app-memory").Input("threshold"))
	gap := m.One(t, typeAlarm, "tastylog-dev-tasks-below-desired")
	assert.Nil(t, gap.Input("metricName"), "a metric-math alarm names no single metric")
	queries := map[string]map[string]any{}
	for _, q := range gap.Objects("metricQueries") {
		queries[q["id"].(string)] = q
	}
	require.Len(t, queries, 3)
	assert.Equal(t, "desired - running", queries["gap"]["expression"])
	assert.Equal(t, true, queries["gap"]["returnData"])
	for id, metric := range map[string]string{"desired": "DesiredTaskCount", "running": "RunningTaskCount"} {
		q := queries[id]["metric"].(map[string]any)
		assert.Equal(t, "ECS/ContainerInsights", q["namespace"])
		assert.Equal(t, metric, q["metricName"])
		assert.Equal(t, service, q["dimensions"])
	}
	assert.Equal(t, "GreaterThanOrEqualToThreshold", gap.Str("comparisonOperator"))
	assert.NotEmpty(t, gap.Strings("alarmActions"))
	for _, a := range m.ByType(typeAlarm) {
		assert.NotEqual(t, "AWS/EC2", a.Str("namespace"), "%s: no server alarms without servers", a.Name)
	}
}

func TestFargateEventsAndDashboard(t *testing.T) {
	m, _ := obsRun(t, obsFargateArgs())
	rules := m.ByType(typeRule)
	require.Len(t, rules, 1, "the Auto Scaling group's rules are not created")
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(rules[0].Str("eventPattern")), &pattern))
	assert.Equal(t, []any{"aws.ecs"}, pattern["source"])
	assert.Equal(t, []any{"ECS Task State Change"}, pattern["detail-type"])
	assert.Equal(t, map[string]any{"group": []any{"service:" + serviceName}, "lastStatus": []any{"STOPPED"},
		"stopCode": []any{"TaskFailedToStart", "EssentialContainerExited"}}, pattern["detail"])
	assert.Contains(t, m.One(t, typeTarget, "tastylog-dev-ecs-task-failures-to-sns").Str("inputTransformer.inputTemplate"), "<reason>")

	var body dashboardJSON
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeDashboard, "tastylog-dev-dashboard").Str("dashboardBody")), &body))
	assert.Len(t, body.Widgets, 8)
	titles := map[string]bool{}
	for _, w := range body.Widgets {
		titles[w.Properties.Title] = true
		for _, metric := range w.Properties.Metrics {
			assert.NotEqual(t, "AutoScalingGroupName", metric[2], "no server widgets")
		}
	}
	assert.True(t, titles["App tasks CPU and memory %"])
	assert.True(t, titles["App tasks running and desired"])
}

func TestExactlyOneRuntime(t *testing.T) {
	newErr := func(a *observability.Args) error {
		return testkit.New("tastylog", "dev", a.Region).Run(nil, func(ctx *pulumi.Context) error {
			_, err := observability.New(ctx, componentName, a)
			return err
		})
	}
	a := obsFargateArgs()
	a.AutoScalingGroupName = pulumi.String(asgName)
	require.ErrorContains(t, newErr(a), "exactly one of AutoScalingGroupName and ClusterName with ServiceName is required")
	a = obsFargateArgs()
	a.ClusterName = nil
	require.ErrorContains(t, newErr(a), "exactly one of")
}

// The pipeline's failures and approvals reach the alert topic, and the topic admits exactly those rules.
func TestPipelineEventsAreAnnounced(t *testing.T) {
	a := obsArgs(obsEmails())
	a.PipelineName = "tastylog-dev-pipeline"
	m, o := obsRun(t, a)
	for key, want := range map[string]map[string]any{
		"pipeline-failed":   {"pipeline": []any{"tastylog-dev-pipeline"}, "state": []any{"FAILED"}},
		"pipeline-approval": {"pipeline": []any{"tastylog-dev-pipeline"}, "state": []any{"STARTED"}, "type": map[string]any{"category": []any{"Approval"}}},
	} {
		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRule, "tastylog-dev-"+key).Str("eventPattern")), &pattern))
		assert.Equal(t, []any{"aws.codepipeline"}, pattern["source"], key)
		assert.Equal(t, want, pattern["detail"], key)
		target := m.One(t, typeTarget, "tastylog-dev-"+key+"-to-sns")
		assert.Contains(t, target.Str("inputTransformer.inputTemplate"), "codepipeline/pipelines/tastylog-dev-pipeline", key)
		assert.Contains(t, m.One(t, typeTopicPolicy, "tastylog-dev-alerts-policy").Str("policy"), "tastylog-dev-"+key, "the topic admits the rule")
	}
	names, err := testkit.AwaitStrings(o.RollbackAlarmNames)
	require.NoError(t, err)
	assert.Len(t, names, 2, "the 5xx and unhealthy-host alarms stop a rollout")

	m, _ = obsRun(t, obsArgs(obsEmails()))
	assert.Nil(t, m.Find(typeRule, "tastylog-dev-pipeline-failed"), "no pipeline, no rules")
}
