package compute

import (
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// groupMetrics are the Auto Scaling group metrics published to CloudWatch every minute.
var groupMetrics = []string{
	"GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances",
	"GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances",
}

// buildAutoScaling creates the group across the private subnets, registered with the target group, pinned
// to the launch template's latest version number (never $Latest, so a template change is a visible diff
// and starts a rolling instance refresh), and a CPU target-tracking policy.
//
// The group starts once the app's settings exist and `latest` names a release (the placeholder on a new
// stack), so its first servers boot into something that passes the health check instead of being
// replaced every grace period, each replacement an e-mail. `pulumi up` still does not wait for capacity
// (WaitForCapacityTimeout "0"): health shows in the target group and its alarms.
func (b *builder) buildAutoScaling() error {
	a := b.args
	name := b.name + "-app-asg"
	var tags autoscaling.GroupTagArray
	serverTags := b.serverTags(b.name + "-app-ec2")
	keys := make([]string, 0, len(serverTags))
	for k := range serverTags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tags = append(tags, autoscaling.GroupTagArgs{Key: pulumi.String(k), Value: serverTags[k], PropagateAtLaunch: pulumi.Bool(true)})
	}

	// The settings path, as a tag that resolves only once every setting exists: the group waits for them.
	settingsPath := a.SettingsArns.ToStringArrayOutput().ApplyT(func([]string) string { return a.ParameterPath }).(pulumi.StringOutput)
	tags = append(tags, autoscaling.GroupTagArgs{Key: pulumi.String("SettingsPath"), Value: settingsPath, PropagateAtLaunch: pulumi.Bool(false)})

	var err error
	b.group, err = autoscaling.NewGroup(b.ctx, name, &autoscaling.GroupArgs{
		VpcZoneIdentifiers:     a.SubnetIds,
		MinSize:                pulumi.Int(a.MinSize),
		MaxSize:                pulumi.Int(a.MaxSize),
		DesiredCapacity:        pulumi.Int(a.DesiredCapacity),
		HealthCheckType:        pulumi.String("ELB"),
		HealthCheckGracePeriod: pulumi.Int(a.HealthCheckGracePeriod),
		DefaultInstanceWarmup:  pulumi.Int(a.HealthCheckGracePeriod),
		TargetGroupArns:        pulumi.StringArray{b.targetGroup.Arn},
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id: b.template.res.ID(),
			Version: b.template.res.LatestVersion.ApplyT(func(v int) string {
				return strconv.Itoa(v)
			}).(pulumi.StringOutput),
		},
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(a.RefreshMinHealthyPercentage),
				MaxHealthyPercentage: pulumi.Int(a.RefreshMaxHealthyPercentage),
				InstanceWarmup:       pulumi.String(strconv.Itoa(a.HealthCheckGracePeriod)),
				SkipMatching:         pulumi.Bool(true),
			},
		},
		WaitForCapacityTimeout: pulumi.String("0"),
		EnabledMetrics:         pulumi.ToStringArray(groupMetrics),
		MetricsGranularity:     pulumi.String("1Minute"),
		Tags:                   tags,
	}, b.with(
		// Scaling policies own the desired capacity once the group exists; config sets only the start.
		pulumi.IgnoreChanges([]string{"desiredCapacity"}),
		pulumi.DependsOn([]pulumi.Resource{b.rolePolicy, b.logGroups[logApp], b.logGroups[logSystem], b.latest}),
	)...)
	if err != nil {
		return err
	}

	_, err = autoscaling.NewPolicy(b.ctx, b.name+"-app-cpu-target", &autoscaling.PolicyArgs{
		AutoscalingGroupName: b.group.Name,
		PolicyType:           pulumi.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ASGAverageCPUUtilization"),
			},
			TargetValue: pulumi.Float64(float64(a.CpuTarget)),
		},
	}, b.opts...)
	return err
}
