package delivery

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codedeploy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// Service is what the fargate mode's pipeline deploys to, blue/green through CodeDeploy: the ECS service,
// its two target groups (by name), the production and test listeners, the image repository, the task
// definition family and its app container, and the task's roles (CodeDeploy passes them to new tasks).
type Service struct {
	ClusterName, ServiceName               pulumi.StringInput
	TargetGroupName, AlternateGroupName    pulumi.StringInput
	ProductionListenerArn, TestListenerArn pulumi.StringInput
	RepositoryUrl, RepositoryArn           pulumi.StringInput
	TaskFamily, ContainerName              string
	ContainerPort                          int
	TaskRoleArns                           pulumi.StringArrayInput
}

// codeDeployName is the CodeDeploy application and deployment group: tastylog-dev-app.
func (b *builder) codeDeployName() string { return b.name + "-app" }

// deploymentConfig is the strategy's CodeDeploy configuration: AWS's own when one matches, else the stack's.
func (b *builder) deploymentConfig() (pulumi.StringInput, error) {
	s := b.args.Spec
	if name := s.DeploymentConfigName(); name != "" {
		return pulumi.String(name), nil
	}
	routing := &codedeploy.DeploymentConfigTrafficRoutingConfigArgs{}
	switch s.Strategy {
	case deliveryspec.StrategyCanary:
		routing.Type = pulumi.String("TimeBasedCanary")
		routing.TimeBasedCanary = &codedeploy.DeploymentConfigTrafficRoutingConfigTimeBasedCanaryArgs{
			Percentage: pulumi.Int(s.Percent), Interval: pulumi.Int(s.IntervalMinutes)}
	case deliveryspec.StrategyLinear:
		routing.Type = pulumi.String("TimeBasedLinear")
		routing.TimeBasedLinear = &codedeploy.DeploymentConfigTrafficRoutingConfigTimeBasedLinearArgs{
			Percentage: pulumi.Int(s.Percent), Interval: pulumi.Int(s.IntervalMinutes)}
	}
	name := fmt.Sprintf("%s-%s-%dpct-%dmin", b.name, s.Strategy, s.Percent, s.IntervalMinutes)
	cfg, err := codedeploy.NewDeploymentConfig(b.ctx, b.name+"-deploy-config", &codedeploy.DeploymentConfigArgs{
		DeploymentConfigName: pulumi.String(name),
		ComputePlatform:      pulumi.String("ECS"),
		TrafficRoutingConfig: routing,
	}, b.with(pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return nil, err
	}
	return cfg.DeploymentConfigName, nil
}

// codeDeployPolicy is what CodeDeploy does during an ECS blue/green deployment (AWS's managed
// AWSCodeDeployRoleForECS, written out for this one service and load balancer): run task sets of the
// service, move its listeners, read the alarms that roll it back, read the artifacts, and pass the task's
// roles to new tasks. The Describe actions have no resource form.
func codeDeployPolicy(region, account, cluster, service, artifacts, key string, listeners, roles []string) iampolicy.Document {
	var rules []string
	for _, l := range listeners {
		rules = append(rules, l, ruleArnPattern(l))
	}
	statements := []iampolicy.Statement{
		iampolicy.Allow("Describe", []string{"ecs:DescribeServices", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeListeners",
			"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetHealth", "cloudwatch:DescribeAlarms"}, []string{"*"}),
		iampolicy.Allow("TaskSets", []string{"ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet"},
			[]string{fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", region, account, cluster, service),
				fmt.Sprintf("arn:aws:ecs:%s:%s:task-set/%s/%s/*", region, account, cluster, service)}),
		iampolicy.Allow("MoveTraffic", []string{"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"}, rules),
		iampolicy.Allow("ReadRevision", []string{"s3:GetObject", "s3:GetObjectVersion"}, []string{iampolicy.BucketArn(artifacts) + "/*"}),
		iampolicy.Allow("PassTaskRoles", []string{"iam:PassRole"}, roles).When("StringEquals", "iam:PassedToService", "ecs-tasks.amazonaws.com"),
	}
	if key != "" {
		statements = append(statements, iampolicy.Allow("UseStackKey", []string{"kms:Decrypt"}, []string{key}))
	}
	return iampolicy.New(statements...)
}

// ruleArnPattern is the ARN pattern of a listener's rules: listener/app/<lb>/<id>/<id> becomes
// listener-rule/app/<lb>/<id>/<id>/*.
func ruleArnPattern(listener string) string {
	const from, to = ":listener/", ":listener-rule/"
	for i := 0; i+len(from) <= len(listener); i++ {
		if listener[i:i+len(from)] == from {
			return listener[:i] + to + listener[i+len(from):] + "/*"
		}
	}
	return listener + "/*"
}

// buildCodeDeploy creates the CodeDeploy application, its role and the deployment group: blue/green with
// traffic control, test traffic first, the strategy's shifting, automatic rollback on a failed deployment
// and on the stack's 5xx and unhealthy-host alarms, and the replaced tasks kept for the termination wait.
func (b *builder) buildCodeDeploy() error {
	a, svc := b.args, b.args.Service
	name := b.codeDeployName()
	app, err := codedeploy.NewApplication(b.ctx, name, &codedeploy.ApplicationArgs{
		Name: pulumi.String(name), ComputePlatform: pulumi.String("ECS"), Tags: layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	key := pulumi.String("").ToStringOutput()
	if a.KeyArn != nil {
		key = a.KeyArn.ToStringOutput()
	}
	policy := pulumi.All(svc.ClusterName, svc.ServiceName, a.ArtifactsBucketName, key, svc.ProductionListenerArn, svc.TestListenerArn, svc.TaskRoleArns).
		ApplyT(func(in []any) string {
			return codeDeployPolicy(a.Region, a.AccountId, in[0].(string), in[1].(string), in[2].(string), in[3].(string),
				[]string{in[4].(string), in[5].(string)}, in[6].([]string)).JSON()
		}).(pulumi.StringOutput)
	role, rolePolicy, err := b.role("codedeploy", "CodeDeploy deploys the tastylog tasks of "+b.name+" blue/green", "codedeploy.amazonaws.com", policy)
	if err != nil {
		return err
	}
	config, err := b.deploymentConfig()
	if err != nil {
		return err
	}
	group, err := codedeploy.NewDeploymentGroup(b.ctx, name+"-group", &codedeploy.DeploymentGroupArgs{
		AppName:              app.Name,
		DeploymentGroupName:  pulumi.String(name),
		ServiceRoleArn:       role.Arn,
		DeploymentConfigName: config,
		DeploymentStyle: &codedeploy.DeploymentGroupDeploymentStyleArgs{
			DeploymentType: pulumi.String("BLUE_GREEN"), DeploymentOption: pulumi.String("WITH_TRAFFIC_CONTROL"),
		},
		BlueGreenDeploymentConfig: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigArgs{
			DeploymentReadyOption: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOptionArgs{
				ActionOnTimeout: pulumi.String("CONTINUE_DEPLOYMENT"),
			},
			TerminateBlueInstancesOnDeploymentSuccess: &codedeploy.DeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccessArgs{
				Action: pulumi.String("TERMINATE"), TerminationWaitTimeInMinutes: pulumi.Int(a.TerminationWaitMinutes),
			},
		},
		EcsService: &codedeploy.DeploymentGroupEcsServiceArgs{ClusterName: svc.ClusterName, ServiceName: svc.ServiceName},
		LoadBalancerInfo: &codedeploy.DeploymentGroupLoadBalancerInfoArgs{
			TargetGroupPairInfo: &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoArgs{
				ProdTrafficRoute: &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRouteArgs{
					ListenerArns: pulumi.StringArray{svc.ProductionListenerArn}},
				TestTrafficRoute: &codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRouteArgs{
					ListenerArns: pulumi.StringArray{svc.TestListenerArn}},
				TargetGroups: codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArray{
					&codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArgs{Name: svc.TargetGroupName},
					&codedeploy.DeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroupArgs{Name: svc.AlternateGroupName},
				},
			},
		},
		AutoRollbackConfiguration: &codedeploy.DeploymentGroupAutoRollbackConfigurationArgs{
			Enabled: pulumi.Bool(true), Events: pulumi.ToStringArray([]string{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}),
		},
		AlarmConfiguration: &codedeploy.DeploymentGroupAlarmConfigurationArgs{Enabled: pulumi.Bool(true), Alarms: a.RollbackAlarmNames},
		Tags:               layer.NameTags(name),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{rolePolicy}))...)
	if err != nil {
		return err
	}
	b.deployApp, b.deployGroup = app, group
	return nil
}
