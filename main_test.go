package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/compute"
	"github.com/tastylog/infra/edge"
	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/edgespec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/naming"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/stackconfig"
	"github.com/tastylog/infra/internal/stackfile"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/network"
	"github.com/tastylog/infra/policy"
)

const (
	typeInstance       = "aws:rds/instance:Instance"
	typeSubnetGroup    = "aws:rds/subnetGroup:SubnetGroup"
	typeParameter      = "aws:ssm/parameter:Parameter"
	typeBucket         = "aws:s3/bucketV2:BucketV2"
	typePAB            = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketPolicy   = "aws:s3/bucketPolicy:BucketPolicy"
	typeProvider       = "pulumi:providers:aws"
	typeGroup          = "aws:autoscaling/group:Group"
	typeLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	typeTargetGroup    = "aws:lb/targetGroup:TargetGroup"
	typeIngressRule    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeNat            = "aws:ec2/natGateway:NatGateway"
	typeEndpoint       = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeSubnet         = "aws:ec2/subnet:Subnet"
	typeCertificate    = "aws:acm/certificate:Certificate"
	typeRecord         = "aws:route53/record:Record"
	typeAlb            = "aws:lb/loadBalancer:LoadBalancer"
	typeDistribution   = "aws:cloudfront/distribution:Distribution"
	typeAlarm          = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTrail          = "aws:cloudtrail/trail:Trail"
	typeFlowLog        = "aws:ec2/flowLog:FlowLog"
	typeVersioning     = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeVpcOrigin      = "aws:cloudfront/vpcOrigin:VpcOrigin"
	typeNacl           = "aws:ec2/networkAcl:NetworkAcl"
	typeService        = "aws:ecs/service:Service"
	typeTaskDef        = "aws:ecs/taskDefinition:TaskDefinition"
	typeRole           = "aws:iam/role:Role"
	typeRolePolicy     = "aws:iam/rolePolicy:RolePolicy"
)

// stacks lists the shipped stack files: Pulumi.<stack>.yaml.
func stacks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("Pulumi.*.yaml")
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(f, "Pulumi."), ".yaml"))
	}
	require.NotEmpty(t, out)
	return out
}

func objectKeys() []string {
	var keys []string
	for k := range stackconfig.ObjectFields() {
		keys = append(keys, k)
	}
	return keys
}

// runStack runs the real program with the config the CLI would hand it for stack, plus overrides.
func runStack(t *testing.T, stack string, overrides map[string]string) (*testkit.Mocks, pulumi.Map, error) {
	t.Helper()
	config, err := stackfile.StackConfig(".", stack, objectKeys())
	require.NoError(t, err)
	for k, v := range overrides {
		config[k] = v
	}
	m := testkit.New("tastylog", stack, config["aws:region"])
	var outputs pulumi.Map
	err = m.Run(config, func(ctx *pulumi.Context) error {
		var err error
		outputs, err = program(ctx, keysOf(config))
		return err
	})
	return m, outputs, err
}

// modes are the two ways a site is served: as shipped (no domain, CloudFront's hostname) and with a domain.
var modes = []struct {
	name      string
	overrides map[string]string
	// emptyOutputs may be "" or [] in this mode.
	emptyOutputs []string
}{
	{"NoDomain", nil, []string{"dbReplicaAddress", "hostedZoneId", "nameServers", "cloudFrontCertificateArn", "albCertificateArn"}},
	{"Domain", map[string]string{"tastylog:domain": "example.com", "tastylog:createHostedZone": "true"}, []string{"dbReplicaAddress"}},
	{"ExistingZoneAndCertificates", map[string]string{"tastylog:domain": "example.com", "tastylog:hostedZoneId": "Z0123456789ABCDEFGHIJ",
		"tastylog:cloudFrontCertificateArn": testkit.Certificates[0].Arn, "tastylog:albCertificateArn": testkit.Certificates[1].Arn},
		[]string{"dbReplicaAddress", "nameServers"}},
}

// otherComputeMode returns the overrides that run stack in the compute mode its file does not choose: the
// mode flipped, the keys of its own mode cleared (a grace period too short for servers with them).
func otherComputeMode(t *testing.T, stack string) map[string]string {
	t.Helper()
	config, err := stackfile.StackConfig(".", stack, objectKeys())
	require.NoError(t, err)
	mode, clear, other := computespec.ModeEC2, computespec.EC2Keys, computespec.ModeFargate
	if config["tastylog:"+computespec.KeyComputeMode] == computespec.ModeFargate {
		mode, clear, other = computespec.ModeFargate, computespec.FargateKeys, computespec.ModeEC2
	}
	_ = mode
	out := map[string]string{"tastylog:" + computespec.KeyComputeMode: other}
	for _, k := range clear {
		if _, set := config["tastylog:"+k]; set {
			out["tastylog:"+k] = ""
		}
	}
	if other == computespec.ModeEC2 {
		out["tastylog:"+computespec.KeyAppArchitecture] = "" // the servers' follows their instance type
		if g, _ := strconv.Atoi(config["tastylog:"+computespec.KeyAppHealthCheckGracePeriod]); g > 0 && g < computespec.MinGracePeriod {
			out["tastylog:"+computespec.KeyAppHealthCheckGracePeriod] = ""
		}
	} else if config["tastylog:"+netspec.KeyAdminCidrs] != "" {
		out["tastylog:"+netspec.KeyAdminCidrs] = ""
	}
	return out
}

// merged is a with b's entries on top.
func merged(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, b)
	return out
}

// exampleStack turns every option on (Pulumi.example.yaml), its domain included: it runs as shipped.
const exampleStack = "example"

func TestShippedStacks(t *testing.T) {
	t.Parallel()
	for _, stack := range stacks(t) {
		if stack == exampleStack {
			// Its pipeline's source is GitHub: there is no S3 source object. Both compute modes: the servers'
			// rollout and the tasks' blue/green deployment.
			t.Run(stack, func(t *testing.T) { t.Parallel(); checkStack(t, stack, nil, []string{"pipelineSourceObject"}) })
			t.Run(stack+"/OtherComputeMode", func(t *testing.T) {
				t.Parallel()
				checkStack(t, stack, otherComputeMode(t, stack), []string{"pipelineSourceObject"})
			})
			continue
		}
		for _, mode := range modes {
			t.Run(stack+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				checkStack(t, stack, mode.overrides, mode.emptyOutputs)
			})
		}
		// Both compute modes of each stack file, with and without a domain.
		for _, mode := range modes[:2] {
			t.Run(stack+"/OtherComputeMode/"+mode.name, func(t *testing.T) {
				t.Parallel()
				checkStack(t, stack, merged(mode.overrides, otherComputeMode(t, stack)), mode.emptyOutputs)
			})
		}
	}
}

// checkReachability asserts the front door: nothing outside CloudFront's VPC origin reaches the load
// balancer. It is internal, in the private subnets; its group's one ingress is CloudFront's origin-facing
// list on the origin port; the distribution reaches it only through a VPC origin for this load balancer;
// no group admits the world, and the public tier's ACL lets the internet answer the NAT gateways only.
func checkReachability(t *testing.T, m *testkit.Mocks, net string, originPort int) {
	t.Helper()
	alb := m.One(t, typeAlb, net+"-app-alb")
	assert.True(t, alb.Bool("internal"), "the load balancer has no public address")
	assert.Equal(t, []string{net + "-private-subnet-1a-id", net + "-private-subnet-1c-id"}, alb.Strings("subnets"))
	assert.Equal(t, []string{net + "-web-sg-id"}, alb.Strings("securityGroups"))
	var web []*testkit.Resource
	for _, r := range m.ByType(typeIngressRule) {
		assert.NotEqual(t, "0.0.0.0/0", r.Str("cidrIpv4"), "%s admits the world", r.Name)
		if r.Str("securityGroupId") == net+"-web-sg-id" {
			web = append(web, r)
		} else {
			assert.NotEqual(t, testkit.CloudFrontPrefixListID, r.Str("prefixListId"), "%s: CloudFront reaches the load balancer only", r.Name)
		}
	}
	// The one other source, with blue/green deployments: the app tier, on the test listener's port.
	web = slices.DeleteFunc(web, func(r *testkit.Resource) bool {
		if r.Str("referencedSecurityGroupId") != net+"-app-sg-id" {
			return false
		}
		assert.NotEqual(t, originPort, r.Int("fromPort"), "the app tier reaches only the test listener")
		assert.NotNil(t, m.Find("aws:codedeploy/deploymentGroup:DeploymentGroup", net+"-app-group"), "a test port only for blue/green deployments")
		return true
	})
	if assert.Len(t, web, 1, "the load balancer's group admits one source from outside the app tier") {
		assert.Equal(t, testkit.CloudFrontPrefixListID, web[0].Str("prefixListId"), "the load balancer admits CloudFront only")
		assert.Equal(t, originPort, web[0].Int("fromPort"), "on the one port the distribution uses")
		assert.Equal(t, originPort, web[0].Int("toPort"))
	}
	vo := m.One(t, typeVpcOrigin, net+"-app-alb-vpc-origin")
	assert.Contains(t, vo.Str("vpcOriginEndpointConfig.arn"), ":loadbalancer/app/"+alb.Name+"/", "the VPC origin is this load balancer")
	for _, o := range m.One(t, typeDistribution, net+"-cdn").Objects("origins") {
		assert.Nil(t, o["customOriginConfig"], "origin %s: no origin across the internet", o["originId"])
		if o["originId"] == "alb" {
			assert.Equal(t, vo.ID, o["vpcOriginConfig"].(map[string]any)["vpcOriginId"])
		}
	}
	for _, e := range m.One(t, typeNacl, net+"-public-nacl").Objects("ingress") {
		if e["cidrBlock"] == "0.0.0.0/0" {
			assert.GreaterOrEqual(t, e["fromPort"], float64(1024), "the internet reaches no service in the public tier")
		}
	}
}

// checkStack runs the program for stack with overrides and checks the graph-wide rules.
func checkStack(t *testing.T, stack string, overrides map[string]string, emptyOutputs []string) {
	t.Helper()
	m, outputs, err := runStack(t, stack, overrides)
	require.NoError(t, err)
	withDomain := overrides["tastylog:domain"] != "" || stack == exampleStack

	providers := map[string]*testkit.Resource{}
	for _, p := range m.ByType(typeProvider) {
		providers[p.Name] = p
		tags, _ := p.Input("defaultTags").(map[string]any)["tags"].(map[string]any)
		profile := "production"
		if stack == "dev" {
			profile = "disposable"
		}
		assert.Equal(t, map[string]any{"Project": "tastylog", "Env": stack, "ManagedBy": "pulumi", "Profile": profile}, tags, "%s default tags", p.Name)
	}
	require.Contains(t, providers, "aws-app")
	require.Contains(t, providers, "aws-us-east-1")
	assert.Equal(t, "ap-northeast-1", providers["aws-app"].Str("region"))
	assert.Equal(t, "us-east-1", providers["aws-us-east-1"].Str("region"))

	// Graph-wide rules.
	for _, r := range m.All() {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		p := m.ProviderOf(r)
		if assert.NotNil(t, p, "%s %s has an explicit provider", r.Type, r.Name) {
			assert.Equal(t, typeProvider, p.Type)
		}
		parent := m.ByURN(r.Parent)
		if assert.NotNil(t, parent, "%s %s has a parent", r.Type, r.Name) {
			assert.True(t, strings.HasPrefix(parent.Type, "tastylog:"), "%s %s is parented to a layer component, not the stack", r.Type, r.Name)
		}
		assert.True(t, strings.HasPrefix(r.Name, "tastylog-"+stack+"-"), "%s follows {project}-{env}-{role}", r.Name)
	}
	originPort := 80
	if withDomain {
		originPort = 443
	}
	checkReachability(t, m, "tastylog-"+stack, originPort)
	for _, r := range m.All() {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		region := m.ProviderOf(r).Str("region")
		usEast1 := strings.Contains(r.Name, "-cloudfront-cert") && r.Type != typeRecord ||
			strings.Contains(r.Name, "-cloudfront-log-") || strings.Contains(r.Name, "-global-alerts") ||
			strings.Contains(r.Name, "-web-acl") ||
			strings.HasSuffix(r.Name, "-cloudfront-5xx-rate")
		if usEast1 {
			assert.Equal(t, "us-east-1", region, "%s %s must live in us-east-1", r.Type, r.Name)
		} else {
			assert.Equal(t, "ap-northeast-1", region, "%s %s belongs in the app region", r.Type, r.Name)
		}
	}
	if cfArn := overrides["tastylog:cloudFrontCertificateArn"]; cfArn != "" {
		assert.Empty(t, m.ByType(typeCertificate), "existing certificates are used, none is issued")
		viewer, _ := m.One(t, typeDistribution, "tastylog-"+stack+"-cdn").Input("viewerCertificate").(map[string]any)
		assert.Equal(t, cfArn, viewer["acmCertificateArn"])
	} else if withDomain {
		cert := m.One(t, typeCertificate, "tastylog-"+stack+"-cloudfront-cert")
		assert.Equal(t, "us-east-1", m.ProviderOf(cert).Str("region"), "CloudFront takes certificates from us-east-1 only")
		assert.Equal(t, stack+".example.com", cert.Str("domainName"))
	}
	assert.Len(t, m.ByType(network.Type), 1)
	assert.Len(t, m.ByType(typeSubnet), 6)

	// The stateful layer.
	net := "tastylog-" + stack
	db := m.One(t, typeInstance, net+"-mysql-standalone")
	group := m.One(t, typeSubnetGroup, net+"-mysql-standalone-subnetgroup")
	assert.Equal(t, []string{net + "-db-subnet-1a-id", net + "-db-subnet-1c-id"}, group.Strings("subnetIds"), "the database lives in the db tier")
	assert.Equal(t, []string{net + "-db-sg-id"}, db.Strings("vpcSecurityGroupIds"), "only the db security group")
	assert.True(t, db.Bool("storageEncrypted"))
	assert.False(t, db.Bool("publiclyAccessible"))
	assert.True(t, db.IsSecret("password"))
	types := map[string]string{}
	for _, p := range m.ByType(typeParameter) {
		if p.Str("type") == "SecureString" {
			assert.True(t, p.IsSecret("value"), "%s is secret", p.Str("name"))
		}
		types[p.Str("name")] = p.Str("type")
	}
	path := "/tastylog/" + stack + "/app/"
	assert.Equal(t, map[string]string{
		path + "MYSQL_HOST": "String", path + "MYSQL_PORT": "String", path + "MYSQL_DATABASE": "String", path + "MYSQL_SSL": "String",
		path + "MYSQL_USERNAME": "SecureString", path + "MYSQL_PASSWORD": "SecureString", path + "SESSION_SECRET": "SecureString",
	}, types, "the Parameter Store contract")
	for _, role := range []string{"static", "deploy"} {
		versioning := m.One(t, typeVersioning, net+"-"+role+"-bucket-versioning")
		assert.Equal(t, "Enabled", versioning.Input("versioningConfiguration").(map[string]any)["status"], role)
	}
	for _, b := range m.ByType(typeBucket) {
		pab := m.One(t, typePAB, b.Name+"-public-access-block")
		assert.Equal(t, b.Str("bucket"), pab.Str("bucket"))
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			assert.True(t, pab.Bool(k), "%s: %s", b.Name, k)
		}
		assert.Contains(t, m.One(t, typeBucketPolicy, b.Name+"-policy").Str("policy"), `"aws:SecureTransport":["false"]`, b.Name)
	}

	// What runs the app, and what watches it.
	dims := map[string]any{}
	if m.Find(typeService, net+"-app") != nil {
		dims = checkTasks(t, m, net, path)
	} else {
		dims = checkServers(t, m, net, path)
	}
	// Observability watches this stack's resources, named from their outputs.
	alb := m.One(t, typeAlb, net+"-app-alb")
	albSuffix := "app/" + alb.Name + "/50dc6c495c0c9188"
	tg := m.ByType(typeTargetGroup)[0]
	dims["alb-5xx"] = map[string]any{"LoadBalancer": albSuffix}
	dims["target-5xx"] = map[string]any{"LoadBalancer": albSuffix, "TargetGroup": "targetgroup/" + tg.Name + "/0123456789abcdef"}
	dims["db-cpu"] = map[string]any{"DBInstanceIdentifier": db.Name + testkit.AutonameSuffix}
	dims["cloudfront-5xx-rate"] = map[string]any{"DistributionId": m.One(t, typeDistribution, net+"-cdn").ID, "Region": "Global"}
	for key, want := range dims {
		assert.Equal(t, want, m.One(t, typeAlarm, net+"-"+key).Input("dimensions"), key)
	}
	for _, a := range m.ByType(typeAlarm) {
		assert.NotEmpty(t, a.Strings("alarmActions"), "%s has alarm actions", a.Name)
		assert.NotEmpty(t, a.Strings("okActions"), "%s has OK actions", a.Name)
	}
	trail := m.One(t, typeTrail, net+"-trail")
	var logsPolicy iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeBucketPolicy, net+"-trail-bucket-policy").Str("policy")), &logsPolicy))
	found := false
	for _, st := range logsPolicy.Statement {
		if st.Sid == "CloudTrailWrite" {
			found = true
			assert.Equal(t, []string{"arn:aws:s3:::" + trail.Str("s3BucketName") + "/AWSLogs/" + testkit.AccountID + "/*"},
				st.Resource, "the trail writes where its bucket admits it")
			assert.Contains(t, st.Condition["StringEquals"]["aws:SourceArn"][0], ":trail/"+trail.Str("name"))
		}
	}
	assert.True(t, found, "the trail bucket admits the trail")
	assert.Equal(t, net+"-vpc-id", m.One(t, typeFlowLog, net+"-vpc-flow-logs").Str("vpcId"), "flow logs on this VPC")

	// The policy pack's rules hold for the whole graph.
	for _, v := range policy.Check(policy.Rules, m.PolicyResources()) {
		t.Errorf("policy violation: %s", v)
	}

	// Every output resolves, and none carries a secret.
	for name, out := range outputs {
		res, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(out))
		assert.NoError(t, err, name)
		assert.False(t, res.Secret, "output %s is secret: secrets are never exported", name)
		if !slices.Contains(emptyOutputs, name) && !(name == "stackKeyArn" && m.Find("aws:kms/key:Key", net+"-stack-key") == nil) &&
			!(name == "natInstanceGroupName" && m.Find(typeGroup, net+"-nat-asg") == nil) &&
			!(name == "peeringConnectionIds" && len(m.ByType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) == 0) &&
			!(name == "resultsBucketName" && m.Find(typeBucket, net+"-results-bucket") == nil) &&
			!(name == "batchApiKeyId" && m.Find("aws:apigateway/apiKey:ApiKey", net+"-batch-key") == nil) {
			assert.NotEmpty(t, res.Value, "output %s", name)
		}
	}
}

// What differs between the environments lives in the stack files, and this is what it must buy.
func TestEnvironmentsDiffer(t *testing.T) {
	dev, _, err := runStack(t, "dev", nil)
	require.NoError(t, err)
	assert.Empty(t, dev.ByType(typeNat), "dev runs no NAT gateway")
	natASG := dev.One(t, typeGroup, "tastylog-dev-nat-asg")
	assert.Equal(t, 1, natASG.Int("maxSize"), "dev's way out is one NAT instance")
	assert.Equal(t, "t4g.nano", dev.One(t, typeLaunchTemplate, "tastylog-dev-nat-lt").Str("instanceType"))
	assert.Len(t, dev.ByType(typeEndpoint), 1, "dev has only the free S3 gateway endpoint")

	devDB := dev.One(t, typeInstance, "tastylog-dev-mysql-standalone")
	assert.False(t, devDB.Bool("multiAz"))
	assert.False(t, devDB.Protect, "dev is disposable")
	assert.True(t, devDB.Bool("skipFinalSnapshot"))
	for _, b := range dev.ByType(typeBucket) {
		assert.True(t, b.Bool("forceDestroy"), b.Name)
		assert.False(t, b.Protect, b.Name)
	}

	prod, _, err := runStack(t, "prod", nil)
	require.NoError(t, err)
	assert.Len(t, prod.ByType(typeNat), 2, "prod has a NAT gateway in each AZ")
	prodDB := prod.One(t, typeInstance, "tastylog-prod-mysql-standalone")
	assert.True(t, prodDB.Bool("multiAz"))
	assert.True(t, prodDB.Bool("deletionProtection"))
	assert.True(t, prodDB.Protect, "prod's database is protected in Pulumi state")
	assert.False(t, prodDB.Bool("skipFinalSnapshot"))
	assert.Equal(t, "tastylog-prod-mysql-standalone-final", prodDB.Str("finalSnapshotIdentifier"))
	assert.True(t, prodDB.Bool("performanceInsightsEnabled"))
	assert.Equal(t, 7, prodDB.Int("backupRetentionPeriod"))
	assert.Len(t, prod.ByType(typeBucket), 4, "static, deploy, logs, trail")

	refresh := prod.One(t, typeGroup, "tastylog-prod-app-asg").Input("instanceRefresh").(map[string]any)["preferences"].(map[string]any)
	prodASG := prod.One(t, typeGroup, "tastylog-prod-app-asg")
	assert.GreaterOrEqual(t, prodASG.Int("minSize"), 2, "prod keeps a server in each AZ")
	assert.EqualValues(t, 100, refresh["minHealthyPercentage"], "prod never drops capacity during a rollout")
	assert.EqualValues(t, 200, refresh["maxHealthyPercentage"])
	lt := prod.One(t, typeLaunchTemplate, "tastylog-prod-app-lt")
	assert.Equal(t, true, lt.Input("monitoring").(map[string]any)["enabled"], "prod's servers report every minute")

	// dev runs the app as one small task on spare capacity, with a shell for debugging.
	assert.Nil(t, dev.Find(typeGroup, "tastylog-dev-app-asg"), "dev runs no servers")
	devTask := dev.One(t, typeTaskDef, "tastylog-dev-app")
	assert.Equal(t, "256", devTask.Str("cpu"))
	assert.Equal(t, "512", devTask.Str("memory"))
	assert.Equal(t, "X86_64", devTask.Input("runtimePlatform").(map[string]any)["cpuArchitecture"], "Fargate Spot runs X86_64 tasks only")
	devSvc := dev.One(t, typeService, "tastylog-dev-app")
	assert.Equal(t, "FARGATE_SPOT", devSvc.Objects("capacityProviderStrategies")[0]["capacityProvider"])
	assert.True(t, devSvc.Bool("enableExecuteCommand"))
	assert.Equal(t, 1, devSvc.Int("desiredCount"))
	assert.False(t, dev.One(t, "aws:ecr/repository:Repository", "tastylog-dev-app").Protect, "dev's repository goes with the stack")
	assert.True(t, dev.One(t, "aws:ecr/repository:Repository", "tastylog-dev-app").Bool("forceDelete"))
	assert.Empty(t, dev.ByType("aws:wafv2/webAcl:WebAcl"), "dev runs without a web ACL")
	for _, r := range prod.PolicyResources() {
		if strings.HasPrefix(r.Type, "aws:") {
			assert.True(t, r.Production, "%s: the policy pack sees prod's profile", r.Name)
		}
	}
	for _, r := range dev.PolicyResources() {
		assert.False(t, r.Production, "%s: dev is disposable", r.Name)
	}
	prodACL := prod.One(t, "aws:wafv2/webAcl:WebAcl", "tastylog-prod-web-acl")
	assert.Contains(t, prod.One(t, typeDistribution, "tastylog-prod-cdn").Str("webAclId"), prodACL.Name, "prod's distribution is behind its WAF")
	assert.NotEmpty(t, prod.ByType("aws:sns/topicSubscription:TopicSubscription"), "someone hears prod's alarms")
	for _, b := range prod.ByType(typeBucket) {
		assert.False(t, b.Bool("forceDestroy"), b.Name)
		assert.True(t, b.Protect, "%s is protected in prod", b.Name)
	}
	for _, service := range []string{"ssm", "ssmmessages", "ec2messages", "logs"} {
		assert.NotNil(t, prod.Find(typeEndpoint, "tastylog-prod-"+service+"-vpce"), "prod has the %s endpoint", service)
	}
}

func TestInvalidConfigRegistersNothing(t *testing.T) {
	// The cases about servers run dev in the ec2 mode.
	servers := map[string]bool{"InstanceArchitectureMismatch": true, "UnknownInstanceFamily": true, "InstanceSizeNotInFamily": true,
		"GracePeriodTooShort": true, "NatNoneWithoutEndpoints": true, "SSHFromTheWorld": true}
	cases := []struct {
		name   string
		config map[string]string
		want   string
	}{
		{"MalformedVpcCidr", map[string]string{"tastylog:vpcCidr": "192.168.0.0/40"},
			`tastylog:vpcCidr: "192.168.0.0/40" is not an IPv4 CIDR block`},
		{"SubnetOutsideVpc", map[string]string{"tastylog:subnets": `{"db":["192.168.5.0/24","192.168.16.0/24"]}`},
			`tastylog:subnets.db[1]: "192.168.16.0/24" is outside the VPC 192.168.0.0/20 (tastylog:vpcCidr)`},
		{"OverlappingSubnets", map[string]string{"tastylog:subnets": `{"db":["192.168.5.0/24","192.168.1.0/24"]}`},
			`tastylog:subnets.db[1]: "192.168.1.0/24" overlaps 192.168.1.0/24 (tastylog:subnets.public[0])`},
		{"SubnetCountNotAZCount", map[string]string{"tastylog:subnets": `{"private":["192.168.3.0/24"]}`},
			`tastylog:subnets.private: "[192.168.3.0/24]" has 1 subnet(s); want exactly one per availability zone (2)`},
		{"OneAZ", map[string]string{
			"tastylog:availabilityZones": `["ap-northeast-1a"]`,
			"tastylog:subnets":           `{"public":["192.168.1.0/24"],"private":["192.168.3.0/24"],"db":["192.168.5.0/24"]}`,
		}, `tastylog:availabilityZones: "[ap-northeast-1a]" lists 1 AZ(s); at least 2 are needed`},
		{"AZOutsideRegion", map[string]string{"tastylog:availabilityZones": `["ap-northeast-1a","us-east-1a"]`},
			`tastylog:availabilityZones[1]: "us-east-1a" is not in region "ap-northeast-1" (aws:region)`},
		{"AZNotAvailableToAccount", map[string]string{"tastylog:availabilityZones": `["ap-northeast-1a","ap-northeast-1b"]`},
			`tastylog:availabilityZones[1]: "ap-northeast-1b" is not available to this account in ap-northeast-1; available: ap-northeast-1a, ap-northeast-1c, ap-northeast-1d`},
		{"UnknownNatStrategy", map[string]string{"tastylog:natStrategy": "multi"},
			`tastylog:natStrategy: "multi" is not a NAT strategy; allowed: "none", "single", "perAz"`},
		{"NatNoneWithoutEndpoints", map[string]string{"tastylog:natStrategy": "none"},
			`tastylog:natStrategy: "none" leaves the app servers without a way to reach AWS`},
		{"SSHFromTheWorld", map[string]string{"tastylog:adminCidrs": `["0.0.0.0/0"]`},
			`tastylog:adminCidrs[0]: "0.0.0.0/0" would open SSH to the whole internet`},
		{"UnknownEngineMajorVersion", map[string]string{"tastylog:dbEngineVersion": "5.7"},
			`tastylog:dbEngineVersion: "5.7" is not a supported MySQL major version; allowed: "8.0", "8.4"`},
		{"InstanceClassNotDbForm", map[string]string{"tastylog:dbInstanceClass": "t4g.micro"},
			`tastylog:dbInstanceClass: "t4g.micro" is not an RDS instance class`},
		{"InstanceClassNotForMySQL", map[string]string{"tastylog:dbInstanceClass": "db.t2.micro"},
			`tastylog:dbInstanceClass: "db.t2.micro" is not offered for MySQL 8`},
		{"PerformanceInsightsOnMicro", map[string]string{"tastylog:dbPerformanceInsights": "true"},
			`tastylog:dbPerformanceInsights: "true" is not available on db.t4g.micro`},
		{"StorageAboveCeiling", map[string]string{"tastylog:dbAllocatedStorage": "200"},
			`tastylog:dbMaxAllocatedStorage: "100" must be at least 10% above tastylog:dbAllocatedStorage (200 GiB)`},
		{"ReplicaWithoutBackups", map[string]string{"tastylog:dbReadReplica": "true", "tastylog:dbBackupRetentionDays": "0"},
			`which a read replica's source needs`},
		{"NoBackupsInProduction", map[string]string{"tastylog:production": "true", "tastylog:dbBackupRetentionDays": "0",
			"tastylog:forceDestroyBuckets": "false", "tastylog:dbSkipFinalSnapshot": "false"},
			`tastylog:dbBackupRetentionDays: "0" turns automated backups off in a production stack`},
		{"BadWindowFormat", map[string]string{"tastylog:dbBackupWindow": "4am-5am"},
			`tastylog:dbBackupWindow: "4am-5am" is not a daily window`},
		{"OverlappingWindows", map[string]string{"tastylog:dbMaintenanceWindow": "Wed:04:30-Wed:05:30"},
			`tastylog:dbBackupWindow: "04:00-05:00" overlaps the maintenance window`},
		{"InstanceArchitectureMismatch", map[string]string{"tastylog:appArchitecture": "x86_64"},
			`tastylog:appArchitecture: "x86_64" does not match t4g.small, which runs arm64 AMIs`},
		{"TaskSizeFargateDoesNotOffer", map[string]string{"tastylog:appMemory": "4096"},
			`tastylog:appMemory: "4096" is not a memory size Fargate pairs with tastylog:appCpu 256; allowed: 512, 1024, 2048`},
		{"ImageNotATagOrDigest", map[string]string{"tastylog:appImage": "tastylog:v1"},
			`tastylog:appImage: "tastylog:v1" is not an ECR image tag`},
		{"ImageOfAnotherAccount", map[string]string{"tastylog:appRepository": "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog", "tastylog:appImage": "v1"},
			`tastylog:appRepository: "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog" is in account 210987654321, not this stack's (` + testkit.AccountID + `)`},
		{"SpotInProduction", map[string]string{"tastylog:production": "true", "tastylog:alarmEmails": `["ops@example.com"]`, "tastylog:appMinSize": "2", "tastylog:appDesiredCapacity": "2",
			"tastylog:waf": "true", "tastylog:stackKey": "true", "tastylog:auditLogRetentionDays": "365", "tastylog:forceDestroyBuckets": "false", "tastylog:dbSkipFinalSnapshot": "false"},
			`tastylog:appFargateSpot: "true" runs a production stack's tasks on spare capacity`},
		{"TasksWithoutNatOrImageEndpoints", map[string]string{"tastylog:natStrategy": "none", "tastylog:vpcEndpoints": `["ssm","logs"]`},
			`tastylog:natStrategy: "none" leaves the tasks without a way to reach AWS; set tastylog:natStrategy to "instance", "single" or "perAz", or add "ecr.api", "ecr.dkr", "ssmmessages" to tastylog:vpcEndpoints`},
		{"MinAboveMax", map[string]string{"tastylog:appMinSize": "3"},
			`tastylog:appMinSize: "3" is above tastylog:appMaxSize (2)`},
		{"DesiredAboveMax", map[string]string{"tastylog:appDesiredCapacity": "5"},
			`tastylog:appDesiredCapacity: "5" must lie between tastylog:appMinSize (1) and tastylog:appMaxSize (2)`},
		{"UnknownInstanceFamily", map[string]string{"tastylog:appInstanceType": "q9.large"},
			`tastylog:appInstanceType: "q9.large" is not an EC2 instance type AWS offers; the family "q9" is unknown`},
		{"InstanceSizeNotInFamily", map[string]string{"tastylog:appInstanceType": "t3.4xlarge"},
			`tastylog:appInstanceType: "t3.4xlarge" is not an EC2 instance type AWS offers; t3 comes in nano, micro, small, medium, large, xlarge, 2xlarge`},
		{"DbClassSizeNotInFamily", map[string]string{"tastylog:dbInstanceClass": "db.m6g.24xlarge"},
			`tastylog:dbInstanceClass: "db.m6g.24xlarge" is not offered for MySQL; db.m6g comes in large,`},
		{"StorageCeilingTooClose", map[string]string{"tastylog:dbAllocatedStorage": "100", "tastylog:dbMaxAllocatedStorage": "105"},
			`tastylog:dbMaxAllocatedStorage: "105" must be at least 10% above tastylog:dbAllocatedStorage (100 GiB), so at least 110 GiB`},
		{"CertificateNameTooLong", map[string]string{"tastylog:domain": strings.Repeat("a", 53) + ".com", "tastylog:createHostedZone": "true"},
			`ACM refuses a certificate name over 64`},
		{"EnvWithDoubleHyphen", map[string]string{"tastylog:env": "qa--1"},
			`tastylog:env: "qa--1" has two hyphens in a row`},
		{"RegionNotSupported", map[string]string{"aws:region": "cn-north-1", "tastylog:availabilityZones": `["cn-north-1a","cn-north-1b"]`},
			`aws:region: "cn-north-1" is not a region this stack supports`},
		{"GracePeriodTooShort", map[string]string{"tastylog:appHealthCheckGracePeriod": "10"},
			`tastylog:appHealthCheckGracePeriod: "10" must be from 120 to 7200 seconds`},
		{"LogRetentionNotAllowed", map[string]string{"tastylog:logRetentionDays": "10"},
			`tastylog:logRetentionDays: "10" is not a CloudWatch Logs retention`},
		{"DomainNotADNSName", map[string]string{"tastylog:domain": "https://example.com", "tastylog:createHostedZone": "true"},
			`tastylog:domain: "https://example.com" is not a DNS name`},
		{"ZoneIdAndCreateZone", map[string]string{"tastylog:domain": "example.com", "tastylog:createHostedZone": "true",
			"tastylog:hostedZoneId": "Z0123456789ABCDEFGHIJ"},
			`tastylog:hostedZoneId: "Z0123456789ABCDEFGHIJ" names an existing zone while tastylog:createHostedZone asks for a new one`},
		{"CloudFrontCertificateOutsideUsEast1", map[string]string{"tastylog:domain": "example.com", "tastylog:createHostedZone": "true",
			"tastylog:cloudFrontCertificateArn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
			`is in ap-northeast-1; CloudFront accepts certificates from us-east-1 only`},
		{"UnknownPriceClass", map[string]string{"tastylog:priceClass": "PriceClass_300"},
			`tastylog:priceClass: "PriceClass_300" is not a CloudFront price class; allowed: PriceClass_100, PriceClass_200, PriceClass_All`},
		{"MalformedAlarmEmail", map[string]string{"tastylog:alarmEmails": `["ops@example"]`},
			`tastylog:alarmEmails[0]: "ops@example" is not an email address`},
		{"RetentionNotAllowed", map[string]string{"tastylog:logRetentionDays": "45"},
			`tastylog:logRetentionDays: "45" is not a CloudWatch Logs retention`},
		{"ThresholdOutOfRange", map[string]string{"tastylog:alarmDbCpuPercent": "150"},
			`tastylog:alarmDbCpuPercent: "150" is outside 1-100 percent`},
		{"MisspeltKey", map[string]string{"tastylog:natStratgy": "none"},
			`tastylog:natStratgy: "none" is not a config key of project tastylog; did you mean tastylog:natStrategy?`},
		{"MisspeltAlertKey", map[string]string{"tastylog:alarmEmail": `["ops@example.com"]`},
			`did you mean tastylog:alarmEmails?`},
		{"ZoneOfAnotherDomain", map[string]string{"tastylog:domain": "example.com", "tastylog:hostedZoneId": "Z0OTHERDOMAIN0000000"},
			`tastylog:hostedZoneId: "Z0OTHERDOMAIN0000000" is the zone of "example.org", not of "example.com" (tastylog:domain)`},
		{"PrivateZone", map[string]string{"tastylog:domain": "example.com", "tastylog:hostedZoneId": "Z0PRIVATEZONE0000000"},
			`tastylog:hostedZoneId: "Z0PRIVATEZONE0000000" is a private zone`},
		{"ZoneNotInAccount", map[string]string{"tastylog:domain": "example.com", "tastylog:hostedZoneId": "Z0NOSUCHZONE00000000"},
			`tastylog:hostedZoneId: "Z0NOSUCHZONE00000000" is not a hosted zone this account can read`},
		{"CertificateOfAnotherAccount", map[string]string{"tastylog:domain": "example.com", "tastylog:createHostedZone": "true",
			"tastylog:cloudFrontCertificateArn": "arn:aws:acm:us-east-1:210987654321:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
			`tastylog:cloudFrontCertificateArn: "arn:aws:acm:us-east-1:210987654321:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" belongs to account 210987654321, not to this stack's account 123456789012`},
		{"CertificateNotIssued", map[string]string{"tastylog:domain": "example.net", "tastylog:createHostedZone": "true",
			"tastylog:cloudFrontCertificateArn": testkit.Certificates[2].Arn},
			`is PENDING_VALIDATION, not ISSUED`},
		{"CertificateForAnotherDomain", map[string]string{"tastylog:domain": "example.org", "tastylog:createHostedZone": "true",
			"tastylog:albCertificateArn": testkit.Certificates[1].Arn},
			`is not the newest certificate named dev-elb.example.org or *.example.org in this account and region`},
		{"EveryProblemAtOnce", map[string]string{"tastylog:natStratgy": "none", "tastylog:dbAllocatedStorage": "lots",
			"tastylog:availabilityZones": `["ap-northeast-1a","ap-northeast-1b"]`, "tastylog:priceClass": "PriceClass_300"},
			"the stack config has 4 problems; nothing was created:\n" +
				`  tastylog:availabilityZones[1]: "ap-northeast-1b" is not available to this account in ap-northeast-1; available: ap-northeast-1a, ap-northeast-1c, ap-northeast-1d` + "\n" +
				`  tastylog:dbAllocatedStorage: "lots" is not a whole number` + "\n" +
				`  tastylog:priceClass: "PriceClass_300" is not a CloudFront price class; allowed: PriceClass_100, PriceClass_200, PriceClass_All` + "\n" +
				`  tastylog:natStratgy: "none" is not a config key of project tastylog; did you mean tastylog:natStrategy?`},
		{"UnknownKeyInObject", map[string]string{"tastylog:subnets": `{"public":["192.168.1.0/24","192.168.2.0/24"],"app":["192.168.3.0/24","192.168.4.0/24"]}`},
			`tastylog:subnets.app: "[\"192.168.3.0/24\",\"192.168.4.0/24\"]" is under an unknown key "app"; allowed keys: db, private, public`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := tc.config
			if servers[tc.name] {
				config = merged(otherComputeMode(t, "dev"), config) // dev runs tasks
			}
			m, _, err := runStack(t, "dev", config)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			for _, r := range m.All() {
				assert.False(t, strings.HasPrefix(r.Type, "aws:"), "%s %s was registered before the config was rejected", r.Type, r.Name)
				assert.NotEqual(t, network.Type, r.Type, "the network component was registered")
			}
		})
	}
}

// The defaults users read in Pulumi.yaml are the ones the program applies when a key is unset.
func TestPulumiYamlDeclaresTheProgramDefaults(t *testing.T) {
	project, err := stackfile.ReadProject(".")
	require.NoError(t, err)
	want := stackconfig.DeclaredDefaults()
	got := project.Defaults()

	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, keys(want), keys(got), "Pulumi.yaml declares exactly the program's scalar and array keys")
	for key, w := range want {
		gj, _ := json.Marshal(got[key])
		wj, _ := json.Marshal(w)
		assert.JSONEq(t, string(wj), string(gj), "Pulumi.yaml default of %s", key)
		assert.NotEmpty(t, project.Declared[key].Description, "Pulumi.yaml describes %s", key)
	}
	assert.Equal(t, "ap-northeast-1", project.Values["aws:region"])
	assert.Equal(t, []any{"aws"}, project.Values["pulumi:disable-default-providers"])
}

// README is the user's door: every config key and every stack output is documented there.
func TestReadmeDocumentsConfigAndOutputs(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(readme)

	var documented []string
	for key := range stackconfig.DeclaredDefaults() {
		documented = append(documented, "tastylog:"+key)
	}
	for _, key := range objectKeys() {
		documented = append(documented, "tastylog:"+key)
	}
	documented = append(documented, "aws:region")
	for _, key := range documented {
		assert.Truef(t, tableRow(key).MatchString(text), "README config table has a row for %s", key)
	}

	_, outputs, err := runStack(t, "dev", nil)
	require.NoError(t, err)
	for name := range outputs {
		assert.Truef(t, tableRow(name).MatchString(text), "README outputs table has a row for %s", name)
	}

	ci, err := os.ReadFile(".ci/run")
	require.NoError(t, err)
	cmd := regexp.MustCompile("(?m)^(go test [^\\n]*)$").FindStringSubmatch(text)
	if assert.NotNil(t, cmd, "README shows the test command on a line of its own") {
		assert.Contains(t, string(ci), cmd[1], ".ci/run runs the README's test command")
	}
}

// tableRow matches a Markdown table row whose first cell is the name in backticks.
func tableRow(name string) *regexp.Regexp {
	return regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(name) + "` \\|")
}

// keysOf lists the keys of a config map, as the engine would set them.
func keysOf(config map[string]string) []string {
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// A region opened since August 2022 deploys whole: the ELB account look-up, which fails there with
// "Unknown region" after the network is registered, is not made.
func TestRegionOpenedSince2022(t *testing.T) {
	m, _, err := runStack(t, "dev", map[string]string{
		"aws:region": "mx-central-1", "tastylog:availabilityZones": `["mx-central-1a","mx-central-1c"]`,
	})
	require.NoError(t, err)
	assert.Empty(t, m.Invokes(testkit.TokenGetElbServiceAccount))
	assert.NotEmpty(t, m.ByType(typeAlb))
}

// Validation and the policy pack agree: every combination of the settings that decide protection either
// fails validation before anything is registered, or builds a graph that passes every mandatory policy.
// Among them: prod copied with only production false, and the teardown step of docs (guards off).
func TestValidationAndPoliciesAgree(t *testing.T) {
	t.Parallel() // 64 runs of the program: beside the other tests, not after them
	keys := []string{"tastylog:production", "tastylog:dbDeletionProtection", "tastylog:forceDestroyBuckets",
		"tastylog:dbSkipFinalSnapshot", "tastylog:albDeletionProtection"}
	for _, stack := range []string{"dev", "prod"} {
		for bits := 0; bits < 1<<len(keys); bits++ {
			overrides := map[string]string{}
			var name []string
			for i, k := range keys {
				v := bits&(1<<i) != 0
				overrides[k] = strconv.FormatBool(v)
				name = append(name, fmt.Sprintf("%s=%v", strings.TrimPrefix(k, "tastylog:"), v))
			}
			t.Run(stack+"/"+strings.Join(name, ","), func(t *testing.T) {
				t.Parallel()
				m, _, err := runStack(t, stack, overrides)
				if err != nil {
					var report *configerr.Report
					require.ErrorAs(t, err, &report, "a refused config is refused by validation")
					return
				}
				assert.Empty(t, policy.Check(policy.Rules, m.PolicyResources()), "a config that passes validation passes the policies")
			})
		}
	}
}

// The teardown step (guards off) leaves nothing protected, so `pulumi destroy` can remove the stack.
func TestTeardownSettingsLiftEveryGuard(t *testing.T) {
	m, _, err := runStack(t, "prod", map[string]string{
		"tastylog:production": "false", "tastylog:dbDeletionProtection": "false",
		"tastylog:forceDestroyBuckets": "true", "tastylog:albDeletionProtection": "false",
	})
	require.NoError(t, err)
	for _, r := range m.All() {
		assert.False(t, r.Protect, "%s %s is still protected", r.Type, r.Name)
	}
	assert.Empty(t, policy.Check(policy.Rules, m.PolicyResources()))
}

// Every physical name the program builds fits AWS's rules for its type (naming.Rules), with the longest
// name parts the config allows: a {project}-{env} prefix of the maximum length split three ways, the
// longest domain ACM allows for that env, and every option that adds named resources switched on. Every
// AWS type in the graph is either in naming.Rules or listed as naming.Unnamed, so a new type must be
// classified before it lands.
func TestEveryNameFitsAWSRules(t *testing.T) {
	max := stackconfig.MaxNamePrefix()
	// Both compute modes: the tasks' names (ECS Exec's log group among them) are not the servers'.
	// The tasks run behind a NAT instance, which a production stack refuses.
	tasks := merged(otherComputeMode(t, "prod"), map[string]string{"tastylog:appExec": "true", "tastylog:production": "false", "tastylog:natStrategy": "instance"})
	for _, split := range []struct {
		project, env string
		mode         map[string]string
	}{
		{"tastylog", strings.Repeat("e", max-len("tastylog-")), nil},
		{strings.Repeat("p", max-2), "e", nil},
		{"p", strings.Repeat("e", max-2), nil},
		{"tastylog", strings.Repeat("e", max-len("tastylog-")), tasks},
		{"p", strings.Repeat("e", max-2), tasks},
	} {
		t.Run(fmt.Sprintf("%s-%s/fargate=%v", split.project, split.env, split.mode != nil), func(t *testing.T) {
			require.Len(t, split.project+"-"+split.env, max)
			domainLen := edgespec.MaxCertificateName - len(split.env) - len("-elb.")
			base, err := stackfile.StackConfig(".", "prod", objectKeys())
			require.NoError(t, err)
			config := map[string]string{}
			for k, v := range base {
				config[strings.Replace(k, "tastylog:", split.project+":", 1)] = v
			}
			ns := split.project + ":"
			for k, v := range everyOption {
				config[strings.Replace(k, "tastylog:", ns, 1)] = v
			}
			for k, v := range split.mode {
				config[strings.Replace(k, "tastylog:", ns, 1)] = v
			}
			if split.mode != nil { // no servers to reach or log in to
				delete(config, ns+netspec.KeyAdminCidrs)
				delete(config, ns+computespec.KeyAppSshPublicKey)
			}
			config[ns+"env"] = split.env
			config[ns+"domain"] = strings.Repeat("d", domainLen-len(".com")) + ".com"
			m := testkit.New(split.project, split.env, config["aws:region"])
			require.NoError(t, m.Run(config, func(ctx *pulumi.Context) error {
				_, err := program(ctx, keysOf(config))
				return err
			}))
			checked := 0
			for _, r := range m.All() {
				if !strings.HasPrefix(r.Type, "aws:") {
					continue
				}
				rule, named := naming.Rules[r.Type]
				if !named {
					assert.Contains(t, naming.Unnamed, r.Type, "%s is neither in naming.Rules nor naming.Unnamed", r.Type)
					continue
				}
				name := r.Str(rule.Prop)
				if name == "" { // auto-named: the logical name and Pulumi's random suffix
					name = r.Name + "-0a1b2c3"
					if rule.Lower {
						name = strings.ToLower(name)
					}
				}
				assert.NoError(t, rule.Check(name), "%s %s", r.Type, r.Name)
				checked++
			}
			assert.Greater(t, checked, 40)
			assert.Equal(t, split.mode != nil, len(m.ByType(typeService)) == 1, "the mode the case names")
		})
	}
}

// everyOption switches on every option that adds resources, on top of a shipped stack.
var everyOption = map[string]string{
	"tastylog:domain": "example.com", "tastylog:createHostedZone": "true", "tastylog:dbReadReplica": "true",
	"tastylog:flowLogs": "s3", "tastylog:alarmEmails": `["ops@example.com","oncall@example.com"]`,
	"tastylog:alarmTopicArns": `["arn:aws:sns:ap-northeast-1:123456789012:pager","arn:aws:sns:us-east-1:123456789012:pager"]`,
	"tastylog:adminCidrs":     `["10.20.0.0/16"]`, "tastylog:appSshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRhc3R5 ops",
	"tastylog:trailObjectLockDays": "365",
	"tastylog:pipeline":            "true", "tastylog:pipelineRepository": "example/tastylog-app",
	"tastylog:batch": "true",
	"tastylog:vpcPeers": `[{"name":"shared","vpcId":"vpc-0a1b2c3d","cidrs":["10.30.0.0/16"],"tiers":["private","db"],"ports":[443],"dns":true},` +
		`{"name":"data","vpcId":"vpc-0e0e0e0e","accountId":"210987654321","cidrs":["10.40.0.0/20"],"tiers":["private"],"ports":[3306],"dns":true,"accepted":true}]`,
}

// BenchmarkProgram measures one evaluation of the program under the test kit's mocks: prod with every
// option on. go test -run '^$' -bench BenchmarkProgram -count 5
func BenchmarkProgram(b *testing.B) {
	base, err := stackfile.StackConfig(".", "prod", objectKeys())
	require.NoError(b, err)
	for k, v := range everyOption {
		base[k] = v
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := testkit.New("tastylog", "prod", base["aws:region"])
		if err := m.Run(base, func(ctx *pulumi.Context) error {
			_, err := program(ctx, keysOf(base))
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// Without the engine's key list (an inline Automation API program has no PULUMI_CONFIG) the config is
// still read: only misspelt keys go unnoticed.
func TestConfigReadWithoutTheKeyList(t *testing.T) {
	config, err := stackfile.StackConfig(".", "dev", objectKeys())
	require.NoError(t, err)
	m := testkit.New("tastylog", "dev", config["aws:region"])
	require.NoError(t, m.Run(config, func(ctx *pulumi.Context) error {
		_, err := program(ctx, nil)
		return err
	}))
	assert.NotNil(t, m.Find(typeGroup, "tastylog-dev-nat-asg"), "dev's natStrategy instance was read")
}

// Request-count scaling is the compute layer's policy on its own group, added once the edge exists: its
// label names this load balancer and target group and resolves after the forwarding rule; it keeps the
// URN it had as the edge layer's child through an alias.
func TestRequestScalingBelongsToCompute(t *testing.T) {
	m, _, err := runStack(t, "prod", nil)
	require.NoError(t, err)
	p := m.One(t, "aws:autoscaling/policy:Policy", "tastylog-prod-app-requests-target")
	assert.Equal(t, compute.Type, m.ByURN(p.Parent).Type)
	asg := m.One(t, typeGroup, "tastylog-prod-app-asg")
	assert.Equal(t, asg.ID, p.Str("autoscalingGroupName"))
	ttc := p.Input("targetTrackingConfiguration").(map[string]any)
	assert.EqualValues(t, 1000, ttc["targetValue"])
	spec := ttc["predefinedMetricSpecification"].(map[string]any)
	assert.Equal(t, "ALBRequestCountPerTarget", spec["predefinedMetricType"])
	assert.Regexp(t, `^app/tastylog-prod-app-alb/[0-9a-f]+/targetgroup/tastylog-prod-app-tg`, spec["resourceLabel"])
	assert.Contains(t, p.DependsOn, m.One(t, "aws:lb/listenerRule:ListenerRule", "tastylog-prod-app-alb-from-cloudfront").URN,
		"AWS accepts the policy only once the target group is attached")
	assert.Equal(t, []string{m.ByType(edge.Type)[0].URN}, p.AliasParents, "the alias keeps the URN it had under the edge layer")

	m, _, err = runStack(t, "prod", map[string]string{"tastylog:appRequestsPerTarget": "0"})
	require.NoError(t, err)
	assert.Nil(t, m.Find("aws:autoscaling/policy:Policy", "tastylog-prod-app-requests-target"))
}

// checkServers asserts the ec2 mode's graph: the group, its launch template and the servers' settings,
// and returns the alarm dimensions of what runs the app.
func checkServers(t *testing.T, m *testkit.Mocks, net, path string) map[string]any {
	t.Helper()
	asg := m.One(t, typeGroup, net+"-app-asg")
	assert.Equal(t, []string{net + "-private-subnet-1a-id", net + "-private-subnet-1c-id"}, asg.Strings("vpcZoneIdentifiers"), "servers only in the private subnets")
	lt := m.One(t, typeLaunchTemplate, net+"-app-lt")
	tg := m.One(t, typeTargetGroup, net+"-app-tg")
	assert.Equal(t, lt.ID, asg.Input("launchTemplate").(map[string]any)["id"])
	assert.Len(t, asg.Strings("targetGroupArns"), 1)
	assert.Contains(t, asg.Strings("targetGroupArns")[0], "targetgroup/"+tg.Name+"/")
	assert.Equal(t, net+"-vpc-id", tg.Str("vpcId"))
	assert.Equal(t, "required", lt.Input("metadataOptions").(map[string]any)["httpTokens"])
	assert.Equal(t, "true", lt.Objects("blockDeviceMappings")[0]["ebs"].(map[string]any)["encrypted"])
	nic := lt.Objects("networkInterfaces")[0]
	assert.Equal(t, "false", nic["associatePublicIpAddress"])
	groups := []any{net + "-app-sg-id"}
	for _, r := range m.ByType(typeIngressRule) {
		if r.Str("securityGroupId") == net+"-opmng-sg-id" {
			groups = append(groups, net+"-opmng-sg-id")
			break
		}
	}
	assert.Equal(t, groups, nic["securityGroups"], "opmng is attached only when adminCidrs gives it rules")
	userData, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	assert.Contains(t, string(userData), "PARAM_PATH='"+path+"'", "servers read this stack's settings")
	assert.Contains(t, string(userData), "DEPLOY_BUCKET='"+net+"-deploy-"+testkit.AccountID+"'", "servers fetch this stack's releases")
	script := filepath.Join(t.TempDir(), "userdata.sh")
	require.NoError(t, os.WriteFile(script, userData, 0o600))
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Errorf("bash -n on the user data: %v\n%s", err, out)
	}

	assert.Len(t, m.ByType(typeTargetGroup), 1)
	assert.Equal(t, "instance", tg.Str("targetType"))
	return map[string]any{"app-cpu": map[string]any{"AutoScalingGroupName": asg.Name + testkit.AutonameSuffix}}
}

// checkTasks asserts the fargate mode's graph: the service's wiring, the task definition's container
// (settings as secrets by ARN, logs, user, read-only root), the roles' scope, and no servers; it returns the
// alarm dimensions of what runs the app.
func checkTasks(t *testing.T, m *testkit.Mocks, net, path string) map[string]any {
	t.Helper()
	assert.Nil(t, m.Find(typeGroup, net+"-app-asg"), "no servers in the fargate mode")
	assert.Nil(t, m.Find(typeLaunchTemplate, net+"-app-lt"))
	tg := m.One(t, typeTargetGroup, net+"-ip-tg")
	assert.Equal(t, "ip", tg.Str("targetType"), "awsvpc tasks register by IP")
	svc := m.One(t, typeService, net+"-app")
	blueGreen := m.Find("aws:codedeploy/deploymentGroup:DeploymentGroup", net+"-app-group") != nil
	nc := svc.Input("networkConfiguration").(map[string]any)
	assert.Equal(t, []any{net + "-private-subnet-1a-id", net + "-private-subnet-1c-id"}, nc["subnets"], "tasks only in the private subnets")
	assert.Equal(t, []any{net + "-app-sg-id"}, nc["securityGroups"], "the same app group as the servers")
	assert.Equal(t, false, nc["assignPublicIp"])
	lbs := svc.Objects("loadBalancers")
	require.Len(t, lbs, 1)
	assert.Contains(t, lbs[0]["targetGroupArn"], "targetgroup/"+tg.Name+"/")
	assert.Equal(t, "app", lbs[0]["containerName"])
	assert.EqualValues(t, compute.AppPort, lbs[0]["containerPort"])
	if blueGreen {
		assert.Len(t, m.ByType(typeTargetGroup), 2, "blue and green")
		assert.Equal(t, "ip", m.One(t, typeTargetGroup, net+"-ip-tg-2").Str("targetType"))
		assert.Equal(t, map[string]any{"type": "CODE_DEPLOY"}, svc.Input("deploymentController"))
		assert.Subset(t, svc.IgnoreChanges, []string{"taskDefinition", "loadBalancers", "desiredCount"}, "what CodeDeploy owns, Pulumi leaves")
	} else {
		assert.Len(t, m.ByType(typeTargetGroup), 1)
		assert.Equal(t, map[string]any{"enable": true, "rollback": true}, svc.Input("deploymentCircuitBreaker"))
		assert.Equal(t, 100, svc.Int("deploymentMinimumHealthyPercent"))
		assert.Equal(t, 200, svc.Int("deploymentMaximumPercent"))
		assert.Equal(t, "ENABLED", svc.Str("availabilityZoneRebalancing"), "tasks spread back across the AZs")
	}

	td := m.One(t, typeTaskDef, net+"-app")
	assert.Equal(t, "awsvpc", td.Str("networkMode"))
	assert.Equal(t, []string{"FARGATE"}, td.Strings("requiresCompatibilities"))
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
	require.Len(t, defs, 1)
	c := defs[0]
	assert.Equal(t, "1000", c["user"], "not root")
	assert.Equal(t, true, c["readonlyRootFilesystem"])
	assert.Equal(t, false, c["privileged"])
	assert.Contains(t, c["mountPoints"], map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false})
	assert.NotContains(t, td.Str("containerDefinitions"), `"environment":[{"name":"MYSQL`, "no setting as a plain value")
	secrets := map[string]any{}
	for _, s := range c["secrets"].([]any) {
		secrets[s.(map[string]any)["name"].(string)] = s.(map[string]any)["valueFrom"]
	}
	want := map[string]any{}
	for _, name := range appboot.RequiredParameters {
		want[name] = "arn:aws:ssm:ap-northeast-1:" + testkit.AccountID + ":parameter" + path + name
	}
	assert.Equal(t, want, secrets, "every setting as a secret, by its Parameter Store ARN")
	logs := c["logConfiguration"].(map[string]any)
	assert.Equal(t, "awslogs", logs["logDriver"])
	assert.Equal(t, "/tastylog/"+strings.TrimPrefix(net, "tastylog-")+"/app", logs["options"].(map[string]any)["awslogs-group"], "the same app log group")
	assert.NotEmpty(t, c["healthCheck"])

	roles := map[string]*testkit.Resource{}
	for _, r := range m.ByType(typeRole) {
		roles[r.Name] = r
	}
	for _, name := range []string{net + "-task-exec-role", net + "-task-role"} {
		if assert.Contains(t, roles, name) {
			assert.Contains(t, roles[name].Str("assumeRolePolicy"), "ecs-tasks.amazonaws.com")
			assert.Contains(t, roles[name].Str("assumeRolePolicy"), `"aws:SourceAccount":["`+testkit.AccountID+`"]`)
		}
	}
	var exec iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, net+"-task-exec-policy").Str("policy")), &exec))
	for _, st := range exec.Statement {
		for _, r := range st.Resource {
			if r == "*" {
				assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, st.Action, "only the registry token is account-wide")
			}
		}
		if st.Sid == "ReadAppSettings" {
			assert.Equal(t, []string{"arn:aws:ssm:ap-northeast-1:" + testkit.AccountID + ":parameter" + path + "*"}, st.Resource)
		}
	}
	cluster := m.One(t, "aws:ecs/cluster:Cluster", net+"-cluster")
	assert.Equal(t, []map[string]any{{"name": "containerInsights", "value": "enabled"}}, cluster.Objects("settings"))
	service := map[string]any{"ClusterName": cluster.Name, "ServiceName": svc.Name}
	return map[string]any{"app-cpu": service, "app-memory": service}
}
