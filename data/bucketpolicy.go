package data

import (
	"fmt"

	"github.com/tastylog/infra/internal/iampolicy"
)

func bucketArn(name string) string { return "arn:aws:s3:::" + name }

// denyInsecureTransport refuses every request to the bucket that does not use TLS.
func denyInsecureTransport(name string) iampolicy.Statement {
	arn := bucketArn(name)
	return iampolicy.Deny("DenyInsecureTransport", []string{"s3:*"}, []string{arn, arn + "/*"}).
		To("AWS", "*").When("Bool", "aws:SecureTransport", "false")
}

// bucketPolicy is the policy of a bucket no AWS service writes to: TLS only.
func bucketPolicy(name string) iampolicy.Document {
	return iampolicy.New(denyInsecureTransport(name))
}

// logsBucketPolicy admits exactly the log deliveries the stack uses, each to its own prefix and only for
// this account: ALB access logs (the region's ELB account, or the log-delivery service in regions that
// opened after August 2022) and the stack's CloudTrail trail.
func logsBucketPolicy(name, account, region, elbAccountArn, trailName string) iampolicy.Document {
	arn := bucketArn(name)
	trailArn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, account, trailName)
	return iampolicy.New(
		denyInsecureTransport(name),
		iampolicy.Allow("AlbAccessLogs", []string{"s3:PutObject"},
			[]string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, AlbLogPrefix, account)}).
			To("AWS", elbAccountArn).
			To("Service", "logdelivery.elasticloadbalancing.amazonaws.com"),
		iampolicy.Allow("CloudTrailAclCheck", []string{"s3:GetBucketAcl"}, []string{arn}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn),
		iampolicy.Allow("CloudTrailWrite", []string{"s3:PutObject"},
			[]string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, CloudTrailLogPrefix, account)}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn).
			When("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
	)
}
