package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
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

// certificate requests a DNS-validated certificate for domain with opts (which carry its region), writes
// the validation record the certificate asks for, and returns the ARN once ACM has issued it.
func (b *builder) certificate(role, domain string, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	name := b.name + "-" + role + "-cert"
	cert, err := acm.NewCertificate(b.ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(domain),
		ValidationMethod: pulumi.String("DNS"),
		KeyAlgorithm:     pulumi.String("RSA_2048"),
		Tags:             layer.NameTags(domain),
	}, opts...)
	if err != nil {
		return empty(), err
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	record, err := route53.NewRecord(b.ctx, name+"-validation", &route53.RecordArgs{
		ZoneId:         b.zoneID,
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(300),
		AllowOverwrite: pulumi.Bool(true),
	}, b.opts...)
	if err != nil {
		return empty(), err
	}
	// The record's name is the FQDN ACM asked for (the provider compares them without the trailing dot).
	// It is an output of the record, so validation waits for it, and unlike the computed fqdn it is known
	// in every preview.
	validation, err := acm.NewCertificateValidation(b.ctx, name+"-validation", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Name},
	}, opts...)
	if err != nil {
		return empty(), err
	}
	return validation.CertificateArn, nil
}
