package edge

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/dnscert"
)

// buildCertificates issues, unless config names existing ones, the load balancer's certificate for
// {env}-elb.{domain} in the app region and CloudFront's for {env}.{domain} in us-east-1 (the only region
// CloudFront takes certificates from). Both are validated through DNS records in the zone and waited on:
// the outputs are the validations' ARNs, so nothing uses a certificate before it is issued.
func (b *builder) buildCertificates() error {
	b.albCert, b.cfCert = empty(), empty()
	if !b.args.HasDomain() {
		return nil
	}
	var err error
	if b.args.AlbCertificateArn != "" {
		b.albCert = pulumi.String(b.args.AlbCertificateArn).ToStringOutput()
	} else if b.albCert, err = b.certificate("alb", b.args.AlbName(b.args.Env), b.opts); err != nil {
		return err
	}
	if b.args.CloudFrontCertificateArn != "" {
		b.cfCert = pulumi.String(b.args.CloudFrontCertificateArn).ToStringOutput()
	} else if b.cfCert, err = b.certificate("cloudfront", b.args.SiteName(b.args.Env), b.inUsEast1()); err != nil {
		return err
	}
	return nil
}

// certificate issues the DNS-validated certificate of one role for domain with opts (which carry its
// region) and returns its ARN once ACM has issued it.
func (b *builder) certificate(role, domain string, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	return dnscert.Issue(b.ctx, b.name+"-"+role+"-cert", domain, b.zoneID, opts, b.opts)
}
