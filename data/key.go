package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// keyDeletionDays is the waiting period before AWS deletes a scheduled key: the longest AWS allows, so a
// mistaken deletion can be cancelled.
const keyDeletionDays = 30

// stackKeyPolicy is the stack key's policy. The account administers the key through IAM (AWS's default
// statement; without it the key could become unmanageable), and two services may use it, each only for
// this stack's resources:
//   - CloudTrail, to encrypt the log files of this stack's trail (its encryption context names the trail);
//   - CloudWatch Logs, for the log groups under the stack's prefix (/tastylog/{env}/...).
//
// RDS, Parameter Store and S3 use the key on behalf of the callers whose IAM policies allow it (the
// deployer; the app servers only through Parameter Store, for their own parameters: compute's role).
func stackKeyPolicy(account, region, trailName, logGroupPrefix string) iampolicy.Document {
	trailArn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, account, trailName)
	return iampolicy.New(
		iampolicy.Allow("AccountAdministers", []string{"kms:*"}, []string{"*"}).To("AWS", "arn:aws:iam::"+account+":root"),
		iampolicy.Allow("CloudTrailEncryptsThisTrail", []string{"kms:GenerateDataKey*"}, []string{"*"}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn).
			When("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/%s", account, trailName)),
		iampolicy.Allow("CloudTrailDescribes", []string{"kms:DescribeKey"}, []string{"*"}).
			To("Service", "cloudtrail.amazonaws.com").
			When("StringEquals", "aws:SourceArn", trailArn),
		iampolicy.Allow("LogsEncryptTheStacksGroups", []string{
			"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*",
		}, []string{"*"}).
			To("Service", "logs."+region+".amazonaws.com").
			When("ArnLike", "kms:EncryptionContext:aws:logs:arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s/*", region, account, logGroupPrefix)),
	)
}

// buildKey creates the stack key when stackKey is on: rotated yearly, a 30-day deletion window, and
// protected in production. Everything the data layer encrypts at rest uses it, and observability uses it
// for the trail and the audit log groups.
func (b *builder) buildKey() error {
	if !b.args.StackKey {
		return nil
	}
	name := b.name + "-stack-key"
	key, err := kms.NewKey(b.ctx, name, &kms.KeyArgs{
		Description:          pulumi.String("tastylog " + b.name + ": database, settings, audit trail and log groups"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionDays),
		Policy:               pulumi.String(stackKeyPolicy(b.args.AccountId, b.args.Region, b.trailName(), b.args.LogGroupPrefix).JSON()),
		Tags:                 layer.NameTags(name),
	}, b.with(pulumi.Protect(b.args.Production))...)
	if err != nil {
		return err
	}
	if _, err := kms.NewAlias(b.ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + b.name),
		TargetKeyId: key.KeyId,
	}, b.opts...); err != nil {
		return err
	}
	b.key = key
	return nil
}

// keyID is the stack key's ARN for an optional key input, nil without a stack key (AWS-managed keys).
func (b *builder) keyID() pulumi.StringPtrInput {
	if b.key == nil {
		return nil
	}
	return b.key.Arn
}
