// Package naming holds AWS's rules for every physical name this program builds, per resource type, with
// where each rule comes from. It imports no Pulumi package: the stack config derives its own limits from
// these rules, and the whole-program tests check every name in the graph against them with the longest
// values the config allows.
package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// AutoSuffixLen is what Pulumi's auto-naming appends to a logical name: a hyphen and 7 random
// characters (pulumi-terraform-bridge's default: separator "-", 7 random hex characters).
const AutoSuffixLen = 8

// Rule is what AWS accepts as the name of one resource type.
type Rule struct {
	// Prop is the input that carries the name (a dotted path for a nested one); Prefix is what AWS puts in front and counts (alias/).
	Prop string
	// Max is the longest name AWS accepts, in characters.
	Max int
	// Chars matches the whole name when every character is allowed.
	Chars *regexp.Regexp
	// StartLetter: the name must begin with a letter; EndAlnum: it must end with a letter or digit;
	// NoDouble: no two hyphens (or other separators) in a row; Lower: lowercase only.
	StartLetter, EndAlnum, NoDouble, Lower bool
	// Source is where the rule is documented.
	Source string
}

var (
	alnumHyphen      = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	lowerAlnumHyphen = regexp.MustCompile(`^[a-z0-9-]+$`)
	iamChars         = regexp.MustCompile(`^[\w+=,.@-]+$`)
	logGroupChars    = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]+$`)
	eventRuleChars   = regexp.MustCompile(`^[.\-_A-Za-z0-9]+$`)
	snsChars         = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	trailChars       = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	templateChars    = regexp.MustCompile(`^[A-Za-z0-9().\-/_]+$`)
	bucketChars      = regexp.MustCompile(`^[a-z0-9.-]+$`)
	subnetGroupChars = regexp.MustCompile(`^[ .0-9a-z_-]+$`)
	anyPrintable     = regexp.MustCompile(`^[[:print:]]+$`)
	deliveryChars    = regexp.MustCompile(`^[\w-]+$`)
	parameterChars   = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	ecsChars         = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// Rules maps each resource type the program creates with a name AWS constrains to that name's rule.
var Rules = map[string]Rule{
	"aws:lb/loadBalancer:LoadBalancer": {Prop: "name", Max: 32, Chars: alnumHyphen, EndAlnum: true,
		Source: "Elastic Load Balancing API, CreateLoadBalancer: Name"},
	"aws:lb/targetGroup:TargetGroup": {Prop: "name", Max: 32, Chars: alnumHyphen, EndAlnum: true,
		Source: "Elastic Load Balancing API, CreateTargetGroup: Name"},
	"aws:rds/instance:Instance": {Prop: "identifier", Max: 63, Chars: lowerAlnumHyphen, StartLetter: true, EndAlnum: true, NoDouble: true, Lower: true,
		Source: "Amazon RDS API, CreateDBInstance: DBInstanceIdentifier"},
	"aws:rds/parameterGroup:ParameterGroup": {Prop: "name", Max: 255, Chars: lowerAlnumHyphen, StartLetter: true, EndAlnum: true, NoDouble: true, Lower: true,
		Source: "Amazon RDS API, CreateDBParameterGroup: DBParameterGroupName"},
	"aws:rds/optionGroup:OptionGroup": {Prop: "name", Max: 255, Chars: lowerAlnumHyphen, StartLetter: true, EndAlnum: true, NoDouble: true, Lower: true,
		Source: "Amazon RDS API, CreateOptionGroup: OptionGroupName"},
	"aws:rds/subnetGroup:SubnetGroup": {Prop: "name", Max: 255, Chars: subnetGroupChars, Lower: true,
		Source: "Amazon RDS API, CreateDBSubnetGroup: DBSubnetGroupName (the provider also requires lowercase)"},
	"aws:rds/eventSubscription:EventSubscription": {Prop: "name", Max: 255, Chars: alnumHyphen, StartLetter: true,
		Source: "Amazon RDS API, CreateEventSubscription: SubscriptionName"},
	"aws:s3/bucketV2:BucketV2": {Prop: "bucket", Max: 63, Chars: bucketChars, EndAlnum: true, Lower: true,
		Source: "Amazon S3 User Guide, general purpose bucket naming rules"},
	"aws:iam/role:Role": {Prop: "name", Max: 64, Chars: iamChars,
		Source: "IAM User Guide, IAM object quotas: role name 64 characters"},
	"aws:iam/rolePolicy:RolePolicy": {Prop: "name", Max: 128, Chars: iamChars,
		Source: "IAM API, PutRolePolicy: PolicyName"},
	"aws:iam/instanceProfile:InstanceProfile": {Prop: "name", Max: 128, Chars: iamChars,
		Source: "IAM API, CreateInstanceProfile: InstanceProfileName"},
	"aws:ec2/securityGroup:SecurityGroup": {Prop: "name", Max: 255, Chars: anyPrintable,
		Source: "Amazon EC2 API, CreateSecurityGroup: GroupName (may not start with sg-)"},
	"aws:ec2/launchTemplate:LaunchTemplate": {Prop: "name", Max: 128, Chars: templateChars,
		Source: "Amazon EC2 API, CreateLaunchTemplate: LaunchTemplateName"},
	"aws:ec2/keyPair:KeyPair": {Prop: "keyName", Max: 255, Chars: anyPrintable,
		Source: "Amazon EC2 API, ImportKeyPair: KeyName"},
	"aws:autoscaling/group:Group": {Prop: "name", Max: 255, Chars: anyPrintable,
		Source: "Amazon EC2 Auto Scaling API, CreateAutoScalingGroup: AutoScalingGroupName"},
	"aws:autoscaling/policy:Policy": {Prop: "name", Max: 255, Chars: anyPrintable,
		Source: "Amazon EC2 Auto Scaling API, PutScalingPolicy: PolicyName"},
	"aws:cloudwatch/logGroup:LogGroup": {Prop: "name", Max: 512, Chars: logGroupChars,
		Source: "CloudWatch Logs API, CreateLogGroup: logGroupName"},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {Prop: "name", Max: 255, Chars: anyPrintable,
		Source: "CloudWatch API, PutMetricAlarm: AlarmName"},
	"aws:cloudwatch/dashboard:Dashboard": {Prop: "dashboardName", Max: 255, Chars: snsChars,
		Source: "CloudWatch API, PutDashboard: DashboardName"},
	"aws:cloudwatch/eventRule:EventRule": {Prop: "name", Max: 64, Chars: eventRuleChars,
		Source: "EventBridge API, PutRule: Name"},
	"aws:cloudwatch/logDeliverySource:LogDeliverySource": {Prop: "name", Max: 60, Chars: deliveryChars,
		Source: "CloudWatch Logs API, PutDeliverySource: name"},
	"aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": {Prop: "name", Max: 60, Chars: deliveryChars,
		Source: "CloudWatch Logs API, PutDeliveryDestination: name"},
	"aws:sns/topic:Topic": {Prop: "name", Max: 256, Chars: snsChars,
		Source: "Amazon SNS API, CreateTopic: Name"},
	"aws:kms/alias:Alias": {Prop: "name", Max: 256, Chars: regexp.MustCompile(`^alias/[A-Za-z0-9/_-]+$`),
		Source: "AWS KMS API, CreateAlias: AliasName"},
	"aws:cloudtrail/trail:Trail": {Prop: "name", Max: 128, Chars: trailChars, EndAlnum: true, NoDouble: true,
		Source: "CloudTrail API, CreateTrail: Name (no adjacent periods, underscores or dashes)"},
	"aws:cloudfront/originAccessControl:OriginAccessControl": {Prop: "name", Max: 64, Chars: anyPrintable,
		Source: "CloudFront API, CreateOriginAccessControl: Name"},
	"aws:cloudfront/vpcOrigin:VpcOrigin": {Prop: "vpcOriginEndpointConfig.name", Max: 64, Chars: alnumHyphen,
		Source: "CloudFront API, CreateVpcOrigin: VpcOriginEndpointConfig.Name (no limit published; held to the 64 of CloudFront's other names)"},
	"aws:wafv2/webAcl:WebAcl": {Prop: "name", Max: 128, Chars: regexp.MustCompile(`^[\w-]+$`),
		Source: "AWS WAF API, CreateWebACL: Name"},
	"aws:s3/bucketObjectv2:BucketObjectv2": {Prop: "key", Max: 1024, Chars: anyPrintable,
		Source: "Amazon S3 User Guide, naming objects: keys up to 1,024 bytes of UTF-8"},
	"aws:ssm/parameter:Parameter": {Prop: "name", Max: 1011, Chars: parameterChars,
		Source: "Systems Manager API, PutParameter: Name (1011 characters with the path)"},
	"aws:ecr/repository:Repository": {Prop: "name", Max: 256, Chars: regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`), Lower: true,
		Source: "Amazon ECR API, CreateRepository: repositoryName (2-256, lowercase path components)"},
	"aws:ecs/cluster:Cluster": {Prop: "name", Max: 255, Chars: ecsChars,
		Source: "Amazon ECS API, CreateCluster: clusterName"},
	"aws:ecs/service:Service": {Prop: "name", Max: 255, Chars: ecsChars,
		Source: "Amazon ECS API, CreateService: serviceName"},
	"aws:ecs/taskDefinition:TaskDefinition": {Prop: "family", Max: 255, Chars: ecsChars,
		Source: "Amazon ECS API, RegisterTaskDefinition: family"},
	"aws:appautoscaling/policy:Policy": {Prop: "name", Max: 256, Chars: regexp.MustCompile(`^[^:]+$`),
		Source: "Application Auto Scaling API, PutScalingPolicy: PolicyName (no colon)"},
	"aws:codebuild/project:Project": {Prop: "name", Max: 255, Chars: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`),
		Source: "CodeBuild API, CreateProject: name (2-255, starting with a letter or digit)"},
	"aws:codepipeline/pipeline:Pipeline": {Prop: "name", Max: 100, Chars: regexp.MustCompile(`^[A-Za-z0-9.@_-]+$`),
		Source: "CodePipeline API, CreatePipeline: PipelineDeclaration.name"},
	"aws:codeconnections/connection:Connection": {Prop: "name", Max: 32, Chars: regexp.MustCompile(`^[\w-]+$`),
		Source: "CodeConnections API, CreateConnection: ConnectionName (1-32)"},
	"aws:codedeploy/application:Application": {Prop: "name", Max: 100, Chars: anyPrintable,
		Source: "CodeDeploy API, CreateApplication: applicationName"},
	"aws:codedeploy/deploymentGroup:DeploymentGroup": {Prop: "deploymentGroupName", Max: 100, Chars: anyPrintable,
		Source: "CodeDeploy API, CreateDeploymentGroup: deploymentGroupName"},
	"aws:codedeploy/deploymentConfig:DeploymentConfig": {Prop: "deploymentConfigName", Max: 100, Chars: anyPrintable,
		Source: "CodeDeploy API, CreateDeploymentConfig: deploymentConfigName"},
	"aws:lambda/function:Function": {Prop: "name", Max: 64, Chars: regexp.MustCompile(`^[A-Za-z0-9_-]+$`),
		Source: "Lambda API, CreateFunction: FunctionName (the name alone: 1-64 letters, digits, hyphens, underscores)"},
	"aws:sqs/queue:Queue": {Prop: "name", Max: 80, Chars: regexp.MustCompile(`^[A-Za-z0-9_-]+$`),
		Source: "Amazon SQS API, CreateQueue: QueueName (up to 80 letters, digits, hyphens, underscores)"},
	"aws:apigateway/restApi:RestApi": {Prop: "name", Max: 1024, Chars: anyPrintable,
		Source: "API Gateway API, CreateRestApi: name"},
	"aws:apigateway/model:Model": {Prop: "name", Max: 128, Chars: regexp.MustCompile(`^[A-Za-z0-9]+$`),
		Source: "API Gateway API, CreateModel: name (alphanumeric)"},
	"aws:apigateway/stage:Stage": {Prop: "stageName", Max: 128, Chars: regexp.MustCompile(`^[A-Za-z0-9_-]+$`),
		Source: "API Gateway API, CreateStage: stageName (letters, digits, hyphens, underscores; up to 128)"},
	"aws:apigateway/usagePlan:UsagePlan": {Prop: "name", Max: 1024, Chars: anyPrintable,
		Source: "API Gateway API, CreateUsagePlan: name"},
	"aws:apigateway/apiKey:ApiKey": {Prop: "name", Max: 1024, Chars: anyPrintable,
		Source: "API Gateway API, CreateApiKey: name"},
	"aws:apigateway/requestValidator:RequestValidator": {Prop: "name", Max: 1024, Chars: anyPrintable,
		Source: "API Gateway API, CreateRequestValidator: name"},
}

// Unnamed lists the types the program creates whose AWS name is chosen by AWS (an id) or is free text
// such as a Name tag: nothing to check.
var Unnamed = []string{
	"aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
	"aws:cloudfront/distribution:Distribution", "aws:cloudwatch/eventTarget:EventTarget",
	"aws:cloudwatch/logDelivery:LogDelivery", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
	"aws:ec2/eip:Eip", "aws:ec2/flowLog:FlowLog", "aws:ec2/internetGateway:InternetGateway",
	"aws:ec2/natGateway:NatGateway", "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/route:Route",
	"aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc", "aws:ec2/vpcEndpoint:VpcEndpoint",
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",
	"aws:ec2/networkInterface:NetworkInterface",
	"aws:apigateway/account:Account", "aws:apigateway/basePathMapping:BasePathMapping", "aws:apigateway/deployment:Deployment",
	"aws:apigateway/domainName:DomainName", "aws:apigateway/integration:Integration",
	"aws:apigateway/integrationResponse:IntegrationResponse", "aws:apigateway/method:Method",
	"aws:apigateway/methodResponse:MethodResponse", "aws:apigateway/methodSettings:MethodSettings",
	"aws:apigateway/resource:Resource", "aws:apigateway/response:Response", "aws:apigateway/usagePlanKey:UsagePlanKey",
	"aws:lambda/eventSourceMapping:EventSourceMapping", "aws:sqs/queuePolicy:QueuePolicy",
	"aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/key:Key",
	"aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
	"aws:route53/record:Record", "aws:route53/zone:Zone",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketLoggingV2:BucketLoggingV2",
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
	"aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:sns/topicPolicy:TopicPolicy",
	"aws:sns/topicSubscription:TopicSubscription", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
	"aws:appautoscaling/target:Target", "aws:s3/bucketNotification:BucketNotification",
}

// Check returns why AWS would refuse name under r, or nil.
func (r Rule) Check(name string) error {
	var problems []string
	if len(name) > r.Max {
		problems = append(problems, fmt.Sprintf("is %d characters, over the %d allowed", len(name), r.Max))
	}
	if r.Chars != nil && !r.Chars.MatchString(name) {
		problems = append(problems, "has characters outside "+r.Chars.String())
	}
	if r.Lower && strings.ToLower(name) != name {
		problems = append(problems, "is not lowercase")
	}
	if r.StartLetter && (name == "" || !isLetter(name[0])) {
		problems = append(problems, "does not begin with a letter")
	}
	if r.EndAlnum && (name == "" || !isAlnum(name[len(name)-1])) {
		problems = append(problems, "does not end with a letter or digit")
	}
	if r.NoDouble && (strings.Contains(name, "--") || strings.Contains(name, "__") || strings.Contains(name, "..")) {
		problems = append(problems, "has two separators in a row")
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%q %s (%s)", name, strings.Join(problems, ", "), r.Source)
}

// NamePart reports why s cannot be part of every name built from it ({project}-{env}-...): the strictest
// rules above together (RDS identifiers, trail names, bucket names) allow lowercase letters, digits and
// single hyphens, starting with a letter and not ending with a hyphen.
func NamePart(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty")
	case !isLetter(s[0]) || strings.ToLower(s[:1]) != s[:1]:
		return fmt.Errorf("does not begin with a lowercase letter")
	case !lowerAlnumHyphen.MatchString(s):
		return fmt.Errorf("has characters other than lowercase letters, digits and hyphens")
	case strings.HasSuffix(s, "-"):
		return fmt.Errorf("ends with a hyphen")
	case strings.Contains(s, "--"):
		return fmt.Errorf("has two hyphens in a row, which RDS identifiers and CloudTrail trail names refuse")
	}
	return nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnum(c byte) bool  { return isLetter(c) || (c >= '0' && c <= '9') }
