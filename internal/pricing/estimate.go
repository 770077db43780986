package pricing

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Resource is one resource of the graph as plain values: its type, logical name, id (the test kit's
// <name>-id), the region of its provider, and its inputs.
type Resource struct {
	Type, Name, ID, Region string
	Inputs                 map[string]any
}

// Usage holds the assumptions behind what is billed by use. Every estimate states them.
type Usage struct {
	// ALBLCUs is the average load balancer capacity units each load balancer uses.
	ALBLCUs float64
	// LogsGB is what the stack's log groups ingest a month, all together.
	LogsGB float64
	// S3GB is what the stack's buckets hold, all together.
	S3GB float64
	// CloudFrontGB and CloudFrontRequestsMillion are what viewers fetch a month.
	CloudFrontGB, CloudFrontRequestsMillion float64
	// InternetOutGB is what the app tier sends out through NAT a month.
	InternetOutGB float64
	// ECRGB is what the image repository holds.
	ECRGB float64
	// SpotShare is the share of the on-demand price a Fargate Spot task costs (AWS: up to 70% off).
	SpotShare float64
	// InsightsMetrics is how many Container Insights metrics a cluster with one service publishes.
	InsightsMetrics int
	// Releases is how many releases the pipeline runs a month, each BuildMinutes of CodeBuild and
	// ActionMinutes of pipeline actions.
	Releases, BuildMinutes, ActionMinutes int
	// Jobs is how many batch jobs a month the API and the schedule queue, each JobMillis of the worker.
	Jobs, JobMillis int
	// PollRequestsMillion is the worker's event source mapping polling the queue while it is empty: a few
	// long polls (20 s) at a time, all month.
	PollRequestsMillion float64
}

// DefaultUsage is a small site's month: a few thousand visits.
func DefaultUsage() Usage {
	return Usage{ALBLCUs: 1, LogsGB: 2, S3GB: 5, CloudFrontGB: 20, CloudFrontRequestsMillion: 1, InternetOutGB: 5,
		ECRGB: 1, SpotShare: 0.3, InsightsMetrics: 20, Releases: 20, BuildMinutes: 5, ActionMinutes: 15,
		Jobs: 10000, JobMillis: 200, PollRequestsMillion: 0.65}
}

// Line is one item of a bill.
type Line struct {
	Item string  // what is billed: "NAT gateway tastylog-dev-nat-1a"
	How  string  // the arithmetic: "730 h x $0.062"
	USD  float64 // a month
	// Usage marks a line that rests on the usage assumptions rather than on what the graph creates.
	Usage bool
}

// Bill is a stack's monthly estimate.
type Bill struct {
	Region string
	Lines  []Line
	// Unpriced lists resource types the estimate knows neither a price nor a reason to be free for.
	Unpriced []string
}

// Total is the bill's sum, in USD a month.
func (b Bill) Total() float64 {
	t := 0.0
	for _, l := range b.Lines {
		t += l.USD
	}
	return t
}

// Fixed is the part of the bill the graph decides: what is billed by the hour or the month.
func (b Bill) Fixed() float64 {
	t := 0.0
	for _, l := range b.Lines {
		if !l.Usage {
			t += l.USD
		}
	}
	return t
}

// free are the types that cost nothing by themselves (their traffic, where billed, is in a usage line).
var free = []string{
	"aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
	// The batch path is billed by use (the usage lines): its parts cost nothing standing.
	"aws:apigateway/account:Account", "aws:apigateway/apiKey:ApiKey", "aws:apigateway/basePathMapping:BasePathMapping",
	"aws:apigateway/deployment:Deployment", "aws:apigateway/domainName:DomainName", "aws:apigateway/integration:Integration",
	"aws:apigateway/integrationResponse:IntegrationResponse", "aws:apigateway/method:Method",
	"aws:apigateway/methodResponse:MethodResponse", "aws:apigateway/methodSettings:MethodSettings", "aws:apigateway/model:Model",
	"aws:apigateway/requestValidator:RequestValidator", "aws:apigateway/resource:Resource", "aws:apigateway/response:Response",
	"aws:apigateway/stage:Stage", "aws:apigateway/usagePlan:UsagePlan", "aws:apigateway/usagePlanKey:UsagePlanKey",
	"aws:lambda/eventSourceMapping:EventSourceMapping", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy",
	"aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
	"aws:appautoscaling/policy:Policy", "aws:appautoscaling/target:Target", "aws:autoscaling/policy:Policy",
	"aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/vpcOrigin:VpcOrigin",
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:cloudfront/cachePolicy:CachePolicy",
	"aws:cloudtrail/trail:Trail", // the first copy of management events is free
	"aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
	"aws:cloudwatch/logDelivery:LogDelivery", "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
	"aws:cloudwatch/logDeliverySource:LogDeliverySource", "aws:cloudwatch/logGroup:LogGroup",
	"aws:codebuild/project:Project", "aws:codeconnections/connection:Connection",
	"aws:codedeploy/application:Application", "aws:codedeploy/deploymentConfig:DeploymentConfig",
	"aws:codedeploy/deploymentGroup:DeploymentGroup",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/flowLog:FlowLog", "aws:ec2/internetGateway:InternetGateway",
	"aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/networkInterface:NetworkInterface",
	"aws:ec2/route:Route", "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc",
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions",
	"aws:ec2/keyPair:KeyPair",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repository:Repository", "aws:ecr/repositoryPolicy:RepositoryPolicy",
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws:ecs/taskDefinition:TaskDefinition",
	"aws:iam/instanceProfile:InstanceProfile", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/alias:Alias",
	"aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/targetGroup:TargetGroup",
	"aws:rds/eventSubscription:EventSubscription", "aws:rds/optionGroup:OptionGroup",
	"aws:rds/parameterGroup:ParameterGroup", "aws:rds/subnetGroup:SubnetGroup",
	"aws:route53/record:Record",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketLoggingV2:BucketLoggingV2",
	"aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
	"aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
	"aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
	"aws:s3/bucketV2:BucketV2", "aws:s3/bucketVersioningV2:BucketVersioningV2",
	"aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription",
	"aws:ssm/parameter:Parameter", // standard parameters
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
	"random:index/randomPassword:RandomPassword",
}

// estimator builds one bill.
type estimator struct {
	region string
	rs     []Resource
	u      Usage
	bill   Bill
}

// Estimate prices the graph rs of a stack in region under the usage assumptions u.
func Estimate(region string, rs []Resource, u Usage) Bill {
	e := &estimator{region: region, rs: rs, u: u, bill: Bill{Region: region}}
	e.run()
	return e.bill
}

func (e *estimator) price(region, key string) float64 {
	p, ok := Lookup(region, key)
	if !ok {
		e.unpriced(fmt.Sprintf("%s in %s", key, region))
	}
	return p.USD
}

func (e *estimator) unpriced(what string) {
	if !slices.Contains(e.bill.Unpriced, what) {
		e.bill.Unpriced = append(e.bill.Unpriced, what)
	}
}

func (e *estimator) add(usage bool, item, how string, usd float64) {
	e.bill.Lines = append(e.bill.Lines, Line{Item: item, How: how, USD: round(usd), Usage: usage})
}

func (e *estimator) hourly(item string, count float64, key, region string) {
	p := e.price(region, key)
	how := fmt.Sprintf("730 h x $%s", num(p))
	if count != 1 {
		how = fmt.Sprintf("%s x %s", num(count), how)
	}
	e.add(false, item, how, count*HoursPerMonth*p)
}

func (e *estimator) byID(id string) *Resource {
	for i := range e.rs {
		if e.rs[i].ID == id {
			return &e.rs[i]
		}
	}
	return nil
}

func (e *estimator) run() {
	alarms := map[string]int{}
	var buckets, logGroups, repos, distributions, pipelines, apis int
	workerMB := 0.0
	nat := false
	for _, r := range e.rs {
		region := r.Region
		if region == "" {
			region = e.region
		}
		switch r.Type {
		case "aws:ec2/natGateway:NatGateway":
			nat = true
			e.hourly("NAT gateway "+r.Name, 1, NatGatewayHour, region)
		case "aws:ec2/eip:Eip":
			e.hourly("Public IPv4 address "+r.Name, 1, PublicIPv4Hour, region)
		case "aws:autoscaling/group:Group":
			e.servers(r, region)
			if strings.Contains(r.Name, "-nat-") {
				nat = true
			}
		case "aws:rds/instance:Instance":
			e.database(r, region)
		case "aws:lb/loadBalancer:LoadBalancer":
			e.hourly("Load balancer "+r.Name, 1, ALBHour, region)
			if internal, _ := r.Inputs["internal"].(bool); !internal {
				subnets, _ := r.Inputs["subnets"].([]any)
				e.hourly("Public IPv4 addresses of "+r.Name, float64(len(subnets)), PublicIPv4Hour, region)
			}
			e.add(true, "Load balancer capacity units "+r.Name, fmt.Sprintf("%s LCU x 730 h x $%s", num(e.u.ALBLCUs), num(e.price(region, ALBLCUHour))),
				e.u.ALBLCUs*HoursPerMonth*e.price(region, ALBLCUHour))
		case "aws:ecs/service:Service":
			e.tasks(r, region)
		case "aws:ecs/cluster:Cluster":
			if insights(r) {
				p := e.price(region, MetricMonth)
				e.add(true, "Container Insights metrics "+r.Name, fmt.Sprintf("%d metrics x $%s", e.u.InsightsMetrics, num(p)), float64(e.u.InsightsMetrics)*p)
			}
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			if t, _ := r.Inputs["vpcEndpointType"].(string); t == "Interface" {
				subnets, _ := r.Inputs["subnetIds"].([]any)
				e.hourly(fmt.Sprintf("Interface endpoint %s (%d AZ)", r.Name, len(subnets)), float64(len(subnets)), EndpointAZHour, region)
			}
		case "aws:kms/key:Key":
			e.add(false, "KMS key "+r.Name, "1 key-month", e.price(region, KMSKeyMonth))
		case "aws:cloudwatch/metricAlarm:MetricAlarm":
			alarms[region]++
		case "aws:cloudwatch/dashboard:Dashboard":
			e.add(false, "Dashboard "+r.Name, "1 dashboard-month", e.price(region, DashboardMonth))
		case "aws:wafv2/webAcl:WebAcl":
			rules, _ := r.Inputs["rules"].([]any)
			acl, rule, req := e.price(Global, WebACLMonth), e.price(Global, WAFRuleMonth), e.price(Global, WAFRequestsMillion)
			e.add(false, "Web ACL "+r.Name, fmt.Sprintf("$%s + %d rules x $%s", num(acl), len(rules), num(rule)), acl+float64(len(rules))*rule)
			e.add(true, "Web ACL requests", fmt.Sprintf("%s M x $%s", num(e.u.CloudFrontRequestsMillion), num(req)), e.u.CloudFrontRequestsMillion*req)
		case "aws:route53/zone:Zone":
			e.add(false, "Hosted zone "+r.Name, "1 zone-month", e.price(Global, HostedZoneMonth))
		case "aws:cloudfront/distribution:Distribution":
			distributions++
		case "aws:s3/bucketV2:BucketV2":
			buckets++
		case "aws:cloudwatch/logGroup:LogGroup":
			logGroups++
		case "aws:ecr/repository:Repository":
			repos++
		case "aws:codepipeline/pipeline:Pipeline":
			pipelines++
		case "aws:apigateway/restApi:RestApi":
			apis++
		case "aws:lambda/function:Function":
			workerMB += number(r.Inputs["memorySize"])
		default:
			if !slices.Contains(free, r.Type) && (strings.HasPrefix(r.Type, "aws:") || strings.HasPrefix(r.Type, "random:")) {
				e.unpriced(r.Type)
			}
		}
	}
	regions := make([]string, 0, len(alarms))
	for r := range alarms {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, region := range regions {
		p := e.price(region, AlarmMonth)
		e.add(false, fmt.Sprintf("CloudWatch alarms in %s", region), fmt.Sprintf("%d x $%s", alarms[region], num(p)), float64(alarms[region])*p)
	}
	if distributions > 0 {
		gb, req := e.price(Global, CloudFrontGB), e.price(Global, CloudFrontHTTPS10k)
		e.add(true, "CloudFront data out", fmt.Sprintf("%s GB x $%s", num(e.u.CloudFrontGB), num(gb)), e.u.CloudFrontGB*gb)
		e.add(true, "CloudFront requests", fmt.Sprintf("%s M x $%s per 10k", num(e.u.CloudFrontRequestsMillion), num(req)), e.u.CloudFrontRequestsMillion*100*req)
	}
	if nat {
		p := e.price(e.region, InternetOutGB)
		e.add(true, "Data out to the internet through NAT", fmt.Sprintf("%s GB x $%s", num(e.u.InternetOutGB), num(p)), e.u.InternetOutGB*p)
		if slices.ContainsFunc(e.rs, func(r Resource) bool { return r.Type == "aws:ec2/natGateway:NatGateway" }) {
			g := e.price(e.region, NatGatewayGB)
			e.add(true, "NAT gateway data processed", fmt.Sprintf("%s GB x $%s", num(e.u.InternetOutGB), num(g)), e.u.InternetOutGB*g)
		}
	}
	if logGroups > 0 {
		p := e.price(e.region, LogsIngestGB)
		e.add(true, fmt.Sprintf("Logs ingested (%d groups)", logGroups), fmt.Sprintf("%s GB x $%s", num(e.u.LogsGB), num(p)), e.u.LogsGB*p)
	}
	if buckets > 0 {
		p := e.price(e.region, S3GBMonth)
		e.add(true, fmt.Sprintf("S3 storage (%d buckets)", buckets), fmt.Sprintf("%s GB x $%s", num(e.u.S3GB), num(p)), e.u.S3GB*p)
	}
	if repos > 0 {
		p := e.price(e.region, ECRGBMonth)
		e.add(true, "Image storage", fmt.Sprintf("%s GB x $%s", num(e.u.ECRGB), num(p)), e.u.ECRGB*p)
	}
	if pipelines > 0 {
		b, a := e.price(e.region, CodeBuildMinuteSmall), e.price(e.region, PipelineV2ActionMin)
		e.add(true, "Pipeline releases", fmt.Sprintf("%d releases x (%d build min x $%s + %d action min x $%s)", e.u.Releases, e.u.BuildMinutes, num(b), e.u.ActionMinutes, num(a)),
			float64(e.u.Releases)*(float64(e.u.BuildMinutes)*b+float64(e.u.ActionMinutes)*a))
	}
	if apis > 0 {
		p := e.price(e.region, RestAPIMillion)
		m := float64(e.u.Jobs) / 1e6
		e.add(true, "Jobs API calls", fmt.Sprintf("%s M x $%s", num(m), num(p)), m*p)
	}
	if workerMB > 0 {
		q, l, g := e.price(e.region, SQSMillion), e.price(e.region, LambdaMillion), e.price(e.region, LambdaArmGBSecond)
		// Each job: a send, a receive and a delete; plus the empty long polls.
		sqsM := 3*float64(e.u.Jobs)/1e6 + e.u.PollRequestsMillion
		e.add(true, "Queue requests (jobs and the worker's long polls)", fmt.Sprintf("%s M x $%s", num(sqsM), num(q)), sqsM*q)
		gbs := float64(e.u.Jobs) * float64(e.u.JobMillis) / 1000 * workerMB / 1024
		inv := float64(e.u.Jobs) / 1e6
		e.add(true, "Worker invocations and duration", fmt.Sprintf("%s M x $%s + %s GB-s x $%s", num(inv), num(l), num(gbs), num(g)), inv*l+gbs*g)
	}
	sort.Strings(e.bill.Unpriced)
}

// servers prices an Auto Scaling group at its desired capacity: the instances of its launch template and
// their root volumes.
func (e *estimator) servers(r Resource, region string) {
	count := number(r.Inputs["desiredCapacity"])
	if count == 0 {
		count = number(r.Inputs["minSize"])
	}
	ltRef, _ := r.Inputs["launchTemplate"].(map[string]any)
	id, _ := ltRef["id"].(string)
	lt := e.byID(id)
	if lt == nil {
		e.unpriced("launch template of " + r.Name)
		return
	}
	typ, _ := lt.Inputs["instanceType"].(string)
	hour, ok := instanceHour[region][typ]
	if !ok {
		e.unpriced(fmt.Sprintf("instance type %s in %s", typ, region))
	}
	e.add(false, fmt.Sprintf("Instances of %s (%s)", r.Name, typ), fmt.Sprintf("%s x 730 h x $%s", num(count), num(hour)), count*HoursPerMonth*hour)
	size := 8.0
	if bdm, _ := lt.Inputs["blockDeviceMappings"].([]any); len(bdm) > 0 {
		if m, _ := bdm[0].(map[string]any); m != nil {
			if ebs, _ := m["ebs"].(map[string]any); ebs != nil && number(ebs["volumeSize"]) > 0 {
				size = number(ebs["volumeSize"])
			}
		}
	}
	p := e.price(region, EBSgp3GBMonth)
	e.add(false, "Root volumes of "+r.Name, fmt.Sprintf("%s x %s GB x $%s", num(count), num(size), num(p)), count*size*p)
}

// database prices an RDS instance: its class by the hour and its storage, twice with Multi-AZ.
func (e *estimator) database(r Resource, region string) {
	class, _ := r.Inputs["instanceClass"].(string)
	hour, ok := dbInstanceHour[region][class]
	if !ok {
		e.unpriced(fmt.Sprintf("database class %s in %s", class, region))
	}
	copies, az := 1.0, "single-AZ"
	if multi, _ := r.Inputs["multiAz"].(bool); multi {
		copies, az = 2, "Multi-AZ"
	}
	e.add(false, fmt.Sprintf("Database %s (%s, %s)", r.Name, class, az), fmt.Sprintf("%s x 730 h x $%s", num(copies), num(hour)), copies*HoursPerMonth*hour)
	size := number(r.Inputs["allocatedStorage"])
	if size == 0 {
		size = 20
	}
	p := e.price(region, RDSgp3GBMonth)
	e.add(false, "Database storage "+r.Name, fmt.Sprintf("%s x %s GB x $%s", num(copies), num(size), num(p)), copies*size*p)
}

// tasks prices a Fargate service's tasks at its desired count, by its task definition's size and
// architecture, at the Spot share when it runs on Fargate Spot.
func (e *estimator) tasks(r Resource, region string) {
	var td *Resource
	ref, _ := r.Inputs["taskDefinition"].(string)
	for i := range e.rs {
		if e.rs[i].Type == "aws:ecs/taskDefinition:TaskDefinition" {
			family, _ := e.rs[i].Inputs["family"].(string)
			if td == nil || family != "" && strings.Contains(ref, family) {
				td = &e.rs[i]
			}
		}
	}
	if td == nil {
		e.unpriced("task definition of " + r.Name)
		return
	}
	count := number(r.Inputs["desiredCount"])
	cpu, mem := number(td.Inputs["cpu"])/1024, number(td.Inputs["memory"])/1024
	arch := "X86_64"
	if rp, _ := td.Inputs["runtimePlatform"].(map[string]any); rp != nil {
		if a, _ := rp["cpuArchitecture"].(string); a != "" {
			arch = a
		}
	}
	vKey, gKey := FargateVCPUHourX86, FargateGBHourX86
	if arch == "ARM64" {
		vKey, gKey = FargateVCPUHourArm, FargateGBHourArm
	}
	v, g := e.price(region, vKey), e.price(region, gKey)
	share, capacity := 1.0, "on-demand"
	if s, _ := r.Inputs["capacityProviderStrategies"].([]any); len(s) > 0 {
		if m, _ := s[0].(map[string]any); m != nil && m["capacityProvider"] == "FARGATE_SPOT" {
			share, capacity = e.u.SpotShare, fmt.Sprintf("Spot at %s of on-demand", num(e.u.SpotShare))
		}
	}
	e.add(false, fmt.Sprintf("Tasks of %s (%s vCPU, %s GB, %s, %s)", r.Name, num(cpu), num(mem), arch, capacity),
		fmt.Sprintf("%s x 730 h x ($%s x %s + $%s x %s) x %s", num(count), num(v), num(cpu), num(g), num(mem), num(share)),
		count*HoursPerMonth*(v*cpu+g*mem)*share)
}

func insights(r Resource) bool {
	settings, _ := r.Inputs["settings"].([]any)
	for _, s := range settings {
		if m, _ := s.(map[string]any); m != nil && m["name"] == "containerInsights" && m["value"] != "disabled" {
			return true
		}
	}
	return false
}

// number reads a plain numeric input (float64 from the engine, a string for some fields).
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case string:
		var f float64
		if _, err := fmt.Sscan(n, &f); err == nil {
			return f
		}
	}
	return 0
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// num prints a number without trailing zeros: 0.062, 730, 0.25.
func num(x float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.5f", x), "0"), ".")
}

// Markdown renders the bill as a table, fixed items first, then the usage-based ones, with totals.
func (b Bill) Markdown() string {
	var sb strings.Builder
	sb.WriteString("| item | how | a month |\n| --- | --- | ---: |\n")
	lines := slices.Clone(b.Lines)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].USD > lines[j].USD })
	for _, usage := range []bool{false, true} {
		for _, l := range lines {
			if l.Usage == usage {
				fmt.Fprintf(&sb, "| %s | %s | $%.2f |\n", l.Item, l.How, l.USD)
			}
		}
		if !usage {
			fmt.Fprintf(&sb, "| **by the hour and the month** | | **$%.2f** |\n", b.Fixed())
		}
	}
	fmt.Fprintf(&sb, "| **total** | | **$%.2f** |\n", b.Total())
	return sb.String()
}

// SetUsage sets one usage assumption by its field name (case-insensitive, such as cloudFrontGB=100), for
// a plan that prices another month than the default.
func (u *Usage) SetUsage(name, value string) error {
	v := reflect.ValueOf(u).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		n, err := strconv.ParseFloat(value, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("usage %s=%q: want a number, 0 or more", name, value)
		}
		switch v.Field(i).Kind() {
		case reflect.Int:
			v.Field(i).SetInt(int64(n))
		default:
			v.Field(i).SetFloat(n)
		}
		return nil
	}
	var names []string
	for i := range v.NumField() {
		names = append(names, v.Type().Field(i).Name)
	}
	return fmt.Errorf("usage %s: not an assumption; known: %s", name, strings.Join(names, ", "))
}
