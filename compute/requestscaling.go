package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/tastylog/infra/internal/layer"
)

// RequestScaling is what request-count scaling needs of the load balancer in front of the group, which
// the edge layer builds after this one.
type RequestScaling struct {
	// AlbArnSuffix names the load balancer in the metric's resource label.
	AlbArnSuffix pulumi.StringInput
	// ForwardRuleArn resolves once the target group is attached to the load balancer (the listener rule
	// that forwards to it): AWS accepts the policy only then.
	ForwardRuleArn pulumi.StringInput
	// Aliases are the policy's earlier identities (it was the edge layer's child until the layers were
	// tidied), so moving it here replaces nothing.
	Aliases []pulumi.Alias
}

// ScaleOnRequests adds ALBRequestCountPerTarget target tracking to the group, next to the CPU tracking,
// holding appRequestsPerTarget requests per server per minute; nothing with appRequestsPerTarget 0. It is
// the compute layer's policy on the compute layer's group; main calls it once the edge exists.
func (c *Compute) ScaleOnRequests(ctx *pulumi.Context, r RequestScaling) error {
	if c.requestsPerTarget == 0 {
		return nil
	}
	if r.AlbArnSuffix == nil || r.ForwardRuleArn == nil {
		return fmt.Errorf("compute: request scaling needs the load balancer's ARN suffix and forwarding rule")
	}
	// The label names the load balancer and target group; it resolves after the forwarding rule exists.
	label := pulumix.Apply3(r.AlbArnSuffix.ToStringOutput(), c.TargetGroupArnSuffix, r.ForwardRuleArn.ToStringOutput(),
		func(alb, tg, _ string) string { return alb + "/" + tg }).Untyped().(pulumi.StringOutput)
	_, err := autoscaling.NewPolicy(ctx, c.name+"-app-requests-target", &autoscaling.PolicyArgs{
		AutoscalingGroupName: c.AutoScalingGroupName,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
				ResourceLabel:        label,
			},
			TargetValue: pulumi.Float64(float64(c.requestsPerTarget)),
		},
	}, layer.With([]pulumi.ResourceOption{pulumi.Parent(c)}, pulumi.Aliases(r.Aliases))...)
	if err != nil {
		return fmt.Errorf("compute: request scaling: %w", err)
	}
	return nil
}
