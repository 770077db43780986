package compute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/layer"
)

// The service's rolling deployment: a new task starts and passes its checks before an old one stops.
const (
	deployMinHealthyPercent = 100
	deployMaxPercent        = 200
)

// parked reports a service that runs no task: no image yet, and no way to the placeholder's registry.
// Setting appImage starts it (the scaling bounds follow config again, and scaling raises the count).
func (b *builder) parked() bool { return b.args.Image == "" && b.args.NoInternet }

// attachService creates the service once forwardRule (the listener's rule to the target group) exists:
// tasks in the private subnets without public addresses, in the app group, registered by IP with the
// target group; AZ rebalancing; the circuit breaker that rolls a failing deployment back; and target
// tracking on CPU and, with appRequestsPerTarget, on requests per task.
//
// `pulumi up` waits for a deployment to reach a steady state, so a release that fails its health checks
// fails the update (after the circuit breaker rolled it back) instead of reporting success.
func (b *builder) attachService(forwardRule pulumi.StringOutput, label pulumi.StringOutput) error {
	a := b.args
	name := b.name + "-app"
	desired, lo, hi := a.DesiredCapacity, a.MinSize, a.MaxSize
	if b.parked() {
		desired, lo, hi = 0, 0, 0
	}
	args := &ecs.ServiceArgs{
		Name:           pulumi.String(name),
		Cluster:        b.cluster.Arn,
		TaskDefinition: b.taskDef.Arn,
		DesiredCount:   pulumi.Int(desired),
		CapacityProviderStrategies: ecs.ServiceCapacityProviderStrategyArray{
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(b.capacityProvider()), Weight: pulumi.Int(1)},
		},
		PlatformVersion: pulumi.String("LATEST"),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        a.SubnetIds,
			SecurityGroups: pulumi.StringArray{a.AppSecurityGroupId},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			// Resolves once the listener forwards to the group: ECS checks that a load balancer uses it.
			TargetGroupArn: pulumi.All(b.targetGroup.Arn, forwardRule).ApplyT(func(in []any) string { return in[0].(string) }).(pulumi.StringOutput),
			ContainerName:  pulumi.String(appboot.ContainerName),
			ContainerPort:  pulumi.Int(AppPort),
		}},
		HealthCheckGracePeriodSeconds: pulumi.Int(a.HealthCheckGracePeriod),
		EnableExecuteCommand:          pulumi.Bool(a.Exec),
		EnableEcsManagedTags:          pulumi.Bool(true),
		PropagateTags:                 pulumi.String("SERVICE"),
		WaitForSteadyState:            pulumi.Bool(true),
		Tags:                          layer.NameTags(name),
	}
	// Scaling owns the running count once the service exists; config sets only the start.
	ignore := []string{"desiredCount"}
	if a.BlueGreen {
		// CodeDeploy deploys: it starts each release as a task set on the idle target group and moves the
		// listener to it, so the service's task definition and target group are CodeDeploy's from the first
		// deployment on, and a later `pulumi up` leaves them. (The circuit breaker, the rolling
		// percentages and AZ rebalancing are the ECS controller's, which this service does not use.)
		args.DeploymentController = &ecs.ServiceDeploymentControllerArgs{Type: pulumi.String("CODE_DEPLOY")}
		ignore = append(ignore, "taskDefinition", "loadBalancers")
	} else {
		args.DeploymentMinimumHealthyPercent = pulumi.Int(deployMinHealthyPercent)
		args.DeploymentMaximumPercent = pulumi.Int(deployMaxPercent)
		args.DeploymentCircuitBreaker = &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)}
		args.AvailabilityZoneRebalancing = pulumi.String("ENABLED")
	}
	var err error
	// The service's name is fixed and unique in the cluster: a change that replaces it (the deployment
	// controller, for one) must delete the old service first.
	b.service, err = ecs.NewService(b.ctx, name, args, b.with(pulumi.IgnoreChanges(ignore), pulumi.DependsOn(b.serviceDeps), pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return err
	}

	target, err := appautoscaling.NewTarget(b.ctx, name+"-scaling", &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", b.cluster.Name, b.service.Name),
		MinCapacity:       pulumi.Int(lo),
		MaxCapacity:       pulumi.Int(hi),
		Tags:              layer.NameTags(name + "-scaling"),
	}, b.opts...)
	if err != nil {
		return err
	}
	track := func(key, metric string, value int, label pulumi.StringInput) error {
		_, err := appautoscaling.NewPolicy(b.ctx, b.name+"-app-"+key+"-target", &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String(metric),
					ResourceLabel:        label,
				},
				TargetValue: pulumi.Float64(float64(value)),
			},
		}, b.opts...)
		return err
	}
	if err := track("cpu", "ECSServiceAverageCPUUtilization", a.CpuTarget, nil); err != nil {
		return err
	}
	if a.RequestsPerTarget > 0 {
		return track("requests", "ALBRequestCountPerTarget", a.RequestsPerTarget, label)
	}
	return nil
}
