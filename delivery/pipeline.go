package delivery

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codepipeline"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// PipelineName is the pipeline's name for a stack prefix: observability watches it by this name.
func PipelineName(prefix string) string { return prefix + "-pipeline" }

// The artifacts passed between the stages.
const (
	artifactSource = "source"
	artifactBuild  = "build"
)

// action is one pipeline action as data.
func action(name, category, provider string, in, out []string, config pulumi.StringMap) *codepipeline.PipelineStageActionArgs {
	a := &codepipeline.PipelineStageActionArgs{
		Name: pulumi.String(name), Category: pulumi.String(category), Owner: pulumi.String("AWS"),
		Provider: pulumi.String(provider), Version: pulumi.String("1"), Configuration: config,
	}
	if len(in) > 0 {
		a.InputArtifacts = pulumi.ToStringArray(in)
	}
	if len(out) > 0 {
		a.OutputArtifacts = pulumi.ToStringArray(out)
	}
	return a
}

func stage(name string, actions ...codepipeline.PipelineStageActionInput) codepipeline.PipelineStageInput {
	return &codepipeline.PipelineStageArgs{Name: pulumi.String(name), Actions: codepipeline.PipelineStageActionArray(actions)}
}

// sourceAction reads the commit: a push to the branch through the connection, or a new upload of the zip.
func (b *builder) sourceAction() *codepipeline.PipelineStageActionArgs {
	a := b.args
	if a.Source == deliveryspec.SourceS3 {
		return action("Source", "Source", "S3", nil, []string{artifactSource}, pulumi.StringMap{
			"S3Bucket": a.ArtifactsBucketName, "S3ObjectKey": pulumi.String(SourceKey),
			"PollForSourceChanges": pulumi.String("false"), // the upload's event starts it (buildS3Trigger)
		})
	}
	return action("Source", "Source", "CodeStarSourceConnection", nil, []string{artifactSource}, pulumi.StringMap{
		"ConnectionArn": b.connection.Arn, "FullRepositoryId": pulumi.String(a.Repository), "BranchName": pulumi.String(a.Branch),
		"OutputArtifactFormat": pulumi.String("CODE_ZIP"), "DetectChanges": pulumi.String("true"),
	})
}

// buildPipeline creates the pipeline: Source, Build, Approve (with pipelineApproval), Deploy. Runs queue
// rather than supersede one another, so a rollout is never cut short by the next commit.
func (b *builder) buildPipeline() error {
	a := b.args
	role, policy, err := b.role("pipeline", "CodePipeline runs the tastylog pipeline of "+b.name, "codepipeline.amazonaws.com", b.policy(pipelinePolicy))
	if err != nil {
		return err
	}
	stages := codepipeline.PipelineStageArray{
		stage("Source", b.sourceAction()),
		stage("Build", action("Build", "Build", "CodeBuild", []string{artifactSource}, []string{artifactBuild},
			pulumi.StringMap{"ProjectName": b.projects[projectBuild].Name})),
	}
	if a.Approval {
		stages = append(stages, stage("Approve", action("Approve", "Approval", "Manual", nil, nil, pulumi.StringMap{
			"CustomData": pulumi.String("Release the build of this commit to " + b.name + "?"),
		})))
	}
	stages = append(stages, stage("Deploy", b.deployAction()))

	store := &codepipeline.PipelineArtifactStoreArgs{Location: a.ArtifactsBucketName, Type: pulumi.String("S3")}
	if a.KeyArn != nil {
		store.EncryptionKey = &codepipeline.PipelineArtifactStoreEncryptionKeyArgs{Id: a.KeyArn, Type: pulumi.String("KMS")}
	}
	name := PipelineName(b.name)
	b.pipeline, err = codepipeline.NewPipeline(b.ctx, name, &codepipeline.PipelineArgs{
		Name:           pulumi.String(name),
		PipelineType:   pulumi.String("V2"),
		ExecutionMode:  pulumi.String("QUEUED"),
		RoleArn:        role.Arn,
		ArtifactStores: codepipeline.PipelineArtifactStoreArray{store},
		Stages:         stages,
		Tags:           layer.NameTags(name),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{policy}))...)
	return err
}

// deployAction rolls the release out: the rollout build (ec2), or CodeDeploy's ECS blue/green action with the
// build's task definition, AppSpec and image (fargate).
func (b *builder) deployAction() *codepipeline.PipelineStageActionArgs {
	if b.args.Service == nil {
		return action("Rollout", "Build", "CodeBuild", []string{artifactBuild}, nil,
			pulumi.StringMap{"ProjectName": b.projects[projectRollout].Name})
	}
	return action("BlueGreen", "Deploy", "CodeDeployToECS", []string{artifactBuild}, nil, pulumi.StringMap{
		"ApplicationName": b.deployApp.Name, "DeploymentGroupName": b.deployGroup.DeploymentGroupName,
		"TaskDefinitionTemplateArtifact": pulumi.String(artifactBuild), "TaskDefinitionTemplatePath": pulumi.String("taskdef.json"),
		"AppSpecTemplateArtifact": pulumi.String(artifactBuild), "AppSpecTemplatePath": pulumi.String("appspec.yaml"),
		"Image1ArtifactName": pulumi.String(artifactBuild), "Image1ContainerName": pulumi.String("IMAGE1_NAME"),
	})
}

// s3UploadPattern matches a new version of the source zip.
func s3UploadPattern(bucket string) (string, error) {
	out, err := json.Marshal(map[string]any{
		"source": []string{"aws.s3"}, "detail-type": []string{"Object Created"},
		"detail": map[string]any{"bucket": map[string]any{"name": []string{bucket}}, "object": map[string]any{"key": []string{SourceKey}}},
	})
	return string(out), err
}

// buildSourceTrigger starts the pipeline on an upload of the S3 source (S3 sends the bucket's events to
// EventBridge; a rule with a role that may start this one pipeline turns the upload into a run).
// Observability announces approvals and failures on the alert topic (it watches the pipeline by name).
func (b *builder) buildSourceTrigger() error {
	a := b.args
	if a.Source != deliveryspec.SourceS3 {
		return nil
	}
	notify, err := s3.NewBucketNotification(b.ctx, b.name+"-artifacts-events", &s3.BucketNotificationArgs{
		Bucket: a.ArtifactsBucketName, Eventbridge: pulumi.Bool(true),
	}, b.opts...)
	if err != nil {
		return err
	}
	startPolicy := b.pipeline.Arn.ApplyT(func(arn string) string {
		return iampolicy.New(iampolicy.Allow("StartPipeline", []string{"codepipeline:StartPipelineExecution"}, []string{arn})).JSON()
	}).(pulumi.StringOutput)
	role, policy, err := b.role("source-trigger", "EventBridge starts the tastylog pipeline of "+b.name+" on an upload", "events.amazonaws.com", startPolicy)
	if err != nil {
		return err
	}
	name := b.name + "-source-uploaded"
	rule, err := cloudwatch.NewEventRule(b.ctx, name, &cloudwatch.EventRuleArgs{
		Description:  pulumi.String(fmt.Sprintf("A new %s starts the pipeline", SourceKey)),
		EventPattern: a.ArtifactsBucketName.ToStringOutput().ApplyT(s3UploadPattern).(pulumi.StringOutput),
		Tags:         layer.NameTags(name),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{notify}))...)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewEventTarget(b.ctx, name+"-to-pipeline", &cloudwatch.EventTargetArgs{
		Rule: rule.Name, Arn: b.pipeline.Arn, RoleArn: role.Arn,
	}, b.with(pulumi.DependsOn([]pulumi.Resource{policy}))...)
	return err
}
