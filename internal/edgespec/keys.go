package edgespec

// The stack-config keys (short names, without the project namespace) of the edge: the one place each
// name is written. The stack config binds them, and every validation message here names them.
const (
	KeyDomain                   = "domain"
	KeyHostedZoneId             = "hostedZoneId"
	KeyCreateHostedZone         = "createHostedZone"
	KeyCloudFrontCertificateArn = "cloudFrontCertificateArn"
	KeyAlbCertificateArn        = "albCertificateArn"
	KeyPriceClass               = "priceClass"
	KeyWafWebAclArn             = "wafWebAclArn"
	KeyWaf                      = "waf"
	KeyWafRateLimit             = "wafRateLimit"
	KeyAlbDeletionProtection    = "albDeletionProtection"
	KeyAlbIdleTimeout           = "albIdleTimeout"
)
