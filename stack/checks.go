package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/stackconfig"
)

// certificateStatuses are every status ACM reports, so a look-up finds a certificate that is not
// ISSUED and the report can say so.
var certificateStatuses = []string{"PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"}

// checkEdge looks up what the edge config names in the account: an existing hosted zone must be the
// public zone of the domain, and an existing certificate must be ISSUED, in this account, and have the
// host it serves (or its wildcard) as its name. Invokes register nothing, so a mismatch stops the program
// before any resource exists instead of at the listener or the distribution, halfway through an up.
func checkEdge(ctx *pulumi.Context, cfg *stackconfig.Config, report *configerr.Report, p *providers) ([]error, error) {
	ns, e := cfg.Project+":", cfg.Edge
	if !e.HasDomain() || report.Has(ns+"domain") {
		return nil, nil
	}
	var problems []error
	if e.HostedZoneId != "" && !report.Has(ns+"hostedZoneId") {
		zone, err := route53.LookupZone(ctx, &route53.LookupZoneArgs{ZoneId: pulumi.StringRef(e.HostedZoneId)}, pulumi.Provider(p.app))
		switch {
		case err != nil:
			problems = append(problems, configerr.New(ns+"hostedZoneId", e.HostedZoneId,
				"is not a hosted zone this account can read (%v)", firstLine(err)))
		case strings.TrimSuffix(zone.Name, ".") != e.Domain:
			problems = append(problems, configerr.New(ns+"hostedZoneId", e.HostedZoneId,
				"is the zone of %q, not of %q (%sdomain)", strings.TrimSuffix(zone.Name, "."), e.Domain, ns))
		case zone.PrivateZone != nil && *zone.PrivateZone:
			problems = append(problems, configerr.New(ns+"hostedZoneId", e.HostedZoneId,
				"is a private zone; CloudFront and certificate validation need the public zone of %s", e.Domain))
		}
	}
	certs := []struct {
		key, arn, host string
		provider       *aws.Provider
	}{
		{"cloudFrontCertificateArn", e.CloudFrontCertificateArn, e.SiteName(cfg.Env), p.usEast1},
		{"albCertificateArn", e.AlbCertificateArn, e.AlbName(cfg.Env), p.app},
	}
	for _, c := range certs {
		if c.arn == "" || report.Has(ns+c.key) {
			continue
		}
		if parts := strings.Split(c.arn, ":"); len(parts) > 4 && parts[4] != p.account {
			problems = append(problems, configerr.New(ns+c.key, c.arn, "belongs to account %s, not to this stack's account %s", parts[4], p.account))
			continue
		}
		if problem := checkCertificate(ctx, c.arn, c.host, c.provider); problem != "" {
			problems = append(problems, configerr.New(ns+c.key, c.arn, "%s", problem))
		}
	}
	return problems, nil
}

// checkCertificate finds arn among the certificates named host or its wildcard and returns what is
// wrong with it, "" when it is ISSUED.
func checkCertificate(ctx *pulumi.Context, arn, host string, provider *aws.Provider) string {
	names := []string{host, "*" + host[strings.Index(host, "."):]}
	for _, name := range names {
		cert, err := acm.LookupCertificate(ctx, &acm.LookupCertificateArgs{
			Domain: pulumi.StringRef(name), Statuses: certificateStatuses, MostRecent: pulumi.BoolRef(true),
		}, pulumi.Provider(provider))
		if err != nil || cert.Arn != arn {
			continue
		}
		if cert.Status != "ISSUED" {
			return fmt.Sprintf("is %s, not ISSUED; validate or renew it, or leave the key empty to have the stack issue one", cert.Status)
		}
		return ""
	}
	return fmt.Sprintf("is not the newest certificate named %s in this account and region; "+
		"use a certificate whose name is the host it serves, or leave the key empty to have the stack issue one",
		strings.Join(names, " or "))
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
