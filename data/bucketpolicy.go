package data

import (
	"fmt"

	"github.com/tastylog/infra/internal/iampolicy"
)

// CloudFrontLogSource is the name of the CloudWatch Logs delivery source the edge layer creates (in
// us-east-1) for the distribution's access logs; the logs bucket admits deliveries from it alone.
func CloudFrontLogSource(prefix string) string { return prefix + "-cloudfront" }

// deployBucketPolicy is the policy of a bucket no AWS service writes to: TLS only.
func deployBucketPolicy(name string) iampolicy.Document {
	return iampolicy.New(iampolicy.DenyInsecureTransport(name))
}

// logsBucketPolicy admits exactly the log deliveries the stack uses, each to its own prefix and only for
// this account: ALB access logs (the region's ELB account, or the log-delivery service in regions that
// opened after August 2022), the stack's CloudTrail trail, and CloudFront's standard logging (v2, through
// CloudWatch Logs delivery, which needs no bucket ACLs), and VPC flow logs when they go to the bucket.
func logsBucketPolicy(name, account, region, elbAccountArn, trailName, cloudFrontSource string, flowLogs bool) iampolicy.Document {
	arn := iampolicy.BucketArn(name)
	trailArn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, account, trailName)
	sourceArn := fmt.Sprintf("arn:aws:logs:us-east-1:%s:delivery-source:%s", account, cloudFrontSource)
	statements := []iampolicy.Statement{
		iampolicy.DenyInsecureTransport(name),
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
		iampolicy.Allow("CloudFrontAccessLogs", []string{"s3:PutObject"},
			[]string{fmt.Sprintf("%s/%s/*", arn, CloudFrontLogPrefix)}).
			To("Service", "delivery.logs.amazonaws.com").
			When("StringEquals", "aws:SourceAccount", account).
			When("StringEquals", "aws:SourceArn", sourceArn).
			When("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control"),
	}
	if flowLogs {
		flowLogSources := fmt.Sprintf("arn:aws:logs:%s:%s:*", region, account)
		statements = append(statements,
			iampolicy.Allow("FlowLogsWrite", []string{"s3:PutObject"},
				[]string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", arn, FlowLogPrefix, account)}).
				To("Service", "delivery.logs.amazonaws.com").
				When("StringEquals", "aws:SourceAccount", account).
				When("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control").
				When("ArnLike", "aws:SourceArn", flowLogSources),
			iampolicy.Allow("FlowLogsAclCheck", []string{"s3:GetBucketAcl"}, []string{arn}).
				To("Service", "delivery.logs.amazonaws.com").
				When("StringEquals", "aws:SourceAccount", account).
				When("ArnLike", "aws:SourceArn", flowLogSources),
		)
	}
	return iampolicy.New(statements...)
}
