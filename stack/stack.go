// Package stack composes one stack of the tastylog program: it loads and validates the stack config,
// creates the providers, and builds one component per layer, handing each the others' outputs; its
// outputs are the stack's. main.go runs it under the Pulumi engine, cmd/plan under the test kit's mocks.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/batch"
	"github.com/tastylog/infra/compute"
	"github.com/tastylog/infra/data"
	"github.com/tastylog/infra/delivery"
	"github.com/tastylog/infra/edge"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/stackconfig"
	"github.com/tastylog/infra/network"
	"github.com/tastylog/infra/observability"
)

// stackKey is the data layer's stack key for the layers that encrypt with it, nil without one.
func stackKey(cfg *stackconfig.Config, db *data.Data) pulumi.StringInput {
	if !cfg.StackKey() {
		return nil
	}
	return db.KeyArn
}

// Program builds the stack from the config keys the engine set (nil when it lists none: every key the
// program reads is read anyway) and returns its outputs: config -> providers -> layers -> exports.
func Program(ctx *pulumi.Context, configKeys []string) (pulumi.Map, error) {
	cfg, providers, err := setUp(ctx, configKeys)
	if err != nil {
		return nil, err
	}

	net, err := network.New(ctx, cfg.NamePrefix(), &network.Args{
		Spec: cfg.Network, OriginPort: cfg.OriginPort(), AppPort: compute.AppPort, DbPort: data.MySQLPort, TestPort: cfg.BlueGreenTestPort(),
		AccountId: providers.account,
	},
		pulumi.Providers(providers.app))
	if err != nil {
		return nil, err
	}
	db, err := data.New(ctx, cfg.NamePrefix(), &data.Args{
		Spec:              cfg.Data,
		ParameterPath:     cfg.ParameterPath(),
		AccountId:         providers.account,
		Region:            cfg.Region(),
		AvailabilityZones: cfg.Network.AvailabilityZones,
		FlowLogsToBucket:  cfg.Observability.FlowLogsToBucket(),
		CloudTrail:        cfg.Observability.CloudTrail,
		Artifacts:         cfg.Delivery.Pipeline,
		ResultDays:        cfg.BatchResultDays(),
		LogGroupPrefix:    cfg.LogGroupPrefix(),
		SubnetIds:         net.DbSubnetIds,
		SecurityGroupId:   net.DbSecurityGroupId,
	}, pulumi.Providers(providers.app))
	if err != nil {
		return nil, err
	}
	key := stackKey(cfg, db)
	app, err := compute.New(ctx, cfg.NamePrefix(), &compute.Args{
		Spec:                 cfg.Compute,
		Project:              cfg.Project,
		Env:                  cfg.Env,
		Region:               cfg.Region(),
		AccountId:            providers.account,
		ParameterPath:        cfg.ParameterPath(),
		LogGroupPrefix:       cfg.LogGroupPrefix(),
		AdminCidrs:           cfg.Network.AdminCidrs,
		DetailedMonitoring:   cfg.Production(),
		VpcId:                net.VpcId,
		SubnetIds:            net.PrivateSubnetIds,
		AppSecurityGroupId:   net.AppSecurityGroupId,
		OpmngSecurityGroupId: net.OpmngSecurityGroupId,
		DeployBucketName:     db.DeployBucket.Name,
		SettingsArns:         db.ParameterArns,
		NoInternet:           cfg.NoInternet(),
		Production:           cfg.Production(),
		ForceDestroy:         cfg.Data.ForceDestroyBuckets,
		KeyArn:               key,
		BlueGreen:            cfg.BlueGreenTestPort() != 0,
	}, pulumi.Providers(providers.app))
	if err != nil {
		return nil, err
	}
	front, err := edge.New(ctx, cfg.NamePrefix(), &edge.Args{
		Spec:                           cfg.Edge,
		Env:                            cfg.Env,
		AccountId:                      providers.account,
		Region:                         cfg.Region(),
		Production:                     cfg.Production(),
		UsEast1:                        providers.usEast1,
		LogRetentionDays:               cfg.LogRetentionDays(),
		AlbLogPrefix:                   data.AlbLogPrefix,
		CloudFrontLogPrefix:            data.CloudFrontLogPrefix,
		SubnetIds:                      net.PrivateSubnetIds,
		WebSecurityGroupId:             net.WebSecurityGroupId,
		TargetGroupArn:                 app.TargetGroupArn,
		StaticBucketName:               db.StaticBucket.Name,
		StaticBucketRegionalDomainName: db.StaticBucket.RegionalDomainName,
		LogsBucketName:                 db.LogsBucket.Name,
		TestPort:                       cfg.BlueGreenTestPort(),
	}, pulumi.Providers(providers.app))
	if err != nil {
		return nil, err
	}
	if err := app.Attach(ctx, compute.Attachment{
		AlbArnSuffix:   front.AlbArnSuffix,
		ForwardRuleArn: front.ForwardRuleArn,
		Aliases:        []pulumi.Alias{{Parent: front}}, // the request policy was the edge layer's child
	}); err != nil {
		return nil, err
	}

	var jobs *batch.Batch
	if cfg.Batch.Batch {
		jobArgs := &batch.Args{
			Spec: cfg.Batch, Region: cfg.Region(), AccountId: providers.account, Env: cfg.Env,
			LogGroupPrefix: cfg.LogGroupPrefix(), LogRetentionDays: cfg.LogRetentionDays(), KeyArn: key,
			ResultsBucketName: db.ResultsBucket.Name,
		}
		if cfg.Edge.HasDomain() {
			jobArgs.Domain, jobArgs.HostedZoneId = cfg.Edge.Domain, front.HostedZoneId
		}
		if jobs, err = batch.New(ctx, cfg.NamePrefix(), jobArgs, pulumi.Providers(providers.app)); err != nil {
			return nil, err
		}
	}

	watchArgs := &observability.Args{
		Spec:                 cfg.Observability,
		Env:                  cfg.Env,
		AccountId:            providers.account,
		Region:               cfg.Region(),
		UsEast1:              providers.usEast1,
		LogGroupPrefix:       cfg.LogGroupPrefix(),
		Production:           cfg.Production(),
		TrailName:            db.TrailName,
		TrailBucketName:      db.TrailBucket.Name,
		KeyArn:               key,
		FlowLogPrefix:        data.FlowLogPrefix,
		VpcId:                net.VpcId,
		AlbArnSuffix:         front.AlbArnSuffix,
		TargetGroupArnSuffix: app.TargetGroupArnSuffix,
		DbIdentifier:         db.DbIdentifier,
		DistributionId:       front.DistributionId,
		LogsBucketName:       db.LogsBucket.Name,
		AppLogGroupName:      app.AppLogGroupName,
	}
	if cfg.Network.NatStrategy == netspec.NatInstance {
		watchArgs.NatInstanceGroupName = net.NatInstanceGroupName
	}
	if cfg.Delivery.Pipeline {
		watchArgs.PipelineName = delivery.PipelineName(cfg.NamePrefix())
	}
	if jobs != nil {
		watchArgs.Batch = &observability.BatchWatch{ApiName: jobs.ApiName, Stage: jobs.Stage, QueueName: jobs.QueueName,
			DeadLetterQueueName: jobs.DeadLetterQueueName, FunctionName: jobs.FunctionName}
	}
	if cfg.Compute.Fargate() {
		watchArgs.ClusterName, watchArgs.ServiceName = app.ClusterName, app.ServiceName
	} else {
		watchArgs.AutoScalingGroupName = app.AutoScalingGroupName
	}
	watch, err := observability.New(ctx, cfg.NamePrefix(), watchArgs, pulumi.Providers(providers.app))
	if err != nil {
		return nil, err
	}

	layers := []pulumi.Map{net.Exports(), db.Exports(), app.Exports(), front.Exports(), watch.Exports()}
	if jobs != nil {
		layers = append(layers, jobs.Exports())
	}
	if cfg.Delivery.Pipeline {
		shipArgs := &delivery.Args{
			Spec:                cfg.Delivery,
			Region:              cfg.Region(),
			AccountId:           providers.account,
			LogGroupPrefix:      cfg.LogGroupPrefix(),
			LogRetentionDays:    cfg.LogRetentionDays(),
			Architecture:        cfg.Compute.AppArch(),
			KeyArn:              key,
			ArtifactsBucketName: db.ArtifactsBucket.Name,
			RollbackAlarmNames:  watch.RollbackAlarmNames,
		}
		if cfg.Compute.Fargate() {
			shipArgs.Service = &delivery.Service{
				ClusterName: app.ClusterName, ServiceName: app.ServiceName,
				TargetGroupName: app.TargetGroupName, AlternateGroupName: app.AlternateTargetGroupName,
				ProductionListenerArn: front.ProductionListenerArn, TestListenerArn: front.TestListenerArn,
				RepositoryUrl: app.RepositoryUrl, RepositoryArn: app.RepositoryArn,
				TaskFamily: app.TaskFamily, ContainerName: compute.ContainerName, ContainerPort: compute.AppPort,
				TaskRoleArns: app.TaskRoleArns,
			}
		} else {
			shipArgs.Servers = &delivery.Servers{
				DeployBucketName:     db.DeployBucket.Name,
				AutoScalingGroupName: app.AutoScalingGroupName,
				WarmupSeconds:        cfg.Compute.HealthCheckGracePeriod,
			}
		}
		ship, err := delivery.New(ctx, cfg.NamePrefix(), shipArgs, pulumi.Providers(providers.app))
		if err != nil {
			return nil, err
		}
		layers = append(layers, ship.Exports())
	}

	outputs := pulumi.Map{"region": pulumi.String(cfg.Region())}
	for _, layer := range layers {
		for name, value := range layer {
			if _, taken := outputs[name]; taken {
				return nil, fmt.Errorf("two layers export the stack output %q", name)
			}
			outputs[name] = value
		}
	}
	return outputs, nil
}
