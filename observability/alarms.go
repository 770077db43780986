package observability

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/obsspec"
)

// Missing-data treatments.
const (
	// notBreaching: no data means nothing happened (no 5xx responses were counted, no servers to measure).
	notBreaching = "notBreaching"
	// breaching: no data is itself the problem (no healthy hosts reported).
	breaching = "breaching"
	// missing: keep the last state (a metric that pauses during maintenance should not flap).
	missing = "missing"
)

// alarm is one CloudWatch alarm as data: the tests read the list, New builds it.
type alarm struct {
	Key         string // logical-name suffix: tastylog-dev-<key>
	Description string
	Namespace   string
	Metric      string
	Dimensions  pulumi.StringMap
	Statistic   string // Sum, Average, Maximum, Minimum; or a percentile such as p95
	Period      int
	Evaluations int
	Comparison  string
	Threshold   float64
	Missing     string
	Global      bool // in us-east-1 (CloudFront)
	// Expression, when set, makes the alarm a metric-math one over Queries (id -> metric), and Metric is
	// ignored.
	Expression string
	Queries    map[string]string
}

const (
	gib = 1024 * 1024 * 1024
	mib = 1024 * 1024
)

// alarms lists every alarm of the stack, with thresholds from config.
func (b *builder) alarms() []alarm {
	a, t := b.args, b.args.Thresholds
	alb := pulumi.StringMap{"LoadBalancer": a.AlbArnSuffix}
	target := pulumi.StringMap{"LoadBalancer": a.AlbArnSuffix, "TargetGroup": a.TargetGroupArnSuffix}
	db := pulumi.StringMap{"DBInstanceIdentifier": a.DbIdentifier}
	cdn := pulumi.StringMap{"DistributionId": a.DistributionId, "Region": pulumi.String("Global")}
	return append([]alarm{
		{"alb-5xx", "The load balancer itself answered 5xx (no healthy target, timeouts)", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
			alb, "Sum", 300, 1, "GreaterThanOrEqualToThreshold", float64(t.Alb5xx), notBreaching, false, "", nil},
		{"target-5xx", "The app answered 5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count",
			target, "Sum", 300, 1, "GreaterThanOrEqualToThreshold", float64(t.Target5xx), notBreaching, false, "", nil},
		{"unhealthy-hosts", "An app server fails its health check", "AWS/ApplicationELB", "UnHealthyHostCount",
			target, "Maximum", 60, 3, "GreaterThanOrEqualToThreshold", 1, notBreaching, false, "", nil},
		{"no-healthy-hosts", "No app server is healthy: the site is down", "AWS/ApplicationELB", "HealthyHostCount",
			target, "Minimum", 60, 2, "LessThanThreshold", 1, breaching, false, "", nil},
		{"response-time-p95", fmt.Sprintf("p95 response time above %d ms", t.ResponseTimeP95Ms), "AWS/ApplicationELB", "TargetResponseTime",
			target, "p95", 300, 3, "GreaterThanThreshold", float64(t.ResponseTimeP95Ms) / 1000, notBreaching, false, "", nil},
		{"db-cpu", "Database CPU is high", "AWS/RDS", "CPUUtilization",
			db, "Average", 300, 3, "GreaterThanThreshold", float64(t.DbCpuPercent), missing, false, "", nil},
		{"db-free-storage", "Database storage is running out (autoscaling may be at its ceiling)", "AWS/RDS", "FreeStorageSpace",
			db, "Minimum", 300, 1, "LessThanThreshold", float64(t.DbFreeStorageGiB) * gib, missing, false, "", nil},
		{"db-freeable-memory", "Database memory is low", "AWS/RDS", "FreeableMemory",
			db, "Minimum", 300, 3, "LessThanThreshold", float64(t.DbFreeableMemoryMiB) * mib, missing, false, "", nil},
		{"db-connections", "Database connections are high", "AWS/RDS", "DatabaseConnections",
			db, "Maximum", 300, 2, "GreaterThanThreshold", float64(t.DbConnections), missing, false, "", nil},
		{Key: "cloudfront-5xx-rate", Description: "Viewers get 5xx from CloudFront", Namespace: "AWS/CloudFront", Metric: "5xxErrorRate",
			Dimensions: cdn, Statistic: "Average", Period: 300, Evaluations: 2, Comparison: "GreaterThanThreshold",
			Threshold: float64(t.CloudFront5xxRatePercent), Missing: notBreaching, Global: true},
	}, slices.Concat(b.appAlarms(), b.natAlarms(), b.batchAlarms())...)
}

// batchAlarms watch the batch path: a job that failed its last try, jobs waiting too long, the worker
// failing or throttled, the API failing or slow.
func (b *builder) batchAlarms() []alarm {
	w := b.args.Batch
	if w == nil {
		return nil
	}
	api := pulumi.StringMap{"ApiName": w.ApiName, "Stage": w.Stage}
	fn := pulumi.StringMap{"FunctionName": w.FunctionName}
	return []alarm{
		{Key: "batch-dead-letters", Description: "A batch job failed every try and is in the dead-letter queue (replay: docs/operations.md)",
			Namespace: "AWS/SQS", Metric: "ApproximateNumberOfMessagesVisible", Dimensions: pulumi.StringMap{"QueueName": w.DeadLetterQueueName},
			Statistic: "Maximum", Period: 60, Evaluations: 1, Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: notBreaching},
		{Key: "batch-oldest-job", Description: "A batch job has waited over 15 minutes (the worker is failing, throttled or too few)",
			Namespace: "AWS/SQS", Metric: "ApproximateAgeOfOldestMessage", Dimensions: pulumi.StringMap{"QueueName": w.QueueName},
			Statistic: "Maximum", Period: 300, Evaluations: 1, Comparison: "GreaterThanThreshold", Threshold: 900, Missing: notBreaching},
		{Key: "batch-worker-errors", Description: "The batch worker failed (an error or a timeout, not a job it reported)",
			Namespace: "AWS/Lambda", Metric: "Errors", Dimensions: fn,
			Statistic: "Sum", Period: 300, Evaluations: 1, Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: notBreaching},
		{Key: "batch-worker-throttles", Description: "The batch worker was throttled (its concurrency, or the account's, is used up)",
			Namespace: "AWS/Lambda", Metric: "Throttles", Dimensions: fn,
			Statistic: "Sum", Period: 300, Evaluations: 1, Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: notBreaching},
		{Key: "batch-api-5xx", Description: "The jobs API answered 5xx (the queue refused or was unreachable)",
			Namespace: "AWS/ApiGateway", Metric: "5XXError", Dimensions: api,
			Statistic: "Sum", Period: 300, Evaluations: 1, Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: notBreaching},
		{Key: "batch-api-latency-p95", Description: "The jobs API's p95 latency is over 2 s",
			Namespace: "AWS/ApiGateway", Metric: "Latency", Dimensions: api,
			Statistic: "p95", Period: 300, Evaluations: 2, Comparison: "GreaterThanThreshold", Threshold: 2000, Missing: notBreaching},
	}
}

// natAlarms watch the NAT instance: the app tier's only way out. Its group replaces a failed instance by
// itself; the alarms say it happened, and that it has not recovered.
func (b *builder) natAlarms() []alarm {
	if b.args.NatInstanceGroupName == nil {
		return nil
	}
	group := pulumi.StringMap{"AutoScalingGroupName": b.args.NatInstanceGroupName}
	return []alarm{
		{Key: "nat-instance-unhealthy", Description: "The NAT instance fails its EC2 status checks: the app tier cannot reach the internet until it is replaced",
			// By group, EC2 metrics come every 5 minutes without detailed monitoring.
			Namespace: "AWS/EC2", Metric: "StatusCheckFailed", Dimensions: group, Statistic: "Maximum", Period: 300, Evaluations: 1,
			Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: missing},
		{Key: "nat-instance-missing", Description: "No NAT instance is in service: the app tier cannot reach the internet",
			Namespace: "AWS/AutoScaling", Metric: "GroupInServiceInstances", Dimensions: group, Statistic: "Minimum", Period: 60, Evaluations: 5,
			Comparison: "LessThanThreshold", Threshold: 1, Missing: breaching},
	}
}

// appAlarms are the alarms on what runs the app: the servers' CPU, or the tasks' CPU, memory and count.
func (b *builder) appAlarms() []alarm {
	a, t := b.args, b.args.Thresholds
	if !a.fargate() {
		return []alarm{{Key: "app-cpu", Description: "App servers' average CPU is high (scaling is not keeping up, or is at its maximum)",
			Namespace: "AWS/EC2", Metric: "CPUUtilization", Dimensions: pulumi.StringMap{"AutoScalingGroupName": a.AutoScalingGroupName},
			Statistic: "Average", Period: 300, Evaluations: 3, Comparison: "GreaterThanThreshold", Threshold: float64(t.AppCpuPercent), Missing: notBreaching}}
	}
	service := pulumi.StringMap{"ClusterName": a.ClusterName, "ServiceName": a.ServiceName}
	return []alarm{
		{Key: "app-cpu", Description: "App tasks' average CPU is high (scaling is not keeping up, or is at its maximum)",
			Namespace: "AWS/ECS", Metric: "CPUUtilization", Dimensions: service,
			Statistic: "Average", Period: 300, Evaluations: 3, Comparison: "GreaterThanThreshold", Threshold: float64(t.AppCpuPercent), Missing: notBreaching},
		{Key: "app-memory", Description: "App tasks' average memory is high (a leak, or tasks too small)",
			Namespace: "AWS/ECS", Metric: "MemoryUtilization", Dimensions: service,
			Statistic: "Average", Period: 300, Evaluations: 3, Comparison: "GreaterThanThreshold", Threshold: float64(t.AppMemoryPercent), Missing: notBreaching},
		// Container Insights' counts: below desired for five minutes running means tasks fail to start or
		// keep stopping (a scale-out or a deployment closes the gap within a couple of minutes).
		{Key: "tasks-below-desired", Description: "Fewer app tasks run than the service wants (tasks fail to start or keep stopping)",
			Namespace: "ECS/ContainerInsights", Dimensions: service, Statistic: "Minimum", Period: 60, Evaluations: 5,
			Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Missing: breaching,
			Expression: "desired - running", Queries: map[string]string{"desired": "DesiredTaskCount", "running": "RunningTaskCount"}},
	}
}

// rollbackAlarms are the alarms that stop a rollout and return the app to the release it ran: the app's
// own 5xx and a target failing its health check.
var rollbackAlarms = []string{"target-5xx", "unhealthy-hosts"}

// buildAlarms creates every alarm with alarm and OK actions on its region's topic and on the existing
// topics of alarmTopicArns in that region.
func (b *builder) buildAlarms() error {
	for _, a := range b.alarms() {
		topic, opts, region := b.topic, b.opts, b.args.Region
		if a.Global {
			topic, opts, region = b.globalTopic, b.inUsEast1(), obsspec.GlobalRegion
		}
		var actions pulumi.Array
		for _, arn := range b.listeners(topic, region) {
			actions = append(actions, arn)
		}
		args := &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String(a.Description),
			EvaluationPeriods:  pulumi.Int(a.Evaluations),
			DatapointsToAlarm:  pulumi.Int(a.Evaluations),
			ComparisonOperator: pulumi.String(a.Comparison),
			Threshold:          pulumi.Float64(a.Threshold),
			TreatMissingData:   pulumi.String(a.Missing),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               layer.NameTags(b.name + "-" + a.Key),
		}
		switch {
		case a.Expression != "":
			args.MetricQueries = a.queries()
		case a.Statistic[0] == 'p':
			args.ExtendedStatistic = pulumi.String(a.Statistic)
		default:
			args.Statistic = pulumi.String(a.Statistic)
		}
		if a.Expression == "" {
			args.Namespace, args.MetricName, args.Dimensions, args.Period = pulumi.String(a.Namespace), pulumi.String(a.Metric), a.Dimensions, pulumi.Int(a.Period)
		}
		res, err := cloudwatch.NewMetricAlarm(b.ctx, b.name+"-"+a.Key, args, opts...)
		if err != nil {
			return err
		}
		if slices.Contains(rollbackAlarms, a.Key) {
			b.rollback = append(b.rollback, res.Name)
		}
	}
	return nil
}

// queries are a metric-math alarm's queries: each metric of Queries (not returned), and the expression
// the alarm compares.
func (a alarm) queries() cloudwatch.MetricAlarmMetricQueryArray {
	out := cloudwatch.MetricAlarmMetricQueryArray{&cloudwatch.MetricAlarmMetricQueryArgs{
		Id: pulumi.String("gap"), Expression: pulumi.String(a.Expression), Label: pulumi.String(a.Description), ReturnData: pulumi.Bool(true),
	}}
	for _, id := range slices.Sorted(maps.Keys(a.Queries)) {
		out = append(out, &cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String(id),
			Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String(a.Namespace), MetricName: pulumi.String(a.Queries[id]), Dimensions: a.Dimensions,
				Period: pulumi.Int(a.Period), Stat: pulumi.String(a.Statistic),
			},
			ReturnData: pulumi.Bool(false),
		})
	}
	return out
}
