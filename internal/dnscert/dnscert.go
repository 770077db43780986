// Package dnscert issues an ACM certificate validated through a DNS record in a Route 53 zone, for the
// layers that serve a name of the stack's domain (the edge's load balancer and distribution, the batch
// API). Its behaviour is tested through those layers' tests.
package dnscert

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// Issue requests a DNS-validated certificate for domain as the resource name (certOpts carry its region),
// writes the validation record the certificate asks for in zoneID (with recordOpts), and returns the ARN
// once ACM has issued it: whatever uses the ARN waits for the certificate.
func Issue(ctx *pulumi.Context, name, domain string, zoneID pulumi.StringInput, certOpts, recordOpts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	empty := pulumi.String("").ToStringOutput()
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(domain),
		ValidationMethod: pulumi.String("DNS"),
		KeyAlgorithm:     pulumi.String("RSA_2048"),
		Tags:             layer.NameTags(domain),
	}, certOpts...)
	if err != nil {
		return empty, err
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	record, err := route53.NewRecord(ctx, name+"-validation", &route53.RecordArgs{
		ZoneId:         zoneID,
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(300),
		AllowOverwrite: pulumi.Bool(true),
	}, recordOpts...)
	if err != nil {
		return empty, err
	}
	// The record's name is the FQDN ACM asked for (the provider compares them without the trailing dot).
	// It is an output of the record, so validation waits for it, and unlike the computed fqdn it is known
	// in every preview.
	validation, err := acm.NewCertificateValidation(ctx, name+"-validation", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Name},
	}, certOpts...)
	if err != nil {
		return empty, err
	}
	return validation.CertificateArn, nil
}
