package edgespec

import (
	"strings"
	"testing"
)

const (
	usEast1Cert = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	tokyoCert   = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	webACL      = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/tastylog/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

func withDomain() Spec {
	s := Default()
	s.Domain = "example.com"
	s.CreateHostedZone = true
	return s
}

func TestValid(t *testing.T) {
	cases := map[string]Spec{
		"NoDomain":      Default(),
		"DomainNewZone": withDomain(),
		"DomainExistingZone": func() Spec {
			s := withDomain()
			s.CreateHostedZone = false
			s.HostedZoneId = "Z0123456789ABCDEFGHIJ"
			return s
		}(),
		"ExistingCerts": func() Spec {
			s := withDomain()
			s.CloudFrontCertificateArn, s.AlbCertificateArn, s.WebAclArn, s.Waf = usEast1Cert, tokyoCert, webACL, false
			return s
		}(),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate("tastylog:", "ap-northeast-1", "dev"); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
		})
	}
}

func TestLongestDomainFits(t *testing.T) {
	s := Default()
	s.Domain, s.CreateHostedZone = strings.Repeat("a", 52)+".com", true // 56 characters
	if err := s.Validate("tastylog:", "ap-northeast-1", "dev"); err != nil {
		t.Errorf("Validate() = %v, want a 56-character domain to fit for env dev", err)
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"DomainWithScheme", func(s *Spec) { s.Domain = "https://example.com" }, `tastylog:domain: "https://example.com" is not a DNS name`},
		{"DomainUppercase", func(s *Spec) { s.Domain = "Example.com" }, `tastylog:domain: "Example.com" is not a DNS name`},
		{"DomainSingleLabel", func(s *Spec) { s.Domain = "localhost" }, `tastylog:domain: "localhost" is not a DNS name`},
		{"DomainTrailingDot", func(s *Spec) { s.Domain = "example.com." }, `is not a DNS name`},
		// {env}-elb. is 8 characters for env "dev": a 57-character domain makes a 65-character name.
		{"CertificateNameOver64", func(s *Spec) { s.Domain = strings.Repeat("a", 53) + ".com" },
			`makes the host "dev-elb.` + strings.Repeat("a", 53) + `.com" 65 characters; ACM refuses a certificate name over 64, so keep the domain within 56 characters for env "dev"`},
		{"DomainIsAnAddress", func(s *Spec) { s.Domain = "192.168.0.1" }, `is not a DNS name`},
		{"TwoWebAcls", func(s *Spec) {
			s.WebAclArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/central/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
		}, `tastylog:waf: "true" creates a web ACL while tastylog:wafWebAclArn names an existing one`},
		{"RateLimitTooLow", func(s *Spec) { s.WafRateLimit = 50 }, `tastylog:wafRateLimit: "50" must be from 100 to 2000000000 requests per IP address per 5 minutes`},
		{"ZoneIdAndCreate", func(s *Spec) { s.HostedZoneId = "Z0123456789ABCDEFGHIJ" },
			`tastylog:hostedZoneId: "Z0123456789ABCDEFGHIJ" names an existing zone while tastylog:createHostedZone asks for a new one`},
		{"DomainWithoutZone", func(s *Spec) { s.CreateHostedZone = false }, `tastylog:domain: "example.com" needs a Route 53 zone`},
		{"ZoneWithoutDomain", func(s *Spec) { s.Domain = "" }, `tastylog:domain: "" is empty, but tastylog:hostedZoneId or tastylog:createHostedZone is set`},
		{"BadZoneId", func(s *Spec) { s.CreateHostedZone = false; s.HostedZoneId = "zone-1" }, `tastylog:hostedZoneId: "zone-1" is not a Route 53 hosted zone id`},
		{"CloudFrontCertOutsideUsEast1", func(s *Spec) { s.CloudFrontCertificateArn = tokyoCert },
			`tastylog:cloudFrontCertificateArn: "` + tokyoCert + `" is in ap-northeast-1; CloudFront accepts certificates from us-east-1 only`},
		{"AlbCertInOtherRegion", func(s *Spec) { s.AlbCertificateArn = usEast1Cert },
			`tastylog:albCertificateArn: "` + usEast1Cert + `" is in us-east-1; a load balancer uses certificates from its own region`},
		{"CertNotAnArn", func(s *Spec) { s.CloudFrontCertificateArn = "my-cert" }, `is not an ACM certificate ARN`},
		{"CertWithoutDomain", func(s *Spec) { s.Domain, s.CreateHostedZone, s.CloudFrontCertificateArn = "", false, usEast1Cert },
			`tastylog:cloudFrontCertificateArn: "` + usEast1Cert + `" is set without tastylog:domain`},
		{"UnknownPriceClass", func(s *Spec) { s.PriceClass = "PriceClass_Asia" },
			`tastylog:priceClass: "PriceClass_Asia" is not a CloudFront price class; allowed: PriceClass_100, PriceClass_200, PriceClass_All`},
		{"RegionalWebACL", func(s *Spec) { s.WebAclArn = strings.Replace(webACL, "global", "regional", 1) }, `is not a WAFv2 web ACL of CLOUDFRONT scope`},
		{"IdleTimeout", func(s *Spec) { s.AlbIdleTimeout = 0 }, `tastylog:albIdleTimeout: "0" must be from 1 to 4000 seconds`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := withDomain()
			tc.mutate(&s)
			err := s.Validate("tastylog:", "ap-northeast-1", "dev")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	s := withDomain()
	if s.SiteName("dev") != "dev.example.com" || s.AlbName("dev") != "dev-elb.example.com" || s.OriginPort() != 443 {
		t.Errorf("with a domain: site %q, alb %q, origin port %d", s.SiteName("dev"), s.AlbName("dev"), s.OriginPort())
	}
	d := Default()
	if d.SiteName("dev") != "" || d.AlbName("dev") != "" || d.OriginPort() != 80 {
		t.Errorf("without a domain: site %q, alb %q, origin port %d", d.SiteName("dev"), d.AlbName("dev"), d.OriginPort())
	}
}
