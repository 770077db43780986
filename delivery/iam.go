package delivery

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// trust lets one AWS service assume a role on behalf of this account only (the confused-deputy guard).
func trust(service, accountId string) string {
	return iampolicy.New(iampolicy.Allow("", []string{"sts:AssumeRole"}, nil).To("Service", service).
		When("StringEquals", "aws:SourceAccount", accountId)).JSON()
}

// role creates a role for service with one inline policy.
func (b *builder) role(key, description, service string, policy pulumi.StringInput) (*iam.Role, *iam.RolePolicy, error) {
	name := b.name + "-" + key + "-role"
	r, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String(description),
		AssumeRolePolicy: pulumi.String(trust(service, b.args.AccountId)),
		Tags:             layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return nil, nil, err
	}
	p, err := iam.NewRolePolicy(b.ctx, b.name+"-"+key+"-policy", &iam.RolePolicyArgs{Role: r.Name, Policy: policy}, b.opts...)
	return r, p, err
}

// scope is what the pipeline's policies are written for, once the outputs they name resolve.
type scope struct {
	Region, AccountId string
	Artifacts         string // the artifact bucket
	Key               string // the stack key's ARN, "" without one
	LogGroup          string // the build log group
	Connection        string // the GitHub connection's ARN, "" with an S3 source
	Projects          []string
	Deploy            string // the deploy bucket (ec2)
	Group             string // the Auto Scaling group (ec2)
	Repository        string // the image repository's ARN (fargate)
	CodeDeploy        string // the application and deployment group's name (fargate)
	TaskRoles         []string
}

func (s scope) logsArn() string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.Region, s.AccountId, s.LogGroup)
}

func (s scope) projectArns() []string {
	var out []string
	for _, p := range s.Projects {
		out = append(out, fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", s.Region, s.AccountId, p))
	}
	return out
}

// keyUse is the stack key for artifacts the role reads and writes, when there is one.
func (s scope) keyUse() []iampolicy.Statement {
	if s.Key == "" {
		return nil
	}
	return []iampolicy.Statement{iampolicy.Allow("UseStackKey", []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"}, []string{s.Key})}
}

// pipelinePolicy lets CodePipeline read and write its artifacts, use the GitHub connection, and start this
// stack's builds.
func pipelinePolicy(s scope) iampolicy.Document {
	bucket := iampolicy.BucketArn(s.Artifacts)
	statements := []iampolicy.Statement{
		iampolicy.Allow("Artifacts", []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, []string{bucket + "/*"}),
		iampolicy.Allow("ArtifactBucket", []string{"s3:GetBucketVersioning", "s3:GetBucketLocation", "s3:ListBucket"}, []string{bucket}),
		iampolicy.Allow("RunBuilds", []string{"codebuild:StartBuild", "codebuild:BatchGetBuilds"}, s.projectArns()),
	}
	if s.Connection != "" {
		statements = append(statements, iampolicy.Allow("UseConnection",
			[]string{"codeconnections:UseConnection", "codestar-connections:UseConnection"}, []string{s.Connection}))
	}
	if s.CodeDeploy != "" {
		// CodePipeline's ECS blue/green action registers the new task definition (no resource form),
		// passes the task's roles to it, and starts the deployment.
		statements = append(statements,
			iampolicy.Allow("RegisterTaskDefinition", []string{"ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"}, []string{"*"}),
			iampolicy.Allow("PassTaskRoles", []string{"iam:PassRole"}, s.TaskRoles).When("StringEquals", "iam:PassedToService", "ecs-tasks.amazonaws.com"),
			iampolicy.Allow("Deploy", []string{"codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetApplication",
				"codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision", "codedeploy:GetDeploymentConfig"}, []string{
				fmt.Sprintf("arn:aws:codedeploy:%s:%s:application:%s", s.Region, s.AccountId, s.CodeDeploy),
				fmt.Sprintf("arn:aws:codedeploy:%s:%s:deploymentgroup:%s/%s", s.Region, s.AccountId, s.CodeDeploy, s.CodeDeploy),
				fmt.Sprintf("arn:aws:codedeploy:%s:%s:deploymentconfig:*", s.Region, s.AccountId),
			}),
		)
	}
	return iampolicy.New(append(statements, s.keyUse()...)...)
}

// imagePolicy lets the image build write its logs and artifacts, push to the stack's repository, and read
// the service's task definition (DescribeTaskDefinition and the registry token have no resource form).
func imagePolicy(s scope) iampolicy.Document {
	bucket := iampolicy.BucketArn(s.Artifacts)
	statements := []iampolicy.Statement{
		iampolicy.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{s.logsArn()}),
		iampolicy.Allow("Artifacts", []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, []string{bucket + "/*"}),
		iampolicy.Allow("RegistryToken", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
		iampolicy.Allow("PushImage", []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, []string{s.Repository}),
		iampolicy.Allow("ReadTaskDefinition", []string{"ecs:DescribeTaskDefinition"}, []string{"*"}),
	}
	return iampolicy.New(append(statements, s.keyUse()...)...)
}

// buildPolicy lets the release build write its logs, read its input and write its output artifact, and
// publish release archives (never `latest`) to the deploy bucket.
func buildPolicy(s scope) iampolicy.Document {
	bucket := iampolicy.BucketArn(s.Artifacts)
	statements := []iampolicy.Statement{
		iampolicy.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{s.logsArn()}),
		iampolicy.Allow("Artifacts", []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, []string{bucket + "/*"}),
		iampolicy.Allow("PublishRelease", []string{"s3:PutObject"}, []string{iampolicy.BucketArn(s.Deploy) + "/tastylog-app-*.tar.gz"}),
	}
	return iampolicy.New(append(statements, s.keyUse()...)...)
}

// rolloutPolicy lets the rollout write its logs, read the build's output, move `latest`, and refresh this
// one group (DescribeInstanceRefreshes has no resource form).
func rolloutPolicy(s scope) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{s.logsArn()}),
		iampolicy.Allow("Artifacts", []string{"s3:GetObject", "s3:GetObjectVersion"}, []string{iampolicy.BucketArn(s.Artifacts) + "/*"}),
		iampolicy.Allow("MoveLatest", []string{"s3:GetObject", "s3:PutObject"}, []string{iampolicy.BucketArn(s.Deploy) + "/latest"}),
		iampolicy.Allow("RefreshGroup", []string{"autoscaling:StartInstanceRefresh"},
			[]string{fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%s", s.Region, s.AccountId, s.Group)}),
		iampolicy.Allow("WatchRefresh", []string{"autoscaling:DescribeInstanceRefreshes"}, []string{"*"}),
	}
	return iampolicy.New(append(statements, s.keyUse()...)...)
}
