// Package edgespec is the edge layer's settings as plain Go values: the domain and its hosted zone,
// certificates, the load balancer and the CloudFront distribution, with the rules that keep them
// deployable. It imports no Pulumi package.
package edgespec

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
)

// PriceClasses are CloudFront's price classes. Japan is in PriceClass_200 and PriceClass_All, not 100.
var PriceClasses = []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}

// Spec is the edge of one stack.
type Spec struct {
	// Domain is the apex the site lives under: {env}.{domain} for the site, {env}-elb.{domain} for the
	// load balancer (course names). Empty means no domain: CloudFront's own hostname and certificate.
	Domain string
	// HostedZoneId names an existing Route 53 zone for Domain; CreateHostedZone creates one instead.
	HostedZoneId     string
	CreateHostedZone bool
	// CloudFrontCertificateArn and AlbCertificateArn use existing certificates instead of issuing them;
	// CloudFront's must be in us-east-1, the load balancer's in the app region.
	CloudFrontCertificateArn string
	AlbCertificateArn        string
	// PriceClass is one of PriceClasses.
	PriceClass string
	// WebAclArn attaches an existing WAF web ACL (CLOUDFRONT scope, us-east-1) to the distribution, for
	// organisations that manage WAF centrally.
	WebAclArn string
	// Waf creates this stack's own web ACL instead: AWS's managed common, known-bad-inputs and IP
	// reputation rule groups, and a per-IP rate limit of WafRateLimit requests per 5 minutes.
	Waf          bool
	WafRateLimit int
	// AlbDeletionProtection makes AWS refuse to delete the load balancer.
	AlbDeletionProtection bool
	// AlbIdleTimeout is the load balancer's idle connection timeout in seconds.
	AlbIdleTimeout int
}

// Default returns an edge without a domain, every price class, and the load balancer protected.
func Default() Spec {
	return Spec{
		PriceClass:            "PriceClass_All",
		AlbDeletionProtection: true,
		AlbIdleTimeout:        60,
		Waf:                   true,
		WafRateLimit:          2000,
	}
}

// HasDomain reports whether the site has its own domain.
func (s Spec) HasDomain() bool { return s.Domain != "" }

// OriginPort is the one port CloudFront uses to reach the load balancer: HTTPS with a domain (the load
// balancer has a certificate for {env}-elb.{domain}), HTTP without one.
func (s Spec) OriginPort() int {
	if s.HasDomain() {
		return 443
	}
	return 80
}

// SiteName is the site's host name for env, "" without a domain.
func (s Spec) SiteName(env string) string {
	if !s.HasDomain() {
		return ""
	}
	return env + "." + s.Domain
}

// AlbName is the load balancer's host name for env, "" without a domain.
func (s Spec) AlbName(env string) string {
	if !s.HasDomain() {
		return ""
	}
	return env + "-elb." + s.Domain
}

// The limits AWS WAF accepts for a rate-based rule, requests per aggregation key per 5 minutes (AWS WAF
// API, RateBasedStatement: Limit; the minimum was 100 before 2024 and is held there).
const (
	MinWafRateLimit = 100
	MaxWafRateLimit = 2000000000
)

// WebAcl reports whether the distribution has a web ACL, its own or an existing one.
func (s Spec) WebAcl() bool { return s.Waf || s.WebAclArn != "" }

// MaxCertificateName is the longest domain name ACM issues a certificate for as its first name: 64
// characters (ACM API RequestCertificate: DomainName; the X.509 common name limit). The stack's
// certificates are named {env}.{domain} and {env}-elb.{domain}.
const MaxCertificateName = 64

var (
	labelPattern  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	zoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	acmArnPattern = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	wafArnPattern = regexp.MustCompile(`^arn:aws:wafv2:us-east-1:[0-9]{12}:global/webacl/[A-Za-z0-9_-]+/[0-9a-f-]{36}$`)
)

// ValidDomain reports whether d is a lowercase DNS name of at least two labels.
func ValidDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !labelPattern.MatchString(l) {
			return false
		}
	}
	// An all-numeric last label is an IP address, not a domain.
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// Validate checks the spec for the app region; keys in errors are stack-config keys with keyPrefix.
func (s Spec) Validate(keyPrefix, region, env string) error {
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(keyPrefix+key, value, format, args...))
	}
	if s.HasDomain() {
		if !ValidDomain(s.Domain) {
			fail(KeyDomain, s.Domain, "is not a DNS name; want a lowercase name such as example.com (no scheme, no trailing dot)")
		} else {
			for _, host := range []string{s.SiteName(env), s.AlbName(env)} {
				if len(host) > MaxCertificateName {
					fail(KeyDomain, s.Domain, "makes the host %q %d characters; ACM refuses a certificate name over %d, so keep the domain within %d characters for env %q",
						host, len(host), MaxCertificateName, MaxCertificateName-len(env)-len("-elb."), env)
					break
				}
			}
		}
	}
	switch {
	case s.HostedZoneId != "" && s.CreateHostedZone:
		fail(KeyHostedZoneId, s.HostedZoneId, "names an existing zone while %s asks for a new one; set one of them", keyPrefix+KeyCreateHostedZone)
	case s.HasDomain() && s.HostedZoneId == "" && !s.CreateHostedZone:
		fail(KeyDomain, s.Domain, "needs a Route 53 zone: set %s to an existing zone, or %s to true", keyPrefix+KeyHostedZoneId, keyPrefix+KeyCreateHostedZone)
	case !s.HasDomain() && (s.HostedZoneId != "" || s.CreateHostedZone):
		fail(KeyDomain, "", "is empty, but %s or %s is set; they only make sense with a domain", keyPrefix+KeyHostedZoneId, keyPrefix+KeyCreateHostedZone)
	}
	if s.HostedZoneId != "" && !zoneIDPattern.MatchString(s.HostedZoneId) {
		fail(KeyHostedZoneId, s.HostedZoneId, "is not a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
	}
	s.certificate(fail, keyPrefix, KeyCloudFrontCertificateArn, s.CloudFrontCertificateArn, "us-east-1", "CloudFront accepts certificates from us-east-1 only")
	s.certificate(fail, keyPrefix, KeyAlbCertificateArn, s.AlbCertificateArn, region, "a load balancer uses certificates from its own region")
	if !slices.Contains(PriceClasses, s.PriceClass) {
		fail(KeyPriceClass, s.PriceClass, "is not a CloudFront price class; allowed: %s", strings.Join(PriceClasses, ", "))
	}
	if s.WebAclArn != "" && !wafArnPattern.MatchString(s.WebAclArn) {
		fail(KeyWafWebAclArn, s.WebAclArn, "is not a WAFv2 web ACL of CLOUDFRONT scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)")
	}
	if s.Waf && s.WebAclArn != "" {
		fail(KeyWaf, "true", "creates a web ACL while %s names an existing one; a distribution takes one: set %s to false to use yours", keyPrefix+KeyWafWebAclArn, keyPrefix+KeyWaf)
	}
	if s.Waf && (s.WafRateLimit < MinWafRateLimit || s.WafRateLimit > MaxWafRateLimit) {
		fail(KeyWafRateLimit, strconv.Itoa(s.WafRateLimit), "must be from %d to %d requests per IP address per 5 minutes (AWS WAF rate-based rule limit)", MinWafRateLimit, MaxWafRateLimit)
	}
	if s.AlbIdleTimeout < 1 || s.AlbIdleTimeout > 4000 {
		fail(KeyAlbIdleTimeout, strconv.Itoa(s.AlbIdleTimeout), "must be from 1 to 4000 seconds")
	}
	return errors.Join(errs...)
}

func (s Spec) certificate(fail func(string, string, string, ...any), keyPrefix, key, arn, wantRegion, why string) {
	if arn == "" {
		return
	}
	if !s.HasDomain() {
		fail(key, arn, "is set without %s; a certificate only makes sense with a domain", keyPrefix+KeyDomain)
		return
	}
	m := acmArnPattern.FindStringSubmatch(arn)
	switch {
	case m == nil:
		fail(key, arn, "is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)")
	case m[1] != wantRegion:
		fail(key, arn, "is in %s; %s (want %s)", m[1], why, wantRegion)
	}
}
