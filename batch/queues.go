package batch

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// deadLetterRetention is SQS's longest: 14 days to look at a job that failed before it is gone.
const deadLetterRetention = 14 * 24 * 3600

// buildQueues creates the jobs queue and its dead-letter queue, both encrypted by SQS (SSE-SQS: API
// Gateway and EventBridge can send to it without a key policy), the queue redriving to the dead-letter
// queue after MaxReceives receives and the dead-letter queue accepting redrives from it alone.
func (b *builder) buildQueues() error {
	dlqName := b.name + "-jobs-dlq"
	var err error
	b.dlq, err = sqs.NewQueue(b.ctx, dlqName, &sqs.QueueArgs{
		Name:                    pulumi.String(dlqName),
		MessageRetentionSeconds: pulumi.Int(deadLetterRetention),
		SqsManagedSseEnabled:    pulumi.Bool(true),
		Tags:                    layer.NameTags(dlqName),
	}, b.opts...)
	if err != nil {
		return err
	}
	name := b.name + "-jobs"
	redrive := b.dlq.Arn.ApplyT(func(arn string) (string, error) {
		out, err := json.Marshal(map[string]any{"deadLetterTargetArn": arn, "maxReceiveCount": b.args.MaxReceives})
		return string(out), err
	}).(pulumi.StringOutput)
	b.queue, err = sqs.NewQueue(b.ctx, name, &sqs.QueueArgs{
		Name:                     pulumi.String(name),
		VisibilityTimeoutSeconds: pulumi.Int(b.args.VisibilityTimeout),
		MessageRetentionSeconds:  pulumi.Int(4 * 24 * 3600), // SQS's default, said: a job waits up to 4 days
		ReceiveWaitTimeSeconds:   pulumi.Int(20),            // long polling: fewer empty receives
		SqsManagedSseEnabled:     pulumi.Bool(true),
		RedrivePolicy:            redrive,
		Tags:                     layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	allow := b.queue.Arn.ApplyT(func(arn string) (string, error) {
		out, err := json.Marshal(map[string]any{"redrivePermission": "byQueue", "sourceQueueArns": []string{arn}})
		return string(out), err
	}).(pulumi.StringOutput)
	_, err = sqs.NewRedriveAllowPolicy(b.ctx, dlqName+"-redrive-allow", &sqs.RedriveAllowPolicyArgs{
		QueueUrl:           b.dlq.Url,
		RedriveAllowPolicy: allow,
	}, b.opts...)
	return err
}

// buildQueuePolicy admits the two senders, the API's role and the schedule's rule (EventBridge, only for
// that rule), and refuses any request without TLS. The worker receives through its role.
func (b *builder) buildQueuePolicy() error {
	var rule pulumi.StringOutput = pulumi.String("").ToStringOutput()
	if b.rule != nil {
		rule = b.rule.Arn
	}
	policy := pulumi.All(b.queue.Arn, b.apiRole.Arn, rule).ApplyT(func(in []any) string {
		return queuePolicy(in[0].(string), in[1].(string), in[2].(string)).JSON()
	}).(pulumi.StringOutput)
	_, err := sqs.NewQueuePolicy(b.ctx, b.name+"-jobs-policy", &sqs.QueuePolicyArgs{
		QueueUrl: b.queue.Url,
		Policy:   policy,
	}, b.opts...)
	return err
}

func queuePolicy(queue, apiRole, rule string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("FromTheApi", []string{"sqs:SendMessage"}, []string{queue}).To("AWS", apiRole),
	}
	if rule != "" {
		statements = append(statements, iampolicy.Allow("FromTheSchedule", []string{"sqs:SendMessage"}, []string{queue}).
			To("Service", "events.amazonaws.com").When("ArnEquals", "aws:SourceArn", rule))
	}
	statements = append(statements, iampolicy.Deny("DenyInsecureTransport", []string{"sqs:*"}, []string{queue}).
		To("AWS", "*").When("Bool", "aws:SecureTransport", "false"))
	return iampolicy.New(statements...)
}
