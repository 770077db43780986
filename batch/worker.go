package batch

import (
	_ "embed"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// workerSource is the worker's code (worker/index.mjs, tested by node --test batch/worker/index.test.mjs).
// The program zips it itself: nothing to build, nothing binary in the repository.
//
//go:embed worker/index.mjs
var workerSource string

const (
	workerMemoryMB = 256
	// workerLogKey names the worker's log group, /tastylog/{env}/batch-worker.
	workerLogKey = "batch-worker"
)

// workerScope is what the worker's policy is written for, once the outputs it names resolve.
type workerScope struct {
	Region, AccountId string
	LogGroup          string
	Queue             string
	Bucket            string
	Key               string // the stack key that encrypts the results bucket, "" without one
}

// workerPolicy lets the worker do its job and nothing else: write its own log group, take jobs from this
// queue, and put results under this bucket's results/ prefix.
func workerPolicy(s workerScope) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("WriteOwnLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			[]string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.Region, s.AccountId, s.LogGroup)}),
		iampolicy.Allow("TakeJobs", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"},
			[]string{s.Queue}),
		iampolicy.Allow("WriteResults", []string{"s3:PutObject"}, []string{iampolicy.BucketArn(s.Bucket) + "/" + ResultsPrefix + "*"}),
	}
	if s.Key != "" {
		statements = append(statements, iampolicy.Allow("EncryptResults", []string{"kms:GenerateDataKey"}, []string{s.Key}).
			When("StringEquals", "kms:ViaService", "s3."+s.Region+".amazonaws.com"))
	}
	return iampolicy.New(statements...)
}

// buildWorker creates the worker: its log group, its role, the function (Node.js 22 on arm64, the code
// zipped from this repository) and the event source mapping that hands it the queue's jobs in batches,
// reporting the ones that failed.
func (b *builder) buildWorker() error {
	logs, err := b.logGroup(workerLogKey)
	if err != nil {
		return err
	}
	roleName := b.name + "-batch-worker-role"
	role, err := iam.NewRole(b.ctx, roleName, &iam.RoleArgs{
		Description:      pulumi.String("The batch worker of " + b.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("lambda.amazonaws.com").JSON()),
		Tags:             layer.NameTags(roleName),
	}, b.opts...)
	if err != nil {
		return err
	}
	key := pulumi.StringInput(pulumi.String(""))
	if b.args.KeyArn != nil {
		key = b.args.KeyArn
	}
	policyDoc := pulumi.All(logs.Name, b.queue.Arn, b.args.ResultsBucketName, key).ApplyT(func(in []any) string {
		return workerPolicy(workerScope{Region: b.args.Region, AccountId: b.args.AccountId,
			LogGroup: in[0].(string), Queue: in[1].(string), Bucket: in[2].(string), Key: in[3].(string)}).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(b.ctx, b.name+"-batch-worker-policy", &iam.RolePolicyArgs{Role: role.Name, Policy: policyDoc}, b.opts...)
	if err != nil {
		return err
	}
	name := b.name + "-batch-worker"
	reserved := pulumi.IntPtrInput(nil)
	if b.args.ReservedConcurrency > 0 {
		reserved = pulumi.Int(b.args.ReservedConcurrency)
	}
	b.function, err = lambda.NewFunction(b.ctx, name, &lambda.FunctionArgs{
		Name:          pulumi.String(name),
		Description:   pulumi.String("Works the jobs of " + b.name + "'s queue and writes their results"),
		Runtime:       lambda.RuntimeNodeJS22dX,
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		Handler:       pulumi.String("index.handler"),
		Code:          pulumi.NewAssetArchive(map[string]any{"index.mjs": pulumi.NewStringAsset(workerSource)}),
		MemorySize:    pulumi.Int(workerMemoryMB),
		Timeout:       pulumi.Int(b.args.FunctionTimeout),
		Role:          role.Arn,
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: logs.Name},
		Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
			"RESULTS_BUCKET":       b.args.ResultsBucketName,
			"RESULTS_PREFIX":       pulumi.String(ResultsPrefix),
			"RESULTS_BUCKET_OWNER": pulumi.String(b.args.AccountId),
		}},
		ReservedConcurrentExecutions: reserved,
		Tags:                         layer.NameTags(name),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{logs, policy}))...)
	if err != nil {
		return err
	}
	window := pulumi.IntPtrInput(nil)
	if b.args.WindowSeconds > 0 {
		window = pulumi.Int(b.args.WindowSeconds)
	}
	// Lambda checks the role can receive from the queue when the mapping is created: after the policy.
	_, err = lambda.NewEventSourceMapping(b.ctx, name+"-jobs", &lambda.EventSourceMappingArgs{
		EventSourceArn:                 b.queue.Arn,
		FunctionName:                   b.function.Arn,
		BatchSize:                      pulumi.Int(b.args.Size),
		MaximumBatchingWindowInSeconds: window,
		FunctionResponseTypes:          pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		ScalingConfig:                  &lambda.EventSourceMappingScalingConfigArgs{MaximumConcurrency: pulumi.Int(b.args.MaxConcurrency)},
		Tags:                           layer.NameTags(name + "-jobs"),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{policy}))...)
	return err
}
