package testkit

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Invoke tokens and resource types the kit answers for every test.
const (
	TokenGetAvailabilityZones = "aws:index/getAvailabilityZones:getAvailabilityZones"
	TokenGetCallerIdentity    = "aws:index/getCallerIdentity:getCallerIdentity"
	TokenGetElbServiceAccount = "aws:elb/getServiceAccount:getServiceAccount"
	TokenGetSsmParameter      = "aws:ssm/getParameter:getParameter"
	TokenGetPrefixList        = "aws:ec2/getManagedPrefixList:getManagedPrefixList"
	TypeEip                   = "aws:ec2/eip:Eip"
	TypeVpcEndpoint           = "aws:ec2/vpcEndpoint:VpcEndpoint"
	TypeRdsInstance           = "aws:rds/instance:Instance"
	TypeBucket                = "aws:s3/bucketV2:BucketV2"
	TypeSsmParameter          = "aws:ssm/parameter:Parameter"
	TypeRandomPassword        = "random:index/randomPassword:RandomPassword"
)

// AccountID is the mocked caller's account; ElbAccountArn the region's ELB log-delivery account;
// AutonameSuffix what the mocked auto-naming appends to a logical name.
const (
	AutonameSuffix = "-abc1234"
	AccountID      = "123456789012"
	ElbAccountArn  = "arn:aws:iam::582318560864:root"
)

// AvailableZones are the AZ suffixes the mocked account can use in any region: a, c and d, like most
// accounts in ap-northeast-1 (where b is closed to new accounts).
var AvailableZones = []string{"a", "c", "d"}

// Hosted zones of load balancers in ap-northeast-1 and of every CloudFront distribution, for aliases.
const (
	AlbZoneID        = "Z14GRHDCWA56QT"
	CloudFrontZoneID = "Z2FDTNDATAQYW2"
)

// CloudFrontPrefixListID is the mocked id of com.amazonaws.global.cloudfront.origin-facing.
const CloudFrontPrefixListID = "pl-58a04531"

// AmiID is the AMI the mocked SSM public parameter names for an architecture.
func AmiID(arch string) string { return "ami-al2023-" + arch }

// registerAWS installs the answers and computed outputs the AWS resources of this program need.
func registerAWS(m *Mocks, region string) {
	m.Answer(TokenGetAvailabilityZones, func(resource.PropertyMap) (resource.PropertyMap, error) {
		names, ids := []any{}, []any{}
		for i, s := range AvailableZones {
			names = append(names, region+s)
			ids = append(ids, fmt.Sprintf("apne1-az%d", i+1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": region, "names": names, "zoneIds": ids, "state": "available",
		}), nil
	})

	m.Answer(TokenGetCallerIdentity, func(resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "id": AccountID,
			"arn": "arn:aws:iam::" + AccountID + ":user/ci", "userId": "AIDAMOCK",
		}), nil
	})
	m.Answer(TokenGetElbServiceAccount, func(resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"arn": ElbAccountArn, "id": "582318560864", "region": region}), nil
	})

	m.Answer(TokenGetSsmParameter, func(args resource.PropertyMap) (resource.PropertyMap, error) {
		name := args["name"].StringValue()
		value := "value-of-" + name
		if strings.HasPrefix(name, "/aws/service/ami-amazon-linux-latest/") {
			value = AmiID(name[strings.LastIndex(name, "-")+1:])
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": name, "id": name, "type": "String", "value": value, "insecureValue": value, "version": 1,
			"arn": "arn:aws:ssm:" + region + "::parameter" + name,
		}), nil
	})

	m.Answer(TokenGetPrefixList, func(args resource.PropertyMap) (resource.PropertyMap, error) {
		name := args["name"].StringValue()
		if name != "com.amazonaws.global.cloudfront.origin-facing" {
			return nil, fmt.Errorf("no managed prefix list %q in the mock", name)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": CloudFrontPrefixListID, "name": name, "addressFamily": "IPv4", "maxEntries": 55,
			"arn": "arn:aws:ec2:" + region + ":aws:prefix-list/" + CloudFrontPrefixListID,
		}), nil
	})

	m.Outputs("aws:lb/targetGroup:TargetGroup", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:elasticloadbalancing:" + region + ":" + AccountID + ":targetgroup/" + r.Name + "/0123456789abcdef")
		state["arnSuffix"] = resource.NewStringProperty("targetgroup/" + r.Name + "/0123456789abcdef")
	})
	m.Outputs("aws:ecr/repository:Repository", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:ecr:" + region + ":" + AccountID + ":repository/" + r.Str("name"))
		state["repositoryUrl"] = resource.NewStringProperty(AccountID + ".dkr.ecr." + region + ".amazonaws.com/" + r.Str("name"))
	})
	m.Outputs("aws:ecs/cluster:Cluster", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:ecs:" + region + ":" + AccountID + ":cluster/" + r.Str("name"))
	})
	m.Outputs("aws:ecs/taskDefinition:TaskDefinition", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:ecs:" + region + ":" + AccountID + ":task-definition/" + r.Str("family") + ":1")
		state["revision"] = resource.NewNumberProperty(1)
	})
	m.Outputs("aws:ec2/launchTemplate:LaunchTemplate", func(r *Resource, state resource.PropertyMap) {
		state["latestVersion"] = resource.NewNumberProperty(1)
	})
	m.Outputs("aws:ec2/keyPair:KeyPair", func(r *Resource, state resource.PropertyMap) {
		state["keyName"] = resource.NewStringProperty(r.Name + AutonameSuffix)
	})

	m.Outputs("aws:lb/loadBalancer:LoadBalancer", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:elasticloadbalancing:" + region + ":" + AccountID + ":loadbalancer/app/" + r.Name + "/50dc6c495c0c9188")
		state["arnSuffix"] = resource.NewStringProperty("app/" + r.Name + "/50dc6c495c0c9188")
		state["dnsName"] = resource.NewStringProperty(r.Name + "-1234567890." + region + ".elb.amazonaws.com")
		state["zoneId"] = resource.NewStringProperty(AlbZoneID)
	})
	m.Outputs("aws:acm/certificate:Certificate", func(r *Resource, state resource.PropertyMap) {
		domain := r.Str("domainName")
		state["arn"] = resource.NewStringProperty("arn:aws:acm:" + m.regionOf(r, region) + ":" + AccountID + ":certificate/" + r.Name)
		state["domainValidationOptions"] = resource.NewPropertyValue([]any{map[string]any{
			"domainName":          domain,
			"resourceRecordName":  "_validate." + domain + ".",
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": "_token-" + r.Name + ".acm-validations.aws.",
		}})
	})
	m.Outputs("aws:route53/zone:Zone", func(r *Resource, state resource.PropertyMap) {
		state["zoneId"] = resource.NewStringProperty("Z0MOCK" + strings.ToUpper(strings.ReplaceAll(r.Str("name"), ".", "")))
		state["nameServers"] = resource.NewPropertyValue([]any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"})
	})
	m.Outputs("aws:route53/record:Record", func(r *Resource, state resource.PropertyMap) {
		state["fqdn"] = resource.NewStringProperty(strings.TrimSuffix(r.Str("name"), "."))
	})
	m.Outputs("aws:cloudfront/distribution:Distribution", func(r *Resource, state resource.PropertyMap) {
		r.ID = "E2MOCK" + strings.ToUpper(strings.ReplaceAll(r.Name, "-", ""))
		state["arn"] = resource.NewStringProperty("arn:aws:cloudfront::" + AccountID + ":distribution/" + r.ID)
		state["domainName"] = resource.NewStringProperty("d111111abcdef8.cloudfront.net")
		state["hostedZoneId"] = resource.NewStringProperty(CloudFrontZoneID)
	})

	m.Outputs("aws:kms/key:Key", func(r *Resource, state resource.PropertyMap) {
		state["keyId"] = resource.NewStringProperty("key-" + r.Name)
		state["arn"] = resource.NewStringProperty("arn:aws:kms:" + m.regionOf(r, region) + ":" + AccountID + ":key/key-" + r.Name)
	})
	m.Outputs("aws:sns/topic:Topic", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:sns:" + m.regionOf(r, region) + ":" + AccountID + ":" + r.Name)
	})
	m.Outputs("aws:cloudwatch/eventRule:EventRule", func(r *Resource, state resource.PropertyMap) {
		state["name"] = resource.NewStringProperty(r.Name + AutonameSuffix)
		state["arn"] = resource.NewStringProperty("arn:aws:events:" + region + ":" + AccountID + ":rule/" + r.Name + AutonameSuffix)
	})
	m.Outputs("aws:cloudtrail/trail:Trail", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:cloudtrail:" + region + ":" + AccountID + ":trail/" + r.Str("name"))
	})
	m.Outputs("aws:cloudwatch/logGroup:LogGroup", func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:logs:" + region + ":" + AccountID + ":log-group:" + r.Str("name"))
	})

	m.Outputs(TypeRandomPassword, func(r *Resource, state resource.PropertyMap) {
		// The engine marks result secret (an additional secret output); the mock does the same.
		state["result"] = resource.MakeSecret(resource.NewStringProperty("mock-secret-" + r.Name))
	})
	m.Outputs(TypeRdsInstance, func(r *Resource, state resource.PropertyMap) {
		identifier := r.Name + AutonameSuffix
		address := identifier + ".cmock." + region + ".rds.amazonaws.com"
		state["identifier"] = resource.NewStringProperty(identifier)
		state["address"] = resource.NewStringProperty(address)
		state["endpoint"] = resource.NewStringProperty(address + ":3306")
		state["arn"] = resource.NewStringProperty("arn:aws:rds:" + region + ":" + AccountID + ":db:" + identifier)
		if _, ok := state["port"]; !ok {
			state["port"] = resource.NewNumberProperty(3306)
		}
		if _, ok := state["dbName"]; !ok {
			state["dbName"] = resource.NewStringProperty("")
		}
		if _, ok := state["username"]; !ok {
			state["username"] = resource.NewStringProperty("")
		}
	})
	m.Outputs(TypeBucket, func(r *Resource, state resource.PropertyMap) {
		name := r.Str("bucket")
		r.ID = name
		state["arn"] = resource.NewStringProperty("arn:aws:s3:::" + name)
		state["bucketRegionalDomainName"] = resource.NewStringProperty(name + ".s3." + region + ".amazonaws.com")
	})
	m.Outputs("aws:sqs/queue:Queue", func(r *Resource, state resource.PropertyMap) {
		name := r.Str("name")
		state["arn"] = resource.NewStringProperty("arn:aws:sqs:" + region + ":" + AccountID + ":" + name)
		state["url"] = resource.NewStringProperty("https://sqs." + region + ".amazonaws.com/" + AccountID + "/" + name)
	})
	m.Outputs("aws:lambda/function:Function", func(r *Resource, state resource.PropertyMap) {
		arn := "arn:aws:lambda:" + region + ":" + AccountID + ":function:" + r.Str("name")
		state["arn"] = resource.NewStringProperty(arn)
		state["invokeArn"] = resource.NewStringProperty("arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + arn + "/invocations")
	})
	m.Outputs("aws:apigateway/restApi:RestApi", func(r *Resource, state resource.PropertyMap) {
		r.ID = "api" + fmt.Sprintf("%07x", len(r.Name))
		state["rootResourceId"] = resource.NewStringProperty(r.ID + "-root")
		state["executionArn"] = resource.NewStringProperty("arn:aws:execute-api:" + region + ":" + AccountID + ":" + r.ID)
	})
	m.Outputs("aws:apigateway/stage:Stage", func(r *Resource, state resource.PropertyMap) {
		state["invokeUrl"] = resource.NewStringProperty("https://" + r.Str("restApi") + ".execute-api." + region + ".amazonaws.com/" + r.Str("stageName"))
	})
	m.Outputs("aws:apigateway/domainName:DomainName", func(r *Resource, state resource.PropertyMap) {
		state["regionalDomainName"] = resource.NewStringProperty("d-mock." + "execute-api." + region + ".amazonaws.com")
		state["regionalZoneId"] = resource.NewStringProperty("Z1YSHQZHG15GKL")
	})
	m.Outputs(TypeSsmParameter, func(r *Resource, state resource.PropertyMap) {
		state["arn"] = resource.NewStringProperty("arn:aws:ssm:" + region + ":" + AccountID + ":parameter" + r.Str("name"))
	})

	// Resources named by AWS from their logical name (Pulumi auto-naming) whose id is that name.
	for _, typ := range []string{
		"aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup", "aws:rds/optionGroup:OptionGroup",
		"aws:iam/role:Role", "aws:iam/instanceProfile:InstanceProfile", "aws:autoscaling/group:Group",
	} {
		m.Outputs(typ, func(r *Resource, state resource.PropertyMap) {
			if r.Str("name") == "" {
				state["name"] = resource.NewStringProperty(r.Name + AutonameSuffix)
			}
			r.ID = state["name"].StringValue()
		})
	}

	var eips atomic.Int32
	m.Outputs(TypeEip, func(r *Resource, state resource.PropertyMap) {
		n := eips.Add(1)
		state["publicIp"] = resource.NewStringProperty(fmt.Sprintf("203.0.113.%d", n))
		state["allocationId"] = resource.NewStringProperty("eipalloc-" + r.Name)
	})
	m.Outputs(TypeVpcEndpoint, func(r *Resource, state resource.PropertyMap) {
		if r.Str("vpcEndpointType") == "Gateway" {
			state["prefixListId"] = resource.NewStringProperty("pl-" + r.Name)
		}
	})
}

// Tokens of the look-ups that check an existing zone and certificates.
const (
	TokenGetZone        = "aws:route53/getZone:getZone"
	TokenGetCertificate = "aws:acm/getCertificate:getCertificate"
)

// HostedZone is a zone the mocked account holds.
type HostedZone struct {
	Name    string
	Private bool
}

// HostedZones are the zones the mocked account holds, by id.
var HostedZones = map[string]HostedZone{
	"Z0123456789ABCDEFGHIJ": {Name: "example.com"},
	"Z0OTHERDOMAIN0000000":  {Name: "example.org"},
	"Z0PRIVATEZONE0000000":  {Name: "example.com", Private: true},
}

// Certificate is an ACM certificate the mocked account holds.
type Certificate struct {
	Arn, Domain, Status string
}

// Certificates are the mocked account's certificates: a wildcard for example.com in us-east-1 and in
// ap-northeast-1, and one that is still pending. The region is the ARN's.
var Certificates = []Certificate{
	{"arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "*.example.com", "ISSUED"},
	{"arn:aws:acm:ap-northeast-1:123456789012:certificate/1b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "*.example.com", "ISSUED"},
	{"arn:aws:acm:us-east-1:123456789012:certificate/2b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "dev.example.net", "PENDING_VALIDATION"},
}

func registerLookups(m *Mocks) {
	m.Answer(TokenGetZone, func(args resource.PropertyMap) (resource.PropertyMap, error) {
		id := args["zoneId"].StringValue()
		z, ok := HostedZones[id]
		if !ok {
			return nil, fmt.Errorf("no matching Route 53 Hosted Zone found")
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "zoneId": id, "name": z.Name, "privateZone": z.Private}), nil
	})
	m.AnswerWithProvider(TokenGetCertificate, func(args resource.PropertyMap, region string) (resource.PropertyMap, error) {
		domain := args["domain"].StringValue()
		for _, c := range Certificates {
			if c.Domain == domain && strings.Split(c.Arn, ":")[3] == region {
				return resource.NewPropertyMapFromMap(map[string]any{"id": c.Arn, "arn": c.Arn, "domain": c.Domain, "status": c.Status}), nil
			}
		}
		return nil, fmt.Errorf("no ACM Certificate matching domain (%s)", domain)
	})
}
