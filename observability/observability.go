// Package observability builds what tells the on-call engineer about one stack: encrypted SNS topics with
// email subscriptions, CloudWatch alarms on every layer (CloudFront's in us-east-1, where its metrics
// are), a dashboard, EventBridge rules and an RDS event subscription, and the audit trail: CloudTrail and
// VPC flow logs.
package observability

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/obsspec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Observability"

// Args configures the observability layer.
type Args struct {
	obsspec.Spec

	Env       string
	AccountId string
	Region    string
	// UsEast1 is the provider for CloudFront's alarms and the topic they notify: CloudFront publishes
	// metrics only in us-east-1, and an alarm's actions must be in its own region.
	UsEast1 *aws.Provider
	// LogGroupPrefix names the trail's and flow logs' log groups (/tastylog/dev/cloudtrail, ...), the
	// audit log groups: they keep AuditLogRetentionDays, and in production outlive a destroy.
	LogGroupPrefix string
	Production     bool
	// TrailName is what the trail bucket's policy admits (data layer); FlowLogPrefix what the logs
	// bucket's admits for flow logs delivered to S3.
	TrailName     string
	FlowLogPrefix string
	// TrailBucketName is the trail's own bucket; KeyArn the stack key that encrypts the trail and the
	// audit log groups, nil for AWS-managed keys.
	TrailBucketName pulumi.StringInput
	KeyArn          pulumi.StringInput

	VpcId                pulumi.StringInput
	AlbArnSuffix         pulumi.StringInput
	TargetGroupArnSuffix pulumi.StringInput
	DbIdentifier         pulumi.StringInput
	DistributionId       pulumi.StringInput
	LogsBucketName       pulumi.StringInput
	AppLogGroupName      pulumi.StringInput
	// What runs the app, one of the two: the Auto Scaling group (ec2 mode), or the ECS cluster and service
	// (fargate mode). The alarms, dashboard widgets and event rules follow it.
	AutoScalingGroupName pulumi.StringInput
	ClusterName          pulumi.StringInput
	ServiceName          pulumi.StringInput
	// NatInstanceGroupName is the NAT instance's group to watch (natStrategy instance); nil without one.
	NatInstanceGroupName pulumi.StringInput
	// PipelineName is the delivery pipeline to announce approvals and failures of; "" without one.
	PipelineName string
	// Batch is the batch path to watch; nil without one.
	Batch *BatchWatch
}

// BatchWatch names what the batch path's alarms and widgets watch: the API and its stage, the queue and
// its dead-letter queue, the worker.
type BatchWatch struct {
	ApiName, Stage, QueueName, DeadLetterQueueName, FunctionName pulumi.StringInput
}

// fargate reports whether the app runs as an ECS service.
func (a *Args) fargate() bool { return a.ServiceName != nil }

// Observability is the alerting and audit of the stack.
type Observability struct {
	pulumi.ResourceState

	// AlertTopicArn receives every alarm and event in the app region; GlobalAlertTopicArn CloudFront's
	// alarms in us-east-1.
	AlertTopicArn       pulumi.StringOutput
	GlobalAlertTopicArn pulumi.StringOutput
	DashboardName       pulumi.StringOutput
	// TrailArn is "" when the trail is switched off.
	TrailArn pulumi.StringOutput
	// RollbackAlarmNames are the alarms a deployment watches to roll back: the app's 5xx and unhealthy
	// targets.
	RollbackAlarmNames pulumi.StringArrayOutput

	region string // for the dashboard's console address
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Observability
	opts      []pulumi.ResourceOption

	topic       *sns.Topic // app region
	globalTopic *sns.Topic // us-east-1
	rules       []*cloudwatch.EventRule
	dashboard   *cloudwatch.Dashboard
	trailArn    pulumi.StringOutput
	rollback    pulumi.StringArray
}

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate("", a.Region); err != nil {
		errs = append(errs, err)
	}
	for _, f := range []struct{ name, value string }{
		{"Env", a.Env}, {"AccountId", a.AccountId}, {"Region", a.Region}, {"LogGroupPrefix", a.LogGroupPrefix},
		{"TrailName", a.TrailName}, {"FlowLogPrefix", a.FlowLogPrefix},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if a.AuditLogRetentionDays <= 0 {
		errs = append(errs, errors.New("AuditLogRetentionDays is required"))
	}
	if a.CloudTrail && a.TrailBucketName == nil {
		errs = append(errs, errors.New("TrailBucketName is required with CloudTrail"))
	}
	if a.UsEast1 == nil {
		errs = append(errs, errors.New("UsEast1 provider is required"))
	}
	if a.VpcId == nil || a.AlbArnSuffix == nil || a.TargetGroupArnSuffix == nil ||
		a.DbIdentifier == nil || a.DistributionId == nil || a.LogsBucketName == nil || a.AppLogGroupName == nil {
		errs = append(errs, errors.New("the network, data, compute and edge inputs are all required"))
	}
	if (a.AutoScalingGroupName == nil) == (a.ServiceName == nil) || (a.ServiceName == nil) != (a.ClusterName == nil) {
		errs = append(errs, errors.New("exactly one of AutoScalingGroupName and ClusterName with ServiceName is required"))
	}
	return errors.Join(errs...)
}

// New builds the observability layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Observability, error) {
	if args == nil {
		return nil, errors.New("observability: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("observability: invalid args: %w", err)
	}
	component := &Observability{region: args.Region}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("observability: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}}

	if err := layer.Build("observability",
		layer.Step{What: "topics", Run: b.buildTopics},
		layer.Step{What: "alarms", Run: b.buildAlarms},
		layer.Step{What: "dashboard", Run: b.buildDashboard},
		layer.Step{What: "events", Run: b.buildEvents},
		layer.Step{What: "topic policies", Run: b.buildTopicPolicies},
		layer.Step{What: "cloudtrail", Run: b.buildTrail},
		layer.Step{What: "flow logs", Run: b.buildFlowLogs},
	); err != nil {
		return nil, err
	}

	component.AlertTopicArn = b.topic.Arn
	component.GlobalAlertTopicArn = b.globalTopic.Arn
	component.DashboardName = b.dashboard.DashboardName
	component.TrailArn = b.trailArn
	component.RollbackAlarmNames = b.rollback.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"alertTopicArn":       component.AlertTopicArn,
		"globalAlertTopicArn": component.GlobalAlertTopicArn,
		"dashboardName":       component.DashboardName,
		"trailArn":            component.TrailArn,
	}); err != nil {
		return nil, fmt.Errorf("observability: %w", err)
	}
	return component, nil
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

func (b *builder) inUsEast1() []pulumi.ResourceOption {
	return b.with(pulumi.Provider(b.args.UsEast1))
}

func (b *builder) logGroupName(role string) string { return b.args.LogGroupPrefix + "/" + role }

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (o *Observability) Exports() pulumi.Map {
	return pulumi.Map{
		"alertTopicArn":       o.AlertTopicArn,
		"globalAlertTopicArn": o.GlobalAlertTopicArn,
		"trailArn":            o.TrailArn,
		"dashboardUrl": pulumi.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards:name=%s",
			o.region, o.region, o.DashboardName),
	}
}
