package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
)

// Attachment is what the compute layer needs of the load balancer in front of it, which the edge layer
// builds after this one.
type Attachment struct {
	// AlbArnSuffix names the load balancer in the request-count metric's resource label.
	AlbArnSuffix pulumi.StringInput
	// ForwardRuleArn resolves once the target group is attached to the load balancer (the listener rule
	// that forwards to it): AWS accepts a request-count policy, and ECS a service, only then.
	ForwardRuleArn pulumi.StringInput
	// Aliases are the ec2 request policy's earlier identities (it was the edge layer's child until the
	// layers were tidied), so moving it here replaces nothing.
	Aliases []pulumi.Alias
}

// Attach finishes the layer once the load balancer forwards to its target group: in the fargate mode the
// service and its scaling (ECS refuses a service whose target group no load balancer uses), and in both
// modes ALBRequestCountPerTarget target tracking, holding appRequestsPerTarget requests per server or task
// per minute (none with appRequestsPerTarget 0). Main calls it once, after the edge layer.
func (c *Compute) Attach(ctx *pulumi.Context, at Attachment) error {
	b := c.b
	if at.AlbArnSuffix == nil || at.ForwardRuleArn == nil {
		return fmt.Errorf("compute: attaching needs the load balancer's ARN suffix and forwarding rule")
	}
	// The label names the load balancer and target group; it resolves after the forwarding rule exists.
	label := pulumix.Apply3(at.AlbArnSuffix.ToStringOutput(), c.TargetGroupArnSuffix, at.ForwardRuleArn.ToStringOutput(),
		func(alb, tg, _ string) string { return alb + "/" + tg }).Untyped().(pulumi.StringOutput)
	var err error
	if b.args.Fargate() {
		err = b.attachService(at.ForwardRuleArn.ToStringOutput(), label)
	} else {
		err = b.attachRequestScaling(label, at.Aliases)
	}
	if err != nil {
		return fmt.Errorf("compute: attach: %w", err)
	}
	if b.args.Fargate() {
		c.ServiceName = b.service.Name
	}
	if err := ctx.RegisterResourceOutputs(c, c.Exports()); err != nil {
		return fmt.Errorf("compute: %w", err)
	}
	return nil
}

// attachRequestScaling adds request-count tracking to the Auto Scaling group, next to its CPU tracking.
func (b *builder) attachRequestScaling(label pulumi.StringOutput, aliases []pulumi.Alias) error {
	if b.args.RequestsPerTarget == 0 {
		return nil
	}
	_, err := autoscaling.NewPolicy(b.ctx, b.name+"-app-requests-target", &autoscaling.PolicyArgs{
		AutoscalingGroupName: b.group.Name,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
				ResourceLabel:        label,
			},
			TargetValue: pulumi.Float64(float64(b.args.RequestsPerTarget)),
		},
	}, b.with(pulumi.Aliases(aliases))...)
	return err
}
