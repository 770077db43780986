package data

import (
	"fmt"

	"github.com/tastylog/infra/internal/iampolicy"
)

// deployBucketPolicy is the policy of a bucket no AWS service writes to: TLS only.
func deployBucketPolicy(name string) iampolicy.Document {
	return iampolicy.New(iampolicy.DenyInsecureTransport(name))
}

// logDeliveryService is the principal of CloudWatch Logs' vended-log deliveries to S3 (CloudFront's
// standard logging v2, VPC flow logs).
const logDeliveryService = "delivery.logs.amazonaws.com"

// logsBucketPolicy admits exactly the log deliveries the stack uses, each to its own prefix and only for
// this account: ALB access logs (the region's ELB account, or the log-delivery service in regions that
// opened since August 2022, where the account look-up fails), CloudFront's standard logging v2 (delivered
// from us-east-1 by CloudWatch Logs, which needs no bucket ACLs), S3 server access logs of the stack's
// other buckets and, when they go to the bucket, VPC flow logs. The vended-log statements carry the Sids
// AWS uses for them, so AWS finds its permissions already in place and leaves the policy alone.
func logsBucketPolicy(name, account, region, elbAccountArn string, flowLogs bool, accessLogged []string) iampolicy.Document {
	arn := iampolicy.BucketArn(name)
	deliveryPaths := []string{fmt.Sprintf("%s/%s/*", arn, CloudFrontLogPrefix)}
	deliverySources := []string{fmt.Sprintf("arn:aws:logs:us-east-1:%s:*", account)}
	if flowLogs {
		deliveryPaths = append(deliveryPaths, fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, FlowLogPrefix, account))
		if region != "us-east-1" {
			deliverySources = append(deliverySources, fmt.Sprintf("arn:aws:logs:%s:%s:*", region, account))
		}
	}
	albLogs := iampolicy.Allow("AlbAccessLogs", []string{"s3:PutObject"},
		[]string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, AlbLogPrefix, account)})
	if elbAccountArn != "" {
		albLogs = albLogs.To("AWS", elbAccountArn)
	}
	albLogs = albLogs.To("Service", "logdelivery.elasticloadbalancing.amazonaws.com")
	var sources []string
	for _, bucket := range accessLogged {
		sources = append(sources, iampolicy.BucketArn(bucket))
	}
	return iampolicy.New(
		iampolicy.DenyInsecureTransport(name),
		albLogs,
		iampolicy.Allow("S3ServerAccessLogs", []string{"s3:PutObject"}, []string{fmt.Sprintf("%s/%s/*", arn, S3AccessLogPrefix)}).
			To("Service", "logging.s3.amazonaws.com").
			When("ArnLike", "aws:SourceArn", sources...).
			When("StringEquals", "aws:SourceAccount", account),
		iampolicy.Allow("AWSLogDeliveryWrite", []string{"s3:PutObject"}, deliveryPaths).
			To("Service", logDeliveryService).
			When("StringEquals", "aws:SourceAccount", account).
			When("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control").
			When("ArnLike", "aws:SourceArn", deliverySources...),
		iampolicy.Allow("AWSLogDeliveryAclCheck", []string{"s3:GetBucketAcl", "s3:ListBucket"}, []string{arn}).
			To("Service", logDeliveryService).
			When("StringEquals", "aws:SourceAccount", account).
			When("ArnLike", "aws:SourceArn", deliverySources...),
	)
}

// trailBucketPolicy admits one writer, the stack's trail, to this account's prefix, and nothing but TLS.
func trailBucketPolicy(name, account, region, trailName string) iampolicy.Document {
	arn := iampolicy.BucketArn(name)
	trailArn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, account, trailName)
	return iampolicy.New(
		iampolicy.DenyInsecureTransport(name),
		iampolicy.Allow("CloudTrailAclCheck", []string{"s3:GetBucketAcl"}, []string{arn}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn),
		iampolicy.Allow("CloudTrailWrite", []string{"s3:PutObject"},
			[]string{fmt.Sprintf("%s/AWSLogs/%s/*", arn, account)}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn).
			When("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
	)
}
