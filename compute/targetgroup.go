package compute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

const (
	// deregistrationDelay gives in-flight requests time to finish: the app's graceful shutdown waits up
	// to 10 s for connections (http-graceful-shutdown), and systemd stops it within 20 s.
	deregistrationDelay = 30
	healthCheckInterval = 15
	healthCheckTimeout  = 5
	healthyThreshold    = 2
	unhealthyThreshold  = 3
)

// buildTargetGroup creates the target group the load balancer forwards to.
//
// Compute owns it, not edge: the target group is the app's side of the contract (port 3000, the shallow
// health check, how long a draining server keeps its connections) and its target type follows how the app
// runs: "instance" for this Auto Scaling group, "ip" for a Fargate service. A compute mode that changes
// the target type brings its own target group, and the edge layer only forwards to the ARN it is given.
func (b *builder) buildTargetGroup() error {
	// The target type cannot change in place: each mode has its own group (a new name and resource), so a
	// change of mode creates the new group, moves the listener to it, then deletes the old one.
	name, targetType := b.name+"-app-tg", "instance"
	if b.args.Fargate() {
		name, targetType = b.name+"-ip-tg", "ip"
	}
	var err error
	b.targetGroup, err = b.newTargetGroup(name, targetType)
	if err != nil || !b.args.BlueGreen {
		return err
	}
	// Blue/green: CodeDeploy starts the new tasks in whichever group is idle and moves the listener to it.
	b.alternate, err = b.newTargetGroup(b.name+"-ip-tg-2", targetType)
	return err
}

func (b *builder) newTargetGroup(name, targetType string) (*lb.TargetGroup, error) {
	return lb.NewTargetGroup(b.ctx, name, &lb.TargetGroupArgs{
		VpcId:               b.args.VpcId,
		Port:                pulumi.Int(AppPort),
		Protocol:            pulumi.String("HTTP"),
		ProtocolVersion:     pulumi.String("HTTP1"),
		TargetType:          pulumi.String(targetType),
		DeregistrationDelay: pulumi.Int(deregistrationDelay),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true),
			// Shallow: the app's /health queries the database, so an RDS failover would take every
			// target out at once. This path is served by the Node process alone.
			Path:               pulumi.String(b.args.HealthCheckPath),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(healthCheckInterval),
			Timeout:            pulumi.Int(healthCheckTimeout),
			HealthyThreshold:   pulumi.Int(healthyThreshold),
			UnhealthyThreshold: pulumi.Int(unhealthyThreshold),
		},
		Tags: layer.NameTags(name),
	}, b.opts...)
}
