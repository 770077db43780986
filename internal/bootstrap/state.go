package bootstrap

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/privatebucket"
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

// StateLogsBucketName is the bucket the state bucket's S3 server access logs go to: who read or wrote
// which state, and when.
func StateLogsBucketName(prefix, account string) string {
	return prefix + "-pulumi-state-logs-" + account
}

// stateLogDays is how long the state bucket's access logs are kept.
const stateLogDays = 365

// privateBucket creates a bucket with the settings of every bucket of the program (privatebucket.Harden:
// SSE-KMS with the key when kms, SSE-S3 where a service delivers that cannot use it), the lifecycle rule
// and the bucket policy; it returns the bucket and what must exist before it is written to.
func (b *builder) privateBucket(base, name string, kms, versioned bool, rule s3.BucketLifecycleConfigurationV2RuleArgs,
	policy iampolicy.Document, opts ...pulumi.ResourceOption) (*s3.BucketV2, []pulumi.Resource, error) {
	bucket, err := s3.NewBucketV2(b.ctx, base, &s3.BucketV2Args{Bucket: pulumi.String(name), Tags: layer.NameTags(name)}, b.with(opts...)...)
	if err != nil {
		return nil, nil, err
	}
	id := bucket.ID().ToStringOutput()
	var keyArn pulumi.StringInput
	if kms {
		keyArn = b.keyArn
	}
	ready, err := privatebucket.Harden(b.ctx, base, id, keyArn, versioned, b.opts...)
	if err != nil {
		return nil, nil, err
	}
	rule.Status, rule.Filter = pulumi.String("Enabled"), s3.BucketLifecycleConfigurationV2RuleFilterArgs{}
	rule.AbortIncompleteMultipartUpload = s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, base+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id, Rules: s3.BucketLifecycleConfigurationV2RuleArray{rule},
	}, b.opts...); err != nil {
		return nil, nil, err
	}
	p, err := s3.NewBucketPolicy(b.ctx, base+"-policy", &s3.BucketPolicyArgs{Bucket: id, Policy: pulumi.String(policy.JSON())},
		b.with(pulumi.DependsOn(ready))...)
	return bucket, append(ready, p), err
}

// buildStateBucket creates the bucket Pulumi's S3 backend keeps every stack's state in: private, TLS
// only, versioned (an overwritten state is recoverable for StateVersionDays), encrypted with the key,
// access-logged to a bucket of its own, protected and kept if the bootstrap stack is ever destroyed.
func (b *builder) buildStateBucket() error {
	name := StateBucketName(b.name, b.args.AccountId)
	logsName := StateLogsBucketName(b.name, b.args.AccountId)
	keep := []pulumi.ResourceOption{pulumi.Protect(true), pulumi.RetainOnDelete(true)}
	logsArn := iampolicy.BucketArn(logsName)
	logs, logsReady, err := b.privateBucket(b.name+"-state-logs-bucket", logsName, false, false,
		s3.BucketLifecycleConfigurationV2RuleArgs{Id: pulumi.String("expire-access-logs"),
			Expiration: s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(stateLogDays)}},
		iampolicy.New(iampolicy.DenyInsecureTransport(logsName),
			iampolicy.Allow("S3ServerAccessLogs", []string{"s3:PutObject"}, []string{logsArn + "/*"}).
				To("Service", "logging.s3.amazonaws.com").
				When("ArnLike", "aws:SourceArn", iampolicy.BucketArn(name)).
				When("StringEquals", "aws:SourceAccount", b.args.AccountId)),
		keep...)
	if err != nil {
		return err
	}
	bucket, _, err := b.privateBucket(b.name+"-state-bucket", name, true, true,
		s3.BucketLifecycleConfigurationV2RuleArgs{Id: pulumi.String("expire-old-state"),
			NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(b.args.StateVersionDays),
			}},
		iampolicy.New(iampolicy.DenyInsecureTransport(name)), keep...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketLoggingV2(b.ctx, b.name+"-state-bucket-logging", &s3.BucketLoggingV2Args{
		Bucket: bucket.ID().ToStringOutput(), TargetBucket: logs.Bucket, TargetPrefix: pulumi.String("state/"),
	}, b.with(pulumi.DependsOn(logsReady))...); err != nil {
		return err
	}
	b.bucket, b.bucketArn = bucket.Bucket, bucket.Arn
	return nil
}
