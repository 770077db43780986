// Package edge builds how the world reaches one stack: the Application Load Balancer in front of the app's
// target group, certificates in the app region and in us-east-1, Route 53 names, and the CloudFront
// distribution in front of the load balancer and the static bucket. The load balancer is internal, in the
// private subnets with no public address: CloudFront reaches it through a VPC origin, inside the VPC. Its
// security group admits only CloudFront's origin-facing addresses, and its listener forwards only requests
// carrying a secret header that this distribution adds.
package edge

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/edgespec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Edge"

// Args configures the edge layer.
type Args struct {
	edgespec.Spec

	// Env names the hosts ({env}.{domain}, {env}-elb.{domain}); AccountId and Region scope policies.
	Env       string
	AccountId string
	Region    string
	// Production protects the hosted zone when this stack creates it, and makes an up wait for
	// CloudFront's deployment to finish.
	Production bool
	// UsEast1 is the provider for what AWS requires in us-east-1: CloudFront's certificate and its log
	// delivery. Everything else uses the provider the component inherits.
	UsEast1 *aws.Provider
	// LogRetentionDays is the retention of the web ACL's log group.
	LogRetentionDays int
	// AlbLogPrefix is the logs bucket prefix the bucket policy admits the load balancer to.
	AlbLogPrefix string
	// CloudFrontLogPrefix is the logs bucket prefix the bucket policy admits CloudFront's delivery to.
	CloudFrontLogPrefix string

	// SubnetIds are the private subnets the internal load balancer lives in, one per AZ.
	SubnetIds                      pulumi.StringArrayInput
	WebSecurityGroupId             pulumi.StringInput
	TargetGroupArn                 pulumi.StringInput
	StaticBucketName               pulumi.StringInput
	StaticBucketRegionalDomainName pulumi.StringInput
	LogsBucketName                 pulumi.StringInput

	// TestPort, when set, adds the test listener of blue/green deployments on that port, forwarding to
	// TargetGroupArn until CodeDeploy moves it; the network layer lets only adminCidrs reach it. With it,
	// CodeDeploy owns which group the forwarding rule and the test listener send to.
	TestPort int
}

// Edge is the site's front door and what observability needs of it.
type Edge struct {
	pulumi.ResourceState

	// SiteUrl is https://{env}.{domain}, or https://<id>.cloudfront.net without a domain.
	SiteUrl              pulumi.StringOutput
	CloudFrontDomainName pulumi.StringOutput
	DistributionId       pulumi.StringOutput
	DistributionArn      pulumi.StringOutput
	AlbDnsName           pulumi.StringOutput
	AlbArnSuffix         pulumi.StringOutput
	// ForwardRuleArn is the listener rule that forwards to the app's target group: it exists once the
	// target group is attached to the load balancer.
	ForwardRuleArn pulumi.StringOutput
	// ProductionListenerArn takes CloudFront's traffic; TestListenerArn (with TestPort, else "") the test
	// traffic of blue/green deployments.
	ProductionListenerArn    pulumi.StringOutput
	TestListenerArn          pulumi.StringOutput
	HostedZoneId             pulumi.StringOutput
	NameServers              pulumi.StringArrayOutput // only when the zone is created here
	CloudFrontCertificateArn pulumi.StringOutput
	AlbCertificateArn        pulumi.StringOutput
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Edge
	opts      []pulumi.ResourceOption

	zoneID       pulumi.StringOutput
	nameServers  pulumi.StringArrayOutput
	albCert      pulumi.StringOutput
	cfCert       pulumi.StringOutput
	originSecret pulumi.StringOutput
	alb          *lb.LoadBalancer
	vpcOrigin    *cloudfront.VpcOrigin
	forward      *lb.ListenerRule
	production   *lb.Listener
	test         *lb.Listener
	distribution *cloudfront.Distribution
	webAclArn    pulumi.StringPtrInput
}

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate("", a.Region, a.Env); err != nil {
		errs = append(errs, err)
	}
	for _, f := range []struct{ name, value string }{
		{"Env", a.Env}, {"AccountId", a.AccountId}, {"Region", a.Region},
		{"AlbLogPrefix", a.AlbLogPrefix}, {"CloudFrontLogPrefix", a.CloudFrontLogPrefix},
	} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s is required", f.name))
		}
	}
	if a.Waf && a.LogRetentionDays < 1 {
		errs = append(errs, errors.New("LogRetentionDays is required with a web ACL"))
	}
	if a.UsEast1 == nil {
		errs = append(errs, errors.New("UsEast1 provider is required"))
	}
	if a.SubnetIds == nil || a.WebSecurityGroupId == nil || a.TargetGroupArn == nil ||
		a.StaticBucketName == nil || a.StaticBucketRegionalDomainName == nil || a.LogsBucketName == nil {
		errs = append(errs, errors.New("the network, compute and data inputs are all required"))
	}
	return errors.Join(errs...)
}

// New builds the edge layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Edge, error) {
	if args == nil {
		return nil, errors.New("edge: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("edge: invalid args: %w", err)
	}
	component := &Edge{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("edge: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}}

	if err := layer.Build("edge",
		layer.Step{What: "hosted zone", Run: b.buildZone},
		layer.Step{What: "certificates", Run: b.buildCertificates},
		layer.Step{What: "origin secret", Run: b.buildOriginSecret},
		layer.Step{What: "load balancer", Run: b.buildLoadBalancer},
		layer.Step{What: "vpc origin", Run: b.buildVpcOrigin},
		layer.Step{What: "web acl", Run: b.buildWebAcl},
		layer.Step{What: "cloudfront", Run: b.buildDistribution},
		layer.Step{What: "static bucket policy", Run: b.buildStaticBucketPolicy},
		layer.Step{What: "cloudfront logs", Run: b.buildLogDelivery},
		layer.Step{What: "dns records", Run: b.buildAliases},
	); err != nil {
		return nil, err
	}

	b.export(component)
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"siteUrl":              component.SiteUrl,
		"cloudFrontDomainName": component.CloudFrontDomainName,
		"distributionId":       component.DistributionId,
		"albDnsName":           component.AlbDnsName,
		"albArnSuffix":         component.AlbArnSuffix,
		"hostedZoneId":         component.HostedZoneId,
		"nameServers":          component.NameServers,
	}); err != nil {
		return nil, fmt.Errorf("edge: %w", err)
	}
	return component, nil
}

func (b *builder) export(e *Edge) {
	e.CloudFrontDomainName = b.distribution.DomainName
	e.DistributionId = b.distribution.ID().ToStringOutput()
	e.DistributionArn = b.distribution.Arn
	e.AlbDnsName = b.alb.DnsName
	e.AlbArnSuffix = b.alb.ArnSuffix
	e.ForwardRuleArn = b.forward.Arn
	e.ProductionListenerArn = b.production.Arn
	e.TestListenerArn = pulumi.String("").ToStringOutput()
	if b.test != nil {
		e.TestListenerArn = b.test.Arn
	}
	e.HostedZoneId = b.zoneID
	e.NameServers = b.nameServers
	e.CloudFrontCertificateArn = b.cfCert
	e.AlbCertificateArn = b.albCert
	if b.args.HasDomain() {
		e.SiteUrl = pulumi.String("https://" + b.args.SiteName(b.args.Env)).ToStringOutput()
	} else {
		e.SiteUrl = pulumi.Sprintf("https://%s", b.distribution.DomainName)
	}
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

// inUsEast1 is for the few resources AWS requires in us-east-1.
func (b *builder) inUsEast1() []pulumi.ResourceOption {
	return b.with(pulumi.Provider(b.args.UsEast1))
}

func empty() pulumi.StringOutput { return pulumi.String("").ToStringOutput() }

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (e *Edge) Exports() pulumi.Map {
	return pulumi.Map{
		"siteUrl":                  e.SiteUrl,
		"cloudFrontDomainName":     e.CloudFrontDomainName,
		"cloudFrontDistributionId": e.DistributionId,
		"albDnsName":               e.AlbDnsName,
		"albArnSuffix":             e.AlbArnSuffix,
		"hostedZoneId":             e.HostedZoneId,
		"nameServers":              e.NameServers,
		"cloudFrontCertificateArn": e.CloudFrontCertificateArn,
		"albCertificateArn":        e.AlbCertificateArn,
	}
}
