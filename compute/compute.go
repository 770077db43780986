// Package compute builds what runs the app of one stack, in one of two modes, behind the target group the
// load balancer forwards to and with the same settings path and log group names.
//
// ec2: an IAM role scoped to this stack's settings, bucket and log groups; a launch template of Amazon
// Linux 2023 whose user data installs and runs the tastylog service; an Auto Scaling group across the
// private subnets.
//
// fargate: an ECR repository; an ECS cluster with Container Insights; a task definition whose container
// gets its settings as secrets from Parameter Store; execution and task roles scoped to this stack; and
// (once the load balancer exists, see Attach) the service across the private subnets with its scaling.
package compute

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/computespec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Compute"

// AppPort is the port the app listens on (course seed); the network layer's app group opens the same one.
const AppPort = 3000

// ContainerName is the app's container in the task definition, which deployments name.
const ContainerName = appboot.ContainerName

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
	// SettingsArns are the app's parameters (data layer): the servers or tasks start once they exist,
	// since the app cannot pass its health check without them.
	SettingsArns pulumi.StringArrayInput

	// NoInternet says the private subnets have no route out (natStrategy none): the placeholder image, on
	// ECR Public, cannot be pulled there, so a fargate service without appImage runs no task until it is set.
	NoInternet bool

	// Production protects the image repository and keeps it when the stack is destroyed; ForceDestroy
	// lets a destroy delete the repository with its images (a disposable stack).
	Production   bool
	ForceDestroy bool
	// KeyArn is the stack key (data layer) that encrypts the image repository, ECS Exec's sessions and its
	// log group; nil for AWS-managed keys.
	KeyArn pulumi.StringInput
	// BlueGreen hands the fargate service's deployments to CodeDeploy (the delivery layer's): the service
	// uses the CODE_DEPLOY controller and a second target group, and Pulumi leaves what CodeDeploy changes.
	BlueGreen bool
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

	// The fargate mode's: the cluster and service (set by Attach), the repository and the task definition.
	ClusterName       pulumi.StringOutput
	ServiceName       pulumi.StringOutput
	RepositoryUrl     pulumi.StringOutput
	TaskDefinitionArn pulumi.StringOutput
	// The blue/green deployments' needs (with BlueGreen): both target groups by name, the second's ARN,
	// the repository's ARN, the task definition family, and the roles CodeDeploy passes to new tasks.
	TargetGroupName          pulumi.StringOutput
	AlternateTargetGroupName pulumi.StringOutput
	AlternateTargetGroupArn  pulumi.StringOutput
	RepositoryArn            pulumi.StringOutput
	TaskFamily               string
	TaskRoleArns             pulumi.StringArrayOutput

	b *builder // what Attach builds on
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Compute
	opts      []pulumi.ResourceOption

	targetGroup *lb.TargetGroup
	alternate   *lb.TargetGroup // blue/green's second group
	logGroups   map[string]*cloudwatch.LogGroup
	// ec2
	profile    *iam.InstanceProfile
	role       *iam.Role
	rolePolicy *iam.RolePolicy
	latest     *s3.BucketObjectv2
	template   launchTemplate
	group      *autoscaling.Group
	// fargate
	repository  imageRepository
	cluster     *ecs.Cluster
	taskRoles   taskRoles
	taskDef     *ecs.TaskDefinition
	service     *ecs.Service
	serviceDeps []pulumi.Resource // what the service waits for besides the load balancer
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
	if a.VpcId == nil || a.SubnetIds == nil || a.AppSecurityGroupId == nil || a.SettingsArns == nil {
		errs = append(errs, errors.New("VpcId, SubnetIds, AppSecurityGroupId and SettingsArns are required"))
	}
	if a.BlueGreen && !a.Fargate() {
		errs = append(errs, errors.New("BlueGreen is the fargate mode's"))
	}
	if !a.Fargate() && (a.OpmngSecurityGroupId == nil || a.DeployBucketName == nil) {
		errs = append(errs, errors.New("OpmngSecurityGroupId and DeployBucketName are required in the ec2 mode"))
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

	steps := []layer.Step{
		{What: "target group", Run: b.buildTargetGroup},
		{What: "log groups", Run: b.buildLogGroups},
	}
	if args.Fargate() {
		steps = append(steps,
			layer.Step{What: "image repository", Run: b.buildRepository},
			layer.Step{What: "cluster", Run: b.buildCluster},
			layer.Step{What: "task roles", Run: b.buildTaskRoles},
			layer.Step{What: "task definition", Run: b.buildTaskDefinition},
		)
	} else {
		steps = append(steps,
			layer.Step{What: "iam", Run: b.buildIam},
			layer.Step{What: "launch template", Run: b.buildLaunchTemplate},
			layer.Step{What: "placeholder release", Run: b.buildPlaceholderRelease},
			layer.Step{What: "auto scaling group", Run: b.buildAutoScaling},
		)
	}
	if err := layer.Build("compute", steps...); err != nil {
		return nil, err
	}

	component.b = b
	component.TargetGroupArn = b.targetGroup.Arn
	component.TargetGroupArnSuffix = b.targetGroup.ArnSuffix
	component.AppLogGroupName = b.logGroups[logApp].Name
	if args.Fargate() {
		component.RepositoryUrl = b.repository.url
		component.RepositoryArn = b.repository.arn
		component.TaskDefinitionArn = b.taskDef.Arn
		component.TaskFamily = b.taskFamily()
		component.ClusterName = b.cluster.Name
		component.TaskRoleArns = pulumi.StringArray{b.taskRoles.execution.Arn, b.taskRoles.task.Arn}.ToStringArrayOutput()
		component.TargetGroupName = b.targetGroup.Name
		if b.alternate != nil {
			component.AlternateTargetGroupName = b.alternate.Name
			component.AlternateTargetGroupArn = b.alternate.Arn
		}
	} else {
		component.AutoScalingGroupName = b.group.Name
		component.LaunchTemplateId = b.template.res.ID()
		component.RoleName = b.role.Name
		component.SystemLogGroupName = b.logGroups[logSystem].Name
	}
	return component, nil
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows: the mode's own.
func (c *Compute) Exports() pulumi.Map {
	out := pulumi.Map{
		"targetGroupArn":       c.TargetGroupArn,
		"targetGroupArnSuffix": c.TargetGroupArnSuffix,
		"appLogGroupName":      c.AppLogGroupName,
	}
	if c.b.args.Fargate() {
		out["clusterName"] = c.ClusterName
		out["serviceName"] = c.ServiceName
		out["repositoryUrl"] = c.RepositoryUrl
		out["taskDefinitionArn"] = c.TaskDefinitionArn
		if c.b.args.BlueGreen {
			out["alternateTargetGroupArn"] = c.AlternateTargetGroupArn
		}
	} else {
		out["autoScalingGroupName"] = c.AutoScalingGroupName
		out["launchTemplateId"] = c.LaunchTemplateId
		out["systemLogGroupName"] = c.SystemLogGroupName
	}
	return out
}
