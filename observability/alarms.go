package observability

import (
	"fmt"

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
	asg := pulumi.StringMap{"AutoScalingGroupName": a.AutoScalingGroupName}
	db := pulumi.StringMap{"DBInstanceIdentifier": a.DbIdentifier}
	cdn := pulumi.StringMap{"DistributionId": a.DistributionId, "Region": pulumi.String("Global")}
	return []alarm{
		{"alb-5xx", "The load balancer itself answered 5xx (no healthy target, timeouts)", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
			alb, "Sum", 300, 1, "GreaterThanOrEqualToThreshold", float64(t.Alb5xx), notBreaching, false},
		{"target-5xx", "The app answered 5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count",
			target, "Sum", 300, 1, "GreaterThanOrEqualToThreshold", float64(t.Target5xx), notBreaching, false},
		{"unhealthy-hosts", "An app server fails its health check", "AWS/ApplicationELB", "UnHealthyHostCount",
			target, "Maximum", 60, 3, "GreaterThanOrEqualToThreshold", 1, notBreaching, false},
		{"no-healthy-hosts", "No app server is healthy: the site is down", "AWS/ApplicationELB", "HealthyHostCount",
			target, "Minimum", 60, 2, "LessThanThreshold", 1, breaching, false},
		{"response-time-p95", fmt.Sprintf("p95 response time above %d ms", t.ResponseTimeP95Ms), "AWS/ApplicationELB", "TargetResponseTime",
			target, "p95", 300, 3, "GreaterThanThreshold", float64(t.ResponseTimeP95Ms) / 1000, notBreaching, false},
		{"app-cpu", "App servers' average CPU is high (scaling is not keeping up, or is at its maximum)", "AWS/EC2", "CPUUtilization",
			asg, "Average", 300, 3, "GreaterThanThreshold", float64(t.AppCpuPercent), notBreaching, false},
		{"db-cpu", "Database CPU is high", "AWS/RDS", "CPUUtilization",
			db, "Average", 300, 3, "GreaterThanThreshold", float64(t.DbCpuPercent), missing, false},
		{"db-free-storage", "Database storage is running out (autoscaling may be at its ceiling)", "AWS/RDS", "FreeStorageSpace",
			db, "Minimum", 300, 1, "LessThanThreshold", float64(t.DbFreeStorageGiB) * gib, missing, false},
		{"db-freeable-memory", "Database memory is low", "AWS/RDS", "FreeableMemory",
			db, "Minimum", 300, 3, "LessThanThreshold", float64(t.DbFreeableMemoryMiB) * mib, missing, false},
		{"db-connections", "Database connections are high", "AWS/RDS", "DatabaseConnections",
			db, "Maximum", 300, 2, "GreaterThanThreshold", float64(t.DbConnections), missing, false},
		{"cloudfront-5xx-rate", "Viewers get 5xx from CloudFront", "AWS/CloudFront", "5xxErrorRate",
			cdn, "Average", 300, 2, "GreaterThanThreshold", float64(t.CloudFront5xxRatePercent), notBreaching, true},
	}
}

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
			Namespace:          pulumi.String(a.Namespace),
			MetricName:         pulumi.String(a.Metric),
			Dimensions:         a.Dimensions,
			Period:             pulumi.Int(a.Period),
			EvaluationPeriods:  pulumi.Int(a.Evaluations),
			DatapointsToAlarm:  pulumi.Int(a.Evaluations),
			ComparisonOperator: pulumi.String(a.Comparison),
			Threshold:          pulumi.Float64(a.Threshold),
			TreatMissingData:   pulumi.String(a.Missing),
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               layer.NameTags(b.name + "-" + a.Key),
		}
		if a.Statistic[0] == 'p' {
			args.ExtendedStatistic = pulumi.String(a.Statistic)
		} else {
			args.Statistic = pulumi.String(a.Statistic)
		}
		if _, err := cloudwatch.NewMetricAlarm(b.ctx, b.name+"-"+a.Key, args, opts...); err != nil {
			return err
		}
	}
	return nil
}
