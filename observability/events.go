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

// taskStopPattern matches the service's tasks that stopped for a failure: never started (image, secrets,
// capacity) or their essential container exited (a crash, a failed container health check). Scale-in,
// deployments and Spot reclaims stop tasks too, with other codes, and are not failures.
func taskStopPattern(service string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"source":      []string{"aws.ecs"},
		"detail-type": []string{"ECS Task State Change"},
		"detail": map[string]any{
			"group": []string{"service:" + service}, "lastStatus": []string{"STOPPED"},
			"stopCode": []string{"TaskFailedToStart", "EssentialContainerExited"},
		},
	})
	return string(b), err
}

// routedRule is one EventBridge rule and how its events read in the alert topic.
type routedRule struct {
	key, description string
	pattern          pulumi.StringOutput
	paths            pulumi.StringMap
	template         string
}

// pipelinePattern matches one pipeline's events of detailType in state, narrowed by detail.
func pipelinePattern(pipeline, detailType, state string, detail map[string]any) (string, error) {
	d := map[string]any{"pipeline": []string{pipeline}, "state": []string{state}}
	for k, v := range detail {
		d[k] = v
	}
	out, err := json.Marshal(map[string]any{"source": []string{"aws.codepipeline"}, "detail-type": []string{detailType}, "detail": d})
	return string(out), err
}

// pipelineRules announce the delivery pipeline's runs that fail and its approvals that wait for a person.
func (b *builder) pipelineRules() ([]routedRule, error) {
	name := b.args.PipelineName
	if name == "" {
		return nil, nil
	}
	failed, err := pipelinePattern(name, "CodePipeline Pipeline Execution State Change", "FAILED", nil)
	if err != nil {
		return nil, err
	}
	approval, err := pipelinePattern(name, "CodePipeline Action Execution State Change", "STARTED",
		map[string]any{"type": map[string]any{"category": []string{"Approval"}}})
	if err != nil {
		return nil, err
	}
	console := fmt.Sprintf("https://%s.console.aws.amazon.com/codesuite/codepipeline/pipelines/%s/view?region=%s", b.args.Region, name, b.args.Region)
	return []routedRule{
		{key: "pipeline-failed", description: "A run of the delivery pipeline failed", pattern: pulumi.String(failed).ToStringOutput(),
			paths:    pulumi.StringMap{"pipeline": pulumi.String("$.detail.pipeline"), "run": pulumi.String("$.detail.execution-id")},
			template: `"<pipeline> run <run> failed: ` + console + `"`},
		{key: "pipeline-approval", description: "A release waits for approval in the delivery pipeline", pattern: pulumi.String(approval).ToStringOutput(),
			paths:    pulumi.StringMap{"pipeline": pulumi.String("$.detail.pipeline"), "run": pulumi.String("$.detail.execution-id")},
			template: `"<pipeline> run <run> waits for your approval: ` + console + `"`},
	}, nil
}

// routedRules are the rules about what runs the app: the Auto Scaling group's, or the service's tasks'.
func (b *builder) routedRules() []routedRule {
	a := b.args
	if a.fargate() {
		return []routedRule{{
			key: "ecs-task-failures", description: "An app task failed to start or its essential container exited",
			pattern: a.ServiceName.ToStringOutput().ApplyT(taskStopPattern).(pulumi.StringOutput),
			paths: pulumi.StringMap{
				"group": pulumi.String("$.detail.group"), "task": pulumi.String("$.detail.taskArn"),
				"code": pulumi.String("$.detail.stopCode"), "reason": pulumi.String("$.detail.stoppedReason"),
			},
			template: `"<task> of <group> stopped (<code>): <reason>"`,
		}}
	}
	var out []routedRule
	for _, r := range eventRules {
		out = append(out, routedRule{
			key: r.Key, description: r.Description,
			pattern: a.AutoScalingGroupName.ToStringOutput().ApplyT(func(group string) (string, error) {
				return asgEventPattern(group, r.DetailTypes)
			}).(pulumi.StringOutput),
			paths: pulumi.StringMap{
				"type":     pulumi.String("$.detail-type"),
				"group":    pulumi.String("$.detail.AutoScalingGroupName"),
				"instance": pulumi.String("$.detail.EC2InstanceId"),
				"cause":    pulumi.String("$.detail.Cause"),
				"status":   pulumi.String("$.detail.StatusMessage"),
			},
			template: `"<type>: <instance> in <group>. <cause> <status>"`,
		})
	}
	return out
}

// buildEvents routes the rules and the database's events to the alert topic, as one readable line each.
func (b *builder) buildEvents() error {
	pipeline, err := b.pipelineRules()
	if err != nil {
		return err
	}
	for _, r := range append(b.routedRules(), pipeline...) {
		name := b.name + "-" + r.key
		rule, err := cloudwatch.NewEventRule(b.ctx, name, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(r.description),
			EventPattern: r.pattern,
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
					InputPaths:    r.paths,
					InputTemplate: pulumi.String(r.template),
				},
			}, b.opts...); err != nil {
				return err
			}
		}
	}
	// RDS sends a subscription's events to one topic: the stack's.
	_, err = rds.NewEventSubscription(b.ctx, b.name+"-db-events", &rds.EventSubscriptionArgs{
		SnsTopic:        b.topic.Arn,
		SourceType:      pulumi.String("db-instance"),
		SourceIds:       pulumi.StringArray{b.args.DbIdentifier},
		EventCategories: pulumi.ToStringArray(rdsEventCategories),
		Tags:            layer.NameTags(b.name + "-db-events"),
	}, b.opts...)
	return err
}
