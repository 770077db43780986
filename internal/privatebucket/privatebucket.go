// Package privatebucket holds the settings every S3 bucket of the program and of its bootstrap has, so
// the data layer's buckets and the state bucket cannot drift apart. Its behaviour is tested through those
// layers' tests.
package privatebucket

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Harden gives the bucket id (whose resource is named base) public access blocked, ACLs off
// (BucketOwnerEnforced: ALB, CloudTrail, CloudFront's logging v2 and S3 access logs deliver without
// them), default encryption (SSE-KMS with a bucket key under keyArn, SSE-S3 when keyArn is nil) and, when
// versioned, versioning. It returns the public access block and the ownership controls: the bucket's
// policy waits for them, as S3 rejects concurrent changes to one bucket.
func Harden(ctx *pulumi.Context, base string, id pulumi.StringInput, keyArn pulumi.StringInput, versioned bool,
	opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	pab, err := s3.NewBucketPublicAccessBlock(ctx, base+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, base+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	encryption := s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm: pulumi.String("AES256"),
		},
	}
	if keyArn != nil {
		encryption = s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm:   pulumi.String("aws:kms"),
				KmsMasterKeyId: keyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true), // one data key per bucket, not a KMS call per object
		}
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, base+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{encryption},
	}, opts...); err != nil {
		return nil, err
	}
	if versioned {
		if _, err := s3.NewBucketVersioningV2(ctx, base+"-versioning", &s3.BucketVersioningV2Args{
			Bucket:                  id,
			VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, opts...); err != nil {
			return nil, err
		}
	}
	return []pulumi.Resource{pab, ownership}, nil
}
