package batch

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// ScheduledJob is what the schedule enqueues: the daily review digest, marked as the schedule's.
const ScheduledJob = `{"kind":"review-digest","note":"scheduled"}`

// buildSchedule creates the notebook's CloudWatch Events rule (EventBridge) that puts ScheduledJob on the
// queue on the configured cron, unless the schedule is off.
func (b *builder) buildSchedule() error {
	if b.args.Schedule == "" {
		return nil
	}
	name := b.name + "-batch-schedule"
	var err error
	b.rule, err = cloudwatch.NewEventRule(b.ctx, name, &cloudwatch.EventRuleArgs{
		Name:               pulumi.String(name),
		Description:        pulumi.String("Enqueues " + b.name + "'s scheduled job"),
		ScheduleExpression: pulumi.String(b.args.Schedule),
		Tags:               layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewEventTarget(b.ctx, name+"-jobs", &cloudwatch.EventTargetArgs{
		Rule:  b.rule.Name,
		Arn:   b.queue.Arn,
		Input: pulumi.String(ScheduledJob),
	}, b.opts...)
	return err
}
