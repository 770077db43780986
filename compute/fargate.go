package compute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// Capacity providers of the cluster.
const (
	capacityFargate = "FARGATE"
	capacitySpot    = "FARGATE_SPOT"
)

// capacityProvider is where the service's tasks run: spare capacity when appFargateSpot says so.
func (b *builder) capacityProvider() string {
	if b.args.FargateSpot {
		return capacitySpot
	}
	return capacityFargate
}

// buildCluster creates the cluster with Container Insights (the per-task CPU, memory and task-count
// metrics the alarms read), its capacity providers, and with appExec the logging of ECS Exec sessions.
func (b *builder) buildCluster() error {
	a := b.args
	name := b.name + "-cluster"
	args := &ecs.ClusterArgs{
		Name:     pulumi.String(name),
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		Tags:     layer.NameTags(name),
	}
	if a.Exec {
		exec := &ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
			Logging: pulumi.String("OVERRIDE"),
			LogConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs{
				CloudWatchLogGroupName:      b.logGroups[logExec].Name,
				CloudWatchEncryptionEnabled: pulumi.Bool(a.KeyArn != nil),
			},
		}
		if a.KeyArn != nil {
			exec.KmsKeyId = a.KeyArn // the session's data channel, on top of TLS
		}
		args.Configuration = &ecs.ClusterConfigurationArgs{ExecuteCommandConfiguration: exec}
	}
	var err error
	b.cluster, err = ecs.NewCluster(b.ctx, name, args, b.opts...)
	if err != nil {
		return err
	}
	// FARGATE_SPOT is registered only where it may be used, so nothing in a production cluster can ask for it.
	providers := []string{capacityFargate}
	if a.FargateSpot {
		providers = append(providers, capacitySpot)
	}
	capacity, err := ecs.NewClusterCapacityProviders(b.ctx, name+"-capacity", &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       b.cluster.Name,
		CapacityProviders: pulumi.ToStringArray(providers),
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			&ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(b.capacityProvider()), Weight: pulumi.Int(1)},
		},
	}, b.opts...)
	if err != nil {
		return err
	}
	b.serviceDeps = append(b.serviceDeps, capacity)
	return nil
}

// taskRoles are the two roles of the task: the execution role ECS's agent uses to start it (pull, read
// the settings, write the logs) and the task role the app runs as.
type taskRoles struct {
	execution, task *iam.Role
}

// taskTrust lets ECS tasks of this account, in this region, assume a role (the confused-deputy guard AWS
// recommends for ecs-tasks).
func taskTrust(region, accountId string) iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("", []string{"sts:AssumeRole"}, nil).To("Service", "ecs-tasks.amazonaws.com").
		When("StringEquals", "aws:SourceAccount", accountId).
		When("ArnLike", "aws:SourceArn", fmt.Sprintf("arn:aws:ecs:%s:%s:*", region, accountId)))
}

// executionScope is what the execution policy is scoped to.
type executionScope struct {
	Region, AccountId string
	ParameterPath     string // /tastylog/dev/app/
	RepositoryArn     string
	LogGroup          string
	// Placeholder: the task pulls the public placeholder image, which needs no permission.
}

// executionPolicy lets ECS start the task and nothing more: pull from this one repository (the token
// action has no resource form), read and decrypt this stack's settings through SSM, write the app log
// group.
func executionPolicy(s executionScope) iampolicy.Document {
	path := strings.TrimSuffix(s.ParameterPath, "/")
	paramArn := fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", s.Region, s.AccountId, path)
	return iampolicy.New(
		iampolicy.Allow("RegistryToken", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
		iampolicy.Allow("PullAppImage", []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
			[]string{s.RepositoryArn}),
		iampolicy.Allow("ReadAppSettings", []string{"ssm:GetParameters"}, []string{paramArn + "/*"}),
		iampolicy.Allow("DecryptAppSettings", []string{"kms:Decrypt"},
			[]string{fmt.Sprintf("arn:aws:kms:%s:%s:key/*", s.Region, s.AccountId)}).
			When("StringEquals", "kms:ViaService", "ssm."+s.Region+".amazonaws.com").
			When("StringLike", "kms:EncryptionContext:PARAMETER_ARN", paramArn+"/*"),
		iampolicy.Allow("ShipLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			[]string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.Region, s.AccountId, s.LogGroup)}),
	)
}

// execPolicy is the task role's ECS Exec permissions: the Session Manager channel, the session log group,
// and the stack key that encrypts both (keyArn "" without one).
func execPolicy(region, accountId, logGroup, keyArn string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("ExecChannel", []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
			"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, []string{"*"}),
		iampolicy.Allow("FindExecLogGroup", []string{"logs:DescribeLogGroups"}, []string{"*"}),
		iampolicy.Allow("WriteExecLogs", []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
			[]string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", region, accountId, logGroup)}),
	}
	if keyArn != "" {
		statements = append(statements, iampolicy.Allow("ExecSessionKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, []string{keyArn}))
	}
	return iampolicy.New(statements...)
}

// buildTaskRoles creates the execution role and the task role. The app itself needs no AWS permission
// (its settings arrive as environment variables), so the task role has none unless ECS Exec is on.
func (b *builder) buildTaskRoles() error {
	a := b.args
	trust := pulumi.String(taskTrust(a.Region, a.AccountId).JSON())
	execName := b.name + "-task-exec-role"
	execution, err := iam.NewRole(b.ctx, execName, &iam.RoleArgs{
		Description:      pulumi.String("ECS starts the tastylog tasks of " + b.name + " with it"),
		AssumeRolePolicy: trust,
		Tags:             layer.NameTags(execName),
	}, b.opts...)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(b.ctx, b.name+"-task-exec-policy", &iam.RolePolicyArgs{
		Role: execution.Name,
		Policy: b.repository.arn.ApplyT(func(repo string) string {
			return executionPolicy(executionScope{Region: a.Region, AccountId: a.AccountId, ParameterPath: a.ParameterPath,
				RepositoryArn: repo, LogGroup: b.logGroupName(logApp)}).JSON()
		}).(pulumi.StringOutput),
	}, b.opts...)
	if err != nil {
		return err
	}
	taskName := b.name + "-task-role"
	task, err := iam.NewRole(b.ctx, taskName, &iam.RoleArgs{
		Description:      pulumi.String("The tastylog app of " + b.name + " runs as it"),
		AssumeRolePolicy: trust,
		Tags:             layer.NameTags(taskName),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.serviceDeps = append(b.serviceDeps, policy)
	if a.Exec {
		key := pulumi.String("").ToStringOutput()
		if a.KeyArn != nil {
			key = a.KeyArn.ToStringOutput()
		}
		execPolicyRes, err := iam.NewRolePolicy(b.ctx, b.name+"-task-exec-sessions", &iam.RolePolicyArgs{
			Role: task.Name,
			Policy: key.ApplyT(func(key string) string {
				return execPolicy(a.Region, a.AccountId, b.logGroupName(logExec), key).JSON()
			}).(pulumi.StringOutput),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.serviceDeps = append(b.serviceDeps, execPolicyRes)
	}
	b.taskRoles = taskRoles{execution: execution, task: task}
	return nil
}

// taskFamily is the task definition's family: tastylog-dev-app.
func (b *builder) taskFamily() string { return b.name + "-app" }

// settingsArns maps each setting the app reads to its parameter's ARN under the stack's path.
func settingsArns(region, accountId, path string) map[string]string {
	out := map[string]string{}
	for _, name := range appboot.RequiredParameters {
		out[name] = fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s%s", region, accountId, path, name)
	}
	return out
}

// buildTaskDefinition registers the app's task: awsvpc, the configured size and architecture, the app
// container from the repository (or the placeholder until appImage is set), and /tmp as its one writable
// volume. The definition resolves once every setting exists, so no revision can start without them.
func (b *builder) buildTaskDefinition() error {
	a := b.args
	command, err := appboot.PlaceholderCommand(AppPort, a.HealthCheckPath)
	if err != nil {
		return err
	}
	definitions := pulumi.All(b.repository.url, a.SettingsArns.ToStringArrayOutput()).ApplyT(func(in []any) (string, error) {
		c := appboot.Container{
			Image: a.ImageRef(in[0].(string)), Port: AppPort, HealthPath: a.HealthCheckPath,
			Region: a.Region, LogGroup: b.logGroupName(logApp), Exec: a.Exec,
			Secrets:     settingsArns(a.Region, a.AccountId, a.ParameterPath),
			HealthCheck: appboot.HealthCheck{Interval: healthCheckInterval, Timeout: healthCheckTimeout, Retries: unhealthyThreshold},
		}
		if c.Image == "" {
			c.Image, c.Command = appboot.PlaceholderImage, command
		}
		return appboot.ContainerDefinitions(c)
	}).(pulumi.StringOutput)

	var volumes ecs.TaskDefinitionVolumeArray
	for _, v := range (appboot.Container{Exec: a.Exec}).Volumes() {
		volumes = append(volumes, &ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(v)})
	}
	family := b.taskFamily()
	b.taskDef, err = ecs.NewTaskDefinition(b.ctx, family, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(family),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		NetworkMode:             pulumi.String("awsvpc"),
		Cpu:                     pulumi.String(fmt.Sprint(a.Cpu)),
		Memory:                  pulumi.String(fmt.Sprint(a.Memory)),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(strings.ToUpper(a.TaskArch())), // ARM64 or X86_64
		},
		ExecutionRoleArn:     b.taskRoles.execution.Arn,
		TaskRoleArn:          b.taskRoles.task.Arn,
		ContainerDefinitions: definitions,
		Volumes:              volumes,
		// A change registers a new revision (AWS cannot edit one); the previous revisions stay registered,
		// so the circuit breaker and a manual rollback always find the revision they return to.
		SkipDestroy: pulumi.Bool(true),
		Tags:        layer.NameTags(family),
	}, b.with(pulumi.DependsOn(b.serviceDeps))...)
	return err
}
