package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/obsspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/observability"
)

const (
	typeAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTopic        = "aws:sns/topic:Topic"
	typeTopicPolicy  = "aws:sns/topicPolicy:TopicPolicy"
	typeSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typeKey          = "aws:kms/key:Key"
	typeDashboard    = "aws:cloudwatch/dashboard:Dashboard"
	typeRule         = "aws:cloudwatch/eventRule:EventRule"
	typeTarget       = "aws:cloudwatch/eventTarget:EventTarget"
	typeDbEvents     = "aws:rds/eventSubscription:EventSubscription"
	typeTrail        = "aws:cloudtrail/trail:Trail"
	typeFlowLog      = "aws:ec2/flowLog:FlowLog"
	albSuffix        = "app/tastylog-dev-app-alb/50dc6c495c0c9188"
	tgSuffix         = "targetgroup/tastylog-dev-app-tg/0123456789abcdef"
	asgName          = "tastylog-dev-app-asg-abc1234"
	dbID             = "tastylog-dev-mysql-standalone-abc1234"
	distributionID   = "E2MOCKTASTYLOGDEVCDN"
	trailBucket      = "tastylog-dev-trail-" + account
	stackKey         = "arn:aws:kms:ap-northeast-1:" + account + ":key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

func obsArgs(spec obsspec.Spec) *observability.Args {
	return &observability.Args{
		Spec:                 spec,
		Env:                  "dev",
		AccountId:            account,
		Region:               "ap-northeast-1",
		LogGroupPrefix:       "/tastylog/dev",
		TrailName:            "tastylog-dev-trail",
		TrailBucketName:      pulumi.String(trailBucket),
		FlowLogPrefix:        "flowlogs",
		VpcId:                pulumi.String("vpc-1"),
		AlbArnSuffix:         pulumi.String(albSuffix),
		TargetGroupArnSuffix: pulumi.String(tgSuffix),
		AutoScalingGroupName: pulumi.String(asgName),
		DbIdentifier:         pulumi.String(dbID),
		DistributionId:       pulumi.String(distributionID),
		LogsBucketName:       pulumi.String(logsBucket),
		AppLogGroupName:      pulumi.String("/tastylog/dev/app"),
	}
}

// dashboardJSON is the part of a dashboard body the tests read.
type dashboardJSON struct {
	Widgets []struct {
		Properties struct {
			Title   string  `json:"title"`
			Region  string  `json:"region"`
			Metrics [][]any `json:"metrics"`
		} `json:"properties"`
	} `json:"widgets"`
}

func obsEmails() obsspec.Spec {
	s := obsspec.Default()
	s.AlarmEmails = []string{"ops@example.com", "oncall@example.com"}
	return s
}

func obsRun(t *testing.T, a *observability.Args) (*testkit.Mocks, *observability.Observability) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*observability.Observability, error) {
		a.UsEast1 = p.UsEast1
		return observability.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

func regionOf(m *testkit.Mocks, r *testkit.Resource) string { return m.ProviderOf(r).Str("region") }

func TestAlarms(t *testing.T) {
	m, _ := obsRun(t, obsArgs(obsEmails()))
	appTopic := "arn:aws:sns:ap-northeast-1:" + account + ":tastylog-dev-alerts"
	globalTopic := "arn:aws:sns:us-east-1:" + account + ":tastylog-dev-global-alerts"

	want := map[string]struct {
		metric     string
		dims       map[string]any
		threshold  float64
		comparison string
		missing    string
		global     bool
	}{
		"alb-5xx":             {"HTTPCode_ELB_5XX_Count", map[string]any{"LoadBalancer": albSuffix}, 10, "GreaterThanOrEqualToThreshold", "notBreaching", false},
		"target-5xx":          {"HTTPCode_Target_5XX_Count", map[string]any{"LoadBalancer": albSuffix, "TargetGroup": tgSuffix}, 10, "GreaterThanOrEqualToThreshold", "notBreaching", false},
		"unhealthy-hosts":     {"UnHealthyHostCount", map[string]any{"LoadBalancer": albSuffix, "TargetGroup": tgSuffix}, 1, "GreaterThanOrEqualToThreshold", "notBreaching", false},
		"no-healthy-hosts":    {"HealthyHostCount", map[string]any{"LoadBalancer": albSuffix, "TargetGroup": tgSuffix}, 1, "LessThanThreshold", "breaching", false},
		"response-time-p95":   {"TargetResponseTime", map[string]any{"LoadBalancer": albSuffix, "TargetGroup": tgSuffix}, 1.5, "GreaterThanThreshold", "notBreaching", false},
		"app-cpu":             {"CPUUtilization", map[string]any{"AutoScalingGroupName": asgName}, 80, "GreaterThanThreshold", "notBreaching", false},
		"db-cpu":              {"CPUUtilization", map[string]any{"DBInstanceIdentifier": dbID}, 80, "GreaterThanThreshold", "missing", false},
		"db-free-storage":     {"FreeStorageSpace", map[string]any{"DBInstanceIdentifier": dbID}, 2 * 1024 * 1024 * 1024, "LessThanThreshold", "missing", false},
		"db-freeable-memory":  {"FreeableMemory", map[string]any{"DBInstanceIdentifier": dbID}, 128 * 1024 * 1024, "LessThanThreshold", "missing", false},
		"db-connections":      {"DatabaseConnections", map[string]any{"DBInstanceIdentifier": dbID}, 100, "GreaterThanThreshold", "missing", false},
		"cloudfront-5xx-rate": {"5xxErrorRate", map[string]any{"DistributionId": distributionID, "Region": "Global"}, 5, "GreaterThanThreshold", "notBreaching", true},
	}
	alarms := m.ByType(typeAlarm)
	assert.Len(t, alarms, len(want))
	for _, a := range alarms {
		key := strings.TrimPrefix(a.Name, componentName+"-")
		w, ok := want[key]
		if !assert.True(t, ok, "unexpected alarm %s", a.Name) {
			continue
		}
		assert.Equal(t, w.metric, a.Str("metricName"), key)
		assert.Equal(t, w.dims, a.Input("dimensions"), "%s watches this stack's resources", key)
		assert.InDelta(t, w.threshold, a.Input("threshold"), 0.0001, key)
		assert.Equal(t, w.comparison, a.Str("comparisonOperator"), key)
		assert.Equal(t, w.missing, a.Str("treatMissingData"), "%s: missing data chosen per alarm", key)
		topic, wantRegion := appTopic, "ap-northeast-1"
		if w.global {
			topic, wantRegion = globalTopic, "us-east-1"
		}
		assert.Equal(t, []string{topic}, a.Strings("alarmActions"), key)
		assert.Equal(t, []string{topic}, a.Strings("okActions"), key)
		assert.Equal(t, wantRegion, regionOf(m, a), "%s lives where its metric is", key)
		assert.NotEmpty(t, a.Str("alarmDescription"), key)
	}
	p95 := m.One(t, typeAlarm, "tastylog-dev-response-time-p95")
	assert.Equal(t, "p95", p95.Str("extendedStatistic"))
	assert.Empty(t, p95.Str("statistic"))
}

func TestTopicsKeysAndSubscriptions(t *testing.T) {
	m, o := obsRun(t, obsArgs(obsEmails()))
	for _, c := range []struct {
		topic, region string
		publishers    []string
	}{
		{"tastylog-dev-alerts", "ap-northeast-1", []string{"cloudwatch.amazonaws.com", "events.amazonaws.com", "events.rds.amazonaws.com"}},
		{"tastylog-dev-global-alerts", "us-east-1", []string{"cloudwatch.amazonaws.com"}},
	} {
		topic := m.One(t, typeTopic, c.topic)
		key := m.One(t, typeKey, c.topic+"-key")
		assert.Equal(t, c.region, regionOf(m, topic))
		assert.Equal(t, c.region, regionOf(m, key), "the key is in the topic's region")
		assert.Equal(t, "arn:aws:kms:"+c.region+":"+account+":key/key-"+key.Name, topic.Str("kmsMasterKeyId"), "not the aws/sns key")
		assert.True(t, key.Bool("enableKeyRotation"))
		var doc iampolicy.Document
		require.NoError(t, json.Unmarshal([]byte(key.Str("policy")), &doc))
		assert.Equal(t, c.publishers, doc.Statement[1].Principal["Service"], "the key lets the publishers encrypt")
		assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, doc.Statement[1].Action)

		var emails []string
		for _, s := range m.ByType(typeSubscription) {
			if strings.HasPrefix(s.Name, c.topic+"-email-") {
				assert.Equal(t, "arn:aws:sns:"+c.region+":"+account+":"+c.topic, s.Str("topic"))
				assert.Equal(t, "email", s.Str("protocol"))
				emails = append(emails, s.Str("endpoint"))
			}
		}
		assert.ElementsMatch(t, []string{"ops@example.com", "oncall@example.com"}, emails, c.topic)
	}
	arn, err := testkit.Await(o.GlobalAlertTopicArn)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sns:us-east-1:"+account+":tastylog-dev-global-alerts", arn)
}

func TestTopicPolicyAdmitsExactlyTheStacksPublishers(t *testing.T) {
	m, _ := obsRun(t, obsArgs(obsspec.Default()))
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeTopicPolicy, "tastylog-dev-alerts-policy").Str("policy")), &doc))
	sids := map[string]iampolicy.Statement{}
	for _, s := range doc.Statement {
		sids[s.Sid] = s
	}
	assert.Len(t, sids, 4)
	assert.Equal(t, []string{"arn:aws:cloudwatch:ap-northeast-1:" + account + ":alarm:tastylog-dev-*"},
		sids["CloudWatchAlarms"].Condition["ArnLike"]["aws:SourceArn"])
	var rules []string
	for _, r := range m.ByType(typeRule) {
		rules = append(rules, "arn:aws:events:ap-northeast-1:"+account+":rule/"+r.Name+testkit.AutonameSuffix)
	}
	assert.ElementsMatch(t, rules, sids["EventBridgeRules"].Condition["ArnEquals"]["aws:SourceArn"], "exactly this stack's rules")
	assert.Equal(t, []string{"arn:aws:rds:ap-northeast-1:" + account + ":db:tastylog-dev-mysql-*"}, sids["RdsEvents"].Condition["ArnLike"]["aws:SourceArn"])
	for _, s := range doc.Statement {
		assert.Equal(t, []string{"arn:aws:sns:ap-northeast-1:" + account + ":tastylog-dev-alerts"}, s.Resource, s.Sid)
	}

	global := m.One(t, typeTopicPolicy, "tastylog-dev-global-alerts-policy")
	assert.Equal(t, "us-east-1", regionOf(m, global))
	require.NoError(t, json.Unmarshal([]byte(global.Str("policy")), &doc))
	assert.Len(t, doc.Statement, 2, "only the account and its CloudWatch alarms publish in us-east-1")
}

func TestDashboard(t *testing.T) {
	m, _ := obsRun(t, obsArgs(obsspec.Default()))
	d := m.One(t, typeDashboard, "tastylog-dev-dashboard")
	assert.Equal(t, "tastylog-dev", d.Str("dashboardName"))
	var body dashboardJSON
	require.NoError(t, json.Unmarshal([]byte(d.Str("dashboardBody")), &body))
	assert.Len(t, body.Widgets, 8)
	seen := map[string]string{}
	for _, w := range body.Widgets {
		for _, metric := range w.Properties.Metrics {
			seen[metric[1].(string)] = w.Properties.Region
			for i := 2; i+1 < len(metric); i += 2 {
				assert.Contains(t, []any{albSuffix, tgSuffix, asgName, dbID, distributionID, "Global"}, metric[i+1], "%v uses this stack's ids", metric)
			}
		}
	}
	for _, metric := range []string{"HTTPCode_ELB_5XX_Count", "TargetResponseTime", "UnHealthyHostCount", "CPUUtilization",
		"FreeStorageSpace", "FreeableMemory", "DatabaseConnections", "mem_used_percent"} {
		assert.Equal(t, "ap-northeast-1", seen[metric], metric)
	}
	assert.Equal(t, "us-east-1", seen["5xxErrorRate"], "CloudFront metrics are read from us-east-1")
}

func TestEvents(t *testing.T) {
	m, _ := obsRun(t, obsArgs(obsspec.Default()))
	rules := m.ByType(typeRule)
	require.Len(t, rules, 2)
	for _, r := range rules {
		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.Str("eventPattern")), &pattern))
		assert.Equal(t, []any{"aws.autoscaling"}, pattern["source"])
		assert.Equal(t, map[string]any{"AutoScalingGroupName": []any{asgName}}, pattern["detail"], "only this stack's servers")
		target := m.One(t, typeTarget, r.Name+"-to-sns")
		assert.Equal(t, r.Name+testkit.AutonameSuffix, target.Str("rule"))
		assert.Equal(t, "arn:aws:sns:ap-northeast-1:"+account+":tastylog-dev-alerts", target.Str("arn"))
	}
	var failures map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRule, "tastylog-dev-asg-failures").Str("eventPattern")), &failures))
	assert.ElementsMatch(t, []any{"EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"}, failures["detail-type"])

	db := m.One(t, typeDbEvents, "tastylog-dev-db-events")
	assert.Equal(t, "db-instance", db.Str("sourceType"))
	assert.Equal(t, []string{dbID}, db.Strings("sourceIds"))
	assert.Contains(t, db.Strings("eventCategories"), "failover")
	assert.Equal(t, "arn:aws:sns:ap-northeast-1:"+account+":tastylog-dev-alerts", db.Str("snsTopic"))
}

func TestTrail(t *testing.T) {
	m, o := obsRun(t, obsArgs(obsspec.Default()))
	trail := m.One(t, typeTrail, "tastylog-dev-trail")
	assert.Equal(t, "tastylog-dev-trail", trail.Str("name"), "the name the trail bucket policy admits")
	assert.Equal(t, trailBucket, trail.Str("s3BucketName"), "its own bucket")
	assert.Empty(t, trail.Str("s3KeyPrefix"))
	assert.Empty(t, trail.Str("kmsKeyId"), "without a stack key, CloudTrail's default SSE-S3")
	assert.True(t, trail.Bool("isMultiRegionTrail"))
	assert.True(t, trail.Bool("enableLogFileValidation"))
	assert.True(t, trail.Bool("includeGlobalServiceEvents"))
	assert.Equal(t, "arn:aws:logs:ap-northeast-1:"+account+":log-group:/tastylog/dev/cloudtrail:*", trail.Str("cloudWatchLogsGroupArn"))
	role := m.One(t, typeRole, "tastylog-dev-cloudtrail-role")
	assert.Contains(t, role.Str("assumeRolePolicy"), "cloudtrail.amazonaws.com")
	group := m.One(t, typeLogGroup, "tastylog-dev-cloudtrail-logs")
	assert.Equal(t, 365, group.Int("retentionInDays"), "the audit retention")
	assert.False(t, group.RetainOnDelete)
	arn, err := testkit.Await(o.TrailArn)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudtrail:ap-northeast-1:"+account+":trail/tastylog-dev-trail", arn)

	spec := obsspec.Default()
	spec.CloudTrail = false
	m, o = obsRun(t, obsArgs(spec))
	assert.Empty(t, m.ByType(typeTrail), "switched off for accounts with an organization trail")
	arn, err = testkit.Await(o.TrailArn)
	require.NoError(t, err)
	assert.Equal(t, "", arn)
}

func TestFlowLogs(t *testing.T) {
	t.Run("CloudWatch", func(t *testing.T) {
		m, _ := obsRun(t, obsArgs(obsspec.Default()))
		f := m.One(t, typeFlowLog, "tastylog-dev-vpc-flow-logs")
		assert.Equal(t, "vpc-1", f.Str("vpcId"), "attached to this VPC")
		assert.Equal(t, "REJECT", f.Str("trafficType"))
		assert.Equal(t, "cloud-watch-logs", f.Str("logDestinationType"))
		assert.Equal(t, "arn:aws:logs:ap-northeast-1:"+account+":log-group:/tastylog/dev/vpc-flow-logs", f.Str("logDestination"))
		role := m.One(t, typeRole, "tastylog-dev-flow-logs-role")
		assert.Contains(t, f.Str("iamRoleArn"), role.ID)
		assert.Contains(t, role.Str("assumeRolePolicy"), "vpc-flow-logs.amazonaws.com")
	})
	t.Run("S3", func(t *testing.T) {
		spec := obsspec.Default()
		spec.FlowLogs, spec.FlowLogTraffic = obsspec.FlowLogsS3, "ALL"
		m, _ := obsRun(t, obsArgs(spec))
		f := m.One(t, typeFlowLog, "tastylog-dev-vpc-flow-logs")
		assert.Equal(t, "s3", f.Str("logDestinationType"))
		assert.Equal(t, "arn:aws:s3:::"+logsBucket+"/flowlogs", f.Str("logDestination"))
		assert.Equal(t, "ALL", f.Str("trafficType"))
		assert.Nil(t, m.Find(typeRole, "tastylog-dev-flow-logs-role"))
	})
	t.Run("Off", func(t *testing.T) {
		spec := obsspec.Default()
		spec.FlowLogs = obsspec.FlowLogsOff
		m, _ := obsRun(t, obsArgs(spec))
		assert.Empty(t, m.ByType(typeFlowLog))
	})
}

func TestEveryChildIsParented(t *testing.T) {
	m, _ := obsRun(t, obsArgs(obsEmails()))
	component := m.ByType(observability.Type)[0]
	for _, r := range m.All() {
		if strings.HasPrefix(r.Type, "aws:") {
			assert.Equal(t, component.URN, r.Parent, r.Name)
			assert.NotNil(t, m.ProviderOf(r), r.Name)
		}
	}
}

func TestNewRejectsInvalidArgs(t *testing.T) {
	spec := obsspec.Default()
	spec.AlarmEmails = []string{"not-an-email"}
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := observability.New(ctx, componentName, obsArgs(spec))
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `observability: invalid args: alarmEmails[0]: "not-an-email" is not an email address`)
	assert.Contains(t, err.Error(), "UsEast1 provider is required")
	assert.Empty(t, m.All())
}

// Existing topics hear the alarms of their own region, and the app region's ones the Auto Scaling events.
func TestExistingTopicsHearTheirRegion(t *testing.T) {
	pager := "arn:aws:sns:ap-northeast-1:" + account + ":pager"
	globalPager := "arn:aws:sns:us-east-1:" + account + ":pager"
	spec := obsspec.Default()
	spec.AlarmTopicArns = []string{pager, globalPager}
	m, _ := obsRun(t, obsArgs(spec))
	for _, a := range m.ByType(typeAlarm) {
		stack, extra := "arn:aws:sns:ap-northeast-1:"+account+":tastylog-dev-alerts", pager
		if regionOf(m, a) == "us-east-1" {
			stack, extra = "arn:aws:sns:us-east-1:"+account+":tastylog-dev-global-alerts", globalPager
		}
		assert.Equal(t, []string{stack, extra}, a.Strings("alarmActions"), a.Name)
		assert.Equal(t, []string{stack, extra}, a.Strings("okActions"), a.Name)
	}
	for _, r := range m.ByType(typeRule) {
		assert.Equal(t, pager, m.One(t, typeTarget, r.Name+"-to-topic-1").Str("arn"))
	}
	assert.Len(t, m.ByType(typeTarget), 4, "two rules, two targets each")
}

// With the stack key and production, the trail and the audit log groups are encrypted with it, and the
// groups outlive a destroy.
func TestAuditTrailWithTheStackKey(t *testing.T) {
	a := obsArgs(obsspec.Default())
	a.KeyArn, a.Production = pulumi.String(stackKey), true
	m, _ := obsRun(t, a)
	assert.Equal(t, stackKey, m.One(t, typeTrail, "tastylog-dev-trail").Str("kmsKeyId"))
	for _, name := range []string{"tastylog-dev-cloudtrail-logs", "tastylog-dev-vpc-flow-logs-logs"} {
		g := m.One(t, typeLogGroup, name)
		assert.Equal(t, stackKey, g.Str("kmsKeyId"), name)
		assert.True(t, g.RetainOnDelete, "%s outlives a destroy in production", name)
		assert.Equal(t, 365, g.Int("retentionInDays"), name)
	}
}

// In production the trail and the topics' keys are protected in state.
func TestProductionProtectsTheTrailAndKeys(t *testing.T) {
	a := obsArgs(obsspec.Default())
	a.Production = true
	m, _ := obsRun(t, a)
	assert.True(t, m.One(t, typeTrail, "tastylog-dev-trail").Protect)
	for _, k := range m.ByType("aws:kms/key:Key") {
		assert.True(t, k.Protect, k.Name)
	}
	m, _ = obsRun(t, obsArgs(obsspec.Default()))
	assert.False(t, m.One(t, typeTrail, "tastylog-dev-trail").Protect, "a disposable stack's trail is not")
}

// With a NAT instance, two alarms say when the app tier's only way out fails and when it has not come back.
func TestNatInstanceAlarms(t *testing.T) {
	a := obsArgs(obsspec.Default())
	a.NatInstanceGroupName = pulumi.String("tastylog-dev-nat-asg-abc1234")
	m, _ := obsRun(t, a)
	group := map[string]any{"AutoScalingGroupName": "tastylog-dev-nat-asg-abc1234"}
	unhealthy := m.One(t, typeAlarm, "tastylog-dev-nat-instance-unhealthy")
	assert.Equal(t, "StatusCheckFailed", unhealthy.Str("metricName"))
	assert.Equal(t, group, unhealthy.Input("dimensions"))
	gone := m.One(t, typeAlarm, "tastylog-dev-nat-instance-missing")
	assert.Equal(t, "AWS/AutoScaling", gone.Str("namespace"))
	assert.Equal(t, "GroupInServiceInstances", gone.Str("metricName"))
	assert.Equal(t, "LessThanThreshold", gone.Str("comparisonOperator"))
	assert.Equal(t, "breaching", gone.Str("treatMissingData"), "no data from the group is no instance")
	assert.Equal(t, group, gone.Input("dimensions"))

	m, _ = obsRun(t, obsArgs(obsspec.Default()))
	assert.Nil(t, m.Find(typeAlarm, "tastylog-dev-nat-instance-missing"), "no NAT instance, no alarms on it")
}
