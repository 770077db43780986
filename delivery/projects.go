package delivery

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// The builds' environments, by the app's architecture: CodeBuild's Amazon Linux 2023 standard images, so a
// build produces what the servers (Amazon Linux 2023) or tasks of that architecture run, native modules
// included.
var buildImages = map[string]struct{ image, typ string }{
	"arm64":  {"aws/codebuild/amazonlinux-aarch64-standard:3.0", "ARM_CONTAINER"},
	"x86_64": {"aws/codebuild/amazonlinux-x86_64-standard:5.0", "LINUX_CONTAINER"},
}

// The pipeline's builds, by role: the build (release or image) and the ec2 mode's rollout.
const (
	projectBuild   = "build"
	projectRollout = "rollout"
)

// projectName is the CodeBuild project's name: tastylog-dev-build.
func (b *builder) projectName(role string) string { return b.name + "-" + role }

// rolloutTimeout is the rollout's limit in minutes: an instance refresh pauses at each checkpoint, and each
// new server takes its warm-up; CodeBuild allows at most 8 hours.
func (b *builder) rolloutTimeout() int {
	checkpoints, delay := b.args.Checkpoints()
	minutes := 60 + (len(checkpoints)+1)*(delay+b.args.Servers.WarmupSeconds)/60
	return min(minutes, 480)
}

// project is one CodeBuild project run by the pipeline: its buildspec rendered by the program, logs to the
// build log group, artifacts from and to the pipeline, encrypted with the stack key when there is one.
func (b *builder) project(role, description string, serviceRole pulumi.StringInput, buildspec pulumi.StringInput, timeout int,
	privileged bool, cache []string, deps []pulumi.Resource) error {
	env := buildImages[b.args.Architecture]
	name := b.projectName(role)
	p, err := codebuild.NewProject(b.ctx, name, &codebuild.ProjectArgs{
		Name:         pulumi.String(name),
		Description:  pulumi.String(description),
		ServiceRole:  serviceRole,
		BuildTimeout: pulumi.Int(timeout),
		Source:       &codebuild.ProjectSourceArgs{Type: pulumi.String("CODEPIPELINE"), Buildspec: buildspec},
		Artifacts:    &codebuild.ProjectArtifactsArgs{Type: pulumi.String("CODEPIPELINE")},
		Environment: &codebuild.ProjectEnvironmentArgs{
			ComputeType:              pulumi.String("BUILD_GENERAL1_SMALL"),
			Image:                    pulumi.String(env.image),
			Type:                     pulumi.String(env.typ),
			ImagePullCredentialsType: pulumi.String("CODEBUILD"),
			PrivilegedMode:           pulumi.Bool(privileged), // only to run Docker for an image build
		},
		Cache: &codebuild.ProjectCacheArgs{Type: pulumi.String("LOCAL"), Modes: pulumi.ToStringArray(cache)},
		LogsConfig: &codebuild.ProjectLogsConfigArgs{
			CloudwatchLogs: &codebuild.ProjectLogsConfigCloudwatchLogsArgs{
				Status: pulumi.String("ENABLED"), GroupName: b.logGroup.Name, StreamName: pulumi.String(role),
			},
			S3Logs: &codebuild.ProjectLogsConfigS3LogsArgs{Status: pulumi.String("DISABLED")},
		},
		EncryptionKey: b.args.KeyArn,
		Tags:          layer.NameTags(name),
	}, b.with(pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	b.projects[role] = p
	return nil
}

// buildProjects creates the roles and projects of the mode's build and (ec2) rollout.
//
// The servers are rolled by their own instance refresh, not by CodeDeploy's EC2 deployments: those need
// CodeDeploy's agent on every server and an AppSpec with lifecycle scripts, a second way of installing the
// app beside the user data that already installs whatever `latest` names. A refresh boots new servers
// through that same user data, stops on the same alarms, and its checkpoints give canary and linear.
func (b *builder) buildProjects() error {
	if b.args.Service != nil {
		return b.buildImageProject()
	}
	a := b.args
	buildRole, buildPol, err := b.role(projectBuild, "CodeBuild builds the tastylog release of "+b.name, "codebuild.amazonaws.com",
		b.policy(buildPolicy))
	if err != nil {
		return err
	}
	release := a.Servers.DeployBucketName.ToStringOutput().ApplyT(func(bucket string) (string, error) {
		return deliveryspec.ReleaseBuildspec(deliveryspec.ReleaseBuild{DeployBucket: bucket})
	}).(pulumi.StringOutput)
	if err := b.project(projectBuild, "Builds the app's release archive and publishes it to the deploy bucket", buildRole.Arn, release, 20,
		false, []string{"LOCAL_SOURCE_CACHE", "LOCAL_CUSTOM_CACHE"}, []pulumi.Resource{buildPol}); err != nil {
		return err
	}

	rolloutRole, rolloutPol, err := b.role(projectRollout, "CodeBuild rolls the tastylog servers of "+b.name+" onto a release", "codebuild.amazonaws.com",
		b.policy(rolloutPolicy))
	if err != nil {
		return err
	}
	rollout := pulumi.All(a.Servers.DeployBucketName, a.Servers.AutoScalingGroupName, a.RollbackAlarmNames).ApplyT(func(in []any) (string, error) {
		return deliveryspec.RolloutBuildspec(deliveryspec.Rollout{
			DeployBucket: in[0].(string), AutoScalingGroup: in[1].(string), Alarms: in[2].([]string),
			WarmupSeconds: a.Servers.WarmupSeconds, Strategy: a.Spec,
		})
	}).(pulumi.StringOutput)
	return b.project(projectRollout, "Points latest at the new release and refreshes the servers, stopping on the stack's alarms", rolloutRole.Arn, rollout,
		b.rolloutTimeout(), false, []string{"LOCAL_SOURCE_CACHE"}, []pulumi.Resource{rolloutPol})
}

// platforms are Docker's names of the architectures.
var platforms = map[string]string{"arm64": "linux/arm64", "x86_64": "linux/amd64"}

// buildImageProject creates the fargate mode's build: privileged, since it runs Docker, with Docker's layer
// cache.
func (b *builder) buildImageProject() error {
	a, svc := b.args, b.args.Service
	role, pol, err := b.role(projectBuild, "CodeBuild builds and pushes the tastylog image of "+b.name, "codebuild.amazonaws.com", b.policy(imagePolicy))
	if err != nil {
		return err
	}
	spec := svc.RepositoryUrl.ToStringOutput().ApplyT(func(repo string) (string, error) {
		return deliveryspec.ImageBuildspec(deliveryspec.ImageBuild{Repository: repo, Family: svc.TaskFamily, Container: svc.ContainerName,
			Platform: platforms[a.Architecture], Port: svc.ContainerPort})
	}).(pulumi.StringOutput)
	return b.project(projectBuild, "Builds the app's image, pushes it to the stack's repository and writes the blue/green deployment's inputs", role.Arn, spec, 30,
		true, []string{"LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"}, []pulumi.Resource{pol})
}

// policy renders a policy document once what it names resolves.
func (b *builder) policy(doc func(scope) iampolicy.Document) pulumi.StringOutput {
	return b.scope().ApplyT(func(v any) string { return doc(v.(scope)).JSON() }).(pulumi.StringOutput)
}

// scope resolves what the policies name.
func (b *builder) scope() pulumi.AnyOutput {
	a := b.args
	empty := pulumi.String("").ToStringOutput()
	key, connection := empty, empty
	if a.KeyArn != nil {
		key = a.KeyArn.ToStringOutput()
	}
	if b.connection != nil {
		connection = b.connection.Arn
	}
	deploy, group, repository := empty, empty, empty
	roles := pulumi.StringArray{}.ToStringArrayOutput()
	projects := []string{b.projectName(projectBuild), b.projectName(projectRollout)}
	codeDeploy := ""
	if a.Servers != nil {
		deploy, group = a.Servers.DeployBucketName.ToStringOutput(), a.Servers.AutoScalingGroupName.ToStringOutput()
	} else {
		repository, roles = a.Service.RepositoryArn.ToStringOutput(), a.Service.TaskRoleArns.ToStringArrayOutput()
		projects, codeDeploy = projects[:1], b.codeDeployName()
	}
	return pulumi.All(a.ArtifactsBucketName, key, connection, deploy, group, repository, roles).ApplyT(func(in []any) any {
		return scope{
			Region: a.Region, AccountId: a.AccountId, LogGroup: b.logGroupName(),
			Artifacts: in[0].(string), Key: in[1].(string), Connection: in[2].(string), Deploy: in[3].(string), Group: in[4].(string),
			Repository: in[5].(string), TaskRoles: in[6].([]string), Projects: projects, CodeDeploy: codeDeploy,
		}
	}).(pulumi.AnyOutput)
}
