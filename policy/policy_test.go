package policy

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rule(t *testing.T, name string) Rule {
	t.Helper()
	for _, r := range Rules {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %s", name)
	return Rule{}
}

func res(typ string, props map[string]any) Resource {
	return Resource{Type: typ, Name: "r", URN: "urn:" + typ, Props: props}
}

// bucketSet is a compliant bucket with its companions; drop removes one companion type.
func bucketSet(drop string) []Resource {
	rs := []Resource{
		res(typeBucket, map[string]any{"bucket": "b", "forceDestroy": true}),
		res(typePAB, map[string]any{"bucket": "b", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
		res(typeEncryption, map[string]any{"bucket": "b"}),
		res(typeBucketPolicy, map[string]any{"bucket": "b", "policy": `{"Statement":[{"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`}),
	}
	var out []Resource
	for _, r := range rs {
		if r.Type != drop {
			out = append(out, r)
		}
	}
	return out
}

func TestRules(t *testing.T) {
	cases := []struct {
		rule      string
		pass      []Resource
		fail      []Resource
		wantInMsg string
	}{
		{"no-world-ingress",
			[]Resource{
				res(typeIngressRule, map[string]any{"prefixListId": "pl-1", "fromPort": 443.0, "toPort": 443.0}),
				res(typeIngressRule, map[string]any{"cidrIpv4": "10.20.0.0/16", "fromPort": 22.0, "toPort": 22.0}),
			},
			[]Resource{
				res(typeIngressRule, map[string]any{"cidrIpv4": "0.0.0.0/0", "fromPort": 22.0, "toPort": 22.0, "tags": map[string]any{"Name": "x-opmng-sg-in-22"}}),
				res(typeIngressRule, map[string]any{"cidrIpv4": "0.0.0.0/0", "fromPort": 443.0, "toPort": 443.0, "tags": map[string]any{"Name": "x-web-sg-in-443-world"}}),
			},
			"from the whole internet"},
		{"acls-keep-remote-admin-closed",
			[]Resource{res(typeNetworkAcl, map[string]any{"ingress": []any{
				map[string]any{"ruleNo": 100.0, "action": "allow", "protocol": "tcp", "fromPort": 1024.0, "toPort": 3388.0, "cidrBlock": "0.0.0.0/0"},
				map[string]any{"ruleNo": 110.0, "action": "allow", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlock": "10.0.0.0/16"},
			}})},
			[]Resource{res(typeNetworkAcl, map[string]any{"ingress": []any{
				map[string]any{"ruleNo": 100.0, "action": "allow", "protocol": "tcp", "fromPort": 1024.0, "toPort": 65535.0, "cidrBlock": "0.0.0.0/0"},
			}})},
			"rule 100 admits 3389 from the whole internet"},
		{"no-internet-path-to-the-origin",
			[]Resource{
				res(typeLoadBalancer, map[string]any{"internal": true}),
				res(typeLoadBalancer, map[string]any{}), // unknown in a preview
				res(typeDistribution, map[string]any{"origins": []any{
					map[string]any{"originId": "alb", "vpcOriginConfig": map[string]any{}},
					map[string]any{"originId": "static"}}}),
			},
			[]Resource{
				res(typeLoadBalancer, map[string]any{"internal": false}),
				res(typeDistribution, map[string]any{"origins": []any{map[string]any{"originId": "alb", "customOriginConfig": map[string]any{"originProtocolPolicy": "https-only"}}}}),
			},
			"internet"},
		{"no-world-ingress",
			[]Resource{res(typeSecurityGroup, map[string]any{"ingress": []any{map[string]any{"cidrBlocks": []any{"10.0.0.0/8"}}}})},
			[]Resource{res(typeSecurityGroup, map[string]any{"ingress": []any{map[string]any{"cidrBlocks": []any{"0.0.0.0/0"}}}})},
			"inline ingress from the whole internet"},
		{"buckets-block-public-access", bucketSet(""), bucketSet(typePAB), "bucket has no a public access block: b"},
		{"buckets-block-public-access", bucketSet(""),
			[]Resource{res(typePAB, map[string]any{"bucket": "b", "blockPublicAcls": true, "blockPublicPolicy": false, "ignorePublicAcls": true, "restrictPublicBuckets": true})},
			"leaves off blockPublicPolicy"},
		{"buckets-encrypted", bucketSet(""), bucketSet(typeEncryption), "bucket has no server-side encryption: b"},
		{"buckets-tls-only", bucketSet(""), bucketSet(typeBucketPolicy), "bucket policy does not deny requests without TLS: b"},
		{"databases-encrypted-private",
			[]Resource{
				res(typeDbInstance, map[string]any{"storageEncrypted": true, "publiclyAccessible": false}),
				res(typeDbInstance, map[string]any{"replicateSourceDb": "primary"}),
			},
			[]Resource{res(typeDbInstance, map[string]any{"storageEncrypted": false})},
			"storage is not encrypted"},
		{"databases-encrypted-private",
			[]Resource{res(typeDbInstance, map[string]any{"storageEncrypted": true})},
			[]Resource{res(typeDbInstance, map[string]any{"storageEncrypted": true, "publiclyAccessible": true})},
			"publicly accessible"},
		{"imdsv2-required",
			[]Resource{res(typeLaunchTemplate, map[string]any{"metadataOptions": map[string]any{"httpTokens": "required"}})},
			[]Resource{res(typeLaunchTemplate, map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}})},
			`httpTokens is not "required"`},
		{"tls-minimums",
			[]Resource{
				res(typeListener, map[string]any{"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
				res(typeDistribution, map[string]any{"viewerCertificate": map[string]any{"cloudfrontDefaultCertificate": true},
					"defaultCacheBehavior": map[string]any{"viewerProtocolPolicy": "redirect-to-https"}}),
			},
			[]Resource{res(typeListener, map[string]any{"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"})},
			"ELBSecurityPolicy-2016-08 allows protocols older than TLS 1.2"},
		{"tls-minimums",
			[]Resource{res(typeDistribution, map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": "a", "minimumProtocolVersion": "TLSv1.2_2021"}})},
			[]Resource{res(typeDistribution, map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": "a", "minimumProtocolVersion": "TLSv1"},
				"orderedCacheBehaviors": []any{map[string]any{"pathPattern": "/public/*", "viewerProtocolPolicy": "allow-all"}}})},
			"TLSv1 is older than TLSv1.2_2021"},
		{"cloudfront-certificate-in-us-east-1",
			[]Resource{res(typeDistribution, map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}})},
			[]Resource{res(typeDistribution, map[string]any{"viewerCertificate": map[string]any{"acmCertificateArn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/x"}})},
			"is not in us-east-1"},
		{"stateful-resources-protected",
			[]Resource{
				{Type: typeDbInstance, URN: "db", Props: map[string]any{"deletionProtection": true}, Protect: true},
				res(typeDbInstance, map[string]any{"deletionProtection": true, "replicateSourceDb": "primary"}),
				res(typeDbInstance, map[string]any{"deletionProtection": false}),
				res(typeBucket, map[string]any{"forceDestroy": true}),
			},
			[]Resource{res(typeDbInstance, map[string]any{"deletionProtection": true})},
			"not protected in Pulumi state"},
		{"buckets-access-logged",
			[]Resource{
				res(typeBucket, map[string]any{"bucket": "a"}), res(typeBucket, map[string]any{"bucket": "logs"}),
				res(typeBucketLogging, map[string]any{"bucket": "a", "targetBucket": "logs"}),
			},
			[]Resource{
				res(typeBucket, map[string]any{"bucket": "a"}), res(typeBucket, map[string]any{"bucket": "b"}), res(typeBucket, map[string]any{"bucket": "logs"}),
				res(typeBucketLogging, map[string]any{"bucket": "a", "targetBucket": "logs"}),
			},
			"bucket has no S3 server access logging: b"},
		{"databases-require-tls",
			[]Resource{
				res(typeParameterGroup, map[string]any{"family": "mysql8.0", "parameters": []any{map[string]any{"name": "require_secure_transport", "value": "1"}}}),
				res(typeParameterGroup, map[string]any{"family": "postgres16"}),
				res(typeDbInstance, map[string]any{"username": "tastylog_admin", "storageEncrypted": true}),
			},
			[]Resource{res(typeParameterGroup, map[string]any{"family": "mysql8.4", "parameters": []any{map[string]any{"name": "character_set_server", "value": "utf8mb4"}}})},
			"does not set require_secure_transport"},
		{"databases-require-tls",
			[]Resource{res(typeDbInstance, map[string]any{"username": "tastylog_admin"})},
			[]Resource{res(typeDbInstance, map[string]any{"username": "admin"})},
			"master user is the engine default admin"},
		{"no-plain-http-egress",
			[]Resource{res(typeEgressRule, map[string]any{"fromPort": 443.0, "toPort": 443.0, "ipProtocol": "tcp"})},
			[]Resource{res(typeEgressRule, map[string]any{"fromPort": 0.0, "toPort": 65535.0, "ipProtocol": "tcp"})},
			"lets plain HTTP out"},
		{"trails-validated-everywhere",
			[]Resource{res(typeTrail, map[string]any{"enableLogFileValidation": true, "isMultiRegionTrail": true})},
			[]Resource{res(typeTrail, map[string]any{"enableLogFileValidation": false, "isMultiRegionTrail": true})},
			"log-file validation is off"},
		{"keys-rotated",
			[]Resource{res(typeKey, map[string]any{"enableKeyRotation": true, "deletionWindowInDays": 30.0})},
			[]Resource{res(typeKey, map[string]any{"enableKeyRotation": true, "deletionWindowInDays": 7.0})},
			"deletion window of 7 days is under 30"},
		{"alarms-notify",
			[]Resource{res(typeAlarm, map[string]any{"alarmActions": []any{"arn:t"}, "okActions": []any{"arn:t"}}), res(typeAlarm, map[string]any{})},
			[]Resource{res(typeAlarm, map[string]any{"alarmActions": []any{}, "okActions": []any{"arn:t"}})},
			"alarmActions is empty"},
		{"production-controls",
			[]Resource{
				{Type: typeDistribution, URN: "d1", Production: true, Props: map[string]any{"webAclId": "arn:acl"}},
				{Type: typeDistribution, URN: "d2", Production: true, Props: map[string]any{}, Unknown: map[string]bool{"webAclId": true}},
				{Type: typeDistribution, URN: "d3", Props: map[string]any{}}, // disposable
				{Type: typeDbInstance, URN: "db", Production: true, Props: map[string]any{"kmsKeyId": "arn:key", "storageEncrypted": true}},
				{Type: typeParameter, URN: "p", Production: true, Props: map[string]any{"type": "String"}},
				{Type: typeLogGroup, URN: "g", Production: true, Props: map[string]any{"name": "/t/prod/cloudtrail", "retentionInDays": 365.0}},
				{Type: typeLogGroup, URN: "a", Production: true, Props: map[string]any{"name": "/t/prod/app", "retentionInDays": 90.0}},
				{Type: typeLaunchTemplate, URN: "lt", Production: true, Props: map[string]any{"monitoring": map[string]any{"enabled": true}, "metadataOptions": map[string]any{"httpTokens": "required"}}},
			},
			[]Resource{
				{Type: typeDistribution, URN: "d", Production: true, Props: map[string]any{}},
				{Type: typeDbInstance, URN: "db", Production: true, Props: map[string]any{"storageEncrypted": true}},
				{Type: typeParameter, URN: "p", Production: true, Props: map[string]any{"type": "SecureString"}},
				{Type: typeLogGroup, URN: "g", Production: true, Props: map[string]any{"name": "/t/prod/vpc-flow-logs", "retentionInDays": 30.0}},
				{Type: typeLaunchTemplate, URN: "lt", Production: true, Props: map[string]any{"monitoring": map[string]any{"enabled": false}}},
			},
			"the distribution has no web ACL"},
		{"containers-hardened",
			[]Resource{
				res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","user":"1000","readonlyRootFilesystem":true,"privileged":false,"environment":[{"name":"PORT","value":"3000"}],"secrets":[{"name":"MYSQL_PASSWORD","valueFrom":"arn"}]}]`}),
				{Type: typeTaskDefinition, URN: "unknown", Unknown: map[string]bool{"containerDefinitions": true}, Props: map[string]any{}},
				res(typeEcsService, map[string]any{"networkConfiguration": map[string]any{"assignPublicIp": false}, "capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE_SPOT"}}}),
				{Type: typeEcsService, URN: "prod", Production: true, Props: map[string]any{"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE"}}}},
				res(typeRepository, map[string]any{"imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": map[string]any{"scanOnPush": true}}),
			},
			[]Resource{
				res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","privileged":true}]`}),
				res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","user":"1000","readonlyRootFilesystem":true,"environment":[{"name":"MYSQL_PASSWORD","value":"x"}]}]`}),
				res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","user":"root:root","readonlyRootFilesystem":true}]`}),
				res(typeEcsService, map[string]any{"networkConfiguration": map[string]any{"assignPublicIp": true}}),
				{Type: typeEcsService, URN: "prod", Production: true, Props: map[string]any{"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE_SPOT"}}}},
				res(typeRepository, map[string]any{"imageTagMutability": "MUTABLE"}),
			},
			"container app is privileged"},
		{"serverless-hardened",
			[]Resource{
				res(typeQueue, map[string]any{"sqsManagedSseEnabled": true}),
				res(typeFunction, map[string]any{"loggingConfig": map[string]any{"logGroup": "/tastylog/dev/batch-worker"},
					"environment": map[string]any{"variables": map[string]any{"RESULTS_BUCKET": "b"}}}),
				res(typeApiStage, map[string]any{"accessLogSettings": map[string]any{"destinationArn": "arn", "format": "{}"}}),
				res(typeMethodSettings, map[string]any{"settings": map[string]any{"dataTraceEnabled": false}}),
			},
			[]Resource{
				res(typeQueue, map[string]any{}),
				res(typeFunction, map[string]any{"environment": map[string]any{"variables": map[string]any{"DB_PASSWORD": "x"}}}),
				res(typeApiStage, map[string]any{}),
				res(typeMethodSettings, map[string]any{"settings": map[string]any{"dataTraceEnabled": true}}),
			},
			"the queue is not encrypted"},
		{"stateful-resources-protected",
			[]Resource{{Type: typeBucket, URN: "b", Props: map[string]any{"forceDestroy": false}, Protect: true}},
			[]Resource{res(typeBucket, map[string]any{"forceDestroy": false})},
			"bucket keeps its data on destroy"},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			r := rule(t, tc.rule)
			assert.Empty(t, Check([]Rule{r}, tc.pass), "compliant resources pass")
			got := Check([]Rule{r}, tc.fail)
			require.NotEmpty(t, got, "the rule catches the violation")
			assert.Equal(t, tc.rule, got[0].Rule)
			assert.Contains(t, got[0].Message, tc.wantInMsg)
		})
	}
	for _, r := range Rules {
		assert.True(t, covered[r.Name], "rule %s has a passing and a failing case", r.Name)
		assert.NotEmpty(t, r.Description, r.Name)
	}
}

func TestContainersHardenedNamesEachProblem(t *testing.T) {
	got := Check([]Rule{rule(t, "containers-hardened")}, []Resource{
		res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","user":"1000","readonlyRootFilesystem":true,"environment":[{"name":"MYSQL_PASSWORD","value":"x"}]}]`}),
		res(typeTaskDefinition, map[string]any{"containerDefinitions": `[{"name":"app","user":"root:root","readonlyRootFilesystem":false}]`}),
		{Type: typeEcsService, URN: "prod", Production: true, Props: map[string]any{"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE_SPOT"}}}},
		res(typeRepository, map[string]any{"imageTagMutability": "MUTABLE"}),
	})
	var msgs []string
	for _, v := range got {
		msgs = append(msgs, v.Message)
	}
	assert.Equal(t, []string{
		"container app has MYSQL_PASSWORD as a plain environment value; pass it as a secret",
		"container app has a writable root filesystem", "container app runs as root",
		"a production service runs on FARGATE_SPOT",
		"image tags are mutable", "images are not scanned on push",
	}, msgs)
}

func TestPack(t *testing.T) {
	pack, err := Pack()
	require.NoError(t, err)
	assert.Equal(t, "tastylog", pack.Name())
	names := map[string]bool{}
	for _, p := range pack.Policies() {
		assert.False(t, names[p.Name()], "policy names are unique: %s", p.Name())
		names[p.Name()] = true
		assert.Equal(t, policyx.EnforcementLevelMandatory, p.EnforcementLevel(), p.Name())
	}
	assert.True(t, names["no-world-ingress"])
	assert.True(t, names["buckets-tls-only-stack"])
}

type recorder struct{ messages []string }

func (r *recorder) ReportViolation(message, urn string) {
	r.messages = append(r.messages, urn+" "+message)
}

// The policy pack runs the same rule code on what the engine sends, unknown values and all.
func TestPackRunsTheRulesOnEngineResources(t *testing.T) {
	pack, err := Pack()
	require.NoError(t, err)
	var imds policyx.ResourceValidationPolicy
	var tls policyx.StackValidationPolicy
	for _, p := range pack.Policies() {
		switch p.Name() {
		case "imdsv2-required":
			imds = p.(policyx.ResourceValidationPolicy)
		case "buckets-tls-only-stack":
			tls = p.(policyx.StackValidationPolicy)
		}
	}
	require.NotNil(t, imds)
	require.NotNil(t, tls)

	lt := policyx.AnalyzerResource{
		Type: typeLaunchTemplate, URN: "urn:lt",
		Properties: property.NewMap(map[string]property.Value{
			"metadataOptions": property.New(property.NewMap(map[string]property.Value{"httpTokens": property.New("optional")})),
			"userData":        property.New(property.Computed),
		}),
		Options: pulumi.ResourceOptions{},
	}
	rec := &recorder{}
	require.NoError(t, imds.Validate(t.Context(), policyx.ResourceValidationArgs{Manager: rec, Resource: lt}))
	require.Len(t, rec.messages, 1)
	assert.Contains(t, rec.messages[0], `httpTokens is not "required"`)

	bucket := policyx.AnalyzerResource{Type: typeBucket, URN: "urn:b",
		Properties: property.NewMap(map[string]property.Value{"bucket": property.New("b")})}
	rec = &recorder{}
	require.NoError(t, tls.Validate(t.Context(), policyx.StackValidationArgs{Manager: rec, Resources: []policyx.AnalyzerResource{bucket}}))
	require.Len(t, rec.messages, 1)
	assert.True(t, strings.HasPrefix(rec.messages[0], "urn:b "), rec.messages[0])
}

func TestFromAnalyzerDropsUnknowns(t *testing.T) {
	r := FromAnalyzer(policyx.AnalyzerResource{
		Type: typeBucket,
		Properties: property.NewMap(map[string]property.Value{
			"bucket": property.New("b"), "arn": property.New(property.Computed), "forceDestroy": property.New(false),
			"alarmActions": property.New([]property.Value{property.New(property.Computed)}),
			"tags":         property.New([]property.Value{property.New("a")}),
		}),
		Options:  pulumi.ResourceOptions{Protect: true},
		Provider: policyx.AnalyzerProviderResource{Properties: property.NewMap(map[string]property.Value{"region": property.New("us-east-1")})},
	})
	assert.Equal(t, map[string]any{"bucket": "b", "forceDestroy": false, "tags": []any{"a"}}, r.Props,
		"a list with an unknown element is unknown, not shorter")
	assert.True(t, r.Protect)
	assert.Equal(t, "us-east-1", r.ProviderRegion)
}

// In the preview of a first up a companion's bucket is unknown: it may cover any bucket, so the rule
// reports only the buckets such companions cannot account for.
func TestBucketRulesAllowForUnknownCompanions(t *testing.T) {
	buckets := []Resource{res(typeBucket, map[string]any{"bucket": "a"}), res(typeBucket, map[string]any{"bucket": "b"})}
	unknownPAB := res(typePAB, map[string]any{})
	knownPAB := res(typePAB, map[string]any{"bucket": "a"})
	unknownPolicy := res(typeBucketPolicy, map[string]any{"bucket": "b"})
	pab, tls := rule(t, "buckets-block-public-access"), rule(t, "buckets-tls-only")

	assert.Empty(t, Check([]Rule{pab}, append(buckets, knownPAB, unknownPAB)))
	assert.Len(t, Check([]Rule{pab}, append(buckets, unknownPAB)), 2, "one unknown companion cannot cover two buckets")
	assert.Empty(t, Check([]Rule{tls}, append(buckets, unknownPolicy, res(typeBucketPolicy, map[string]any{}))))
	assert.Len(t, Check([]Rule{tls}, append(buckets, unknownPolicy)), 2)
}

func TestProductionProviderReadsTheProfileTag(t *testing.T) {
	assert.True(t, ProductionProvider(map[string]any{"defaultTags": map[string]any{"tags": map[string]any{"Profile": "production"}}}))
	assert.True(t, ProductionProvider(map[string]any{"defaultTags": `{"tags":{"Profile":"production"}}`}), "as JSON")
	assert.False(t, ProductionProvider(map[string]any{"defaultTags": map[string]any{"tags": map[string]any{"Profile": "disposable"}}}))
	assert.False(t, ProductionProvider(map[string]any{}))
}

// Every one of a production resource's missing controls is reported.
func TestProductionControlsReportEachResource(t *testing.T) {
	fail := []Resource{
		{Type: typeDistribution, URN: "d", Production: true, Props: map[string]any{}},
		{Type: typeDbInstance, URN: "db", Production: true, Props: map[string]any{}},
		{Type: typeParameter, URN: "p", Production: true, Props: map[string]any{"type": "SecureString"}},
		{Type: typeLogGroup, URN: "g", Production: true, Props: map[string]any{"name": "/t/prod/vpc-flow-logs", "retentionInDays": 30.0}},
		{Type: typeLaunchTemplate, URN: "lt", Production: true, Props: map[string]any{}},
	}
	assert.Len(t, Check([]Rule{rule(t, "production-controls")}, fail), len(fail))
}
