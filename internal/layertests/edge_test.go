package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/edge"
	"github.com/tastylog/infra/internal/edgespec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

const (
	typeAlb          = "aws:lb/loadBalancer:LoadBalancer"
	typeListener     = "aws:lb/listener:Listener"
	edgeTypeRule     = "aws:lb/listenerRule:ListenerRule"
	typeCert         = "aws:acm/certificate:Certificate"
	typeValidation   = "aws:acm/certificateValidation:CertificateValidation"
	typeRecord       = "aws:route53/record:Record"
	typeZone         = "aws:route53/zone:Zone"
	typeDistribution = "aws:cloudfront/distribution:Distribution"
	typeOAC          = "aws:cloudfront/originAccessControl:OriginAccessControl"
	typeVpcOrigin    = "aws:cloudfront/vpcOrigin:VpcOrigin"
	typeWebAcl       = "aws:wafv2/webAcl:WebAcl"
	typeWafLogging   = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	typeLogSource    = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
	typeLogDest      = "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"
	typeLogDelivery  = "aws:cloudwatch/logDelivery:LogDelivery"
	typeSecret       = "random:index/randomPassword:RandomPassword"
	staticBucket     = "tastylog-dev-static-" + account
	secretValue      = "mock-secret-tastylog-dev-origin-secret"
)

func noDomain() edgespec.Spec {
	s := edgespec.Default()
	s.PriceClass, s.AlbDeletionProtection, s.Waf = "PriceClass_200", false, false
	return s
}

func withDomain() edgespec.Spec {
	s := edgespec.Default()
	s.Domain, s.CreateHostedZone = "example.com", true
	return s
}

func edgeArgs(spec edgespec.Spec) *edge.Args {
	return &edge.Args{
		Spec:                           spec,
		Env:                            "dev",
		AccountId:                      account,
		Region:                         "ap-northeast-1",
		Production:                     spec.AlbDeletionProtection,
		LogRetentionDays:               30,
		AlbLogPrefix:                   "alb",
		CloudFrontLogPrefix:            "cloudfront",
		SubnetIds:                      pulumi.ToStringArray([]string{"subnet-private-1a", "subnet-private-1c"}),
		WebSecurityGroupId:             pulumi.String("sg-web"),
		TargetGroupArn:                 pulumi.String("arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":targetgroup/app/1"),
		StaticBucketName:               pulumi.String(staticBucket),
		StaticBucketRegionalDomainName: pulumi.String(staticBucket + ".s3.ap-northeast-1.amazonaws.com"),
		LogsBucketName:                 pulumi.String(logsBucket),
	}
}

func edgeRun(t *testing.T, a *edge.Args) (*testkit.Mocks, *edge.Edge) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*edge.Edge, error) {
		a.UsEast1 = p.UsEast1
		return edge.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

// providerRegion returns the region of a resource's provider.
func providerRegion(t *testing.T, m *testkit.Mocks, r *testkit.Resource) string {
	t.Helper()
	p := m.ProviderOf(r)
	require.NotNil(t, p, "%s %s has an explicit provider", r.Type, r.Name)
	return p.Str("region")
}

func TestProvidersByRegion(t *testing.T) {
	usEast1Only := map[string]bool{
		typeCert + " tastylog-dev-cloudfront-cert":                  true,
		typeValidation + " tastylog-dev-cloudfront-cert-validation": true,
		typeLogSource + " tastylog-dev-cloudfront-log-source":       true,
		typeLogDest + " tastylog-dev-cloudfront-log-destination":    true,
		typeLogDelivery + " tastylog-dev-cloudfront-log-delivery":   true,
		typeWebAcl + " tastylog-dev-web-acl":                        true,
		typeLogGroup + " tastylog-dev-web-acl-logs":                 true,
		typeWafLogging + " tastylog-dev-web-acl-logging":            true,
	}
	for name, spec := range map[string]edgespec.Spec{"WithDomain": withDomain(), "NoDomain": noDomain()} {
		t.Run(name, func(t *testing.T) {
			m, _ := edgeRun(t, edgeArgs(spec))
			component := m.ByType(edge.Type)[0]
			n := 0
			for _, r := range m.All() {
				if !strings.HasPrefix(r.Type, "aws:") {
					continue
				}
				n++
				assert.Equal(t, component.URN, r.Parent, r.Name)
				want := "ap-northeast-1"
				if usEast1Only[r.Type+" "+r.Name] {
					want = "us-east-1"
				}
				assert.Equal(t, want, providerRegion(t, m, r), "%s %s", r.Type, r.Name)
			}
			assert.GreaterOrEqual(t, n, 10)
		})
	}
}

func TestCertificatesAndValidation(t *testing.T) {
	m, e := edgeRun(t, edgeArgs(withDomain()))
	zone := m.One(t, typeZone, "tastylog-dev-zone")
	assert.Equal(t, "example.com", zone.Str("name"))
	zoneID := "Z0MOCKEXAMPLECOM"

	for _, c := range []struct{ role, domain, region string }{
		{"alb", "dev-elb.example.com", "ap-northeast-1"},
		{"cloudfront", "dev.example.com", "us-east-1"},
	} {
		cert := m.One(t, typeCert, "tastylog-dev-"+c.role+"-cert")
		assert.Equal(t, c.domain, cert.Str("domainName"))
		assert.Equal(t, "DNS", cert.Str("validationMethod"))
		record := m.One(t, typeRecord, "tastylog-dev-"+c.role+"-cert-validation")
		// Taken from the certificate's outputs, not written by hand.
		assert.Equal(t, "_validate."+c.domain+".", record.Str("name"))
		assert.Equal(t, "CNAME", record.Str("type"))
		assert.Equal(t, []string{"_token-tastylog-dev-" + c.role + "-cert.acm-validations.aws."}, record.Strings("records"))
		assert.Equal(t, zoneID, record.Str("zoneId"))
		validation := m.One(t, typeValidation, "tastylog-dev-"+c.role+"-cert-validation")
		assert.Equal(t, "arn:aws:acm:"+c.region+":"+account+":certificate/"+cert.Name, validation.Str("certificateArn"))
		// The record's own name, trailing dot and all: the provider compares FQDNs without it.
		assert.Equal(t, []string{record.Str("name")}, validation.Strings("validationRecordFqdns"))
	}

	https := m.One(t, typeListener, "tastylog-dev-app-alb-https")
	assert.Equal(t, "arn:aws:acm:ap-northeast-1:"+account+":certificate/tastylog-dev-alb-cert", https.Str("certificateArn"),
		"the listener uses the validated certificate")
	viewer := m.One(t, typeDistribution, "tastylog-dev-cdn").Input("viewerCertificate").(map[string]any)
	assert.Equal(t, "arn:aws:acm:us-east-1:"+account+":certificate/tastylog-dev-cloudfront-cert", viewer["acmCertificateArn"])
	assert.Equal(t, "sni-only", viewer["sslSupportMethod"])
	assert.Equal(t, "TLSv1.2_2021", viewer["minimumProtocolVersion"])

	for out, want := range map[pulumi.Output]any{
		e.SiteUrl:      "https://dev.example.com",
		e.HostedZoneId: zoneID,
		e.NameServers:  []string{"ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"},
	} {
		got, err := testkit.Await(out)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestExistingZoneAndCertificates(t *testing.T) {
	spec := withDomain()
	spec.CreateHostedZone, spec.HostedZoneId = false, "Z0123456789ABCDEFGHIJ"
	spec.CloudFrontCertificateArn = "arn:aws:acm:us-east-1:" + account + ":certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	m, _ := edgeRun(t, edgeArgs(spec))
	assert.Empty(t, m.ByType(typeZone), "an existing zone is used, not created")
	assert.Nil(t, m.Find(typeCert, "tastylog-dev-cloudfront-cert"), "an existing CloudFront certificate is used")
	assert.NotNil(t, m.Find(typeCert, "tastylog-dev-alb-cert"), "the load balancer's is still issued")
	viewer := m.One(t, typeDistribution, "tastylog-dev-cdn").Input("viewerCertificate").(map[string]any)
	assert.Equal(t, spec.CloudFrontCertificateArn, viewer["acmCertificateArn"])
	for _, r := range m.ByType(typeRecord) {
		assert.Equal(t, "Z0123456789ABCDEFGHIJ", r.Str("zoneId"), r.Name)
	}
}

// One listener on the origin port, the one the web group admits: nothing else can reach an internal load
// balancer, so domain mode has no port-80 redirect.
func TestListeners(t *testing.T) {
	t.Run("WithDomain", func(t *testing.T) {
		m, _ := edgeRun(t, edgeArgs(withDomain()))
		listeners := m.ByType(typeListener)
		require.Len(t, listeners, 1, "443 only")
		https := m.One(t, typeListener, "tastylog-dev-app-alb-https")
		assert.Equal(t, withDomain().OriginPort(), https.Int("port"))
		assert.Equal(t, "HTTPS", https.Str("protocol"))
		assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", https.Str("sslPolicy"))
		assertForbiddenByDefault(t, https)
		assertForwardNeedsHeader(t, m, https)
	})
	t.Run("NoDomain", func(t *testing.T) {
		m, _ := edgeRun(t, edgeArgs(noDomain()))
		listeners := m.ByType(typeListener)
		require.Len(t, listeners, 1, "port 80 only")
		assert.Equal(t, noDomain().OriginPort(), listeners[0].Int("port"))
		assert.Equal(t, "HTTP", listeners[0].Str("protocol"))
		assertForbiddenByDefault(t, listeners[0])
		assertForwardNeedsHeader(t, m, listeners[0])
		assert.Empty(t, m.ByType(typeCert))
		assert.Empty(t, m.ByType(typeRecord))
	})
}

func assertForbiddenByDefault(t *testing.T, l *testkit.Resource) {
	t.Helper()
	actions := l.Objects("defaultActions")
	require.Len(t, actions, 1)
	assert.Equal(t, "fixed-response", actions[0]["type"])
	assert.Equal(t, "403", actions[0]["fixedResponse"].(map[string]any)["statusCode"])
}

func assertForwardNeedsHeader(t *testing.T, m *testkit.Mocks, l *testkit.Resource) {
	t.Helper()
	rule := m.One(t, edgeTypeRule, "tastylog-dev-app-alb-from-cloudfront")
	assert.Equal(t, "arn:aws:mock:::"+typeListener+"/"+l.ID, rule.Str("listenerArn"))
	conds := rule.Objects("conditions")
	require.Len(t, conds, 1)
	header := conds[0]["httpHeader"].(map[string]any)
	assert.Equal(t, "X-Origin-Verify", header["httpHeaderName"])
	assert.Equal(t, []any{secretValue}, header["values"])
	assert.True(t, rule.IsSecret("conditions"), "the origin secret stays secret in state")
	actions := rule.Objects("actions")
	require.Len(t, actions, 1)
	assert.Equal(t, "forward", actions[0]["type"])
	assert.Equal(t, "arn:aws:elasticloadbalancing:ap-northeast-1:"+account+":targetgroup/app/1", actions[0]["targetGroupArn"])
}

func TestLoadBalancer(t *testing.T) {
	for name, tc := range map[string]struct {
		spec    edgespec.Spec
		protect bool
	}{"Dev": {noDomain(), false}, "Prod": {withDomain(), true}} {
		t.Run(name, func(t *testing.T) {
			m, _ := edgeRun(t, edgeArgs(tc.spec))
			alb := m.One(t, typeAlb, "tastylog-dev-app-alb")
			assert.Equal(t, []string{"subnet-private-1a", "subnet-private-1c"}, alb.Strings("subnets"))
			assert.Equal(t, []string{"sg-web"}, alb.Strings("securityGroups"))
			assert.True(t, alb.Bool("internal"), "no public address: only the VPC origin reaches it")
			assert.True(t, alb.Bool("dropInvalidHeaderFields"))
			assert.Equal(t, tc.protect, alb.Bool("enableDeletionProtection"))
			assert.Equal(t, 60, alb.Int("idleTimeout"))
			assert.Equal(t, map[string]any{"bucket": logsBucket, "prefix": "alb", "enabled": true}, alb.Input("accessLogs"))
		})
	}
}

func TestDistribution(t *testing.T) {
	for name, tc := range map[string]struct {
		spec             edgespec.Spec
		originDomain     string
		originProtocol   string
		aliases          []string
		defaultCertifate bool
	}{
		"WithDomain": {withDomain(), "dev-elb.example.com", "https-only", []string{"dev.example.com"}, false},
		"NoDomain":   {noDomain(), "tastylog-dev-app-alb-1234567890.ap-northeast-1.elb.amazonaws.com", "http-only", nil, true},
	} {
		t.Run(name, func(t *testing.T) {
			m, _ := edgeRun(t, edgeArgs(tc.spec))
			d := m.One(t, typeDistribution, "tastylog-dev-cdn")
			assert.True(t, d.Bool("enabled"))
			assert.Equal(t, "http2and3", d.Str("httpVersion"))
			assert.True(t, d.Bool("isIpv6Enabled"))
			assert.Equal(t, tc.spec.PriceClass, d.Str("priceClass"))
			assert.Equal(t, tc.aliases, d.Strings("aliases"))
			assert.Equal(t, tc.defaultCertifate, d.Input("viewerCertificate").(map[string]any)["cloudfrontDefaultCertificate"] == true)

			origins := map[string]map[string]any{}
			for _, o := range d.Objects("origins") {
				origins[o["originId"].(string)] = o
			}
			app := origins["alb"]
			assert.Equal(t, tc.originDomain, app["domainName"])
			assert.Nil(t, app["customOriginConfig"], "no internet path to the origin")
			vo := m.One(t, typeVpcOrigin, "tastylog-dev-app-alb-vpc-origin")
			assert.Equal(t, vo.ID, app["vpcOriginConfig"].(map[string]any)["vpcOriginId"])
			config := vo.Input("vpcOriginEndpointConfig").(map[string]any)
			assert.Contains(t, config["arn"], ":loadbalancer/app/tastylog-dev-app-alb/", "the VPC origin is this load balancer")
			assert.Equal(t, tc.originProtocol, config["originProtocolPolicy"])
			assert.Equal(t, map[string]any{"items": []any{"TLSv1.2"}, "quantity": float64(1)}, config["originSslProtocols"])
			assert.Equal(t, []any{map[string]any{"name": "X-Origin-Verify", "value": secretValue}}, app["customHeaders"])
			static := origins["static"]
			assert.Equal(t, staticBucket+".s3.ap-northeast-1.amazonaws.com", static["domainName"])
			oac := m.One(t, typeOAC, "tastylog-dev-static-oac")
			assert.Equal(t, oac.ID, static["originAccessControlId"])
			assert.Equal(t, "s3", oac.Str("originAccessControlOriginType"))
			assert.Equal(t, "always", oac.Str("signingBehavior"))
			assert.Equal(t, "sigv4", oac.Str("signingProtocol"))

			def := d.Input("defaultCacheBehavior").(map[string]any)
			assert.Equal(t, "alb", def["targetOriginId"])
			assert.Equal(t, "redirect-to-https", def["viewerProtocolPolicy"])
			assert.ElementsMatch(t, []any{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}, def["allowedMethods"], "the login form POSTs")
			assert.Equal(t, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", def["cachePolicyId"], "Managed-CachingDisabled")
			assert.Equal(t, "b689b0a8-53d0-40ab-baf2-68738e2966ac", def["originRequestPolicyId"], "Managed-AllViewerExceptHostHeader")

			ordered := d.Objects("orderedCacheBehaviors")
			require.Len(t, ordered, 1)
			pub := ordered[0]
			assert.Equal(t, "/public/*", pub["pathPattern"])
			assert.Equal(t, "static", pub["targetOriginId"])
			assert.ElementsMatch(t, []any{"GET", "HEAD"}, pub["allowedMethods"])
			assert.Equal(t, "658327ea-f89d-4fab-a63d-7e88639e58f6", pub["cachePolicyId"], "Managed-CachingOptimized")
			assert.Equal(t, true, pub["compress"])
			assert.Equal(t, "redirect-to-https", pub["viewerProtocolPolicy"])
		})
	}
}

func TestStaticBucketPolicyGrantsOnlyThisDistribution(t *testing.T) {
	m, _ := edgeRun(t, edgeArgs(noDomain()))
	p := m.One(t, typeBucketPolicy, "tastylog-dev-static-bucket-policy")
	assert.Equal(t, staticBucket, p.Str("bucket"))
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
	require.Len(t, doc.Statement, 2)
	assert.Equal(t, iampolicy.DenyInsecureTransport(staticBucket), doc.Statement[0])
	read := doc.Statement[1]
	assert.Equal(t, "Allow", read.Effect)
	assert.Equal(t, []string{"s3:GetObject"}, read.Action)
	assert.Equal(t, []string{"arn:aws:s3:::" + staticBucket + "/*"}, read.Resource)
	assert.Equal(t, map[string][]string{"Service": {"cloudfront.amazonaws.com"}}, read.Principal)
	assert.Equal(t, []string{"arn:aws:cloudfront::" + account + ":distribution/E2MOCKTASTYLOGDEVCDN"}, read.Condition["StringEquals"]["AWS:SourceArn"])
}

func TestCloudFrontLogDelivery(t *testing.T) {
	m, _ := edgeRun(t, edgeArgs(noDomain()))
	source := m.One(t, typeLogSource, "tastylog-dev-cloudfront-log-source")
	assert.Equal(t, "tastylog-dev-cloudfront", source.Str("name"))
	assert.Equal(t, "ACCESS_LOGS", source.Str("logType"))
	assert.Equal(t, "arn:aws:cloudfront::"+account+":distribution/E2MOCKTASTYLOGDEVCDN", source.Str("resourceArn"))
	dest := m.One(t, typeLogDest, "tastylog-dev-cloudfront-log-destination")
	assert.Equal(t, map[string]any{"destinationResourceArn": "arn:aws:s3:::" + logsBucket + "/cloudfront"}, dest.Input("deliveryDestinationConfiguration"))
	delivery := m.One(t, typeLogDelivery, "tastylog-dev-cloudfront-log-delivery")
	assert.Equal(t, "tastylog-dev-cloudfront", delivery.Str("deliverySourceName"))
}

func TestAliasRecords(t *testing.T) {
	m, _ := edgeRun(t, edgeArgs(withDomain()))
	for _, c := range []struct{ name, host, typ, target, zone string }{
		{"tastylog-dev-site-a", "dev.example.com", "A", "d111111abcdef8.cloudfront.net", testkit.CloudFrontZoneID},
		{"tastylog-dev-site-aaaa", "dev.example.com", "AAAA", "d111111abcdef8.cloudfront.net", testkit.CloudFrontZoneID},
		{"tastylog-dev-elb-a", "dev-elb.example.com", "A", "tastylog-dev-app-alb-1234567890.ap-northeast-1.elb.amazonaws.com", testkit.AlbZoneID},
	} {
		r := m.One(t, typeRecord, c.name)
		assert.Equal(t, c.host, r.Str("name"))
		assert.Equal(t, c.typ, r.Str("type"))
		aliases := r.Objects("aliases")
		require.Len(t, aliases, 1)
		assert.Equal(t, c.target, aliases[0]["name"])
		assert.Equal(t, c.zone, aliases[0]["zoneId"])
	}
}

func TestOriginSecret(t *testing.T) {
	m, _ := edgeRun(t, edgeArgs(noDomain()))
	s := m.One(t, typeSecret, "tastylog-dev-origin-secret")
	assert.GreaterOrEqual(t, s.Int("length"), 32)
	assert.True(t, m.One(t, typeDistribution, "tastylog-dev-cdn").IsSecret("origins"), "the header value is secret in the distribution's state")
}

func TestOutputsWithoutDomain(t *testing.T) {
	_, e := edgeRun(t, edgeArgs(noDomain()))
	for out, want := range map[pulumi.Output]any{
		e.SiteUrl:              "https://d111111abcdef8.cloudfront.net",
		e.CloudFrontDomainName: "d111111abcdef8.cloudfront.net",
		e.DistributionId:       "E2MOCKTASTYLOGDEVCDN",
		e.AlbArnSuffix:         "app/tastylog-dev-app-alb/50dc6c495c0c9188",
		e.HostedZoneId:         "",
		e.NameServers:          []string{},
	} {
		got, err := testkit.Await(out)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestEdgeNewRejectsInvalidArgs(t *testing.T) {
	a := edgeArgs(withDomain())
	a.HostedZoneId = "Z0123456789ABCDEFGHIJ"
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := edge.New(ctx, componentName, a)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `edge: invalid args: hostedZoneId: "Z0123456789ABCDEFGHIJ" names an existing zone while createHostedZone asks for a new one`)
	assert.Contains(t, err.Error(), "UsEast1 provider is required")
	assert.Empty(t, m.All())
}

// Only a production up waits for CloudFront to deploy everywhere; a disposable stack's up goes on.
func TestDeploymentWaitOnlyInProduction(t *testing.T) {
	for _, production := range []bool{false, true} {
		a := edgeArgs(noDomain())
		a.Production = production
		m, _ := edgeRun(t, a)
		cdn := m.One(t, "aws:cloudfront/distribution:Distribution", "tastylog-dev-cdn")
		assert.Equal(t, production, cdn.Bool("waitForDeployment"), "production %v", production)
	}
}

// With waf on, the distribution gets the stack's own web ACL in us-east-1: the managed rule groups, a
// per-IP rate limit from config, logs to an aws-waf-logs- group; with an existing ACL's ARN, that one.
func TestWebAcl(t *testing.T) {
	t.Run("Own", func(t *testing.T) {
		spec := withDomain()
		spec.WafRateLimit = 1500
		m, _ := edgeRun(t, edgeArgs(spec))
		acl := m.One(t, typeWebAcl, "tastylog-dev-web-acl")
		assert.Equal(t, "us-east-1", providerRegion(t, m, acl), "CLOUDFRONT scope lives in us-east-1")
		assert.Equal(t, "CLOUDFRONT", acl.Str("scope"))
		assert.Equal(t, map[string]any{"allow": map[string]any{}}, acl.Input("defaultAction"))
		rules := acl.Objects("rules")
		require.Len(t, rules, 4)
		for i, group := range []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} {
			assert.Equal(t, float64(i), rules[i]["priority"])
			managed := rules[i]["statement"].(map[string]any)["managedRuleGroupStatement"].(map[string]any)
			assert.Equal(t, map[string]any{"vendorName": "AWS", "name": group}, managed)
			assert.Equal(t, map[string]any{"none": map[string]any{}}, rules[i]["overrideAction"], "the group's own actions block")
		}
		rate := rules[3]["statement"].(map[string]any)["rateBasedStatement"].(map[string]any)
		assert.Equal(t, map[string]any{"limit": float64(1500), "aggregateKeyType": "IP"}, rate)
		assert.Equal(t, map[string]any{"block": map[string]any{}}, rules[3]["action"])

		group := m.One(t, typeLogGroup, "tastylog-dev-web-acl-logs")
		assert.Equal(t, "aws-waf-logs-tastylog-dev", group.Str("name"), "AWS WAF delivers only to aws-waf-logs-* groups")
		assert.Equal(t, 30, group.Int("retentionInDays"))
		logging := m.One(t, typeWafLogging, "tastylog-dev-web-acl-logging")
		assert.Contains(t, logging.Str("resourceArn"), "tastylog-dev-web-acl")
		assert.Len(t, logging.Strings("logDestinationConfigs"), 1)

		d := m.One(t, typeDistribution, "tastylog-dev-cdn")
		assert.Equal(t, logging.Str("resourceArn"), d.Str("webAclId"), "the distribution uses the stack's ACL")
	})
	t.Run("Existing", func(t *testing.T) {
		spec := noDomain()
		spec.WebAclArn = "arn:aws:wafv2:us-east-1:" + account + ":global/webacl/central/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
		m, _ := edgeRun(t, edgeArgs(spec))
		assert.Empty(t, m.ByType(typeWebAcl))
		assert.Equal(t, spec.WebAclArn, m.One(t, typeDistribution, "tastylog-dev-cdn").Str("webAclId"))
	})
	t.Run("None", func(t *testing.T) {
		m, _ := edgeRun(t, edgeArgs(noDomain()))
		assert.Empty(t, m.ByType(typeWebAcl))
		assert.Empty(t, m.One(t, typeDistribution, "tastylog-dev-cdn").Str("webAclId"))
	})
}
