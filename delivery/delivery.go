// Package delivery builds the path a commit takes to the running app of one stack: a CodePipeline from the
// source (GitHub through an AWS CodeConnections connection, or a zip in the artifact bucket) through a
// CodeBuild build and, where a person must approve, a manual approval announced on the alert topic, to the
// rollout. In the ec2 mode the build publishes the release archive to the deploy bucket and the rollout is
// the Auto Scaling group's instance refresh, stopped by the stack's alarms; in the fargate mode the build
// pushes an image and CodeDeploy runs an ECS blue/green deployment, rolled back by the same alarms.
package delivery

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codeconnections"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codedeploy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/layer"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Delivery"

// Args configures the delivery layer.
type Args struct {
	deliveryspec.Spec

	// Region and AccountId scope the roles; LogGroupPrefix names the build log group
	// (/tastylog/dev/build), kept LogRetentionDays.
	Region, AccountId string
	LogGroupPrefix    string
	LogRetentionDays  int
	// Architecture is the app's (arm64 or x86_64): the builds run on it, so what they produce runs there.
	Architecture string
	// KeyArn is the stack key that encrypts the artifacts and the build logs; nil for AWS-managed keys.
	KeyArn pulumi.StringInput

	// ArtifactsBucketName is the data layer's artifact bucket; RollbackAlarmNames observability's alarms
	// that stop a rollout (observability also announces the pipeline's approvals and failures, by its name).
	ArtifactsBucketName pulumi.StringInput
	RollbackAlarmNames  pulumi.StringArrayInput

	// Servers is the ec2 mode's rollout target, Service the fargate mode's: exactly one is set.
	Servers *Servers
	Service *Service
}

// Servers is what the ec2 mode's pipeline rolls out to: the deploy bucket the servers read their release
// from, and their group, whose new servers may fail health checks for WarmupSeconds.
type Servers struct {
	DeployBucketName     pulumi.StringInput
	AutoScalingGroupName pulumi.StringInput
	WarmupSeconds        int
}

// Delivery is the pipeline and what people need to find it.
type Delivery struct {
	pulumi.ResourceState

	PipelineName pulumi.StringOutput
	// ConnectionArn is the GitHub connection to complete in the console, "" with an S3 source.
	ConnectionArn pulumi.StringOutput
	// SourceObject is where an S3 source is uploaded (s3://bucket/key), "" with GitHub.
	SourceObject pulumi.StringOutput
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Delivery
	opts      []pulumi.ResourceOption

	logGroup     *cloudwatch.LogGroup
	connection   *codeconnections.Connection
	pipelineRole *iam.Role
	projects     map[string]*codebuild.Project
	projectDeps  []pulumi.Resource
	pipeline     *codepipeline.Pipeline
	deployApp    *codedeploy.Application
	deployGroup  *codedeploy.DeploymentGroup
}

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate(""); err != nil {
		errs = append(errs, err)
	}
	if !a.Pipeline {
		errs = append(errs, errors.New("Pipeline is off: the layer is not built"))
	}
	for _, f := range []struct{ name, value string }{
		{"Region", a.Region}, {"AccountId", a.AccountId}, {"LogGroupPrefix", a.LogGroupPrefix}, {"Architecture", a.Architecture},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if a.LogRetentionDays <= 0 {
		errs = append(errs, errors.New("LogRetentionDays is required"))
	}
	if a.ArtifactsBucketName == nil || a.RollbackAlarmNames == nil {
		errs = append(errs, errors.New("ArtifactsBucketName and RollbackAlarmNames are required"))
	}
	switch {
	case (a.Servers == nil) == (a.Service == nil):
		errs = append(errs, errors.New("exactly one of Servers (the ec2 mode's rollout target) and Service (the fargate mode's) is required"))
	case a.Servers != nil && (a.Servers.DeployBucketName == nil || a.Servers.AutoScalingGroupName == nil):
		errs = append(errs, errors.New("Servers needs DeployBucketName and AutoScalingGroupName"))
	case a.Service != nil && (a.Service.ClusterName == nil || a.Service.ServiceName == nil || a.Service.TargetGroupName == nil ||
		a.Service.AlternateGroupName == nil || a.Service.ProductionListenerArn == nil || a.Service.TestListenerArn == nil ||
		a.Service.RepositoryUrl == nil || a.Service.RepositoryArn == nil || a.Service.TaskRoleArns == nil ||
		a.Service.TaskFamily == "" || a.Service.ContainerName == "" || a.Service.ContainerPort == 0):
		errs = append(errs, errors.New("Service needs the cluster, service, both target groups, both listeners, the repository, the task family, container and port, and the task roles"))
	}
	return errors.Join(errs...)
}

// New builds the delivery layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Delivery, error) {
	if args == nil {
		return nil, errors.New("delivery: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("delivery: invalid args: %w", err)
	}
	component := &Delivery{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}, projects: map[string]*codebuild.Project{}}
	steps := []layer.Step{
		{What: "build logs", Run: b.buildLogGroup},
		{What: "source", Run: b.buildSource},
		{What: "builds", Run: b.buildProjects},
	}
	if args.Service != nil {
		steps = append(steps, layer.Step{What: "codedeploy", Run: b.buildCodeDeploy})
	}
	steps = append(steps,
		layer.Step{What: "pipeline", Run: b.buildPipeline},
		layer.Step{What: "source trigger", Run: b.buildSourceTrigger},
	)
	if err := layer.Build("delivery", steps...); err != nil {
		return nil, err
	}
	component.PipelineName = b.pipeline.Name
	component.ConnectionArn = pulumi.String("").ToStringOutput()
	if b.connection != nil {
		component.ConnectionArn = b.connection.Arn
	}
	component.SourceObject = pulumi.String("").ToStringOutput()
	if args.Source == deliveryspec.SourceS3 {
		component.SourceObject = pulumi.Sprintf("s3://%s/%s", args.ArtifactsBucketName, SourceKey)
	}
	if err := ctx.RegisterResourceOutputs(component, component.Exports()); err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	return component, nil
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (d *Delivery) Exports() pulumi.Map {
	return pulumi.Map{
		"pipelineName":          d.PipelineName,
		"pipelineConnectionArn": d.ConnectionArn,
		"pipelineSourceObject":  d.SourceObject,
	}
}

// buildLogGroup creates the builds' log group before any build runs: CodeBuild may write to it but not
// create groups, so no group appears with infinite retention.
func (b *builder) buildLogGroup() error {
	name := b.args.LogGroupPrefix + "/build"
	var err error
	b.logGroup, err = cloudwatch.NewLogGroup(b.ctx, b.name+"-build-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		RetentionInDays: pulumi.Int(b.args.LogRetentionDays),
		KmsKeyId:        b.args.KeyArn,
		Tags:            layer.NameTags(name),
	}, b.opts...)
	return err
}

// logGroupName is the build log group's name, known before it exists (for policies).
func (b *builder) logGroupName() string { return b.args.LogGroupPrefix + "/build" }
