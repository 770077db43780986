package edge

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// buildZone creates the domain's hosted zone when asked to, or uses the one named in config. A created
// zone is protected in production: deleting it breaks the delegation at the registrar.
func (b *builder) buildZone() error {
	b.zoneID, b.nameServers = empty(), pulumi.StringArray{}.ToStringArrayOutput()
	switch {
	case !b.args.HasDomain():
		return nil
	case b.args.HostedZoneId != "":
		b.zoneID = pulumi.String(b.args.HostedZoneId).ToStringOutput()
		return nil
	}
	zone, err := route53.NewZone(b.ctx, b.name+"-zone", &route53.ZoneArgs{
		Name:    pulumi.String(b.args.Domain),
		Comment: pulumi.String("tastylog " + b.args.Env + ", managed by Pulumi"),
		Tags:    layer.NameTags(b.args.Domain),
	}, b.with(pulumi.Protect(b.args.Production))...)
	if err != nil {
		return err
	}
	b.zoneID, b.nameServers = zone.ZoneId, zone.NameServers
	return nil
}

// buildAliases points {env}.{domain} (A and AAAA) at CloudFront and {env}-elb.{domain} at the load
// balancer (course names).
func (b *builder) buildAliases() error {
	if !b.args.HasDomain() {
		return nil
	}
	site := b.args.SiteName(b.args.Env)
	for _, typ := range []string{"A", "AAAA"} {
		if _, err := route53.NewRecord(b.ctx, b.name+"-site-"+strings.ToLower(typ), &route53.RecordArgs{
			ZoneId: b.zoneID,
			Name:   pulumi.String(site),
			Type:   pulumi.String(typ),
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name:                 b.distribution.DomainName,
				ZoneId:               b.distribution.HostedZoneId,
				EvaluateTargetHealth: pulumi.Bool(false),
			}},
		}, b.opts...); err != nil {
			return err
		}
	}
	_, err := route53.NewRecord(b.ctx, b.name+"-elb-a", &route53.RecordArgs{
		ZoneId: b.zoneID,
		Name:   pulumi.String(b.args.AlbName(b.args.Env)),
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
			Name:                 b.alb.DnsName,
			ZoneId:               b.alb.ZoneId,
			EvaluateTargetHealth: pulumi.Bool(true),
		}},
	}, b.opts...)
	return err
}
