// Package compute builds the app servers of one stack: an IAM role scoped to this stack's settings,
// bucket and log groups; a launch template of Amazon Linux 2023 whose user data installs and runs the
// tastylog service; an Auto Scaling group across the private subnets; and the target group the load
// balancer forwards to.
package compute

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/computespec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Compute"

// AppPort is the port the app listens on (course seed); the network layer's app group opens the same one.
const AppPort = 3000

// Args configures the compute layer.
type Args struct {
	computespec.Spec

	// Project and Env tag what the group launches (the provider's default tags do not reach it).
	Project string
	Env     string
	// Region, AccountId and ParameterPath scope the servers' permissions; LogGroupPrefix names the log
	// groups (/tastylog/dev gives /tastylog/dev/app and /tastylog/dev/system).
	Region         string
	AccountId      string
	ParameterPath  string
	LogGroupPrefix string
	// AdminCidrs is the network's SSH allow-list: with it the servers need a key pair.
	AdminCidrs []string
	// DetailedMonitoring sends the servers' EC2 metrics every minute instead of every five (billed per
	// metric): faster alarms and scaling, which a production stack wants.
	DetailedMonitoring bool

	VpcId                pulumi.StringInput
	SubnetIds            pulumi.StringArrayInput // the private (app) subnets
	AppSecurityGroupId   pulumi.StringInput
	OpmngSecurityGroupId pulumi.StringInput
	DeployBucketName     pulumi.StringInput
	// SettingsArns are the app's parameters (data layer): the servers start once they exist, since a
	// server cannot pass its health check without them.
	SettingsArns pulumi.StringArrayInput
}

// Compute is the app fleet and what the edge and observability layers need of it.
type Compute struct {
	pulumi.ResourceState

	TargetGroupArn       pulumi.StringOutput
	TargetGroupArnSuffix pulumi.StringOutput
	AutoScalingGroupName pulumi.StringOutput
	LaunchTemplateId     pulumi.IDOutput
	RoleName             pulumi.StringOutput
	AppLogGroupName      pulumi.StringOutput
	SystemLogGroupName   pulumi.StringOutput

	name              string
	requestsPerTarget int
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Compute
	opts      []pulumi.ResourceOption

	targetGroup *lb.TargetGroup
	logGroups   map[string]*cloudwatch.LogGroup
	profile     *iam.InstanceProfile
	role        *iam.Role
	rolePolicy  *iam.RolePolicy
	latest      *s3.BucketObjectv2
	template    launchTemplate
	group       *autoscaling.Group
}

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate("", a.AdminCidrs); err != nil {
		errs = append(errs, err)
	}
	for _, f := range []struct{ name, value string }{
		{"Project", a.Project}, {"Env", a.Env}, {"Region", a.Region}, {"AccountId", a.AccountId}, {"ParameterPath", a.ParameterPath}, {"LogGroupPrefix", a.LogGroupPrefix},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if a.VpcId == nil || a.SubnetIds == nil || a.AppSecurityGroupId == nil || a.OpmngSecurityGroupId == nil || a.DeployBucketName == nil || a.SettingsArns == nil {
		errs = append(errs, errors.New("VpcId, SubnetIds, AppSecurityGroupId, OpmngSecurityGroupId, DeployBucketName and SettingsArns are required"))
	}
	return errors.Join(errs...)
}

// New builds the compute layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Compute, error) {
	if args == nil {
		return nil, errors.New("compute: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("compute: invalid args: %w", err)
	}
	component := &Compute{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("compute: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}}

	if err := layer.Build("compute",
		layer.Step{What: "target group", Run: b.buildTargetGroup},
		layer.Step{What: "log groups", Run: b.buildLogGroups},
		layer.Step{What: "iam", Run: b.buildIam},
		layer.Step{What: "launch template", Run: b.buildLaunchTemplate},
		layer.Step{What: "placeholder release", Run: b.buildPlaceholderRelease},
		layer.Step{What: "auto scaling group", Run: b.buildAutoScaling},
	); err != nil {
		return nil, err
	}

	component.TargetGroupArn = b.targetGroup.Arn
	component.TargetGroupArnSuffix = b.targetGroup.ArnSuffix
	component.AutoScalingGroupName = b.group.Name
	component.name, component.requestsPerTarget = b.name, b.args.RequestsPerTarget
	component.LaunchTemplateId = b.template.res.ID()
	component.RoleName = b.role.Name
	component.AppLogGroupName = b.logGroups[logApp].Name
	component.SystemLogGroupName = b.logGroups[logSystem].Name
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"targetGroupArn":       component.TargetGroupArn,
		"autoScalingGroupName": component.AutoScalingGroupName,
		"launchTemplateId":     component.LaunchTemplateId,
		"appLogGroupName":      component.AppLogGroupName,
		"systemLogGroupName":   component.SystemLogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("compute: %w", err)
	}
	return component, nil
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (c *Compute) Exports() pulumi.Map {
	return pulumi.Map{
		"targetGroupArn":       c.TargetGroupArn,
		"autoScalingGroupName": c.AutoScalingGroupName,
		"launchTemplateId":     c.LaunchTemplateId,
		"appLogGroupName":      c.AppLogGroupName,
		"systemLogGroupName":   c.SystemLogGroupName,
		"targetGroupArnSuffix": c.TargetGroupArnSuffix,
	}
}
