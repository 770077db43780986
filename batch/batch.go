// Package batch builds the serverless batch path of one stack, the AWS notebook's section 01: a REST API
// whose POST /jobs validates the job (method request), sends it straight to SQS (integration request, no
// code in the request path), maps the queue's answer (integration response) to 202, 400 or 500 (method
// response); a queue with a dead-letter queue; a Lambda worker that takes the queue's jobs in batches and
// writes each result to the results bucket; and an EventBridge schedule that enqueues a job on a cron.
package batch

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/batchspec"
	"github.com/tastylog/infra/internal/layer"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Batch"

// ResultsPrefix is where the worker writes results in the results bucket: results/<day>/<job id>.json.
const ResultsPrefix = "results/"

// StageName is the API's one stage; the URL ends in /v1/jobs.
const StageName = "v1"

// Args configures the batch layer.
type Args struct {
	batchspec.Spec

	// Region and AccountId scope the roles and policies; Env names the custom domain api-{env}.{domain}.
	Region, AccountId, Env string
	// LogGroupPrefix names the worker's and the API's log groups (/tastylog/dev/batch-worker,
	// /tastylog/dev/batch-api), kept LogRetentionDays and encrypted with KeyArn when there is one.
	LogGroupPrefix   string
	LogRetentionDays int
	KeyArn           pulumi.StringInput

	// ResultsBucketName is the data layer's results bucket.
	ResultsBucketName pulumi.StringInput

	// Domain and HostedZoneId give the API the name api-{env}.{domain}; "" and nil for the execute-api URL.
	Domain       string
	HostedZoneId pulumi.StringInput
}

// Batch is the batch path and what callers and operators need to find it.
type Batch struct {
	pulumi.ResourceState

	// ApiUrl is where jobs are POSTed: https://.../v1/jobs.
	ApiUrl pulumi.StringOutput
	// ApiKeyId is the usage plan's key (its value: aws apigateway get-api-key --include-value); "" with IAM auth.
	ApiKeyId pulumi.StringOutput
	// ApiName and StageName, QueueName, DeadLetterQueueName and FunctionName are what the alarms watch.
	ApiName, Stage      pulumi.StringOutput
	QueueUrl, QueueName pulumi.StringOutput
	DeadLetterQueueUrl  pulumi.StringOutput
	DeadLetterQueueArn  pulumi.StringOutput
	DeadLetterQueueName pulumi.StringOutput
	FunctionName        pulumi.StringOutput
	// ResultsStore is where the worker writes results: s3://bucket/prefix.
	ResultsStore pulumi.StringOutput
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Batch
	opts      []pulumi.ResourceOption

	queue, dlq *sqs.Queue
	apiRole    *iam.Role
	rule       *cloudwatch.EventRule
	function   *lambda.Function
	api        *apigateway.RestApi
	stage      *apigateway.Stage
	apiKey     *apigateway.ApiKey
	url        pulumi.StringOutput
}

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate(""); err != nil {
		errs = append(errs, err)
	}
	if !a.Batch {
		errs = append(errs, errors.New("Batch is off: the layer is not built"))
	}
	for _, f := range []struct{ name, value string }{
		{"Region", a.Region}, {"AccountId", a.AccountId}, {"Env", a.Env}, {"LogGroupPrefix", a.LogGroupPrefix},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if a.LogRetentionDays <= 0 {
		errs = append(errs, errors.New("LogRetentionDays is required"))
	}
	if a.ResultsBucketName == nil {
		errs = append(errs, errors.New("ResultsBucketName is required"))
	}
	if (a.Domain == "") != (a.HostedZoneId == nil) {
		errs = append(errs, errors.New("Domain and HostedZoneId go together"))
	}
	return errors.Join(errs...)
}

// New builds the batch layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Batch, error) {
	if args == nil {
		return nil, errors.New("batch: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("batch: invalid args: %w", err)
	}
	component := &Batch{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component, opts: []pulumi.ResourceOption{pulumi.Parent(component)}}
	if err := layer.Build("batch",
		layer.Step{What: "queues", Run: b.buildQueues},
		layer.Step{What: "worker", Run: b.buildWorker},
		layer.Step{What: "api", Run: b.buildApi},
		layer.Step{What: "schedule", Run: b.buildSchedule},
		layer.Step{What: "queue policy", Run: b.buildQueuePolicy},
	); err != nil {
		return nil, err
	}
	b.export(component)
	if err := ctx.RegisterResourceOutputs(component, component.Exports()); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	return component, nil
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

func (b *builder) export(c *Batch) {
	c.ApiUrl = b.url
	c.ApiKeyId = pulumi.String("").ToStringOutput()
	if b.apiKey != nil {
		c.ApiKeyId = b.apiKey.ID().ToStringOutput()
	}
	c.ApiName, c.Stage = b.api.Name, b.stage.StageName
	c.QueueUrl, c.QueueName = b.queue.Url, b.queue.Name
	c.DeadLetterQueueUrl, c.DeadLetterQueueArn, c.DeadLetterQueueName = b.dlq.Url, b.dlq.Arn, b.dlq.Name
	c.FunctionName = b.function.Name
	c.ResultsStore = pulumi.Sprintf("s3://%s/%s", b.args.ResultsBucketName, ResultsPrefix)
}

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (c *Batch) Exports() pulumi.Map {
	return pulumi.Map{
		"batchApiUrl":             c.ApiUrl,
		"batchApiKeyId":           c.ApiKeyId,
		"batchQueueUrl":           c.QueueUrl,
		"batchDeadLetterQueueUrl": c.DeadLetterQueueUrl,
		"batchDeadLetterQueueArn": c.DeadLetterQueueArn,
		"batchFunctionName":       c.FunctionName,
		"batchResults":            c.ResultsStore,
	}
}

// logGroup creates one of the layer's log groups before what writes to it exists, so none appears with
// infinite retention.
func (b *builder) logGroup(key string) (*cloudwatch.LogGroup, error) {
	name := b.args.LogGroupPrefix + "/" + key
	return cloudwatch.NewLogGroup(b.ctx, b.name+"-"+key+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(name),
		RetentionInDays: pulumi.Int(b.args.LogRetentionDays),
		KmsKeyId:        b.args.KeyArn,
		Tags:            layer.NameTags(name),
	}, b.opts...)
}
