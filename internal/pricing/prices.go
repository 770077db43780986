// Package pricing estimates what a stack's resources cost a month from AWS list prices kept here as data,
// and from stated usage assumptions for what is billed by use. It reads the resource graph as plain values
// (the test kit's record of the real program), so an estimate follows the program, never a hand-kept list.
package pricing

// AsOf is when the prices below were recorded. They are AWS's public on-demand list prices for Linux, in
// USD, as this project recorded them from the pricing pages each names; they are not fetched (the
// machines this repository is built on have no network), so check them before you budget.
const AsOf = "2026-12-03"

// HoursPerMonth is AWS's monthly hour count in its calculator.
const HoursPerMonth = 730.0

// Price is one list price.
type Price struct {
	USD  float64
	Unit string
	// Source is the pricing page the price was read from.
	Source string
}

// Pricing pages.
const (
	srcEC2       = "https://aws.amazon.com/ec2/pricing/on-demand/"
	srcEBS       = "https://aws.amazon.com/ebs/pricing/"
	srcVPC       = "https://aws.amazon.com/vpc/pricing/"
	srcPrivate   = "https://aws.amazon.com/privatelink/pricing/"
	srcRDS       = "https://aws.amazon.com/rds/mysql/pricing/"
	srcELB       = "https://aws.amazon.com/elasticloadbalancing/pricing/"
	srcFargate   = "https://aws.amazon.com/fargate/pricing/"
	srcKMS       = "https://aws.amazon.com/kms/pricing/"
	srcCW        = "https://aws.amazon.com/cloudwatch/pricing/"
	srcWAF       = "https://aws.amazon.com/waf/pricing/"
	srcRoute53   = "https://aws.amazon.com/route53/pricing/"
	srcS3        = "https://aws.amazon.com/s3/pricing/"
	srcCF        = "https://aws.amazon.com/cloudfront/pricing/"
	srcECR       = "https://aws.amazon.com/ecr/pricing/"
	srcTransfer  = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer"
	srcPipeline  = "https://aws.amazon.com/codepipeline/pricing/"
	srcCodeBuild = "https://aws.amazon.com/codebuild/pricing/"
	srcAPIGW     = "https://aws.amazon.com/api-gateway/pricing/"
	srcSQS       = "https://aws.amazon.com/sqs/pricing/"
	srcLambda    = "https://aws.amazon.com/lambda/pricing/"
)

// Keys of the price table.
const (
	PublicIPv4Hour       = "public-ipv4-hour"
	NatGatewayHour       = "nat-gateway-hour"
	NatGatewayGB         = "nat-gateway-gb"
	EndpointAZHour       = "interface-endpoint-az-hour"
	EndpointGB           = "interface-endpoint-gb"
	EBSgp3GBMonth        = "ebs-gp3-gb-month"
	RDSgp3GBMonth        = "rds-gp3-gb-month"
	ALBHour              = "alb-hour"
	ALBLCUHour           = "alb-lcu-hour"
	FargateVCPUHourX86   = "fargate-vcpu-hour-x86_64"
	FargateGBHourX86     = "fargate-gb-hour-x86_64"
	FargateVCPUHourArm   = "fargate-vcpu-hour-arm64"
	FargateGBHourArm     = "fargate-gb-hour-arm64"
	KMSKeyMonth          = "kms-key-month"
	AlarmMonth           = "cloudwatch-alarm-month"
	DashboardMonth       = "cloudwatch-dashboard-month"
	MetricMonth          = "cloudwatch-metric-month"
	LogsIngestGB         = "cloudwatch-logs-ingest-gb"
	LogsStoreGBMonth     = "cloudwatch-logs-store-gb-month"
	WebACLMonth          = "waf-web-acl-month"
	WAFRuleMonth         = "waf-rule-month"
	WAFRequestsMillion   = "waf-requests-million"
	HostedZoneMonth      = "route53-zone-month"
	S3GBMonth            = "s3-standard-gb-month"
	CloudFrontGB         = "cloudfront-gb"
	CloudFrontHTTPS10k   = "cloudfront-https-10k"
	ECRGBMonth           = "ecr-gb-month"
	InternetOutGB        = "internet-out-gb"
	PipelineV2ActionMin  = "codepipeline-v2-action-minute"
	CodeBuildMinuteSmall = "codebuild-minute-small"
	RestAPIMillion       = "apigateway-rest-million"
	SQSMillion           = "sqs-standard-million"
	LambdaMillion        = "lambda-requests-million"
	LambdaArmGBSecond    = "lambda-arm64-gb-second"
)

// instanceHour are EC2 Linux on-demand hourly prices, by region and type.
var instanceHour = map[string]map[string]float64{
	"ap-northeast-1": {
		"t4g.nano": 0.0054, "t4g.micro": 0.0108, "t4g.small": 0.0216, "t4g.medium": 0.0432,
		"t3.nano": 0.0068, "t3.micro": 0.0136, "t3.small": 0.0272, "t3.medium": 0.0544,
		"m7g.large": 0.1052, "c7g.large": 0.0906,
	},
	"us-east-1": {
		"t4g.nano": 0.0042, "t4g.micro": 0.0084, "t4g.small": 0.0168, "t4g.medium": 0.0336,
		"t3.nano": 0.0052, "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416,
		"m7g.large": 0.0816, "c7g.large": 0.0725,
	},
}

// dbInstanceHour are RDS for MySQL single-AZ on-demand hourly prices (Multi-AZ is twice), by region and
// class.
var dbInstanceHour = map[string]map[string]float64{
	"ap-northeast-1": {
		"db.t4g.micro": 0.028, "db.t4g.small": 0.056, "db.t4g.medium": 0.113, "db.t4g.large": 0.226,
		"db.t3.micro": 0.033, "db.t3.small": 0.066, "db.m7g.large": 0.240,
	},
	"us-east-1": {
		"db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
		"db.t3.micro": 0.017, "db.t3.small": 0.034, "db.m7g.large": 0.168,
	},
}

// prices are the other list prices, by region.
var prices = map[string]map[string]Price{
	"ap-northeast-1": {
		PublicIPv4Hour:       {0.005, "per public IPv4 address-hour", srcVPC},
		NatGatewayHour:       {0.062, "per NAT gateway-hour", srcVPC},
		NatGatewayGB:         {0.062, "per GB processed", srcVPC},
		EndpointAZHour:       {0.014, "per interface endpoint per AZ-hour", srcPrivate},
		EndpointGB:           {0.01, "per GB processed", srcPrivate},
		EBSgp3GBMonth:        {0.096, "per GB-month (gp3)", srcEBS},
		RDSgp3GBMonth:        {0.138, "per GB-month (RDS gp3, single-AZ)", srcRDS},
		ALBHour:              {0.0243, "per load balancer-hour", srcELB},
		ALBLCUHour:           {0.008, "per LCU-hour", srcELB},
		FargateVCPUHourX86:   {0.05056, "per vCPU-hour (Linux/x86)", srcFargate},
		FargateGBHourX86:     {0.00553, "per GB-hour (Linux/x86)", srcFargate},
		FargateVCPUHourArm:   {0.04045, "per vCPU-hour (Linux/ARM)", srcFargate},
		FargateGBHourArm:     {0.00442, "per GB-hour (Linux/ARM)", srcFargate},
		KMSKeyMonth:          {1.00, "per customer managed key-month", srcKMS},
		AlarmMonth:           {0.10, "per standard-resolution alarm-month", srcCW},
		DashboardMonth:       {3.00, "per dashboard-month", srcCW},
		MetricMonth:          {0.30, "per custom metric-month (first 10,000)", srcCW},
		LogsIngestGB:         {0.76, "per GB ingested", srcCW},
		LogsStoreGBMonth:     {0.033, "per GB-month stored", srcCW},
		S3GBMonth:            {0.025, "per GB-month (S3 Standard)", srcS3},
		ECRGBMonth:           {0.10, "per GB-month", srcECR},
		InternetOutGB:        {0.114, "per GB out to the internet (first 10 TB)", srcTransfer},
		PipelineV2ActionMin:  {0.002, "per action execution minute (V2)", srcPipeline},
		CodeBuildMinuteSmall: {0.0065, "per build minute (general1.small)", srcCodeBuild},
		RestAPIMillion:       {4.25, "per million REST API calls (first 333 million)", srcAPIGW},
		SQSMillion:           {0.40, "per million standard queue requests", srcSQS},
		LambdaMillion:        {0.20, "per million requests", srcLambda},
		LambdaArmGBSecond:    {0.0000133334, "per GB-second (arm64)", srcLambda},
	},
	"us-east-1": {
		PublicIPv4Hour: {0.005, "per public IPv4 address-hour", srcVPC},
		KMSKeyMonth:    {1.00, "per customer managed key-month", srcKMS},
		AlarmMonth:     {0.10, "per standard-resolution alarm-month", srcCW},
		LogsIngestGB:   {0.50, "per GB ingested", srcCW},
	},
	// Global services: the same price whichever region a stack is in. CloudFront's are its Japan edge's,
	// where the course's viewers are.
	Global: {
		WebACLMonth:        {5.00, "per web ACL-month", srcWAF},
		WAFRuleMonth:       {1.00, "per rule or rule group-month", srcWAF},
		WAFRequestsMillion: {0.60, "per million requests", srcWAF},
		CloudFrontGB:       {0.114, "per GB out (Japan, first 10 TB)", srcCF},
		CloudFrontHTTPS10k: {0.0120, "per 10,000 HTTPS requests (Japan)", srcCF},
		HostedZoneMonth:    {0.50, "per hosted zone-month", srcRoute53},
	},
}

// Global is the price table of the services priced the same everywhere.
const Global = "global"

// Regions are the regions whose prices are recorded.
func Regions() []string { return []string{"ap-northeast-1", "us-east-1"} }

// Lookup returns the price of key in region, or in the global table.
func Lookup(region, key string) (Price, bool) {
	if p, ok := prices[region][key]; ok {
		return p, true
	}
	p, ok := prices[Global][key]
	return p, ok
}
