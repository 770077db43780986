package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// AWS-managed CloudFront policies, by id.
const (
	cachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" // Managed-CachingDisabled
	cachingOptimized          = "658327ea-f89d-4fab-a63d-7e88639e58f6" // Managed-CachingOptimized
	allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac" // Managed-AllViewerExceptHostHeader
	securityHeaders           = "67f7725c-6f97-4210-82d7-5512b31e9d03" // Managed-SecurityHeadersPolicy
)

// Origin ids and the static path.
const (
	originApp    = "alb"
	originStatic = "static"
	staticPath   = "/public/*"
)

var (
	allMethods    = []string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}
	readMethods   = []string{"GET", "HEAD"}
	cachedMethods = []string{"GET", "HEAD"}
)

// buildDistribution creates the Origin Access Control and the distribution:
//   - default behavior to the load balancer through the VPC origin, uncached, every HTTP method (the
//     app's login is a POST), with viewer headers, cookies and query strings forwarded except Host: with
//     HTTPS to the origin, CloudFront checks the origin's certificate against the Host it sends, and the
//     load balancer's certificate names {env}-elb.{domain};
//   - /public/* to the static bucket through OAC (SigV4), cached with the managed caching-optimized policy and
//     compressed. Objects live under the public/ prefix in the bucket.
//
// Viewers are redirected to HTTPS over HTTP/2 or HTTP/3, IPv6 on, TLSv1.2_2021 with SNI when the site has
// its own certificate; standard security headers (HSTS, nosniff, frame options) on every response.
func (b *builder) buildDistribution() error {
	oac, err := cloudfront.NewOriginAccessControl(b.ctx, b.name+"-static-oac", &cloudfront.OriginAccessControlArgs{
		Description:                   pulumi.String("tastylog " + b.args.Env + " static bucket"),
		OriginAccessControlOriginType: pulumi.String("s3"),
		SigningBehavior:               pulumi.String("always"),
		SigningProtocol:               pulumi.String("sigv4"),
	}, b.opts...)
	if err != nil {
		return err
	}

	viewerCert := &cloudfront.DistributionViewerCertificateArgs{CloudfrontDefaultCertificate: pulumi.Bool(true)}
	var aliases pulumi.StringArray
	if b.args.HasDomain() {
		viewerCert = &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      b.cfCert,
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String("TLSv1.2_2021"),
		}
		aliases = pulumi.StringArray{pulumi.String(b.args.SiteName(b.args.Env))}
	}
	appOrigin := cloudfront.DistributionOriginArgs{
		OriginId:   pulumi.String(originApp),
		DomainName: b.originDomain(),
		VpcOriginConfig: &cloudfront.DistributionOriginVpcOriginConfigArgs{
			VpcOriginId:            b.vpcOrigin.ID(),
			OriginReadTimeout:      pulumi.Int(30),
			OriginKeepaliveTimeout: pulumi.Int(5),
		},
		CustomHeaders: cloudfront.DistributionOriginCustomHeaderArray{cloudfront.DistributionOriginCustomHeaderArgs{
			Name:  pulumi.String(OriginHeader),
			Value: b.originSecret,
		}},
	}

	name := b.name + "-cdn"
	b.distribution, err = cloudfront.NewDistribution(b.ctx, name, &cloudfront.DistributionArgs{
		Enabled:       pulumi.Bool(true),
		Comment:       pulumi.String("tastylog " + b.args.Env),
		Aliases:       aliases,
		HttpVersion:   pulumi.String("http2and3"),
		IsIpv6Enabled: pulumi.Bool(true),
		PriceClass:    pulumi.String(b.args.PriceClass),
		WebAclId:      b.webAclArn,
		// A production up waits until every edge location serves the new configuration, so its end means
		// users see it. Elsewhere the up goes on while CloudFront deploys (5-10 minutes): nothing in the
		// stack needs the deployment finished, and the alias records need only the domain name.
		WaitForDeployment: pulumi.Bool(b.args.Production),
		Origins: cloudfront.DistributionOriginArray{
			appOrigin,
			cloudfront.DistributionOriginArgs{
				OriginId:              pulumi.String(originStatic),
				DomainName:            b.args.StaticBucketRegionalDomainName,
				OriginAccessControlId: oac.ID(),
			},
		},
		DefaultCacheBehavior: cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:          pulumi.String(originApp),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          pulumi.ToStringArray(allMethods),
			CachedMethods:           pulumi.ToStringArray(cachedMethods),
			CachePolicyId:           pulumi.String(cachingDisabled),
			OriginRequestPolicyId:   pulumi.String(allViewerExceptHostHeader),
			ResponseHeadersPolicyId: pulumi.String(securityHeaders),
			Compress:                pulumi.Bool(true),
		},
		OrderedCacheBehaviors: cloudfront.DistributionOrderedCacheBehaviorArray{
			cloudfront.DistributionOrderedCacheBehaviorArgs{
				PathPattern:             pulumi.String(staticPath),
				TargetOriginId:          pulumi.String(originStatic),
				ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
				AllowedMethods:          pulumi.ToStringArray(readMethods),
				CachedMethods:           pulumi.ToStringArray(cachedMethods),
				CachePolicyId:           pulumi.String(cachingOptimized),
				ResponseHeadersPolicyId: pulumi.String(securityHeaders),
				Compress:                pulumi.Bool(true),
			},
		},
		Restrictions: cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")},
		},
		ViewerCertificate: viewerCert,
		Tags:              layer.NameTags(name),
	}, b.opts...)
	return err
}

// originDomain is the host CloudFront names when it connects to the load balancer: {env}-elb.{domain}
// with a domain, so the TLS handshake checks the load balancer's certificate against it; the load
// balancer's own DNS name without one.
func (b *builder) originDomain() pulumi.StringInput {
	if b.args.HasDomain() {
		return pulumi.String(b.args.AlbName(b.args.Env))
	}
	return b.alb.DnsName
}

// buildVpcOrigin registers the internal load balancer as a CloudFront VPC origin: CloudFront places its
// own network interfaces in the load balancer's subnets and reaches it from inside the VPC, so the load
// balancer needs no public address. HTTPS with a domain (the load balancer's certificate covers
// {env}-elb.{domain}), HTTP without one, on the origin port the web group admits; TLS 1.2 at least.
func (b *builder) buildVpcOrigin() error {
	protocol := "http-only"
	if b.args.HasDomain() {
		protocol = "https-only"
	}
	name := b.name + "-app-alb"
	var err error
	b.vpcOrigin, err = cloudfront.NewVpcOrigin(b.ctx, name+"-vpc-origin", &cloudfront.VpcOriginArgs{
		VpcOriginEndpointConfig: &cloudfront.VpcOriginVpcOriginEndpointConfigArgs{
			Name:                 pulumi.String(name),
			Arn:                  b.alb.Arn,
			HttpPort:             pulumi.Int(80),
			HttpsPort:            pulumi.Int(443),
			OriginProtocolPolicy: pulumi.String(protocol),
			OriginSslProtocols: &cloudfront.VpcOriginVpcOriginEndpointConfigOriginSslProtocolsArgs{
				Items:    pulumi.ToStringArray([]string{"TLSv1.2"}),
				Quantity: pulumi.Int(1),
			},
		},
		Tags: layer.NameTags(name + "-vpc-origin"),
	}, b.opts...)
	return err
}

// buildStaticBucketPolicy is the static bucket's one policy: TLS only, and read for this distribution
// alone through its Origin Access Control. The data layer leaves the policy to this layer because the
// distribution is created from the bucket's outputs.
func (b *builder) buildStaticBucketPolicy() error {
	policy := pulumix.Apply2(b.args.StaticBucketName.ToStringOutput(), b.distribution.Arn,
		func(bucket, distribution string) string {
			return iampolicy.New(
				iampolicy.DenyInsecureTransport(bucket),
				iampolicy.Allow("CloudFrontRead", []string{"s3:GetObject"}, []string{iampolicy.BucketArn(bucket) + "/*"}).
					To("Service", "cloudfront.amazonaws.com").
					When("StringEquals", "AWS:SourceArn", distribution),
			).JSON()
		}).Untyped().(pulumi.StringOutput)
	_, err := s3.NewBucketPolicy(b.ctx, b.name+"-static-bucket-policy", &s3.BucketPolicyArgs{
		Bucket: b.args.StaticBucketName,
		Policy: policy,
	}, b.opts...)
	return err
}

// buildLogDelivery sends the distribution's access logs to the logs bucket with CloudFront's standard
// logging v2 (a CloudWatch Logs delivery), which writes with the bucket owner's permissions: the legacy
// logging would need ACLs, which every bucket here has disabled. The delivery lives in us-east-1, where
// CloudFront publishes.
func (b *builder) buildLogDelivery() error {
	source, err := cloudwatch.NewLogDeliverySource(b.ctx, b.name+"-cloudfront-log-source", &cloudwatch.LogDeliverySourceArgs{
		Name:        pulumi.String(b.name + "-cloudfront"),
		LogType:     pulumi.String("ACCESS_LOGS"),
		ResourceArn: b.distribution.Arn,
		Tags:        layer.NameTags(b.name + "-cloudfront"),
	}, b.inUsEast1()...)
	if err != nil {
		return err
	}
	destination, err := cloudwatch.NewLogDeliveryDestination(b.ctx, b.name+"-cloudfront-log-destination", &cloudwatch.LogDeliveryDestinationArgs{
		Name:         pulumi.String(b.name + "-cloudfront-s3"),
		OutputFormat: pulumi.String("w3c"),
		DeliveryDestinationConfiguration: &cloudwatch.LogDeliveryDestinationDeliveryDestinationConfigurationArgs{
			DestinationResourceArn: pulumi.Sprintf("arn:aws:s3:::%s/%s", b.args.LogsBucketName, b.args.CloudFrontLogPrefix),
		},
		Tags: layer.NameTags(b.name + "-cloudfront-s3"),
	}, b.inUsEast1()...)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewLogDelivery(b.ctx, b.name+"-cloudfront-log-delivery", &cloudwatch.LogDeliveryArgs{
		DeliverySourceName:     source.Name,
		DeliveryDestinationArn: destination.Arn,
		Tags:                   layer.NameTags(b.name + "-cloudfront-log-delivery"),
	}, b.inUsEast1()...)
	return err
}
