package observability

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// eventRule is one EventBridge rule about the stack's Auto Scaling group.
type eventRule struct {
	Key         string
	Description string
	DetailTypes []string
}

// eventRules cover the app servers' lifecycle. EC2's own state-change events carry no tags, so "this
// stack's servers" are matched through their Auto Scaling group, whose events name it.
var eventRules = []eventRule{
	{"asg-failures", "An app server failed to launch or terminate",
		[]string{"EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"}},
	{"asg-instance-changes", "An app server was launched or terminated (scaling, refresh, health replacement)",
		[]string{"EC2 Instance Launch Successful", "EC2 Instance Terminate Successful"}},
}

// asgEventPattern matches the rule's detail types for one Auto Scaling group.
func asgEventPattern(group string, detailTypes []string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"source":      []string{"aws.autoscaling"},
		"detail-type": detailTypes,
		"detail":      map[string]any{"AutoScalingGroupName": []string{group}},
	})
	return string(b), err
}

// rdsEventCategories are the RDS events worth a message: not backups or configuration noise.
var rdsEventCategories = []string{
	"availability", "deletion", "failover", "failure", "low storage", "maintenance", "notification", "recovery", "restoration",
}

// buildEvents routes the rules and the database's events to the alert topic, as one readable line each.
func (b *builder) buildEvents() error {
	for _, r := range eventRules {
		name := b.name + "-" + r.Key
		pattern := b.args.AutoScalingGroupName.ToStringOutput().ApplyT(func(group string) (string, error) {
			return asgEventPattern(group, r.DetailTypes)
		}).(pulumi.StringOutput)
		rule, err := cloudwatch.NewEventRule(b.ctx, name, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(r.Description),
			EventPattern: pattern,
			Tags:         layer.NameTags(name),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.rules = append(b.rules, rule)
		for i, target := range b.listeners(b.topic, b.args.Region) {
			logical := name + "-to-sns"
			if i > 0 {
				logical = fmt.Sprintf("%s-to-topic-%d", name, i)
			}
			if _, err := cloudwatch.NewEventTarget(b.ctx, logical, &cloudwatch.EventTargetArgs{
				Rule: rule.Name,
				Arn:  target,
				InputTransformer: &cloudwatch.EventTargetInputTransformerArgs{
					InputPaths: pulumi.StringMap{
						"type":     pulumi.String("$.detail-type"),
						"group":    pulumi.String("$.detail.AutoScalingGroupName"),
						"instance": pulumi.String("$.detail.EC2InstanceId"),
						"cause":    pulumi.String("$.detail.Cause"),
						"status":   pulumi.String("$.detail.StatusMessage"),
					},
					InputTemplate: pulumi.String(`"<type>: <instance> in <group>. <cause> <status>"`),
				},
			}, b.opts...); err != nil {
				return err
			}
		}
	}
	// RDS sends a subscription's events to one topic: the stack's.
	_, err := rds.NewEventSubscription(b.ctx, b.name+"-db-events", &rds.EventSubscriptionArgs{
		SnsTopic:        b.topic.Arn,
		SourceType:      pulumi.String("db-instance"),
		SourceIds:       pulumi.StringArray{b.args.DbIdentifier},
		EventCategories: pulumi.ToStringArray(rdsEventCategories),
		Tags:            layer.NameTags(b.name + "-db-events"),
	}, b.opts...)
	return err
}
