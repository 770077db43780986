package bootstrap

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// keyPolicy lets the account's IAM policies grant the key (the roles below do) and CloudWatch Logs use it
// for the session log group alone.
func keyPolicy(account, region string) iampolicy.Document {
	logGroup := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, SessionLogGroup)
	return iampolicy.New(
		iampolicy.Allow("AccountAdministers", []string{"kms:*"}, []string{"*"}).To("AWS", "arn:aws:iam::"+account+":root"),
		iampolicy.Allow("SessionLogs", []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, []string{"*"}).
			To("Service", "logs."+region+".amazonaws.com").When("ArnEquals", "kms:EncryptionContext:aws:logs:arn", logGroup),
	)
}

// buildKey creates the key that encrypts Pulumi's secrets (the awskms:// secrets provider), the state
// bucket and the session logs, rotated yearly, protected.
func (b *builder) buildKey() error {
	name := b.name + "-pulumi-key"
	key, err := kms.NewKey(b.ctx, name, &kms.KeyArgs{
		Description:       pulumi.String("Pulumi state, secrets and Session Manager logs of the tastylog stacks in this account"),
		EnableKeyRotation: pulumi.Bool(true),
		Policy:            pulumi.String(keyPolicy(b.args.AccountId, b.args.Region).JSON()),
		Tags:              layer.NameTags(name),
	}, b.with(pulumi.Protect(true))...)
	if err != nil {
		return err
	}
	alias, err := kms.NewAlias(b.ctx, name+"-alias", &kms.AliasArgs{Name: pulumi.String("alias/" + b.name + "-pulumi"), TargetKeyId: key.KeyId}, b.opts...)
	if err != nil {
		return err
	}
	b.keyArn, b.keyAlias = key.Arn, alias.Name
	return nil
}

// StateBucketName is the state bucket of an account: one name per account, known before it exists.
func StateBucketName(prefix, account string) string { return prefix + "-pulumi-state-" + account }

// buildStateBucket creates the bucket Pulumi's S3 backend keeps every stack's state in: private, TLS
// only, versioned (an overwritten state is recoverable for StateVersionDays), encrypted with the key,
// protected and kept if the bootstrap stack is ever destroyed.
func (b *builder) buildStateBucket() error {
	name := StateBucketName(b.name, b.args.AccountId)
	base := b.name + "-state-bucket"
	bucket, err := s3.NewBucketV2(b.ctx, base, &s3.BucketV2Args{Bucket: pulumi.String(name), Tags: layer.NameTags(name)},
		b.with(pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
	if err != nil {
		return err
	}
	id := bucket.ID().ToStringOutput()
	pab, err := s3.NewBucketPublicAccessBlock(b.ctx, base+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket: id, BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, b.opts...)
	if err != nil {
		return err
	}
	ownership, err := s3.NewBucketOwnershipControls(b.ctx, base+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id, Rule: s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.opts...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketVersioningV2(b.ctx, base+"-versioning", &s3.BucketVersioningV2Args{
		Bucket: id, VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, b.opts...); err != nil {
		return err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, base+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: b.keyArn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, b.opts...); err != nil {
		return err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, base+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-old-state"), Status: pulumi.String("Enabled"), Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
			NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(b.args.StateVersionDays),
			},
			AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, b.opts...); err != nil {
		return err
	}
	if _, err := s3.NewBucketPolicy(b.ctx, base+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: pulumi.String(iampolicy.New(iampolicy.DenyInsecureTransport(name)).JSON()),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{pab, ownership}))...); err != nil {
		return err
	}
	b.bucket, b.bucketArn = bucket.Bucket, bucket.Arn
	return nil
}
